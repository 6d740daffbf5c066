// Attach/detach, misuse errors, threads that exit without detaching, objects
// of exited threads.
#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "registry.h"
#include "runtime_fixture.h"

namespace cyclegc::testing {
namespace {

size_t AttachedThreads() {
  absl::ReaderMutexLock lock(&internal::RegistryMutex());
  return internal::ThreadCount();
}

using ThreadTest = RuntimeTest;

TEST_F(ThreadTest, DoubleAttachIsAnErrorAndChangesNothing) {
  EXPECT_EQ(AttachedThreads(), 1u);
  EXPECT_EQ(cgc_thread_attach(), CGC_ESTATE);
  EXPECT_NE(std::string(cgc_last_error()).find("already attached"),
            std::string::npos);
  EXPECT_EQ(AttachedThreads(), 1u);
  Node* n = NewNode();
  ASSERT_NE(n, nullptr);
  cgc_decref(Obj(n));
}

TEST_F(ThreadTest, DetachWithoutAttachIsAnError) {
  std::thread([] {
    cgc_thread_detach();
    EXPECT_NE(std::string(cgc_last_error()).find("not attached"),
              std::string::npos);
    EXPECT_EQ(cgc_alloc(&kNodeType, sizeof(Node)), nullptr);
    EXPECT_NE(std::string(cgc_last_error()).find("not attached"),
              std::string::npos);
    EXPECT_EQ(cgc_malloc(16), nullptr);
  }).join();
  EXPECT_EQ(AttachedThreads(), 1u);
}

TEST_F(ThreadTest, BadAllocArgumentsAreErrors) {
  EXPECT_EQ(cgc_alloc(nullptr, 64), nullptr);
  EXPECT_NE(std::string(cgc_last_error()).find("type is NULL"),
            std::string::npos);
  EXPECT_EQ(cgc_alloc(&kNodeType, 8), nullptr);
  EXPECT_NE(std::string(cgc_last_error()).find("TestNode"), std::string::npos);
}

TEST_F(ThreadTest, AttachDetachRegistersAndUnregisters) {
  std::atomic<bool> attached{false}, leave{false};
  std::thread t([&] {
    ASSERT_EQ(cgc_thread_attach(), 0);
    attached.store(true);
    while (!leave.load()) cgc_safepoint();
    cgc_thread_detach();
    EXPECT_EQ(cgc_thread_attach(), 0) << "re-attach after detach";
    cgc_thread_detach();
  });
  while (!attached.load()) {
  }
  EXPECT_EQ(AttachedThreads(), 2u);
  leave.store(true);
  t.join();
  EXPECT_EQ(AttachedThreads(), 1u);
}

TEST_F(ThreadTest, ThreadExitingWithoutDetachIsDetached) {
  std::atomic<int> destroyed{0};
  std::vector<Node*> kept;
  for (int i = 0; i < 8; ++i) {
    std::thread([&] {
      ASSERT_EQ(cgc_thread_attach(), 0);
      Node* n = NewNode(&destroyed);
      void* buffer = cgc_malloc(1000);
      cgc_free(buffer);
      kept.push_back(n);  // joined before the next thread starts
      Node* garbage = NewNode(&destroyed);
      cgc_decref(Obj(garbage));
    }).join();  // no cgc_thread_detach: the exit hook does it
  }
  EXPECT_EQ(AttachedThreads(), 1u);
  EXPECT_EQ(destroyed.load(), 8);
  for (Node* n : kept) {
    EXPECT_EQ(cgc_refcount(Obj(n)), 1u);  // still valid
    cgc_decref(Obj(n));                   // owner gone: merged at once
  }
  EXPECT_EQ(destroyed.load(), 16);
}

TEST_F(ThreadTest, AttachBeforeInitIsAnError) {
  cgc_shutdown();
  std::thread([] {
    EXPECT_EQ(cgc_thread_attach(), CGC_ESTATE);
    EXPECT_NE(std::string(cgc_last_error()).find("cgc_init"),
              std::string::npos);
  }).join();
  cgc_config config;
  cgc_config_default(&config);
  config.threshold = 0;
  ASSERT_EQ(cgc_init(&config), 0) << cgc_last_error();
}

TEST_F(ThreadTest, ManyThreadsChurnObjects) {
  std::atomic<int> destroyed{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 6; ++t) {
    threads.emplace_back([&] {
      for (int round = 0; round < 20; ++round) {
        ASSERT_EQ(cgc_thread_attach(), 0);
        for (int i = 0; i < 100; ++i) {
          Node* a = NewNode(&destroyed);
          Node* b = NewNode(&destroyed);
          a->next = Obj(b);
          cgc_decref(Obj(a));
        }
        cgc_thread_detach();
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(destroyed.load(), 6 * 20 * 100 * 2);
}

}  // namespace
}  // namespace cyclegc::testing
