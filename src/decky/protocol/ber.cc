#include "decky/protocol/ber.h"

namespace decnet::decky {

std::optional<BerElement> BerReader::next() {
  if (in_.size() < 2) return std::nullopt;
  const auto tag = static_cast<unsigned char>(in_[0]);
  if ((tag & 0x1f) == 0x1f) return std::nullopt;
  const auto first = static_cast<unsigned char>(in_[1]);
  const std::size_t extra = ber_length_octets(first);
  if (in_.size() < 2 + extra) return std::nullopt;
  const auto length = ber_contents_length(first, in_.substr(2, extra), max_length_);
  if (!length || in_.size() - 2 - extra < *length) return std::nullopt;
  BerElement e{tag, in_.substr(2 + extra, *length)};
  in_.remove_prefix(2 + extra + *length);
  return e;
}

std::optional<std::string_view> BerReader::next(unsigned char tag) {
  const auto e = next();
  if (!e || e->tag != tag) return std::nullopt;
  return e->contents;
}

std::size_t ber_length_octets(unsigned char first) {
  return first & 0x80 ? first & 0x7f : 0;
}

std::optional<std::size_t> ber_contents_length(unsigned char first, std::string_view more,
                                               std::size_t max_length) {
  if (!(first & 0x80))
    return first <= max_length ? std::optional<std::size_t>(first) : std::nullopt;
  const std::size_t n = first & 0x7f;
  if (n == 0 || n > 4 || more.size() != n) return std::nullopt;
  std::size_t length = 0;
  for (const char c : more) length = (length << 8) | static_cast<unsigned char>(c);
  if (length > max_length) return std::nullopt;
  return length;
}

std::optional<std::int64_t> ber_integer(std::string_view contents) {
  if (contents.empty() || contents.size() > 8) return std::nullopt;
  std::uint64_t v = static_cast<unsigned char>(contents[0]) & 0x80 ? ~std::uint64_t{0} : 0;
  for (const char c : contents) v = (v << 8) | static_cast<unsigned char>(c);
  return static_cast<std::int64_t>(v);
}

std::string ber_tlv(unsigned char tag, std::string_view contents) {
  std::string length;
  const std::size_t n = contents.size();
  if (n < 0x80) {
    length = std::string(1, static_cast<char>(n));
  } else {
    for (std::size_t v = n; v > 0; v >>= 8)
      length.insert(length.begin(), static_cast<char>(v & 0xff));
    length.insert(length.begin(), static_cast<char>(0x80 | length.size()));
  }
  return static_cast<char>(tag) + length + std::string(contents);
}

std::string ber_tlv_integer(unsigned char tag, std::int64_t value) {
  std::string out;
  auto u = static_cast<std::uint64_t>(value);
  do {
    out.insert(out.begin(), static_cast<char>(u & 0xff));
    u = static_cast<std::uint64_t>(static_cast<std::int64_t>(u) >> 8);
  } while (!((u == 0 && !(out[0] & 0x80)) || (u == ~std::uint64_t{0} && (out[0] & 0x80))));
  return ber_tlv(tag, out);
}

}  // namespace decnet::decky
