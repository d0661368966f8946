#include "api/http/static_site.h"

#include <zlib.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string_view>

#include "core/hash.h"

namespace decnet::api {
namespace {

namespace fs = std::filesystem;

// The dashboard loads nothing from anywhere but its own origin; inline styles stay allowed
// because React writes computed widths (bar charts) as style attributes.
constexpr const char* kContentSecurityPolicy =
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; connect-src 'self'; font-src 'self'; object-src 'none'; "
    "base-uri 'none'; frame-ancestors 'none'; form-action 'self'";

std::string content_type_for(const fs::path& path) {
  static const std::map<std::string, std::string, std::less<>> kTypes = {
      {".html", "text/html; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"},
      {".mjs", "text/javascript; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".svg", "image/svg+xml"},
      {".png", "image/png"},
      {".ico", "image/x-icon"},
      {".json", "application/json"},
      {".webmanifest", "application/manifest+json"},
      {".woff2", "font/woff2"},
      {".txt", "text/plain; charset=utf-8"},
      {".map", "application/json"},
  };
  const auto it = kTypes.find(path.extension().string());
  return it == kTypes.end() ? "application/octet-stream" : it->second;
}

std::string gzip(std::string_view data) {
  z_stream z{};
  // windowBits 15 + 16: a gzip wrapper rather than zlib's.
  if (deflateInit2(&z, 9, Z_DEFLATED, 15 + 16, 9, Z_DEFAULT_STRATEGY) != Z_OK) return {};
  std::string out(deflateBound(&z, data.size()) + 32, '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  z.avail_in = static_cast<uInt>(data.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  const int rc = deflate(&z, Z_FINISH);
  out.resize(z.total_out);
  deflateEnd(&z);
  return rc == Z_STREAM_END ? out : std::string();
}

std::string_view trimmed(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

// Calls `visit` with each element of a comma-separated header value, trimmed.
template <typename Visit>
void for_each_element(std::string_view value, Visit&& visit) {
  while (!value.empty()) {
    const auto comma = value.find(',');
    if (const auto item = trimmed(value.substr(0, comma)); !item.empty()) visit(item);
    if (comma == std::string_view::npos) break;
    value.remove_prefix(comma + 1);
  }
}

// Accept-Encoding with its weights: "gzip;q=0" refuses gzip, "*" accepts it unless gzip is
// refused by name.
bool accepts_gzip(const Request& request) {
  const auto header = request.header("Accept-Encoding");
  if (!header) return false;
  std::optional<bool> named;
  bool any = false;
  for_each_element(*header, [&](std::string_view item) {
    const auto semi = item.find(';');
    const auto coding = trimmed(item.substr(0, semi));
    bool refused = false;
    if (semi != std::string_view::npos) {
      const auto param = trimmed(item.substr(semi + 1));
      if (param.size() >= 2 && (param[0] == 'q' || param[0] == 'Q') && param[1] == '=') {
        const auto q = trimmed(param.substr(2));
        refused = !q.empty() && q.find_first_not_of("0.") == std::string_view::npos;
      }
    }
    if (iequals(coding, "gzip") || iequals(coding, "x-gzip")) named = !refused;
    if (coding == "*") any = !refused;
  });
  return named.value_or(any);
}

// If-None-Match holds `etag`: "*", or one of the listed tags compared weakly (a W/ prefix is
// ignored), as RFC 9110 asks for this header.
bool none_match(std::string_view header, std::string_view etag) {
  bool matched = false;
  for_each_element(header, [&](std::string_view tag) {
    if (tag.starts_with("W/")) tag.remove_prefix(2);
    matched |= tag == "*" || tag == etag;
  });
  return matched;
}

// The size is checked before reading, so a huge file in a misconfigured directory is refused
// without being read; the read itself stops at the cap too, in case the file grew meanwhile.
std::string read_file(const fs::path& path, std::uintmax_t size, std::size_t max_bytes) {
  if (size > max_bytes) {
    throw std::runtime_error(path.string() + " is larger than " + std::to_string(max_bytes) +
                             " bytes");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path.string());
  std::string data(static_cast<std::size_t>(size), '\0');
  in.read(data.data(), static_cast<std::streamsize>(data.size()));
  data.resize(static_cast<std::size_t>(in.gcount()));
  return data;
}

// Paths the router owns, whatever else is configured.
bool router_path(std::string_view path) {
  return path == "/api" || path.starts_with("/api/") || path == "/metrics" ||
         path.starts_with("/metrics/");
}

// "/assets/app.js" -> "assets/app.js"; nullopt for anything that is not a plain relative path
// of printable segments (dot segments, backslashes, NUL and other controls are refused).
std::optional<std::string> relative_path(std::string_view raw) {
  const auto decoded = percent_decode(raw, false);
  if (decoded.empty() || decoded.front() != '/') return std::nullopt;
  std::string out;
  std::size_t start = 1;
  while (start <= decoded.size()) {
    const auto slash = decoded.find('/', start);
    const auto end = slash == std::string::npos ? decoded.size() : slash;
    const std::string_view segment(decoded.data() + start, end - start);
    if (segment == "." || segment == "..") return std::nullopt;
    for (const char c : segment) {
      if (static_cast<unsigned char>(c) < 0x20 || c == '\\' || c == 0x7f) return std::nullopt;
    }
    if (!segment.empty()) {
      if (!out.empty()) out += '/';
      out += segment;
    }
    if (slash == std::string::npos) break;
    start = slash + 1;
  }
  return out;
}

}  // namespace

fs::path StaticSite::default_root() {
  std::error_code ec;
  const auto exe = fs::read_symlink("/proc/self/exe", ec);
  if (ec) return {};
  return (exe.parent_path() / ".." / ".." / "web").lexically_normal();
}

StaticSite StaticSite::load(const fs::path& root, Limits limits) {
  StaticSite site;
  site.enabled_ = true;
  std::error_code ec;
  if (!fs::is_directory(root, ec)) return site;
  const auto base = fs::canonical(root);
  std::size_t total = 0;
  for (auto it = fs::recursive_directory_iterator(base, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    const auto name = it->path().filename().string();
    if (!name.empty() && name.front() == '.') {
      if (it->is_directory()) it.disable_recursion_pending();
      continue;
    }
    // Symlinks are not followed: the site is exactly the files the build wrote.
    if (it->is_symlink() || !it->is_regular_file()) continue;
    if (site.files_.size() >= limits.max_files) {
      throw std::runtime_error("more than " + std::to_string(limits.max_files) + " files");
    }
    File file;
    file.body = read_file(it->path(), it->file_size(), limits.max_file_bytes);
    total += file.body.size();
    if (total > limits.max_total_bytes) {
      throw std::runtime_error("more than " + std::to_string(limits.max_total_bytes) + " bytes");
    }
    const auto relative = it->path().lexically_relative(base).generic_string();
    file.content_type = content_type_for(it->path());
    const auto digest = core::sha256_hex(file.body).substr(0, 32);
    file.etag = "\"" + digest + "\"";
    // A strong tag names one representation, so the gzip form has its own.
    file.gzip_etag = "\"" + digest + "-gz\"";
    file.immutable = relative.starts_with("assets/");
    if (auto packed = gzip(file.body); !packed.empty() && packed.size() < file.body.size()) {
      file.gzip = std::move(packed);
    }
    site.files_.emplace(relative, std::move(file));
  }
  if (ec) throw std::runtime_error("cannot list " + root.string() + ": " + ec.message());
  return site;
}

Response StaticSite::answer(const File& file, const Request& request) const {
  Response r;
  r.content_type = file.content_type;
  r.headers["Content-Security-Policy"] = kContentSecurityPolicy;
  r.headers["Referrer-Policy"] = "no-referrer";
  r.headers["X-Frame-Options"] = "DENY";
  r.headers["Cache-Control"] = file.immutable ? "public, max-age=31536000, immutable" : "no-cache";
  const bool zipped = !file.gzip.empty() && accepts_gzip(request);
  if (!file.gzip.empty()) r.headers["Vary"] = "Accept-Encoding";
  r.headers["ETag"] = zipped ? file.gzip_etag : file.etag;
  // Either form's tag validates the copy the client holds (both decode to the same bytes); the
  // 304 names the tag that matched, which is the copy it keeps.
  if (const auto match = request.header("If-None-Match")) {
    for (const auto* tag : {&file.etag, &file.gzip_etag}) {
      if (none_match(*match, *tag)) {
        r.status = 304;
        r.content_type.clear();
        r.headers["ETag"] = *tag;
        return r;
      }
    }
  }
  if (zipped) r.headers["Content-Encoding"] = "gzip";
  // HEAD gets the full body too: the server sends the headers (with this length) and drops it.
  r.body = zipped ? file.gzip : file.body;
  return r;
}

std::optional<Response> StaticSite::serve(const Request& request) const {
  if (!enabled_ || (request.method != "GET" && request.method != "HEAD")) return std::nullopt;
  if (router_path(request.path)) return std::nullopt;
  const auto relative = relative_path(request.path);
  // Checked again once decoded, so /%61pi/... is the router's JSON 404 too, not the app.
  if (!relative || router_path("/" + *relative)) return std::nullopt;
  if (!available()) {
    if (!relative->empty() && fs::path(*relative).has_extension()) return std::nullopt;
    return Response::text(404,
                          "<!doctype html><title>DECNET</title><p>The dashboard is not built. "
                          "Run <code>make</code>, or set DECNET_WEB_DIR to a built dashboard.</p>",
                          "text/html; charset=utf-8");
  }
  if (const auto it = files_.find(relative->empty() ? "index.html" : *relative);
      it != files_.end()) {
    return answer(it->second, request);
  }
  // A client-side route (no extension) gets the app; a missing asset is a plain 404.
  if (fs::path(*relative).has_extension()) return std::nullopt;
  return answer(files_.at("index.html"), request);
}

}  // namespace decnet::api
