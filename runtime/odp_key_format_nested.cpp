// The tunnel, nsh and conntrack attributes of a flow key, spelled as OVS's
// lib/odp-util.c prints them (format_odp_tun_attr(), format_odp_nsh_attr(),
// format_u128() and the ct_tuple cases of format_odp_key_attr__()).
#include <linux/openvswitch.h>

#include <bit>
#include <cstddef>

#include "runtime/odp_key_format_detail.h"

namespace ovsq::runtime::odp_detail {
static_assert(kVxlanGbp == OVS_VXLAN_EXT_GBP);
namespace {

// Whether the attribute has the size its table expects; if not, prints
// it as OVS's check_attr_len() does, with a comma.
bool length_ok(std::string& out, const Attr& a, int expected) {
  if (expected < 0 || a.len == static_cast<size_t>(expected)) return true;
  put_bad_length(out, a, expected);
  out += ',';
  return false;
}

// format_odp_tun_vxlan_opt(): "gbp(id=N,flags=0xN)".
void format_vxlan(std::string& out, const Attr& vx) {
  WalkResult r = walk_attrs(
      vx.payload, vx.len, vx.len, vx.at + 4, [&](const Attr& a) {
        int expected = a.type == kVxlanGbp ? 4 : 0;
        if (a.type <= kVxlanExtMax && !length_ok(out, a, expected)) return;
        if (a.type == kVxlanGbp) {
          uint32_t gbp = rd_u32(a.payload);
          out += "gbp(";
          put_field_dec(out, "id", gbp & 0xffff);
          put_field_alt_hex(out, "flags", (gbp >> 16) & 0xff);
          chomp(out);
          out += "),";
        } else {
          put_unknown(out, a);
          out += ',';
        }
      });
  put_malformed(out, r, true);
  chomp(out);
}

// format_geneve_opts(): "{class=0x102,type=0x80,len=4,0xa}" per option.
void format_geneve(std::string& out, const Attr& a) {
  walk_geneve_options(out, a, [&](const uint8_t* opt, size_t data_len, size_t) {
    out += '{';
    put_field_alt_hex(out, "class", rd_be16(opt));
    put_field_alt_hex(out, "type", opt[2]);
    put_field_dec(out, "len", data_len);
    if (data_len)
      put_hex_number(out, opt + 4, data_len);
    else
      chomp(out);
    out += '}';
  });
}

// format_odp_tun_erspan_opt(): struct erspan_metadata is a host-order int
// version, then a be32 index (version 1) or struct erspan_md2 (version 2:
// direction and the low hardware id bits in bits 3 and 4-7 of its last
// byte; OVS prints only those four hwid bits).
void format_erspan(std::string& out, const Attr& a) {
  if (a.len != kErspanMetadataSize) {
    put_spaced_hex(out, a.payload, a.len);
    return;
  }
  uint32_t version = rd_u32(a.payload);
  put_field_dec(out, "ver", version & 0xff);
  if (version == 1) {
    put_field_alt_hex(out, "idx", rd_be32(a.payload + 4));
  } else if (version == 2) {
    // The same bits whichever way the host orders bit-fields.
    uint8_t bits = a.payload[11];
    put_field_dec(out, "dir", (bits >> 3) & 1);
    put_field_alt_hex(out, "hwid", bits >> 4);
  }
  chomp(out);
}

// format_odp_tun_gtpu_opt(): struct gtpu_metadata { u8 flags, msgtype }.
void format_gtpu(std::string& out, const Attr& a) {
  if (a.len != 2) {
    put_spaced_hex(out, a.payload, a.len);
    return;
  }
  put_field_alt_hex(out, "flags", a.payload[0]);
  put_field_dec(out, "msgtype", a.payload[1]);
  chomp(out);
}

}  // namespace

const char* tun_flag_name(uint32_t bit) {
  switch (bit) {
    case kTnlDontFragment: return "df";
    case kTnlCsum: return "csum";
    case kTnlKey: return "key";
    case kTnlOam: return "oam";
    default: return nullptr;
  }
}

int tun_expected_len(uint16_t type) {
  switch (type) {
    case OVS_TUNNEL_KEY_ATTR_ID: return 8;
    case OVS_TUNNEL_KEY_ATTR_IPV4_SRC:
    case OVS_TUNNEL_KEY_ATTR_IPV4_DST: return 4;
    case OVS_TUNNEL_KEY_ATTR_TOS:
    case OVS_TUNNEL_KEY_ATTR_TTL: return 1;
    case OVS_TUNNEL_KEY_ATTR_TP_SRC:
    case OVS_TUNNEL_KEY_ATTR_TP_DST: return 2;
    case OVS_TUNNEL_KEY_ATTR_IPV6_SRC:
    case OVS_TUNNEL_KEY_ATTR_IPV6_DST: return 16;
    case OVS_TUNNEL_KEY_ATTR_GENEVE_OPTS:
    case OVS_TUNNEL_KEY_ATTR_ERSPAN_OPTS:
    case kTunGtpuOpts: return kLenVariable;
    case OVS_TUNNEL_KEY_ATTR_VXLAN_OPTS: return kLenNested;
    default: return 0;
  }
}

void format_tunnel(std::string& out, const Attr& tun) {
  uint32_t flags = 0;
  WalkResult r = walk_attrs(
      tun.payload, tun.len, tun.len, tun.at + 4, [&](const Attr& a) {
        if (a.type > kTunAttrMax) {
          put_unknown(out, a);
          out += ',';
          return;
        }
        if (!length_ok(out, a, tun_expected_len(a.type))) return;
        const uint8_t* p = a.payload;
        switch (a.type) {
          case OVS_TUNNEL_KEY_ATTR_ID:
            out += "tun_id=0x";
            put_hex(out, rd_be64(p));
            out += ',';
            flags |= kTnlKey;
            break;
          case OVS_TUNNEL_KEY_ATTR_IPV4_SRC: put_field_ipv4(out, "src", p); break;
          case OVS_TUNNEL_KEY_ATTR_IPV4_DST: put_field_ipv4(out, "dst", p); break;
          case OVS_TUNNEL_KEY_ATTR_IPV6_SRC:
            put_field_ipv6(out, "ipv6_src", p);
            break;
          case OVS_TUNNEL_KEY_ATTR_IPV6_DST:
            put_field_ipv6(out, "ipv6_dst", p);
            break;
          case OVS_TUNNEL_KEY_ATTR_TOS: put_field_alt_hex(out, "tos", p[0]); break;
          case OVS_TUNNEL_KEY_ATTR_TTL: put_field_dec(out, "ttl", p[0]); break;
          case OVS_TUNNEL_KEY_ATTR_DONT_FRAGMENT: flags |= kTnlDontFragment; break;
          case OVS_TUNNEL_KEY_ATTR_CSUM: flags |= kTnlCsum; break;
          case OVS_TUNNEL_KEY_ATTR_OAM: flags |= kTnlOam; break;
          case OVS_TUNNEL_KEY_ATTR_TP_SRC:
            put_field_dec(out, "tp_src", rd_be16(p));
            break;
          case OVS_TUNNEL_KEY_ATTR_TP_DST:
            put_field_dec(out, "tp_dst", rd_be16(p));
            break;
          case OVS_TUNNEL_KEY_ATTR_VXLAN_OPTS:
            out += "vxlan(";
            format_vxlan(out, a);
            out += "),";
            break;
          case OVS_TUNNEL_KEY_ATTR_GENEVE_OPTS:
            out += "geneve(";
            format_geneve(out, a);
            out += "),";
            break;
          case OVS_TUNNEL_KEY_ATTR_ERSPAN_OPTS:
            out += "erspan(";
            format_erspan(out, a);
            out += "),";
            break;
          case kTunGtpuOpts:
            out += "gtpu(";
            format_gtpu(out, a);
            out += "),";
            break;
          case OVS_TUNNEL_KEY_ATTR_PAD:
            break;
        }
      });
  out += "flags(";
  put_flags(out, flags, tun_flag_name);
  out += ')';
  put_malformed(out, r, false);
}

// format_nsh_key(): the base header's fields, then the four MD1 context
// words when mdtype is 1.  OVS prints zeros for a missing base.
void format_nsh(std::string& out, const Attr& nsh) {
  uint8_t base[8] = {};
  uint32_t context[4] = {};
  WalkResult r = walk_attrs(
      nsh.payload, nsh.len, nsh.len, nsh.at + 4, [&](const Attr& a) {
        int expected = a.type == OVS_NSH_KEY_ATTR_BASE  ? 8
                       : a.type == OVS_NSH_KEY_ATTR_MD1 ? 16
                       : a.type == OVS_NSH_KEY_ATTR_MD2 ? kLenVariable
                                                        : 0;
        if (a.type <= OVS_NSH_KEY_ATTR_MAX && !length_ok(out, a, expected))
          return;
        if (a.type == OVS_NSH_KEY_ATTR_BASE) {
          std::memcpy(base, a.payload, sizeof base);
        } else if (a.type == OVS_NSH_KEY_ATTR_MD1) {
          for (int i = 0; i < 4; ++i) context[i] = rd_be32(a.payload + 4 * i);
        }
      });
  using B = ovs_nsh_key_base;
  uint32_t path_hdr = rd_be32(base + offsetof(B, path_hdr));
  put_field_dec(out, "flags", base[offsetof(B, flags)]);
  put_field_dec(out, "ttl", base[offsetof(B, ttl)]);
  put_field_dec(out, "mdtype", base[offsetof(B, mdtype)]);
  put_field_dec(out, "np", base[offsetof(B, np)]);
  out += "spi=0x";
  put_hex(out, path_hdr >> 8);
  out += ',';
  put_field_dec(out, "si", path_hdr & 0xff);
  if (base[offsetof(B, mdtype)] == 1) {
    for (int i = 0; i < 4; ++i) {
      out += 'c';
      put_dec(out, i + 1);
      out += "=0x";
      put_hex(out, context[i]);
      out += ',';
    }
  }
  chomp(out);
  put_malformed(out, r, false);
}

// format_u128(): OVS reads the 16 bytes as a host-order 128-bit number
// and prints it in hex without leading zeros.
void format_ct_label(std::string& out, const Attr& a) {
  uint8_t be[16];
  for (int i = 0; i < 16; ++i)
    be[i] = std::endian::native == std::endian::little ? a.payload[15 - i]
                                                       : a.payload[i];
  put_hex_number(out, be, sizeof be);
}

void format_ct_tuple4(std::string& out, const Attr& a) {
  using S = ovs_key_ct_tuple_ipv4;
  const uint8_t* p = a.payload;
  put_field_ipv4(out, "src", p + offsetof(S, ipv4_src));
  put_field_ipv4(out, "dst", p + offsetof(S, ipv4_dst));
  put_field_dec(out, "proto", p[offsetof(S, ipv4_proto)]);
  put_field_dec(out, "tp_src", rd_be16(p + offsetof(S, src_port)));
  put_field_dec(out, "tp_dst", rd_be16(p + offsetof(S, dst_port)));
  chomp(out);
}

// OVS spells the ports of the IPv6 tuple differently from the IPv4 one.
void format_ct_tuple6(std::string& out, const Attr& a) {
  using S = ovs_key_ct_tuple_ipv6;
  const uint8_t* p = a.payload;
  put_field_ipv6(out, "src", p + offsetof(S, ipv6_src));
  put_field_ipv6(out, "dst", p + offsetof(S, ipv6_dst));
  put_field_dec(out, "proto", p[offsetof(S, ipv6_proto)]);
  put_field_dec(out, "src_port", rd_be16(p + offsetof(S, src_port)));
  put_field_dec(out, "dst_port", rd_be16(p + offsetof(S, dst_port)));
  chomp(out);
}

}  // namespace ovsq::runtime::odp_detail
