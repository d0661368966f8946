#include "enrich/http_fetch.h"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <ctime>
#include <mutex>

namespace decnet::enrich {
namespace {

constexpr const char* kUserAgent = "curl/7.88.1";

struct Capture {
  std::string body;
  std::size_t max = 0;
  bool too_large = false;
  std::optional<std::chrono::seconds> retry_after;
};

std::size_t on_body(char* data, std::size_t size, std::size_t count, void* user) {
  auto& c = *static_cast<Capture*>(user);
  const auto n = size * count;
  if (c.body.size() + n > c.max) {
    c.too_large = true;
    return 0;  // aborts the transfer
  }
  c.body.append(data, n);
  return n;
}

std::size_t on_header(char* data, std::size_t size, std::size_t count, void* user) {
  auto& c = *static_cast<Capture*>(user);
  std::string line(data, size * count);
  std::string lower = line;
  for (auto& ch : lower) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  if (lower.rfind("retry-after:", 0) == 0) {
    const auto value = line.substr(12);
    try {
      c.retry_after = std::chrono::seconds(std::stoll(value));
    } catch (const std::exception&) {
      const auto when = curl_getdate(value.c_str(), nullptr);
      if (when > 0)
        c.retry_after = std::chrono::seconds(std::max<long long>(0, when - std::time(nullptr)));
    }
  }
  return size * count;
}

int report_progress(void* user, curl_off_t total, curl_off_t done, curl_off_t, curl_off_t) {
  const auto& callback = *static_cast<const FetchProgress*>(user);
  callback(static_cast<std::uint64_t>(done), static_cast<std::uint64_t>(total));
  return 0;
}

}  // namespace

IntelHttpResponse http_fetch(const std::string& method, const std::string& url,
                             const std::vector<std::string>& headers, const std::string& body,
                             std::chrono::milliseconds timeout, std::size_t max_body,
                             const FetchProgress& on_progress) {
  static std::once_flag init;
  std::call_once(init, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  IntelHttpResponse out;
  CURL* curl = curl_easy_init();
  if (!curl) {
    out.error = "network: libcurl unavailable";
    return out;
  }
  curl_slist* list = nullptr;
  for (const auto& h : headers) list = curl_slist_append(list, h.c_str());
  Capture capture;
  capture.max = max_body;
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_USERAGENT, kUserAgent);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(timeout.count()));
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, list);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &capture);
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &capture);
  if (method == "POST") {
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.c_str());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
  }
  if (on_progress) {
    curl_easy_setopt(curl, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(curl, CURLOPT_XFERINFOFUNCTION, report_progress);
    curl_easy_setopt(curl, CURLOPT_XFERINFODATA, &on_progress);
  }
  const auto code = curl_easy_perform(curl);
  long status = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
  curl_slist_free_all(list);
  curl_easy_cleanup(curl);
  if (capture.too_large) {
    out.error = "parse: response larger than " + std::to_string(max_body) + " bytes";
  } else if (code != CURLE_OK || status == 0) {
    out.error = std::string("network: ") + curl_easy_strerror(code);
  } else {
    out.status = status;
    out.body = std::move(capture.body);
    out.retry_after = capture.retry_after;
  }
  return out;
}

}  // namespace decnet::enrich
