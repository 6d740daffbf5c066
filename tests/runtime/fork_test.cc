// fork() with other attached threads: the child keeps working.
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <thread>
#include <vector>

#include "runtime_fixture.h"

namespace cyclegc::testing {
namespace {

using ForkTest = RuntimeTest;

TEST_F(ForkTest, ChildAllocatesCollectsAndExitsCleanly) {
  std::atomic<bool> done{false};
  std::atomic<int> ready{0};
  std::vector<std::thread> threads;
  std::vector<Node*> from_threads(3, nullptr);
  for (int t = 0; t < 3; ++t) {
    threads.emplace_back([&, t] {
      cgc_thread_attach();
      from_threads[t] = NewNode();
      cgc_incref(Obj(from_threads[t]));
      ready.fetch_add(1);
      while (!done.load()) {
        Node* n = NewNode();
        cgc_decref(Obj(n));
        cgc_safepoint();
      }
      cgc_decref(Obj(from_threads[t]));
      cgc_thread_detach();
    });
  }
  while (ready.load() < 3) {
  }
  const pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    // Child: only this thread exists. Objects of the vanished threads stay
    // valid and are released; new objects, cycles, a collection, shutdown.
    int failures = 0;
    for (Node* n : from_threads) {
      if (cgc_refcount(Obj(n)) != 2) ++failures;
      cgc_decref(Obj(n));
    }
    std::atomic<int> destroyed{0};
    Node* a = NewNode(&destroyed);
    Node* b = NewNode(&destroyed);
    a->next = Obj(b);
    cgc_incref(Obj(a));
    b->next = Obj(a);
    cgc_decref(Obj(a));  // a <-> b cycle, unreachable
    cgc_collect();
#if !defined( \
    __SANITIZE_THREAD__)  // TSan cannot start threads after such a fork
    std::thread([&] {
      if (cgc_thread_attach() != 0) ++failures;
      cgc_decref(Obj(NewNode(&destroyed)));
      cgc_thread_detach();
    }).join();
#endif
    cgc_shutdown();
    _exit(failures == 0 ? 0 : 1);
  }
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  EXPECT_TRUE(WIFEXITED(status)) << "child died: status " << status;
  EXPECT_EQ(WEXITSTATUS(status), 0);
  done.store(true);
  for (auto& t : threads) t.join();
}

}  // namespace
}  // namespace cyclegc::testing
