#include "decky/protocol/modbus_frame.h"

#include "decky/protocol/byte_order.h"

namespace decnet::decky {
namespace {

enum Function : std::uint8_t {
  kReadCoils = 0x01,
  kReadDiscreteInputs = 0x02,
  kReadHoldingRegisters = 0x03,
  kReadInputRegisters = 0x04,
  kWriteSingleCoil = 0x05,
  kWriteSingleRegister = 0x06,
  kWriteMultipleCoils = 0x0f,
  kWriteMultipleRegisters = 0x10,
  kReportServerId = 0x11,
  kEncapsulatedInterface = 0x2b,
};

enum Exception : std::uint8_t {
  kIllegalFunction = 0x01,
  kIllegalDataAddress = 0x02,
  kIllegalDataValue = 0x03,
};

constexpr std::uint8_t kReadDeviceId = 0x0e;

std::string exception(std::uint8_t function, std::uint8_t code) {
  return {static_cast<char>(function | 0x80), static_cast<char>(code)};
}

// The process image a read sees: fixed, plausible, the same on every read.
std::uint16_t register_at(std::uint32_t address) {
  return static_cast<std::uint16_t>((address * 2654435761U >> 20) % 1000 + 100);
}
bool coil_at(std::uint32_t address) {
  return ((address * 40503U) >> 7) & 1;
}

std::string read_bits(const ModbusRequest& r) {
  std::string bytes((r.quantity + 7) / 8, '\0');
  for (std::uint32_t i = 0; i < r.quantity; ++i) {
    if (coil_at(r.address + i)) bytes[i / 8] = static_cast<char>(bytes[i / 8] | (1 << (i % 8)));
  }
  return std::string{static_cast<char>(r.function), static_cast<char>(bytes.size())} + bytes;
}

std::string read_registers(const ModbusRequest& r) {
  std::string out{static_cast<char>(r.function), static_cast<char>(2 * r.quantity)};
  for (std::uint32_t i = 0; i < r.quantity; ++i) append_be16(out, register_at(r.address + i));
  return out;
}

std::string device_identification(std::string_view pdu, const PlcIdentity& plc) {
  if (pdu.size() < 4 || static_cast<std::uint8_t>(pdu[1]) != kReadDeviceId) {
    return exception(kEncapsulatedInterface, kIllegalFunction);
  }
  const auto code = static_cast<std::uint8_t>(pdu[2]);
  if (code < 1 || code > 4) return exception(kEncapsulatedInterface, kIllegalDataValue);
  const std::string objects[] = {plc.vendor, plc.product_code, plc.revision,
                                 "",         plc.product_name, plc.model};
  const std::size_t count = code == 1 ? 3 : 6;  // basic, or regular and above
  std::string list;
  int n = 0;
  for (std::size_t id = 0; id < count; ++id) {
    if (objects[id].empty()) continue;
    list += static_cast<char>(id);
    list += static_cast<char>(objects[id].size());
    list += objects[id];
    ++n;
  }
  return std::string{static_cast<char>(kEncapsulatedInterface),
                     static_cast<char>(kReadDeviceId),
                     static_cast<char>(code),
                     '\x82',
                     '\0',
                     '\0',
                     static_cast<char>(n)} +
         list;
}

}  // namespace

std::optional<MbapHeader> parse_mbap_header(std::string_view b) {
  if (b.size() != kMbapHeaderBytes || read_be16(b, 2) != 0) return std::nullopt;
  MbapHeader h;
  h.transaction = read_be16(b, 0);
  h.length = read_be16(b, 4);
  h.unit = static_cast<std::uint8_t>(b[6]);
  if (h.length < 2 || h.length > 254) return std::nullopt;
  return h;
}

std::string_view ModbusRequest::name() const {
  switch (function) {
    case kReadCoils:
      return "read_coils";
    case kReadDiscreteInputs:
      return "read_discrete_inputs";
    case kReadHoldingRegisters:
      return "read_holding_registers";
    case kReadInputRegisters:
      return "read_input_registers";
    case kWriteSingleCoil:
      return "write_single_coil";
    case kWriteSingleRegister:
      return "write_single_register";
    case kWriteMultipleCoils:
      return "write_multiple_coils";
    case kWriteMultipleRegisters:
      return "write_multiple_registers";
    case kReportServerId:
      return "report_server_id";
    case kEncapsulatedInterface:
      return "read_device_identification";
    default:
      return "other";
  }
}

std::optional<ModbusRequest> parse_modbus_request(std::string_view pdu) {
  if (pdu.empty()) return std::nullopt;
  ModbusRequest r;
  r.function = static_cast<std::uint8_t>(pdu[0]);
  switch (r.function) {
    case kReadCoils:
    case kReadDiscreteInputs:
    case kReadHoldingRegisters:
    case kReadInputRegisters:
      if (pdu.size() < 5) return std::nullopt;
      r.address = read_be16(pdu, 1);
      r.quantity = read_be16(pdu, 3);
      return r;
    case kWriteSingleCoil:
    case kWriteSingleRegister:
      if (pdu.size() < 5) return std::nullopt;
      r.address = read_be16(pdu, 1);
      r.quantity = 1;
      r.values = std::string(pdu.substr(3, 2));
      r.write = true;
      return r;
    case kWriteMultipleCoils:
    case kWriteMultipleRegisters: {
      if (pdu.size() < 6) return std::nullopt;
      r.address = read_be16(pdu, 1);
      r.quantity = read_be16(pdu, 3);
      const std::size_t bytes = static_cast<unsigned char>(pdu[5]);
      if (pdu.size() < 6 + bytes) return std::nullopt;
      r.values = std::string(pdu.substr(6, bytes));
      r.write = true;
      return r;
    }
    default:
      return r;
  }
}

std::string modbus_response(const ModbusRequest& r, std::string_view pdu, const PlcIdentity& plc) {
  const bool bits = r.function == kReadCoils || r.function == kReadDiscreteInputs ||
                    r.function == kWriteMultipleCoils;
  switch (r.function) {
    case kReadCoils:
    case kReadDiscreteInputs:
    case kReadHoldingRegisters:
    case kReadInputRegisters:
    case kWriteMultipleCoils:
    case kWriteMultipleRegisters: {
      const std::uint32_t most = bits ? (r.write ? 1968 : 2000) : (r.write ? 123 : 125);
      if (r.quantity < 1 || r.quantity > most) return exception(r.function, kIllegalDataValue);
      if (std::uint32_t{r.address} + r.quantity > 0x10000) {
        return exception(r.function, kIllegalDataAddress);
      }
      if (r.write) {
        const std::size_t expected = bits ? (r.quantity + 7) / 8 : 2u * r.quantity;
        if (r.values.size() != expected) return exception(r.function, kIllegalDataValue);
        return std::string(pdu.substr(0, 5));  // function, address, quantity
      }
      return bits ? read_bits(r) : read_registers(r);
    }
    case kWriteSingleCoil: {
      const auto v = read_be16(r.values, 0);
      if (v != 0x0000 && v != 0xff00) return exception(r.function, kIllegalDataValue);
      return std::string(pdu.substr(0, 5));
    }
    case kWriteSingleRegister:
      return std::string(pdu.substr(0, 5));
    case kReportServerId: {
      const std::string id = plc.vendor + " " + plc.product_code + " " + plc.product_name;
      return std::string{static_cast<char>(kReportServerId), static_cast<char>(id.size() + 2),
                         '\x01', '\xff'} +
             id;
    }
    case kEncapsulatedInterface:
      return device_identification(pdu, plc);
    default:
      return exception(r.function, kIllegalFunction);
  }
}

std::string mbap_frame(const MbapHeader& h, std::string_view pdu) {
  std::string out;
  append_be16(out, h.transaction);
  append_be16(out, 0);
  append_be16(out, static_cast<std::uint32_t>(pdu.size() + 1));
  out += static_cast<char>(h.unit);
  return out + std::string(pdu);
}

}  // namespace decnet::decky
