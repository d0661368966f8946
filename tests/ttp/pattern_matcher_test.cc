// The engine under the pack: the multi-literal prefilter, and a hostile text against a pattern
// that backtracks without end, which the match limit cuts short.
#include "ttp/pattern_matcher.h"

#include <gtest/gtest.h>

#include "ttp/literal_set.h"
#include "ttp/rule_loader.h"

namespace decnet::ttp {
namespace {

std::vector<bool> found(const LiteralSet& set, std::string_view text) {
  std::vector<bool> out;
  set.find(text, out);
  return out;
}

TEST(LiteralSet, FindsOverlappingLiteralsInOnePassIgnoringCase) {
  const LiteralSet set({"he", "she", "his", "hers", "/etc/passwd", ""});
  EXPECT_EQ(found(set, "USHERS"), (std::vector<bool>{true, true, false, true, false, false}));
  EXPECT_EQ(found(set, "cat /ETC/PASSWD"),
            (std::vector<bool>{false, false, false, false, true, false}));
  EXPECT_EQ(found(set, ""), std::vector<bool>(6, false));
  EXPECT_EQ(found(set, "this"), (std::vector<bool>{false, false, true, false, false, false}));
}

Rule pattern_rule(const std::string& id, const std::string& pattern,
                  std::vector<std::string> literals = {}) {
  Rule r;
  r.rule_id = id;
  r.name = id;
  r.applies_to = {"command"};
  r.pattern = pattern;
  r.literals = std::move(literals);
  r.emits = {{"TA0002", "T1059", std::nullopt, 0.5}};
  return r;
}

TEST(PatternMatcher, ARuleRunsOnlyWhenOneOfItsLiteralsIsPresent) {
  // The pattern would match anything; its literal decides.
  const std::vector<Rule> rules = {pattern_rule("A", ".", {"wget"}), pattern_rule("B", "x")};
  const PatternMatcher m(rules);
  const auto ids = [&](std::string_view text) {
    std::string out;
    for (const auto* r : m.match_text("command", text)) out += r->rule_id;
    return out;
  };
  EXPECT_EQ(ids("WGET http://a"), "A");
  EXPECT_EQ(ids("curl http://a"), "");
  EXPECT_EQ(ids("xz"), "B");  // no literal: always runs
  EXPECT_TRUE(m.match_text("http_request", "wget").empty());
}

TEST(PatternMatcher, ABacktrackingBombIsCutShort) {
  const std::vector<Rule> rules = {pattern_rule("BOMB", "^(a+)+$")};
  const PatternMatcher m(rules);
  const std::string hostile = std::string(50'000, 'a') + "!";
  EXPECT_TRUE(m.match_text("command", hostile).empty());
  EXPECT_EQ(m.match_text("command", "aaaa").size(), 1u);
  // Invalid UTF-8 is matched as bytes are, not refused.
  EXPECT_EQ(m.match_text("command", "aa\xff").size(), 0u);
}

}  // namespace
}  // namespace decnet::ttp
