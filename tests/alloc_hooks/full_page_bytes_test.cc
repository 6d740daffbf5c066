// The per-thread full-page byte counters (patched mimalloc) against a walk that
// recomputes the figure from every page, at quiescent points.
#include <algorithm>
#include <atomic>
#include <cstddef>
#include <mutex>
#include <random>
#include <thread>
#include <vector>

#include "alloc_hooks/alloc_hooks.h"
#include "gtest/gtest.h"
#include "mimalloc.h"
#include "test_util.h"

namespace cyclegc::alloc {
namespace {

using testing::ScopedAttach;

class FullPageBytesTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(Init().ok()); }
};

// Sizes spanning small, medium and (rarely) large size classes.
size_t RandomSize(std::mt19937& rng) {
  static constexpr size_t kSizes[] = {8,    16,   24,    40,    64,    100,
                                      128,  200,  256,   512,   1000,  1024,
                                      3000, 4096, 10000, 16384, 40000, 100000};
  return kSizes[rng() % std::size(kSizes)] + rng() % 8;
}

TEST_F(FullPageBytesTest, RandomAllocFreeManySizeClasses) {
  ScopedAttach attach;
  std::mt19937 rng(42);
  std::vector<void*> gc, plain;
  size_t max_seen = 0;
  for (int step = 0; step < 60000; ++step) {
    const bool use_gc = rng() % 2 == 0;
    auto& v = use_gc ? gc : plain;
    if (v.empty() || rng() % 100 < 60) {
      const size_t n = RandomSize(rng);
      void* p = use_gc ? GcAlloc(attach.heaps(), n) : Malloc(attach.heaps(), n);
      ASSERT_NE(p, nullptr);
      v.push_back(p);
    } else {
      const size_t i = rng() % v.size();
      use_gc ? GcFree(v[i]) : Free(v[i]);
      v[i] = v.back();
      v.pop_back();
    }
    if (step % 997 == 0) {
      EXPECT_COUNTER_MATCHES_WALK();
      EXPECT_EQ(ThreadFullPageBytes(attach.heaps()),
                FullPageBytes() - mi_abandoned_full_page_bytes());
      max_seen = std::max(max_seen, ThreadFullPageBytes(attach.heaps()));
    }
  }
  // Tens of thousands of live blocks fill pages: the counter must have moved.
  EXPECT_GT(max_seen, 0u);
  for (void* p : gc) GcFree(p);
  for (void* p : plain) Free(p);
  EXPECT_COUNTER_MATCHES_WALK();
}

// 64-byte blocks: a 64 KiB small page holds 1024. Allocates until the first
// page is full and a second one is started; blocks[0] is in the full page.
struct FilledPage {
  std::vector<void*> blocks;
  size_t before = 0;  // the thread's full-page bytes before
  size_t full = 0;    // what the filling added
};
FilledPage FillOnePage(ThreadHeaps* heaps) {
  FilledPage f;
  f.before = ThreadFullPageBytes(heaps);
  for (int i = 0; i < 1500; ++i) f.blocks.push_back(GcAlloc(heaps, 64));
  f.full = ThreadFullPageBytes(heaps) - f.before;
  return f;
}

TEST_F(FullPageBytesTest, FillingOnePageCountsItExactlyOnce) {
  ScopedAttach attach;
  auto [blocks, before, full] = FillOnePage(attach.heaps());
  EXPECT_GT(full, 0u);
  EXPECT_EQ(full % 64, 0u);
  EXPECT_COUNTER_MATCHES_WALK();
  // Freeing one block of the full page makes it not full.
  GcFree(blocks[0]);
  EXPECT_LT(ThreadFullPageBytes(attach.heaps()), before + full);
  EXPECT_COUNTER_MATCHES_WALK();
  for (size_t i = 1; i < blocks.size(); ++i) GcFree(blocks[i]);
  EXPECT_COUNTER_MATCHES_WALK();
}

// A block another thread frees into a full page waits on the owner's
// delayed-free list, and the page stays counted as full, until the owner
// processes it: at its next slow-path allocation, or ProcessDelayedFrees.
TEST_F(FullPageBytesTest, OtherThreadsFreeIntoAFullPageCountsOnceProcessed) {
  ScopedAttach attach;
  auto [blocks, before, full] = FillOnePage(attach.heaps());
  ASSERT_GT(full, 0u);
  std::thread([&] { GcFree(blocks[0]); }).join();  // the page's first block
  EXPECT_EQ(ThreadFullPageBytes(attach.heaps()) - before, full);
  ProcessDelayedFrees(attach.heaps());
  EXPECT_LT(ThreadFullPageBytes(attach.heaps()), before + full);
  EXPECT_COUNTER_MATCHES_WALK();
  ProcessDelayedFrees(attach.heaps());  // nothing pending: no change
  EXPECT_COUNTER_MATCHES_WALK();
  for (size_t i = 1; i < blocks.size(); ++i) GcFree(blocks[i]);
  EXPECT_COUNTER_MATCHES_WALK();
}

TEST_F(FullPageBytesTest, LargeAndHugeBlocksCountWhileAllocated) {
  ScopedAttach attach;
  const size_t before = ThreadFullPageBytes(attach.heaps());
  const size_t sizes[] = {200 * 1024, 1 << 20, 3 << 20, 20 << 20, 70 << 20};
  std::vector<void*> blocks;
  size_t requested = 0;
  for (size_t n : sizes) {
    void* p = GcAlloc(attach.heaps(), n);
    ASSERT_NE(p, nullptr);
    blocks.push_back(p);
    requested += n;
    EXPECT_COUNTER_MATCHES_WALK();
  }
  EXPECT_GE(ThreadFullPageBytes(attach.heaps()) - before, requested);
  for (void* p : blocks) {
    GcFree(p);
    EXPECT_COUNTER_MATCHES_WALK();
  }
  EXPECT_EQ(ThreadFullPageBytes(attach.heaps()), before);
}

TEST_F(FullPageBytesTest, FreesFromOtherThreads) {
  ScopedAttach attach;
  std::mt19937 rng(7);
  for (int round = 0; round < 8; ++round) {
    std::vector<void*> blocks;
    for (int i = 0; i < 20000; ++i)
      blocks.push_back(GcAlloc(attach.heaps(), RandomSize(rng)));
    std::shuffle(blocks.begin(), blocks.end(), rng);
    const size_t half = blocks.size() / 2;
    std::thread other([&] {
      for (size_t i = 0; i < half; ++i)
        GcFree(blocks[i]);  // cross-thread frees
    });
    other.join();
    EXPECT_COUNTER_MATCHES_WALK();
    // The owner applies the delayed frees while allocating (pages unfull).
    for (int i = 0; i < 5000; ++i)
      blocks.push_back(GcAlloc(attach.heaps(), RandomSize(rng)));
    EXPECT_COUNTER_MATCHES_WALK();
    for (size_t i = half; i < blocks.size(); ++i) GcFree(blocks[i]);
    EXPECT_COUNTER_MATCHES_WALK();
  }
}

// The hole in the prior attempt: pages abandoned by an exiting thread, blocks
// freed into them while abandoned, then the pages reclaimed by another thread.
TEST_F(FullPageBytesTest, AbandonedThenFreedThenReclaimed) {
  std::vector<void*> blocks;
  std::thread owner([&] {
    ScopedAttach attach;
    for (int i = 0; i < 30000; ++i)
      blocks.push_back(GcAlloc(attach.heaps(), 48 + (i % 5) * 16));
  });  // detaches and exits: pages abandoned
  owner.join();
  EXPECT_GT(mi_abandoned_full_page_bytes(), 0u);
  EXPECT_COUNTER_MATCHES_WALK();
  for (size_t i = 0; i < blocks.size(); i += 2)
    GcFree(blocks[i]);  // into abandoned pages
  EXPECT_COUNTER_MATCHES_WALK();
  const size_t abandoned_before = mi_abandoned_full_page_bytes();
  std::thread reclaimer([&] {
    ScopedAttach attach;
    std::vector<void*> mine;
    for (int i = 0; i < 60000; ++i)
      mine.push_back(GcAlloc(attach.heaps(), 48 + (i % 5) * 16));
    EXPECT_COUNTER_MATCHES_WALK();
    // Allocating took over (reclaimed) abandoned pages.
    EXPECT_LT(mi_abandoned_full_page_bytes(), abandoned_before)
        << "nothing was reclaimed";
    for (void* p : mine) GcFree(p);
    EXPECT_COUNTER_MATCHES_WALK();
  });
  reclaimer.join();
  EXPECT_COUNTER_MATCHES_WALK();
  for (size_t i = 1; i < blocks.size(); i += 2) GcFree(blocks[i]);
  EXPECT_COUNTER_MATCHES_WALK();
}

// 200+ threads allocate, free some, hand the rest to later threads and exit;
// later threads free what they were handed while allocating, reclaiming pages.
TEST_F(FullPageBytesTest, ManyThreadsHandOffAndExit) {
  constexpr int kThreads = 220;
  constexpr int kWave = 20;
  std::mutex mu;
  std::vector<void*> handed;  // guarded by mu
  for (int base = 0; base < kThreads; base += kWave) {
    std::vector<std::thread> wave;
    for (int t = base; t < base + kWave; ++t) {
      wave.emplace_back([&, t] {
        ScopedAttach attach;
        std::mt19937 rng(t);
        std::vector<void*> inbox;
        {
          std::lock_guard<std::mutex> l(mu);
          inbox.swap(handed);
        }
        std::vector<void*> mine;
        for (int i = 0; i < 1500; ++i) {
          const size_t n = RandomSize(rng) % 3000 + 16;
          mine.push_back(rng() % 2 ? GcAlloc(attach.heaps(), n)
                                   : Malloc(attach.heaps(), n));
          if (!inbox.empty() && i % 2 == 0) {
            Free(inbox.back());  // Free and GcFree are the same path
            inbox.pop_back();
          }
        }
        for (void* p : inbox) Free(p);
        std::shuffle(mine.begin(), mine.end(), rng);
        for (size_t i = 0; i < mine.size() / 3; ++i) Free(mine[i]);
        std::lock_guard<std::mutex> l(mu);
        handed.insert(handed.end(), mine.begin() + mine.size() / 3, mine.end());
      });
    }
    for (auto& th : wave) th.join();
    EXPECT_COUNTER_MATCHES_WALK();
  }
  for (void* p : handed) Free(p);
  EXPECT_COUNTER_MATCHES_WALK();
}

// mimalloc's own heap delete (absorb into the backing heap) and destroy.
TEST_F(FullPageBytesTest, MimallocHeapDeleteAndDestroy) {
  std::thread([] {
    mi_heap_t* backing = mi_heap_get_backing();
    const size_t backing_before = mi_heap_full_page_bytes(backing);
    mi_heap_t* heap = mi_heap_new();
    ASSERT_NE(heap, nullptr);
    std::vector<void*> blocks;
    for (int i = 0; i < 5000; ++i)
      blocks.push_back(mi_heap_malloc(heap, 32 + (i % 7) * 8));
    blocks.push_back(mi_heap_malloc(heap, 1 << 20));
    const size_t heap_bytes = mi_heap_full_page_bytes(heap);
    EXPECT_GT(heap_bytes, 0u);
    EXPECT_EQ(heap_bytes, mi_heap_full_page_bytes_walk(heap));
    mi_heap_delete(heap);  // pages move to the backing heap
    EXPECT_EQ(mi_heap_full_page_bytes(backing),
              mi_heap_full_page_bytes_walk(backing));
    EXPECT_EQ(mi_heap_full_page_bytes(backing), backing_before + heap_bytes);
    for (void* p : blocks) mi_free(p);
    EXPECT_EQ(mi_heap_full_page_bytes(backing),
              mi_heap_full_page_bytes_walk(backing));

    mi_heap_t* doomed = mi_heap_new();
    for (int i = 0; i < 5000; ++i) (void)mi_heap_malloc(doomed, 64);
    EXPECT_GT(mi_heap_full_page_bytes(doomed), 0u);
    mi_heap_destroy(doomed);
    EXPECT_EQ(mi_heap_full_page_bytes(backing),
              mi_heap_full_page_bytes_walk(backing));
    mi_heap_collect_abandon(backing);
    EXPECT_EQ(mi_heap_full_page_bytes(backing), 0u);
    mi_thread_done();
  }).join();
  EXPECT_COUNTER_MATCHES_WALK();
}

TEST_F(FullPageBytesTest, DetachedThreadKeepsRunningAndReattaches) {
  std::thread([] {
    auto h = AttachThread();
    ASSERT_TRUE(h.ok());
    std::vector<void*> blocks;
    for (int i = 0; i < 20000; ++i) blocks.push_back(GcAlloc(*h, 72));
    DetachThread(*h);
    EXPECT_COUNTER_MATCHES_WALK();
    for (size_t i = 0; i < blocks.size(); i += 3)
      GcFree(blocks[i]);  // while detached
    EXPECT_COUNTER_MATCHES_WALK();
    auto h2 = AttachThread();
    ASSERT_TRUE(h2.ok());
    for (int i = 0; i < 20000; ++i) blocks.push_back(GcAlloc(*h2, 72));
    EXPECT_COUNTER_MATCHES_WALK();
    for (size_t i = 0; i < blocks.size(); ++i) {
      if (i % 3 != 0 || i >= 20000) GcFree(blocks[i]);
    }
    EXPECT_COUNTER_MATCHES_WALK();
    DetachThread(*h2);
  }).join();
  EXPECT_COUNTER_MATCHES_WALK();
}

// Pages emptied by a batch of frees stay in the heap for the same sizes
// (patch 0009), and go once other sizes needed fresh pages for a while: a
// heap that moves on to other sizes does not keep the old ones.
TEST(KeptEmptyPagesTest, EmptiedPagesAreReusedThenReleased) {
  ASSERT_TRUE(Init().ok());
  testing::ScopedAttach attach;
  ThreadHeaps* h = attach.heaps();
  std::vector<void*> blocks;
  for (int i = 0; i < 20000; ++i) blocks.push_back(Malloc(h, 1000));
  const size_t empty_before = ThreadEmptyPages(h);
  for (void* p : blocks) Free(p);
  const size_t kept = ThreadEmptyPages(h) - empty_before;
  // 20000 blocks of 1000 bytes fill about 300 pages of 64 KiB.
  EXPECT_GE(kept, 200u) << "emptied pages went back to the segment";
  // The same size again: the kept pages are reused, none stays empty.
  blocks.clear();
  for (int i = 0; i < 20000; ++i) blocks.push_back(Malloc(h, 1000));
  EXPECT_LE(ThreadEmptyPages(h), empty_before + 2);
  for (void* p : blocks) Free(p);
  EXPECT_GE(ThreadEmptyPages(h) - empty_before, 200u);
  // Other sizes, many fresh pages: the kept 1000-byte pages expire.
  std::vector<void*> other;
  for (int i = 0; i < 40000; ++i) other.push_back(Malloc(h, 3000));
  EXPECT_LE(ThreadEmptyPages(h), empty_before + 8)
      << "pages of a size no longer allocated are kept forever";
  for (void* p : other) Free(p);
  EXPECT_COUNTER_MATCHES_WALK();
}

// A collecting thread frees another thread's garbage: the owner's full pages
// empty through the delayed-free list, all of a page's blocks at once, while
// the page is still in the full queue. Those pages are kept too.
TEST(KeptEmptyPagesTest, PagesEmptiedByOtherThreadsAreKept) {
  ASSERT_TRUE(Init().ok());
  testing::ScopedAttach attach;
  ThreadHeaps* h = attach.heaps();
  std::vector<void*> blocks;
  for (int i = 0; i < 20000; ++i) blocks.push_back(Malloc(h, 1000));
  ProcessDelayedFrees(h);
  const size_t empty_before = ThreadEmptyPages(h);
  ASSERT_GE(ThreadFullPageBytes(h), 200u * 64 * 1024);
  std::thread other([&] {
    for (void* p : blocks) Free(p);
  });
  other.join();
  ProcessDelayedFrees(h);
  EXPECT_LT(ThreadFullPageBytes(h), 64u * 1024);
  EXPECT_GE(ThreadEmptyPages(h) - empty_before, 200u)
      << "pages emptied in the full queue went back to the segment";
  EXPECT_COUNTER_MATCHES_WALK();
}

}  // namespace
}  // namespace cyclegc::alloc
