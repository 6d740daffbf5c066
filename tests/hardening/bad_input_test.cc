// Bad input where it enters the library, end to end through the public API:
// CYCLEGC_* variables, cgc_config fields, and cheaply detectable API misuse.
// Each must fail with a message naming what was wrong and change nothing.
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>

#include "cyclegc/cyclegc.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;

struct Node {
  cgc_object hdr;
  cgc_object* next;
};
int Traverse(cgc_object* self, cgc_visit_fn visit, void* arg) {
  auto* n = reinterpret_cast<Node*>(self);
  return n->next != nullptr ? visit(n->next, arg) : 0;
}
void Clear(cgc_object* self) {
  auto* n = reinterpret_cast<Node*>(self);
  if (cgc_object* next = n->next) {
    n->next = nullptr;
    cgc_decref(next);
  }
}
const cgc_type kNode = {sizeof(cgc_type), "hardening.Node", Traverse, Clear,
                        nullptr,          nullptr};

// Allocates and drops a two-object cycle, collects, and returns what the
// collection freed: proof that the runtime works normally.
size_t CollectOneCycle() {
  auto* a = reinterpret_cast<Node*>(cgc_alloc(&kNode, sizeof(Node)));
  auto* b = reinterpret_cast<Node*>(cgc_alloc(&kNode, sizeof(Node)));
  if (a == nullptr || b == nullptr) return 0;
  a->next = &b->hdr;
  b->next = &a->hdr;
  return cgc_collect();
}

// Runs `fn` with `name` set to `value` in the environment, restoring it after.
template <typename Fn>
void WithEnv(const char* name, const char* value, Fn fn) {
  const char* old = std::getenv(name);
  const std::string saved = old != nullptr ? old : "";
  setenv(name, value, 1);
  fn();
  if (old != nullptr) {
    setenv(name, saved.c_str(), 1);
  } else {
    unsetenv(name);
  }
}

// The runtime is not initialised: the call fails and names cgc_init.
void ExpectNotInitialised() {
  EXPECT_EQ(cgc_thread_attach(), CGC_ESTATE);
  EXPECT_THAT(cgc_last_error(), HasSubstr("cgc_init"));
}

TEST(BadInput, CallsBeforeInitFailWithoutEffect) {
  ExpectNotInitialised();
  EXPECT_EQ(cgc_alloc(&kNode, sizeof(Node)), nullptr);
  EXPECT_THAT(cgc_last_error(), HasSubstr("not attached"));
  EXPECT_EQ(cgc_malloc(16), nullptr);
  EXPECT_THAT(cgc_last_error(), HasSubstr("not attached"));
  EXPECT_EQ(cgc_collect(), 0u);
  EXPECT_THAT(cgc_last_error(), HasSubstr("not attached"));
  cgc_shutdown();
  EXPECT_THAT(cgc_last_error(), HasSubstr("not initialised"));
  cgc_thread_detach();
  EXPECT_THAT(cgc_last_error(), HasSubstr("not attached"));
  // None of it left a trace: a normal start works.
  ASSERT_EQ(cgc_init(nullptr), CGC_OK) << cgc_last_error();
  EXPECT_EQ(CollectOneCycle(), 2u);
  cgc_shutdown();
}

struct EnvCase {
  const char* name;
  const char* value;
};

class BadEnvironment : public ::testing::TestWithParam<EnvCase> {};

TEST_P(BadEnvironment, InitFailsNamingTheVariableAndChangesNothing) {
  const EnvCase& c = GetParam();
  WithEnv(c.name, c.value, [&] {
    EXPECT_EQ(cgc_init(nullptr), CGC_EINVAL);
    EXPECT_THAT(cgc_last_error(), AllOf(HasSubstr(c.name), HasSubstr(c.value)));
  });
  ExpectNotInitialised();
  ASSERT_EQ(cgc_init(nullptr), CGC_OK) << cgc_last_error();
  EXPECT_EQ(CollectOneCycle(), 2u);
  cgc_shutdown();
}

INSTANTIATE_TEST_SUITE_P(
    Variables, BadEnvironment,
    ::testing::Values(EnvCase{"CYCLEGC_THRESHOLD", "12abc"},
                      EnvCase{"CYCLEGC_THRESHOLD", "-1"},
                      EnvCase{"CYCLEGC_THRESHOLD", "99999999999999999999999"},
                      EnvCase{"CYCLEGC_TRIGGER", "fullpagez"},
                      EnvCase{"CYCLEGC_MEM_GROWTH", "-5%"},
                      EnvCase{"CYCLEGC_MEM_GROWTH", "nan"},
                      EnvCase{"CYCLEGC_MEM_MIN", "12Q"},
                      EnvCase{"CYCLEGC_DEFER_CAP", "-3"},
                      EnvCase{"CYCLEGC_DEFER_CAP", "inf"},
                      EnvCase{"CYCLEGC_DEBUG", "stats,bogus"}));

TEST(BadInput, ConfigFieldsOutOfRangeFailNamingTheField) {
  struct FieldCase {
    const char* field;
    void (*spoil)(cgc_config*);
  };
  const FieldCase cases[] = {
      {"trigger",
       [](cgc_config* c) {
         // As a C caller can pass it (an out-of-range enum is UB to form in
         // C++).
         const int bogus = 99;
         std::memcpy(&c->trigger, &bogus, sizeof bogus);
       }},
      {"mem_growth", [](cgc_config* c) { c->mem_growth = -0.5; }},
      {"mem_growth", [](cgc_config* c) { c->mem_growth = std::nan(""); }},
      {"defer_cap", [](cgc_config* c) { c->defer_cap = -1.0; }},
      {"defer_cap", [](cgc_config* c) { c->defer_cap = INFINITY; }},
      {"debug", [](cgc_config* c) { c->debug = 1u << 30; }},
      {"threshold", [](cgc_config* c) { c->threshold = SIZE_MAX; }},
  };
  for (const FieldCase& fc : cases) {
    cgc_config config;
    cgc_config_default(&config);
    config.apply_env = 0;
    fc.spoil(&config);
    EXPECT_EQ(cgc_init(&config), CGC_EINVAL) << fc.field;
    EXPECT_THAT(cgc_last_error(), HasSubstr(fc.field));
    ExpectNotInitialised();
  }
  cgc_config good;
  cgc_config_default(&good);
  good.apply_env = 0;
  ASSERT_EQ(cgc_init(&good), CGC_OK) << cgc_last_error();
  EXPECT_EQ(CollectOneCycle(), 2u);
  cgc_shutdown();
}

class Initialised : public ::testing::Test {
 protected:
  void SetUp() override {
    cgc_config config;
    cgc_config_default(&config);
    config.apply_env = 0;
    config.threshold = 0;  // no automatic collection: counts stay exact
    ASSERT_EQ(cgc_init(&config), CGC_OK) << cgc_last_error();
  }
  void TearDown() override { cgc_shutdown(); }

  static cgc_stats Stats() {
    cgc_stats s{};
    EXPECT_EQ(cgc_get_stats(&s), CGC_OK);
    return s;
  }
};

TEST_F(Initialised, AllocRejectsNullTypeAndShortSize) {
  const cgc_stats before = Stats();
  EXPECT_EQ(cgc_alloc(nullptr, sizeof(Node)), nullptr);
  EXPECT_THAT(cgc_last_error(), HasSubstr("type is NULL"));
  EXPECT_EQ(cgc_alloc(&kNode, sizeof(cgc_object) - 1), nullptr);
  EXPECT_THAT(cgc_last_error(),
              AllOf(HasSubstr("hardening.Node"), HasSubstr("header")));
  EXPECT_EQ(cgc_alloc(&kNode, 0), nullptr);
  EXPECT_THAT(cgc_last_error(), HasSubstr("smaller than"));
  // Nothing was allocated or counted as young.
  EXPECT_EQ(Stats().young, before.young);
  EXPECT_EQ(cgc_collect(), 0u);
  EXPECT_EQ(CollectOneCycle(), 2u);
}

TEST_F(Initialised, InitTwiceAndAttachTwiceAreRejected) {
  EXPECT_EQ(cgc_init(nullptr), CGC_ESTATE);
  EXPECT_THAT(cgc_last_error(), HasSubstr("already initialised"));
  EXPECT_EQ(cgc_thread_attach(), CGC_ESTATE);
  EXPECT_THAT(cgc_last_error(), HasSubstr("already attached"));
  // Still attached and working.
  EXPECT_EQ(CollectOneCycle(), 2u);
}

TEST_F(Initialised, DetachWithoutAttachOnAnotherThreadIsRejected) {
  std::string error;
  int attach_twice = 0;
  std::thread t([&] {
    cgc_thread_detach();
    error = cgc_last_error();
    EXPECT_EQ(cgc_thread_attach(), CGC_OK);
    attach_twice = cgc_thread_attach();
    cgc_thread_detach();
  });
  t.join();
  EXPECT_THAT(error, HasSubstr("not attached"));
  EXPECT_EQ(attach_twice, CGC_ESTATE);
  EXPECT_EQ(CollectOneCycle(), 2u);
}

TEST_F(Initialised, NullArgumentsAreRejected) {
  EXPECT_EQ(cgc_weakref_new(nullptr, nullptr, nullptr), nullptr);
  EXPECT_THAT(cgc_last_error(), HasSubstr("target is NULL"));
  EXPECT_EQ(cgc_weakref_get(nullptr), nullptr);
  EXPECT_THAT(cgc_last_error(), HasSubstr("NULL"));
  EXPECT_EQ(cgc_get_stats(nullptr), CGC_EINVAL);
  EXPECT_THAT(cgc_last_error(), HasSubstr("cgc_get_stats"));
  EXPECT_EQ(cgc_callback_add(nullptr, nullptr), CGC_EINVAL);
  EXPECT_THAT(cgc_last_error(), HasSubstr("cgc_callback_add"));
  EXPECT_EQ(CollectOneCycle(), 2u);
}

TEST_F(Initialised, UnattachedThreadCannotAllocateOrCollect) {
  cgc_object* got = reinterpret_cast<cgc_object*>(1);
  size_t collected = 1;
  std::string alloc_error, collect_error;
  std::thread t([&] {
    got = cgc_alloc(&kNode, sizeof(Node));
    alloc_error = cgc_last_error();
    collected = cgc_collect();
    collect_error = cgc_last_error();
  });
  t.join();
  EXPECT_EQ(got, nullptr);
  EXPECT_THAT(alloc_error, HasSubstr("not attached"));
  EXPECT_EQ(collected, 0u);
  EXPECT_THAT(collect_error, HasSubstr("not attached"));
  EXPECT_EQ(CollectOneCycle(), 2u);
}

}  // namespace
