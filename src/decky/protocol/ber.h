// BER (X.690) as the decky's LDAP and SNMP read and write it: definite lengths of at most four
// octets only, every length checked against what is there and against the caller's bound,
// single-octet tags (neither protocol uses high tag numbers). Reading never copies; writing
// builds a value from its contents.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace decnet::decky {

// The universal tags these protocols use.
inline constexpr unsigned char kBerInteger = 0x02, kBerOctetString = 0x04, kBerNull = 0x05,
                               kBerOid = 0x06, kBerEnumerated = 0x0a, kBerSequence = 0x30;

struct BerElement {
  unsigned char tag = 0;
  std::string_view contents;
};

// The elements of one constructed value (or of a whole message), in order.
class BerReader {
 public:
  explicit BerReader(std::string_view in, std::size_t max_length = 65'536)
      : in_(in), max_length_(max_length) {}

  // The next element; nullopt at the end or when it is malformed.
  std::optional<BerElement> next();
  // The next element's contents when it has `tag`.
  std::optional<std::string_view> next(unsigned char tag);
  bool empty() const { return in_.empty(); }

 private:
  std::string_view in_;
  std::size_t max_length_;
};

// How many length octets follow `first` (the octet after the tag) in the long form.
std::size_t ber_length_octets(unsigned char first);
// The contents length `first` and the `more` octets after it give; nullopt for the indefinite
// form, more than four octets, or a length over `max_length`.
std::optional<std::size_t> ber_contents_length(unsigned char first, std::string_view more,
                                               std::size_t max_length);

// An INTEGER's contents as a signed value; nullopt when empty or wider than 64 bits.
std::optional<std::int64_t> ber_integer(std::string_view contents);

std::string ber_tlv(unsigned char tag, std::string_view contents);
std::string ber_tlv_integer(unsigned char tag, std::int64_t value);

}  // namespace decnet::decky
