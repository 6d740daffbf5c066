// Runs fuzz inputs given on the command line through the interpreter without
// libFuzzer (reading a regression: CYCLEGC_FUZZ_TRACE=1 fuzz_replay FILE).
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <string>

#include "op_interpreter.h"

int main(int argc, char** argv) {
  int failed = 0;
  for (int i = 1; i < argc; ++i) {
    std::ifstream in(argv[i], std::ios::binary);
    if (!in) {
      std::fprintf(stderr, "fuzz_replay: cannot read '%s'\n", argv[i]);
      return 2;
    }
    const std::string bytes((std::istreambuf_iterator<char>(in)), {});
    const cyclegc::fuzz::RunResult r = cyclegc::fuzz::RunOps(
        reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
    std::printf("%s: %zu ops, %zu collections: %s\n", argv[i], r.ops,
                r.collections, r.error.empty() ? "ok" : r.error.c_str());
    if (!r.error.empty()) ++failed;
  }
  return failed == 0 ? 0 : 1;
}
