// What ingest hands the ATT&CK tagger (tag_inputs.h). Pinned here: the email.received payload of
// a stored mail — the From domain, recipients counted with their domains kept once, attachment
// extensions, a hostile manifest read without throwing, and no full address anywhere in it; and
// the events a batch collects from real lines — an HTTP request (path without its query, the
// User-Agent from the headers, what a container-create body asks of the host) and a login
// attempt, which carries the password's hash and never the password.
#include "ingest/tag_inputs.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/base64.h"
#include "core/hash.h"
#include "core/json_text.h"
#include "ingest/ingest_batch.h"

namespace decnet::ingest {
namespace {

using Fields = std::vector<std::pair<std::string, std::string>>;

constexpr std::int64_t kTagReceived = 1'777'777'777'000'000;

NormalizedEvent stored_mail(Fields fields) {
  NormalizedEvent e;
  e.timestamp = kTagReceived;
  e.decky = "mail-01";
  e.service = "smtp";
  e.event_type = "message_stored";
  e.attacker_ip = "203.0.113.9";
  e.fields = {{"src", "203.0.113.9"}, {"msg_id", "4F2A1B"}};
  e.fields.insert(e.fields.end(), fields.begin(), fields.end());
  return e;
}

nlohmann::json payload_of(Fields fields) {
  const auto p = email_received_payload(stored_mail(std::move(fields)));
  EXPECT_TRUE(p);
  return p.value_or(nlohmann::json::object());
}

TEST(EmailReceived, TheFromHeaderGivesItsDomain) {
  const auto p = payload_of({{"from_hdr", "\"CEO\" <ceo@bigcorp.com>"},
                             {"mail_from", "<bulk@Spam.Example>"},
                             {"return_path", "bounce@spam.example"}});
  EXPECT_EQ(p["from_domain"], "bigcorp.com");
  EXPECT_EQ(p["mail_from_domain"], "spam.example");
  EXPECT_EQ(p["return_path_domain"], "spam.example");
  EXPECT_EQ(p["source_id"], "4F2A1B");
  EXPECT_EQ(p["attacker_ip"], "203.0.113.9");
  // A header without an address has no domain.
  EXPECT_TRUE(payload_of({{"from_hdr", "CEO"}})["from_domain"].is_null());
}

TEST(EmailReceived, RecipientsAreCountedAndTheirDomainsKeptOnce) {
  const std::vector<std::string> rcpts = {"victim1@target.tld", "victim2@target.tld",
                                          "victim3@other.tld"};
  std::string rcpt_to;
  for (const auto& r : rcpts) rcpt_to += (rcpt_to.empty() ? "" : ", ") + r;
  const auto p = payload_of({{"rcpt_to", rcpt_to}});
  EXPECT_EQ(p["rcpt_count"], rcpts.size());
  EXPECT_EQ(p["rcpt_domains"], nlohmann::json::array({"target.tld", "other.tld"}));
}

std::string manifest(const nlohmann::json& items) {
  return core::json_text(items);
}

TEST(EmailReceived, TheManifestGivesExtensionsHashesAndMacros) {
  const std::string exe_sha(64, 'a');
  const std::string doc_sha(64, 'b');
  const auto p = payload_of(
      {{"attachment_count", "2"},
       {"attachments_json",
        manifest(nlohmann::json::array(
            {{{"filename", "payload.exe"}, {"sha256", exe_sha}, {"macro_indicator", false}},
             {{"filename", "resume.docx"}, {"sha256", doc_sha}, {"macro_indicator", true}}}))}});
  EXPECT_EQ(p["attachment_extensions"], nlohmann::json::array({".exe", ".docx"}));
  EXPECT_EQ(p["attachment_sha256s"], nlohmann::json::array({exe_sha, doc_sha}));
  EXPECT_EQ(p["attachment_macros"], true);
  EXPECT_EQ(p["attachment_password_protected"], false);
  EXPECT_EQ(p["attachment_count"], 2);
}

TEST(EmailReceived, AManifestOfWrongTypesIsReadAsAbsent) {
  const auto hostile = manifest(nlohmann::json::array(
      {{{"filename", 5}, {"macro_indicator", "yes"}, {"encrypted", 1}, {"sha256", 7}},
       "not an entry",
       {{"filename", nullptr}, {"sha256", nlohmann::json::array()}}}));
  nlohmann::json p;
  EXPECT_NO_THROW(p = payload_of({{"attachments_json", hostile}}));
  EXPECT_EQ(p["attachment_extensions"], nlohmann::json::array());
  EXPECT_EQ(p["attachment_sha256s"], nlohmann::json::array());
  EXPECT_EQ(p["attachment_macros"], false);
  EXPECT_EQ(p["attachment_password_protected"], false);
  EXPECT_NO_THROW(payload_of({{"attachments_json", "{not json"}}));
}

TEST(EmailReceived, ThePayloadHoldsNoAddress) {
  const auto p = payload_of({{"from_hdr", "\"CEO\" <ceo@bigcorp.com>"},
                             {"mail_from", "bulk@spam.example"},
                             {"return_path", "<bounce@spam.example>"},
                             {"rcpt_to", "victim1@target.tld, victim2@target.tld"},
                             {"subject", "Quarterly results"},
                             {"sha256", std::string(64, 'c')}});
  const auto text = core::json_text(p);
  for (const auto* local : {"ceo@", "bulk@", "bounce@", "victim1@", "victim2@"}) {
    EXPECT_EQ(text.find(local), std::string::npos) << local << " in " << text;
  }
  EXPECT_EQ(text.find('@'), std::string::npos) << text;
  // What it does carry instead: domains, the count, the body's hash.
  EXPECT_EQ(p["rcpt_count"], 2);
  EXPECT_EQ(p["body_sha256"], std::string(64, 'c'));
}

TEST(EmailReceived, OnlyAStoredMailIsAMail) {
  auto e = stored_mail({});
  e.event_type = "message_accepted";
  EXPECT_FALSE(email_received_payload(e));
  e = stored_mail({});
  e.attacker_ip.reset();
  EXPECT_FALSE(email_received_payload(e));
}

// RFC 5424 PARAM-VALUE escaping: \ " and ] are backslash-escaped.
std::string escaped(const std::string& value) {
  std::string out;
  for (const char c : value) {
    if (c == '\\' || c == '"' || c == ']') out += '\\';
    out += c;
  }
  return out;
}

std::string line(const std::string& decky, const std::string& app, const std::string& msgid,
                 const Fields& params) {
  std::string sd;
  for (const auto& [k, v] : params) sd += " " + k + "=\"" + escaped(v) + "\"";
  return "<134>1 2026-05-02T06:22:48.089309+00:00 " + decky + " " + app + " - " + msgid +
         " [relay@55555" + sd + "]";
}

IngestBatch batch_of(const std::vector<std::string>& lines, bool tag = true) {
  BatchBuilder builder(false, tag);
  IngestBatch batch;
  for (const auto& l : lines)
    builder.add(batch, RawLine{l, "test", "127.0.0.1:1", kTagReceived, false});
  EXPECT_TRUE(batch.dead_letters.empty());
  return batch;
}

const std::string kAgent = "sqlmap/1.7.2#stable (https://sqlmap.org)";

TEST(CollectTagEvents, AnHttpRequestGivesItsPathWithoutTheQueryAndItsUserAgent) {
  const std::string url = "/search.php?q=1%27%20or%201=1--";
  const std::string headers =
      core::json_text({{"Host", "web-01"}, {"User-Agent", kAgent}, {"Accept", "*/*"}});
  const auto batch = batch_of({line("web-01", "http", "request",
                                    {{"method", "GET"},
                                     {"path", url},
                                     {"remote_addr", "203.0.113.9"},
                                     {"headers", headers},
                                     {"body", ""}})});
  ASSERT_EQ(batch.tag_events.size(), 1u);
  const auto& pending = batch.tag_events[0];
  EXPECT_EQ(pending.attacker_ip, "203.0.113.9");
  EXPECT_EQ(pending.log_index, 0u);  // the source id becomes the log row's
  const auto& e = pending.event;
  EXPECT_EQ(e.source_kind, "http_request");
  EXPECT_EQ(e.decky_id, "web-01");
  EXPECT_EQ(e.payload["raw_url"], url);
  EXPECT_EQ(e.payload["request_path"], url.substr(0, url.find('?')));
  EXPECT_EQ(e.payload["method"], "GET");
  EXPECT_EQ(e.payload["user_agent"], kAgent);
  EXPECT_NE(e.payload["request_text"].get<std::string>().find(headers), std::string::npos);
  EXPECT_FALSE(e.payload.contains("signals"));
}

TEST(CollectTagEvents, AContainerCreateBodyNamesWhatItAsksOfTheHost) {
  const std::string body =
      core::json_text({{"Image", "alpine"},
                       {"Cmd", nlohmann::json::array({"sh"})},
                       {"HostConfig", {{"Privileged", true}, {"NetworkMode", "host"}}}});
  const auto batch = batch_of({line("docker-01", "docker_api", "request",
                                    {{"method", "POST"},
                                     {"path", "/v1.41/containers/create"},
                                     {"remote_addr", "203.0.113.9"},
                                     {"headers", "{}"},
                                     {"body", body}})});
  ASSERT_EQ(batch.tag_events.size(), 1u);
  const auto& p = batch.tag_events[0].event.payload;
  EXPECT_EQ(p["service"], "docker_api");
  EXPECT_EQ(p["request_path"], "/v1.41/containers/create");
  EXPECT_EQ(p["signals"], nlohmann::json::array({"privileged:true"}));
}

TEST(CollectTagEvents, ALoginAttemptCarriesThePasswordsHashNeverThePassword) {
  const std::string password = "Tr0ub4dor&3-secret";
  const auto b64 = core::base64_encode(password);
  const auto batch = batch_of({line("decky-02", "ssh", "auth_attempt",
                                    {{"src_ip", "198.51.100.81"},
                                     {"username", "root"},
                                     {"secret_b64", b64},
                                     {"outcome", "failure"}})});
  ASSERT_EQ(batch.credentials.size(), 1u);
  ASSERT_EQ(batch.tag_events.size(), 1u);
  const auto& pending = batch.tag_events[0];
  EXPECT_EQ(pending.attacker_ip, "198.51.100.81");
  EXPECT_FALSE(pending.log_index);  // filed under its episode, not its row
  const auto& e = pending.event;
  EXPECT_EQ(e.source_kind, "auth_attempt");
  EXPECT_EQ(e.payload["service"], "ssh");
  EXPECT_EQ(e.payload["username"], "root");
  EXPECT_EQ(e.payload["result"], "failure");
  EXPECT_EQ(e.payload["password_sha256"], core::sha256_hex(password));
  const auto text = core::json_text(e.payload);
  EXPECT_EQ(text.find(password), std::string::npos) << text;
  EXPECT_EQ(text.find(b64), std::string::npos) << text;
}

TEST(CollectTagEvents, NothingIsCollectedWhenTaggingIsOff) {
  const auto batch = batch_of({line("web-01", "http", "request",
                                    {{"method", "GET"},
                                     {"path", "/"},
                                     {"remote_addr", "203.0.113.9"},
                                     {"headers", "{}"},
                                     {"body", ""}})},
                              false);
  EXPECT_EQ(batch.logs.size(), 1u);
  EXPECT_TRUE(batch.tag_events.empty());
}

}  // namespace
}  // namespace decnet::ingest
