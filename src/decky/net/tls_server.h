// The TLS side of a decky service: the certificate it presents and the OpenSSL context that
// presents it. A certificate given in the service's settings is used as is; otherwise one is
// made for the persona's host name at the first start and kept in the service's state
// directory, so the decky shows the same certificate after a restart, as a real host does.
#pragma once

#include <boost/asio/ssl/context.hpp>
#include <filesystem>
#include <string>

namespace decnet::decky {

class TlsServerContext {
 public:
  // `cert_pem` and `key_pem` empty: the kept (or newly made) self-signed certificate in
  // `state_dir`. Throws std::runtime_error naming what could not be read, made or used.
  TlsServerContext(const std::string& cert_pem, const std::string& key_pem,
                   const std::filesystem::path& state_dir, const std::string& host_name);

  boost::asio::ssl::context& context() { return context_; }

 private:
  boost::asio::ssl::context context_;
};

}  // namespace decnet::decky
