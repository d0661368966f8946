#include "decky/protocol/bson.h"

#include <cstring>

#include "decky/protocol/byte_order.h"

namespace decnet::decky {
namespace {

// The size of a value of `type` at the start of `rest`; nullopt when it does not fit or the
// type is one no client command carries.
std::optional<std::size_t> value_size(std::uint8_t type, std::string_view rest) {
  const auto fixed = [&](std::size_t n) -> std::optional<std::size_t> {
    return rest.size() >= n ? std::optional<std::size_t>(n) : std::nullopt;
  };
  switch (type) {
    case kBsonDouble:
    case kBsonDateTime:
    case kBsonInt64:
    case 0x11:  // timestamp
      return fixed(8);
    case kBsonInt32:
      return fixed(4);
    case kBsonBool:
      return fixed(1);
    case kBsonNull:
    case 0x06:  // undefined
    case 0xff:  // min key
    case 0x7f:  // max key
      return 0;
    case 0x07:  // ObjectId
      return fixed(12);
    case 0x13:  // decimal128
      return fixed(16);
    case kBsonString:
    case 0x0d:    // JavaScript code: read as text, never run
    case 0x0e: {  // symbol
      if (rest.size() < 5) return std::nullopt;
      const std::size_t n = read_le32(rest, 0);
      if (n == 0 || n > rest.size() - 4 || rest[4 + n - 1] != '\0') return std::nullopt;
      return 4 + n;
    }
    case kBsonDocument:
    case kBsonArray: {
      const auto n = bson_length(rest);
      if (!n || *n > rest.size()) return std::nullopt;
      return *n;
    }
    case kBsonBinary: {
      if (rest.size() < 5) return std::nullopt;
      const std::size_t n = read_le32(rest, 0);
      if (n > rest.size() - 5) return std::nullopt;
      return 5 + n;
    }
    case 0x0b: {  // regex: two C strings
      const auto a = rest.find('\0');
      if (a == std::string_view::npos) return std::nullopt;
      const auto b = rest.find('\0', a + 1);
      if (b == std::string_view::npos) return std::nullopt;
      return b + 1;
    }
    default:
      return std::nullopt;
  }
}

}  // namespace

std::optional<std::string_view> BsonElement::string() const {
  if (type != kBsonString) return std::nullopt;
  return value.substr(4, value.size() - 5);
}

std::optional<std::string_view> BsonElement::binary() const {
  if (type != kBsonBinary) return std::nullopt;
  return value.substr(5);
}

std::optional<std::string_view> BsonElement::document() const {
  if (type != kBsonDocument && type != kBsonArray) return std::nullopt;
  return value;
}

std::optional<std::int64_t> BsonElement::integer() const {
  if (type == kBsonInt32) return static_cast<std::int32_t>(read_le32(value, 0));
  if (type == kBsonInt64) return static_cast<std::int64_t>(read_le64(value, 0));
  if (type == kBsonDouble) {
    double d = 0;
    const auto bits = read_le64(value, 0);
    std::memcpy(&d, &bits, sizeof d);
    if (d >= -9e15 && d <= 9e15 && static_cast<double>(static_cast<std::int64_t>(d)) == d) {
      return static_cast<std::int64_t>(d);
    }
  }
  return std::nullopt;
}

std::optional<std::size_t> bson_length(std::string_view in) {
  if (in.size() < 4) return std::nullopt;
  const std::size_t n = read_le32(in, 0);
  if (n < 5) return std::nullopt;
  return n;
}

std::optional<std::vector<BsonElement>> parse_bson(std::string_view in) {
  const auto length = bson_length(in);
  if (!length || *length > in.size() || in[*length - 1] != '\0') return std::nullopt;
  std::string_view rest = in.substr(4, *length - 5);
  std::vector<BsonElement> out;
  while (!rest.empty()) {
    BsonElement e;
    e.type = static_cast<std::uint8_t>(rest[0]);
    const auto end = rest.find('\0', 1);
    if (end == std::string_view::npos) return std::nullopt;
    e.name = rest.substr(1, end - 1);
    rest.remove_prefix(end + 1);
    const auto size = value_size(e.type, rest);
    if (!size) return std::nullopt;
    e.value = rest.substr(0, *size);
    rest.remove_prefix(*size);
    out.push_back(e);
  }
  return out;
}

const BsonElement* bson_find(const std::vector<BsonElement>& elements, std::string_view name) {
  for (const auto& e : elements) {
    if (e.name == name) return &e;
  }
  return nullptr;
}

void BsonWriter::key(std::uint8_t type, std::string_view name) {
  body_ += static_cast<char>(type);
  body_ += name.substr(0, name.find('\0'));
  body_ += '\0';
}

BsonWriter& BsonWriter::string(std::string_view name, std::string_view value) {
  key(kBsonString, name);
  body_ += le32_bytes(static_cast<std::uint32_t>(value.size() + 1));
  body_ += value;
  body_ += '\0';
  return *this;
}

BsonWriter& BsonWriter::int32(std::string_view name, std::int32_t value) {
  key(kBsonInt32, name);
  body_ += le32_bytes(static_cast<std::uint32_t>(value));
  return *this;
}

BsonWriter& BsonWriter::int64(std::string_view name, std::int64_t value) {
  key(kBsonInt64, name);
  body_ += le64_bytes(static_cast<std::uint64_t>(value));
  return *this;
}

BsonWriter& BsonWriter::number(std::string_view name, double value) {
  key(kBsonDouble, name);
  std::uint64_t bits = 0;
  std::memcpy(&bits, &value, sizeof bits);
  body_ += le64_bytes(bits);
  return *this;
}

BsonWriter& BsonWriter::boolean(std::string_view name, bool value) {
  key(kBsonBool, name);
  body_ += value ? '\x01' : '\x00';
  return *this;
}

BsonWriter& BsonWriter::date_time(std::string_view name, std::int64_t unix_millis) {
  key(kBsonDateTime, name);
  body_ += le64_bytes(static_cast<std::uint64_t>(unix_millis));
  return *this;
}

BsonWriter& BsonWriter::binary(std::string_view name, std::string_view bytes) {
  key(kBsonBinary, name);
  body_ += le32_bytes(static_cast<std::uint32_t>(bytes.size()));
  body_ += '\0';  // generic subtype
  body_ += bytes;
  return *this;
}

BsonWriter& BsonWriter::document(std::string_view name, const std::string& bson) {
  key(kBsonDocument, name);
  body_ += bson;
  return *this;
}

BsonWriter& BsonWriter::array(std::string_view name, const std::vector<std::string>& strings) {
  BsonWriter items;
  for (std::size_t i = 0; i < strings.size(); ++i) items.string(std::to_string(i), strings[i]);
  key(kBsonArray, name);
  body_ += items.done();
  return *this;
}

BsonWriter& BsonWriter::array(std::string_view name, const std::vector<std::int32_t>& numbers) {
  BsonWriter items;
  for (std::size_t i = 0; i < numbers.size(); ++i) items.int32(std::to_string(i), numbers[i]);
  key(kBsonArray, name);
  body_ += items.done();
  return *this;
}

std::string BsonWriter::done() const {
  return le32_bytes(static_cast<std::uint32_t>(body_.size() + 5)) + body_ + '\0';
}

}  // namespace decnet::decky
