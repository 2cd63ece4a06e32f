// A flow's key under its mask, as dpctl/dump-flows prints its match.  The
// rules are OVS's (lib/odp-util.c: odp_flow_format(), format_odp_key_attr__()
// and the format_* helpers with a mask, verbose off); the spellings of
// values are odp_key_format's.
#include "runtime/odp_flow_format.h"

#include <linux/openvswitch.h>

#include <cstddef>
#include <cstdio>
#include <optional>
#include <vector>

#include "runtime/odp_flow_format_detail.h"

namespace ovsq::runtime {
namespace {

using namespace odp_detail;

void format_list(std::string& out, const uint8_t* key, size_t key_copied, size_t key_len,
                 const uint8_t* mask, size_t mask_copied, size_t mask_len, size_t base,
                 size_t whole_len, bool unmasked_exact);

// name(...) of one key attribute `a` under `m` (its mask attribute; null:
// the list has no mask).  Without a mask OVS leaves out a tunnel's id and
// the ct_mark, ct_zone and ct_label values (as wildcarded): so does this
// in an encap(...) the mask lacks; `unmasked_exact` (a flow whose mask
// could not be read) prints them as exact.
void format_masked(std::string& out, const Attr& a, const Attr* m, size_t whole_len,
                   bool unmasked_exact) {
  const uint8_t* mp = m ? m->payload : nullptr;
  bool exact = !m || (attr_name(a.type) && mask_is(*m, 0xff));
  bool empty = m ? all_bytes(m->payload, m->len, 0) : !unmasked_exact;
  std::string body;  // between the parentheses
  auto plain_with_mask = [&](size_t size) {  // "%#x", then "/%#x" unless exact
    uint32_t v = size == 2 ? rd_u16(a.payload) : rd_u32(a.payload);
    put_alt_hex(body, v);
    if (!exact) {
      body += '/';
      put_alt_hex(body, size == 2 ? rd_u16(mp) : rd_u32(mp));
    }
  };
  Field f{body, a.payload, mp};
  switch (a.type) {
    case OVS_KEY_ATTR_ENCAP:
      if (m && m->len && a.len)
        format_list(body, a.payload, a.len, a.len, m->payload, m->len, m->len, a.at + 4, whole_len,
                    unmasked_exact);
      else if (a.len)
        format_list(body, a.payload, a.len, a.len, nullptr, 0, 0, a.at + 4, whole_len, false);
      break;
    case OVS_KEY_ATTR_PRIORITY:
    case OVS_KEY_ATTR_SKB_MARK:
    case OVS_KEY_ATTR_DP_HASH:
    case OVS_KEY_ATTR_RECIRC_ID:
      plain_with_mask(4);
      break;
    case OVS_KEY_ATTR_CT_MARK:
      if (!empty) plain_with_mask(4);
      break;
    case OVS_KEY_ATTR_CT_ZONE:
      if (!empty) plain_with_mask(2);
      break;
    case OVS_KEY_ATTR_CT_STATE:
      if (!exact)
        put_flags_masked(body, rd_u32(a.payload), empty ? 0 : rd_u32(mp), 0xffffffff,
                         ct_state_flag_name);
      else
        put_flags(body, rd_u32(a.payload), ct_state_flag_name);
      break;
    case OVS_KEY_ATTR_CT_LABELS: {
      if (empty) break;
      // A host-order u128 (two u64, low first), printed in network order.
      auto network = [](const uint8_t* p) {
        std::vector<uint8_t> be(16);
        for (int i = 0; i < 16; ++i) be[i] = p[15 - i];
        return be;
      };
      std::vector<uint8_t> value = network(a.payload);
      put_hex_number(body, value.data(), 16);
      if (mp && !all_bytes(mp, 16, 0xff)) {
        body += '/';
        std::vector<uint8_t> bits = network(mp);
        put_hex_number(body, bits.data(), 16);
      }
      break;
    }
    case OVS_KEY_ATTR_IN_PORT:
      put_dec(body, rd_u32(a.payload));
      if (!exact) { body += '/'; put_alt_hex(body, rd_u32(mp)); }
      break;
    case OVS_KEY_ATTR_PACKET_TYPE: {
      // ns and id: the two halves of a network-order u32.
      uint8_t exact_bits[4] = {0xff, 0xff, 0xff, 0xff};
      Field pt{body, a.payload, mp ? mp : exact_bits};
      pt.be16("ns", 0);
      pt.be16("id", 2, true);
      chomp(body);
      break;
    }
    case OVS_KEY_ATTR_ETHERNET:
      f.mac("src", 0);
      f.mac("dst", 6);
      chomp(body);
      break;
    case OVS_KEY_ATTR_VLAN: {
      uint16_t tci = rd_be16(a.payload), tm = mp ? rd_be16(mp) : 0xffff;
      if ((tci & 0xfff) || (tm & 0xfff)) {
        body += "vid=";
        put_dec(body, tci & 0xfff);
        if ((tm & 0xfff) != 0xfff) { body += "/0x"; put_hex(body, tm & 0xfff); }
        body += ',';
      }
      if ((tci >> 13) || (tm >> 13)) {
        body += "pcp=";
        put_dec(body, tci >> 13);
        if ((tm >> 13) != 7) { body += "/0x"; put_hex(body, tm >> 13); }
        body += ',';
      }
      if (!(tci & 0x1000)) body += "cfi=0,";
      chomp(body);
      break;
    }
    case OVS_KEY_ATTR_ETHERTYPE: {
      char text[16];
      std::snprintf(text, sizeof text, "0x%04x", rd_be16(a.payload));
      body += text;
      if (!exact) {
        std::snprintf(text, sizeof text, "/0x%04x", rd_be16(mp));
        body += text;
      }
      break;
    }
    case OVS_KEY_ATTR_IPV4:
      f.ipv4("src", 0);
      f.ipv4("dst", 4);
      f.u8("proto", 8);
      f.u8("tos", 9, true);
      f.u8("ttl", 10);
      f.frag(11);
      chomp(body);
      break;
    case OVS_KEY_ATTR_IPV6:
      f.ipv6("src", 0);
      f.ipv6("dst", 16);
      f.ipv6_label(32);
      f.u8("proto", 36);
      f.u8("tclass", 37, true);
      f.u8("hlimit", 38);
      f.frag(39);
      chomp(body);
      break;
    case OVS_KEY_ATTR_TCP:
    case OVS_KEY_ATTR_UDP:
    case OVS_KEY_ATTR_SCTP:
      f.be16("src", 0);
      f.be16("dst", 2);
      chomp(body);
      break;
    case OVS_KEY_ATTR_TCP_FLAGS:
      if (!exact)
        put_flags_masked(body, rd_be16(a.payload), rd_be16(mp) & 0x0fff, 0x0fff, tcp_flag_name);
      else
        put_flags(body, rd_be16(a.payload), tcp_flag_name);
      break;
    case OVS_KEY_ATTR_ICMP:
    case OVS_KEY_ATTR_ICMPV6:
      f.u8("type", 0);
      f.u8("code", 1);
      chomp(body);
      break;
    case OVS_KEY_ATTR_ARP:
      f.ipv4("sip", 0);
      f.ipv4("tip", 4);
      f.be16("op", 8);
      f.mac("sha", 10);
      f.mac("tha", 16);
      chomp(body);
      break;
    case OVS_KEY_ATTR_ND:
      f.ipv6("target", 0);
      f.mac("sll", 16);
      f.mac("tll", 22);
      chomp(body);
      break;
    case OVS_KEY_ATTR_MPLS: {
      // format_mpls(): every label stack entry's fields, each with its
      // mask unless the whole attribute is exact.
      if (a.len == 0 || a.len % 4) {
        body += "(bad key length ";
        put_dec(body, a.len);
        body += ')';
        break;
      }
      if (!exact && m->len != a.len) {
        body += "(key length ";
        put_dec(body, a.len);
        body += " != mask length ";
        put_dec(body, m->len);
        body += ')';
        break;
      }
      for (size_t i = 0; i < a.len; i += 4) {
        uint32_t lse = rd_be32(a.payload + i);
        if (exact) {
          put_field_dec(body, "label", lse >> 12);
          put_field_dec(body, "tc", (lse >> 9) & 7);
          put_field_dec(body, "ttl", lse & 0xff);
          put_field_dec(body, "bos", (lse >> 8) & 1);
          continue;
        }
        uint32_t lm = rd_be32(mp + i);
        char text[96];
        std::snprintf(text, sizeof text, "label=%u/0x%x,tc=%u/%x,ttl=%u/0x%x,bos=%u/%x,",
                      lse >> 12, lm >> 12, (lse >> 9) & 7, (lm >> 9) & 7, lse & 0xff,
                      lm & 0xff, (lse >> 8) & 1, (lm >> 8) & 1);
        body += text;
      }
      chomp(body);
      break;
    }
    case OVS_KEY_ATTR_CT_ORIG_TUPLE_IPV4: {
      using S = ovs_key_ct_tuple_ipv4;
      f.ipv4("src", offsetof(S, ipv4_src));
      f.ipv4("dst", offsetof(S, ipv4_dst));
      f.u8("proto", offsetof(S, ipv4_proto));
      f.be16("tp_src", offsetof(S, src_port));
      f.be16("tp_dst", offsetof(S, dst_port));
      chomp(body);
      break;
    }
    case OVS_KEY_ATTR_CT_ORIG_TUPLE_IPV6: {  // other names for the ports
      using S = ovs_key_ct_tuple_ipv6;
      f.ipv6("src", offsetof(S, ipv6_src));
      f.ipv6("dst", offsetof(S, ipv6_dst));
      f.u8("proto", offsetof(S, ipv6_proto));
      f.be16("src_port", offsetof(S, src_port));
      f.be16("dst_port", offsetof(S, dst_port));
      chomp(body);
      break;
    }
    case OVS_KEY_ATTR_TUNNEL:
      format_tunnel_masked(body, a, m, unmasked_exact);
      break;
    case OVS_KEY_ATTR_NSH:
      format_nsh_masked(body, a, m);
      break;
    case OVS_KEY_ATTR_ND_EXTENSIONS:
      // The reserved word always, whatever its mask; then the type.
      body += "nd_reserved=0x";
      put_hex(body, rd_be32(a.payload));
      body += ',';
      f.u8("nd_options_type", 4);
      chomp(body);
      break;
    default:  // unspec, tunnel_info, and types OVS does not know: bytes
      put_spaced_hex(body, a.payload, a.len);
      if (!exact) {
        body += '/';
        put_spaced_hex(body, mp, m->len);
      }
      break;
  }
  if (const char* name = attr_name(a.type)) {
    out += name;
  } else {
    out += "key";
    put_dec(out, a.type);
  }
  out += '(';
  out += body;
  out += ')';
}

// odp_flow_format()'s loop over one list (the key's, or encap's).
void format_list(std::string& out, const uint8_t* key, size_t key_copied, size_t key_len,
                 const uint8_t* mask, size_t mask_copied, size_t mask_len, size_t base,
                 size_t whole_len, bool unmasked_exact) {
  bool first = true, has_ethertype = false, has_packet_type = false;
  auto separate = [&] {
    if (!first) out += ',';
    first = false;
  };
  if (mask_len == 0) mask = nullptr;  // as OVS: no mask, every attribute exact
  std::string out_of_place;  // a wrong-sized attribute's text
  WalkResult r = walk_attrs(key, key_copied, key_len, base, [&](const Attr& a) {
    int expected = expected_len(a.type);
    bool known = attr_name(a.type) != nullptr;
    std::optional<Attr> m;
    if (mask) m = find_attr(mask, mask_copied, a.type);
    if (known && !lengths_ok(out_of_place, a, m ? &*m : nullptr, expected)) {
      separate();  // a key or mask of the wrong size: both as bytes
      out += out_of_place;
      out_of_place.clear();
      chomp(out);
      return;
    }
    if (a.type == OVS_KEY_ATTR_ETHERTYPE) has_ethertype = true;
    if (a.type == OVS_KEY_ATTR_PACKET_TYPE) has_packet_type = true;
    bool nested = expected == kLenNested;
    bool wildcard = !mask ? false : m ? known && mask_is(*m, 0) : true;
    if (!wildcard || nested) {
      std::vector<uint8_t> zeros;
      if (mask && !m) {  // no mask attribute: every bit wildcarded; OVS
        // makes an empty list for a nested one (and so prints encap(...)
        // whole, and nsh(...) as exact).
        zeros.assign(nested ? 0 : a.len, 0);
        m = Attr{a.type, zeros.data(), zeros.size(), a.at};
      }
      separate();
      format_masked(out, a, m ? &*m : nullptr, whole_len, unmasked_exact);
    } else if (a.type == OVS_KEY_ATTR_ETHERNET && !has_packet_type) {
      // The packet is Ethernet, however wildcarded.  OVS does not count
      // eth() as printed: when it comes first, no comma follows it.
      if (!first) out += ',';
      out += "eth()";
    } else if (a.type == OVS_KEY_ATTR_PACKET_TYPE) {
      has_packet_type = false;  // a wildcarded packet type does not count
    }
  });
  put_walk_end(out, r, first, base, key_copied, key_len, whole_len);
  if (!has_ethertype && mask) {
    if (std::optional<Attr> m = find_attr(mask, mask_copied, OVS_KEY_ATTR_ETHERTYPE);
        m && m->len == 2) {
      char text[32];
      std::snprintf(text, sizeof text, ",eth_type(0/0x%04x)", rd_be16(m->payload));
      out += text;
    }
  }
}

}  // namespace

void format_odp_flow(std::string& out, const uint8_t* key, size_t key_copied,
                     size_t key_len, const uint8_t* mask, size_t mask_copied,
                     size_t mask_len) {
  if (key_len == 0) {
    out += "<empty>";
    return;
  }
  if (key_copied > key_len) key_copied = key_len;
  if (mask_copied > mask_len) mask_copied = mask_len;
  format_list(out, key, key_copied, key_len, mask, mask_copied, mask_len, 0, key_len, true);
}

}  // namespace ovsq::runtime
