// A mail message as an SMTP decky reads what it was given after DATA: the headers an analyst
// searches by (subject, From, To, Date, Message-ID, Return-Path, X-Mailer, whether it is
// DKIM-signed), the attachments of its MIME tree with their decoded size and SHA-256 and two
// warning signs (a macro-carrying Office file, an encrypted archive or PDF), and the URLs in its
// text. Bounded everywhere: header count and size, nesting depth, part count, attachments and
// URLs listed; nothing is executed or kept.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace decnet::decky {

struct MailAttachment {
  std::string filename;
  std::string content_type;
  std::uint64_t size = 0;
  std::string sha256;  // of the decoded content; empty when there is none
  bool macro_indicator = false;
  bool encrypted = false;
};

struct MailMessage {
  std::string subject, from, to, date, message_id, return_path, x_mailer, content_type;
  bool dkim_signed = false;
  std::vector<MailAttachment> attachments;
  std::vector<std::string> urls;
};

inline constexpr std::size_t kMaxMailAttachments = 32;
inline constexpr std::size_t kMaxMailUrls = 64;

// `raw`: the message with CRLF line ends, dot-stuffing already undone.
MailMessage parse_mail_message(std::string_view raw);

// The attachments as the master's manifest reads them: a compact JSON list of
// {filename, content_type, size, sha256, macro_indicator, encrypted}.
std::string attachments_json(const std::vector<MailAttachment>& attachments);

}  // namespace decnet::decky
