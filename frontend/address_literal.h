#pragma once
// The text forms of address-like literals, shared by the parser and
// --filter-flows: ufids as OVS prints them, IPv4 and IPv6 addresses, MAC
// addresses.  Each returns nullopt when `text` is not exactly that form.
#include <optional>
#include <string_view>

#include "frontend/ast.h"

namespace ovsq::frontend {

// "ufid:8c92d6db-06ec-405b-992f-e23f0bb65697": OVS's
// ufid:%08x-%04x-%04x-%04x-%04x%08x of u32[0], u32[1] >> 16,
// u32[1] & 0xffff, u32[2] >> 16, u32[2] & 0xffff, u32[3].
std::optional<AddressLiteral> parse_ufid(std::string_view text);

// "192.168.10.10": four decimal octets.
std::optional<AddressLiteral> parse_ipv4(std::string_view text);

// "0e:04:47:fc:74:51" (six two-digit hex groups) is a MAC address;
// anything else inet_pton(AF_INET6) accepts ("2001:db8::1") is IPv6.
std::optional<AddressLiteral> parse_colon_address(std::string_view text);

}  // namespace ovsq::frontend
