// The credentials an HTTP request carries, classified as the reference's HTTP deckies do: the
// Authorization header first (Basic -> plaintext user and password; Bearer or Token ->
// http_bearer with no principal; Digest -> http_digest_md5 with the response as the secret),
// then a urlencoded login form (the first of the usual user and password field names).
// Pure functions over the request's text, fuzzed with the request parser.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace decnet::decky {

struct HttpCredential {
  std::optional<std::string> principal;
  std::string secret_kind;  // plaintext, http_bearer, http_digest_md5
  std::string secret;
};

std::optional<HttpCredential> classify_authorization(std::string_view header);
// One parameter of a Digest challenge or answer (what follows "Digest "): k="v" or k=v,
// comma-separated, names compared without case. HTTP and SIP share the form.
std::optional<std::string> digest_param(std::string_view params, std::string_view name);
std::optional<HttpCredential> form_credentials(std::string_view body,
                                               std::string_view content_type);
// application/x-www-form-urlencoded decoding of one key or value ('+' is a space).
std::string url_decode(std::string_view text);
// Python's json.dumps of a str -> str mapping, in the given order (the `headers` field).
std::string headers_json(const std::vector<std::pair<std::string, std::string>>& headers);

}  // namespace decnet::decky
