// What every web-shaped decky service shares: TLS (always, never, or when the client's first
// byte says it speaks it, as a port serving both does), the request loop on Boost.Beast with
// fixed header and body limits, and the `request` line each request becomes — method, path,
// headers, the first 512 bytes of the body, and any credential in the Authorization header or
// a login form with its kind. An application (the Apache host and its admin pages, the Docker
// Engine API, Elasticsearch, the Kubernetes API server) only decides the answer.
#pragma once

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "decky/service.h"

namespace decnet::decky {

class TlsServerContext;

class HttpServer : public Service {
 public:
  using Request = boost::beast::http::request<boost::beast::http::string_body>;
  using Headers = std::vector<std::pair<std::string, std::string>>;
  enum class TlsMode { kNever, kAlways, kWhenOffered };

  struct Answer {
    int status = 200;
    std::string content_type = "text/html; charset=UTF-8";
    std::string body;
    Headers headers;  // beyond Date, Server, Content-Type, Content-Length and Connection
  };

  HttpServer(std::string server_header, std::unique_ptr<TlsServerContext> tls, TlsMode mode);
  ~HttpServer() override;

  boost::asio::awaitable<void> serve(std::shared_ptr<Session> s) final;

 protected:
  // The application's answer; `credential`: the request carried one (already reported).
  virtual Answer answer(Session& s, const Request& req, bool credential) = 0;
  bool secured(const Session& s) const;

  Headers extra_headers_;  // sent with every answer

 private:
  boost::asio::awaitable<bool> start_tls(Session& s);
  bool report(Session& s, const Request& req);
  std::string render(const Request& req, const Answer& a, bool keep) const;

  std::string server_;
  std::unique_ptr<TlsServerContext> tls_;
  TlsMode mode_;
};

// "/v1.43/containers/json?all=1" -> "/containers/json": the path without its query.
std::string path_of(const HttpServer::Request& req);

}  // namespace decnet::decky
