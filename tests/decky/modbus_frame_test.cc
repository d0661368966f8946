// Modbus/TCP as the specification lays it out, built here byte by byte: the MBAP header, reads
// answered from the PLC's fixed process image (the same values twice), writes acknowledged by
// echo, device identification naming the PLC, and the exceptions a real PLC gives for an
// unknown function, a quantity out of range or an address past the end.
#include "decky/protocol/modbus_frame.h"

#include <gtest/gtest.h>

namespace decnet::decky {
namespace {

std::string pdu(std::initializer_list<int> bytes) {
  std::string out;
  for (const int b : bytes) out += static_cast<char>(b);
  return out;
}

std::string answer(const std::string& request) {
  const auto r = parse_modbus_request(request);
  EXPECT_TRUE(r);
  return r ? modbus_response(*r, request, PlcIdentity{}) : std::string();
}

TEST(ModbusFrame, TheMbapHeaderIsReadAndWritten) {
  const auto h = parse_mbap_header(pdu({0x12, 0x34, 0, 0, 0, 6, 0x01}));
  ASSERT_TRUE(h);
  EXPECT_EQ(h->transaction, 0x1234);
  EXPECT_EQ(h->length, 6);
  EXPECT_EQ(h->unit, 1);
  EXPECT_FALSE(parse_mbap_header(pdu({0x12, 0x34, 0, 1, 0, 6, 0x01}))) << "protocol id 1";
  EXPECT_FALSE(parse_mbap_header(pdu({0x12, 0x34, 0, 0, 1, 0, 0x01}))) << "length 256";
  EXPECT_FALSE(parse_mbap_header(pdu({0x12, 0x34, 0, 0, 0, 1, 0x01}))) << "no function";
  EXPECT_EQ(mbap_frame(*h, pdu({0x83, 0x02})), pdu({0x12, 0x34, 0, 0, 0, 3, 0x01, 0x83, 0x02}));
}

TEST(ModbusFrame, ReadsComeFromAFixedProcessImage) {
  const auto registers = answer(pdu({0x03, 0x00, 0x10, 0x00, 0x03}));
  ASSERT_EQ(registers.size(), 2u + 6u);
  EXPECT_EQ(registers.substr(0, 2), pdu({0x03, 6}));
  EXPECT_EQ(registers, answer(pdu({0x03, 0x00, 0x10, 0x00, 0x03}))) << "the same values again";
  // A read of one register further along starts where the first left off.
  EXPECT_EQ(answer(pdu({0x03, 0x00, 0x11, 0x00, 0x01})).substr(2), registers.substr(4, 2));
  const auto coils = answer(pdu({0x01, 0x00, 0x00, 0x00, 0x0a}));
  EXPECT_EQ(coils.size(), 2u + 2u) << "ten coils in two bytes";
  EXPECT_EQ(coils[1], 2);
}

TEST(ModbusFrame, WritesAreEchoedAndChangeNothing) {
  const auto before = answer(pdu({0x03, 0x00, 0x09, 0x00, 0x01}));
  const auto write = pdu({0x06, 0x00, 0x09, 0x10, 0xe1});
  const auto r = parse_modbus_request(write);
  ASSERT_TRUE(r);
  EXPECT_TRUE(r->write);
  EXPECT_EQ(r->name(), "write_single_register");
  EXPECT_EQ(r->values, pdu({0x10, 0xe1}));
  EXPECT_EQ(answer(write), write);
  EXPECT_EQ(answer(pdu({0x03, 0x00, 0x09, 0x00, 0x01})), before);
  const auto many = pdu({0x10, 0x00, 0x00, 0x00, 0x02, 0x04, 0, 1, 0, 2});
  EXPECT_EQ(answer(many), many.substr(0, 5));
  EXPECT_EQ(answer(pdu({0x10, 0x00, 0x00, 0x00, 0x02, 0x02, 0, 1})), pdu({0x90, 0x03}))
      << "byte count does not match the quantity";
  EXPECT_EQ(answer(pdu({0x05, 0x00, 0x01, 0x12, 0x34})), pdu({0x85, 0x03})) << "coil not on/off";
  EXPECT_FALSE(parse_modbus_request(pdu({0x10, 0x00, 0x00, 0x00, 0x02, 0x04, 0, 1})))
      << "fewer value bytes than counted";
}

TEST(ModbusFrame, ExceptionsAndIdentificationAreAsAPlcGivesThem) {
  EXPECT_EQ(answer(pdu({0x03, 0x00, 0x00, 0x00, 0x00})), pdu({0x83, 0x03})) << "quantity 0";
  EXPECT_EQ(answer(pdu({0x03, 0x00, 0x00, 0x00, 126})), pdu({0x83, 0x03})) << "over 125";
  EXPECT_EQ(answer(pdu({0x03, 0xff, 0xff, 0x00, 0x02})), pdu({0x83, 0x02})) << "past the end";
  EXPECT_EQ(answer(pdu({0x42})), pdu({0xc2, 0x01}));
  const auto id = answer(pdu({0x2b, 0x0e, 0x01, 0x00}));
  EXPECT_EQ(id.substr(0, 7), pdu({0x2b, 0x0e, 0x01, 0x82, 0, 0, 3}));
  EXPECT_NE(id.find(pdu({0x00, 7}) + "Siemens"), std::string::npos);
  EXPECT_NE(id.find(pdu({0x02, 4}) + "V3.0"), std::string::npos);
  EXPECT_NE(answer(pdu({0x2b, 0x0e, 0x02, 0x00})).find("CPU 226"), std::string::npos);
  EXPECT_NE(answer(pdu({0x11})).find("Siemens SIMATIC S7-200"), std::string::npos);
  EXPECT_FALSE(parse_modbus_request(pdu({0x03, 0x00})));
}

}  // namespace
}  // namespace decnet::decky
