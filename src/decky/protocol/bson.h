// BSON (bsonspec.org, version 1.1) as a MongoDB decky reads a client's commands and writes its
// answers: a reader that checks every element's length against its document and gives views,
// never copies, and a writer for the few types an answer needs.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace decnet::decky {

enum BsonType : std::uint8_t {
  kBsonDouble = 0x01,
  kBsonString = 0x02,
  kBsonDocument = 0x03,
  kBsonArray = 0x04,
  kBsonBinary = 0x05,
  kBsonBool = 0x08,
  kBsonDateTime = 0x09,
  kBsonNull = 0x0a,
  kBsonInt32 = 0x10,
  kBsonInt64 = 0x12,
};

struct BsonElement {
  std::uint8_t type = 0;
  std::string_view name;
  std::string_view value;  // the value's bytes as they are in the document

  std::optional<std::string_view> string() const;    // a string's text
  std::optional<std::string_view> binary() const;    // a binary's bytes, any subtype
  std::optional<std::string_view> document() const;  // an embedded document or array
  std::optional<std::int64_t> integer() const;       // int32, int64, or a whole double
};

// The elements of one document, in order; nullopt when any length or type is wrong, or the
// document is longer than `in`. Embedded documents are checked when read (BsonElement::document
// then parse_bson), not here.
std::optional<std::vector<BsonElement>> parse_bson(std::string_view in);
// The length a document declares in its first four bytes; nullopt under five.
std::optional<std::size_t> bson_length(std::string_view in);
// The first element named `name`, or nullptr.
const BsonElement* bson_find(const std::vector<BsonElement>& elements, std::string_view name);

class BsonWriter {
 public:
  BsonWriter& string(std::string_view name, std::string_view value);
  BsonWriter& int32(std::string_view name, std::int32_t value);
  BsonWriter& int64(std::string_view name, std::int64_t value);
  BsonWriter& number(std::string_view name, double value);
  BsonWriter& boolean(std::string_view name, bool value);
  BsonWriter& date_time(std::string_view name, std::int64_t unix_millis);
  BsonWriter& binary(std::string_view name, std::string_view bytes);
  BsonWriter& document(std::string_view name, const std::string& bson);
  BsonWriter& array(std::string_view name, const std::vector<std::string>& strings);
  BsonWriter& array(std::string_view name, const std::vector<std::int32_t>& numbers);
  // The finished document.
  std::string done() const;

 private:
  void key(std::uint8_t type, std::string_view name);
  std::string body_;
};

}  // namespace decnet::decky
