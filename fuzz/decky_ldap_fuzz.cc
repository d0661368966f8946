// Fuzzes the decky's LDAP reader (BER, RFC 4511): a message's contents either parse or are
// refused, lengths never reach past what is there, a rendered filter stays within its bound, and
// the answers built from what was read are well-formed BER that reads back as the same message id.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "decky/protocol/ldap_message.h"
#include "fuzz_support.h"

using decnet::fuzz::check;
namespace d = decnet::decky;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  if (!input.empty()) {
    const auto first = static_cast<unsigned char>(input[0]);
    const auto more = input.substr(1, d::ldap_length_octets(first));
    if (const auto n = d::ldap_contents_length(first, more)) check(*n <= d::kMaxLdapMessage);
  }
  const auto m = d::parse_ldap_message(input);
  if (!m) return 0;
  std::size_t read = m->extended_name.size();
  if (m->bind) {
    read += m->bind->name.size() + m->bind->password.value_or("").size() +
            m->bind->sasl_mechanism.value_or("").size();
  }
  if (m->search) {
    check(m->search->filter.size() <= d::kMaxFilterText);
    read += m->search->base.size();
    for (const auto& a : m->search->attributes) read += a.size();
  }
  check(read <= input.size());
  // An answer to it: a SEQUENCE whose contents parse back with the same id.
  const auto answer = d::ldap_result(m->id, d::kLdapBindResponse, 49, m->extended_name);
  check(answer.size() >= 2 && static_cast<unsigned char>(answer[0]) == 0x30);
  const auto first = static_cast<unsigned char>(answer[1]);
  const auto extra = d::ldap_length_octets(first);
  const auto length = d::ldap_contents_length(first, std::string_view(answer).substr(2, extra));
  check(length && 2 + extra + *length == answer.size());
  const auto back = d::parse_ldap_message(std::string_view(answer).substr(2 + extra));
  check(back && back->id == m->id && back->op == d::kLdapBindResponse);
  return 0;
}
