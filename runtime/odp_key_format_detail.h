#pragma once
// Internals of runtime/odp_key_format.cpp, shared with
// odp_key_format_nested.cpp (tunnel, nsh and conntrack attributes).  Not
// for other users.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>

namespace ovsq::runtime::odp_detail {

// One netlink attribute.
struct Attr {
  uint16_t type;           // nla_type without NLA_F_NESTED/NET_BYTEORDER
  const uint8_t* payload;  // nla_len - 4 bytes
  size_t len;
  size_t at;               // the header's offset from the key's start
};

// Why a walk over attributes stopped.
enum class WalkStop { End, Truncated, Malformed };
struct WalkResult {
  WalkStop stop = WalkStop::End;
  size_t at = 0;  // offset from the key's start of the attribute concerned
};

// Calls visit(Attr) for each attribute of the `len` bytes at `data`, of
// which the first `copied` are present, that lies wholly inside them.
// `base` is the offset of `data` from the key's start.  Stops at the first
// header with nla_len < 4 or running past `len` (Malformed), or at the
// first attribute (or header) not wholly copied (Truncated).
template <typename Visit>
WalkResult walk_attrs(const uint8_t* data, size_t copied, size_t len,
                      size_t base, Visit&& visit) {
  if (copied > len) copied = len;
  size_t off = 0;
  while (off < len) {
    if (len - off < 4) return {WalkStop::Malformed, base + off};
    if (off + 4 > copied) return {WalkStop::Truncated, base + off};
    uint16_t nla_len, nla_type;
    std::memcpy(&nla_len, data + off, 2);
    std::memcpy(&nla_type, data + off + 2, 2);
    if (nla_len < 4 || nla_len > len - off)
      return {WalkStop::Malformed, base + off};
    if (nla_len > copied - off) return {WalkStop::Truncated, base + off};
    visit(Attr{static_cast<uint16_t>(nla_type & 0x3fff), data + off + 4,
               static_cast<size_t>(nla_len - 4), base + off});
    off += (static_cast<size_t>(nla_len) + 3) & ~size_t{3};
  }
  return {};
}

// Appends ",...(malformed at byte N)" (no comma when `first`) for a walk
// that stopped on a malformed header; nothing otherwise.
void put_malformed(std::string& out, const WalkResult& r, bool first);

// Reads (unaligned).  `be` ones are network order.
inline uint16_t rd_u16(const uint8_t* p) {
  uint16_t v;
  std::memcpy(&v, p, 2);
  return v;
}
inline uint32_t rd_u32(const uint8_t* p) {
  uint32_t v;
  std::memcpy(&v, p, 4);
  return v;
}
inline uint16_t rd_be16(const uint8_t* p) {
  return static_cast<uint16_t>(p[0] << 8 | p[1]);
}
inline uint32_t rd_be32(const uint8_t* p) {
  return uint32_t{p[0]} << 24 | uint32_t{p[1]} << 16 | uint32_t{p[2]} << 8 |
         p[3];
}
inline uint64_t rd_be64(const uint8_t* p) {
  return uint64_t{rd_be32(p)} << 32 | rd_be32(p + 4);
}

// Text pieces, named after the printf conversions OVS uses.
void put_dec(std::string& out, uint64_t v);      // %u
void put_hex(std::string& out, uint64_t v);      // %x
void put_alt_hex(std::string& out, uint64_t v);  // %#x: "0" or "0x1f"
void put_mac(std::string& out, const uint8_t* p);
void put_ipv4(std::string& out, const uint8_t* p);
void put_ipv6(std::string& out, const uint8_t* p);
// "name=" then the value then ",", as OVS's format_* helpers do before
// ds_chomp() drops the last comma (the caller's chomp()).
void put_field_dec(std::string& out, const char* name, uint64_t v);
void put_field_alt_hex(std::string& out, const char* name, uint64_t v);
void put_field_ipv4(std::string& out, const char* name, const uint8_t* p);
void put_field_ipv6(std::string& out, const char* name, const uint8_t* p);
void put_field_mac(std::string& out, const char* name, const uint8_t* p);
// Drops one trailing comma (ds_chomp).
void chomp(std::string& out);
// Bytes as "de ad be ef" (format_generic_odp_key).
void put_spaced_hex(std::string& out, const uint8_t* p, size_t n);
// Bytes as one hex number without leading zero bytes: "0x1a02", or "0"
// (ds_put_hex).
void put_hex_number(std::string& out, const uint8_t* p, size_t n);
// "key7(de ad)" (format_unknown_key, without its trailing comma).
void put_unknown(std::string& out, const Attr& a);
// "key3(bad key length 2, expected 4)(01 00)" (check_attr_len).
void put_bad_length(std::string& out, const Attr& a, int expected);
// Flag names joined by '|', unnamed bits as one trailing 0x..., "0" when
// none (format_flags).
void put_flags(std::string& out, uint32_t flags,
               const char* (*name_of)(uint32_t bit));

// Tables of odp_key_format.cpp, shared with the masked formatter
// (odp_flow_format.cpp).  expected_len: the payload size OVS expects for
// an attribute type (ovs_flow_key_attr_lens), kLenVariable, kLenNested, or
// 0 for a type it knows but lists no size for, -1 for one it does not know.
constexpr int kLenVariable = -2;
constexpr int kLenNested = -3;
int expected_len(uint16_t type);
const char* attr_name(uint16_t type);  // "recirc_id", or nullptr
const char* ct_state_flag_name(uint32_t bit);
const char* tcp_flag_name(uint32_t bit);
const char* frag_name(uint8_t frag);

// After a walk over a list of attributes: ",...(truncated: C of L bytes)"
// when it stopped on the copy's end, ",...(malformed at byte N)" when on a
// broken header (no comma when `first`: nothing was printed).
void put_walk_end(std::string& out, const WalkResult& r, bool first, size_t base,
                  size_t copied, size_t len, size_t key_len);

// The tunnel attribute's tables (odp_key_format_nested.cpp).  OVS's
// userspace datapath numbers its GTP-U options attribute 16 (its
// OVS_TUNNEL_KEY_ATTR_GTPU_OPTS, after ERSPAN_OPTS), where the kernel has
// OVS_TUNNEL_KEY_ATTR_IPV4_INFO_BRIDGE; ovs-vswitchd's keys follow OVS
// (`ovstest test-odp` puts gtpu(...) in attribute 16).  OVS knows no
// tunnel attribute past it.
constexpr uint16_t kTunGtpuOpts = 16;
constexpr uint16_t kTunAttrMax = 16;
// OVS's VXLAN extension numbers: GBP = 1, GPE = 8 (its OVS_VXLAN_EXT_MAX).
constexpr uint16_t kVxlanGbp = 1;
constexpr uint16_t kVxlanExtMax = 8;
// OVS's tunnel flag bits (FLOW_TNL_F_*), FLOW_TNL_F_MASK their union.
constexpr uint32_t kTnlOam = 1 << 0;
constexpr uint32_t kTnlDontFragment = 1 << 1;
constexpr uint32_t kTnlCsum = 1 << 2;
constexpr uint32_t kTnlKey = 1 << 3;
constexpr uint32_t kTnlFlagsMask = (1 << 4) - 1;
// struct erspan_metadata's size (a host-order int version, then the
// version's fields).
constexpr size_t kErspanMetadataSize = 12;
// flow_tun_flag_to_string().
const char* tun_flag_name(uint32_t bit);
// ovs_tun_key_attr_lens: 0 for the flag attributes and for PAD.
int tun_expected_len(uint16_t type);

// The nested and conntrack attributes (odp_key_format_nested.cpp); each
// appends the text between the attribute's parentheses.
// format_geneve_opts()'s walk over a tunnel's Geneve options: calls
// `option(opt, data_len, offset)` for each whole option (its 4-byte header
// at `opt`, `data_len` bytes of data after it, `offset` into the
// attribute), or writes OVS's words for a malformed list and stops.
template <typename Option>
void walk_geneve_options(std::string& out, const Attr& a, Option&& option) {
  for (size_t offset = 0; offset < a.len;) {
    const uint8_t* opt = a.payload + offset;
    size_t left = a.len - offset;
    if (left < 4) {
      out += "opt len ";
      put_dec(out, left);
      out += " less than minimum 4";
      return;
    }
    size_t data_len = (opt[3] & 0x1f) * 4u;
    if (4 + data_len > left) {
      out += "opt len ";
      put_dec(out, 4 + data_len);
      out += " greater than remaining ";
      put_dec(out, left);
      return;
    }
    option(opt, data_len, offset);
    offset += 4 + data_len;
  }
}

void format_tunnel(std::string& out, const Attr& a);
void format_nsh(std::string& out, const Attr& a);
void format_ct_label(std::string& out, const Attr& a);
void format_ct_tuple4(std::string& out, const Attr& a);
void format_ct_tuple6(std::string& out, const Attr& a);

}  // namespace ovsq::runtime::odp_detail
