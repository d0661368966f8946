// Fuzzes what the decky's HTTP service does with a request before answering it: Boost.Beast's
// request parser with the service's header and body limits, then the credential classifier
// over the Authorization header and a urlencoded body, and the headers' JSON rendering. A secret
// found is part of the input; the JSON never holds a raw control byte.
#include <boost/beast/http.hpp>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "decky/protocol/http_credentials.h"
#include "fuzz_support.h"

namespace http = boost::beast::http;
using decnet::fuzz::check;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  // The classifiers alone, on raw text.
  if (const auto c = decnet::decky::classify_authorization(input)) {
    check(c->secret.size() <= input.size());
  }
  if (const auto f = decnet::decky::form_credentials(input, "application/x-www-form-urlencoded")) {
    check(f->secret.size() <= input.size());
  }
  http::request_parser<http::string_body> parser;
  parser.header_limit(16 * 1024);
  parser.body_limit(64 * 1024);
  boost::beast::error_code ec;
  parser.put(boost::asio::buffer(input.data(), input.size()), ec);
  if (ec || !parser.is_done()) return 0;
  const auto& req = parser.get();
  std::vector<std::pair<std::string, std::string>> headers;
  for (const auto& field : req) {
    headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
  }
  const auto json = decnet::decky::headers_json(headers);
  for (const char c : json) check(static_cast<unsigned char>(c) >= 0x20 || c == 0);
  if (const auto auth = req.find(http::field::authorization); auth != req.end()) {
    const auto v = auth->value();
    decnet::decky::classify_authorization(std::string_view(v.data(), v.size()));
  }
  decnet::decky::form_credentials(req.body(), "application/x-www-form-urlencoded");
  return 0;
}
