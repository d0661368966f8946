// Modbus/TCP as a PLC reads it (Modbus Application Protocol v1.1b3, Modbus Messaging on TCP/IP
// v1.0b): the 7-byte MBAP header, the request's function and what it addresses, and the answers
// a Siemens-looking PLC gives — register and coil reads from a fixed process image, writes
// acknowledged (a decky never drives anything), device identification, exceptions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace decnet::decky {

inline constexpr std::size_t kMbapHeaderBytes = 7;

struct MbapHeader {
  std::uint16_t transaction = 0;
  std::uint16_t length = 0;  // unit id and PDU
  std::uint8_t unit = 0;
};

// Nullopt when the protocol id is not Modbus (0) or the length is outside 2..254.
std::optional<MbapHeader> parse_mbap_header(std::string_view seven_bytes);

struct ModbusRequest {
  std::uint8_t function = 0;
  std::uint16_t address = 0, quantity = 0;
  std::string values;  // what a write carries, raw
  bool write = false;
  std::string_view name() const;  // "read_holding_registers", ..., "other"
};

// The request a PDU carries; nullopt when its fields are cut short. Unknown functions come
// back with only `function` set.
std::optional<ModbusRequest> parse_modbus_request(std::string_view pdu);

struct PlcIdentity {
  std::string vendor = "Siemens";
  std::string product_code = "SIMATIC";
  std::string revision = "V3.0";
  std::string product_name = "S7-200";
  std::string model = "CPU 226";
};

// The answer PDU: data for reads, an echo for writes, identification, or an exception.
std::string modbus_response(const ModbusRequest& request, std::string_view pdu,
                            const PlcIdentity& plc);
// A whole Modbus/TCP message: the MBAP header answering `request_header`, then `pdu`.
std::string mbap_frame(const MbapHeader& request_header, std::string_view pdu);

}  // namespace decnet::decky
