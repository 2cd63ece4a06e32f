#pragma once
// Internals of runtime/odp_flow_format.cpp, shared with
// odp_flow_format_nested.cpp (the tunnel and nsh attributes under their
// masks); the pieces are in odp_flow_format_fields.cpp.  Not for other
// users.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "runtime/odp_key_format_detail.h"

namespace ovsq::runtime::odp_detail {

bool all_bytes(const uint8_t* p, size_t n, uint8_t byte);

// odp_mask_is_constant__(): whether the mask attribute `m` is `byte` (0:
// all wildcard, 0xff: exact) in every bit its type has.
bool mask_is(const Attr& m, uint8_t byte);

// The attribute of `type` in a list, or nothing.
std::optional<Attr> find_attr(const uint8_t* data, size_t len, uint16_t type);

// One field under its mask (`mask` null: exact), as OVS's format_* helpers
// do with verbose off: nothing when wildcarded, "name=value," when exact,
// "name=value/mask," otherwise.  `key` and `mask` are the payloads the
// field's offset counts from.
struct Field {
  std::string& out;
  const uint8_t* key;
  const uint8_t* mask;  // null: exact

  void mac(const char* name, size_t at);                    // format_eth
  void ipv4(const char* name, size_t at);                   // format_ipv4
  void ipv6(const char* name, size_t at);                   // format_in6_addr
  void be16(const char* name, size_t at, bool hex = false); // format_be16(x)
  void u8(const char* name, size_t at, bool hex = false);   // format_u8u/x
  void ipv6_label(size_t at);                               // format_ipv6_label
  void frag(size_t at);                                     // format_frag

 private:
  // Returns false (printing nothing) when the field is wildcarded.
  bool start(const char* name, size_t at, size_t size, bool& full);
};

// format_flags_masked(): all flags when the mask is `full`, "0/0" when
// empty, else +name or -name for each bit the mask has.
void put_flags_masked(std::string& out, uint32_t flags, uint32_t mask, uint32_t full,
                      const char* (*name_of)(uint32_t));

// check_attr_len() with a mask (`m` null: none): false, having printed
// "keyN(bad key length L, expected E)(key bytes/mask bytes)," or
// "keyN(key bytes/(bad mask length M, expected E)(mask bytes))," when
// either has a size other than `expected` (>= 0).
bool lengths_ok(std::string& out, const Attr& a, const Attr* m, int expected);

// format_unknown_key(): "keyN(key bytes/mask bytes)," (no mask part when
// exact).
void put_unknown_masked(std::string& out, const Attr& a, const Attr* m);

// The text between the parentheses of tunnel(...) and nsh(...) under the
// attribute's mask `m` (null when the flow has no mask).  A sub-attribute
// the tunnel's mask lacks is wildcarded; one nsh's mask lacks is exact
// (OVS's format_odp_tun_attr() and format_odp_nsh_attr()).  With no mask,
// the tunnel's id is printed when `unmasked_exact`, else left out as OVS
// does.
void format_tunnel_masked(std::string& out, const Attr& tun, const Attr* m, bool unmasked_exact);
void format_nsh_masked(std::string& out, const Attr& nsh, const Attr* m);

}  // namespace ovsq::runtime::odp_detail
