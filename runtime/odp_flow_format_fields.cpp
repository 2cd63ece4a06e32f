// The pieces of a masked flow's text shared by odp_flow_format.cpp and
// odp_flow_format_nested.cpp (runtime/odp_flow_format_detail.h): fields
// under their masks as OVS's format_* helpers print them with verbose off,
// masked flags, the checks of an attribute's size and mask.
#include <linux/openvswitch.h>

#include <cstddef>
#include <optional>

#include "runtime/odp_flow_format_detail.h"

namespace ovsq::runtime::odp_detail {

bool all_bytes(const uint8_t* p, size_t n, uint8_t byte) {
  for (size_t i = 0; i < n; ++i)
    if (p[i] != byte) return false;
  return true;
}

std::optional<Attr> find_attr(const uint8_t* data, size_t len, uint16_t type) {
  std::optional<Attr> found;
  walk_attrs(data, len, len, 0, [&](const Attr& a) {
    if (!found && a.type == type) found = a;
  });
  return found;
}

bool Field::start(const char* name, size_t at, size_t size, bool& full) {
  const uint8_t* m = mask ? mask + at : nullptr;
  if (m && all_bytes(m, size, 0)) return false;
  full = !m || all_bytes(m, size, 0xff);
  out += name;
  out += '=';
  return true;
}

void Field::mac(const char* name, size_t at) {
  bool full;
  if (!start(name, at, 6, full)) return;
  put_mac(out, key + at);
  if (!full) { out += '/'; put_mac(out, mask + at); }
  out += ',';
}

void Field::ipv4(const char* name, size_t at) {
  bool full;
  if (!start(name, at, 4, full)) return;
  put_ipv4(out, key + at);
  if (!full) { out += '/'; put_ipv4(out, mask + at); }
  out += ',';
}

void Field::ipv6(const char* name, size_t at) {
  bool full;
  if (!start(name, at, 16, full)) return;
  put_ipv6(out, key + at);
  if (!full) { out += '/'; put_ipv6(out, mask + at); }
  out += ',';
}

void Field::be16(const char* name, size_t at, bool hex) {
  bool full;
  if (!start(name, at, 2, full)) return;
  hex ? put_alt_hex(out, rd_be16(key + at)) : put_dec(out, rd_be16(key + at));
  if (!full) { out += '/'; put_alt_hex(out, rd_be16(mask + at)); }
  out += ',';
}

void Field::u8(const char* name, size_t at, bool hex) {
  bool full;
  if (!start(name, at, 1, full)) return;
  hex ? put_alt_hex(out, key[at]) : put_dec(out, key[at]);
  if (!full) { out += '/'; put_alt_hex(out, mask[at]); }
  out += ',';
}

void Field::ipv6_label(size_t at) {
  uint32_t m = mask ? rd_be32(mask + at) : 0xffffffff;
  if (mask && m == 0) return;
  out += "label=";
  put_alt_hex(out, rd_be32(key + at));
  if ((m & 0xfffff) != 0xfffff) { out += '/'; put_alt_hex(out, m); }
  out += ',';
}

void Field::frag(size_t at) {  // an enumeration: a partial mask is an error
  uint8_t m = mask ? mask[at] : 0xff;
  if (m == 0) return;
  if (m != 0xff) {
    out += "error: partial mask not supported for frag (";
    put_alt_hex(out, m);
    out += "),";
    return;
  }
  out += "frag=";
  out += frag_name(key[at]);
  out += ',';
}

void put_flags_masked(std::string& out, uint32_t flags, uint32_t mask, uint32_t full,
                      const char* (*name_of)(uint32_t)) {
  if (mask == full) return put_flags(out, flags, name_of);
  if (mask == 0) {
    out += "0/0";
    return;
  }
  for (uint32_t bit = 1; bit && mask; bit <<= 1) {
    if (!(mask & bit)) continue;
    mask &= ~bit;
    const char* name = name_of(bit);
    out += (flags & bit) ? '+' : '-';
    out += name ? name : "[Unknown]";
  }
}

bool lengths_ok(std::string& out, const Attr& a, const Attr* m, int expected) {
  if (expected < 0) return true;
  size_t want = static_cast<size_t>(expected);
  bool bad_key = a.len != want, bad_mask = m && m->len != want;
  if (!bad_key && !bad_mask) return true;
  out += "key";
  put_dec(out, a.type);
  if (bad_key) {
    out += "(bad key length ";
    put_dec(out, a.len);
    out += ", expected ";
    put_dec(out, want);
    out += ')';
  }
  out += '(';
  put_spaced_hex(out, a.payload, a.len);
  if (m) {
    out += '/';
    if (bad_mask) {
      out += "(bad mask length ";
      put_dec(out, m->len);
      out += ", expected ";
      put_dec(out, want);
      out += ")(";
    }
    put_spaced_hex(out, m->payload, m->len);
    if (bad_mask) out += ')';
  }
  out += "),";
  return false;
}

// odp_mask_is_constant__(): whether the mask is `byte` (0: all wildcard,
// 0xff: exact) in every bit the attribute has.
bool mask_is(const Attr& m, uint8_t byte) {
  switch (m.type) {
    case OVS_KEY_ATTR_UNSPEC:
    case OVS_KEY_ATTR_ENCAP:
    case OVS_KEY_ATTR_TUNNEL_INFO:
      return false;
    case OVS_KEY_ATTR_TCP_FLAGS:
      return m.len == 2 && (rd_be16(m.payload) & 0x0fff) == (byte ? 0x0fff : 0);
    case OVS_KEY_ATTR_IPV6:  // the label has 20 bits
      return m.len == 40 && all_bytes(m.payload, 32, byte) &&
             (rd_be32(m.payload + 32) & 0xfffff) == (byte ? 0xfffffu : 0) &&
             all_bytes(m.payload + 36, 4, byte);
    case OVS_KEY_ATTR_ARP:  // sip, tip, op, sha, tha: not the padding
      return m.len >= 22 && all_bytes(m.payload, 22, byte);
    case OVS_KEY_ATTR_CT_ORIG_TUPLE_IPV4:  // up to and with the protocol
      return m.len >= 13 && all_bytes(m.payload, 13, byte);
    case OVS_KEY_ATTR_CT_ORIG_TUPLE_IPV6:
      return m.len >= 37 && all_bytes(m.payload, 37, byte);
    default:  // the tunnel, nsh and mpls too: every byte
      return expected_len(m.type) != -1 && all_bytes(m.payload, m.len, byte);
  }
}

void put_unknown_masked(std::string& out, const Attr& a, const Attr* m) {
  out += "key";
  put_dec(out, a.type);
  out += '(';
  put_spaced_hex(out, a.payload, a.len);
  // OVS asks odp_mask_attr_is_exact(), which reads a sub-attribute's type
  // as an OVS_KEY_ATTR_* one.
  if (m && !(attr_name(m->type) && mask_is(*m, 0xff))) {
    out += '/';
    put_spaced_hex(out, m->payload, m->len);
  }
  out += "),";
}

}  // namespace ovsq::runtime::odp_detail
