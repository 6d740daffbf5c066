// Trash in another thread's heap is released by that thread when it reaches
// the trigger during the collection (release_job.h): its blocks are freed
// where they were allocated, in parallel with the collector.
#include <atomic>
#include <thread>
#include <vector>

#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "cyclegc/cyclegc.h"
#include "gtest/gtest.h"
#include "runtime_fixture.h"
#include "test_points.h"

namespace cyclegc::testing {
namespace {

class ReleaseJobTest : public RuntimeTest {
 protected:
  void TearDown() override {
    internal::SetTestPointHookForTesting(nullptr);
    RuntimeTest::TearDown();
  }
};

constexpr int kCycles = 300;  // 600 members: several chunks of 64

absl::Notification* g_offered = nullptr;
std::atomic<int>* g_destroyed = nullptr;

// On the collector, before it claims any member: lets the owner in and waits
// (bounded) until the owner has released some, so the test does not depend
// on who gets there first.
void WaitForHelper(internal::TestPoint point, cgc_object*) {
  if (point != internal::TestPoint::kReleaseJobOffered) return;
  g_offered->Notify();
  const absl::Time deadline = absl::Now() + absl::Seconds(20);
  while (g_destroyed->load() == 0 && absl::Now() < deadline) {
    absl::SleepFor(absl::Milliseconds(1));
  }
}

TEST_F(ReleaseJobTest, OwnerReleasesItsTrashDuringTheCollection) {
  std::atomic<int> destroyed{0};
  std::vector<std::thread::id> destroyed_on(2 * kCycles);
  std::thread::id owner_id;
  absl::Notification made, offered, done;
  g_offered = &offered;
  g_destroyed = &destroyed;
  std::thread owner([&] {
    ASSERT_EQ(cgc_thread_attach(), CGC_OK);
    owner_id = std::this_thread::get_id();
    for (int i = 0; i < kCycles; ++i) {
      Node* a = NewNode(&destroyed, &destroyed_on[2 * i]);
      Node* b = NewNode(&destroyed, &destroyed_on[2 * i + 1]);
      a->next = Obj(b);
      cgc_incref(Obj(b));
      b->next = Obj(a);
      cgc_incref(Obj(a));
      cgc_decref(Obj(a));
      cgc_decref(Obj(b));
    }
    made.Notify();
    cgc_blocking_begin();  // stopped for the collection's stop
    offered.WaitForNotification();
    cgc_blocking_end();
    // Allocating passes a young batch: the trigger sees the offered job.
    std::vector<Node*> kept;
    for (int i = 0; i < 600; ++i) {  // more than two young batches (256)
      kept.push_back(NewNode());
    }
    for (Node* n : kept) cgc_decref(Obj(n));
    cgc_blocking_begin();
    done.WaitForNotification();
    cgc_blocking_end();
    cgc_thread_detach();
  });
  made.WaitForNotification();
  internal::SetTestPointHookForTesting(&WaitForHelper);
  EXPECT_EQ(cgc_collect(), 2u * kCycles);
  internal::SetTestPointHookForTesting(nullptr);
  // Everything is freed before cgc_collect returns, part of it on the owner.
  EXPECT_EQ(destroyed.load(), 2 * kCycles);
  int on_owner = 0;
  int unrecorded = 0;
  for (const std::thread::id& id : destroyed_on) {
    on_owner += id == owner_id;
    unrecorded += id == std::thread::id();
  }
  EXPECT_GE(on_owner, 64) << "no chunk was released by the owner";
  EXPECT_EQ(unrecorded, 0) << "members whose destroy did not run";
  done.Notify();
  owner.join();
}

}  // namespace
}  // namespace cyclegc::testing
