#include <gtest/gtest.h>

#include "bus/bus_error.h"
#include "bus/matcher.h"

namespace decnet::bus {
namespace {

struct Case {
  const char* pattern;
  const char* topic;
  bool match;
};

// Semantics: `*` = exactly one non-empty token; `>` = one or more non-empty trailing tokens.
const Case kCases[] = {
    {"system.log", "system.log", true},
    {"system.log", "system.logs", false},
    {"system.log", "system", false},
    {"system.log", "system.log.x", false},
    {"System.log", "system.log", false},  // case-sensitive
    {"topology.*.mutation.applied", "topology.abc.mutation.applied", true},
    {"topology.*.mutation.*", "topology.abc.mutation.failed", true},
    {"topology.*.mutation.*", "topology.abc.status", false},
    {"topology.>", "topology.abc.status", true},
    {"topology.>", "topology.abc.mutation.applied", true},
    {"topology.>", "topology", false},  // '>' never matches zero tokens
    {"topology.*", "topology.a.b.c", false},
    {"ttp.>", "ttp.tagged", true},
    {"ttp.>", "ttp.rule.fired.T1110", true},
    {"ttp.>", "ttp.rule.suppressed", true},
    {"ttp.>", "ttp.rule.reloaded.R0001", true},
    {"ttp.>", "ttp.rule.state.R0042", true},
    {"ttp.>", "ttp", false},
    {"ttp.rule.fired.>", "ttp.rule.fired", false},
    {"ttp.rule.fired.>", "ttp.rule.fired.T1110", true},
    {"decky.*.state", "decky.state", false},
    {"decky.*.state", "decky.xyz.status", false},
    {"decky.*.state", "decky.xyz.state", true},
    {"decky.*.state", "decky.host:name.state", true},  // ':' is an ordinary character
    {"a.b.c", "a.b", false},
    {"a.b", "a.b.c", false},
    {"system.*.health", "system.bus.health", true},
    {"system.*.health", "system.ingest.health", true},
    {"system.*.health", "system.health", false},
    {"*", "a", true},
    {"*", "a.b", false},
    {"*", "", false},
    {">", "a", true},
    {">", "a.b.c", true},
    {">", "", false},
    {"*.>", "a", false},
    {"*.>", "a.b", true},
    {"a.*", "a.", false},  // an empty token never matches '*'
    {"a.*.c", "a..c", false},
    {"a.>", "a.", false},  // nor '>' (the reference matched this)
    {"a.>", "a.b..c", false},
    {"a*", "a*", true},  // a wildcard only counts as a whole token
    {"a*", "ab", false},
    {"x>y", "x>y", true},
    {"attacker.observation.>", "attacker.observation.keystroke.digraph", true},
    {"attacker.*", "attacker.session.started", false},
    {"attacker.>", "attacker.session.started", true},
    {"credential.reuse.detected", "credential.reuse.detected", true},
    {"*.*.*", "a.b.c", true},
    {"*.*.*", "a.b", false},
};

TEST(Matcher, TableOfCases) {
  ASSERT_GE(std::size(kCases), 40u);
  for (const auto& c : kCases) {
    SCOPED_TRACE(std::string(c.pattern) + " vs " + c.topic);
    EXPECT_EQ(Pattern(c.pattern).matches(c.topic), c.match);
    EXPECT_EQ(matches(c.pattern, c.topic), c.match);
  }
}

TEST(Matcher, TailWildcardOnlyAsLastToken) {
  // The reference accepted these and silently stopped matching at '>' (a.>.c matched a.b).
  for (const char* bad : {"a.>.c", ">.a", "a.>.>", "topology.>.status"}) {
    SCOPED_TRACE(bad);
    EXPECT_THROW(Pattern{bad}, BusError);
    EXPECT_TRUE(pattern_error(bad).has_value());
    EXPECT_FALSE(matches(bad, "a.b"));
    EXPECT_FALSE(matches(bad, "a.b.c"));
  }
}

TEST(Matcher, RejectsMalformedPatterns) {
  for (const char* bad : {"", "a..b", ".a", "a.", "a b", "a.\tb", "a.b\n"}) {
    SCOPED_TRACE(std::string("'") + bad + "'");
    EXPECT_THROW(Pattern{bad}, BusError);
  }
  try {
    Pattern p("a.>.c");
    FAIL();
  } catch (const BusError& e) {
    EXPECT_NE(std::string(e.what()).find("a.>.c"), std::string::npos);
  }
}

}  // namespace
}  // namespace decnet::bus
