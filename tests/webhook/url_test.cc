// The URL rules the SSRF guard relies on: one spelling per address, no user-info, normalised
// storage form.
#include "webhook/webhook_url.h"

#include <gtest/gtest.h>

namespace decnet::webhook {
namespace {

std::optional<WebhookUrl> parse(const std::string& text) {
  std::string error;
  auto url = parse_webhook_url(text, error);
  if (!url) {
    EXPECT_FALSE(error.empty()) << text;
  }
  return url;
}

TEST(WebhookUrl, NormalisesLikeTheReference) {
  auto url = parse("HTTPS://Example.COM:443");
  ASSERT_TRUE(url);
  EXPECT_EQ(url->str(), "https://example.com/");
  EXPECT_EQ(url->port, 443);
  url = parse("http://siem.example.org:8088/services/collector?x=1#frag");
  ASSERT_TRUE(url);
  EXPECT_EQ(url->str(), "http://siem.example.org:8088/services/collector?x=1");
  EXPECT_EQ(url->host_header(), "siem.example.org:8088");
  EXPECT_EQ(url->target, "/services/collector?x=1");
  url = parse("http://host.example?q=1");
  ASSERT_TRUE(url);
  EXPECT_EQ(url->target, "/?q=1");
}

TEST(WebhookUrl, Ipv6LiteralsKeepBracketsInHostHeader) {
  auto url = parse("https://[2001:DB8::1]:8443/x");
  ASSERT_TRUE(url);
  ASSERT_TRUE(url->literal);
  EXPECT_EQ(url->host, "2001:db8::1");
  EXPECT_EQ(url->host_header(), "[2001:db8::1]:8443");
  EXPECT_EQ(url->str(), "https://[2001:db8::1]:8443/x");
}

TEST(WebhookUrl, RefusesLegacyNumericSpellingsOfAddresses) {
  for (const char* text : {"http://2130706433/", "http://0x7f000001/", "http://0x7f.0.0.1/",
                           "http://0177.0.0.1/", "http://127.1/", "http://127.0.1/",
                           "http://017700000001/", "http://1.2.3.04/", "http://a.b.0x10/"}) {
    EXPECT_FALSE(parse(text)) << text;
  }
  auto url = parse("http://127.0.0.1:9000/");
  ASSERT_TRUE(url);
  EXPECT_TRUE(url->literal && url->literal->is_v4());
}

TEST(WebhookUrl, RefusesEverythingElseThatCouldMislead) {
  for (const char* text :
       {"ftp://example.com/", "file:///etc/passwd", "gopher://x/", "example.com/hook",
        "http://user:pass@example.com/", "http://example.com@10.0.0.1/", "http://[fe80::1%25eth0]/",
        "http://[::1/", "http://[1.2.3.4]/", "http://example.com:0/", "http://example.com:65536/",
        "http://example.com:/", "http://example.com:+80/", "http://exa mple.com/",
        "http://exämple.com/", "http:///nohost", "http://-bad-.example/", "http://a..b/",
        "http://example.com/\n"}) {
    EXPECT_FALSE(parse(text)) << text;
  }
  EXPECT_FALSE(parse("http://example.com/" + std::string(kMaxUrlLength, 'a')));
}

}  // namespace
}  // namespace decnet::webhook
