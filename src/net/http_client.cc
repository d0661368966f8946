#include "net/http_client.h"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <mutex>

namespace decnet::net {
namespace {

struct Capture {
  const HttpRequest* request = nullptr;
  std::string body;
  bool truncated = false;
  bool too_large = false;
  std::optional<std::chrono::seconds> retry_after;
};

std::size_t on_body(char* data, std::size_t size, std::size_t count, void* user) {
  auto& c = *static_cast<Capture*>(user);
  const auto n = size * count;
  const auto room = c.request->max_body - std::min(c.request->max_body, c.body.size());
  if (n > room) {
    if (!c.request->truncate_body) {
      c.too_large = true;
      return 0;  // aborts the transfer
    }
    c.truncated = true;
  }
  c.body.append(data, std::min(n, room));
  return n;  // what is over the cap is read and dropped, so the connection ends cleanly
}

std::size_t on_header(char* data, std::size_t size, std::size_t count, void* user) {
  auto& c = *static_cast<Capture*>(user);
  const std::string_view line(data, size * count);
  constexpr std::string_view kName = "retry-after:";
  if (line.size() > kName.size() &&
      std::equal(kName.begin(), kName.end(), line.begin(),
                 [](char a, char b) { return a == std::tolower(static_cast<unsigned char>(b)); })) {
    c.retry_after = parse_retry_after(line.substr(kName.size()), std::time(nullptr));
  }
  return size * count;
}

int on_progress(void* user, curl_off_t total, curl_off_t done, curl_off_t, curl_off_t) {
  const auto& request = *static_cast<const HttpRequest*>(user);
  if (request.cancel && request.cancel->load()) return 1;
  if (request.progress) {
    request.progress(static_cast<std::uint64_t>(done), static_cast<std::uint64_t>(total));
  }
  return 0;
}

// A thread's handle: curl_easy_reset() clears the options but keeps the connection cache.
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

std::optional<std::chrono::seconds> parse_retry_after(std::string_view value, std::time_t now) {
  while (!value.empty() && std::isspace(static_cast<unsigned char>(value.back()))) {
    value.remove_suffix(1);
  }
  while (!value.empty() && std::isspace(static_cast<unsigned char>(value.front()))) {
    value.remove_prefix(1);
  }
  if (value.empty()) return std::nullopt;
  if (std::all_of(value.begin(), value.end(),
                  [](char c) { return std::isdigit(static_cast<unsigned char>(c)); })) {
    if (value.size() > 9) return std::nullopt;  // more than 30 years: not a delay anyone means
    return std::chrono::seconds(std::stoll(std::string(value)));
  }
  const auto when = curl_getdate(std::string(value).c_str(), nullptr);
  if (when < 0) return std::nullopt;
  return std::chrono::seconds(std::max<long long>(0, static_cast<long long>(when - now)));
}

HttpResponse http_request(const HttpRequest& request) {
  static std::once_flag init;
  std::call_once(init, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  HttpResponse out;
  thread_local ThreadHandle kept;
  CURL* curl = nullptr;
  if (request.reuse_connection) {
    curl = kept.curl;
    if (curl) curl_easy_reset(curl);
  } else {
    curl = curl_easy_init();
  }
  if (!curl) {
    out.error = "libcurl handle unavailable";
    return out;
  }
  Slist resolve;
  if (request.pinned) {
    const auto& pin = *request.pinned;
    const bool v6 = pin.address.find(':') != std::string::npos;
    resolve.add(pin.host + ":" + std::to_string(pin.port) + ":" +
                (v6 ? "[" + pin.address + "]" : pin.address));
    curl_easy_setopt(curl, CURLOPT_RESOLVE, resolve.list);
  }
  if (!request.use_environment_proxy) {
    curl_easy_setopt(curl, CURLOPT_PROXY, "");
    curl_easy_setopt(curl, CURLOPT_NOPROXY, "*");
  }
  Slist headers;
  for (const auto& [name, value] : request.headers) {
    std::string line = name;
    line += ": ";
    line += value;
    headers.add(line);
  }
  if (request.method == "POST") headers.add("Expect:");
  Capture capture;
  capture.request = &request;
  char error_buffer[CURL_ERROR_SIZE] = {0};
  curl_easy_setopt(curl, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  if (!request.user_agent.empty()) {
    curl_easy_setopt(curl, CURLOPT_USERAGENT, request.user_agent.c_str());
  }
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(request.timeout.count()));
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(request.timeout.count()));
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers.list);
  if (request.method == "POST") {
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, request.body.data());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE,
                     static_cast<curl_off_t>(request.body.size()));
  }
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &capture);
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &capture);
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error_buffer);
  if (request.cancel || request.progress) {
    curl_easy_setopt(curl, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(curl, CURLOPT_XFERINFOFUNCTION, on_progress);
    curl_easy_setopt(curl, CURLOPT_XFERINFODATA, &request);
  }
  const auto start = std::chrono::steady_clock::now();
  const auto code = curl_easy_perform(curl);
  out.latency_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  long status = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
  if (!request.reuse_connection) curl_easy_cleanup(curl);
  if (capture.too_large) {
    out.too_large = true;
    out.error = "response larger than " + std::to_string(request.max_body) + " bytes";
  } else if (code == CURLE_OK && status > 0) {
    out.status = status;
    out.body = std::move(capture.body);
    out.body_truncated = capture.truncated;
    out.retry_after = capture.retry_after;
  } else {
    out.error = curl_easy_strerror(code);
    if (error_buffer[0]) out.error += std::string(": ") + error_buffer;
  }
  return out;
}

}  // namespace decnet::net
