// A real HTTP/1.1 server on 127.0.0.1 for webhook and threat-intel tests: it records every request
// (method, target, headers, exact body) and answers from a script: a status per request (the last
// one repeats), optional extra headers, or a hang that holds the connection open until the test
// releases it or the receiver is destroyed. One thread per connection, kept alive between
// requests as a SIEM's collector would.
#pragma once

#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <condition_variable>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "webhook/host_resolver.h"
#include "webhook/webhook_error.h"

namespace decnet::testing {

// For tests whose URLs are all IP literals: any lookup is an error.
class NoDnsResolver final : public webhook::HostResolver {
 public:
  std::vector<core::IpAddress> resolve(const std::string& host) override {
    throw webhook::WebhookError("URL host '" + host + "' did not resolve (no DNS here)");
  }
};

struct ReceivedRequest {
  std::string method;
  std::string target;
  std::map<std::string, std::string> headers;  // names lower-cased
  std::string body;
  std::chrono::steady_clock::time_point at;
};

struct ScriptedReply {
  int status = 200;
  std::map<std::string, std::string> headers;
  std::string body = "ok";
  bool hang = false;  // never answer (until release_hangs() or destruction)
};

class WebhookReceiver {
 public:
  WebhookReceiver(std::initializer_list<ScriptedReply> script = {ScriptedReply{}})
      : WebhookReceiver(std::vector<ScriptedReply>(script)) {}
  explicit WebhookReceiver(std::vector<ScriptedReply> script) : script_(std::move(script)) {
    listener_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    const int one = 1;
    ::setsockopt(listener_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(listener_, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    ::listen(listener_, 64);
    socklen_t len = sizeof addr;
    ::getsockname(listener_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    acceptor_ = std::thread([this] { accept_loop(); });
  }

  ~WebhookReceiver() {
    stopping_ = true;
    release_hangs();
    ::shutdown(listener_, SHUT_RDWR);
    ::close(listener_);
    acceptor_.join();
    std::vector<std::thread> workers;
    {
      std::lock_guard lock(mu_);
      workers.swap(workers_);
    }
    for (auto& t : workers) t.join();
  }

  int port() const { return port_; }
  // Keep only the first request's headers and body (benchmarks count requests by the 100,000).
  void keep_bodies(bool keep) {
    std::lock_guard lock(mu_);
    keep_bodies_ = keep;
  }
  std::string url(const std::string& path = "/hook") const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
  }

  std::vector<ReceivedRequest> requests() const {
    std::lock_guard lock(mu_);
    return requests_;
  }
  std::size_t count() const {
    std::lock_guard lock(mu_);
    return requests_.size();
  }
  // Requests currently held open by a hanging reply.
  int hanging() const { return hanging_.load(); }

  void release_hangs() {
    std::lock_guard lock(mu_);
    released_ = true;
    release_.notify_all();
  }

 private:
  void accept_loop() {
    while (!stopping_) {
      const int fd = ::accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC);
      if (fd < 0) {
        if (stopping_) return;
        continue;
      }
      std::lock_guard lock(mu_);
      workers_.emplace_back([this, fd] { serve(fd); });
    }
  }

  static std::string lower(std::string s) {
    for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
  }

  void serve(int fd) {
    std::string data;
    while (serve_one(fd, data)) {
    }
    ::close(fd);
  }

  // Reads one request from `data` plus the socket and answers it; false when the connection
  // is over.
  bool serve_one(int fd, std::string& data) {
    char buf[8192];
    std::size_t header_end = std::string::npos;
    std::size_t content_length = 0;
    while (true) {
      if (header_end == std::string::npos) {
        header_end = data.find("\r\n\r\n");
        if (header_end != std::string::npos) {
          const auto cl = lower(data.substr(0, header_end)).find("content-length:");
          if (cl != std::string::npos) content_length = std::stoul(data.substr(cl + 15));
        }
      }
      if (header_end != std::string::npos && data.size() >= header_end + 4 + content_length) break;
      if (stopping_) return false;
      pollfd p{fd, POLLIN, 0};
      if (::poll(&p, 1, 200) <= 0) continue;
      const auto n = ::recv(fd, buf, sizeof buf, 0);
      if (n <= 0) return false;
      data.append(buf, static_cast<std::size_t>(n));
    }
    ReceivedRequest req;
    req.at = std::chrono::steady_clock::now();
    const auto head = data.substr(0, header_end);
    const auto first_end = head.find("\r\n");
    const auto request_line = head.substr(0, first_end);
    const auto sp1 = request_line.find(' ');
    const auto sp2 = request_line.find(' ', sp1 + 1);
    req.method = request_line.substr(0, sp1);
    req.target = request_line.substr(sp1 + 1, sp2 - sp1 - 1);
    std::size_t pos = first_end == std::string::npos ? head.size() : first_end + 2;
    while (pos < head.size()) {
      auto end = head.find("\r\n", pos);
      if (end == std::string::npos) end = head.size();
      const auto line = head.substr(pos, end - pos);
      const auto colon = line.find(':');
      if (colon != std::string::npos) {
        auto value = line.substr(colon + 1);
        value.erase(0, value.find_first_not_of(' '));
        req.headers[lower(line.substr(0, colon))] = value;
      }
      pos = end + 2;
    }
    req.body = data.substr(header_end + 4, content_length);
    data.erase(0, header_end + 4 + content_length);
    const bool close = lower(req.headers["connection"]) == "close";
    ScriptedReply reply;
    {
      std::unique_lock lock(mu_);
      reply = script_[std::min(requests_.size(), script_.size() - 1)];
      if (keep_bodies_ || requests_.empty()) {
        requests_.push_back(std::move(req));
      } else {
        requests_.push_back({req.method, req.target, {}, {}, req.at});
      }
      if (reply.hang) {
        ++hanging_;
        release_.wait(lock, [&] { return released_; });
        --hanging_;
        return false;
      }
    }
    std::string out = "HTTP/1.1 " + std::to_string(reply.status) + " Scripted\r\n";
    for (const auto& [k, v] : reply.headers) out += k + ": " + v + "\r\n";
    out += "Content-Length: " + std::to_string(reply.body.size()) + "\r\n";
    out += close ? "Connection: close\r\n\r\n" : "\r\n";
    out += reply.body;
    ::send(fd, out.data(), out.size(), MSG_NOSIGNAL);
    return !close;
  }

  std::vector<ScriptedReply> script_;
  int listener_ = -1;
  int port_ = 0;
  std::atomic<bool> stopping_{false};
  std::atomic<int> hanging_{0};
  mutable std::mutex mu_;
  std::condition_variable release_;
  bool released_ = false;
  bool keep_bodies_ = true;
  std::vector<ReceivedRequest> requests_;
  std::vector<std::thread> workers_;
  std::thread acceptor_;
};

}  // namespace decnet::testing
