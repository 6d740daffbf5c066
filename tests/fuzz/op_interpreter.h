// Runs a byte string as a sequence of cyclegc operations (allocate, link,
// unlink, release, weakrefs, finalizer resurrection, collect, enable/disable,
// hand-off to a second attached thread, that thread's exit, per-thread counts,
// also switched on right after the other thread queued a merge) against the
// library and a reference model of the object graph, and reports the first
// place where they disagree. Finalizers may make a weakref to their object and
// weakref callbacks one to another object (taking a reference through it):
// clears check that they cannot fetch their own object that way. Shared by the
// libFuzzer target and the regression replay test.
#ifndef CYCLEGC_TESTS_FUZZ_OP_INTERPRETER_H_
#define CYCLEGC_TESTS_FUZZ_OP_INTERPRETER_H_

#include <cstddef>
#include <cstdint>
#include <string>

namespace cyclegc::fuzz {

struct RunResult {
  std::string error;       // empty: library and model agreed throughout
  size_t ops = 0;          // operations executed
  size_t collections = 0;  // collections checked against the model
};

// Initialises the runtime, runs the operations, tears everything down and
// shuts the runtime down again. The runtime must not be initialised on entry.
RunResult RunOps(const uint8_t* data, size_t size);

}  // namespace cyclegc::fuzz

#endif  // CYCLEGC_TESTS_FUZZ_OP_INTERPRETER_H_
