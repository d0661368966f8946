// SMB, SPNEGO and NTLMSSP as the decky reads and writes them before a login: messages built
// here byte by byte from [MS-SMB2], [MS-CIFS], [MS-NLMP] and RFC 4178 (not with the decky's own
// writers), every offset outside a message refused, and the decky's answers read back field by
// field.
#include "decky/protocol/smb_message.h"

#include <gtest/gtest.h>

#include "decky/protocol/ber.h"
#include "decky/protocol/ntlmssp.h"
#include "decky/protocol/spnego.h"
#include "wire_bytes.h"

namespace decnet::decky {
namespace {

using namespace wire_bytes;

std::uint32_t get32(const std::string& s, std::size_t at) {
  std::uint32_t v = 0;
  for (int i = 3; i >= 0; --i) v = (v << 8) | static_cast<unsigned char>(s[at + i]);
  return v;
}

std::uint16_t get16(const std::string& s, std::size_t at) {
  return static_cast<std::uint16_t>(static_cast<unsigned char>(s[at]) |
                                    static_cast<unsigned char>(s[at + 1]) << 8);
}

// An AUTHENTICATE with the payload laid out after the 72-byte fixed part (version included).
std::string authenticate(const std::string& domain, const std::string& user,
                         const std::string& workstation, const std::string& lm,
                         const std::string& nt, std::uint32_t flags = 0x00000001) {
  const bool unicode = flags & 1;
  const auto text = [&](const std::string& s) { return unicode ? utf16(s) : s; };
  const std::vector<std::string> payloads{lm, nt, text(domain), text(user), text(workstation), ""};
  std::string fields, payload;
  std::size_t offset = 72;
  for (const auto& p : payloads) {
    fields += le16(p.size()) + le16(p.size()) + le32(offset);
    payload += p;
    offset += p.size();
  }
  return std::string("NTLMSSP\0", 8) + le32(3) + fields + le32(flags) + std::string(8, '\x00') +
         payload;
}

TEST(Ntlmssp, TheAuthenticateGivesUserDomainWorkstationAndTheNtResponse) {
  const std::string nt_v2 =
      std::string(16, '\x11') + std::string("\x01\x01\0\0", 4) + "client-blob";
  const auto a =
      parse_ntlm_authenticate(authenticate("CORP", "alice", "WS01", std::string(24, '\0'), nt_v2));
  ASSERT_TRUE(a);
  EXPECT_EQ(a->user, "alice");
  EXPECT_EQ(a->domain, "CORP");
  EXPECT_EQ(a->workstation, "WS01");
  EXPECT_EQ(a->nt_response, nt_v2);
  EXPECT_EQ(a->secret_kind(), "ntlmssp_v2");
  EXPECT_EQ(a->principal(), "CORP\\alice");

  const auto v1 = parse_ntlm_authenticate(
      authenticate("", "bob", "", std::string(24, 'l'), std::string(24, 'n'), 0x00000002));
  ASSERT_TRUE(v1);
  EXPECT_EQ(v1->user, "bob");  // OEM: the bytes as they are
  EXPECT_EQ(v1->secret_kind(), "ntlmssp_v1");
  EXPECT_EQ(v1->principal(), "bob");
}

TEST(Ntlmssp, AFieldOutsideTheMessageIsRefused) {
  auto m = authenticate("CORP", "alice", "WS01", "", std::string(24, 'n'));
  EXPECT_TRUE(parse_ntlm_authenticate(m));
  auto beyond = m;
  beyond.replace(36 + 4, 4, le32(m.size()));  // user name's offset at the very end
  EXPECT_FALSE(parse_ntlm_authenticate(beyond));
  auto longer = m;
  longer.replace(20, 2, le16(0xffff));  // NT response longer than the message
  EXPECT_FALSE(parse_ntlm_authenticate(longer));
  EXPECT_FALSE(parse_ntlm_authenticate(m.substr(0, 63)));
  EXPECT_FALSE(parse_ntlm_authenticate(std::string("NTLMSSP\0", 8) + le32(1) + m.substr(12)));
  EXPECT_FALSE(
      parse_ntlm_authenticate("not ntlm at all, not at all, no. not ntlm at all, not at all"));
}

TEST(Ntlmssp, TheChallengeNamesThePersonaAndCarriesTheServerChallenge) {
  const std::string negotiate = std::string("NTLMSSP\0", 8) + le32(1) + le32(0xe2088297);
  const auto client_flags = parse_ntlm_negotiate(negotiate);
  ASSERT_TRUE(client_flags);
  EXPECT_EQ(*client_flags, 0xe2088297u);
  const std::array<std::uint8_t, 8> challenge{1, 2, 3, 4, 5, 6, 7, 8};
  const auto c = ntlm_challenge(
      *client_flags, {"WORKGROUP", "FILESRV", "", "filesrv", windows_filetime(0)}, challenge);
  EXPECT_EQ(ntlm_message_type(c), kNtlmChallenge);
  const auto flags = get32(c, 20);
  EXPECT_TRUE(flags & 0x00000001) << "unicode";
  EXPECT_TRUE(flags & 0x00800000) << "target info";
  EXPECT_TRUE(flags & 0x00080000) << "extended session security, as asked";
  EXPECT_EQ(c.substr(24, 8), "\x01\x02\x03\x04\x05\x06\x07\x08");
  const auto target = c.substr(get32(c, 16), get16(c, 12));
  EXPECT_EQ(target, utf16("FILESRV"));
  const auto info = c.substr(get32(c, 44), get16(c, 40));
  ASSERT_EQ(info.size(), get16(c, 42));
  EXPECT_NE(info.find(le16(2) + le16(18) + utf16("WORKGROUP")), std::string::npos);
  EXPECT_NE(info.find(le16(3) + le16(14) + utf16("filesrv")), std::string::npos);
  EXPECT_NE(info.find(le16(7) + le16(8) + le64(116444736000000000ULL)), std::string::npos);
  EXPECT_EQ(info.substr(info.size() - 4), std::string(4, '\0')) << "ends with MsvAvEOL";
}

const std::string kNtlmOid("\x06\x0a\x2b\x06\x01\x04\x01\x82\x37\x02\x02\x0a", 12);
const std::string kKerberosOid("\x06\x09\x2a\x86\x48\x86\xf7\x12\x01\x02\x02", 11);

std::string neg_token_init(const std::string& mechs, const std::string& token) {
  std::string fields = ber_tlv(0xa0, ber_tlv(0x30, mechs));
  if (!token.empty()) fields += ber_tlv(0xa2, ber_tlv(0x04, token));
  return ber_tlv(0x60,
                 ber_tlv(0x06, "\x2b\x06\x01\x05\x05\x02") + ber_tlv(0xa0, ber_tlv(0x30, fields)));
}

TEST(Spnego, TheClientsTokenIsFoundInEitherFormOrBare) {
  const std::string ntlm = std::string("NTLMSSP\0", 8) + le32(1) + le32(0);
  const auto init = parse_spnego_client_token(neg_token_init(kKerberosOid + kNtlmOid, ntlm));
  ASSERT_TRUE(init);
  EXPECT_TRUE(init->offers_ntlm);
  EXPECT_EQ(init->mech_token, ntlm);

  const auto kerberos_only = parse_spnego_client_token(neg_token_init(kKerberosOid, ""));
  ASSERT_TRUE(kerberos_only);
  EXPECT_FALSE(kerberos_only->offers_ntlm);
  EXPECT_TRUE(kerberos_only->mech_token.empty());

  const auto resp = ber_tlv(0xa1, ber_tlv(0x30, ber_tlv(0xa0, ber_tlv(0x0a, "\x01")) +
                                                    ber_tlv(0xa2, ber_tlv(0x04, ntlm))));
  const auto r = parse_spnego_client_token(resp);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->mech_token, ntlm);

  const auto bare = parse_spnego_client_token(ntlm);
  ASSERT_TRUE(bare);
  EXPECT_EQ(bare->mech_token, ntlm);

  EXPECT_FALSE(parse_spnego_client_token("GET / HTTP/1.1"));
  auto cut = neg_token_init(kNtlmOid, ntlm);
  EXPECT_FALSE(parse_spnego_client_token(cut.substr(0, cut.size() - 3)));
}

TEST(Spnego, TheServersAnswersAreWellFormed) {
  // The offer: GSS header with the SPNEGO OID, one mechanism, NTLMSSP.
  const auto offer = spnego_server_offer();
  EXPECT_EQ(
      offer,
      ber_tlv(0x60, ber_tlv(0x06, "\x2b\x06\x01\x05\x05\x02") +
                        ber_tlv(0xa0, ber_tlv(0x30, ber_tlv(0xa0, ber_tlv(0x30, kNtlmOid))))));
  // A continue carries the CHALLENGE where a client looks for it.
  const auto back = parse_spnego_client_token(spnego_continue("challenge-bytes"));
  ASSERT_TRUE(back);
  EXPECT_EQ(back->mech_token, "challenge-bytes");
  EXPECT_EQ(spnego_reject(), ber_tlv(0xa1, ber_tlv(0x30, ber_tlv(0xa0, ber_tlv(0x0a, "\x02")))));
}

std::string smb1_negotiate(const std::string& dialect_bytes) {
  std::string header("\xffSMB\x72", 5);
  header += std::string(27, '\0');
  return header + '\0' + le16(dialect_bytes.size()) + dialect_bytes;
}

TEST(Smb, AnSmb1OpenerIsReadAndMovedUpToSmb2) {
  const std::string offered("\x02NT LM 0.12\0\x02SMB 2.002\0\x02SMB 2.???\0", 34);
  const auto dialects = parse_smb1_negotiate(smb1_negotiate(offered));
  ASSERT_TRUE(dialects);
  EXPECT_EQ(*dialects, (std::vector<std::string>{"NT LM 0.12", "SMB 2.002", "SMB 2.???"}));
  EXPECT_EQ(smb2_dialect_for_smb1(*dialects), 0x02ff);
  EXPECT_EQ(smb2_dialect_for_smb1({"NT LM 0.12", "SMB 2.002"}), 0x0202);
  EXPECT_EQ(smb2_dialect_for_smb1({"PC NETWORK PROGRAM 1.0", "NT LM 0.12"}), 0);

  EXPECT_FALSE(parse_smb1_negotiate(smb1_negotiate(std::string("\x02NT LM 0.12", 11))))
      << "a dialect without its NUL";
  auto longer = smb1_negotiate(offered);
  longer.replace(33, 2, le16(500));
  EXPECT_FALSE(parse_smb1_negotiate(longer)) << "byte count past the end";
  auto other = smb1_negotiate(offered);
  other[4] = '\x73';
  EXPECT_FALSE(parse_smb1_negotiate(other)) << "a session setup is not a negotiate";
}

std::string smb2_header(std::uint16_t command, std::uint64_t message_id, std::uint16_t credits) {
  return std::string("\xfeSMB", 4) + le16(64) + le16(1) + le32(0) + le16(command) + le16(credits) +
         le32(0) + le32(0) + le64(message_id) + le32(0xfeff) + le32(0) + le64(0) +
         std::string(16, '\0');
}

TEST(Smb, Smb2NegotiateAndSessionSetupAreReadWithEveryOffsetChecked) {
  const auto negotiate = smb2_header(0, 1, 31) + le16(36) + le16(5) + le16(1) + le16(0) +
                         le32(0x7f) + std::string(16, 'g') + le64(0) + le16(0x0202) + le16(0x0210) +
                         le16(0x0300) + le16(0x0302) + le16(0x0311);
  const auto header = parse_smb2_header(negotiate);
  ASSERT_TRUE(header);
  EXPECT_EQ(header->command, kSmb2Negotiate);
  EXPECT_EQ(header->message_id, 1u);
  const auto request = parse_smb2_negotiate(negotiate);
  ASSERT_TRUE(request);
  EXPECT_EQ(request->dialects.size(), 5u);
  EXPECT_EQ(request->client_guid, std::string(16, 'g'));
  EXPECT_EQ(choose_smb2_dialect(request->dialects), 0x0302);
  EXPECT_EQ(choose_smb2_dialect({0x0311}), 0) << "3.1.1 alone is not spoken";
  EXPECT_EQ(smb2_dialect_name(0x0311), "3.1.1");
  EXPECT_EQ(smb2_dialect_name(0x1234), "0x1234");
  EXPECT_FALSE(parse_smb2_negotiate(negotiate.substr(0, negotiate.size() - 3)))
      << "fewer dialects than counted";

  const std::string token = "token";
  const auto setup = smb2_header(1, 2, 1) + le16(25) + '\0' + '\x01' + le32(0) + le32(0) +
                     le16(88) + le16(token.size()) + le64(0) + token;
  const auto blob = parse_smb2_session_setup(setup);
  ASSERT_TRUE(blob);
  EXPECT_EQ(*blob, token);
  auto outside = setup;
  outside.replace(64 + 12, 2, le16(400));
  EXPECT_FALSE(parse_smb2_session_setup(outside));
  EXPECT_FALSE(parse_smb2_header(std::string("\xfeSMB", 4) + std::string(20, '\0')));
}

TEST(Smb, TheAnswersHeaderEchoesTheRequestAndGrantsBoundedCredits) {
  Smb2Header request;
  request.command = kSmb2SessionSetup;
  request.message_id = 7;
  request.credits = 900;
  request.process_id = 0xfeff;
  const auto body = smb2_error_body();
  EXPECT_EQ(body.size(), 9u);
  const auto reply = smb2_response(request, kStatusLogonFailure, 42, body);
  const auto h = parse_smb2_header(reply);
  ASSERT_TRUE(h);
  EXPECT_EQ(h->status, kStatusLogonFailure);
  EXPECT_EQ(h->message_id, 7u);
  EXPECT_EQ(h->session_id, 42u);
  EXPECT_EQ(h->process_id, 0xfeffu);
  EXPECT_EQ(h->credits, 64);
  EXPECT_EQ(h->flags & 1, 1u) << "server to client";

  Smb2Server server;
  server.filetime = windows_filetime(1'700'000'000);
  const auto negotiate = smb2_negotiate_body(0x0302, server, spnego_server_offer());
  EXPECT_EQ(get16(negotiate, 0), 65);
  EXPECT_EQ(get16(negotiate, 4), 0x0302);
  EXPECT_EQ(get16(negotiate, 56), 128) << "the security buffer right after the fixed part";
  EXPECT_EQ(negotiate.substr(64), spnego_server_offer());

  EXPECT_EQ(netbios_frame(0, "abc"), std::string("\0\0\0\x03"
                                                 "abc",
                                                 7));
  const auto frame = parse_netbios_header(std::string("\x00\x01\x00\x02", 4));
  EXPECT_EQ(frame.type, 0);
  EXPECT_EQ(frame.length, 65538u);
}

}  // namespace
}  // namespace decnet::decky
