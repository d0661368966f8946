// HTTP as an Apache host with a small admin application behind it: a landing page, login forms
// at the paths scanners try (/login, /admin/login, /wp-login.php, /phpmyadmin/, /manager/html
// asks for Basic). Every request and credential is reported by HttpServer; every login fails.
// As https, the client's TLS hello is reported first and the same site answers over TLS with
// the configured certificate, or one made for the host name (tls_cn) at the first start and
// kept.
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "decky/net/tls_server.h"
#include "decky/services/http_server.h"
#include "decky/services/services.h"

namespace decnet::decky {
namespace {

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

class WebSite final : public HttpServer {
 public:
  WebSite(const Persona& persona, const ServiceSettings& s,
          std::unique_ptr<TlsServerContext> tls = nullptr)
      : HttpServer(setting(s, "server_header"), std::move(tls), TlsMode::kAlways),
        host_(persona.hostname),
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

 private:
  Answer answer(Session& s, const Request& req, bool credential) override {
    const auto bare = path_of(req);
    Answer a;
    a.status = 404;
    if (bare == "/manager/html" || bare == "/admin" || bare == "/private") {
      a.status = 401;
      a.headers.emplace_back("WWW-Authenticate", "Basic realm=\"Restricted\"");
      a.body =
          "<html><head><title>401 Unauthorized</title></head><body><h1>Unauthorized</h1>"
          "</body></html>\n";
    } else if (bare == "/login" || bare == "/admin/login" || bare == "/wp-login.php" ||
               bare == "/phpmyadmin/" || bare == "/user/login") {
      a.status = 200;
      a.body = login_page(bare, title(), credential);
    } else if (bare == "/" || bare == "/index.html") {
      a.status = response_code_;
      a.body = !custom_body_.empty() ? custom_body_
               : fake_app_ == "none"
                   ? "<!DOCTYPE html>\n<html><head><title>Apache2 Debian Default Page: It "
                     "works</title></head><body><h1>It works!</h1></body></html>\n"
                   : login_page("/login", title(), false);
    } else {
      a.body = not_found(bare, host_, secured(s) ? 443 : 80);
    }
    return a;
  }

  std::string title() const {
    if (fake_app_ == "wordpress") return "Log In &lsaquo; WordPress";
    if (fake_app_ == "phpmyadmin") return "phpMyAdmin";
    if (fake_app_ == "tomcat") return "Apache Tomcat";
    if (fake_app_ == "jenkins") return "Sign in [Jenkins]";
    return "Administration";
  }

  std::string host_;
  int response_code_;
  std::string fake_app_;
  std::string custom_body_;
};

}  // namespace

std::unique_ptr<Service> make_http_service(const Persona& persona,
                                           const ServiceSettings& settings) {
  return std::make_unique<WebSite>(persona, settings);
}

std::unique_ptr<Service> make_https_service(const Persona& persona,
                                            const ServiceSettings& settings) {
  const auto& cn = setting(settings, "tls_cn");
  return std::make_unique<WebSite>(
      persona, settings,
      std::make_unique<TlsServerContext>(
          setting(settings, "tls_cert"), setting(settings, "tls_key"),
          setting(settings, "state_dir"), cn.empty() ? persona.hostname : cn));
}

}  // namespace decnet::decky
