/* Deterministic ufids, flow keys, masks, actions and packets.
 *
 * Event number k (1, 2, ...) gets
 *     ufid.u64.lo = splitmix64(k), ufid.u64.hi = splitmix64(k + 2^63)
 * and flow index f = (k - 1) % 256 + 1, whose flow is
 *     in_port   1 + f % 4
 *     eth       src 02:00:00:00:HH:LL, dst 02:00:00:01:HH:LL  (HH.LL = f)
 *     eth_type  0x0800
 *     ipv4      src 10.0.HH.LL, dst 10.1.HH.LL, tos 0, ttl 64, frag no,
 *               proto 6 (tcp) when f is odd, 17 (udp) when even
 *     tcp/udp   src 10000 + f, dst 80 (tcp) or 53 (udp)
 * Keys are netlink attributes numbered and laid out as in
 * <linux/openvswitch.h>: recirc_id, in_port, eth, eth_type, ipv4, tcp|udp
 * (64 bytes).  The mask matches every field exactly except ipv4 tos and
 * ttl.  The packet is 98 bytes of Ethernet/IPv4/TCP|UDP with valid
 * checksums; TCP packets carry PSH|ACK. */
#include "sim.h"

#include <arpa/inet.h>
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
    memcpy(p + NLA_HDRLEN, data, len);
    memset(p + NLA_HDRLEN + len, 0, NLA_ALIGN(len) - len);
    *ofs += NLA_HDRLEN + NLA_ALIGN(len);
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
build_packet(struct sim_flow *flow)
{
    uint8_t *p = flow->packet;
    uint16_t u16;
    uint32_t u32;

    memset(p, 0, SIM_PACKET_LEN);
    memcpy(p, flow->eth_dst, 6);
    memcpy(p + 6, flow->eth_src, 6);
    u16 = htons(0x0800);
    memcpy(p + 12, &u16, 2);

    uint8_t *ip = p + 14;
    ip[0] = 0x45;
    u16 = htons(SIM_PACKET_LEN - 14);
    memcpy(ip + 2, &u16, 2);
    u16 = htons((uint16_t) flow->index);
    memcpy(ip + 4, &u16, 2);
    u16 = htons(0x4000);            /* DF */
    memcpy(ip + 6, &u16, 2);
    ip[8] = 64;
    ip[9] = flow->proto;
    u32 = htonl(flow->ipv4_src);
    memcpy(ip + 12, &u32, 4);
    u32 = htonl(flow->ipv4_dst);
    memcpy(ip + 16, &u32, 4);
    u16 = csum_finish(csum_add(0, ip, 20));
    memcpy(ip + 10, &u16, 2);

    uint8_t *l4 = ip + 20;
    size_t l4_len = SIM_PACKET_LEN - 34;
    size_t hdr_len = flow->proto == IPPROTO_TCP ? 20 : 8;
    for (size_t i = hdr_len; i < l4_len; i++) {
        l4[i] = (uint8_t) ('a' + (i - hdr_len) % 26);
    }
    u16 = htons(flow->l4_src);
    memcpy(l4, &u16, 2);
    u16 = htons(flow->l4_dst);
    memcpy(l4 + 2, &u16, 2);
    size_t csum_ofs;
    if (flow->proto == IPPROTO_TCP) {
        u32 = htonl(flow->index * 1000);
        memcpy(l4 + 4, &u32, 4);
        u32 = htonl(1);
        memcpy(l4 + 8, &u32, 4);
        l4[12] = 5 << 4;
        l4[13] = 0x18;              /* PSH|ACK */
        u16 = htons(65535);
        memcpy(l4 + 14, &u16, 2);
        csum_ofs = 16;
    } else {
        u16 = htons((uint16_t) l4_len);
        memcpy(l4 + 4, &u16, 2);
        csum_ofs = 6;
    }
    /* Pseudo-header: addresses, protocol, L4 length. */
    uint32_t sum = csum_add(0, ip + 12, 8);
    sum += flow->proto + (uint32_t) l4_len;
    sum = csum_add(sum, l4, l4_len);
    u16 = csum_finish(sum);
    if (flow->proto == IPPROTO_UDP && u16 == 0) {
        u16 = 0xffff;
    }
    memcpy(l4 + csum_ofs, &u16, 2);
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
    flow->ipv4_src = 0x0a000000u | index;
    flow->ipv4_dst = 0x0a010000u | index;
    flow->proto = index & 1 ? IPPROTO_TCP : IPPROTO_UDP;
    flow->l4_src = (uint16_t) (10000 + index);
    flow->l4_dst = flow->proto == IPPROTO_TCP ? 80 : 53;

    /* Key and mask, attribute by attribute. */
    size_t k = 0, m = 0;
    uint32_t u32 = 0, ones = UINT32_MAX;
    put_attr(flow->key, &k, OVS_KEY_ATTR_RECIRC_ID, &u32, 4);
    put_attr(flow->mask, &m, OVS_KEY_ATTR_RECIRC_ID, &ones, 4);
    put_attr(flow->key, &k, OVS_KEY_ATTR_IN_PORT, &flow->in_port, 4);
    put_attr(flow->mask, &m, OVS_KEY_ATTR_IN_PORT, &ones, 4);

    struct ovs_key_ethernet eth, eth_mask;
    memcpy(eth.eth_src, flow->eth_src, 6);
    memcpy(eth.eth_dst, flow->eth_dst, 6);
    memset(&eth_mask, 0xff, sizeof eth_mask);
    put_attr(flow->key, &k, OVS_KEY_ATTR_ETHERNET, &eth, sizeof eth);
    put_attr(flow->mask, &m, OVS_KEY_ATTR_ETHERNET, &eth_mask,
             sizeof eth_mask);

    uint16_t eth_type = htons(0x0800), u16_ones = UINT16_MAX;
    put_attr(flow->key, &k, OVS_KEY_ATTR_ETHERTYPE, &eth_type, 2);
    put_attr(flow->mask, &m, OVS_KEY_ATTR_ETHERTYPE, &u16_ones, 2);

    struct ovs_key_ipv4 ipv4 = {
        .ipv4_src = htonl(flow->ipv4_src),
        .ipv4_dst = htonl(flow->ipv4_dst),
        .ipv4_proto = flow->proto,
        .ipv4_tos = 0,
        .ipv4_ttl = 64,
        .ipv4_frag = OVS_FRAG_TYPE_NONE,
    };
    struct ovs_key_ipv4 ipv4_mask = {
        .ipv4_src = UINT32_MAX, .ipv4_dst = UINT32_MAX,
        .ipv4_proto = 0xff, .ipv4_frag = 0xff,
    };
    put_attr(flow->key, &k, OVS_KEY_ATTR_IPV4, &ipv4, sizeof ipv4);
    put_attr(flow->mask, &m, OVS_KEY_ATTR_IPV4, &ipv4_mask, sizeof ipv4_mask);

    /* struct ovs_key_tcp and ovs_key_udp have the same layout. */
    struct ovs_key_tcp l4 = { .tcp_src = htons(flow->l4_src),
                              .tcp_dst = htons(flow->l4_dst) };
    struct ovs_key_tcp l4_mask = { .tcp_src = UINT16_MAX,
                                   .tcp_dst = UINT16_MAX };
    uint16_t l4_type = flow->proto == IPPROTO_TCP ? OVS_KEY_ATTR_TCP
                                                  : OVS_KEY_ATTR_UDP;
    put_attr(flow->key, &k, l4_type, &l4, sizeof l4);
    put_attr(flow->mask, &m, l4_type, &l4_mask, sizeof l4_mask);
    flow->key_len = k;
    flow->mask_len = m;

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
sim_flow_format(const struct sim_flow *flow, FILE *out)
{
    const uint8_t *s = flow->eth_src, *d = flow->eth_dst;
    uint32_t src = flow->ipv4_src, dst = flow->ipv4_dst;
    fprintf(out,
            "recirc_id(0),in_port(%u),"
            "eth(src=%02x:%02x:%02x:%02x:%02x:%02x,"
            "dst=%02x:%02x:%02x:%02x:%02x:%02x),eth_type(0x0800),"
            "ipv4(src=%u.%u.%u.%u,dst=%u.%u.%u.%u,proto=%u,tos=0,ttl=64,"
            "frag=no),%s(src=%u,dst=%u)",
            flow->in_port, s[0], s[1], s[2], s[3], s[4], s[5], d[0], d[1],
            d[2], d[3], d[4], d[5], src >> 24, (src >> 16) & 0xff,
            (src >> 8) & 0xff, src & 0xff, dst >> 24, (dst >> 16) & 0xff,
            (dst >> 8) & 0xff, dst & 0xff, flow->proto,
            flow->proto == IPPROTO_TCP ? "tcp" : "udp", flow->l4_src,
            flow->l4_dst);
}
