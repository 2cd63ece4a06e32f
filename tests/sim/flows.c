/* Deterministic ufids, flow keys, masks, actions and packets.
 *
 * Event number k (1, 2, ...) gets
 *     ufid.u64.lo = splitmix64(k), ufid.u64.hi = splitmix64(k + 2^63)
 * and flow index f = (k - 1) % 256 + 1, whose flow is (HH.LL = f)
 *     in_port   1 + f % 4
 *     eth       src 02:00:00:00:HH:LL, dst 02:00:00:01:HH:LL
 *     f % 4     1: IPv4/TCP, 2: IPv4/UDP, 3: IPv6/TCP, 0: IPv6/UDP
 *     ipv4      src 10.0.HH.LL, dst 10.1.HH.LL, tos 0, ttl 64, frag no
 *     ipv6      src 2001:db8::HHLL, dst 2001:db8:1::HHLL, label 0,
 *               tclass 0, hlimit 64, frag no
 *     tcp/udp   src 10000 + f; dst 53 (udp), 80 (tcp) or 443 (tcp with
 *               f % 16 == 3 or 13)
 * and three flows with more: SIM_FLOW_VLAN (vlan vid 100 pcp 3 around the
 * IPv4/TCP headers), SIM_FLOW_CT (recirc_id 1, ct_state est|trk, ct_zone
 * 5, ct_mark 1) and SIM_FLOW_TUNNEL (VXLAN tun_id 0x2a from 192.0.2.1 to
 * 192.0.2.2, ttl 64, tp_dst 4789, df|key).
 * Keys are netlink attributes numbered and laid out as in
 * <linux/openvswitch.h>, in the kernel's order: recirc_id, tunnel,
 * in_port, ct_state, ct_zone, ct_mark, eth, then eth_type, ipv4|ipv6,
 * tcp|udp, or eth_type(0x8100), vlan, encap(eth_type, ipv4, tcp).  The
 * mask has the key's attributes with every field exact except ipv4 tos
 * and ttl and ipv6 label, tclass and hlimit; the tunnel mask also holds
 * the df, csum and oam flags, so every tunnel flag is exact.  Packets are
 * Ethernet[/802.1Q]/IPv4|IPv6/TCP|UDP with 64 bytes of L4 (98, 102 or 118
 * bytes in all) and valid checksums; TCP packets carry PSH|ACK. */
#include "sim.h"

#include <arpa/inet.h>
#include <endian.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <string.h>

const char *const reval_result_names[3] = {
    "UKEY_KEEP", "UKEY_DELETE", "UKEY_MODIFY",
};

const char *const flow_del_reason_names[N_FLOW_DEL_REASONS] = {
    "FDR_NONE",          "FDR_AVOID_CACHING", "FDR_BAD_ODP_FIT",
    "FDR_FLOW_IDLE",     "FDR_FLOW_LIMIT",    "FDR_FLOW_WILDCARDED",
    "FDR_NO_OFPROTO",    "FDR_PURGE",         "FDR_TOO_EXPENSIVE",
    "FDR_UPDATE_FAIL",   "FDR_XLATION_ERROR", "FDR_FLOW_MISSING_DP",
};

const char *const dpif_upcall_type_names[DPIF_N_UC_TYPES] = {
    "DPIF_UC_MISS", "DPIF_UC_ACTION",
};

uint64_t
sim_splitmix64(uint64_t x)
{
    uint64_t z = x + UINT64_C(0x9e3779b97f4a7c15);
    z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
    return z ^ (z >> 31);
}

void
sim_ufid(uint64_t k, ovs_u128 *ufid)
{
    ufid->u64.lo = sim_splitmix64(k);
    ufid->u64.hi = sim_splitmix64(k + (UINT64_C(1) << 63));
}

void
sim_ufid_format(const ovs_u128 *ufid, char buf[SIM_UFID_STRLEN])
{
    snprintf(buf, SIM_UFID_STRLEN, "ufid:%08x-%04x-%04x-%04x-%04x%08x",
             ufid->u32[0], ufid->u32[1] >> 16, ufid->u32[1] & 0xffff,
             ufid->u32[2] >> 16, ufid->u32[2] & 0xffff, ufid->u32[3]);
}

uint32_t
sim_flow_index(uint64_t k)
{
    return (uint32_t) ((k - 1) % SIM_N_FLOWS) + 1;
}


/* Appends a netlink attribute at byte offset *ofs of `buf`. */
static void
put_attr(uint32_t *buf, size_t *ofs, uint16_t type, const void *data,
         size_t len)
{
    struct nlattr nla = { .nla_len = (uint16_t) (NLA_HDRLEN + len),
                          .nla_type = type };
    char *p = (char *) buf + *ofs;
    memcpy(p, &nla, NLA_HDRLEN);
    if (len) {
        memcpy(p + NLA_HDRLEN, data, len);
    }
    memset(p + NLA_HDRLEN + len, 0, NLA_ALIGN(len) - len);
    *ofs += NLA_HDRLEN + NLA_ALIGN(len);
}

/* Starts a nested attribute; returns its offset for end_nested(). */
static size_t
start_nested(uint32_t *buf, size_t *ofs, uint16_t type)
{
    size_t start = *ofs;
    put_attr(buf, ofs, type, NULL, 0);
    return start;
}

static void
end_nested(uint32_t *buf, size_t ofs, size_t start)
{
    struct nlattr nla;
    char *p = (char *) buf + start;
    memcpy(&nla, p, NLA_HDRLEN);
    nla.nla_len = (uint16_t) (ofs - start);
    memcpy(p, &nla, NLA_HDRLEN);
}

static uint32_t
csum_add(uint32_t sum, const void *data, size_t len)
{
    const uint8_t *p = data;
    for (size_t i = 0; i + 1 < len; i += 2) {
        sum += (uint32_t) (p[i] << 8 | p[i + 1]);
    }
    if (len & 1) {
        sum += (uint32_t) p[len - 1] << 8;
    }
    return sum;
}

static uint16_t
csum_finish(uint32_t sum)
{
    while (sum >> 16) {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    return htons((uint16_t) ~sum);
}

static void
put16(uint8_t *p, uint16_t host)
{
    uint16_t be = htons(host);
    memcpy(p, &be, 2);
}

static void
put32(uint8_t *p, uint32_t host)
{
    uint32_t be = htonl(host);
    memcpy(p, &be, 4);
}

#define SIM_L4_LEN 64   /* TCP 20 or UDP 8, then payload */

static void
build_packet(struct sim_flow *flow)
{
    uint8_t *p = flow->packet;
    const bool ipv6 = flow->eth_type == 0x86dd;

    memset(p, 0, SIM_PACKET_LEN);
    memcpy(p, flow->eth_dst, 6);
    memcpy(p + 6, flow->eth_src, 6);
    uint8_t *l3 = p + 12;
    if (flow->vlan_tci) {
        put16(l3, 0x8100);
        /* On the wire the DEI bit is 0; VLAN_CFI (0x1000) only marks the
         * key's TCI as present. */
        put16(l3 + 2, flow->vlan_tci & ~0x1000);
        l3 += 4;
    }
    put16(l3, flow->eth_type);
    l3 += 2;

    uint8_t *l4;
    uint32_t sum;   /* the L4 pseudo-header */
    if (ipv6) {
        l3[0] = 0x60;               /* version 6, tclass 0, label 0 */
        put16(l3 + 4, SIM_L4_LEN);
        l3[6] = flow->proto;
        l3[7] = 64;
        memcpy(l3 + 8, flow->ipv6_src, 16);
        memcpy(l3 + 24, flow->ipv6_dst, 16);
        l4 = l3 + 40;
        sum = csum_add(0, l3 + 8, 32);
    } else {
        l3[0] = 0x45;
        put16(l3 + 2, 20 + SIM_L4_LEN);
        put16(l3 + 4, (uint16_t) flow->index);
        put16(l3 + 6, 0x4000);      /* DF */
        l3[8] = 64;
        l3[9] = flow->proto;
        put32(l3 + 12, flow->ipv4_src);
        put32(l3 + 16, flow->ipv4_dst);
        uint16_t u16 = csum_finish(csum_add(0, l3, 20));
        memcpy(l3 + 10, &u16, 2);
        l4 = l3 + 20;
        sum = csum_add(0, l3 + 12, 8);
    }
    flow->packet_len = (uint32_t) (l4 + SIM_L4_LEN - p);

    size_t hdr_len = flow->proto == IPPROTO_TCP ? 20 : 8;
    for (size_t i = hdr_len; i < SIM_L4_LEN; i++) {
        l4[i] = (uint8_t) ('a' + (i - hdr_len) % 26);
    }
    put16(l4, flow->l4_src);
    put16(l4 + 2, flow->l4_dst);
    size_t csum_ofs;
    if (flow->proto == IPPROTO_TCP) {
        put32(l4 + 4, flow->index * 1000);
        put32(l4 + 8, 1);
        l4[12] = 5 << 4;
        l4[13] = 0x18;              /* PSH|ACK */
        put16(l4 + 14, 65535);
        csum_ofs = 16;
    } else {
        put16(l4 + 4, SIM_L4_LEN);
        csum_ofs = 6;
    }
    /* Pseudo-header: addresses (above), protocol, L4 length. */
    sum += flow->proto + (uint32_t) SIM_L4_LEN;
    sum = csum_add(sum, l4, SIM_L4_LEN);
    uint16_t u16 = csum_finish(sum);
    if (flow->proto == IPPROTO_UDP && u16 == 0) {
        u16 = 0xffff;
    }
    memcpy(l4 + csum_ofs, &u16, 2);
}

/* Appends the flow's key (or, when `mask`, its mask) to `buf`. */
static size_t
build_attrs(const struct sim_flow *flow, uint32_t *buf, bool mask)
{
    size_t ofs = 0, nest, encap = 0;
    const uint8_t u8_ones = UINT8_MAX;
    const uint16_t be16_ones = UINT16_MAX;
    const uint32_t u32_ones = UINT32_MAX;
    const uint64_t u64_ones = UINT64_MAX;
    uint16_t be16;
    uint32_t be32;

    put_attr(buf, &ofs, OVS_KEY_ATTR_RECIRC_ID,
             mask ? &u32_ones : &flow->recirc_id, 4);
    if (flow->tunnel) {
        nest = start_nested(buf, &ofs, OVS_KEY_ATTR_TUNNEL);
        uint64_t be64 = htobe64(flow->tun_id);
        put_attr(buf, &ofs, OVS_TUNNEL_KEY_ATTR_ID, mask ? &u64_ones : &be64,
                 8);
        be32 = htonl(flow->tun_src);
        put_attr(buf, &ofs, OVS_TUNNEL_KEY_ATTR_IPV4_SRC,
                 mask ? &u32_ones : &be32, 4);
        be32 = htonl(flow->tun_dst);
        put_attr(buf, &ofs, OVS_TUNNEL_KEY_ATTR_IPV4_DST,
                 mask ? &u32_ones : &be32, 4);
        put_attr(buf, &ofs, OVS_TUNNEL_KEY_ATTR_TTL,
                 mask ? &u8_ones : &flow->tun_ttl, 1);
        put_attr(buf, &ofs, OVS_TUNNEL_KEY_ATTR_DONT_FRAGMENT, NULL, 0);
        if (mask) {
            put_attr(buf, &ofs, OVS_TUNNEL_KEY_ATTR_CSUM, NULL, 0);
        }
        be16 = htons(flow->tun_tp_dst);
        put_attr(buf, &ofs, OVS_TUNNEL_KEY_ATTR_TP_DST,
                 mask ? &be16_ones : &be16, 2);
        if (mask) {
            put_attr(buf, &ofs, OVS_TUNNEL_KEY_ATTR_OAM, NULL, 0);
        }
        end_nested(buf, ofs, nest);
    }
    put_attr(buf, &ofs, OVS_KEY_ATTR_IN_PORT,
             mask ? &u32_ones : &flow->in_port, 4);
    if (flow->ct) {
        put_attr(buf, &ofs, OVS_KEY_ATTR_CT_STATE,
                 mask ? &u32_ones : &flow->ct_state, 4);
        put_attr(buf, &ofs, OVS_KEY_ATTR_CT_ZONE,
                 mask ? &be16_ones : &flow->ct_zone, 2);
        put_attr(buf, &ofs, OVS_KEY_ATTR_CT_MARK,
                 mask ? &u32_ones : &flow->ct_mark, 4);
    }

    struct ovs_key_ethernet eth;
    if (mask) {
        memset(&eth, 0xff, sizeof eth);
    } else {
        memcpy(eth.eth_src, flow->eth_src, 6);
        memcpy(eth.eth_dst, flow->eth_dst, 6);
    }
    put_attr(buf, &ofs, OVS_KEY_ATTR_ETHERNET, &eth, sizeof eth);
    if (flow->vlan_tci) {
        be16 = htons(0x8100);
        put_attr(buf, &ofs, OVS_KEY_ATTR_ETHERTYPE, mask ? &be16_ones : &be16,
                 2);
        be16 = htons(flow->vlan_tci);
        put_attr(buf, &ofs, OVS_KEY_ATTR_VLAN, mask ? &be16_ones : &be16, 2);
        encap = start_nested(buf, &ofs, OVS_KEY_ATTR_ENCAP);
    }
    be16 = htons(flow->eth_type);
    put_attr(buf, &ofs, OVS_KEY_ATTR_ETHERTYPE, mask ? &be16_ones : &be16, 2);

    if (flow->eth_type == 0x86dd) {
        struct ovs_key_ipv6 ipv6 = { .ipv6_proto = UINT8_MAX,
                                     .ipv6_frag = UINT8_MAX };
        if (mask) {
            memset(ipv6.ipv6_src, 0xff, 16);
            memset(ipv6.ipv6_dst, 0xff, 16);
        } else {
            memcpy(ipv6.ipv6_src, flow->ipv6_src, 16);
            memcpy(ipv6.ipv6_dst, flow->ipv6_dst, 16);
            ipv6.ipv6_proto = flow->proto;
            ipv6.ipv6_hlimit = 64;
            ipv6.ipv6_frag = OVS_FRAG_TYPE_NONE;
        }
        put_attr(buf, &ofs, OVS_KEY_ATTR_IPV6, &ipv6, sizeof ipv6);
    } else {
        struct ovs_key_ipv4 ipv4 = {
            .ipv4_src = mask ? UINT32_MAX : htonl(flow->ipv4_src),
            .ipv4_dst = mask ? UINT32_MAX : htonl(flow->ipv4_dst),
            .ipv4_proto = mask ? UINT8_MAX : flow->proto,
            .ipv4_ttl = mask ? 0 : 64,
            .ipv4_frag = mask ? UINT8_MAX : OVS_FRAG_TYPE_NONE,
        };
        put_attr(buf, &ofs, OVS_KEY_ATTR_IPV4, &ipv4, sizeof ipv4);
    }

    /* struct ovs_key_tcp and ovs_key_udp have the same layout. */
    struct ovs_key_tcp l4 = {
        .tcp_src = mask ? UINT16_MAX : htons(flow->l4_src),
        .tcp_dst = mask ? UINT16_MAX : htons(flow->l4_dst),
    };
    put_attr(buf, &ofs,
             flow->proto == IPPROTO_TCP ? OVS_KEY_ATTR_TCP : OVS_KEY_ATTR_UDP,
             &l4, sizeof l4);
    if (flow->vlan_tci) {
        end_nested(buf, ofs, encap);
    }
    return ofs;
}

void
sim_flow_build(struct sim_flow *flow, uint32_t index)
{
    memset(flow, 0, sizeof *flow);
    flow->index = index;
    flow->in_port = 1 + index % 4;
    const uint8_t hh = (uint8_t) (index >> 8), ll = (uint8_t) index;
    const uint8_t src[6] = { 0x02, 0, 0, 0, hh, ll };
    const uint8_t dst[6] = { 0x02, 0, 0, 1, hh, ll };
    memcpy(flow->eth_src, src, 6);
    memcpy(flow->eth_dst, dst, 6);

    flow->proto = index & 1 ? IPPROTO_TCP : IPPROTO_UDP;
    if (index % 4 == 1 || index % 4 == 2) {
        flow->eth_type = 0x0800;
        flow->ipv4_src = 0x0a000000u | index;
        flow->ipv4_dst = 0x0a010000u | index;
    } else {
        static const uint8_t v6_src[16] = { 0x20, 0x01, 0x0d, 0xb8 };
        static const uint8_t v6_dst[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 1 };
        flow->eth_type = 0x86dd;
        memcpy(flow->ipv6_src, v6_src, 16);
        memcpy(flow->ipv6_dst, v6_dst, 16);
        flow->ipv6_src[14] = flow->ipv6_dst[14] = hh;
        flow->ipv6_src[15] = flow->ipv6_dst[15] = ll;
    }
    flow->l4_src = (uint16_t) (10000 + index);
    if (flow->proto == IPPROTO_UDP) {
        flow->l4_dst = 53;
    } else {
        flow->l4_dst = index % 16 == 3 || index % 16 == 13 ? 443 : 80;
    }

    switch (index) {
    case SIM_FLOW_VLAN:
        flow->vlan_tci = 0x1000 | 3 << 13 | 100;   /* CFI, pcp 3, vid 100 */
        break;
    case SIM_FLOW_CT:
        flow->recirc_id = 1;
        flow->ct = true;
        flow->ct_state = OVS_CS_F_ESTABLISHED | OVS_CS_F_TRACKED;
        flow->ct_zone = 5;
        flow->ct_mark = 1;
        break;
    case SIM_FLOW_TUNNEL:
        flow->tunnel = true;
        flow->tun_id = 0x2a;
        flow->tun_src = 0xc0000201;     /* 192.0.2.1 */
        flow->tun_dst = 0xc0000202;     /* 192.0.2.2 */
        flow->tun_ttl = 64;
        flow->tun_tp_dst = 4789;
        break;
    }

    flow->key_len = build_attrs(flow, flow->key, false);
    flow->mask_len = build_attrs(flow, flow->mask, true);

    size_t a = 0;
    uint32_t out_port = flow->in_port % 4 + 1;
    put_attr(flow->actions, &a, OVS_ACTION_ATTR_OUTPUT, &out_port, 4);
    flow->actions_len = a;

    build_packet(flow);
}

uint16_t
sim_flow_tcp_flags(const struct sim_flow *flow)
{
    return flow->proto == IPPROTO_TCP ? 0x18 : 0;
}

void
sim_flow_count(uint64_t first, uint64_t last, struct sim_flow_counts *c)
{
    memset(c, 0, sizeof *c);
    for (uint32_t f = 1; f <= SIM_N_FLOWS; f++) {
        uint64_t n = 0;
        if (first <= last) {
            /* Event numbers k in [first, last] with flow index f, i.e.
             * k = f + 256 j. */
            uint64_t lo = first > f ? (first - f + SIM_N_FLOWS - 1)
                                      / SIM_N_FLOWS : 0;
            uint64_t hi = last >= f ? (last - f) / SIM_N_FLOWS + 1 : 0;
            n = hi > lo ? hi - lo : 0;
        }
        /* Classified from the built flow, so the counts follow it. */
        struct sim_flow flow;
        sim_flow_build(&flow, f);
        const bool ipv6 = flow.eth_type == 0x86dd;
        const bool tcp = flow.proto == IPPROTO_TCP;
        *(ipv6 ? (tcp ? &c->ipv6_tcp : &c->ipv6_udp)
               : (tcp ? &c->ipv4_tcp : &c->ipv4_udp)) += n;
        c->tcp_443 += tcp && flow.l4_dst == 443 ? n : 0;
        c->vlan += flow.vlan_tci ? n : 0;
        c->ct += flow.ct ? n : 0;
        c->tunnel += flow.tunnel ? n : 0;
    }
}

/* ---- ODP formatting ------------------------------------------------------
 *
 * Prints what OVS's odp_flow_format() (lib/odp-util.c) prints, not
 * verbose, for a key whose mask is exact on every field, which is how
 * `ovs-appctl dpctl/dump-flows` shows an exact-match flow: no field is
 * left out and none has a /mask.  Only the attributes the sim puts in its
 * keys are known here. */

static void
format_flags(FILE *out, uint32_t flags, const char *(*name)(uint32_t))
{
    if (!flags) {
        fputc('0', out);
        return;
    }
    /* Lowest bit first, '|' between; the sim only sets named bits. */
    bool first = true;
    for (uint32_t bit = 1; bit; bit <<= 1) {
        if (flags & bit) {
            fprintf(out, "%s%s", first ? "" : "|", name(bit));
            first = false;
        }
    }
}

static const char *
ct_state_name(uint32_t bit)
{
    switch (bit) {
    case OVS_CS_F_NEW: return "new";
    case OVS_CS_F_ESTABLISHED: return "est";
    case OVS_CS_F_RELATED: return "rel";
    case OVS_CS_F_REPLY_DIR: return "rpl";
    case OVS_CS_F_INVALID: return "inv";
    case OVS_CS_F_TRACKED: return "trk";
    case OVS_CS_F_SRC_NAT: return "snat";
    case OVS_CS_F_DST_NAT: return "dnat";
    default: return "?";
    }
}

/* OVS's FLOW_TNL_F_* bits (include/openvswitch/packets.h). */
#define TNL_F_OAM (1 << 0)
#define TNL_F_DONT_FRAGMENT (1 << 1)
#define TNL_F_CSUM (1 << 2)
#define TNL_F_KEY (1 << 3)

static const char *
tun_flag_name(uint32_t bit)
{
    switch (bit) {
    case TNL_F_OAM: return "oam";
    case TNL_F_DONT_FRAGMENT: return "df";
    case TNL_F_CSUM: return "csum";
    case TNL_F_KEY: return "key";
    default: return "?";
    }
}

static void
format_ipv4(FILE *out, const char *name, uint32_t be)
{
    const uint8_t *b = (const uint8_t *) &be;
    fprintf(out, "%s=%u.%u.%u.%u", name, b[0], b[1], b[2], b[3]);
}

static void
format_eth(FILE *out, const char *name, const uint8_t *a)
{
    fprintf(out, "%s=%02x:%02x:%02x:%02x:%02x:%02x", name, a[0], a[1], a[2],
            a[3], a[4], a[5]);
}

static const char *
frag_name(uint8_t frag)
{
    return frag == OVS_FRAG_TYPE_NONE ? "no"
           : frag == OVS_FRAG_TYPE_FIRST ? "first"
           : frag == OVS_FRAG_TYPE_LATER ? "later" : "<error>";
}

static void
format_tunnel(FILE *out, const uint8_t *p, size_t len)
{
    uint32_t flags = 0;
    while (len >= NLA_HDRLEN) {
        struct nlattr nla;
        memcpy(&nla, p, NLA_HDRLEN);
        const uint8_t *v = p + NLA_HDRLEN;
        uint64_t u64;
        uint32_t u32;
        uint16_t u16;
        switch (nla.nla_type) {
        case OVS_TUNNEL_KEY_ATTR_ID:
            memcpy(&u64, v, 8);
            fprintf(out, "tun_id=0x%" PRIx64 ",", be64toh(u64));
            flags |= TNL_F_KEY;
            break;
        case OVS_TUNNEL_KEY_ATTR_IPV4_SRC:
        case OVS_TUNNEL_KEY_ATTR_IPV4_DST:
            memcpy(&u32, v, 4);
            format_ipv4(out, nla.nla_type == OVS_TUNNEL_KEY_ATTR_IPV4_SRC
                             ? "src" : "dst", u32);
            fputc(',', out);
            break;
        case OVS_TUNNEL_KEY_ATTR_TOS:
            fprintf(out, "tos=%#x,", v[0]);
            break;
        case OVS_TUNNEL_KEY_ATTR_TTL:
            fprintf(out, "ttl=%u,", v[0]);
            break;
        case OVS_TUNNEL_KEY_ATTR_DONT_FRAGMENT:
            flags |= TNL_F_DONT_FRAGMENT;
            break;
        case OVS_TUNNEL_KEY_ATTR_CSUM:
            flags |= TNL_F_CSUM;
            break;
        case OVS_TUNNEL_KEY_ATTR_OAM:
            flags |= TNL_F_OAM;
            break;
        case OVS_TUNNEL_KEY_ATTR_TP_SRC:
        case OVS_TUNNEL_KEY_ATTR_TP_DST:
            memcpy(&u16, v, 2);
            fprintf(out, "%s=%u,",
                    nla.nla_type == OVS_TUNNEL_KEY_ATTR_TP_SRC ? "tp_src"
                                                               : "tp_dst",
                    ntohs(u16));
            break;
        }
        p += NLA_ALIGN(nla.nla_len);
        len -= NLA_ALIGN(nla.nla_len) < len ? NLA_ALIGN(nla.nla_len) : len;
    }
    /* Every flag is exact in the mask: OVS prints them as in a key. */
    fputs("flags(", out);
    format_flags(out, flags, tun_flag_name);
    fputc(')', out);
}

static void
format_attrs(FILE *out, const uint8_t *p, size_t len)
{
    bool first = true;
    while (len >= NLA_HDRLEN) {
        struct nlattr nla;
        memcpy(&nla, p, NLA_HDRLEN);
        const uint8_t *v = p + NLA_HDRLEN;
        const size_t size = nla.nla_len - NLA_HDRLEN;
        uint32_t u32;
        uint16_t u16;

        if (!first) {
            fputc(',', out);
        }
        first = false;
        switch (nla.nla_type) {
        case OVS_KEY_ATTR_RECIRC_ID:
            memcpy(&u32, v, 4);
            fprintf(out, "recirc_id(%#x)", u32);
            break;
        case OVS_KEY_ATTR_TUNNEL:
            fputs("tunnel(", out);
            format_tunnel(out, v, size);
            fputc(')', out);
            break;
        case OVS_KEY_ATTR_IN_PORT:
            memcpy(&u32, v, 4);
            fprintf(out, "in_port(%u)", u32);
            break;
        case OVS_KEY_ATTR_CT_STATE:
            memcpy(&u32, v, 4);
            fputs("ct_state(", out);
            format_flags(out, u32, ct_state_name);
            fputc(')', out);
            break;
        case OVS_KEY_ATTR_CT_ZONE:
            memcpy(&u16, v, 2);
            fprintf(out, "ct_zone(%#x)", u16);
            break;
        case OVS_KEY_ATTR_CT_MARK:
            memcpy(&u32, v, 4);
            fprintf(out, "ct_mark(%#x)", u32);
            break;
        case OVS_KEY_ATTR_ETHERNET: {
            struct ovs_key_ethernet eth;
            memcpy(&eth, v, sizeof eth);
            fputs("eth(", out);
            format_eth(out, "src", eth.eth_src);
            fputc(',', out);
            format_eth(out, "dst", eth.eth_dst);
            fputc(')', out);
            break;
        }
        case OVS_KEY_ATTR_ETHERTYPE:
            memcpy(&u16, v, 2);
            fprintf(out, "eth_type(0x%04x)", ntohs(u16));
            break;
        case OVS_KEY_ATTR_VLAN: {
            memcpy(&u16, v, 2);
            uint16_t tci = ntohs(u16);
            fprintf(out, "vlan(vid=%u,pcp=%u%s)", tci & 0xfff, tci >> 13,
                    tci & 0x1000 ? "" : ",cfi=0");
            break;
        }
        case OVS_KEY_ATTR_ENCAP:
            fputs("encap(", out);
            format_attrs(out, v, size);
            fputc(')', out);
            break;
        case OVS_KEY_ATTR_IPV4: {
            struct ovs_key_ipv4 k;
            memcpy(&k, v, sizeof k);
            fputs("ipv4(", out);
            format_ipv4(out, "src", k.ipv4_src);
            fputc(',', out);
            format_ipv4(out, "dst", k.ipv4_dst);
            fprintf(out, ",proto=%u,tos=%#x,ttl=%u,frag=%s)", k.ipv4_proto,
                    k.ipv4_tos, k.ipv4_ttl, frag_name(k.ipv4_frag));
            break;
        }
        case OVS_KEY_ATTR_IPV6: {
            struct ovs_key_ipv6 k;
            char src[INET6_ADDRSTRLEN], dst[INET6_ADDRSTRLEN];
            memcpy(&k, v, sizeof k);
            inet_ntop(AF_INET6, k.ipv6_src, src, sizeof src);
            inet_ntop(AF_INET6, k.ipv6_dst, dst, sizeof dst);
            fprintf(out,
                    "ipv6(src=%s,dst=%s,label=%#x,proto=%u,tclass=%#x,"
                    "hlimit=%u,frag=%s)",
                    src, dst, ntohl(k.ipv6_label), k.ipv6_proto,
                    k.ipv6_tclass, k.ipv6_hlimit, frag_name(k.ipv6_frag));
            break;
        }
        case OVS_KEY_ATTR_TCP:
        case OVS_KEY_ATTR_UDP: {
            struct ovs_key_tcp k;
            memcpy(&k, v, sizeof k);
            fprintf(out, "%s(src=%u,dst=%u)",
                    nla.nla_type == OVS_KEY_ATTR_TCP ? "tcp" : "udp",
                    ntohs(k.tcp_src), ntohs(k.tcp_dst));
            break;
        }
        default:
            fprintf(out, "key%u(?)", nla.nla_type);
            break;
        }
        p += NLA_ALIGN(nla.nla_len);
        len -= NLA_ALIGN(nla.nla_len) < len ? NLA_ALIGN(nla.nla_len) : len;
    }
}

void
sim_flow_format(const struct sim_flow *flow, FILE *out)
{
    format_attrs(out, (const uint8_t *) flow->key, flow->key_len);
}
