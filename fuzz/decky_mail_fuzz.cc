// Fuzzes the decky's reader of mail given after DATA: any bytes give a description within its
// bounds, and the manifest it makes is one JSON list.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "decky/protocol/mail_message.h"
#include "fuzz_support.h"

using decnet::fuzz::check;
namespace d = decnet::decky;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const auto m = d::parse_mail_message(input);
  check(m.attachments.size() <= d::kMaxMailAttachments && m.urls.size() <= d::kMaxMailUrls);
  check(m.subject.size() <= 512 && m.from.size() <= 256 && m.content_type.size() <= 128);
  for (const auto& a : m.attachments) {
    check(a.sha256.empty() == (a.size == 0) && a.size <= size);
  }
  for (const auto& u : m.urls) check(u.size() <= 2048 + 8);
  const auto manifest = d::attachments_json(m.attachments);
  check(manifest.front() == '[' && manifest.back() == ']');
  return 0;
}
