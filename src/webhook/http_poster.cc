#include "webhook/http_poster.h"

#include <curl/curl.h>

#include <cctype>
#include <mutex>

namespace decnet::webhook {
namespace {

struct Capture {
  std::string excerpt;
  std::optional<std::chrono::seconds> retry_after;
};

std::size_t on_body(char* data, std::size_t size, std::size_t count, void* user) {
  auto& capture = *static_cast<Capture*>(user);
  const auto n = size * count;
  const auto room = kMaxResponseExcerpt - std::min(kMaxResponseExcerpt, capture.excerpt.size());
  capture.excerpt.append(data, std::min(n, room));
  return n;  // the rest is read and discarded, so the connection ends cleanly
}

std::optional<std::chrono::seconds> parse_retry_after(std::string value) {
  while (!value.empty() && std::isspace(static_cast<unsigned char>(value.back()))) value.pop_back();
  while (!value.empty() && std::isspace(static_cast<unsigned char>(value.front()))) {
    value.erase(value.begin());
  }
  if (value.empty()) return std::nullopt;
  if (value.size() <= 9 && std::all_of(value.begin(), value.end(), [](char c) {
        return std::isdigit(static_cast<unsigned char>(c));
      })) {
    return std::chrono::seconds(std::stoll(value));
  }
  const auto when = curl_getdate(value.c_str(), nullptr);  // an HTTP-date
  if (when < 0) return std::nullopt;
  const auto now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  return std::chrono::seconds(std::max<long long>(0, static_cast<long long>(when - now)));
}

std::size_t on_header(char* data, std::size_t size, std::size_t count, void* user) {
  auto& capture = *static_cast<Capture*>(user);
  const std::string_view line(data, size * count);
  constexpr std::string_view kName = "retry-after:";
  if (line.size() > kName.size()) {
    bool same = true;
    for (std::size_t i = 0; i < kName.size() && same; ++i) {
      same = std::tolower(static_cast<unsigned char>(line[i])) == kName[i];
    }
    if (same) capture.retry_after = parse_retry_after(std::string(line.substr(kName.size())));
  }
  return size * count;
}

int on_progress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  const auto* cancel = static_cast<const std::atomic<bool>*>(user);
  return cancel && cancel->load() ? 1 : 0;
}

// One handle per thread: curl_easy_reset() clears the options but keeps the connection cache.
struct ThreadHandle {
  CURL* curl = curl_easy_init();
  ~ThreadHandle() {
    if (curl) curl_easy_cleanup(curl);
  }
};

struct Slist {
  curl_slist* list = nullptr;
  ~Slist() { curl_slist_free_all(list); }
  void add(const std::string& s) { list = curl_slist_append(list, s.c_str()); }
};

}  // namespace

HttpResult http_post(const Destination& destination,
                     const std::map<std::string, std::string>& headers, const std::string& body,
                     std::chrono::milliseconds timeout, const std::atomic<bool>* cancel) {
  static std::once_flag init;
  std::call_once(init, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  HttpResult result;
  thread_local ThreadHandle handle;
  CURL* curl = handle.curl;
  if (!curl) {
    result.error = "internal: libcurl handle unavailable";
    return result;
  }
  curl_easy_reset(curl);
  const auto& url = destination.url;
  Slist resolve;
  if (!url.literal) {
    const auto& ip = destination.addresses.front();
    resolve.add(url.host + ":" + std::to_string(url.port) + ":" +
                (ip.is_v6() ? "[" + ip.str() + "]" : ip.str()));
    curl_easy_setopt(curl, CURLOPT_RESOLVE, resolve.list);
  }
  Slist header_list;
  for (const auto& [name, value] : headers) header_list.add(name + ": " + value);
  header_list.add("Expect:");
  Capture capture;
  char error_buffer[CURL_ERROR_SIZE] = {0};
  const auto full_url = url.str();
  curl_easy_setopt(curl, CURLOPT_URL, full_url.c_str());
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(curl, CURLOPT_PROXY, "");
  curl_easy_setopt(curl, CURLOPT_NOPROXY, "*");
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(timeout.count()));
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(timeout.count()));
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, header_list.list);
  curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.data());
  curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &capture);
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &capture);
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error_buffer);
  curl_easy_setopt(curl, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt(curl, CURLOPT_XFERINFOFUNCTION, on_progress);
  curl_easy_setopt(curl, CURLOPT_XFERINFODATA, cancel);
  const auto start = std::chrono::steady_clock::now();
  const auto code = curl_easy_perform(curl);
  result.latency_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  long status = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
  if (code == CURLE_OK && status > 0) {
    result.status = status;
    result.retry_after = capture.retry_after;
    result.excerpt = std::move(capture.excerpt);
  } else {
    result.error = std::string(curl_easy_strerror(code));
    if (error_buffer[0]) result.error += ": " + std::string(error_buffer);
  }
  return result;
}

}  // namespace decnet::webhook
