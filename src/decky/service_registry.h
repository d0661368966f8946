// Every service a decky can run: its name, the TCP ports it listens on by default, the field
// its lines name the attacker's address with, its configuration fields (the reference's
// ServiceConfigField schema: what the fleet API validates and the dashboard renders), and how
// to build it. Services of the reference that this decky does not emulate yet are listed with
// no builder, so a fleet can name them and a decky refuses them by name.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "decky/service.h"

namespace decnet::decky {

enum class FieldType { kString, kPassword, kInt, kBool, kTextarea, kEnum, kMultiEnum };

struct ServiceConfigField {
  std::string key;
  std::string label;
  FieldType type = FieldType::kString;
  std::string default_value;  // multi_enum: comma-separated
  bool secret = false;
  std::string help;
  std::vector<std::string> choices;  // enum, multi_enum
};

using ServiceFactory =
    std::function<std::unique_ptr<Service>(const Persona&, const ServiceSettings&)>;
using DatagramFactory =
    std::function<std::unique_ptr<DatagramService>(const Persona&, const ServiceSettings&)>;

struct ServiceSpec {
  std::string name;
  std::vector<std::uint16_t> ports;
  std::string ip_field = "src";
  std::vector<ServiceConfigField> fields;
  ServiceFactory make;            // empty: not emulated by this decky over TCP
  DatagramFactory make_datagram;  // a UDP service
  bool emulated() const { return make || make_datagram; }
};

class ServiceConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

const std::vector<ServiceSpec>& service_registry();
const ServiceSpec* find_service(std::string_view name);

// The settings a service runs with: every field's default, overridden by `given` after the
// reference's validation (empty values dropped; "b64:" textareas decoded; ints, booleans
// (true/1/yes/on, false/0/no/off), enums and comma-separated multi-enums checked). Throws
// ServiceConfigError "<service>.<key>: <why>" for a bad value or an unknown key.
ServiceSettings validate_service_settings(const ServiceSpec& spec,
                                          const std::map<std::string, std::string>& given);

std::string_view field_type_name(FieldType type);

}  // namespace decnet::decky
