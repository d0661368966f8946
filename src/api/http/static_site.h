// The dashboard's built files, served at / by the API server. Every file is read into memory
// when the API starts (the build is a few hundred KiB), with a gzip copy and a strong ETag, so a
// request can only ever be answered from that fixed set: no path from the client reaches the
// filesystem, and there is nothing to traverse. A path without an extension that names no file
// is a client-side route and gets index.html, so /attackers/<uuid> survives a reload.
#pragma once

#include <cstddef>
#include <filesystem>
#include <map>
#include <optional>
#include <string>

#include "api/http/http_types.h"

namespace decnet::api {

class StaticSite {
 public:
  struct Limits {
    std::size_t max_files = 2048;
    std::size_t max_file_bytes = std::size_t{8} << 20;
    std::size_t max_total_bytes = std::size_t{32} << 20;
  };

  // An empty site: every request falls through to the API's 404.
  StaticSite() = default;
  // Loads `root`. A missing root, or one without index.html, gives a site that answers / with a
  // short page saying the dashboard is not built (and `available()` false); a root over the
  // limits throws std::runtime_error naming the limit.
  static StaticSite load(const std::filesystem::path& root, Limits limits);
  static StaticSite load(const std::filesystem::path& root) { return load(root, Limits{}); }

  // The response for a GET or HEAD of `request`, or nullopt when the site does not serve it
  // (other methods, /api/..., /metrics, a missing file with an extension).
  std::optional<Response> serve(const Request& request) const;

  bool available() const { return files_.contains("index.html"); }
  bool enabled() const { return enabled_; }
  std::size_t file_count() const { return files_.size(); }

  // The directory DECNET_WEB_DIR names: its value, or for an empty value the dashboard built
  // next to the running binary (<build>/src/app/decnet -> <build>/web).
  static std::filesystem::path default_root();

 private:
  struct File {
    std::string body;
    std::string gzip;  // empty when compressing did not make it smaller
    std::string content_type;
    std::string etag;
    std::string gzip_etag;
    bool immutable = false;  // content-hashed names under assets/
  };

  Response answer(const File& file, const Request& request) const;

  std::map<std::string, File, std::less<>> files_;
  bool enabled_ = false;
};

}  // namespace decnet::api
