#include "frontend/address_literal.h"

#include <arpa/inet.h>

#include <cstring>
#include <string>

namespace ovsq::frontend {
namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  c = char(c | 0x20);
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

// Exactly `digits` hex digits at text[at...], or nullopt.
std::optional<uint32_t> hex_field(std::string_view text, size_t at, size_t digits) {
  if (at + digits > text.size()) return std::nullopt;
  uint32_t v = 0;
  for (size_t i = 0; i < digits; ++i) {
    int d = hex_value(text[at + i]);
    if (d < 0) return std::nullopt;
    v = v << 4 | uint32_t(d);
  }
  return v;
}

}  // namespace

std::optional<AddressLiteral> parse_ufid(std::string_view text) {
  constexpr std::string_view kPrefix = "ufid:";
  // ufid: 8 - 4 - 4 - 4 - 4+8
  if (text.size() != kPrefix.size() + 36 || text.substr(0, 5) != kPrefix)
    return std::nullopt;
  std::string_view body = text.substr(kPrefix.size());
  for (size_t dash : {8, 13, 18, 23})
    if (body[dash] != '-') return std::nullopt;
  auto a = hex_field(body, 0, 8), b = hex_field(body, 9, 4),
       c = hex_field(body, 14, 4), d = hex_field(body, 19, 4),
       e = hex_field(body, 24, 4), f = hex_field(body, 28, 8);
  if (!a || !b || !c || !d || !e || !f) return std::nullopt;
  uint32_t words[4] = {*a, *b << 16 | *c, *d << 16 | *e, *f};
  AddressLiteral literal;
  literal.kind = AddressLiteral::Kind::Ufid;
  std::memcpy(literal.bytes.data(), words, sizeof words);  // x86_64 order
  return literal;
}

std::optional<AddressLiteral> parse_ipv4(std::string_view text) {
  AddressLiteral literal;
  literal.kind = AddressLiteral::Kind::Ipv4;
  size_t at = 0;
  for (int octet = 0; octet < 4; ++octet) {
    if (octet > 0) {
      if (at >= text.size() || text[at] != '.') return std::nullopt;
      ++at;
    }
    size_t start = at;
    uint32_t v = 0;
    while (at < text.size() && text[at] >= '0' && text[at] <= '9' && at - start < 3)
      v = v * 10 + uint32_t(text[at++] - '0');
    if (at == start || v > 255) return std::nullopt;
    literal.bytes[octet] = uint8_t(v);
  }
  if (at != text.size()) return std::nullopt;
  return literal;
}

std::optional<AddressLiteral> parse_colon_address(std::string_view text) {
  AddressLiteral literal;
  if (text.size() == 17) {
    literal.kind = AddressLiteral::Kind::Mac;
    bool is_mac = true;
    for (size_t i = 0; i < 6 && is_mac; ++i) {
      auto byte = hex_field(text, i * 3, 2);
      is_mac = byte && (i == 5 || text[i * 3 + 2] == ':');
      if (is_mac) literal.bytes[i] = uint8_t(*byte);
    }
    if (is_mac) return literal;
  }
  literal.kind = AddressLiteral::Kind::Ipv6;
  std::string copy(text);
  if (inet_pton(AF_INET6, copy.c_str(), literal.bytes.data()) != 1)
    return std::nullopt;
  return literal;
}

}  // namespace ovsq::frontend
