// Mail as spam and phishing kits send it: nested multipart with a base64 attachment, a
// quoted-printable text part with links, a forwarded message inside, folded headers; the
// attachment's hash is of its decoded bytes, macro-carrying and encrypted containers are
// flagged, and the manifest is the JSON the master reads.
#include "decky/protocol/mail_message.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "core/base64.h"
#include "core/hash.h"

namespace decnet::decky {
namespace {

std::string crlf(std::string text) {
  std::string out;
  for (const char c : text) {
    if (c == '\n') out += '\r';
    out += c;
  }
  return out;
}

const std::string kInvoice = std::string("PK\x03\x04\x14\x00\x01\x00", 8) + "encrypted-zip-body";
const std::string kMacro = "fake docm with word/vbaProject.bin inside";

std::string phishing_mail() {
  return crlf(
      "Return-Path: <bounce@mailer.example.net>\n"
      "From: \"Accounts\" <billing@corp-invoices.example.com>\n"
      "To: victim@example.org\n"
      "Subject: Invoice\n overdue\n"
      "Message-ID: <abc@mailer.example.net>\n"
      "X-Mailer: PHPMailer 6.1\n"
      "DKIM-Signature: v=1; a=rsa-sha256\n"
      "MIME-Version: 1.0\n"
      "Content-Type: multipart/mixed; boundary=\"outer\"\n\n"
      "preamble\n"
      "--outer\n"
      "Content-Type: multipart/alternative; boundary=inner\n\n"
      "--inner\n"
      "Content-Type: text/plain; charset=utf-8\n"
      "Content-Transfer-Encoding: quoted-printable\n\n"
      "Pay at https://pay.example.com/inv?id=3D7 now, or http://198.51.100.9/x.=\n"
      "exe\n"
      "--inner\n"
      "Content-Type: text/html\n\n"
      "<a href=\"https://pay.example.com/inv?id=7\">pay</a>\n"
      "--inner--\n"
      "--outer\n"
      "Content-Type: application/zip; name=\"invoice.zip\"\n"
      "Content-Transfer-Encoding: base64\n"
      "Content-Disposition: attachment; filename=\"invoice.zip\"\n\n" +
      core::base64_encode(kInvoice).insert(8, "\n") +
      "\n"
      "--outer\n"
      "Content-Type: application/vnd.ms-word.document.macroEnabled.12\n"
      "Content-Disposition: attachment; filename=report.docm\n"
      "Content-Transfer-Encoding: base64\n\n" +
      core::base64_encode(kMacro) +
      "\n"
      "--outer--\n"
      "epilogue\n");
}

TEST(MailMessage, ReadsHeadersAttachmentsAndUrls) {
  const auto m = parse_mail_message(phishing_mail());
  EXPECT_EQ(m.subject, "Invoice overdue");
  EXPECT_EQ(m.from, "\"Accounts\" <billing@corp-invoices.example.com>");
  EXPECT_EQ(m.to, "victim@example.org");
  EXPECT_EQ(m.return_path, "<bounce@mailer.example.net>");
  EXPECT_EQ(m.x_mailer, "PHPMailer 6.1");
  EXPECT_EQ(m.content_type, "multipart/mixed");
  EXPECT_TRUE(m.dkim_signed);
  ASSERT_EQ(m.attachments.size(), 2u);
  EXPECT_EQ(m.attachments[0].filename, "invoice.zip");
  EXPECT_EQ(m.attachments[0].content_type, "application/zip");
  EXPECT_EQ(m.attachments[0].size, kInvoice.size());
  EXPECT_EQ(m.attachments[0].sha256, core::sha256_hex(kInvoice));
  EXPECT_TRUE(m.attachments[0].encrypted);
  EXPECT_FALSE(m.attachments[0].macro_indicator);
  EXPECT_EQ(m.attachments[1].filename, "report.docm");
  EXPECT_EQ(m.attachments[1].sha256, core::sha256_hex(kMacro));
  EXPECT_TRUE(m.attachments[1].macro_indicator);
  EXPECT_EQ(m.urls, (std::vector<std::string>{"https://pay.example.com/inv?id=7",
                                              "http://198.51.100.9/x.exe"}));
}

TEST(MailMessage, ManifestIsTheJsonTheMasterReads) {
  const auto m = parse_mail_message(phishing_mail());
  const auto manifest = nlohmann::json::parse(attachments_json(m.attachments));
  ASSERT_EQ(manifest.size(), 2u);
  EXPECT_EQ(manifest[1]["filename"], "report.docm");
  EXPECT_EQ(manifest[1]["sha256"], core::sha256_hex(kMacro));
  EXPECT_EQ(manifest[1]["size"], kMacro.size());
  EXPECT_EQ(manifest[1]["macro_indicator"], true);
  EXPECT_EQ(manifest[0]["encrypted"], true);
  EXPECT_EQ(attachments_json({}), "[]");
}

TEST(MailMessage, PlainMailAndHostileStructureStayBounded) {
  const auto plain = parse_mail_message(crlf("Subject: hi\n\nsee http://a.example/\n"));
  EXPECT_EQ(plain.subject, "hi");
  EXPECT_TRUE(plain.attachments.empty());
  EXPECT_EQ(plain.urls, std::vector<std::string>{"http://a.example/"});

  // Nesting far deeper than the bound, and more attachments than are listed.
  std::string deep;
  for (int i = 0; i < 50; ++i) {
    deep += "Content-Type: multipart/mixed; boundary=b" + std::to_string(i) + "\n\n--b" +
            std::to_string(i) + "\n";
  }
  EXPECT_TRUE(parse_mail_message(crlf(deep)).attachments.empty());
  std::string many = "Content-Type: multipart/mixed; boundary=x\n\n";
  for (int i = 0; i < 100; ++i) {
    many += "--x\nContent-Disposition: attachment; filename=f" + std::to_string(i) + "\n\nz\n";
  }
  many += "--x--\n";
  EXPECT_EQ(parse_mail_message(crlf(many)).attachments.size(), kMaxMailAttachments);
  EXPECT_TRUE(parse_mail_message("").attachments.empty());
}

}  // namespace
}  // namespace decnet::decky
