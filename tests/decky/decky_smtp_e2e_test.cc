// A phishing mail sent to the decky's SMTP service with curl, which builds the MIME message
// itself: the master gets the message described (subject, the URL in its text) and each
// attachment in its observed attachments by the SHA-256 of the file curl read, its extension
// and the mail's subject.
#include <gtest/gtest.h>

#include <fstream>

#include "core/hash.h"
#include "decky_run.h"

namespace decnet::testing {
namespace {

TEST(SmtpEndToEnd, AttachmentsOfAMailReachTheMasterByTheirHash) {
  const int smtp_port = free_port();
  RelpMaster master;
  ASSERT_TRUE(master.ready()) << master.output();
  TempDir dir;
  DeckyRun decky(dir, master.relp_port(), "decky-mail", "smtp",
                 {"smtp.ports=" + std::to_string(smtp_port)}, smtp_port);
  ASSERT_TRUE(decky.ready()) << decky.child().output();

  const auto file = dir.path() / "Invoice_0042.docm";
  const std::string content = "PK fake office file, word/vbaProject.bin, " + std::string(3000, 'x');
  std::ofstream(file, std::ios::binary) << content;
  const auto sent = run_command({"curl",
                                 "-sS",
                                 "--max-time",
                                 "10",
                                 "smtp://127.0.0.1:" + std::to_string(smtp_port),
                                 "--mail-from",
                                 "billing@invoices.example.com",
                                 "--mail-rcpt",
                                 "victim@corp.example.org",
                                 "-H",
                                 "Subject: Overdue invoice 0042",
                                 "-H",
                                 "From: billing@invoices.example.com",
                                 "-F",
                                 "=(;type=multipart/alternative",
                                 "-F",
                                 "=Pay now at https://pay.example.net/i/0042",
                                 "-F",
                                 "=)",
                                 "-F",
                                 "=@" + file.string() + ";type=application/octet-stream"});
  ASSERT_EQ(sent.status, 0) << sent.output;

  EXPECT_TRUE(wait_until(
      [&] {
        return sqlite_int(master.db(),
                          "SELECT count(*) FROM observed_attachments WHERE sha256 = '" +
                              core::sha256_hex(content) +
                              "' AND instr(extensions, '\".docm\"') > 0 AND first_subject = "
                              "'Overdue invoice 0042'")
                   .value_or(0) == 1;
      },
      std::chrono::seconds(30)))
      << sqlite_value(master.db(),
                      "SELECT group_concat(sha256 || ' ' || extensions) "
                      "FROM observed_attachments")
             .value_or("none");
  EXPECT_TRUE(wait_until(
      [&] {
        return sqlite_int(master.db(),
                          "SELECT count(*) FROM logs WHERE service = 'smtp' AND event_type = "
                          "'message_stored' AND json_extract(fields, '$.urls_json') LIKE "
                          "'%https://pay.example.net/i/0042%' AND json_extract(fields, "
                          "'$.attachment_count') = '1'")
                   .value_or(0) == 1;
      },
      std::chrono::seconds(30)));
}

}  // namespace
}  // namespace decnet::testing
