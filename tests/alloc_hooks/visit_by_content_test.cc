// VisitGcPagesByContent after Init(offset): every block below a page's
// capacity is either in use or has a null word at the offset, also in pages
// whose memory held other data before (a plain heap's freed pages), so the
// collector can tell objects from free blocks by content. Its own binary:
// Init(offset) must come before any thread attaches.
#include <cstdint>
#include <cstring>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "alloc_hooks/alloc_hooks.h"
#include "gtest/gtest.h"
#include "test_util.h"

namespace cyclegc::alloc {
namespace {

using testing::MarkerOf;
using testing::ScopedAttach;
using testing::UnmarkAndGcFree;

constexpr size_t kOffset = 8;  // where test_util's Mark writes

// A free block under ASan is poisoned: it must not be read (mimalloc's
// MI_ASAN build keeps it so; the collector checks the same way).
bool Readable(const void* block) { return BlockWordReadable(block, kOffset); }

struct Census {
  uint64_t marker;
  absl::flat_hash_map<void*, int> live_visits;
  size_t null_words = 0;
  size_t other = 0;  // neither ours nor null: the walk would misread it
};

bool Count(const PageBlocks& page, void* arg) {
  auto* c = static_cast<Census*>(arg);
  EXPECT_EQ(page.free_map, nullptr);
  EXPECT_GE(page.stride, kOffset + sizeof(void*));
  return ForEachAllocatedBlock(page, [c](void* block) {
    if (!Readable(block)) return true;
    const uint64_t m = MarkerOf(block);
    if (m == c->marker) {
      ++c->live_visits[block];
    } else if (m == 0) {
      ++c->null_words;
    } else {
      ++c->other;
    }
    return true;
  });
}

TEST(VisitByContentTest, EveryBlockIsInUseOrHasTheNullWord) {
  ASSERT_TRUE(Init(kOffset).ok());
  constexpr uint64_t kMarker = 0x6a11c0de00000010;
  ScopedAttach attach;
  // Plain pages full of non-null bytes, freed: their memory comes back as
  // GC pages of other sizes, with blocks never handed out.
  for (size_t size : {48u, 200u, 3000u}) {
    std::vector<void*> plain;
    for (int i = 0; i < 4000; ++i) {
      plain.push_back(Malloc(attach.heaps(), size));
      std::memset(plain.back(), 0xab, size);
    }
    for (void* p : plain) Free(p);
  }
  const std::vector<void*> live = testing::AllocThenFreeEveryThird(
      attach.heaps(), {16, 64, 264, 3100, 40000}, 2000, kMarker);
  Census census{kMarker, {}, 0, 0};
  VisitGcPagesByContent(&Count, &census);
  EXPECT_EQ(census.other, 0u) << "blocks with neither an object nor the null "
                                 "word: the walk would take them for objects";
  EXPECT_EQ(census.live_visits.size(), live.size());
  for (void* p : live) {
    auto it = census.live_visits.find(p);
    ASSERT_NE(it, census.live_visits.end()) << "live block " << p;
    EXPECT_EQ(it->second, 1);
  }
#if !defined(CGC_ALLOC_HOOKS_ASAN)
  EXPECT_GT(census.null_words, 0u);  // free blocks were read, not skipped
#endif
  for (void* p : live) UnmarkAndGcFree(p);
}

TEST(VisitByContentTest, InitRefusesAnotherOffset) {
  ASSERT_TRUE(Init(kOffset).ok());
  EXPECT_TRUE(Init(kOffset).ok());  // idempotent
  absl::Status s = Init(kOffset + 8);
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition) << s;
  EXPECT_NE(s.message().find("offset"), absl::string_view::npos) << s;
}

TEST(VisitByContentDeathTest, InitRefusesAnOffsetAfterAThreadAttached) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(
      {
        if (!Init().ok()) std::_Exit(2);
        ScopedAttach attach;
        absl::Status s = Init(kOffset);
        std::_Exit(s.code() == absl::StatusCode::kFailedPrecondition ? 0 : 1);
      },
      ::testing::ExitedWithCode(0), "");
}

}  // namespace
}  // namespace cyclegc::alloc
