// The flow-key field table (probes/odp_key.h) and the ODP flow string
// (runtime/odp_key_format.h).  Expected strings are what OVS's
// odp_flow_key_format() (lib/odp-util.c) prints for the same key.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <linux/netlink.h>
#include <linux/openvswitch.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "probes/odp_key.h"
#include "runtime/odp_key_format.h"
#include "odp_key_builder.h"

namespace ovsq {
namespace {

using namespace odp_test;

std::string odp(const Key& k, size_t copied) {
  std::string out;
  runtime::format_odp_key(out, k.data().data(), copied, k.size());
  return out;
}
std::string odp(const Key& k) { return odp(k, k.size()); }

constexpr const char* kSrcMac = "0e:04:47:fc:74:51";
constexpr const char* kDstMac = "da:dc:c5:69:05:d7";
constexpr const char* kEth =
    "eth(src=0e:04:47:fc:74:51,dst=da:dc:c5:69:05:d7)";

// The head every IPv4 example shares: recirc_id, in_port, eth, eth_type.
Key ipv4_head() {
  Key k;
  k.u32(OVS_KEY_ATTR_RECIRC_ID, 0)
      .u32(OVS_KEY_ATTR_IN_PORT, 2)
      .put(OVS_KEY_ATTR_ETHERNET, eth(kSrcMac, kDstMac))
      .be16(OVS_KEY_ATTR_ETHERTYPE, 0x0800);
  return k;
}
const std::string kIpv4Head =
    std::string("recirc_id(0),in_port(2),") + kEth + ",eth_type(0x0800),";

Key icmp_example() {
  Key k = ipv4_head();
  k.put(OVS_KEY_ATTR_IPV4,
        ipv4("192.168.10.10", "192.168.10.30", 1, 0, 64, OVS_FRAG_TYPE_NONE))
      .put(OVS_KEY_ATTR_ICMP, icmp(8, 0));
  return k;
}

// --- The field table ------------------------------------------------------

TEST(OdpFieldTable, FindsFieldsWithTheirLayout) {
  using probes::OdpFieldKind;
  const probes::OdpField* f = probes::find_odp_field("ipv4", "src");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->attr_type, OVS_KEY_ATTR_IPV4);
  EXPECT_EQ(f->offset, 0u);
  EXPECT_EQ(f->size, 4u);
  EXPECT_EQ(f->kind, OdpFieldKind::Ipv4);
  EXPECT_FALSE(f->in_tunnel);
  EXPECT_EQ(f->path(), "ipv4.src");

  f = probes::find_odp_field("tcp", "dst");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->attr_type, OVS_KEY_ATTR_TCP);
  EXPECT_EQ(f->offset, 2u);
  EXPECT_EQ(f->size, 2u);
  EXPECT_EQ(f->kind, OdpFieldKind::BigEndian);

  f = probes::find_odp_field("in_port", "");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->attr_type, OVS_KEY_ATTR_IN_PORT);
  EXPECT_EQ(f->size, 4u);
  EXPECT_EQ(f->kind, OdpFieldKind::Native);
  EXPECT_EQ(f->path(), "in_port");

  f = probes::find_odp_field("ipv6", "label");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->offset, 32u);
  EXPECT_EQ(f->kind, OdpFieldKind::BigEndian);

  f = probes::find_odp_field("arp", "tha");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->offset, 16u);
  EXPECT_EQ(f->size, 6u);
  EXPECT_EQ(f->kind, OdpFieldKind::Mac);

  f = probes::find_odp_field("skb_priority", "");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->attr_type, OVS_KEY_ATTR_PRIORITY);

  f = probes::find_odp_field("ct_zone", "");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->size, 2u);
}

TEST(OdpFieldTable, TunnelFieldsAreNested) {
  const probes::OdpField* f = probes::find_odp_field("tunnel", "tun_id");
  ASSERT_NE(f, nullptr);
  EXPECT_TRUE(f->in_tunnel);
  EXPECT_EQ(f->attr_type, OVS_TUNNEL_KEY_ATTR_ID);
  EXPECT_EQ(f->offset, 0u);
  EXPECT_EQ(f->size, 8u);
  EXPECT_EQ(f->kind, probes::OdpFieldKind::BigEndian);

  f = probes::find_odp_field("tunnel", "ipv6_dst");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->attr_type, OVS_TUNNEL_KEY_ATTR_IPV6_DST);
  EXPECT_EQ(f->kind, probes::OdpFieldKind::Ipv6);
  EXPECT_EQ(f->path(), "tunnel.ipv6_dst");
}

TEST(OdpFieldTable, UnknownNamesAreNull) {
  EXPECT_EQ(probes::find_odp_field("nosuch", ""), nullptr);
  EXPECT_EQ(probes::find_odp_field("ipv4", "nosuch"), nullptr);
  EXPECT_EQ(probes::find_odp_field("ipv4", ""), nullptr);  // not a scalar
  EXPECT_EQ(probes::find_odp_field("in_port", "src"), nullptr);
  EXPECT_EQ(probes::find_odp_field("ipv6", "tos"), nullptr);  // it's tclass
}

TEST(OdpFieldTable, AttrHasFields) {
  EXPECT_TRUE(probes::odp_attr_has_fields("ipv4"));
  EXPECT_TRUE(probes::odp_attr_has_fields("tunnel"));
  EXPECT_TRUE(probes::odp_attr_has_fields("nd"));
  EXPECT_FALSE(probes::odp_attr_has_fields("in_port"));
  EXPECT_FALSE(probes::odp_attr_has_fields("ct_state"));
  EXPECT_FALSE(probes::odp_attr_has_fields("nosuch"));
}

TEST(OdpFieldTable, PathsAreUniqueAndComplete) {
  std::vector<std::string> paths = probes::odp_field_paths();
  EXPECT_EQ(paths.size(), 58u);
  for (const char* p : {"in_port", "eth.src", "ipv6.hlimit", "tcp_flags",
                        "tunnel.tp_dst", "nd.tll", "arp.op", "sctp.dst"})
    EXPECT_NE(std::find(paths.begin(), paths.end(), p), paths.end()) << p;
  std::sort(paths.begin(), paths.end());
  EXPECT_EQ(std::adjacent_find(paths.begin(), paths.end()), paths.end());
}

// --- Common flows ---------------------------------------------------------

TEST(OdpKeyFormat, Ipv4Icmp) {
  EXPECT_EQ(odp(icmp_example()),
            "recirc_id(0),in_port(2),"
            "eth(src=0e:04:47:fc:74:51,dst=da:dc:c5:69:05:d7),"
            "eth_type(0x0800),"
            "ipv4(src=192.168.10.10,dst=192.168.10.30,proto=1,tos=0,ttl=64,"
            "frag=no),icmp(type=8,code=0)");
}

TEST(OdpKeyFormat, Ipv4Tcp) {
  Key k = ipv4_head();
  k.put(OVS_KEY_ATTR_IPV4, ipv4("192.168.10.10", "192.168.10.30", 6, 0x10,
                                63, OVS_FRAG_TYPE_NONE))
      .put(OVS_KEY_ATTR_TCP, ports<ovs_key_tcp>(43210, 80))
      .be16(OVS_KEY_ATTR_TCP_FLAGS, 0x012);
  EXPECT_EQ(odp(k), kIpv4Head +
                        "ipv4(src=192.168.10.10,dst=192.168.10.30,proto=6,"
                        "tos=0x10,ttl=63,frag=no),tcp(src=43210,dst=80),"
                        "tcp_flags(syn|ack)");
}

TEST(OdpKeyFormat, Ipv4Udp) {
  Key k = ipv4_head();
  k.put(OVS_KEY_ATTR_IPV4,
        ipv4("10.0.0.1", "10.0.0.53", 17, 0, 1, OVS_FRAG_TYPE_FIRST))
      .put(OVS_KEY_ATTR_UDP, ports<ovs_key_udp>(5353, 53));
  EXPECT_EQ(odp(k), kIpv4Head +
                        "ipv4(src=10.0.0.1,dst=10.0.0.53,proto=17,tos=0,"
                        "ttl=1,frag=first),udp(src=5353,dst=53)");
}

TEST(OdpKeyFormat, FragmentTypes) {
  Key later;
  later.put(OVS_KEY_ATTR_IPV4, ipv4("1.2.3.4", "5.6.7.8", 17, 0xb8, 255,
                                    OVS_FRAG_TYPE_LATER));
  EXPECT_EQ(odp(later), "ipv4(src=1.2.3.4,dst=5.6.7.8,proto=17,tos=0xb8,"
                        "ttl=255,frag=later)");
  Key bad;
  bad.put(OVS_KEY_ATTR_IPV4, ipv4("1.2.3.4", "5.6.7.8", 17, 0, 255, 3));
  EXPECT_EQ(odp(bad), "ipv4(src=1.2.3.4,dst=5.6.7.8,proto=17,tos=0,ttl=255,"
                      "frag=<error>)");
}

TEST(OdpKeyFormat, Ipv6Udp) {
  Key k;
  k.u32(OVS_KEY_ATTR_PRIORITY, 7)
      .u32(OVS_KEY_ATTR_IN_PORT, 1)
      .put(OVS_KEY_ATTR_ETHERNET, eth(kSrcMac, "33:33:00:01:00:02"))
      .be16(OVS_KEY_ATTR_ETHERTYPE, 0x86dd)
      .put(OVS_KEY_ATTR_IPV6,
           ipv6("fe80::1", "ff02::1:2", 0x12345, 17, 0xb8, 1))
      .put(OVS_KEY_ATTR_UDP, ports<ovs_key_udp>(546, 547));
  EXPECT_EQ(odp(k),
            "skb_priority(0x7),in_port(1),"
            "eth(src=0e:04:47:fc:74:51,dst=33:33:00:01:00:02),"
            "eth_type(0x86dd),"
            "ipv6(src=fe80::1,dst=ff02::1:2,label=0x12345,proto=17,"
            "tclass=0xb8,hlimit=1,frag=no),udp(src=546,dst=547)");
}

TEST(OdpKeyFormat, Sctp) {
  Key k;
  k.put(OVS_KEY_ATTR_SCTP, ports<ovs_key_sctp>(2905, 36412));
  EXPECT_EQ(odp(k), "sctp(src=2905,dst=36412)");
}

TEST(OdpKeyFormat, VlanAndEncap) {
  Key inner;
  inner.be16(OVS_KEY_ATTR_ETHERTYPE, 0x0800)
      .put(OVS_KEY_ATTR_IPV4,
           ipv4("10.0.0.1", "10.0.0.2", 1, 0, 64, OVS_FRAG_TYPE_NONE))
      .put(OVS_KEY_ATTR_ICMP, icmp(0, 0));
  Key k;
  k.u32(OVS_KEY_ATTR_IN_PORT, 1)
      .put(OVS_KEY_ATTR_ETHERNET, eth(kSrcMac, kDstMac))
      .be16(OVS_KEY_ATTR_ETHERTYPE, 0x8100)
      .be16(OVS_KEY_ATTR_VLAN, 0x1000 | 10)  // CFI (present), vid 10
      .nest(OVS_KEY_ATTR_ENCAP, inner);
  EXPECT_EQ(odp(k), std::string("in_port(1),") + kEth +
                        ",eth_type(0x8100),vlan(vid=10,pcp=0),"
                        "encap(eth_type(0x0800),"
                        "ipv4(src=10.0.0.1,dst=10.0.0.2,proto=1,tos=0,ttl=64,"
                        "frag=no),icmp(type=0,code=0))");
}

TEST(OdpKeyFormat, VlanWithoutCfiAndEmptyEncap) {
  Key k;
  k.be16(OVS_KEY_ATTR_VLAN, 5 << 13 | 100).flag(OVS_KEY_ATTR_ENCAP);
  EXPECT_EQ(odp(k), "vlan(vid=100,pcp=5,cfi=0),encap()");
}

TEST(OdpKeyFormat, Arp) {
  ovs_key_arp arp{};
  set_ipv4(&arp.arp_sip, "10.0.0.1");
  set_ipv4(&arp.arp_tip, "10.0.0.2");
  arp.arp_op = htons(1);
  set_mac(arp.arp_sha, kSrcMac);
  Key k;
  k.be16(OVS_KEY_ATTR_ETHERTYPE, 0x0806).put(OVS_KEY_ATTR_ARP, arp);
  EXPECT_EQ(odp(k), "eth_type(0x0806),arp(sip=10.0.0.1,tip=10.0.0.2,op=1,"
                    "sha=0e:04:47:fc:74:51,tha=00:00:00:00:00:00)");
}

TEST(OdpKeyFormat, NeighborDiscovery) {
  ovs_key_nd nd{};
  set_ipv6(nd.nd_target, "fe80::2");
  set_mac(nd.nd_sll, kSrcMac);
  ovs_key_icmpv6 icmp6{135, 0};
  Key k;
  k.be16(OVS_KEY_ATTR_ETHERTYPE, 0x86dd)
      .put(OVS_KEY_ATTR_IPV6, ipv6("fe80::1", "ff02::1:ff00:2", 0, 58, 0, 255))
      .put(OVS_KEY_ATTR_ICMPV6, icmp6)
      .put(OVS_KEY_ATTR_ND, nd);
  EXPECT_EQ(odp(k),
            "eth_type(0x86dd),ipv6(src=fe80::1,dst=ff02::1:ff00:2,label=0,"
            "proto=58,tclass=0,hlimit=255,frag=no),icmpv6(type=135,code=0),"
            "nd(target=fe80::2,sll=0e:04:47:fc:74:51,tll=00:00:00:00:00:00)");
}

TEST(OdpKeyFormat, NdExtensions) {
  uint8_t ext[8] = {0x20, 0, 0, 0, 2, 0, 0, 0};  // be32 reserved, u8 type
  Key k;
  k.raw(OVS_KEY_ATTR_ND_EXTENSIONS, ext, sizeof ext);
  EXPECT_EQ(odp(k), "nd_ext(nd_reserved=0x20000000,nd_options_type=2)");
}

// --- Metadata -------------------------------------------------------------

TEST(OdpKeyFormat, MetadataNumbersAreHexExceptInPort) {
  Key k;
  k.u32(OVS_KEY_ATTR_RECIRC_ID, 1)
      .u32(OVS_KEY_ATTR_DP_HASH, 0x1a2b3c4d)
      .u32(OVS_KEY_ATTR_DP_HASH, 0)
      .u32(OVS_KEY_ATTR_SKB_MARK, 255)
      .u32(OVS_KEY_ATTR_PRIORITY, 0)
      .u32(OVS_KEY_ATTR_IN_PORT, 65534);
  EXPECT_EQ(odp(k), "recirc_id(0x1),dp_hash(0x1a2b3c4d),dp_hash(0),"
                    "skb_mark(0xff),skb_priority(0),in_port(65534)");
}

TEST(OdpKeyFormat, TcpFlags) {
  Key k;
  k.be16(OVS_KEY_ATTR_TCP_FLAGS, 0x011)     // fin, ack
      .be16(OVS_KEY_ATTR_TCP_FLAGS, 0)
      .be16(OVS_KEY_ATTR_TCP_FLAGS, 0x1984);  // rst, cwr, ns, [800], 0x1000
  EXPECT_EQ(odp(k), "tcp_flags(fin|ack),tcp_flags(0),"
                    "tcp_flags(rst|cwr|ns|[800]|0x1000)");
}

TEST(OdpKeyFormat, Conntrack) {
  ovs_key_ct_labels labels{};
  labels.ct_labels[0] = 0xef;  // the host-order 128-bit number 1:0xbeef
  labels.ct_labels[1] = 0xbe;
  labels.ct_labels[8] = 0x01;
  ovs_key_ct_tuple_ipv4 t4{};
  set_ipv4(&t4.ipv4_src, "10.0.0.1");
  set_ipv4(&t4.ipv4_dst, "10.0.0.2");
  t4.src_port = htons(12345);
  t4.dst_port = htons(80);
  t4.ipv4_proto = 6;
  ovs_key_ct_tuple_ipv6 t6{};
  set_ipv6(t6.ipv6_src, "2001:db8::1");
  set_ipv6(t6.ipv6_dst, "2001:db8::2");
  t6.src_port = htons(5000);
  t6.dst_port = htons(53);
  t6.ipv6_proto = 17;
  Key k;
  k.u32(OVS_KEY_ATTR_CT_STATE, OVS_CS_F_NEW | OVS_CS_F_TRACKED)
      .u16(OVS_KEY_ATTR_CT_ZONE, 5)
      .u32(OVS_KEY_ATTR_CT_MARK, 0xff)
      .put(OVS_KEY_ATTR_CT_LABELS, labels)
      .put(OVS_KEY_ATTR_CT_ORIG_TUPLE_IPV4, t4)
      .put(OVS_KEY_ATTR_CT_ORIG_TUPLE_IPV6, t6);
  EXPECT_EQ(odp(k),
            "ct_state(new|trk),ct_zone(0x5),ct_mark(0xff),"
            "ct_label(0x1000000000000beef),"
            "ct_tuple4(src=10.0.0.1,dst=10.0.0.2,proto=6,tp_src=12345,"
            "tp_dst=80),"
            "ct_tuple6(src=2001:db8::1,dst=2001:db8::2,proto=17,"
            "src_port=5000,dst_port=53)");
}

TEST(OdpKeyFormat, ConntrackZeros) {
  Key k;
  k.u32(OVS_KEY_ATTR_CT_STATE, 0)
      .u16(OVS_KEY_ATTR_CT_ZONE, 0)
      .u32(OVS_KEY_ATTR_CT_MARK, 0)
      .put(OVS_KEY_ATTR_CT_LABELS, ovs_key_ct_labels{});
  EXPECT_EQ(odp(k), "ct_state(0),ct_zone(0),ct_mark(0),ct_label(0)");
}

TEST(OdpKeyFormat, Mpls) {
  auto lse = [](uint32_t label, uint32_t tc, uint32_t bos, uint32_t ttl) {
    return htonl(label << 12 | tc << 9 | bos << 8 | ttl);
  };
  uint32_t one[] = {lse(100, 3, 1, 64)};
  uint32_t two[] = {lse(16, 0, 0, 255), lse(1048575, 7, 1, 1)};
  uint8_t odd[6] = {};
  Key k;
  k.be16(OVS_KEY_ATTR_ETHERTYPE, 0x8847)
      .raw(OVS_KEY_ATTR_MPLS, one, sizeof one)
      .raw(OVS_KEY_ATTR_MPLS, two, sizeof two)
      .raw(OVS_KEY_ATTR_MPLS, odd, sizeof odd);
  EXPECT_EQ(odp(k), "eth_type(0x8847),mpls(label=100,tc=3,ttl=64,bos=1),"
                    "mpls(label=16,tc=0,ttl=255,bos=0,"
                    "label=1048575,tc=7,ttl=1,bos=1),"
                    "mpls((bad key length 6))");
}

TEST(OdpKeyFormat, PacketType) {
  Key k;
  k.be32(OVS_KEY_ATTR_PACKET_TYPE, 0)
      .be32(OVS_KEY_ATTR_PACKET_TYPE, 1u << 16 | 0x0800);
  EXPECT_EQ(odp(k), "packet_type(ns=0,id=0),packet_type(ns=1,id=0x800)");
}

TEST(OdpKeyFormat, Nsh) {
  ovs_nsh_key_base base{};
  base.ttl = 63;
  base.mdtype = 1;
  base.np = 3;
  base.path_hdr = htonl(100 << 8 | 255);
  uint32_t md1[4] = {htonl(1), htonl(2), htonl(3), htonl(0xdeadbeef)};
  Key inner;
  inner.put(OVS_NSH_KEY_ATTR_BASE, base).raw(OVS_NSH_KEY_ATTR_MD1, md1,
                                             sizeof md1);
  Key k;
  k.nest(OVS_KEY_ATTR_NSH, inner);
  EXPECT_EQ(odp(k), "nsh(flags=0,ttl=63,mdtype=1,np=3,spi=0x64,si=255,"
                    "c1=0x1,c2=0x2,c3=0x3,c4=0xdeadbeef)");
}

// --- Tunnels --------------------------------------------------------------

TEST(OdpKeyFormat, TunnelIpv4) {
  uint32_t src, dst;
  set_ipv4(&src, "172.16.0.1");
  set_ipv4(&dst, "172.16.0.2");
  Key tun;
  tun.be64(OVS_TUNNEL_KEY_ATTR_ID, 5)
      .put(OVS_TUNNEL_KEY_ATTR_IPV4_SRC, src)
      .put(OVS_TUNNEL_KEY_ATTR_IPV4_DST, dst)
      .u8(OVS_TUNNEL_KEY_ATTR_TOS, 0)
      .u8(OVS_TUNNEL_KEY_ATTR_TTL, 64)
      .flag(OVS_TUNNEL_KEY_ATTR_DONT_FRAGMENT)
      .be16(OVS_TUNNEL_KEY_ATTR_TP_SRC, 49152)
      .be16(OVS_TUNNEL_KEY_ATTR_TP_DST, 4789);
  Key k;
  k.u32(OVS_KEY_ATTR_RECIRC_ID, 0)
      .nest(OVS_KEY_ATTR_TUNNEL | NLA_F_NESTED, tun)
      .u32(OVS_KEY_ATTR_IN_PORT, 3);
  EXPECT_EQ(odp(k), "recirc_id(0),tunnel(tun_id=0x5,src=172.16.0.1,"
                    "dst=172.16.0.2,tos=0,ttl=64,tp_src=49152,tp_dst=4789,"
                    "flags(df|key)),in_port(3)");
}

TEST(OdpKeyFormat, TunnelIpv6Geneve) {
  uint8_t src[16], dst[16];
  set_ipv6(src, "2001:db8::1");
  set_ipv6(dst, "2001:db8::2");
  uint8_t geneve[] = {0x01, 0x02, 0x80, 0x01, 0, 0, 0, 0x0a,  // 4 data bytes
                      0xff, 0xff, 0x01, 0x00};                 // no data
  Key tun;
  tun.be64(OVS_TUNNEL_KEY_ATTR_ID, 0)
      .raw(OVS_TUNNEL_KEY_ATTR_IPV6_SRC, src, 16)
      .raw(OVS_TUNNEL_KEY_ATTR_IPV6_DST, dst, 16)
      .u8(OVS_TUNNEL_KEY_ATTR_TTL, 64)
      .flag(OVS_TUNNEL_KEY_ATTR_CSUM)
      .raw(OVS_TUNNEL_KEY_ATTR_GENEVE_OPTS, geneve, sizeof geneve);
  Key k;
  k.nest(OVS_KEY_ATTR_TUNNEL, tun);
  EXPECT_EQ(odp(k), "tunnel(tun_id=0x0,ipv6_src=2001:db8::1,"
                    "ipv6_dst=2001:db8::2,ttl=64,"
                    "geneve({class=0x102,type=0x80,len=4,0xa}"
                    "{class=0xffff,type=0x1,len=0}),flags(csum|key))");
}

// Geneve options cut short print OVS's own words for them
// (format_geneve_opts()), after the whole options before.
TEST(OdpKeyFormat, TunnelGeneveCutShort) {
  auto geneve = [](std::vector<uint8_t> opts) {
    Key tun, k;
    tun.raw(OVS_TUNNEL_KEY_ATTR_GENEVE_OPTS, opts.data(), opts.size());
    k.nest(OVS_KEY_ATTR_TUNNEL, tun);
    return odp(k);
  };
  EXPECT_EQ(geneve({0x01, 0x02, 0x80}),
            "tunnel(geneve(opt len 3 less than minimum 4),flags(0))");
  EXPECT_EQ(geneve({0x01, 0x02, 0x80, 0x01, 0, 0}),
            "tunnel(geneve(opt len 8 greater than remaining 6),flags(0))");
  EXPECT_EQ(geneve({0xff, 0xff, 0x01, 0x00, 0x01, 0x02}),
            "tunnel(geneve({class=0xffff,type=0x1,len=0}opt len 2 less than minimum 4),flags(0))");
}

TEST(OdpKeyFormat, TunnelVxlanErspanAndOddAttributes) {
  uint32_t dst;
  set_ipv4(&dst, "10.1.1.2");
  Key vxlan;
  vxlan.u32(OVS_VXLAN_EXT_GBP, 0x0001000a);  // flags 0x1, id 10
  uint8_t erspan[12] = {};
  erspan[0] = 1;  // host-order int version 1 (little-endian host)
  erspan[7] = 7;  // be32 index
  Key tun;
  tun.be64(OVS_TUNNEL_KEY_ATTR_ID, 0x64)
      .put(OVS_TUNNEL_KEY_ATTR_IPV4_DST, dst)
      .nest(OVS_TUNNEL_KEY_ATTR_VXLAN_OPTS, vxlan)
      .raw(OVS_TUNNEL_KEY_ATTR_ERSPAN_OPTS, erspan, sizeof erspan)
      .u16(OVS_TUNNEL_KEY_ATTR_TTL, 64)  // wrong size
      .u8(30, 1)                         // no such tunnel attribute
      .flag(OVS_TUNNEL_KEY_ATTR_OAM);
  Key k;
  k.nest(OVS_KEY_ATTR_TUNNEL, tun);
  EXPECT_EQ(odp(k), "tunnel(tun_id=0x64,dst=10.1.1.2,"
                    "vxlan(gbp(id=10,flags=0x1)),erspan(ver=1,idx=0x7),"
                    "key4(bad key length 2, expected 1)(40 00),key30(01),"
                    "flags(oam|key))");
}

TEST(OdpKeyFormat, TunnelGtpu) {
  // OVS numbers the GTP-U options 16 (`ovstest test-odp parse-keys` of
  // tunnel(tun_id=0x1,gtpu(flags=0x30,msgtype=255)),in_port(1)).
  uint8_t gtpu[2] = {0x30, 255};
  Key tun;
  tun.be64(OVS_TUNNEL_KEY_ATTR_ID, 1).raw(16, gtpu, sizeof gtpu);
  Key k;
  k.nest(OVS_KEY_ATTR_TUNNEL, tun).u32(OVS_KEY_ATTR_IN_PORT, 1);
  EXPECT_EQ(odp(k), "tunnel(tun_id=0x1,gtpu(flags=0x30,msgtype=255),flags(key)),in_port(1)");
}

TEST(OdpKeyFormat, TunnelWithoutFlags) {
  uint32_t dst;
  set_ipv4(&dst, "10.1.1.2");
  Key tun;
  tun.put(OVS_TUNNEL_KEY_ATTR_IPV4_DST, dst);
  Key k;
  k.nest(OVS_KEY_ATTR_TUNNEL, tun);
  EXPECT_EQ(odp(k), "tunnel(dst=10.1.1.2,flags(0))");
}

// --- Odd attributes -------------------------------------------------------

TEST(OdpKeyFormat, UnknownAndWrongSizeAttributes) {
  uint8_t bytes[] = {0xde, 0xad, 0xbe, 0xef};
  Key k;
  k.raw(99, bytes, sizeof bytes)
      .raw(32, bytes, 2)  // the kernel's IPV6_EXTHDRS: OVS doesn't know it
      .flag(40)
      .u16(OVS_KEY_ATTR_IN_PORT, 2)
      .u32(OVS_KEY_ATTR_ETHERTYPE, 0x0800)
      .u32(OVS_KEY_ATTR_UNSPEC, 1)
      .u32(OVS_KEY_ATTR_IN_PORT, 4);
  EXPECT_EQ(odp(k), "key99(de ad be ef),key32(de ad),key40(),"
                    "key3(bad key length 2, expected 4)(02 00),"
                    "key6(bad key length 4, expected 2)(00 08 00 00),"
                    "key0(bad key length 4, expected 0)(01 00 00 00),"
                    "in_port(4)");
}

// --- Truncated, malformed and empty keys ----------------------------------

TEST(OdpKeyFormat, TruncatedInsideAnAttribute) {
  Key k = icmp_example();
  ASSERT_EQ(k.size(), 64u);  // eth is bytes 16..32
  EXPECT_EQ(odp(k, 20),
            "recirc_id(0),in_port(2),...(truncated: 20 of 64 bytes)");
  EXPECT_EQ(odp(k, 18),  // inside eth's header
            "recirc_id(0),in_port(2),...(truncated: 18 of 64 bytes)");
  EXPECT_EQ(odp(k, 2), "...(truncated: 2 of 64 bytes)");
  EXPECT_EQ(odp(k, 0), "...(truncated: 0 of 64 bytes)");
}

TEST(OdpKeyFormat, TruncatedAtABoundary) {
  Key k = icmp_example();
  EXPECT_EQ(odp(k, 32), std::string("recirc_id(0),in_port(2),") + kEth +
                            ",...(truncated: 32 of 64 bytes)");
  // eth_type ends at 38; only its padding is missing.
  EXPECT_EQ(odp(k, 38), std::string("recirc_id(0),in_port(2),") + kEth +
                            ",eth_type(0x0800),...(truncated: 38 of 64 bytes)");
  // More than the key is as much as the key.
  EXPECT_EQ(odp(k, 1000), odp(k));
}

TEST(OdpKeyFormat, MalformedKeys) {
  Key short_len;  // nla_len 2 < 4
  short_len.u32(OVS_KEY_ATTR_RECIRC_ID, 0).bytes({2, 0, 3, 0});
  EXPECT_EQ(odp(short_len), "recirc_id(0),...(malformed at byte 8)");
  EXPECT_EQ(odp(short_len, 4), "...(truncated: 4 of 12 bytes)");

  Key too_long;  // nla_len 200 in a 16-byte key
  too_long.u32(OVS_KEY_ATTR_RECIRC_ID, 0).bytes({200, 0, 3, 0, 0, 0, 0, 0});
  EXPECT_EQ(odp(too_long), "recirc_id(0),...(malformed at byte 8)");
  EXPECT_EQ(odp(too_long, 12), "recirc_id(0),...(malformed at byte 8)");

  Key tail;  // 2 bytes that cannot hold a header
  tail.u32(OVS_KEY_ATTR_RECIRC_ID, 0).bytes({1, 2});
  EXPECT_EQ(odp(tail), "recirc_id(0),...(malformed at byte 8)");

  Key first;
  first.bytes({0, 0, 0, 0});
  EXPECT_EQ(odp(first), "...(malformed at byte 0)");
}

TEST(OdpKeyFormat, MalformedInsideEncap) {
  Key inner;
  inner.be16(OVS_KEY_ATTR_ETHERTYPE, 0x0800).bytes({2, 0, 7, 0});
  Key k;
  k.be16(OVS_KEY_ATTR_ETHERTYPE, 0x8100)
      .be16(OVS_KEY_ATTR_VLAN, 0x1000 | 10)
      .nest(OVS_KEY_ATTR_ENCAP, inner)  // header at 16, payload at 20
      .u32(OVS_KEY_ATTR_IN_PORT, 1);
  EXPECT_EQ(odp(k), "eth_type(0x8100),vlan(vid=10,pcp=0),"
                    "encap(eth_type(0x0800),...(malformed at byte 28)),"
                    "in_port(1)");
}

TEST(OdpKeyFormat, EmptyKey) {
  std::string out = "key: ";
  runtime::format_odp_key(out, nullptr, 0, 0);
  EXPECT_EQ(out, "key: <empty>");
}

}  // namespace
}  // namespace ovsq
