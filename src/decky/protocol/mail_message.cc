#include "decky/protocol/mail_message.h"

#include <algorithm>
#include <utility>

#include "core/hash.h"
#include "core/json_text.h"
#include "core/text.h"

namespace decnet::decky {
namespace {

constexpr std::size_t kMaxHeaders = 256;
constexpr std::size_t kMaxHeaderValue = 8192;
constexpr int kMaxDepth = 5;
constexpr std::size_t kMaxParts = 128;
constexpr std::size_t kMaxUrl = 2048;
constexpr std::string_view kBlanks = " \t\r";

using Headers = std::vector<std::pair<std::string, std::string>>;

struct Part {
  Headers headers;
  std::string_view body;
};

// The header block (unfolded, names lowercased) and the body after its blank line.
Part split(std::string_view text) {
  Part p;
  while (!text.empty()) {
    const auto end = text.find('\n');
    auto line = text.substr(0, end);
    text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) break;
    if ((line.front() == ' ' || line.front() == '\t') && !p.headers.empty()) {
      auto& value = p.headers.back().second;
      if (value.size() < kMaxHeaderValue) value += " " + std::string(core::trim(line, kBlanks));
      continue;
    }
    const auto colon = line.find(':');
    if (colon == std::string_view::npos || p.headers.size() >= kMaxHeaders) continue;
    p.headers.emplace_back(
        core::ascii_lower(core::trim(line.substr(0, colon), kBlanks)),
        std::string(core::trim(line.substr(colon + 1), kBlanks).substr(0, kMaxHeaderValue)));
  }
  p.body = text;
  return p;
}

std::string header(const Headers& headers, std::string_view name) {
  for (const auto& [k, v] : headers) {
    if (k == name) return v;
  }
  return {};
}

// The value's first token ("multipart/mixed" of "multipart/mixed; boundary=x"), lowercased.
std::string token(std::string_view value) {
  return core::ascii_lower(core::trim(value.substr(0, value.find(';')), kBlanks));
}

// A parameter of a structured header value (name="v" or name=v), name matched without case.
std::string parameter(std::string_view value, std::string_view name) {
  std::size_t at = value.find(';');
  while (at != std::string_view::npos) {
    auto rest = value.substr(at + 1);
    const auto eq = rest.find('=');
    if (eq == std::string_view::npos) return {};
    const auto key = core::ascii_lower(core::trim(rest.substr(0, eq), kBlanks));
    rest = core::trim(rest.substr(eq + 1), kBlanks);
    std::string v;
    std::size_t next;
    if (!rest.empty() && rest.front() == '"') {
      std::size_t i = 1;
      for (; i < rest.size() && rest[i] != '"'; ++i) {
        if (rest[i] == '\\' && i + 1 < rest.size()) ++i;
        v += rest[i];
      }
      next = rest.find(';', i);
    } else {
      next = rest.find(';');
      v = std::string(core::trim(rest.substr(0, next), kBlanks));
    }
    if (key == name) return v.substr(0, 512);
    if (next == std::string_view::npos) return {};
    at = static_cast<std::size_t>(rest.data() - value.data()) + next;
  }
  return {};
}

int base64_value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

// Mail bodies wrap base64 and sometimes carry stray characters; everything else is skipped.
std::string decode_base64_lenient(std::string_view text) {
  std::string out;
  out.reserve(text.size() * 3 / 4);
  std::uint32_t bits = 0;
  int count = 0;
  for (const char c : text) {
    const int v = base64_value(c);
    if (v < 0) continue;
    bits = (bits << 6) | static_cast<std::uint32_t>(v);
    if (++count == 4) {
      out += static_cast<char>(bits >> 16);
      out += static_cast<char>(bits >> 8);
      out += static_cast<char>(bits);
      bits = 0;
      count = 0;
    }
  }
  if (count == 2) out += static_cast<char>(bits >> 4);
  if (count == 3) {
    out += static_cast<char>(bits >> 10);
    out += static_cast<char>(bits >> 2);
  }
  return out;
}

std::string decode_quoted_printable(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '=') {
      out += text[i];
      continue;
    }
    if (i + 1 < text.size() && (text[i + 1] == '\r' || text[i + 1] == '\n')) {  // soft break
      i += text[i + 1] == '\r' && i + 2 < text.size() && text[i + 2] == '\n' ? 2 : 1;
      continue;
    }
    const int hi = i + 2 < text.size() ? core::hex_digit_value(text[i + 1]) : -1;
    const int lo = hi >= 0 ? core::hex_digit_value(text[i + 2]) : -1;
    if (lo < 0) {
      out += '=';
      continue;
    }
    out += static_cast<char>(hi * 16 + lo);
    i += 2;
  }
  return out;
}

std::string decode(const Headers& headers, std::string_view body) {
  const auto encoding = token(header(headers, "content-transfer-encoding"));
  if (encoding == "base64") return decode_base64_lenient(body);
  if (encoding == "quoted-printable") return decode_quoted_printable(body);
  return std::string(body);
}

bool macro_carrier(const std::string& filename, std::string_view content) {
  static constexpr std::string_view kMacroExtensions[] = {
      ".docm", ".dotm", ".xlsm", ".xltm", ".xlam", ".pptm", ".potm", ".ppsm", ".sldm"};
  const auto name = core::ascii_lower(filename);
  for (const auto ext : kMacroExtensions) {
    if (name.ends_with(ext)) return true;
  }
  return content.find("vbaProject.bin") != std::string_view::npos ||
         (content.starts_with("\xd0\xcf\x11\xe0") &&
          content.find("_VBA_PROJECT") != std::string_view::npos);
}

bool encrypted_container(std::string_view content) {
  // A ZIP entry whose general-purpose flags say encrypted, or a PDF with an encryption
  // dictionary.
  if (content.size() >= 8 && content.starts_with("PK\x03\x04")) {
    return (static_cast<unsigned char>(content[6]) & 1) != 0;
  }
  return content.starts_with("%PDF") && content.find("/Encrypt") != std::string_view::npos;
}

void collect_urls(std::string_view text, std::vector<std::string>& urls) {
  const auto lower = core::ascii_lower(text);
  std::size_t at = 0;
  while (urls.size() < kMaxMailUrls) {
    const auto http = lower.find("http", at);
    if (http == std::string::npos) return;
    std::size_t start = http;
    const auto scheme_end = lower.compare(http, 7, "http://") == 0    ? http + 7
                            : lower.compare(http, 8, "https://") == 0 ? http + 8
                                                                      : std::string::npos;
    if (scheme_end == std::string::npos) {
      at = http + 4;
      continue;
    }
    std::size_t end = scheme_end;
    while (end < text.size() && end - start < kMaxUrl) {
      const char c = text[end];
      if (static_cast<unsigned char>(c) <= ' ' || c == '"' || c == '\'' || c == '<' || c == '>' ||
          c == '(' || c == ')' || c == '[' || c == ']') {
        break;
      }
      ++end;
    }
    at = end;
    if (end == scheme_end) continue;
    std::string url(text.substr(start, end - start));
    if (std::find(urls.begin(), urls.end(), url) == urls.end()) urls.push_back(std::move(url));
  }
}

class Walker {
 public:
  explicit Walker(MailMessage& out) : out_(out) {}

  void walk(std::string_view text, int depth) {
    if (depth > kMaxDepth || ++parts_ > kMaxParts) return;
    const auto part = split(text);
    const auto content_type = header(part.headers, "content-type");
    const auto type = content_type.empty() ? std::string("text/plain") : token(content_type);
    if (type.starts_with("multipart/")) {
      const auto boundary = parameter(content_type, "boundary");
      if (!boundary.empty()) {
        for (const auto child : children(part.body, boundary)) walk(child, depth + 1);
        return;
      }
    }
    if (type == "message/rfc822") {
      walk(decode(part.headers, part.body), depth + 1);
      return;
    }
    const auto disposition = header(part.headers, "content-disposition");
    auto filename = parameter(disposition, "filename");
    if (filename.empty()) filename = parameter(content_type, "name");
    const auto content = decode(part.headers, part.body);
    if (!filename.empty() || token(disposition) == "attachment") {
      if (out_.attachments.size() >= kMaxMailAttachments) return;
      MailAttachment a;
      a.filename = filename;
      a.content_type = type;
      a.size = content.size();
      if (!content.empty()) a.sha256 = core::sha256_hex(content);
      a.macro_indicator = macro_carrier(filename, content);
      a.encrypted = encrypted_container(content);
      out_.attachments.push_back(std::move(a));
    } else if (type.starts_with("text/")) {
      collect_urls(content, out_.urls);
    }
  }

 private:
  // The parts between "--boundary" lines, up to the closing "--boundary--".
  static std::vector<std::string_view> children(std::string_view body,
                                                const std::string& boundary) {
    std::vector<std::string_view> out;
    const std::string delimiter = "--" + boundary;
    std::size_t at = body.starts_with(delimiter) ? 0 : body.find("\n" + delimiter);
    while (at != std::string_view::npos && out.size() < kMaxParts) {
      const auto line_start = body[at] == '\n' ? at + 1 : at;
      const auto after = line_start + delimiter.size();
      if (body.substr(after, 2) == "--") break;
      const auto content = body.find('\n', after);
      if (content == std::string_view::npos) break;
      const auto next = body.find("\n" + delimiter, content);
      auto child = body.substr(content + 1, next == std::string_view::npos ? std::string_view::npos
                                                                           : next - content - 1);
      if (!child.empty() && child.back() == '\r') child.remove_suffix(1);
      out.push_back(child);
      at = next;
    }
    return out;
  }

  MailMessage& out_;
  std::size_t parts_ = 0;
};

}  // namespace

MailMessage parse_mail_message(std::string_view raw) {
  MailMessage m;
  const auto top = split(raw);
  m.subject = header(top.headers, "subject").substr(0, 512);
  m.from = header(top.headers, "from").substr(0, 256);
  m.to = header(top.headers, "to").substr(0, 512);
  m.date = header(top.headers, "date").substr(0, 64);
  m.message_id = header(top.headers, "message-id").substr(0, 256);
  m.return_path = header(top.headers, "return-path").substr(0, 256);
  m.x_mailer = header(top.headers, "x-mailer").substr(0, 256);
  m.content_type = token(header(top.headers, "content-type")).substr(0, 128);
  m.dkim_signed = !header(top.headers, "dkim-signature").empty();
  Walker(m).walk(raw, 0);
  return m;
}

std::string attachments_json(const std::vector<MailAttachment>& attachments) {
  std::string out = "[";
  for (const auto& a : attachments) {
    if (out.size() > 1) out += ',';
    out += "{\"filename\":";
    core::append_json_string(out, a.filename);
    out += ",\"content_type\":";
    core::append_json_string(out, a.content_type);
    out += ",\"size\":" + std::to_string(a.size) + ",\"sha256\":";
    core::append_json_string(out, a.sha256);
    out += ",\"macro_indicator\":";
    out += a.macro_indicator ? "true" : "false";
    out += ",\"encrypted\":";
    out += a.encrypted ? "true" : "false";
    out += '}';
  }
  return out + "]";
}

}  // namespace decnet::decky
