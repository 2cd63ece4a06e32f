// A flow's key under its mask (runtime/odp_flow_format.h), as
// `ovs-appctl dpctl/dump-flows` prints a flow's match.  The expected
// strings are OVS 3.5's: the first is what its dump-flows printed for the
// same flow on the userspace datapath; the others are what its
// odp_flow_format() (with the mask, verbose off, as dump-flows calls it)
// printed for the same key and mask bytes: `ovstest test-odp
// parse-wc-keys` where its parser can write the flow (the ODP text in each
// test's comment), and a scratch program linking OVS 3.5's lib/odp-util.c
// that formats raw bytes where it cannot (nsh, partial frag and recirc_id
// masks, attributes a mask lacks).  The keys and masks are laid out as
// ovs-vswitchd puts them in a ukey (odp_flow_key_from_flow/_from_mask,
// tun_key_to_attr: a tunnel's mask has every sub-attribute whose mask is
// not zero, the TTL always, a flag attribute when the flag is matched; no
// NLA_F_NESTED): geneve_key() is byte for byte what OVS's
// odp_flow_key_from_flow() writes for its tunnel.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <linux/openvswitch.h>

#include <cstdint>
#include <cstring>
#include <string>
#include <utility>

#include "odp_key_builder.h"
#include "runtime/odp_flow_format.h"

namespace ovsq {
namespace {

using namespace odp_test;

std::string flow(const Key& key, const Key& mask) {
  std::string out;
  runtime::format_odp_flow(out, key.data().data(), key.size(), key.size(), mask.data().data(),
                           mask.size(), mask.size());
  return out;
}

// The userspace datapath's key of an ICMP echo and its megaflow mask under
// the NORMAL action: exact on the port and the Ethernet header, the rest
// wildcarded but for the fragment type.
std::pair<Key, Key> icmp_flow() {
  Key key, mask;
  uint8_t zero16[16] = {};
  key.u32(OVS_KEY_ATTR_RECIRC_ID, 0).u32(OVS_KEY_ATTR_DP_HASH, 0).u32(OVS_KEY_ATTR_PRIORITY, 0)
      .u32(OVS_KEY_ATTR_IN_PORT, 2).u32(OVS_KEY_ATTR_SKB_MARK, 0).u32(OVS_KEY_ATTR_CT_STATE, 0)
      .u16(OVS_KEY_ATTR_CT_ZONE, 0).u32(OVS_KEY_ATTR_CT_MARK, 0).put(OVS_KEY_ATTR_CT_LABELS, zero16)
      .be32(OVS_KEY_ATTR_PACKET_TYPE, 0)
      .put(OVS_KEY_ATTR_ETHERNET, eth("02:00:00:00:00:01", "02:00:00:00:00:02"))
      .be16(OVS_KEY_ATTR_ETHERTYPE, 0x0800)
      .put(OVS_KEY_ATTR_IPV4, ipv4("172.31.0.1", "172.31.0.2", 1, 0, 64, OVS_FRAG_TYPE_NONE))
      .put(OVS_KEY_ATTR_ICMP, ovs_key_icmp{8, 0});
  ovs_key_ipv4 ip_mask{};
  ip_mask.ipv4_frag = 0xff;
  mask.u32(OVS_KEY_ATTR_RECIRC_ID, 0xffffffff).u32(OVS_KEY_ATTR_DP_HASH, 0)
      .u32(OVS_KEY_ATTR_PRIORITY, 0).u32(OVS_KEY_ATTR_IN_PORT, 0xffffffff)
      .u32(OVS_KEY_ATTR_SKB_MARK, 0).u32(OVS_KEY_ATTR_CT_STATE, 0).u16(OVS_KEY_ATTR_CT_ZONE, 0)
      .u32(OVS_KEY_ATTR_CT_MARK, 0).put(OVS_KEY_ATTR_CT_LABELS, zero16)
      .be32(OVS_KEY_ATTR_PACKET_TYPE, 0xffffffff)
      .put(OVS_KEY_ATTR_ETHERNET, eth("ff:ff:ff:ff:ff:ff", "ff:ff:ff:ff:ff:ff"))
      .be16(OVS_KEY_ATTR_ETHERTYPE, 0xffff).put(OVS_KEY_ATTR_IPV4, ip_mask)
      .put(OVS_KEY_ATTR_ICMP, ovs_key_icmp{0, 0});
  return {key, mask};
}

TEST(OdpFlow, AsDumpFlowsPrintsAMegaflow) {
  auto [key, mask] = icmp_flow();
  EXPECT_EQ(flow(key, mask),
            "recirc_id(0),in_port(2),packet_type(ns=0,id=0),"
            "eth(src=02:00:00:00:00:01,dst=02:00:00:00:00:02),eth_type(0x0800),ipv4(frag=no)");
}

TEST(OdpFlow, PartialMasks) {
  Key key, mask;
  ovs_key_ipv4 ip = ipv4("10.0.0.7", "10.1.0.1", 6, 0, 64, OVS_FRAG_TYPE_NONE);
  ovs_key_ipv4 ip_mask = ipv4("255.255.255.0", "0.0.0.0", 0xff, 0, 0, 0xff);
  key.u32(OVS_KEY_ATTR_IN_PORT, 3).u32(OVS_KEY_ATTR_CT_STATE, OVS_CS_F_ESTABLISHED | OVS_CS_F_TRACKED)
      .put(OVS_KEY_ATTR_ETHERNET, eth("02:00:00:00:00:01", "02:00:00:00:00:02"))
      .be16(OVS_KEY_ATTR_ETHERTYPE, 0x0800).put(OVS_KEY_ATTR_IPV4, ip)
      .put(OVS_KEY_ATTR_TCP, ovs_key_tcp{htons(10001), htons(443)})
      .be16(OVS_KEY_ATTR_TCP_FLAGS, 0x012);
  mask.u32(OVS_KEY_ATTR_IN_PORT, 0xffff)  // a partial port mask
      .u32(OVS_KEY_ATTR_CT_STATE, OVS_CS_F_ESTABLISHED | OVS_CS_F_TRACKED | OVS_CS_F_NEW)
      .put(OVS_KEY_ATTR_ETHERNET, eth("ff:ff:ff:00:00:00", "00:00:00:00:00:00"))
      .be16(OVS_KEY_ATTR_ETHERTYPE, 0xffff).put(OVS_KEY_ATTR_IPV4, ip_mask)
      .put(OVS_KEY_ATTR_TCP, ovs_key_tcp{0, htons(0xfff0)})
      .be16(OVS_KEY_ATTR_TCP_FLAGS, 0x002);
  EXPECT_EQ(flow(key, mask),
            "in_port(3/0xffff),ct_state(-new+est+trk),"  // -: masked, not set
            "eth(src=02:00:00:00:00:01/ff:ff:ff:00:00:00),eth_type(0x0800),"
            "ipv4(src=10.0.0.7/255.255.255.0,proto=6,frag=no),tcp(dst=443/0xfff0),"
            "tcp_flags(+syn)");
}

TEST(OdpFlow, WildcardedAttributes) {
  auto [key, ignored] = icmp_flow();
  // A mask with no attributes wildcards all: eth() stays (the packet is
  // Ethernet), packet_type goes, and so does everything else.
  Key empty_mask;
  empty_mask.u32(OVS_KEY_ATTR_RECIRC_ID, 0xffffffff);
  EXPECT_EQ(flow(key, empty_mask), "recirc_id(0),eth()");
  // First, a wildcarded eth() is not counted as printed by OVS: no comma
  // after it (odp_flow_format() of these bytes).
  Key eth_first, eth_first_mask;
  eth_first.put(OVS_KEY_ATTR_ETHERNET, eth("02:00:00:00:00:01", "02:00:00:00:00:02"))
      .be16(OVS_KEY_ATTR_ETHERTYPE, 0x0800);
  eth_first_mask.be16(OVS_KEY_ATTR_ETHERTYPE, 0xffff);
  EXPECT_EQ(flow(eth_first, eth_first_mask), "eth()eth_type(0x0800)");
  // No ethertype in the key, an exact one in the mask.
  Key bare, bare_mask;
  bare.u32(OVS_KEY_ATTR_IN_PORT, 1);
  bare_mask.u32(OVS_KEY_ATTR_IN_PORT, 0xffffffff).be16(OVS_KEY_ATTR_ETHERTYPE, 0xffff);
  EXPECT_EQ(flow(bare, bare_mask), "in_port(1),eth_type(0/0xffff)");
}

TEST(OdpFlow, VlanAndEncap) {
  Key inner, inner_mask, key, mask;
  inner.be16(OVS_KEY_ATTR_ETHERTYPE, 0x0800)
      .put(OVS_KEY_ATTR_IPV4, ipv4("10.0.0.1", "10.1.0.1", 17, 0, 64, OVS_FRAG_TYPE_NONE));
  ovs_key_ipv4 ip_mask{};
  ip_mask.ipv4_frag = 0xff;
  inner_mask.be16(OVS_KEY_ATTR_ETHERTYPE, 0xffff).put(OVS_KEY_ATTR_IPV4, ip_mask);
  key.put(OVS_KEY_ATTR_ETHERNET, eth("02:00:00:00:00:01", "02:00:00:00:00:02"))
      .be16(OVS_KEY_ATTR_ETHERTYPE, 0x8100).be16(OVS_KEY_ATTR_VLAN, 0x1000 | (3 << 13) | 100)
      .nest(OVS_KEY_ATTR_ENCAP, inner);
  mask.put(OVS_KEY_ATTR_ETHERNET, eth("ff:ff:ff:ff:ff:ff", "ff:ff:ff:ff:ff:ff"))
      .be16(OVS_KEY_ATTR_ETHERTYPE, 0xffff).be16(OVS_KEY_ATTR_VLAN, 0x1fff)  // pcp wildcarded
      .nest(OVS_KEY_ATTR_ENCAP, inner_mask);
  EXPECT_EQ(flow(key, mask),
            "eth(src=02:00:00:00:00:01,dst=02:00:00:00:00:02),eth_type(0x8100),"
            "vlan(vid=100,pcp=3/0x0),encap(eth_type(0x0800),ipv4(frag=no))");
  // An encap the mask lacks is printed as OVS prints a key without a mask
  // (verbose off): every field, but ct_mark's value left out.
  Key inner2, key2, mask2;
  inner2.be16(OVS_KEY_ATTR_ETHERTYPE, 0x0800).u32(OVS_KEY_ATTR_CT_MARK, 5);
  key2.put(OVS_KEY_ATTR_ETHERNET, eth("02:00:00:00:00:01", "02:00:00:00:00:02"))
      .be16(OVS_KEY_ATTR_ETHERTYPE, 0x8100).be16(OVS_KEY_ATTR_VLAN, 0x1000 | 100)
      .nest(OVS_KEY_ATTR_ENCAP, inner2);
  mask2.put(OVS_KEY_ATTR_ETHERNET, eth("ff:ff:ff:ff:ff:ff", "ff:ff:ff:ff:ff:ff"))
      .be16(OVS_KEY_ATTR_ETHERTYPE, 0xffff).be16(OVS_KEY_ATTR_VLAN, 0xffff);
  EXPECT_EQ(flow(key2, mask2),
            "eth(src=02:00:00:00:00:01,dst=02:00:00:00:00:02),eth_type(0x8100),"
            "vlan(vid=100,pcp=0),encap(eth_type(0x0800),ct_mark())");
}


// --- Tunnels ------------------------------------------------------------

constexpr uint16_t kGtpuOpts = 16;  // OVS's OVS_TUNNEL_KEY_ATTR_GTPU_OPTS

Key& ones(Key& k, uint16_t type, size_t n) {
  std::vector<uint8_t> bits(n, 0xff);
  return k.raw(type, bits.data(), n);
}
uint32_t addr4(const char* text) {
  uint32_t a = 0;
  set_ipv4(&a, text);
  return a;
}

// A Geneve tunnel's key as OVN's hypervisors receive it: VNI 42, one OVN
// option (class 0x102, type 0x80, 4 bytes) holding the ports.
const uint8_t kGeneveOpt[] = {0x01, 0x02, 0x80, 0x01, 0x00, 0x01, 0x00, 0x01};
Key geneve_key() {
  Key tun;
  tun.be64(OVS_TUNNEL_KEY_ATTR_ID, 0x2a)
      .put(OVS_TUNNEL_KEY_ATTR_IPV4_SRC, addr4("172.31.0.1"))
      .put(OVS_TUNNEL_KEY_ATTR_IPV4_DST, addr4("172.31.0.2"))
      .u8(OVS_TUNNEL_KEY_ATTR_TTL, 64)
      .flag(OVS_TUNNEL_KEY_ATTR_DONT_FRAGMENT)
      .flag(OVS_TUNNEL_KEY_ATTR_CSUM)
      .be16(OVS_TUNNEL_KEY_ATTR_TP_SRC, 49152)
      .be16(OVS_TUNNEL_KEY_ATTR_TP_DST, 6081)
      .raw(OVS_TUNNEL_KEY_ATTR_GENEVE_OPTS, kGeneveOpt, sizeof kGeneveOpt);
  Key k;
  k.nest(OVS_KEY_ATTR_TUNNEL, tun).u32(OVS_KEY_ATTR_IN_PORT, 3);
  return k;
}
Key with_port(const Key& tun_mask) {
  Key m;
  m.nest(OVS_KEY_ATTR_TUNNEL, tun_mask).u32(OVS_KEY_ATTR_IN_PORT, 0xffffffff);
  return m;
}
// The Geneve option's mask: its header matched (class 0xffff, type 0xff,
// length 0x1f), then `data`.
Key& geneve_mask(Key& tun, uint32_t data) {
  uint8_t opt[8] = {0xff, 0xff, 0xff, 0x1f};
  uint32_t be = htonl(data);
  std::memcpy(opt + 4, &be, 4);
  return tun.raw(OVS_TUNNEL_KEY_ATTR_GENEVE_OPTS, opt, sizeof opt);
}

TEST(OdpFlow, TunnelGeneveExact) {
  // tunnel(tun_id=0x2a,src=172.31.0.1,dst=172.31.0.2,ttl=64,tp_src=49152,
  // tp_dst=6081,geneve({class=0x102,type=0x80,len=4,0x10001}),
  // flags(df|csum|key)),in_port(3)
  Key tun;
  ones(tun, OVS_TUNNEL_KEY_ATTR_ID, 8);
  ones(tun, OVS_TUNNEL_KEY_ATTR_IPV4_SRC, 4);
  ones(tun, OVS_TUNNEL_KEY_ATTR_IPV4_DST, 4);
  ones(tun, OVS_TUNNEL_KEY_ATTR_TOS, 1);
  ones(tun, OVS_TUNNEL_KEY_ATTR_TTL, 1);
  tun.flag(OVS_TUNNEL_KEY_ATTR_DONT_FRAGMENT).flag(OVS_TUNNEL_KEY_ATTR_CSUM);
  ones(tun, OVS_TUNNEL_KEY_ATTR_TP_SRC, 2);
  ones(tun, OVS_TUNNEL_KEY_ATTR_TP_DST, 2);
  tun.flag(OVS_TUNNEL_KEY_ATTR_OAM);
  geneve_mask(tun, 0xffffffff);
  EXPECT_EQ(flow(geneve_key(), with_port(tun)),
            "tunnel(tun_id=0x2a,src=172.31.0.1,dst=172.31.0.2,ttl=64,tp_src=49152,tp_dst=6081,"
            "geneve({class=0x102,type=0x80,len=4,0x10001}),flags(df|csum|key)),in_port(3)");
}

TEST(OdpFlow, TunnelGenevePartlyMasked) {
  // As OVN's megaflows match: the TTL and the source port wildcarded, one
  // bit of the option's data too, oam not matched.
  // tunnel(tun_id=0x2a,src=172.31.0.1,dst=172.31.0.2,ttl=64/0,tp_src=49152/0,
  // tp_dst=6081,geneve({class=0x102,type=0x80,len=4,0x10001/0x7fffffff}),
  // flags(+df+csum+key)),in_port(3)
  Key tun;
  ones(tun, OVS_TUNNEL_KEY_ATTR_ID, 8);
  ones(tun, OVS_TUNNEL_KEY_ATTR_IPV4_SRC, 4);
  ones(tun, OVS_TUNNEL_KEY_ATTR_IPV4_DST, 4);
  tun.u8(OVS_TUNNEL_KEY_ATTR_TTL, 0)
      .flag(OVS_TUNNEL_KEY_ATTR_DONT_FRAGMENT)
      .flag(OVS_TUNNEL_KEY_ATTR_CSUM);
  ones(tun, OVS_TUNNEL_KEY_ATTR_TP_DST, 2);
  geneve_mask(tun, 0x7fffffff);
  EXPECT_EQ(flow(geneve_key(), with_port(tun)),
            "tunnel(tun_id=0x2a,src=172.31.0.1,dst=172.31.0.2,tp_dst=6081,"
            "geneve({class=0x102,type=0x80,len=4,0x10001/0x7fffffff}),flags(+df+csum+key)),"
            "in_port(3)");
  // A partial tunnel id and addresses: value/mask.
  Key partial;
  partial.be64(OVS_TUNNEL_KEY_ATTR_ID, 0xff)
      .put(OVS_TUNNEL_KEY_ATTR_IPV4_SRC, addr4("255.255.255.0"))
      .put(OVS_TUNNEL_KEY_ATTR_IPV4_DST, addr4("255.255.0.0"))
      .u8(OVS_TUNNEL_KEY_ATTR_TTL, 0xf0);
  EXPECT_EQ(flow(geneve_key(), with_port(partial)),
            "tunnel(tun_id=0x2a/0xff,src=172.31.0.1/255.255.255.0,dst=172.31.0.2/255.255.0.0,"
            "ttl=64/0xf0,geneve({}),flags(+key)),in_port(3)");
}

TEST(OdpFlow, TunnelWildcarded) {
  // The datapath's mask of a wildcarded tunnel has only its TTL, zero;
  // a mask without the tunnel wildcards it too.  The id's attribute still
  // makes the key flag matched (format_odp_tun_attr()).
  Key tun;
  tun.u8(OVS_TUNNEL_KEY_ATTR_TTL, 0);
  EXPECT_EQ(flow(geneve_key(), with_port(tun)), "tunnel(geneve({}),flags(+key)),in_port(3)");
  Key no_tunnel;
  no_tunnel.u32(OVS_KEY_ATTR_IN_PORT, 0xffffffff);
  EXPECT_EQ(flow(geneve_key(), no_tunnel), "tunnel(geneve({}),flags(+key)),in_port(3)");
  // Without an id in the key, nothing is left.
  Key plain, plain_tun;
  plain_tun.put(OVS_TUNNEL_KEY_ATTR_IPV4_DST, addr4("10.0.0.2")).u8(OVS_TUNNEL_KEY_ATTR_TTL, 64);
  plain.nest(OVS_KEY_ATTR_TUNNEL, plain_tun).u32(OVS_KEY_ATTR_IN_PORT, 1);
  EXPECT_EQ(flow(plain, no_tunnel), "tunnel(),in_port(1)");
}

TEST(OdpFlow, NoMaskIsExact) {
  // An unreadable mask (none): every field as exact.  (OVS's
  // odp_flow_format() with no mask, verbose off, would drop the tunnel id
  // and the ct_label value.)
  Key key = geneve_key();
  uint8_t label[16] = {1};
  key.raw(OVS_KEY_ATTR_CT_LABELS, label, sizeof label);
  EXPECT_EQ(flow(key, Key()),
            "tunnel(tun_id=0x2a,src=172.31.0.1,dst=172.31.0.2,ttl=64,tp_src=49152,tp_dst=6081,"
            "geneve({class=0x102,type=0x80,len=4,0x10001}),flags(df|csum|key)),in_port(3),"
            "ct_label(0x1)");
}

TEST(OdpFlow, TunnelGeneveOptions) {
  // Two options, the first without data; the second's data half masked.
  // tunnel(geneve({class=0xffff,type=0x1,len=0}{class=0x102,type=0x80,
  // len=8,0x1020304050607/0xffffffff00000000}))
  const uint8_t opts[] = {0xff, 0xff, 0x01, 0x00,                          //
                          0x01, 0x02, 0x80, 0x02, 0, 1, 2, 3, 4, 5, 6, 7};
  const uint8_t opts_mask[] = {0xff, 0xff, 0xff, 0x1f,  //
                               0xff, 0xff, 0xff, 0x1f, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0};
  // A header partly masked, its data wildcarded: the length's mask is
  // printed as the 5-bit field holds it (0x7), its value in bytes.
  const uint8_t one[] = {0x01, 0x02, 0x80, 0x01, 0, 0, 0, 0x0a};
  const uint8_t one_mask[] = {0xff, 0xff, 0xf0, 0x07, 0, 0, 0, 0};
  Key key, mask, key1, mask1;
  key.nest(OVS_KEY_ATTR_TUNNEL, Key().raw(OVS_TUNNEL_KEY_ATTR_GENEVE_OPTS, opts, sizeof opts));
  mask.nest(OVS_KEY_ATTR_TUNNEL,
            Key().raw(OVS_TUNNEL_KEY_ATTR_GENEVE_OPTS, opts_mask, sizeof opts_mask));
  EXPECT_EQ(flow(key, mask), "tunnel(geneve({class=0xffff,type=0x1,len=0}"
                             "{class=0x102,type=0x80,len=8,0x1020304050607/0xffffffff00000000}))");
  key1.nest(OVS_KEY_ATTR_TUNNEL, Key().raw(OVS_TUNNEL_KEY_ATTR_GENEVE_OPTS, one, sizeof one));
  mask1.nest(OVS_KEY_ATTR_TUNNEL,
             Key().raw(OVS_TUNNEL_KEY_ATTR_GENEVE_OPTS, one_mask, sizeof one_mask));
  EXPECT_EQ(flow(key1, mask1), "tunnel(geneve({class=0x102,type=0x80/0xf0,len=4/0x7}))");
  // A mask of another size than the options.
  Key short_mask;
  short_mask.nest(OVS_KEY_ATTR_TUNNEL,
                  Key().raw(OVS_TUNNEL_KEY_ATTR_GENEVE_OPTS, one_mask, 4));
  EXPECT_EQ(flow(key1, short_mask), "tunnel(geneve(value len 8 different from mask len 4))");
}

// Under a mask too, Geneve options cut short print OVS's words for them.
TEST(OdpFlow, TunnelGeneveCutShort) {
  const uint8_t opts[] = {0xff, 0xff, 0x01, 0x00, 0x01, 0x02};
  const uint8_t opts_mask[] = {0xff, 0xff, 0xff, 0x1f, 0xff, 0xff};
  Key key, mask;
  key.nest(OVS_KEY_ATTR_TUNNEL, Key().raw(OVS_TUNNEL_KEY_ATTR_GENEVE_OPTS, opts, sizeof opts));
  mask.nest(OVS_KEY_ATTR_TUNNEL,
            Key().raw(OVS_TUNNEL_KEY_ATTR_GENEVE_OPTS, opts_mask, sizeof opts_mask));
  EXPECT_EQ(flow(key, mask),
            "tunnel(geneve({class=0xffff,type=0x1,len=0}opt len 2 less than minimum 4))");
}

TEST(OdpFlow, TunnelIpv6Vxlan) {
  // tunnel(tun_id=0x2a,ipv6_src=2001:db8::1,ipv6_dst=2001:db8::2/ffff:ffff::,
  // tos=0x3/0xfc,ttl=64,tp_src=49152/0xff00,tp_dst=4789,
  // vxlan(gbp(id=10,flags=0x1)),flags(+key)),in_port(3)
  uint8_t src[16], dst[16], dst_mask[16] = {0xff, 0xff, 0xff, 0xff};
  set_ipv6(src, "2001:db8::1");
  set_ipv6(dst, "2001:db8::2");
  Key tun, vxlan, tun_mask, vxlan_mask;
  vxlan.u32(OVS_VXLAN_EXT_GBP, 1u << 16 | 10);
  tun.be64(OVS_TUNNEL_KEY_ATTR_ID, 0x2a)
      .raw(OVS_TUNNEL_KEY_ATTR_IPV6_SRC, src, 16)
      .raw(OVS_TUNNEL_KEY_ATTR_IPV6_DST, dst, 16)
      .u8(OVS_TUNNEL_KEY_ATTR_TOS, 3)
      .u8(OVS_TUNNEL_KEY_ATTR_TTL, 64)
      .be16(OVS_TUNNEL_KEY_ATTR_TP_SRC, 49152)
      .be16(OVS_TUNNEL_KEY_ATTR_TP_DST, 4789)
      .nest(OVS_TUNNEL_KEY_ATTR_VXLAN_OPTS, vxlan);
  vxlan_mask.u32(OVS_VXLAN_EXT_GBP, 0x00ffffff);
  ones(tun_mask, OVS_TUNNEL_KEY_ATTR_ID, 8);
  ones(tun_mask, OVS_TUNNEL_KEY_ATTR_IPV6_SRC, 16);
  tun_mask.raw(OVS_TUNNEL_KEY_ATTR_IPV6_DST, dst_mask, 16)
      .u8(OVS_TUNNEL_KEY_ATTR_TOS, 0xfc)
      .u8(OVS_TUNNEL_KEY_ATTR_TTL, 0xff)
      .be16(OVS_TUNNEL_KEY_ATTR_TP_SRC, 0xff00)
      .be16(OVS_TUNNEL_KEY_ATTR_TP_DST, 0xffff)
      .nest(OVS_TUNNEL_KEY_ATTR_VXLAN_OPTS, vxlan_mask);
  Key key;
  key.nest(OVS_KEY_ATTR_TUNNEL, tun).u32(OVS_KEY_ATTR_IN_PORT, 3);
  EXPECT_EQ(flow(key, with_port(tun_mask)),
            "tunnel(tun_id=0x2a,ipv6_src=2001:db8::1,ipv6_dst=2001:db8::2/ffff:ffff::,"
            "tos=0x3/0xfc,ttl=64,tp_src=49152/0xff00,tp_dst=4789,vxlan(gbp(id=10,flags=0x1)),"
            "flags(+key)),in_port(3)");
  // The group policy id partly masked, its flags wildcarded; and a vxlan
  // the mask lacks.
  Key vxlan_partial, tun_partial;
  vxlan_partial.u32(OVS_VXLAN_EXT_GBP, 0x000f);
  tun_partial.nest(OVS_TUNNEL_KEY_ATTR_VXLAN_OPTS, vxlan_partial);
  EXPECT_EQ(flow(key, with_port(tun_partial)),
            "tunnel(vxlan(gbp(id=10/0xf)),flags(+key)),in_port(3)");
  EXPECT_EQ(flow(key, with_port(Key())), "tunnel(vxlan(gbp()),flags(+key)),in_port(3)");
}

TEST(OdpFlow, TunnelErspanAndGtpu) {
  // erspan(ver=1,idx=0x7/0xf): the index is always printed with its mask.
  uint8_t v1[12] = {1, 0, 0, 0, 0, 0, 0, 7};
  uint8_t v1_mask[12] = {0xff, 0, 0, 0, 0, 0, 0, 0x0f};
  Key key1, mask1;
  key1.nest(OVS_KEY_ATTR_TUNNEL, Key().raw(OVS_TUNNEL_KEY_ATTR_ERSPAN_OPTS, v1, sizeof v1));
  mask1.nest(OVS_KEY_ATTR_TUNNEL,
             Key().raw(OVS_TUNNEL_KEY_ATTR_ERSPAN_OPTS, v1_mask, sizeof v1_mask));
  EXPECT_EQ(flow(key1, mask1), "tunnel(erspan(ver=1,idx=0x7/0xf))");
  v1_mask[4] = v1_mask[5] = v1_mask[6] = v1_mask[7] = 0xff;
  Key exact1;
  exact1.nest(OVS_KEY_ATTR_TUNNEL,
              Key().raw(OVS_TUNNEL_KEY_ATTR_ERSPAN_OPTS, v1_mask, sizeof v1_mask));
  EXPECT_EQ(flow(key1, exact1), "tunnel(erspan(ver=1,idx=0x7/0xffffffff))");
  // erspan(ver=2,dir=1,hwid=0x7/0xf): direction and hardware id in the
  // last byte's bits 3 and 4-7; a one-bit field's full mask is 0x1.
  uint8_t v2[12] = {2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x7 << 4 | 1 << 3};
  uint8_t v2_mask[12] = {0xff, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xf8};
  Key key2, mask2;
  key2.nest(OVS_KEY_ATTR_TUNNEL, Key().raw(OVS_TUNNEL_KEY_ATTR_ERSPAN_OPTS, v2, sizeof v2));
  mask2.nest(OVS_KEY_ATTR_TUNNEL,
             Key().raw(OVS_TUNNEL_KEY_ATTR_ERSPAN_OPTS, v2_mask, sizeof v2_mask));
  EXPECT_EQ(flow(key2, mask2), "tunnel(erspan(ver=2,dir=1/0x1,hwid=0x7/0xf))");
  EXPECT_EQ(flow(key2, with_port(Key())), "tunnel(erspan())");
  // gtpu(flags=0x30,msgtype=255), partly masked, wildcarded.
  uint8_t gtpu[2] = {0x30, 255}, exact[2] = {0xff, 0xff}, partial[2] = {0xf0, 0};
  Key key3, mask3, mask4;
  key3.nest(OVS_KEY_ATTR_TUNNEL, Key().raw(kGtpuOpts, gtpu, 2));
  mask3.nest(OVS_KEY_ATTR_TUNNEL, Key().raw(kGtpuOpts, exact, 2));
  mask4.nest(OVS_KEY_ATTR_TUNNEL, Key().raw(kGtpuOpts, partial, 2));
  EXPECT_EQ(flow(key3, mask3), "tunnel(gtpu(flags=0x30,msgtype=255))");
  EXPECT_EQ(flow(key3, mask4), "tunnel(gtpu(flags=0x30/0xf0))");
  EXPECT_EQ(flow(key3, with_port(Key())), "tunnel(gtpu())");
}

TEST(OdpFlow, TunnelFlags) {
  // flags(oam|key) exact needs all four flags in the mask; with none of
  // them the key flag alone is matched (by the id's mask).
  Key tun, all_flags;
  tun.be64(OVS_TUNNEL_KEY_ATTR_ID, 1).flag(OVS_TUNNEL_KEY_ATTR_OAM);
  ones(all_flags, OVS_TUNNEL_KEY_ATTR_ID, 8);
  all_flags.flag(OVS_TUNNEL_KEY_ATTR_DONT_FRAGMENT)
      .flag(OVS_TUNNEL_KEY_ATTR_CSUM)
      .flag(OVS_TUNNEL_KEY_ATTR_OAM);
  Key key;
  key.nest(OVS_KEY_ATTR_TUNNEL, tun);
  Key mask, mask_df;
  mask.nest(OVS_KEY_ATTR_TUNNEL, all_flags);
  EXPECT_EQ(flow(key, mask), "tunnel(tun_id=0x1,flags(oam|key))");
  Key only_df;
  ones(only_df, OVS_TUNNEL_KEY_ATTR_ID, 8);
  only_df.flag(OVS_TUNNEL_KEY_ATTR_DONT_FRAGMENT);
  mask_df.nest(OVS_KEY_ATTR_TUNNEL, only_df);
  EXPECT_EQ(flow(key, mask_df), "tunnel(tun_id=0x1,flags(-df+key))");
}

TEST(OdpFlow, TunnelOddSubAttributes) {
  // An attribute OVS does not know (17), a vxlan extension it does not
  // know (2), under their masks: bytes/mask bytes.
  Key vxlan, tun, vxlan_mask, tun_mask;
  uint8_t bytes[2] = {0xde, 0xad}, bits[2] = {0xff, 0x00};
  vxlan.flag(2).u32(OVS_VXLAN_EXT_GBP, 1u << 16 | 10);
  tun.be64(OVS_TUNNEL_KEY_ATTR_ID, 1)
      .nest(OVS_TUNNEL_KEY_ATTR_VXLAN_OPTS, vxlan)
      .raw(17, bytes, 2);
  vxlan_mask.u32(OVS_VXLAN_EXT_GBP, 0xffffffff);
  ones(tun_mask, OVS_TUNNEL_KEY_ATTR_ID, 8);
  tun_mask.nest(OVS_TUNNEL_KEY_ATTR_VXLAN_OPTS, vxlan_mask).raw(17, bits, 2);
  Key key, mask;
  key.nest(OVS_KEY_ATTR_TUNNEL, tun);
  mask.nest(OVS_KEY_ATTR_TUNNEL, tun_mask);
  EXPECT_EQ(flow(key, mask),
            "tunnel(tun_id=0x1,vxlan(key2(),gbp(id=10,flags=0x1)),key17(de ad/ff 00),flags(+key))");
  // Whether an unknown sub-attribute's mask is exact OVS asks by its type
  // read as an OVS_KEY_ATTR_* one: for 19 (dp_hash) every byte of none
  // is, for 40 (no such type) nothing is.
  Key empties, empties_mask;
  empties.flag(19).flag(40);
  empties_mask.flag(19).flag(40);
  Key ekey, emask;
  ekey.nest(OVS_KEY_ATTR_TUNNEL, empties);
  emask.nest(OVS_KEY_ATTR_TUNNEL, empties_mask);
  EXPECT_EQ(flow(ekey, emask), "tunnel(key19(),key40(/))");
  // A sub-attribute's mask of the wrong size (ovsq's spelling; OVS's
  // check_attr_len() leaves the parentheses open).
  Key bad_tun, bad_mask;
  bad_tun.u16(OVS_TUNNEL_KEY_ATTR_TTL, 0xffff);
  bad_mask.nest(OVS_KEY_ATTR_TUNNEL, bad_tun);
  Key ttl_key;
  ttl_key.nest(OVS_KEY_ATTR_TUNNEL, Key().u8(OVS_TUNNEL_KEY_ATTR_TTL, 64));
  EXPECT_EQ(flow(ttl_key, bad_mask), "tunnel(key4(40/(bad mask length 2, expected 1)(ff ff)))");
}

// --- MPLS, conntrack, NSH -----------------------------------------------

uint32_t lse(uint32_t label, uint32_t tc, uint32_t bos, uint32_t ttl) {
  return htonl(label << 12 | tc << 9 | bos << 8 | ttl);
}

TEST(OdpFlow, Mpls) {
  // in_port(1),eth_type(0x8847),mpls(label=100,tc=7,ttl=64,bos=0,
  // label=200/0xff,tc=1,ttl=3,bos=1): a mask not all ones shows every
  // field's mask, zeros too; an all-zero mask leaves mpls out.
  uint32_t two[2] = {lse(100, 7, 0, 64), lse(200, 1, 1, 3)};
  uint32_t exact[2] = {0xffffffff, 0xffffffff};
  uint32_t partial[2] = {0xffffffff, lse(0xff, 7, 1, 0xff)};
  uint32_t one_partial[1] = {lse(0xfffff, 0, 1, 0)};
  uint32_t none[2] = {0, 0};
  auto key_of = [](const void* mpls, size_t len) {
    Key k;
    k.u32(OVS_KEY_ATTR_IN_PORT, 1).be16(OVS_KEY_ATTR_ETHERTYPE, 0x8847)
        .raw(OVS_KEY_ATTR_MPLS, mpls, len);
    return k;
  };
  auto mask_of = [](const void* mpls, size_t len) {
    Key k;
    k.u32(OVS_KEY_ATTR_IN_PORT, 0xffffffff).be16(OVS_KEY_ATTR_ETHERTYPE, 0xffff)
        .raw(OVS_KEY_ATTR_MPLS, mpls, len);
    return k;
  };
  Key key = key_of(two, sizeof two);
  EXPECT_EQ(flow(key, mask_of(exact, sizeof exact)),
            "in_port(1),eth_type(0x8847),mpls(label=100,tc=7,ttl=64,bos=0,"
            "label=200,tc=1,ttl=3,bos=1)");
  EXPECT_EQ(flow(key, mask_of(partial, sizeof partial)),
            "in_port(1),eth_type(0x8847),mpls(label=100/0xfffff,tc=7/7,ttl=64/0xff,bos=0/1,"
            "label=200/0xff,tc=1/7,ttl=3/0xff,bos=1/1)");
  EXPECT_EQ(flow(key, mask_of(none, sizeof none)), "in_port(1),eth_type(0x8847)");
  uint32_t one[1] = {lse(100, 7, 1, 64)};
  EXPECT_EQ(flow(key_of(one, sizeof one), mask_of(one_partial, sizeof one_partial)),
            "in_port(1),eth_type(0x8847),mpls(label=100/0xfffff,tc=7/0,ttl=64/0x0,bos=1/1)");
  // Key and mask of different sizes (a mask of all ones would be exact).
  EXPECT_EQ(flow(key, mask_of(&partial[1], 4)),
            "in_port(1),eth_type(0x8847),mpls((key length 8 != mask length 4))");
}

ovs_key_ct_tuple_ipv4 tuple4(const char* src, const char* dst, uint8_t proto, uint16_t sport,
                             uint16_t dport) {
  ovs_key_ct_tuple_ipv4 t{};
  set_ipv4(&t.ipv4_src, src);
  set_ipv4(&t.ipv4_dst, dst);
  t.ipv4_proto = proto;
  t.src_port = htons(sport);
  t.dst_port = htons(dport);
  return t;
}
ovs_key_ct_tuple_ipv6 tuple6(const char* src, const char* dst, uint8_t proto, uint16_t sport,
                             uint16_t dport) {
  ovs_key_ct_tuple_ipv6 t{};
  set_ipv6(t.ipv6_src, src);
  set_ipv6(t.ipv6_dst, dst);
  t.ipv6_proto = proto;
  t.src_port = htons(sport);
  t.dst_port = htons(dport);
  return t;
}

TEST(OdpFlow, Conntrack) {
  // ct_state(-new+est+trk),ct_zone(0x5/0xff),ct_mark(0x10305070/0xf0f0f0f0),
  // ct_label(0x1234567890abcdef1234567890abcdef/0x102030405060708090a0b0c0d0e0f0),
  // ct_tuple4(src=10.10.10.10/255.255.255.0,dst=20.20.20.20,proto=17,
  // tp_src=1/0,tp_dst=2/0xff),in_port(1)
  uint8_t label[16], label_mask[16];
  for (int i = 0; i < 16; ++i) {  // host-order u128s, low byte first
    label[i] = "\x12\x34\x56\x78\x90\xab\xcd\xef"[(15 - i) % 8];
    label_mask[i] = static_cast<uint8_t>(15 - i);
  }
  Key key, exact, partial, wild;
  key.u32(OVS_KEY_ATTR_CT_STATE, OVS_CS_F_ESTABLISHED | OVS_CS_F_TRACKED)
      .u16(OVS_KEY_ATTR_CT_ZONE, 5)
      .u32(OVS_KEY_ATTR_CT_MARK, 0x10305070)
      .raw(OVS_KEY_ATTR_CT_LABELS, label, 16)
      .put(OVS_KEY_ATTR_CT_ORIG_TUPLE_IPV4, tuple4("10.10.10.10", "20.20.20.20", 17, 1, 2))
      .u32(OVS_KEY_ATTR_IN_PORT, 1);
  exact.u32(OVS_KEY_ATTR_CT_STATE, 0xffffffff).u16(OVS_KEY_ATTR_CT_ZONE, 0xffff);
  ones(exact, OVS_KEY_ATTR_CT_MARK, 4);
  ones(exact, OVS_KEY_ATTR_CT_LABELS, 16);
  ones(exact, OVS_KEY_ATTR_CT_ORIG_TUPLE_IPV4, sizeof(ovs_key_ct_tuple_ipv4));
  exact.u32(OVS_KEY_ATTR_IN_PORT, 0xffffffff);
  EXPECT_EQ(flow(key, exact),
            "ct_state(est|trk),ct_zone(0x5),ct_mark(0x10305070),"
            "ct_label(0x1234567890abcdef1234567890abcdef),"
            "ct_tuple4(src=10.10.10.10,dst=20.20.20.20,proto=17,tp_src=1,tp_dst=2),in_port(1)");
  partial.u32(OVS_KEY_ATTR_CT_STATE, OVS_CS_F_NEW | OVS_CS_F_ESTABLISHED | OVS_CS_F_TRACKED)
      .u16(OVS_KEY_ATTR_CT_ZONE, 0xff)
      .u32(OVS_KEY_ATTR_CT_MARK, 0xf0f0f0f0)
      .raw(OVS_KEY_ATTR_CT_LABELS, label_mask, 16)
      .put(OVS_KEY_ATTR_CT_ORIG_TUPLE_IPV4, tuple4("255.255.255.0", "255.255.255.255", 0xff, 0, 0xff))
      .u32(OVS_KEY_ATTR_IN_PORT, 0xffffffff);
  EXPECT_EQ(flow(key, partial),
            "ct_state(-new+est+trk),ct_zone(0x5/0xff),ct_mark(0x10305070/0xf0f0f0f0),"
            "ct_label(0x1234567890abcdef1234567890abcdef/0x102030405060708090a0b0c0d0e0f),"
            "ct_tuple4(src=10.10.10.10/255.255.255.0,dst=20.20.20.20,proto=17,tp_dst=2/0xff),"
            "in_port(1)");
  uint8_t zeros[16] = {};
  wild.u32(OVS_KEY_ATTR_CT_STATE, 0).u16(OVS_KEY_ATTR_CT_ZONE, 0).u32(OVS_KEY_ATTR_CT_MARK, 0)
      .raw(OVS_KEY_ATTR_CT_LABELS, zeros, 16)
      .put(OVS_KEY_ATTR_CT_ORIG_TUPLE_IPV4, tuple4("0.0.0.0", "0.0.0.0", 0, 0, 0))
      .u32(OVS_KEY_ATTR_IN_PORT, 0xffffffff);
  EXPECT_EQ(flow(key, wild), "in_port(1)");
  // The ports alone; and a mask with only the struct's padding set is
  // all wildcard (odp_mask_is_constant__ looks up to the protocol, the
  // last field).
  Key ports_only, padding_only;
  ports_only.put(OVS_KEY_ATTR_CT_ORIG_TUPLE_IPV4, tuple4("0.0.0.0", "0.0.0.0", 0, 0, 0xffff))
      .u32(OVS_KEY_ATTR_IN_PORT, 0xffffffff);
  EXPECT_EQ(flow(key, ports_only), "ct_tuple4(tp_dst=2),in_port(1)");
  uint8_t padding[sizeof(ovs_key_ct_tuple_ipv4)] = {};
  padding[sizeof padding - 1] = 0xff;
  padding_only.raw(OVS_KEY_ATTR_CT_ORIG_TUPLE_IPV4, padding, sizeof padding)
      .u32(OVS_KEY_ATTR_IN_PORT, 0xffffffff);
  EXPECT_EQ(flow(key, padding_only), "in_port(1)");
}

TEST(OdpFlow, ConntrackTupleIpv6) {
  // ct_tuple6(src=2001:db8::1/ffff::,dst=2001:db8::2,proto=6,tp_src=5000/0,
  // tp_dst=80/0xfff0),in_port(1): printed with src_port and dst_port.
  Key key, exact, partial, wild;
  key.put(OVS_KEY_ATTR_CT_ORIG_TUPLE_IPV6, tuple6("2001:db8::1", "2001:db8::2", 6, 5000, 80))
      .u32(OVS_KEY_ATTR_IN_PORT, 1);
  ones(exact, OVS_KEY_ATTR_CT_ORIG_TUPLE_IPV6, sizeof(ovs_key_ct_tuple_ipv6));
  exact.u32(OVS_KEY_ATTR_IN_PORT, 0xffffffff);
  EXPECT_EQ(flow(key, exact), "ct_tuple6(src=2001:db8::1,dst=2001:db8::2,proto=6,"
                              "src_port=5000,dst_port=80),in_port(1)");
  partial.put(OVS_KEY_ATTR_CT_ORIG_TUPLE_IPV6,
              tuple6("ffff::", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", 0xff, 0, 0xfff0))
      .u32(OVS_KEY_ATTR_IN_PORT, 0xffffffff);
  EXPECT_EQ(flow(key, partial), "ct_tuple6(src=2001:db8::1/ffff::,dst=2001:db8::2,proto=6,"
                                "dst_port=80/0xfff0),in_port(1)");
  wild.put(OVS_KEY_ATTR_CT_ORIG_TUPLE_IPV6, tuple6("::", "::", 0, 0, 0))
      .u32(OVS_KEY_ATTR_IN_PORT, 0xffffffff);
  EXPECT_EQ(flow(key, wild), "in_port(1)");
}

Key nsh(uint8_t mdtype, const uint8_t base_mask[8] = nullptr, const uint32_t* md1_mask = nullptr) {
  ovs_nsh_key_base base{};
  base.ttl = 63;
  base.mdtype = mdtype;
  base.np = 3;
  base.path_hdr = htonl(0x64 << 8 | 255);
  uint32_t md1[4] = {htonl(1), htonl(2), htonl(3), htonl(0xdeadbeef)};
  Key inner;
  if (base_mask) {
    inner.raw(OVS_NSH_KEY_ATTR_BASE, base_mask, 8);
  } else {
    inner.put(OVS_NSH_KEY_ATTR_BASE, base);
    if (mdtype == 1) inner.raw(OVS_NSH_KEY_ATTR_MD1, md1, sizeof md1);
  }
  if (md1_mask) inner.raw(OVS_NSH_KEY_ATTR_MD1, md1_mask, 16);
  Key k;
  k.nest(OVS_KEY_ATTR_NSH, inner);
  return k;
}

TEST(OdpFlow, Nsh) {
  // OVS's parser reads no nsh(...) key: these are odp_flow_format() of the
  // bytes.
  uint8_t all[8] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
  uint32_t all_md1[4] = {0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff};
  EXPECT_EQ(flow(nsh(1), nsh(1, all, all_md1)),
            "nsh(flags=0,ttl=63,mdtype=1,np=3,spi=0x64,si=255,"
            "c1=0x1,c2=0x2,c3=0x3,c4=0xdeadbeef)");
  // Partly masked: "0xNN/0xNN" for a byte, "/0x%08x" for a word.
  uint8_t some[8] = {0, 0xc0, 0xff, 0xff, 0, 0, 0xff, 0};
  uint32_t some_md1[4] = {0, htonl(0xffff), 0xffffffff, 0};
  EXPECT_EQ(flow(nsh(1), nsh(1, some, some_md1)),
            "nsh(ttl=0x3f/0xc0,mdtype=1,np=3,spi=0x64/0x000000ff,c2=0x2/0x0000ffff,c3=0x3)");
  uint8_t none[8] = {};
  uint32_t none_md1[4] = {};
  EXPECT_EQ(flow(nsh(1), nsh(1, none, none_md1)), "nsh()");
  // A sub-attribute the mask lacks is exact; so is an nsh it lacks.
  EXPECT_EQ(flow(nsh(1), nsh(1, none)), "nsh(c1=0x1,c2=0x2,c3=0x3,c4=0xdeadbeef)");
  Key no_nsh;
  no_nsh.u32(OVS_KEY_ATTR_IN_PORT, 0);
  EXPECT_EQ(flow(nsh(1), no_nsh), "nsh(flags=0,ttl=63,mdtype=1,np=3,spi=0x64,si=255,"
                                  "c1=0x1,c2=0x2,c3=0x3,c4=0xdeadbeef)");
  // MD type 2 has no context words: under a mask, zeros (OVS's).
  EXPECT_EQ(flow(nsh(2), nsh(2, all)),
            "nsh(flags=0,ttl=63,mdtype=2,np=3,spi=0x64,si=255,c1=0x0,c2=0x0,c3=0x0,c4=0x0)");
}

// --- Metadata, L2 and L3 partial masks --------------------------------------

TEST(OdpFlow, MetadataMasks) {
  // recirc_id(0x5/0xf),dp_hash(0x1234/0xff00),skb_priority(0x2/0x3),
  // in_port(5/0xff); skb_mark(0x1/0) left out.
  Key key, mask, exact;
  key.u32(OVS_KEY_ATTR_RECIRC_ID, 5).u32(OVS_KEY_ATTR_DP_HASH, 0x1234)
      .u32(OVS_KEY_ATTR_SKB_MARK, 1).u32(OVS_KEY_ATTR_PRIORITY, 2).u32(OVS_KEY_ATTR_IN_PORT, 5);
  mask.u32(OVS_KEY_ATTR_RECIRC_ID, 0xf).u32(OVS_KEY_ATTR_DP_HASH, 0xff00)
      .u32(OVS_KEY_ATTR_SKB_MARK, 0).u32(OVS_KEY_ATTR_PRIORITY, 3).u32(OVS_KEY_ATTR_IN_PORT, 0xff);
  EXPECT_EQ(flow(key, mask),
            "recirc_id(0x5/0xf),dp_hash(0x1234/0xff00),skb_priority(0x2/0x3),in_port(5/0xff)");
  exact.u32(OVS_KEY_ATTR_RECIRC_ID, 0xffffffff).u32(OVS_KEY_ATTR_DP_HASH, 0xffffffff)
      .u32(OVS_KEY_ATTR_SKB_MARK, 0xffffffff).u32(OVS_KEY_ATTR_PRIORITY, 0xffffffff)
      .u32(OVS_KEY_ATTR_IN_PORT, 0xffffffff);
  EXPECT_EQ(flow(key, exact),
            "recirc_id(0x5),dp_hash(0x1234),skb_mark(0x1),skb_priority(0x2),in_port(5)");
}

TEST(OdpFlow, PacketTypeVlanAndFrag) {
  // packet_type(ns=1,id=0x800/0xff00), then wildcarded: eth() is back.
  Key key, partial, wild;
  key.u32(OVS_KEY_ATTR_IN_PORT, 1).be32(OVS_KEY_ATTR_PACKET_TYPE, 1u << 16 | 0x0800)
      .put(OVS_KEY_ATTR_ETHERNET, eth("00:00:00:00:00:00", "00:00:00:00:00:00"))
      .be16(OVS_KEY_ATTR_ETHERTYPE, 0x0800)
      .put(OVS_KEY_ATTR_IPV4, ipv4("10.0.0.1", "10.0.0.2", 6, 0, 64, OVS_FRAG_TYPE_LATER));
  ovs_key_ipv4 ip_mask = ipv4("255.255.255.255", "0.0.0.0", 0, 0, 0, 0x0f);
  partial.u32(OVS_KEY_ATTR_IN_PORT, 0xffffffff).be32(OVS_KEY_ATTR_PACKET_TYPE, 0xffffff00)
      .be16(OVS_KEY_ATTR_ETHERTYPE, 0xffff).put(OVS_KEY_ATTR_IPV4, ip_mask);
  // A partial fragment mask is an error in OVS's text.
  EXPECT_EQ(flow(key, partial),
            "in_port(1),packet_type(ns=1,id=0x800/0xff00),eth_type(0x0800),"
            "ipv4(src=10.0.0.1,error: partial mask not supported for frag (0xf))");
  wild.u32(OVS_KEY_ATTR_IN_PORT, 0xffffffff).be32(OVS_KEY_ATTR_PACKET_TYPE, 0)
      .be16(OVS_KEY_ATTR_ETHERTYPE, 0xffff);
  EXPECT_EQ(flow(key, wild), "in_port(1),eth(),eth_type(0x0800)");
  // vlan(vid=99/0,pcp=7/0,cfi=1/0): all wildcarded, vlan is left out.
  Key vkey, vmask;
  vkey.put(OVS_KEY_ATTR_ETHERNET, eth("00:01:02:03:04:05", "10:11:12:13:14:15"))
      .be16(OVS_KEY_ATTR_ETHERTYPE, 0x8100).be16(OVS_KEY_ATTR_VLAN, 0x1000 | 7 << 13 | 99);
  ones(vmask, OVS_KEY_ATTR_ETHERNET, 12).be16(OVS_KEY_ATTR_ETHERTYPE, 0xffff)
      .be16(OVS_KEY_ATTR_VLAN, 0);
  EXPECT_EQ(flow(vkey, vmask),
            "eth(src=00:01:02:03:04:05,dst=10:11:12:13:14:15),eth_type(0x8100)");
}

TEST(OdpFlow, NdExtensions) {
  // nd_ext(nd_reserved=0x20000000,nd_options_type=2): the reserved word is
  // printed whatever its mask.
  auto ext = [](uint32_t reserved, uint8_t type) {
    uint8_t b[8] = {};
    uint32_t be = htonl(reserved);
    std::memcpy(b, &be, 4);
    b[4] = type;
    return Key().raw(OVS_KEY_ATTR_ND_EXTENSIONS, b, sizeof b);
  };
  Key key = ext(0x20000000, 2);
  EXPECT_EQ(flow(key, ext(0xffffffff, 0xff)), "nd_ext(nd_reserved=0x20000000,nd_options_type=2)");
  EXPECT_EQ(flow(key, ext(0, 0x0f)), "nd_ext(nd_reserved=0x20000000,nd_options_type=2/0xf)");
  EXPECT_EQ(flow(key, ext(0, 0)), "");
  EXPECT_EQ(flow(key, ext(0xff, 0)), "nd_ext(nd_reserved=0x20000000)");
}

TEST(OdpFlow, UnknownAttributesAndBadMasks) {
  // An attribute type OVS does not know: bytes/mask bytes (all but a mask
  // of all ones: OVS never takes its mask as exact); left out when the mask
  // lacks it.
  uint8_t bytes[4] = {0xde, 0xad, 0xbe, 0xef}, bits[4] = {0xff, 0, 0, 0};
  Key key, mask, no_mask;
  key.u32(OVS_KEY_ATTR_IN_PORT, 1).raw(40, bytes, 4);
  mask.u32(OVS_KEY_ATTR_IN_PORT, 0xffffffff).raw(40, bits, 4);
  no_mask.u32(OVS_KEY_ATTR_IN_PORT, 0xffffffff);
  EXPECT_EQ(flow(key, mask), "in_port(1),key40(de ad be ef/ff 00 00 00)");
  EXPECT_EQ(flow(key, no_mask), "in_port(1)");
  // A mask of the wrong size (ovsq's spelling: OVS drops the name and the
  // comma, "in_port(1)07 00 00 00/(bad mask length 2, expected 4)(ff ff)").
  Key key2, mask2;
  key2.u32(OVS_KEY_ATTR_IN_PORT, 1).u32(OVS_KEY_ATTR_PRIORITY, 7);
  mask2.u32(OVS_KEY_ATTR_IN_PORT, 0xffffffff).u16(OVS_KEY_ATTR_PRIORITY, 0xffff);
  EXPECT_EQ(flow(key2, mask2),
            "in_port(1),key2(07 00 00 00/(bad mask length 2, expected 4)(ff ff))");
  // A key of the wrong size, with its mask (OVS: "in_port(1)(bad key
  // length 2, expected 4)(07 00/ff ff ff ff)").
  Key key3, mask3;
  key3.u32(OVS_KEY_ATTR_IN_PORT, 1).u16(OVS_KEY_ATTR_PRIORITY, 7);
  mask3.u32(OVS_KEY_ATTR_IN_PORT, 0xffffffff).u32(OVS_KEY_ATTR_PRIORITY, 0xffffffff);
  EXPECT_EQ(flow(key3, mask3),
            "in_port(1),key2(bad key length 2, expected 4)(07 00/ff ff ff ff)");
}

}  // namespace
}  // namespace ovsq
