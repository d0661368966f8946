// Fuzzes the decky's Modbus/TCP reader and its answers: the MBAP header, any PDU read as a
// request, and the response to it, which never reads outside the PDU and stays within what a
// Modbus/TCP frame can carry.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "decky/protocol/modbus_frame.h"
#include "fuzz_support.h"

using decnet::fuzz::check;
namespace d = decnet::decky;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  if (size < d::kMbapHeaderBytes) return 0;
  const auto header = d::parse_mbap_header(input.substr(0, d::kMbapHeaderBytes));
  if (header) check(header->length >= 2 && header->length <= 254);
  const auto pdu = input.substr(d::kMbapHeaderBytes);
  if (const auto r = d::parse_modbus_request(pdu)) {
    check(r->values.size() <= pdu.size());
    const auto answer = d::modbus_response(*r, pdu, {});
    check(!answer.empty() && answer.size() <= 253);
    if (header) check(d::mbap_frame(*header, answer).size() == answer.size() + 7);
  }
  return 0;
}
