#include "config.h"

#include <map>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace cyclegc::internal {
namespace {

using ::testing::HasSubstr;

// A fake environment.
using Vars = std::map<std::string, std::string>;

class FakeEnv {
 public:
  explicit FakeEnv(std::map<std::string, std::string> vars)
      : vars_(std::move(vars)) {}
  EnvLookup lookup() const {
    return [this](const char* name) -> const char* {
      auto it = vars_.find(name);
      return it == vars_.end() ? nullptr : it->second.c_str();
    };
  }

 private:
  std::map<std::string, std::string> vars_;
};

absl::StatusOr<Config> LoadEnv(std::map<std::string, std::string> vars) {
  FakeEnv env(std::move(vars));
  return LoadConfigFrom(nullptr, env.lookup());
}

// Expects rejection of `value` for `var`, naming both.
void ExpectRejected(const std::string& var, const std::string& value,
                    const std::string& form_hint) {
  auto r = LoadEnv({{var, value}});
  ASSERT_FALSE(r.ok()) << var << "=" << value;
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(r.status().message(), HasSubstr(var));
  EXPECT_THAT(r.status().message(), HasSubstr("\"" + value + "\""));
  EXPECT_THAT(r.status().message(), HasSubstr(form_hint));
}

TEST(LoadConfig, DefaultsWithoutEnvironment) {
  auto c = LoadEnv({});
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->threshold, 2000u);
  EXPECT_EQ(c->trigger, CGC_TRIGGER_PRESSURE);
  EXPECT_DOUBLE_EQ(c->mem_growth, CGC_MEM_GROWTH_AUTO);
  EXPECT_DOUBLE_EQ(MemGrowth(*c), 0.50);
  EXPECT_EQ(c->mem_min, CGC_MEM_MIN_AUTO);
  EXPECT_EQ(MemMinFloor(*c), 2u << 20);
  EXPECT_DOUBLE_EQ(c->defer_cap, 40.0);
  EXPECT_EQ(c->memory_limit, 0u);
  EXPECT_EQ(c->debug, 0u);
}

TEST(LoadConfig, EmptyVariableCountsAsUnset) {
  auto c = LoadEnv({{"CYCLEGC_THRESHOLD", ""},
                    {"CYCLEGC_TRIGGER", ""},
                    {"CYCLEGC_DEBUG", ""}});
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->threshold, 2000u);
  EXPECT_EQ(c->trigger, CGC_TRIGGER_PRESSURE);
}

TEST(Threshold, AcceptsIntegersIncludingZero) {
  EXPECT_EQ(LoadEnv({{"CYCLEGC_THRESHOLD", "700"}})->threshold, 700u);
  EXPECT_EQ(LoadEnv({{"CYCLEGC_THRESHOLD", "0"}})->threshold, 0u);
  EXPECT_EQ(LoadEnv({{"CYCLEGC_THRESHOLD", "1000000000"}})->threshold,
            1000000000u);
}

TEST(Threshold, RejectsMalformedAndOutOfRange) {
  for (const char* v : {"-1", "2k", "1.5", "lots"}) {
    ExpectRejected("CYCLEGC_THRESHOLD", v, "non-negative integer");
  }
  ExpectRejected("CYCLEGC_THRESHOLD", "1000000001", "out of range");
}

TEST(Trigger, AcceptsEveryPolicyName) {
  EXPECT_EQ(LoadEnv({{"CYCLEGC_TRIGGER", "fullpages"}})->trigger,
            CGC_TRIGGER_FULLPAGES);
  EXPECT_EQ(LoadEnv({{"CYCLEGC_TRIGGER", "rss"}})->trigger, CGC_TRIGGER_RSS);
  EXPECT_EQ(LoadEnv({{"CYCLEGC_TRIGGER", "COUNT"}})->trigger,
            CGC_TRIGGER_COUNT);
  EXPECT_EQ(LoadEnv({{"CYCLEGC_TRIGGER", "paced"}})->trigger,
            CGC_TRIGGER_PACED);
  EXPECT_EQ(LoadEnv({{"CYCLEGC_TRIGGER", "Pressure"}})->trigger,
            CGC_TRIGGER_PRESSURE);
}

TEST(Trigger, RejectsUnknownNames) {
  ExpectRejected("CYCLEGC_TRIGGER", "heap",
                 "fullpages, rss, count, paced, pressure");
  ExpectRejected("CYCLEGC_TRIGGER", "1",
                 "fullpages, rss, count, paced, pressure");
}

TEST(MemGrowth, AutoIsThePolicysOwnGrowth) {
  EXPECT_DOUBLE_EQ(LoadEnv({{"CYCLEGC_MEM_GROWTH", "auto"}})->mem_growth,
                   CGC_MEM_GROWTH_AUTO);
  Config c;
  for (cgc_trigger_kind k : {CGC_TRIGGER_RSS, CGC_TRIGGER_FULLPAGES,
                             CGC_TRIGGER_COUNT, CGC_TRIGGER_PACED}) {
    c.trigger = k;
    EXPECT_DOUBLE_EQ(MemGrowth(c), 0.10) << k;
  }
  c.trigger = CGC_TRIGGER_PRESSURE;
  EXPECT_DOUBLE_EQ(MemGrowth(c), 0.50);
  c.mem_growth = 0.25;  // an explicit value applies to every policy
  EXPECT_DOUBLE_EQ(MemGrowth(c), 0.25);
  ExpectRejected("CYCLEGC_MEM_GROWTH", "automatic", "or auto");
}

TEST(MemGrowth, AcceptsFractionAndPercent) {
  EXPECT_DOUBLE_EQ(LoadEnv({{"CYCLEGC_MEM_GROWTH", "0.25"}})->mem_growth, 0.25);
  EXPECT_DOUBLE_EQ(LoadEnv({{"CYCLEGC_MEM_GROWTH", "25%"}})->mem_growth, 0.25);
  EXPECT_DOUBLE_EQ(LoadEnv({{"CYCLEGC_MEM_GROWTH", "100%"}})->mem_growth, 1.0);
  EXPECT_DOUBLE_EQ(LoadEnv({{"CYCLEGC_MEM_GROWTH", "0"}})->mem_growth, 0.0);
}

TEST(MemGrowth, RejectsMalformedAndOutOfRange) {
  for (const char* v : {"-0.1", "ten", "10 %%", "1/10"}) {
    ExpectRejected("CYCLEGC_MEM_GROWTH", v, "percentage (e.g. 10%)");
  }
  ExpectRejected("CYCLEGC_MEM_GROWTH", "10001%", "out of range");
  ExpectRejected("CYCLEGC_MEM_GROWTH", "101", "out of range");
}

TEST(MemMin, AcceptsSizesWithUnits) {
  EXPECT_EQ(LoadEnv({{"CYCLEGC_MEM_MIN", "4M"}})->mem_min, 4u << 20);
  EXPECT_EQ(LoadEnv({{"CYCLEGC_MEM_MIN", "256K"}})->mem_min, 256u << 10);
  EXPECT_EQ(LoadEnv({{"CYCLEGC_MEM_MIN", "65536"}})->mem_min, 65536u);
  EXPECT_EQ(LoadEnv({{"CYCLEGC_MEM_MIN", "0"}})->mem_min, 0u);
  EXPECT_EQ(LoadEnv({{"CYCLEGC_MEM_MIN", "auto"}})->mem_min, CGC_MEM_MIN_AUTO);
  EXPECT_EQ(LoadEnv({{"CYCLEGC_MEM_MIN", " AUTO "}})->mem_min,
            CGC_MEM_MIN_AUTO);
}

// auto is each policy's own floor: rss keeps CPython's 128K, fullpages one
// small mimalloc page. An explicit value applies to every policy.
TEST(MemMin, AutoIsThePolicysOwnFloor) {
  Config c;
  ASSERT_EQ(c.mem_min, CGC_MEM_MIN_AUTO);
  c.trigger = CGC_TRIGGER_RSS;
  EXPECT_EQ(MemMinFloor(c), 128u * 1024);
  c.trigger = CGC_TRIGGER_FULLPAGES;
  EXPECT_EQ(MemMinFloor(c), 64u * 1024);
  c.trigger = CGC_TRIGGER_PACED;
  EXPECT_EQ(MemMinFloor(c), 128u * 1024);
  c.trigger = CGC_TRIGGER_PRESSURE;
  EXPECT_EQ(MemMinFloor(c), 2u << 20);
  for (cgc_trigger_kind k :
       {CGC_TRIGGER_RSS, CGC_TRIGGER_FULLPAGES, CGC_TRIGGER_PACED}) {
    c.trigger = k;
    c.mem_min = 0;
    EXPECT_EQ(MemMinFloor(c), 0u);
    c.mem_min = 3u << 20;
    EXPECT_EQ(MemMinFloor(c), 3u << 20);
    c.mem_min = CGC_MEM_MIN_AUTO;
  }
  // The variable picks the policy too: the floor follows it.
  auto rss = LoadEnv({{"CYCLEGC_TRIGGER", "rss"}});
  ASSERT_TRUE(rss.ok()) << rss.status();
  EXPECT_EQ(MemMinFloor(*rss), 128u * 1024);
  // A field set to auto is valid.
  cgc_config u;
  cgc_config_default(&u);
  u.mem_min = CGC_MEM_MIN_AUTO;
  FakeEnv env(Vars{});
  EXPECT_TRUE(LoadConfigFrom(&u, env.lookup()).ok());
}

TEST(MemMin, RejectsMalformedAndOutOfRange) {
  for (const char* v : {"4Q", "4 M", "-1K", "1.5M", "big"}) {
    ExpectRejected("CYCLEGC_MEM_MIN", v, "128K or 4M");
    ExpectRejected("CYCLEGC_MEM_MIN", v, "or auto");
  }
  ExpectRejected("CYCLEGC_MEM_MIN", "autox", "or auto");
  ExpectRejected("CYCLEGC_MEM_MIN", "2T", "out of range");
}

TEST(DeferCap, AcceptsNumbers) {
  EXPECT_DOUBLE_EQ(LoadEnv({{"CYCLEGC_DEFER_CAP", "10"}})->defer_cap, 10.0);
  EXPECT_DOUBLE_EQ(LoadEnv({{"CYCLEGC_DEFER_CAP", "2.5"}})->defer_cap, 2.5);
  EXPECT_DOUBLE_EQ(LoadEnv({{"CYCLEGC_DEFER_CAP", "0"}})->defer_cap, 0.0);
}

TEST(DeferCap, RejectsMalformedAndOutOfRange) {
  for (const char* v : {"-1", "forty", "40x", "inf"}) {
    ExpectRejected("CYCLEGC_DEFER_CAP", v, "non-negative number");
  }
  ExpectRejected("CYCLEGC_DEFER_CAP", "1000001", "out of range");
}

TEST(MemoryLimit, AcceptsSizesAndZero) {
  EXPECT_EQ(LoadEnv({{"CYCLEGC_MEMORY_LIMIT", "512M"}})->memory_limit,
            512u << 20);
  EXPECT_EQ(LoadEnv({{"CYCLEGC_MEMORY_LIMIT", "2G"}})->memory_limit,
            size_t{2} << 30);
  EXPECT_EQ(LoadEnv({{"CYCLEGC_MEMORY_LIMIT", "0"}})->memory_limit, 0u);
}

TEST(MemoryLimit, RejectsMalformedAndOutOfRange) {
  for (const char* v : {"512MM", "half", "-1"}) {
    ExpectRejected("CYCLEGC_MEMORY_LIMIT", v, "128K or 4M");
  }
  ExpectRejected("CYCLEGC_MEMORY_LIMIT", "2048T", "out of range");
}

TEST(Debug, AcceptsCommaLists) {
  EXPECT_EQ(LoadEnv({{"CYCLEGC_DEBUG", "stats"}})->debug, CGC_DEBUG_STATS);
  EXPECT_EQ(LoadEnv({{"CYCLEGC_DEBUG", "census"}})->debug, CGC_DEBUG_CENSUS);
  EXPECT_EQ(LoadEnv({{"CYCLEGC_DEBUG", "stats,census"}})->debug,
            CGC_DEBUG_STATS | CGC_DEBUG_CENSUS);
  EXPECT_EQ(LoadEnv({{"CYCLEGC_DEBUG", "off"}})->debug, 0u);
}

TEST(Debug, RejectsUnknownFlags) {
  ExpectRejected("CYCLEGC_DEBUG", "stats,leaks", "stats, census");
  ExpectRejected("CYCLEGC_DEBUG", "stats;census", "stats, census");
}

TEST(LoadConfig, FirstBadVariableFailsAndNothingApplies) {
  auto r = LoadEnv({{"CYCLEGC_THRESHOLD", "10"}, {"CYCLEGC_TRIGGER", "bogus"}});
  EXPECT_FALSE(r.ok());
}

cgc_config UserConfig() {
  cgc_config c;
  cgc_config_default(&c);
  return c;
}

TEST(ConfigDefault, MatchesDocumentedDefaults) {
  cgc_config c = UserConfig();
  EXPECT_EQ(c.threshold, 2000u);
  EXPECT_EQ(c.trigger, CGC_TRIGGER_PRESSURE);
  EXPECT_DOUBLE_EQ(c.mem_growth, CGC_MEM_GROWTH_AUTO);
  EXPECT_EQ(c.mem_min, CGC_MEM_MIN_AUTO);
  EXPECT_DOUBLE_EQ(c.defer_cap, 40.0);
  EXPECT_EQ(c.memory_limit, 0u);
  EXPECT_EQ(c.debug, 0u);
  EXPECT_EQ(c.apply_env, 0);
}

TEST(UserConfig, FieldsAreUsedAndEnvironmentIgnoredWithoutApplyEnv) {
  cgc_config u = UserConfig();
  u.threshold = 500;
  u.trigger = CGC_TRIGGER_RSS;
  FakeEnv env(Vars{{"CYCLEGC_THRESHOLD", "9"}, {"CYCLEGC_TRIGGER", "bogus"}});
  auto c = LoadConfigFrom(&u, env.lookup());
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->threshold, 500u);
  EXPECT_EQ(c->trigger, CGC_TRIGGER_RSS);
}

TEST(UserConfig, ApplyEnvLetsVariablesOverrideFields) {
  cgc_config u = UserConfig();
  u.threshold = 500;
  u.mem_min = 1 << 20;
  u.apply_env = 1;
  FakeEnv env(Vars{{"CYCLEGC_THRESHOLD", "9"}});
  auto c = LoadConfigFrom(&u, env.lookup());
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->threshold, 9u);
  EXPECT_EQ(c->mem_min, 1u << 20);  // not overridden: variable unset
}

TEST(UserConfig, ApplyEnvStillRejectsBadVariables) {
  cgc_config u = UserConfig();
  u.apply_env = 1;
  FakeEnv env(Vars{{"CYCLEGC_MEM_GROWTH", "lots"}});
  auto c = LoadConfigFrom(&u, env.lookup());
  ASSERT_FALSE(c.ok());
  EXPECT_THAT(c.status().message(), HasSubstr("CYCLEGC_MEM_GROWTH"));
}

// Each out-of-range field is rejected with the field named.
TEST(UserConfig, RejectsOutOfRangeFields) {
  FakeEnv env(Vars{});
  struct Case {
    const char* field;
    void (*set)(cgc_config*);
  };
  const Case cases[] = {
      {"threshold", [](cgc_config* c) { c->threshold = 2000000000; }},
      {"trigger",
       [](cgc_config* c) { c->trigger = static_cast<cgc_trigger_kind>(9); }},
      {"mem_growth", [](cgc_config* c) { c->mem_growth = -0.5; }},
      {"mem_growth", [](cgc_config* c) { c->mem_growth = 1e9; }},
      {"mem_growth", [](cgc_config* c) { c->mem_growth = __builtin_nan(""); }},
      {"mem_min", [](cgc_config* c) { c->mem_min = size_t{1} << 41; }},
      {"mem_min", [](cgc_config* c) { c->mem_min = CGC_MEM_MIN_AUTO - 1; }},
      {"defer_cap", [](cgc_config* c) { c->defer_cap = -1; }},
      {"defer_cap", [](cgc_config* c) { c->defer_cap = 1e7; }},
      {"memory_limit", [](cgc_config* c) { c->memory_limit = SIZE_MAX; }},
      {"debug", [](cgc_config* c) { c->debug = 1u << 7; }},
  };
  for (const Case& k : cases) {
    cgc_config u = UserConfig();
    k.set(&u);
    auto c = LoadConfigFrom(&u, env.lookup());
    ASSERT_FALSE(c.ok()) << k.field;
    EXPECT_EQ(c.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(c.status().message(),
                HasSubstr(std::string("cgc_config.") + k.field + "="))
        << c.status();
    EXPECT_THAT(c.status().message(), HasSubstr("expected")) << c.status();
  }
}

TEST(TriggerName, NamesEveryPolicy) {
  EXPECT_STREQ(TriggerName(CGC_TRIGGER_FULLPAGES), "fullpages");
  EXPECT_STREQ(TriggerName(CGC_TRIGGER_RSS), "rss");
  EXPECT_STREQ(TriggerName(CGC_TRIGGER_COUNT), "count");
  EXPECT_STREQ(TriggerName(CGC_TRIGGER_PACED), "paced");
  EXPECT_STREQ(TriggerName(CGC_TRIGGER_PRESSURE), "pressure");
  EXPECT_STREQ(TriggerName(CGC_TRIGGER_KIND_END), "unknown");
  // The public lookup iterates the same table.
  int n = 0;
  while (cgc_trigger_name(static_cast<cgc_trigger_kind>(n)) != nullptr) ++n;
  EXPECT_EQ(n, CGC_TRIGGER_KIND_END);
  EXPECT_EQ(cgc_trigger_name(static_cast<cgc_trigger_kind>(-1)), nullptr);
}

}  // namespace
}  // namespace cyclegc::internal
