// HTTP as an Apache host with a small admin application behind it: a landing page, login forms
// at the paths scanners try (/login, /admin/login, /wp-login.php, /phpmyadmin/, /manager/html
// asks for Basic). Every request is reported with its method, path, headers and the first 512
// bytes of its body; a credential in the Authorization header or a login form is captured with
// its kind. Requests are parsed by Boost.Beast with fixed header and body limits, and every
// login fails. As https, the client's TLS hello is reported first (`tls_client_hello`: JA3, the
// server name it asked for, its ALPN list) and the same application answers over TLS with the
// configured certificate, or one made for the host name at the first start and kept.
#include <boost/beast/http.hpp>
#include <nlohmann/json.hpp>

#include "core/base64.h"
#include "decky/net/tls_server.h"
#include "decky/protocol/http_credentials.h"
#include "decky/protocol/tls_client_hello.h"
#include "decky/services/services.h"

namespace decnet::decky {
namespace {

namespace asio = boost::asio;
namespace http = boost::beast::http;

constexpr std::size_t kHeaderLimit = 16'384;
constexpr std::size_t kBodyLimit = 65'536;
constexpr std::size_t kReadBytes = 16'384;
constexpr int kRequestsPerConnection = 100;

std::string html_escape(std::string_view s) {
  std::string out;
  for (const char c : s) {
    switch (c) {
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '&':
        out += "&amp;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string login_page(std::string_view action, std::string_view title, bool failed) {
  return "<!DOCTYPE html>\n<html><head><title>" + std::string(title) +
         "</title></head><body>\n<h1>" + std::string(title) + "</h1>\n" +
         (failed ? "<p class=\"error\">Invalid username or password.</p>\n" : "") +
         "<form method=\"post\" action=\"" + html_escape(action) +
         "\">\n<label>Username <input name=\"username\"></label>\n"
         "<label>Password <input type=\"password\" name=\"password\"></label>\n"
         "<button type=\"submit\">Sign in</button>\n</form>\n</body></html>\n";
}

std::string not_found(std::string_view path, std::string_view host, int port) {
  return "<!DOCTYPE HTML PUBLIC \"-//IETF//DTD HTML 2.0//EN\">\n<html><head>\n<title>404 Not "
         "Found</title>\n</head><body>\n<h1>Not Found</h1>\n<p>The requested URL " +
         html_escape(path.substr(0, 256)) +
         " was not found on this server.</p>\n<hr>\n<address>Apache/2.4.62 (Debian) Server at " +
         std::string(host) + " Port " + std::to_string(port) + "</address>\n</body></html>\n";
}

class HttpService final : public Service {
 public:
  HttpService(const Persona& persona, const ServiceSettings& s,
              std::unique_ptr<TlsServerContext> tls = nullptr)
      : tls_(std::move(tls)),
        host_(persona.hostname),
        server_(setting(s, "server_header")),
        response_code_(std::stoi(setting(s, "response_code"))),
        fake_app_(setting(s, "fake_app")),
        custom_body_(setting(s, "custom_body")) {
    const auto& extra = setting(s, "extra_headers");
    if (!extra.empty()) {
      const auto parsed = nlohmann::json::parse(extra, nullptr, false);
      if (!parsed.is_object()) {
        throw std::runtime_error("http.extra_headers: expected a JSON object of strings");
      }
      for (const auto& [k, v] : parsed.items()) {
        if (!v.is_string()) {
          throw std::runtime_error("http.extra_headers: expected a JSON object of strings");
        }
        extra_headers_.emplace_back(k, v.get<std::string>());
      }
    }
  }

  asio::awaitable<void> serve(std::shared_ptr<Session> s) override {
    if (tls_) {
      const bool secured = co_await start_tls(*s);
      if (!secured) co_return;
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
      if (!co_await s->write(respond(*s, request, keep))) co_return;
      if (!keep) co_return;
    }
  }

 private:
  // Reports the client's hello, then answers it. A client that speaks no TLS is reported as
  // such and left.
  asio::awaitable<bool> start_tls(Session& s) {
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

  std::string respond(Session& s, const http::request<http::string_body>& req, bool keep) {
    std::vector<std::pair<std::string, std::string>> headers;
    for (const auto& field : req) {
      if (headers.size() >= 64) break;
      headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
    }
    const std::string path(req.target());
    const std::string method(req.method_string());
    const std::string_view body = req.body();
    Fields f{{"method", method},
             {"path", path},
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

    const auto bare = path.substr(0, path.find('?'));
    int status = 404;
    std::string content;
    std::string www_authenticate;
    if (bare == "/manager/html" || bare == "/admin" || bare == "/private") {
      status = 401;
      www_authenticate = "Basic realm=\"Restricted\"";
      content =
          "<html><head><title>401 Unauthorized</title></head><body><h1>Unauthorized</h1>"
          "</body></html>\n";
    } else if (bare == "/login" || bare == "/admin/login" || bare == "/wp-login.php" ||
               bare == "/phpmyadmin/" || bare == "/user/login") {
      status = 200;
      content = login_page(bare, title(), credential.has_value());
    } else if (bare == "/" || bare == "/index.html") {
      status = response_code_;
      content = !custom_body_.empty() ? custom_body_
                : fake_app_ == "none"
                    ? "<!DOCTYPE html>\n<html><head><title>Apache2 Debian Default Page: It "
                      "works</title></head><body><h1>It works!</h1></body></html>\n"
                    : login_page("/login", title(), false);
    } else {
      content = not_found(bare, host_, tls_ ? 443 : 80);
    }
    std::string out = "HTTP/1.1 " + std::to_string(status) + " " +
                      std::string(http::obsolete_reason(static_cast<http::status>(status))) +
                      "\r\nDate: " + http_date() + "\r\nServer: " + server_ + "\r\n";
    if (!www_authenticate.empty()) out += "WWW-Authenticate: " + www_authenticate + "\r\n";
    for (const auto& [k, v] : extra_headers_) {
      out += k;
      out += ": ";
      out += v;
      out += "\r\n";
    }
    out += "Content-Type: text/html; charset=UTF-8\r\nContent-Length: " +
           std::to_string(req.method() == http::verb::head ? 0 : content.size()) +
           (keep ? "\r\nKeep-Alive: timeout=5, max=100\r\nConnection: Keep-Alive\r\n\r\n"
                 : "\r\nConnection: close\r\n\r\n");
    if (req.method() != http::verb::head) out += content;
    return out;
  }

  std::string title() const {
    if (fake_app_ == "wordpress") return "Log In &lsaquo; WordPress";
    if (fake_app_ == "phpmyadmin") return "phpMyAdmin";
    if (fake_app_ == "tomcat") return "Apache Tomcat";
    if (fake_app_ == "jenkins") return "Sign in [Jenkins]";
    return "Administration";
  }

  static std::string http_date() {
    char buf[64];
    const std::time_t now = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&now, &tm);
    std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S GMT", &tm);
    return buf;
  }

  std::unique_ptr<TlsServerContext> tls_;
  std::string host_;
  std::string server_;
  int response_code_;
  std::string fake_app_;
  std::string custom_body_;
  std::vector<std::pair<std::string, std::string>> extra_headers_;
};

}  // namespace

std::unique_ptr<Service> make_http_service(const Persona& persona,
                                           const ServiceSettings& settings) {
  return std::make_unique<HttpService>(persona, settings);
}

std::unique_ptr<Service> make_https_service(const Persona& persona,
                                            const ServiceSettings& settings) {
  return std::make_unique<HttpService>(
      persona, settings,
      std::make_unique<TlsServerContext>(setting(settings, "tls_cert"),
                                         setting(settings, "tls_key"),
                                         setting(settings, "state_dir"), persona.hostname));
}

}  // namespace decnet::decky
