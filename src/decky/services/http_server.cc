#include "decky/services/http_server.h"

#include <boost/beast/http.hpp>
#include <ctime>

#include "core/base64.h"
#include "decky/net/tls_server.h"
#include "decky/protocol/http_credentials.h"
#include "decky/protocol/tls_client_hello.h"

namespace decnet::decky {
namespace {

namespace asio = boost::asio;
namespace http = boost::beast::http;

constexpr std::size_t kHeaderLimit = 16'384;
constexpr std::size_t kBodyLimit = 65'536;
constexpr std::size_t kReadBytes = 16'384;
constexpr int kRequestsPerConnection = 100;
constexpr unsigned char kTlsHandshake = 0x16;

std::string http_date() {
  char buf[64];
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S GMT", &tm);
  return buf;
}

}  // namespace

std::string path_of(const HttpServer::Request& req) {
  const std::string target(req.target());
  return target.substr(0, target.find('?'));
}

HttpServer::HttpServer(std::string server_header, std::unique_ptr<TlsServerContext> tls,
                       TlsMode mode)
    : server_(std::move(server_header)),
      tls_(std::move(tls)),
      mode_(tls_ ? mode : TlsMode::kNever) {}

HttpServer::~HttpServer() = default;

bool HttpServer::secured(const Session& s) const {
  return s.tls();
}

asio::awaitable<void> HttpServer::serve(std::shared_ptr<Session> s) {
  if (mode_ != TlsMode::kNever) {
    bool offered = mode_ == TlsMode::kAlways;
    if (!offered) {
      const auto first = co_await s->peek(1);
      if (first.empty()) co_return;
      offered = static_cast<unsigned char>(first[0]) == kTlsHandshake;
    }
    if (offered) {
      const bool ok = co_await start_tls(*s);
      if (!ok) co_return;
    }
  }
  std::string pending;
  for (int served = 0; served < kRequestsPerConnection && s->open(); ++served) {
    http::request_parser<http::string_body> parser;
    parser.header_limit(kHeaderLimit);
    parser.body_limit(kBodyLimit);
    boost::beast::error_code ec;
    while (!parser.is_done()) {
      if (pending.empty()) {
        pending = co_await s->read_some(kReadBytes);
        if (pending.empty()) co_return;
      }
      const auto used = parser.put(asio::buffer(pending), ec);
      pending.erase(0, used);
      if (ec == http::error::need_more) {
        ec = {};
        if (used == 0) {
          auto more = co_await s->read_some(kReadBytes);
          if (more.empty()) co_return;
          pending += more;
        }
        continue;
      }
      if (ec) break;
    }
    if (ec) {
      s->emit("bad_request", {{"error", ec.message()}});
      co_await s->write(
          "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
      co_return;
    }
    auto request = parser.release();
    const bool keep = request.keep_alive();
    const bool credential = report(*s, request);
    const auto out = render(request, answer(*s, request, credential), keep);
    const bool sent = co_await s->write(out);
    if (!sent || !keep) co_return;
  }
}

// Reports the client's hello, then answers it. A client that speaks no TLS where TLS is
// required is reported as such and left.
asio::awaitable<bool> HttpServer::start_tls(Session& s) {
  const auto head = co_await s.peek(5);
  const auto size = tls_record_size(head);
  if (!size) {
    if (!head.empty()) s.emit("not_tls", {{"first_bytes_b64", core::base64_encode(head)}});
    co_return false;
  }
  const auto record = co_await s.peek(*size);
  if (const auto hello = parse_tls_client_hello(record)) {
    std::string alpn;
    for (const auto& p : hello->alpn) alpn += (alpn.empty() ? "" : ",") + p;
    s.emit("tls_client_hello", {{"ja3", hello->ja3},
                                {"ja3_string", hello->ja3_string},
                                {"sni", hello->server_name},
                                {"alpn", alpn}});
  }
  const bool ok = co_await s.start_tls(*tls_);
  if (!ok) s.emit("tls_handshake_failed", {});
  co_return ok;
}

bool HttpServer::report(Session& s, const Request& req) {
  Headers headers;
  for (const auto& field : req) {
    if (headers.size() >= 64) break;
    headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
  }
  const std::string_view body = req.body();
  Fields f{{"method", std::string(req.method_string())},
           {"path", std::string(req.target())},
           {"remote_addr", s.peer_ip()},
           {"headers", headers_json(headers)},
           {"body", std::string(body.substr(0, 512))}};
  std::optional<HttpCredential> credential;
  if (const auto auth = req.find(http::field::authorization); auth != req.end()) {
    const auto v = auth->value();
    credential = classify_authorization(std::string_view(v.data(), v.size()));
  }
  if (!credential && req.method() == http::verb::post) {
    if (const auto type = req.find(http::field::content_type); type != req.end()) {
      const auto v = type->value();
      credential = form_credentials(body, std::string_view(v.data(), v.size()));
    }
  }
  if (credential) {
    const auto secret = encode_secret(credential->secret);
    if (credential->principal) f.emplace_back("principal", *credential->principal);
    f.emplace_back("secret_kind", credential->secret_kind);
    f.emplace_back("secret_printable", secret.printable);
    f.emplace_back("secret_b64", secret.b64);
  }
  s.emit("request", std::move(f));
  return credential.has_value();
}

std::string HttpServer::render(const Request& req, const Answer& a, bool keep) const {
  const bool head = req.method() == http::verb::head;
  const bool empty = a.status == 204 || a.status == 304;
  std::string out = "HTTP/1.1 " + std::to_string(a.status) + " " +
                    std::string(http::obsolete_reason(static_cast<http::status>(a.status))) +
                    "\r\nDate: " + http_date() + "\r\n";
  if (!server_.empty()) out += "Server: " + server_ + "\r\n";
  for (const auto& headers : {&a.headers, &extra_headers_}) {
    for (const auto& [k, v] : *headers) {
      out += k;
      out += ": ";
      out += v;
      out += "\r\n";
    }
  }
  if (!empty) {
    out += "Content-Type: " + a.content_type +
           "\r\nContent-Length: " + std::to_string(head ? 0 : a.body.size()) + "\r\n";
  }
  out += keep ? "Keep-Alive: timeout=5, max=100\r\nConnection: Keep-Alive\r\n\r\n"
              : "Connection: close\r\n\r\n";
  if (!head && !empty) out += a.body;
  return out;
}

}  // namespace decnet::decky
