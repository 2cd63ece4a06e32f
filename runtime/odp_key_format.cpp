// The ODP flow string of a datapath flow key.  Spellings follow OVS's
// lib/odp-util.c (format_odp_key_attr__() and its helpers) as
// odp_flow_key_format() prints a key: no mask, verbose.
#include "runtime/odp_key_format.h"

#include <linux/openvswitch.h>

#include "runtime/odp_key_format_detail.h"

namespace ovsq::runtime {
namespace {

using namespace odp_detail;

// OVS's userspace-only attributes past the kernel's NSH (types 29, 30)
// and the kernel-only one after them, the last type OVS knows (a later
// one, such as the kernel's OVS_KEY_ATTR_IPV6_EXTHDRS, is unknown to it).
constexpr uint16_t kAttrPacketType = 29;
constexpr uint16_t kAttrNdExtensions = 30;
constexpr uint16_t kAttrTunnelInfo = 31;
static_assert(OVS_KEY_ATTR_PACKET_TYPE == kAttrPacketType &&
              OVS_KEY_ATTR_ND_EXTENSIONS == kAttrNdExtensions &&
              OVS_KEY_ATTR_TUNNEL_INFO == kAttrTunnelInfo);
constexpr size_t kNdExtensionsSize = 8;  // be32 nd_reserved, u8 type, pad

}  // namespace

namespace odp_detail {

// The payload size OVS expects for `type` (ovs_flow_key_attr_lens): 0 for
// a type it knows but lists no size for.
int expected_len(uint16_t type) {
  switch (type) {
    case OVS_KEY_ATTR_ENCAP:
    case OVS_KEY_ATTR_TUNNEL:
    case OVS_KEY_ATTR_NSH:
      return kLenNested;
    case OVS_KEY_ATTR_MPLS:
      return kLenVariable;
    case OVS_KEY_ATTR_PRIORITY:
    case OVS_KEY_ATTR_SKB_MARK:
    case OVS_KEY_ATTR_DP_HASH:
    case OVS_KEY_ATTR_RECIRC_ID:
    case OVS_KEY_ATTR_IN_PORT:
    case OVS_KEY_ATTR_CT_STATE:
    case OVS_KEY_ATTR_CT_MARK:
    case kAttrPacketType:
      return 4;
    case OVS_KEY_ATTR_VLAN:
    case OVS_KEY_ATTR_ETHERTYPE:
    case OVS_KEY_ATTR_TCP_FLAGS:
    case OVS_KEY_ATTR_CT_ZONE:
      return 2;
    case OVS_KEY_ATTR_ETHERNET: return sizeof(ovs_key_ethernet);
    case OVS_KEY_ATTR_IPV4: return sizeof(ovs_key_ipv4);
    case OVS_KEY_ATTR_IPV6: return sizeof(ovs_key_ipv6);
    case OVS_KEY_ATTR_TCP: return sizeof(ovs_key_tcp);
    case OVS_KEY_ATTR_UDP: return sizeof(ovs_key_udp);
    case OVS_KEY_ATTR_SCTP: return sizeof(ovs_key_sctp);
    case OVS_KEY_ATTR_ICMP: return sizeof(ovs_key_icmp);
    case OVS_KEY_ATTR_ICMPV6: return sizeof(ovs_key_icmpv6);
    case OVS_KEY_ATTR_ARP: return sizeof(ovs_key_arp);
    case OVS_KEY_ATTR_ND: return sizeof(ovs_key_nd);
    case kAttrNdExtensions: return kNdExtensionsSize;
    case OVS_KEY_ATTR_CT_LABELS: return sizeof(ovs_key_ct_labels);
    case OVS_KEY_ATTR_CT_ORIG_TUPLE_IPV4: return sizeof(ovs_key_ct_tuple_ipv4);
    case OVS_KEY_ATTR_CT_ORIG_TUPLE_IPV6: return sizeof(ovs_key_ct_tuple_ipv6);
    default:
      return 0;  // OVS_KEY_ATTR_UNSPEC, OVS_KEY_ATTR_TUNNEL_INFO
  }
}

// ovs_key_attr_to_string(); nullptr for a type OVS does not know.
const char* attr_name(uint16_t type) {
  switch (type) {
    case OVS_KEY_ATTR_UNSPEC: return "unspec";
    case OVS_KEY_ATTR_ENCAP: return "encap";
    case OVS_KEY_ATTR_PRIORITY: return "skb_priority";
    case OVS_KEY_ATTR_SKB_MARK: return "skb_mark";
    case OVS_KEY_ATTR_CT_STATE: return "ct_state";
    case OVS_KEY_ATTR_CT_ZONE: return "ct_zone";
    case OVS_KEY_ATTR_CT_MARK: return "ct_mark";
    case OVS_KEY_ATTR_CT_LABELS: return "ct_label";
    case OVS_KEY_ATTR_CT_ORIG_TUPLE_IPV4: return "ct_tuple4";
    case OVS_KEY_ATTR_CT_ORIG_TUPLE_IPV6: return "ct_tuple6";
    case OVS_KEY_ATTR_TUNNEL: return "tunnel";
    case OVS_KEY_ATTR_IN_PORT: return "in_port";
    case OVS_KEY_ATTR_ETHERNET: return "eth";
    case OVS_KEY_ATTR_VLAN: return "vlan";
    case OVS_KEY_ATTR_ETHERTYPE: return "eth_type";
    case OVS_KEY_ATTR_IPV4: return "ipv4";
    case OVS_KEY_ATTR_IPV6: return "ipv6";
    case OVS_KEY_ATTR_TCP: return "tcp";
    case OVS_KEY_ATTR_TCP_FLAGS: return "tcp_flags";
    case OVS_KEY_ATTR_UDP: return "udp";
    case OVS_KEY_ATTR_SCTP: return "sctp";
    case OVS_KEY_ATTR_ICMP: return "icmp";
    case OVS_KEY_ATTR_ICMPV6: return "icmpv6";
    case OVS_KEY_ATTR_ARP: return "arp";
    case OVS_KEY_ATTR_ND: return "nd";
    case kAttrNdExtensions: return "nd_ext";
    case OVS_KEY_ATTR_MPLS: return "mpls";
    case OVS_KEY_ATTR_DP_HASH: return "dp_hash";
    case OVS_KEY_ATTR_RECIRC_ID: return "recirc_id";
    case kAttrPacketType: return "packet_type";
    case OVS_KEY_ATTR_NSH: return "nsh";
    case kAttrTunnelInfo: return "<error: kernel-only tunnel_info>";
    default: return nullptr;
  }
}

// packet_tcp_flag_to_string().
// OVS_CS_F_* (ct_state_to_string in lib/odp-util.c).
const char* ct_state_flag_name(uint32_t bit) {
  switch (bit) {
    case OVS_CS_F_NEW: return "new";
    case OVS_CS_F_ESTABLISHED: return "est";
    case OVS_CS_F_RELATED: return "rel";
    case OVS_CS_F_REPLY_DIR: return "rpl";
    case OVS_CS_F_INVALID: return "inv";
    case OVS_CS_F_TRACKED: return "trk";
    case OVS_CS_F_SRC_NAT: return "snat";
    case OVS_CS_F_DST_NAT: return "dnat";
    default: return nullptr;
  }
}

const char* tcp_flag_name(uint32_t bit) {
  switch (bit) {
    case 0x001: return "fin";
    case 0x002: return "syn";
    case 0x004: return "rst";
    case 0x008: return "psh";
    case 0x010: return "ack";
    case 0x020: return "urg";
    case 0x040: return "ece";
    case 0x080: return "cwr";
    case 0x100: return "ns";
    case 0x200: return "[200]";
    case 0x400: return "[400]";
    case 0x800: return "[800]";
    default: return nullptr;
  }
}

// ovs_frag_type_to_string().
const char* frag_name(uint8_t frag) {
  switch (frag) {
    case OVS_FRAG_TYPE_NONE: return "no";
    case OVS_FRAG_TYPE_FIRST: return "first";
    case OVS_FRAG_TYPE_LATER: return "later";
    default: return "<error>";
  }
}

}  // namespace odp_detail

namespace {

void put_frag(std::string& out, uint8_t frag) {
  out += "frag=";
  out += frag_name(frag);
  out += ',';
}

// format_vlan_tci(): vid, pcp, and "cfi=0" when the CFI bit is clear.
void format_vlan(std::string& out, uint16_t tci) {
  put_field_dec(out, "vid", tci & 0x0fff);
  put_field_dec(out, "pcp", tci >> 13);
  if (!(tci & 0x1000)) out += "cfi=0,";
  chomp(out);
}

// format_mpls(): each label stack entry's four fields.
void format_mpls(std::string& out, const Attr& a) {
  if (a.len == 0 || a.len % 4) {
    // OVS leaves this parenthesis unclosed; here the caller closes it.
    out += "(bad key length ";
    put_dec(out, a.len);
    out += ')';
    return;
  }
  for (size_t i = 0; i < a.len; i += 4) {
    uint32_t lse = rd_be32(a.payload + i);
    put_field_dec(out, "label", lse >> 12);
    put_field_dec(out, "tc", (lse >> 9) & 7);
    put_field_dec(out, "ttl", lse & 0xff);
    put_field_dec(out, "bos", (lse >> 8) & 1);
  }
  chomp(out);
}

void format_attr_list(std::string& out, const uint8_t* data, size_t copied,
                      size_t len, size_t base, size_t key_len);

// The text between an attribute's parentheses, for an attribute whose
// length was checked.
void format_body(std::string& out, const Attr& a, size_t key_len) {
  const uint8_t* p = a.payload;
  switch (a.type) {
    case OVS_KEY_ATTR_ENCAP:
      if (a.len) format_attr_list(out, p, a.len, a.len, a.at + 4, key_len);
      break;
    case OVS_KEY_ATTR_PRIORITY:
    case OVS_KEY_ATTR_SKB_MARK:
    case OVS_KEY_ATTR_DP_HASH:
    case OVS_KEY_ATTR_RECIRC_ID:
    case OVS_KEY_ATTR_CT_MARK:
      put_alt_hex(out, rd_u32(p));
      break;
    case OVS_KEY_ATTR_CT_STATE:
      // As dump-flows prints an exactly matched ct_state: flag names, the
      // way the sim and `ovs-appctl dpctl/dump-flows` show est|trk.
      put_flags(out, rd_u32(p), ct_state_flag_name);
      break;
    case OVS_KEY_ATTR_CT_ZONE:
      put_alt_hex(out, rd_u16(p));
      break;
    case OVS_KEY_ATTR_CT_LABELS: format_ct_label(out, a); break;
    case OVS_KEY_ATTR_CT_ORIG_TUPLE_IPV4: format_ct_tuple4(out, a); break;
    case OVS_KEY_ATTR_CT_ORIG_TUPLE_IPV6: format_ct_tuple6(out, a); break;
    case OVS_KEY_ATTR_TUNNEL: format_tunnel(out, a); break;
    case OVS_KEY_ATTR_NSH: format_nsh(out, a); break;
    case OVS_KEY_ATTR_IN_PORT:
      put_dec(out, rd_u32(p));
      break;
    case kAttrPacketType: {
      uint32_t pt = rd_be32(p);
      put_field_dec(out, "ns", pt >> 16);
      put_field_alt_hex(out, "id", pt & 0xffff);
      chomp(out);
      break;
    }
    case OVS_KEY_ATTR_ETHERNET:
      put_field_mac(out, "src", p + offsetof(ovs_key_ethernet, eth_src));
      put_field_mac(out, "dst", p + offsetof(ovs_key_ethernet, eth_dst));
      chomp(out);
      break;
    case OVS_KEY_ATTR_VLAN: format_vlan(out, rd_be16(p)); break;
    case OVS_KEY_ATTR_MPLS: format_mpls(out, a); break;
    case OVS_KEY_ATTR_ETHERTYPE: {
      uint16_t type = rd_be16(p);
      out += "0x";
      for (int shift = 12; shift >= 0; shift -= 4)
        out += "0123456789abcdef"[(type >> shift) & 15];
      break;
    }
    case OVS_KEY_ATTR_IPV4: {
      using S = ovs_key_ipv4;
      put_field_ipv4(out, "src", p + offsetof(S, ipv4_src));
      put_field_ipv4(out, "dst", p + offsetof(S, ipv4_dst));
      put_field_dec(out, "proto", p[offsetof(S, ipv4_proto)]);
      put_field_alt_hex(out, "tos", p[offsetof(S, ipv4_tos)]);
      put_field_dec(out, "ttl", p[offsetof(S, ipv4_ttl)]);
      put_frag(out, p[offsetof(S, ipv4_frag)]);
      chomp(out);
      break;
    }
    case OVS_KEY_ATTR_IPV6: {
      using S = ovs_key_ipv6;
      put_field_ipv6(out, "src", p + offsetof(S, ipv6_src));
      put_field_ipv6(out, "dst", p + offsetof(S, ipv6_dst));
      put_field_alt_hex(out, "label", rd_be32(p + offsetof(S, ipv6_label)));
      put_field_dec(out, "proto", p[offsetof(S, ipv6_proto)]);
      put_field_alt_hex(out, "tclass", p[offsetof(S, ipv6_tclass)]);
      put_field_dec(out, "hlimit", p[offsetof(S, ipv6_hlimit)]);
      put_frag(out, p[offsetof(S, ipv6_frag)]);
      chomp(out);
      break;
    }
    case OVS_KEY_ATTR_TCP:  // tcp, udp and sctp: be16 src, be16 dst
    case OVS_KEY_ATTR_UDP:
    case OVS_KEY_ATTR_SCTP:
      put_field_dec(out, "src", rd_be16(p));
      put_field_dec(out, "dst", rd_be16(p + 2));
      chomp(out);
      break;
    case OVS_KEY_ATTR_TCP_FLAGS:
      put_flags(out, rd_be16(p), tcp_flag_name);
      break;
    case OVS_KEY_ATTR_ICMP:  // icmp and icmpv6: u8 type, u8 code
    case OVS_KEY_ATTR_ICMPV6:
      put_field_dec(out, "type", p[0]);
      put_field_dec(out, "code", p[1]);
      chomp(out);
      break;
    case OVS_KEY_ATTR_ARP: {
      using S = ovs_key_arp;
      put_field_ipv4(out, "sip", p + offsetof(S, arp_sip));
      put_field_ipv4(out, "tip", p + offsetof(S, arp_tip));
      put_field_dec(out, "op", rd_be16(p + offsetof(S, arp_op)));
      put_field_mac(out, "sha", p + offsetof(S, arp_sha));
      put_field_mac(out, "tha", p + offsetof(S, arp_tha));
      chomp(out);
      break;
    }
    case OVS_KEY_ATTR_ND: {
      using S = ovs_key_nd;
      put_field_ipv6(out, "target", p + offsetof(S, nd_target));
      put_field_mac(out, "sll", p + offsetof(S, nd_sll));
      put_field_mac(out, "tll", p + offsetof(S, nd_tll));
      chomp(out);
      break;
    }
    case kAttrNdExtensions:
      out += "nd_reserved=0x";
      put_hex(out, rd_be32(p));
      out += ',';
      put_field_dec(out, "nd_options_type", p[4]);
      chomp(out);
      break;
    default:  // OVS_KEY_ATTR_UNSPEC, OVS_KEY_ATTR_TUNNEL_INFO (no payload)
      put_spaced_hex(out, p, a.len);
      break;
  }
}

void format_attr(std::string& out, const Attr& a, size_t key_len) {
  const char* name = attr_name(a.type);
  if (!name) {
    put_unknown(out, a);
    return;
  }
  int expected = expected_len(a.type);
  if (expected >= 0 && a.len != static_cast<size_t>(expected)) {
    put_bad_length(out, a, expected);
    return;
  }
  out += name;
  out += '(';
  format_body(out, a, key_len);
  out += ')';
}

// The attributes of `len` bytes at `data` (the first `copied` present),
// comma-separated, then the truncation or malformation note.
void format_attr_list(std::string& out, const uint8_t* data, size_t copied,
                      size_t len, size_t base, size_t key_len) {
  bool first = true;
  WalkResult r = walk_attrs(data, copied, len, base, [&](const Attr& a) {
    if (!first) out += ',';
    first = false;
    format_attr(out, a, key_len);
  });
  put_walk_end(out, r, first, base, copied, len, key_len);
}

}  // namespace

namespace odp_detail {

void put_walk_end(std::string& out, const WalkResult& r, bool first, size_t base,
                  size_t copied, size_t len, size_t key_len) {
  // (The copy may lack only the last attribute's padding: still noted.)
  if (r.stop == WalkStop::Truncated ||
      (r.stop == WalkStop::End && copied < len)) {
    if (!first) out += ',';
    out += "...(truncated: ";
    put_dec(out, base + copied);
    out += " of ";
    put_dec(out, key_len);
    out += " bytes)";
  }
  put_malformed(out, r, first);
}

}  // namespace odp_detail

void format_odp_key(std::string& out, const uint8_t* data, size_t copied,
                    size_t key_len) {
  if (key_len == 0) {
    out += "<empty>";
    return;
  }
  if (copied > key_len) copied = key_len;
  format_attr_list(out, data, copied, key_len, 0, key_len);
}

}  // namespace ovsq::runtime
