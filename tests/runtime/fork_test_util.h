// Helpers of the fork tests: node types whose finalize, destroy or traverse
// signals and then sleeps (so another thread can fork while it runs), a child
// runner with an alarm, and the child's standard check.
#ifndef CYCLEGC_TESTS_RUNTIME_FORK_TEST_UTIL_H_
#define CYCLEGC_TESTS_RUNTIME_FORK_TEST_UTIL_H_

#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <thread>

#include "runtime_fixture.h"

#if defined(__SANITIZE_ADDRESS__)
#define CGC_TEST_LSAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define CGC_TEST_LSAN 1
#endif
#endif
#if defined(CGC_TEST_LSAN)
#include <sanitizer/lsan_interface.h>
#endif

namespace cyclegc::testing {

// The slow hook runs `uses` times per test (armed by ResetSlowHooks): it
// signals, then sleeps long enough for the test thread to fork.
inline std::atomic<int> g_slow_armed{0};
inline std::atomic<bool> g_slow_started{false};

inline void ResetSlowHooks(int uses = 1) {
  g_slow_started.store(false);
  g_slow_armed.store(uses);
}
inline bool SlowHookStarted() { return g_slow_started.load(); }
// Polls safepoints while it waits: a collection may need this thread parked.
inline void WaitForSlowHook() {
  while (!g_slow_started.load()) {
    cgc_safepoint();
    std::this_thread::yield();
  }
}
inline void SlowHook() {
  if (g_slow_armed.fetch_sub(1) <= 0) return;
  g_slow_started.store(true);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
}

inline void SlowFinalize(cgc_object*) { SlowHook(); }
inline void SlowDestroy(cgc_object* self) {
  SlowHook();
  NodeDestroy(self);
}
inline int SlowTraverse(cgc_object* self, cgc_visit_fn visit, void* arg) {
  SlowHook();
  return NodeTraverse(self, visit, arg);
}
inline const cgc_type kSlowFinalizeType = {sizeof(cgc_type), "SlowFinalize",
                                           NodeTraverse,     NodeClear,
                                           SlowFinalize,     NodeDestroy};
inline const cgc_type kSlowDestroyType = {sizeof(cgc_type), "SlowDestroy",
                                          NodeTraverse,     NodeClear,
                                          nullptr,          SlowDestroy};
inline const cgc_type kSlowTraverseType = {sizeof(cgc_type), "SlowTraverse",
                                           SlowTraverse,     NodeClear,
                                           nullptr,          NodeDestroy};

inline Node* NewSlowNode(const cgc_type* type,
                         std::atomic<int>* destroyed = nullptr) {
  auto* n = reinterpret_cast<Node*>(cgc_alloc(type, sizeof(Node)));
  if (n != nullptr) n->destroyed = destroyed;
  return n;
}

// An unreachable self-cycle of `type`.
inline void MakeSelfCycle(const cgc_type* type,
                          std::atomic<int>* destroyed = nullptr) {
  Node* n = NewSlowNode(type, destroyed);
  cgc_incref(Obj(n));
  n->next = Obj(n);
  cgc_decref(Obj(n));
}

// The joining thread is attached: it waits as a stopped thread, since the
// joined thread may be collecting.
inline void JoinBracketed(std::thread& t) {
  cgc_blocking_begin();
  t.join();
  cgc_blocking_end();
}

inline void ChildNote(const char* what) {
  std::fprintf(stderr, "fork child: %s\n", what);
}

// After the child's cgc_shutdown: nothing the parent's threads held mid-work
// (a collection's sets, a drain's queue, a trashcan list) is left behind for
// a leak checker. The child ends in _exit, so LeakSanitizer runs only here.
inline int ChildLeaksNothing() {
#if defined(CGC_TEST_LSAN)
  if (__lsan_do_recoverable_leak_check() != 0) {
    ChildNote("memory left behind after shutdown (LeakSanitizer above)");
    return 1;
  }
#endif
  return 0;
}

// The child's check: a new cycle is collected, then shutdown completes.
inline int CollectCycleAndShutDown() {
  std::atomic<int> destroyed{0};
  MakeSelfCycle(&kNodeType, &destroyed);
  cgc_collect();
  int failures = 0;
  if (destroyed.load() != 1) {
    ChildNote("the new cycle was not collected");
    ++failures;
  }
  cgc_shutdown();
  return failures + ChildLeaksNothing();
}

// Forks; the child runs `child` (returning its failure count) and exits with
// it, killed by SIGALRM if it hangs.
template <class Fn>
void ExpectChildCollectsAndExits(Fn&& child) {
  const pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    alarm(5);
    _exit(child() == 0 ? 0 : 1);
  }
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFEXITED(status))
      << "child killed by signal " << WTERMSIG(status)
      << (WTERMSIG(status) == SIGALRM ? " (it hung: alarm)" : "");
  EXPECT_EQ(WEXITSTATUS(status), 0) << "the child's checks failed (stderr)";
}

}  // namespace cyclegc::testing

#endif  // CYCLEGC_TESTS_RUNTIME_FORK_TEST_UTIL_H_
