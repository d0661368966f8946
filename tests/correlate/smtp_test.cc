#include <gtest/gtest.h>

#include "correlate/smtp_domains.h"

namespace decnet::correlate {
namespace {

TEST(SmtpDomains, NormalisationTable) {
  const std::pair<const char*, std::optional<std::string>> cases[] = {
      {"<john@corp1.com>", "corp1.com"},
      {"JOHN@CORP1.COM", "corp1.com"},
      {"RCPT TO:<c@d.com>", "d.com"},
      {"<ceo@victim.com>", "victim.com"},
      {"a@sub.example.co.uk", "sub.example.co.uk"},
      {"", std::nullopt},
      {"notanemail", std::nullopt},
      {"@nouser.com", std::nullopt},
      {"user@", std::nullopt},
      {"admin@foo.invalid", std::nullopt},
      {"test@bar.test", std::nullopt},
      {"x@local.example", std::nullopt},
      {"x@host.localhost", std::nullopt},
      {"x@printer.local", std::nullopt},
      {"x@nodot", std::nullopt},
      {"x@1.2.3.4", std::nullopt},
  };
  for (const auto& [input, expected] : cases) {
    SCOPED_TRACE(input);
    EXPECT_EQ(recipient_domain(input), expected);
  }
}

TEST(SmtpDomains, RecipientListsAreDedupedInOrder) {
  EXPECT_EQ(recipient_domains("victim1@target.tld, victim2@target.tld, victim3@other.tld"),
            (std::vector<std::string>{"target.tld", "other.tld"}));
  EXPECT_TRUE(recipient_domains("").empty());
  EXPECT_EQ(recipient_domains("bad, a@b.io,"), std::vector<std::string>{"b.io"});
}

}  // namespace
}  // namespace decnet::correlate
