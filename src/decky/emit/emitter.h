// What a decky service calls to report an interaction: the record becomes the reference's
// syslog line (syslog_line.h), goes into the outbox (spool.h) and wakes the uplink. Values are
// cut to a bound first, so that no attacker input can make a line the master would refuse.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "decky/emit/spool.h"
#include "decky/protocol/syslog_line.h"

namespace decnet::decky {

class Emitter {
 public:
  // Longest value kept (bytes); longer ones are cut. Lines stay under the master's default
  // limit of 64 KiB whatever the field count.
  static constexpr std::size_t kMaxValueBytes = 4096;
  static constexpr std::size_t kMaxLineBytes = 61'440;

  Emitter(std::string decky_name, Spool& spool, std::function<void()> on_append = {})
      : decky_(std::move(decky_name)), spool_(spool), on_append_(std::move(on_append)) {}

  void emit(std::string_view service, std::string_view event_type, Fields fields,
            Severity severity = Severity::kInfo, std::string msg = {});

  const std::string& decky_name() const { return decky_; }
  std::uint64_t emitted() const { return emitted_; }

 private:
  std::string decky_;
  Spool& spool_;
  std::function<void()> on_append_;
  std::uint64_t emitted_ = 0;
};

// `fields` with the peer's address in `ip_field` (first, unless the service placed it: HTTP's
// remote_addr sits after the method and path, as the reference's lines have it) and src_port
// right after it.
Fields stamp_peer(Fields fields, std::string_view ip_field, const std::string& ip,
                  std::uint16_t port);

// The fields of a captured credential, in the reference's order after the service's own:
// username, principal, then outcome and secret_kind when given (plaintext is the default kind),
// then secret_printable and secret_b64.
void append_credential(Fields& fields, std::string_view username, std::string_view secret,
                       std::string_view secret_kind = {}, std::string_view outcome = {});
// A secret with no principal (an SNMP community, a bearer token): outcome and kind when given,
// then secret_printable and secret_b64.
void append_secret(Fields& fields, std::string_view secret, std::string_view secret_kind,
                   std::string_view outcome = {});

}  // namespace decnet::decky
