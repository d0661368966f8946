// SIP (RFC 3261) requests as a PBX reads them off UDP, and the responses it sends back: the
// request line, the headers a response must copy (every Via, From, To, Call-ID, CSeq; compact
// names such as v: and f: understood), the User-Agent scanners name themselves in, and the
// Authorization a digest login answers with. Bounded: at most 64 headers, 8 KiB a line.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace decnet::decky {

struct SipRequest {
  std::string method, uri;
  std::vector<std::string> via;  // in order, top first
  std::string from, to, call_id, cseq, user_agent, contact;
  std::string authorization;  // Authorization or Proxy-Authorization, whichever came
};

// Nullopt when the start line is not a SIP/2.0 request or a header a response needs is
// missing.
std::optional<SipRequest> parse_sip_request(std::string_view message);

using SipHeaders = std::vector<std::pair<std::string, std::string>>;

// A response to `request`: the top Via marked with where the request really came from
// (received=, and rport= when the client asked, RFC 3581), a To tag added, then `extra`.
std::string sip_response(const SipRequest& request, int code, std::string_view reason,
                         const SipHeaders& extra, std::string_view source_ip,
                         std::uint16_t source_port, std::string_view to_tag);

}  // namespace decnet::decky
