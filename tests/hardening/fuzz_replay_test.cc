// Replays every input of the fuzz corpus and every minimized crash under
// tests/fuzz/regressions through the fuzz target's interpreter, without
// libFuzzer, so a fixed bug stays fixed in the normal build.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "op_interpreter.h"

namespace cyclegc::fuzz {
namespace {

namespace fs = std::filesystem;

std::vector<fs::path> InputsUnder(const std::string& sub) {
  std::vector<fs::path> out;
  const fs::path dir = fs::path(CYCLEGC_FUZZ_DIR) / sub;
  if (!fs::is_directory(dir)) return out;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.is_regular_file() && e.path().filename().string()[0] != '.') {
      out.push_back(e.path());
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::string ReadAll(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

void ReplayAll(const std::string& sub, size_t* ops) {
  for (const fs::path& p : InputsUnder(sub)) {
    const std::string bytes = ReadAll(p);
    RunResult r =
        RunOps(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
    EXPECT_EQ(r.error, "") << "input " << p;
    *ops += r.ops;
  }
}

TEST(FuzzReplay, CorpusAgreesWithModel) {
  ASSERT_FALSE(InputsUnder("corpus").empty())
      << "no seed corpus in " << CYCLEGC_FUZZ_DIR;
  size_t ops = 0;
  ReplayAll("corpus", &ops);
  EXPECT_GT(ops, 0u);
}

TEST(FuzzReplay, RegressionsAgreeWithModel) {
  size_t ops = 0;
  ReplayAll("regressions", &ops);
  SUCCEED() << ops << " operations replayed";
}

// A hand-written input: a two-object cycle, dropped, then collected; the
// interpreter must execute every operation and check the collection.
TEST(FuzzReplay, InterpreterExecutesACycleCollection) {
  const uint8_t input[] = {0,            // threshold byte
                           0, 0, 0, 0,   // alloc a
                           0, 0, 0, 0,   // alloc b
                           1, 0, 0, 1,   // a.slot0 = b
                           1, 1, 0, 0,   // b.slot0 = a
                           3, 0, 0, 0,   // release a
                           3, 0, 0, 0,   // release b
                           9, 0, 0, 0};  // collect
  RunResult r = RunOps(input, sizeof(input));
  EXPECT_EQ(r.error, "");
  EXPECT_EQ(r.ops, 7u);
  EXPECT_GE(r.collections, 1u);
}

}  // namespace
}  // namespace cyclegc::fuzz
