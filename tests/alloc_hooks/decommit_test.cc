// Freed spans go back to the OS while the heap keeps allocating (patch 0010).
//
// Upstream mimalloc 2.0.9 pushed a segment's delayed decommit further away at
// every span free and every reuse of a pending span: a heap that allocates
// and frees pages without pause (a runtime between cycle collections) never
// decommitted anything, and every span it ever touched stayed resident.
#include <chrono>
#include <cstddef>
#include <vector>

#include "alloc_hooks/alloc_hooks.h"
#include "gtest/gtest.h"
#include "test_util.h"

namespace cyclegc::alloc {
namespace {

using testing::ScopedAttach;

// Blocks above mimalloc's medium size get a page of their own: freeing one
// frees its span at once (no page is kept for reuse).
constexpr size_t kLargeBlock = 256 * 1024;

TEST(DecommitTest, SpansLeftFreeAreDecommittedWhileTheHeapChurns) {
  ASSERT_TRUE(Init().ok());
  ScopedAttach attach;
  ThreadHeaps* h = attach.heaps();
  // A block in use keeps the segment: an empty one goes to the segment
  // cache, which has its own (longer) delay.
  void* keep = Malloc(h, 64);
  ASSERT_NE(keep, nullptr);
  std::vector<void*> blocks;
  for (int i = 0; i < 40; ++i) {  // 10 MiB
    void* p = Malloc(h, kLargeBlock);
    ASSERT_NE(p, nullptr);
    blocks.push_back(p);
  }
  const size_t committed_in_use = CommittedBytes();
  for (void* p : blocks) Free(p);

  // One block allocated and freed again and again takes and frees a span of
  // the same segment each time. The 39 other spans stay free: they must be
  // decommitted within two windows (25 ms each by default), churn or not.
  constexpr size_t kExpectedDrop = 8u << 20;
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::seconds(5);
  size_t committed = committed_in_use;
  while (std::chrono::steady_clock::now() < deadline) {
    for (int i = 0; i < 100; ++i) {
      void* p = Malloc(h, kLargeBlock);
      ASSERT_NE(p, nullptr);
      Free(p);
    }
    committed = CommittedBytes();
    if (committed + kExpectedDrop <= committed_in_use) break;
  }
  EXPECT_LE(committed + kExpectedDrop, committed_in_use)
      << "committed " << committed << " bytes after 5 s of churn, "
      << committed_in_use << " with 10 MiB in use: the free spans were "
      << "never decommitted";
  Free(keep);
}

// Spans in use are never decommitted, however many windows pass while other
// spans churn: their blocks keep what was written (a decommitted span reads
// back zeros, or faults).
TEST(DecommitTest, SpansInUseStayCommitted) {
  ASSERT_TRUE(Init().ok());
  ScopedAttach attach;
  ThreadHeaps* h = attach.heaps();
  std::vector<unsigned char*> blocks;
  for (int i = 0; i < 40; ++i) {
    auto* p = static_cast<unsigned char*>(Malloc(h, kLargeBlock));
    ASSERT_NE(p, nullptr);
    for (size_t off = 0; off < kLargeBlock; off += 4096) p[off] = 7;
    blocks.push_back(p);
  }
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::milliseconds(200);
  while (std::chrono::steady_clock::now() < deadline) {
    void* p = Malloc(h, kLargeBlock);
    ASSERT_NE(p, nullptr);
    Free(p);
  }
  EXPECT_GE(CommittedBytes(), blocks.size() * kLargeBlock);
  for (unsigned char* p : blocks) {
    for (size_t off = 0; off < kLargeBlock; off += 4096) ASSERT_EQ(p[off], 7);
    Free(p);
  }
}

}  // namespace
}  // namespace cyclegc::alloc
