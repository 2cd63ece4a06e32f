#include "probes/odp_key.h"

#include <linux/openvswitch.h>

#include <cstddef>
#include <iterator>

namespace ovsq::probes {
namespace {

// One row of the table, as a literal so that the whole table can be checked
// at compile time (below).  Offsets and sizes come from the structs of
// <linux/openvswitch.h>, never from hand-written numbers.
struct Row {
  const char* attr;
  const char* name;
  uint16_t attr_type;
  bool in_tunnel;
  uint32_t offset;
  uint32_t size;
  OdpFieldKind kind;
  uint32_t shift = 0;
  uint64_t mask = 0;
};

using K = OdpFieldKind;

// A field of `struct ovs_key_<st>`, member `mem`.
#define OVSQ_KEY_FIELD(attr, name, type, st, mem, kind)                     \
  Row{attr, name, OVS_KEY_ATTR_##type, false,                               \
      static_cast<uint32_t>(offsetof(struct ovs_key_##st, mem)),            \
      static_cast<uint32_t>(sizeof(ovs_key_##st::mem)), kind}
// An attribute whose whole payload is one scalar of `size` bytes.
#define OVSQ_KEY_SCALAR(attr, type, size, kind) \
  Row{attr, "", OVS_KEY_ATTR_##type, false, 0, size, kind}
// Bits of an attribute's first `size`-byte big-endian word: the VLAN TCI,
// an MPLS label stack entry (the outermost).
#define OVSQ_KEY_BITS(attr, name, type, size, shift, mask) \
  Row{attr, name, OVS_KEY_ATTR_##type, false, 0, size, K::BigEndian, shift, mask}
// A scalar OVS_TUNNEL_KEY_ATTR_* nested in OVS_KEY_ATTR_TUNNEL.
#define OVSQ_TUN_FIELD(name, type, size, kind) \
  Row{"tunnel", name, OVS_TUNNEL_KEY_ATTR_##type, true, 0, size, kind}

// Table order is the order of "did you mean" candidates and of
// odp_field_paths(): roughly the order OVS prints a key in.
constexpr Row kRows[] = {
    OVSQ_KEY_SCALAR("skb_priority", PRIORITY, 4, K::Native),
    OVSQ_KEY_SCALAR("skb_mark", SKB_MARK, 4, K::Native),
    OVSQ_KEY_SCALAR("recirc_id", RECIRC_ID, 4, K::Native),
    OVSQ_KEY_SCALAR("dp_hash", DP_HASH, 4, K::Native),
    OVSQ_KEY_SCALAR("in_port", IN_PORT, 4, K::Native),
    OVSQ_KEY_SCALAR("ct_state", CT_STATE, 4, K::Native),
    OVSQ_KEY_SCALAR("ct_zone", CT_ZONE, 2, K::Native),
    OVSQ_KEY_SCALAR("ct_mark", CT_MARK, 4, K::Native),

    OVSQ_TUN_FIELD("tun_id", ID, 8, K::BigEndian),
    OVSQ_TUN_FIELD("src", IPV4_SRC, 4, K::Ipv4),
    OVSQ_TUN_FIELD("dst", IPV4_DST, 4, K::Ipv4),
    OVSQ_TUN_FIELD("ipv6_src", IPV6_SRC, 16, K::Ipv6),
    OVSQ_TUN_FIELD("ipv6_dst", IPV6_DST, 16, K::Ipv6),
    OVSQ_TUN_FIELD("tos", TOS, 1, K::Native),
    OVSQ_TUN_FIELD("ttl", TTL, 1, K::Native),
    OVSQ_TUN_FIELD("tp_src", TP_SRC, 2, K::BigEndian),
    OVSQ_TUN_FIELD("tp_dst", TP_DST, 2, K::BigEndian),

    OVSQ_KEY_FIELD("eth", "src", ETHERNET, ethernet, eth_src, K::Mac),
    OVSQ_KEY_FIELD("eth", "dst", ETHERNET, ethernet, eth_dst, K::Mac),
    OVSQ_KEY_SCALAR("eth_type", ETHERTYPE, 2, K::BigEndian),
    OVSQ_KEY_BITS("vlan", "vid", VLAN, 2, 0, 0x0fff),
    OVSQ_KEY_BITS("vlan", "pcp", VLAN, 2, 13, 0x7),
    OVSQ_KEY_BITS("mpls", "label", MPLS, 4, 12, 0xfffff),
    OVSQ_KEY_BITS("mpls", "tc", MPLS, 4, 9, 0x7),
    OVSQ_KEY_BITS("mpls", "ttl", MPLS, 4, 0, 0xff),
    OVSQ_KEY_BITS("mpls", "bos", MPLS, 4, 8, 0x1),

    OVSQ_KEY_FIELD("ipv4", "src", IPV4, ipv4, ipv4_src, K::Ipv4),
    OVSQ_KEY_FIELD("ipv4", "dst", IPV4, ipv4, ipv4_dst, K::Ipv4),
    OVSQ_KEY_FIELD("ipv4", "proto", IPV4, ipv4, ipv4_proto, K::Native),
    OVSQ_KEY_FIELD("ipv4", "tos", IPV4, ipv4, ipv4_tos, K::Native),
    OVSQ_KEY_FIELD("ipv4", "ttl", IPV4, ipv4, ipv4_ttl, K::Native),
    OVSQ_KEY_FIELD("ipv4", "frag", IPV4, ipv4, ipv4_frag, K::Native),

    OVSQ_KEY_FIELD("ipv6", "src", IPV6, ipv6, ipv6_src, K::Ipv6),
    OVSQ_KEY_FIELD("ipv6", "dst", IPV6, ipv6, ipv6_dst, K::Ipv6),
    OVSQ_KEY_FIELD("ipv6", "label", IPV6, ipv6, ipv6_label, K::BigEndian),
    OVSQ_KEY_FIELD("ipv6", "proto", IPV6, ipv6, ipv6_proto, K::Native),
    OVSQ_KEY_FIELD("ipv6", "tclass", IPV6, ipv6, ipv6_tclass, K::Native),
    OVSQ_KEY_FIELD("ipv6", "hlimit", IPV6, ipv6, ipv6_hlimit, K::Native),
    OVSQ_KEY_FIELD("ipv6", "frag", IPV6, ipv6, ipv6_frag, K::Native),

    OVSQ_KEY_FIELD("tcp", "src", TCP, tcp, tcp_src, K::BigEndian),
    OVSQ_KEY_FIELD("tcp", "dst", TCP, tcp, tcp_dst, K::BigEndian),
    OVSQ_KEY_SCALAR("tcp_flags", TCP_FLAGS, 2, K::BigEndian),
    OVSQ_KEY_FIELD("udp", "src", UDP, udp, udp_src, K::BigEndian),
    OVSQ_KEY_FIELD("udp", "dst", UDP, udp, udp_dst, K::BigEndian),
    OVSQ_KEY_FIELD("sctp", "src", SCTP, sctp, sctp_src, K::BigEndian),
    OVSQ_KEY_FIELD("sctp", "dst", SCTP, sctp, sctp_dst, K::BigEndian),
    OVSQ_KEY_FIELD("icmp", "type", ICMP, icmp, icmp_type, K::Native),
    OVSQ_KEY_FIELD("icmp", "code", ICMP, icmp, icmp_code, K::Native),
    OVSQ_KEY_FIELD("icmpv6", "type", ICMPV6, icmpv6, icmpv6_type, K::Native),
    OVSQ_KEY_FIELD("icmpv6", "code", ICMPV6, icmpv6, icmpv6_code, K::Native),

    OVSQ_KEY_FIELD("arp", "sip", ARP, arp, arp_sip, K::Ipv4),
    OVSQ_KEY_FIELD("arp", "tip", ARP, arp, arp_tip, K::Ipv4),
    OVSQ_KEY_FIELD("arp", "op", ARP, arp, arp_op, K::BigEndian),
    OVSQ_KEY_FIELD("arp", "sha", ARP, arp, arp_sha, K::Mac),
    OVSQ_KEY_FIELD("arp", "tha", ARP, arp, arp_tha, K::Mac),

    OVSQ_KEY_FIELD("nd", "target", ND, nd, nd_target, K::Ipv6),
    OVSQ_KEY_FIELD("nd", "sll", ND, nd, nd_sll, K::Mac),
    OVSQ_KEY_FIELD("nd", "tll", ND, nd, nd_tll, K::Mac),
};

#undef OVSQ_KEY_FIELD
#undef OVSQ_KEY_SCALAR
#undef OVSQ_KEY_BITS
#undef OVSQ_TUN_FIELD

// The sizes each kind allows (odp_key.h).
constexpr bool size_fits_kind(const Row& r) {
  switch (r.kind) {
    case K::Native:
      return r.size == 1 || r.size == 2 || r.size == 4 || r.size == 8;
    case K::BigEndian:
      return r.size == 2 || r.size == 4 || r.size == 8;
    case K::Ipv4:
      return r.size == 4;
    case K::Ipv6:
      return r.size == 16;
    case K::Mac:
      return r.size == 6;
  }
  return false;
}

constexpr bool same_text(const char* a, const char* b) {
  while (*a && *a == *b) ++a, ++b;
  return *a == *b;
}

constexpr bool table_is_consistent() {
  for (const Row& r : kRows) {
    if (!size_fits_kind(r)) return false;
    // A whole-attribute scalar and a tunnel field start the payload.
    if ((r.name[0] == '\0' || r.in_tunnel) && r.offset != 0) return false;
  }
  // No path twice.
  for (size_t i = 0; i < std::size(kRows); ++i)
    for (size_t j = i + 1; j < std::size(kRows); ++j)
      if (same_text(kRows[i].attr, kRows[j].attr) &&
          same_text(kRows[i].name, kRows[j].name))
        return false;
  return true;
}
static_assert(table_is_consistent());

// The layouts the table (and the formatter) rely on, spelled out.
static_assert(sizeof(struct ovs_key_ethernet) == 12);
static_assert(offsetof(struct ovs_key_ethernet, eth_dst) == 6);
static_assert(sizeof(struct ovs_key_ipv4) == 12);
static_assert(offsetof(struct ovs_key_ipv4, ipv4_dst) == 4);
static_assert(offsetof(struct ovs_key_ipv4, ipv4_proto) == 8);
static_assert(offsetof(struct ovs_key_ipv4, ipv4_frag) == 11);
static_assert(sizeof(struct ovs_key_ipv6) == 40);
static_assert(offsetof(struct ovs_key_ipv6, ipv6_label) == 32);
static_assert(offsetof(struct ovs_key_ipv6, ipv6_proto) == 36);
static_assert(offsetof(struct ovs_key_ipv6, ipv6_frag) == 39);
static_assert(offsetof(struct ovs_key_tcp, tcp_dst) == 2);
static_assert(offsetof(struct ovs_key_udp, udp_dst) == 2);
static_assert(offsetof(struct ovs_key_sctp, sctp_dst) == 2);
static_assert(offsetof(struct ovs_key_icmp, icmp_code) == 1);
static_assert(offsetof(struct ovs_key_icmpv6, icmpv6_code) == 1);
static_assert(sizeof(struct ovs_key_arp) == 24);
static_assert(offsetof(struct ovs_key_arp, arp_op) == 8);
static_assert(offsetof(struct ovs_key_arp, arp_sha) == 10);
static_assert(offsetof(struct ovs_key_arp, arp_tha) == 16);
static_assert(sizeof(struct ovs_key_nd) == 28);
static_assert(offsetof(struct ovs_key_nd, nd_sll) == 16);
static_assert(offsetof(struct ovs_key_nd, nd_tll) == 22);

const std::vector<OdpField>& fields() {
  static const std::vector<OdpField> table = [] {
    std::vector<OdpField> out;
    out.reserve(std::size(kRows));
    for (const Row& r : kRows)
      out.push_back(OdpField{r.attr, r.name, r.attr_type, r.in_tunnel,
                             r.offset, r.size, r.kind, r.shift, r.mask});
    return out;
  }();
  return table;
}

}  // namespace

const OdpField* find_odp_field(std::string_view attr, std::string_view name) {
  for (const OdpField& f : fields())
    if (f.attr == attr && f.name == name) return &f;
  return nullptr;
}

std::vector<std::string> odp_field_paths() {
  std::vector<std::string> out;
  out.reserve(fields().size());
  for (const OdpField& f : fields()) out.push_back(f.path());
  return out;
}

bool odp_attr_has_fields(std::string_view attr) {
  for (const OdpField& f : fields())
    if (f.attr == attr && !f.name.empty()) return true;
  return false;
}

}  // namespace ovsq::probes
