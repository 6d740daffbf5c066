// VisitGcBlocks: every live GC block exactly once, including blocks of threads
// that detached or exited (abandoned pages) and after other threads reclaim
// those pages; plain (cgc_malloc) and untracked blocks never.
// VisitUntrackedBlocks: the untracked blocks, the same way.
#include <atomic>
#include <cstdint>
#include <thread>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "alloc_hooks/alloc_hooks.h"
#include "gtest/gtest.h"
#include "test_util.h"

namespace cyclegc::alloc {
namespace {

using testing::Mark;
using testing::MarkerOf;
using testing::ScopedAttach;
using testing::UnmarkAndGcFree;

class VisitGcBlocksTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(Init().ok()); }
};

struct Seen {
  uint64_t marker;
  absl::flat_hash_map<void*, int> count;
};

bool Record(void* block, size_t /*size*/, void* arg) {
  auto* seen = static_cast<Seen*>(arg);
  if (MarkerOf(block) == seen->marker) ++seen->count[block];
  return true;
}

// Expects exactly `live` to carry the marker, each visited once.
void ExpectVisitedOnce(const std::vector<void*>& live, uint64_t marker,
                       void (*walk)(BlockVisitor, void*) = &VisitGcBlocks) {
  Seen seen{marker, {}};
  walk(&Record, &seen);
  EXPECT_EQ(seen.count.size(), live.size());
  for (void* p : live) {
    auto it = seen.count.find(p);
    if (it == seen.count.end()) {
      ADD_FAILURE() << "live block " << p << " not visited, usable size "
                    << UsableSize(p);
    } else {
      EXPECT_EQ(it->second, 1)
          << "block " << p << " visited " << it->second << " times";
    }
  }
}

TEST_F(VisitGcBlocksTest, AttachedThreadBlocksOnceAndPlainNever) {
  constexpr uint64_t kMarker = 0x6a11c0de00000001;
  ScopedAttach attach;
  std::vector<void*> live;
  for (int i = 0; i < 5000; ++i) {
    void* p = GcAlloc(attach.heaps(), 48 + (i % 13) * 8);
    Mark(p, kMarker);
    live.push_back(p);
    void* q = Malloc(attach.heaps(), 64);
    Mark(q, kMarker);  // plain memory with the same marker: must not be visited
  }
  ExpectVisitedOnce(live, kMarker);
}

// Untracked objects live in a heap of their own: the collector's walks
// (VisitGcBlocks, VisitGcPagesByContent) never read them, VisitUntrackedBlocks
// finds each once, of attached and exited threads alike, and their bytes
// count toward the full-page total.
TEST_F(VisitGcBlocksTest, UntrackedBlocksOnlyInTheirOwnWalk) {
  constexpr uint64_t kMarker = 0x6a11c0de00000004;
  std::vector<void*> gc, untracked;
  const size_t full_before = FullPageBytes();
  auto fill = [&](ThreadHeaps* h, int n) {
    for (int i = 0; i < n; ++i) {
      void* p = GcAlloc(h, 48 + (i % 13) * 8);
      Mark(p, kMarker);
      gc.push_back(p);
      void* q = UntrackedAlloc(h, 48 + (i % 13) * 8);
      ASSERT_NE(q, nullptr);
      Mark(q, kMarker);
      untracked.push_back(q);
    }
  };
  std::thread([&] {
    ScopedAttach attach;
    fill(attach.heaps(), 3000);
  }).join();  // exited: its pages are abandoned
  ScopedAttach attach;
  fill(attach.heaps(), 5000);
  ExpectVisitedOnce(gc, kMarker);
  ExpectVisitedOnce(untracked, kMarker, &VisitUntrackedBlocks);
  struct PageSeen {
    uint64_t marker;
    size_t count = 0;
  } by_content{kMarker};
  VisitGcPagesByContent(
      [](const PageBlocks& page, void* arg) {
        auto* seen = static_cast<PageSeen*>(arg);
        return ForEachAllocatedBlock(page, [seen](void* block) {
          if (BlockWordReadable(block, 8) && MarkerOf(block) == seen->marker) {
            ++seen->count;
          }
          return true;
        });
      },
      &by_content);
  EXPECT_EQ(by_content.count, gc.size()) << "the walk by content read "
                                            "untracked blocks";
  EXPECT_GE(FullPageBytes(), full_before + 8000 * 48)
      << "untracked blocks do not count toward memory pressure";
  EXPECT_COUNTER_MATCHES_WALK();
  for (void* p : gc) UnmarkAndGcFree(p);
  for (void* p : untracked) UnmarkAndGcFree(p);
  ExpectVisitedOnce({}, kMarker, &VisitUntrackedBlocks);
}

TEST_F(VisitGcBlocksTest, ExitedThreadBlocksVisitedOnceBeforeAndAfterReclaim) {
  constexpr uint64_t kMarker = 0x6a11c0de00000002;
  ScopedAttach main_attach;
  std::vector<void*> live;
  std::vector<std::thread> threads;
  std::atomic<int> done{0};
  std::vector<std::vector<void*>> per_thread(8);
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      ScopedAttach attach;
      for (int i = 0; i < 3000; ++i) {
        const size_t n =
            (i % 50 == 0) ? 300000 : 32 + (i % 9) * 24;  // some large blocks
        void* p = GcAlloc(attach.heaps(), n);
        Mark(p, kMarker);
        per_thread[t].push_back(p);
      }
      ++done;
    });  // exits: its pages are abandoned
  }
  for (auto& th : threads) th.join();
  for (auto& v : per_thread) live.insert(live.end(), v.begin(), v.end());
  ExpectVisitedOnce(live, kMarker);

  // Free some of them from here (into abandoned pages), then let another
  // thread reclaim pages by allocating.
  std::vector<void*> still;
  for (size_t i = 0; i < live.size(); ++i) {
    if (i % 3 == 0) {
      UnmarkAndGcFree(live[i]);
    } else {
      still.push_back(live[i]);
    }
  }
  ExpectVisitedOnce(still, kMarker);
  std::vector<void*> reclaimer_blocks;
  std::thread([&] {
    ScopedAttach attach;
    for (int i = 0; i < 40000; ++i)
      reclaimer_blocks.push_back(GcAlloc(attach.heaps(), 32 + (i % 9) * 24));
    // Now attached, owning reclaimed pages: still exactly once.
    ExpectVisitedOnce(still, kMarker);
  }).join();
  ExpectVisitedOnce(still, kMarker);
  for (void* p : reclaimer_blocks) GcFree(p);
  for (void* p : still) UnmarkAndGcFree(p);
  ExpectVisitedOnce({}, kMarker);
}

TEST_F(VisitGcBlocksTest, DetachedButRunningThreadBlocksStayVisible) {
  constexpr uint64_t kMarker = 0x6a11c0de00000003;
  std::vector<void*> live;
  auto h = AttachThread();
  ASSERT_TRUE(h.ok());
  for (int i = 0; i < 4000; ++i) {
    void* p = GcAlloc(*h, 80);
    Mark(p, kMarker);
    live.push_back(p);
  }
  DetachThread(*h);
  ExpectVisitedOnce(live, kMarker);
  auto h2 = AttachThread();  // same thread re-attaches
  ASSERT_TRUE(h2.ok());
  for (int i = 0; i < 4000; ++i) {
    void* p = GcAlloc(*h2, 80);
    Mark(p, kMarker);
    live.push_back(p);
  }
  ExpectVisitedOnce(live, kMarker);
  for (void* p : live) UnmarkAndGcFree(p);
  DetachThread(*h2);
  ExpectVisitedOnce({}, kMarker);
}

TEST_F(VisitGcBlocksTest, VisitorCanStopEarly) {
  constexpr uint64_t kMarker = 0x6a11c0de00000004;
  ScopedAttach attach;
  std::vector<void*> live;
  for (int i = 0; i < 100; ++i) {
    live.push_back(GcAlloc(attach.heaps(), 32));
    Mark(live.back(), kMarker);
  }
  int calls = 0;
  VisitGcBlocks(
      [](void*, size_t, void* arg) {
        ++*static_cast<int*>(arg);
        return false;
      },
      &calls);
  EXPECT_EQ(calls, 1);
  for (void* p : live) UnmarkAndGcFree(p);
}

TEST_F(VisitGcBlocksTest, ShutdownRefusesWhileAnotherThreadIsAttached) {
  std::atomic<bool> attached{false}, release{false};
  std::thread other([&] {
    ScopedAttach attach;
    attached = true;
    while (!release) std::this_thread::yield();
  });
  while (!attached) std::this_thread::yield();
  EXPECT_FALSE(Shutdown());
  release = true;
  other.join();
  EXPECT_TRUE(Shutdown());
  ASSERT_TRUE(Init().ok());
  EXPECT_EQ(FullPageBytes(), FullPageBytesByWalk());
}

TEST_F(VisitGcBlocksTest, FreedBlocksOfEverySizeAreSkipped) {
  // Pages of 16-byte blocks hold thousands of blocks (many bitmap words);
  // freeing every third block leaves free runs inside and across words.
  constexpr uint64_t kMarker = 0x6a11c0de00000005;
  ScopedAttach attach;
  std::vector<void*> freed_blocks;
  const std::vector<void*> live = testing::AllocThenFreeEveryThird(
      attach.heaps(), {16, 48, 200, 3000, 40000}, 3000, kMarker, &freed_blocks);
  absl::flat_hash_map<void*, int> freed;  // never reused: sizes differ
  for (void* p : freed_blocks) freed[p] = 0;
  ExpectVisitedOnce(live, kMarker);
  // A free block is not visited at all (its marker is gone, so the check
  // above would not see it).
  VisitGcBlocks(
      [](void* block, size_t, void* arg) {
        auto* f = static_cast<absl::flat_hash_map<void*, int>*>(arg);
        if (auto it = f->find(block); it != f->end()) ++it->second;
        return true;
      },
      &freed);
  for (const auto& [p, visits] : freed) {
    ASSERT_EQ(visits, 0) << "freed block " << p << " visited";
  }
  for (void* p : live) UnmarkAndGcFree(p);
}

TEST(ForEachAllocatedBlockTest, VisitsTheClearBitsBelowCapacityInOrder) {
  constexpr size_t kBits = 8 * sizeof(uintptr_t);
  constexpr size_t kCapacity = 2 * kBits + 2;  // a last word only partly used
  uintptr_t free_map[3] = {};
  auto set_free = [&free_map](size_t i) {
    free_map[i / kBits] |= uintptr_t{1} << (i % kBits);
  };
  for (size_t i : {size_t{0}, kBits - 1, kBits, 2 * kBits + 1}) set_free(i);
  free_map[2] |= ~uintptr_t{0} << 2;  // bits past capacity: ignored either way
  alignas(16) static uint8_t area[kCapacity * 16];
  const PageBlocks page{area, 16, 16, kCapacity, free_map};
  std::vector<size_t> seen;
  EXPECT_TRUE(ForEachAllocatedBlock(page, [&](void* block) {
    seen.push_back(static_cast<size_t>(static_cast<uint8_t*>(block) - area) /
                   16);
    return true;
  }));
  std::vector<size_t> want;
  for (size_t i = 0; i < kCapacity; ++i) {
    if ((free_map[i / kBits] >> (i % kBits) & 1) == 0) want.push_back(i);
  }
  EXPECT_EQ(seen, want);
  EXPECT_EQ(seen.size(), kCapacity - 4);

  size_t calls = 0;
  EXPECT_FALSE(
      ForEachAllocatedBlock(page, [&calls](void*) { return ++calls < 3; }));
  EXPECT_EQ(calls, 3u);
}

}  // namespace
}  // namespace cyclegc::alloc
