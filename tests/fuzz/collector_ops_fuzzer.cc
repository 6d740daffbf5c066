// libFuzzer target: input bytes are a sequence of cyclegc operations checked
// against a reference model after every operation (op_interpreter.h).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

#include "op_interpreter.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const cyclegc::fuzz::RunResult r = cyclegc::fuzz::RunOps(data, size);
  if (!r.error.empty()) {
    std::fprintf(stderr, "cyclegc fuzz: library and model disagree: %s\n",
                 r.error.c_str());
    std::abort();
  }
  return 0;
}
