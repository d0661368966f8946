// SIP requests as scanners send them, read as RFC 3261 lays them out (compact header names,
// several Vias in one header, the headers a response must copy), and the registrar built on
// them: a REGISTER challenged and its Digest answer emitted with what checking it needs, and no
// answer larger than three times its request.
#include "decky/protocol/sip_message.h"

#include <gtest/gtest.h>

#include "decky/emit/emitter.h"
#include "decky/net/datagram_peer.h"
#include "decky/services/services.h"
#include "tests_support.h"

namespace decnet::decky {
namespace {

using decnet::testing::TempDir;

const std::string kRegister =
    "REGISTER sip:pbx.example SIP/2.0\r\n"
    "v: SIP/2.0/UDP 10.0.0.5:5070;branch=z9hG4bK-1;rport, SIP/2.0/UDP 10.0.0.9;branch=z9hG4bK-0\r\n"
    "f: \"100\" <sip:100@pbx.example>;tag=abc\r\n"
    "t: <sip:100@pbx.example>\r\n"
    "i: 1234@10.0.0.5\r\n"
    "CSeq: 1 REGISTER\r\n"
    "User-Agent: friendly-scanner\r\n"
    "m: <sip:100@10.0.0.5:5070>\r\n"
    "Content-Length: 0\r\n\r\n";

TEST(SipMessage, RequestsAreReadWithCompactNamesAndEveryVia) {
  const auto r = parse_sip_request(kRegister);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->method, "REGISTER");
  EXPECT_EQ(r->uri, "sip:pbx.example");
  ASSERT_EQ(r->via.size(), 2u);
  EXPECT_EQ(r->via[1], "SIP/2.0/UDP 10.0.0.9;branch=z9hG4bK-0");
  EXPECT_EQ(r->from, "\"100\" <sip:100@pbx.example>;tag=abc");
  EXPECT_EQ(r->call_id, "1234@10.0.0.5");
  EXPECT_EQ(r->user_agent, "friendly-scanner");
  EXPECT_EQ(r->contact, "<sip:100@10.0.0.5:5070>");

  EXPECT_FALSE(parse_sip_request("SIP/2.0 200 OK\r\nVia: x\r\n\r\n")) << "a response";
  EXPECT_FALSE(parse_sip_request("GET / HTTP/1.1\r\n\r\n"));
  auto no_call_id = kRegister;
  no_call_id.erase(no_call_id.find("i: "), no_call_id.find("CSeq") - no_call_id.find("i: "));
  EXPECT_FALSE(parse_sip_request(no_call_id));
  std::string many = "OPTIONS sip:x SIP/2.0\r\n";
  for (int i = 0; i < 100; ++i) many += "X-Pad: " + std::to_string(i) + "\r\n";
  EXPECT_FALSE(parse_sip_request(many)) << "more headers than the bound";
}

TEST(SipMessage, TheResponseCopiesWhatItMustAndMarksTheTopVia) {
  const auto r = parse_sip_request(kRegister);
  ASSERT_TRUE(r);
  const auto out = sip_response(*r, 401, "Unauthorized", {{"WWW-Authenticate", "Digest x"}},
                                "203.0.113.7", 40000, "t1");
  EXPECT_EQ(out.rfind("SIP/2.0 401 Unauthorized\r\n", 0), 0u);
  EXPECT_NE(out.find("Via: SIP/2.0/UDP 10.0.0.5:5070;branch=z9hG4bK-1;received=203.0.113.7;"
                     "rport=40000\r\nVia: SIP/2.0/UDP 10.0.0.9;branch=z9hG4bK-0\r\n"),
            std::string::npos)
      << out;
  EXPECT_NE(out.find("To: <sip:100@pbx.example>;tag=t1\r\n"), std::string::npos);
  EXPECT_NE(out.find("CSeq: 1 REGISTER\r\nWWW-Authenticate: Digest x\r\n"), std::string::npos);
  EXPECT_EQ(out.substr(out.size() - 21), "Content-Length: 0\r\n\r\n");
}

class SipRegistrar : public ::testing::Test {
 protected:
  TempDir dir_;
  Spool spool_{dir_ / "outbox", 1 << 20};
  Emitter emitter_{"pbx", spool_};
  std::unique_ptr<DatagramService> sip_ =
      make_sip_service({}, {{"server", "Asterisk PBX 20.0.1"}, {"realm", "asterisk"}});
  DatagramPeer peer_{emitter_, "sip", "src", "198.51.100.4", 5062};

  std::vector<std::string> lines() {
    std::vector<std::string> out;
    while (auto line = spool_.next()) out.push_back(line->text);
    return out;
  }
};

TEST_F(SipRegistrar, ARegisterIsChallengedAndItsAnswerReportedWithWhatCheckingNeeds) {
  const auto challenge = sip_->answer(kRegister, peer_);
  EXPECT_EQ(challenge.rfind("SIP/2.0 401 Unauthorized\r\n", 0), 0u) << challenge;
  const auto at = challenge.find("nonce=\"");
  ASSERT_NE(at, std::string::npos);
  const auto nonce = challenge.substr(at + 7, 16);
  auto answer = kRegister;
  answer.insert(answer.find("Content-Length"),
                "Authorization: Digest username=\"100\", realm=\"asterisk\", nonce=\"" + nonce +
                    "\", uri=\"sip:pbx.example\", response=\"0123456789abcdef0123456789abcdef\", "
                    "algorithm=MD5\r\n");
  const auto refused = sip_->answer(answer, peer_);
  EXPECT_EQ(refused.rfind("SIP/2.0 403 Forbidden\r\n", 0), 0u) << refused;
  const auto emitted = lines();
  ASSERT_EQ(emitted.size(), 3u);  // request, request, auth
  const auto& auth = emitted[2];
  EXPECT_NE(auth.find(" auth [relay@55555 src=\"198.51.100.4\" src_port=\"5062\" username=\"100\" "
                      "principal=\"100\" secret_kind=\"http_digest_md5\" "
                      "secret_printable=\"0123456789abcdef0123456789abcdef\""),
            std::string::npos)
      << auth;
  EXPECT_NE(
      auth.find("method=\"REGISTER\" realm=\"asterisk\" nonce=\"" + nonce +
                "\" uri=\"sip:pbx.example\" algorithm=\"MD5\" user_agent=\"friendly-scanner\""),
      std::string::npos)
      << auth;
}

TEST_F(SipRegistrar, NoAnswerIsLargerThanThreeTimesItsRequest) {
  const std::string tiny =
      "OPTIONS sip:a SIP/2.0\r\nv: SIP/2.0/UDP h\r\nf: a\r\nt: b\r\ni: c\r\nCSeq: 1 "
      "OPTIONS\r\n\r\n";
  EXPECT_EQ(sip_->answer(tiny, peer_), "") << "a 200 OK with Allow and Server would amplify";
  const auto full = sip_->answer(
      "OPTIONS sip:100@pbx.example SIP/2.0\r\nVia: SIP/2.0/UDP 10.0.0.5:5070;branch=z9hG4bK-2\r\n"
      "From: <sip:scanner@10.0.0.5>;tag=1\r\nTo: <sip:100@pbx.example>\r\nCall-ID: 99@10.0.0.5\r\n"
      "CSeq: 1 OPTIONS\r\nUser-Agent: friendly-scanner\r\nAccept: application/sdp\r\n\r\n",
      peer_);
  EXPECT_EQ(full.rfind("SIP/2.0 200 OK\r\n", 0), 0u) << full;
  EXPECT_EQ(sip_->answer("\r\n\r\n", peer_), "");
  const auto emitted = lines();
  EXPECT_EQ(emitted.size(), 2u) << "two requests; a keep-alive is not worth a line";
}

}  // namespace
}  // namespace decnet::decky
