// cgc_init / cgc_shutdown: misuse errors, repeated cycles, bad configuration.
#include <cstdlib>
#include <string>
#include <thread>

#include "runtime_fixture.h"

namespace cyclegc::testing {
namespace {

cgc_config NoAutoCollect() {
  cgc_config config;
  cgc_config_default(&config);
  config.threshold = 0;
  return config;
}

TEST(LifecycleTest, InitTwiceIsAnError) {
  cgc_config config = NoAutoCollect();
  ASSERT_EQ(cgc_init(&config), 0) << cgc_last_error();
  EXPECT_EQ(cgc_init(&config), CGC_ESTATE);
  EXPECT_NE(std::string(cgc_last_error()).find("already initialised"),
            std::string::npos);
  Node* n = NewNode();  // still usable
  ASSERT_NE(n, nullptr);
  cgc_decref(Obj(n));
  cgc_shutdown();
}

TEST(LifecycleTest, NothingWorksBeforeInit) {
  EXPECT_EQ(cgc_alloc(&kNodeType, sizeof(Node)), nullptr);
  EXPECT_EQ(cgc_thread_attach(), CGC_ESTATE);
  cgc_shutdown();
  EXPECT_NE(std::string(cgc_last_error()).find("not initialised"),
            std::string::npos);
}

TEST(LifecycleTest, InitShutdownRepeatedly) {
  for (int round = 0; round < 25; ++round) {
    cgc_config config = NoAutoCollect();
    ASSERT_EQ(cgc_init(&config), 0)
        << "round " << round << ": " << cgc_last_error();
    std::atomic<int> destroyed{0};
    Node* kept = NewNode(&destroyed);
    for (int i = 0; i < 1000; ++i) cgc_decref(Obj(NewNode(&destroyed)));
    EXPECT_EQ(destroyed.load(), 1000);
    std::thread([&] {
      ASSERT_EQ(cgc_thread_attach(), 0);
      cgc_decref(Obj(NewNode(&destroyed)));
      void* p = cgc_malloc(4096);
      cgc_free(p);
    }).join();
    EXPECT_EQ(destroyed.load(), 1001);
    cgc_decref(Obj(kept));
    cgc_shutdown();
  }
}

TEST(LifecycleTest, ShutdownRefusesWhileOtherThreadsAreAttached) {
  cgc_config config = NoAutoCollect();
  ASSERT_EQ(cgc_init(&config), 0);
  std::atomic<int> stage{0};
  std::thread t([&] {
    cgc_thread_attach();
    stage.store(1);
    while (stage.load() != 2) cgc_safepoint();
    cgc_thread_detach();
  });
  while (stage.load() != 1) {
  }
  cgc_shutdown();
  EXPECT_NE(
      std::string(cgc_last_error()).find("1 other thread(s) still attached"),
      std::string::npos);
  Node* n = NewNode();  // still running
  ASSERT_NE(n, nullptr);
  cgc_decref(Obj(n));
  stage.store(2);
  t.join();
  cgc_shutdown();
  ASSERT_EQ(cgc_init(&config), 0) << cgc_last_error();
  cgc_shutdown();
}

TEST(LifecycleTest, MalformedEnvironmentVariableFailsInit) {
  setenv("CYCLEGC_THRESHOLD", "lots", 1);
  EXPECT_LT(cgc_init(nullptr), 0);
  EXPECT_NE(std::string(cgc_last_error()).find("CYCLEGC_THRESHOLD"),
            std::string::npos)
      << cgc_last_error();
  unsetenv("CYCLEGC_THRESHOLD");
  EXPECT_EQ(cgc_alloc(&kNodeType, sizeof(Node)), nullptr);  // nothing started
  ASSERT_EQ(cgc_init(nullptr), 0) << cgc_last_error();
  cgc_shutdown();
}

}  // namespace
}  // namespace cyclegc::testing
