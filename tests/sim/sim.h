/* vswitchd-sim: a stand-in for ovs-vswitchd that carries the 13 OVS USDT
 * probes with OVS's provider:name, argument order and C types.
 *
 * This header holds the data structures, modelled on Open vSwitch's (names,
 * member order and types follow OVS where the tracer can see them; members
 * OVS has and the sim does not need are left out), and the interfaces
 * between the sim's files:
 *
 *   probes.c  the probe call sites, in functions named like OVS's providers
 *   flows.c   deterministic ufids, flow keys, masks and packets
 *   events.c  builds the structures for one event, fires it, prints its line
 *   main.c    command line, stdin commands, the --rate benchmark loop
 *
 * See README.md for the commands and the exact output lines.
 */
#ifndef VSWITCHD_SIM_H
#define VSWITCHD_SIM_H 1

#include <linux/openvswitch.h>
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* ---- lib/ and include/openvswitch/ types ------------------------------ */

typedef union {
    uint32_t u32[4];
    struct {
        uint64_t lo, hi;
    } u64;
} ovs_u128;

/* A netlink attribute header: length including this header, then type;
 * the payload follows, padded to 4 bytes.  (Not taken from
 * <linux/netlink.h>, which <linux/openvswitch.h> does not include.) */
struct nlattr {
    uint16_t nla_len;
    uint16_t nla_type;
};
#define NLA_HDRLEN ((size_t) sizeof(struct nlattr))
#define NLA_ALIGN(len) (((len) + 3) & ~(size_t) 3)

struct ovs_list {
    struct ovs_list *prev;
    struct ovs_list *next;
};

/* The _Atomic pointer gives the DWARF a DW_TAG_atomic_type, as in OVS. */
struct cmap_node {
    struct cmap_node *_Atomic next;
};

struct ovs_mutex {
    pthread_mutex_t lock;
    const char *where;
};

enum ofpbuf_source {
    OFPBUF_MALLOC,
    OFPBUF_STACK,
    OFPBUF_STUB,
};

struct ofpbuf {
    void *base;
    void *data;
    void *header;
    void *msg;
    struct ovs_list list_node;
    uint32_t size;
    uint32_t allocated;
    enum ofpbuf_source source;
};

struct dp_packet {
    void *base_;
    uint32_t allocated_;
    uint16_t data_ofs;
    uint32_t size_;
    uint32_t ol_flags;
    uint32_t odp_in_port;
};

struct dpif_flow_stats {
    uint64_t n_packets;
    uint64_t n_bytes;
    long long used;
    uint16_t tcp_flags;
};

/* Declared only, as where OVS's probes fire. */
struct dpif_class;
struct dpif_backer;
struct dpif_flow;
struct flow;
struct recirc_refs;
struct xlate_cache;

struct dpif {
    const struct dpif_class *dpif_class;
    char *base_name;
    char *full_name;
    uint8_t netflow_engine_type;
    uint8_t netflow_engine_id;
    long long current_ms;
};

/* ---- lib/dpif.h -------------------------------------------------------- */

enum dpif_upcall_type {
    DPIF_UC_MISS,
    DPIF_UC_ACTION,
    DPIF_N_UC_TYPES
};

struct dpif_upcall {
    enum dpif_upcall_type type;
    struct dp_packet packet;
    struct nlattr *key;
    size_t key_len;
    ovs_u128 ufid;
    struct nlattr *mru;
    struct nlattr *hash;
    struct nlattr *cutlen;
    struct nlattr *userdata;
    struct nlattr *out_tun_key;
    struct nlattr *actions;
};

enum dpif_flow_put_flags {
    DPIF_FP_CREATE = 1 << 0,
    DPIF_FP_MODIFY = 1 << 1,
    DPIF_FP_ZERO_STATS = 1 << 2,
    DPIF_FP_PROBE = 1 << 3,
};

struct dpif_flow_put {
    enum dpif_flow_put_flags flags;
    const struct nlattr *key;
    size_t key_len;
    const struct nlattr *mask;
    size_t mask_len;
    const struct nlattr *actions;
    size_t actions_len;
    const ovs_u128 *ufid;
    unsigned pmd_id;
    struct dpif_flow_stats *stats;
};

struct dpif_flow_del {
    const struct nlattr *key;
    size_t key_len;
    const ovs_u128 *ufid;
    bool terse;
    unsigned pmd_id;
    struct dpif_flow_stats *stats;
};

struct dpif_flow_get {
    const struct nlattr *key;
    size_t key_len;
    const ovs_u128 *ufid;
    unsigned pmd_id;
    struct ofpbuf *buffer;
    struct dpif_flow *flow;
};

struct dpif_execute {
    const struct nlattr *actions;
    size_t actions_len;
    bool needs_help;
    bool probe;
    uint16_t mtu;
    uint32_t hash;
    const struct flow *flow;
    struct dp_packet *packet;
};

enum dpif_op_type {
    DPIF_OP_FLOW_PUT = 1,
    DPIF_OP_FLOW_DEL,
    DPIF_OP_EXECUTE,
    DPIF_OP_FLOW_GET,
};

struct dpif_op {
    enum dpif_op_type type;
    int error;
    union {
        struct dpif_flow_put flow_put;
        struct dpif_flow_del flow_del;
        struct dpif_execute execute;
        struct dpif_flow_get flow_get;
    };
};

/* ---- lib/dpif-netlink.c ------------------------------------------------ */

struct dpif_netlink {
    struct dpif dpif;
    int dp_ifindex;
    uint32_t user_features;
    unsigned n_handlers;
    unsigned uc_array_size;
};

struct dpif_netlink_flow {
    uint8_t cmd;
    uint16_t nlmsg_flags;
    int dp_ifindex;
    const struct nlattr *key;
    size_t key_len;
    const struct nlattr *mask;
    size_t mask_len;
    const struct nlattr *actions;
    size_t actions_len;
    ovs_u128 ufid;
    bool ufid_present;
    bool ufid_terse;
    const struct ovs_flow_stats *stats;
    const uint8_t *tcp_flags;
    const uint64_t *used;
    bool clear;
    bool probe;
};

/* ---- ofproto/ofproto-dpif-upcall.c ------------------------------------- */

enum reval_result {
    UKEY_KEEP,
    UKEY_DELETE,
    UKEY_MODIFY
};

enum flow_del_reason {
    FDR_NONE = 0,
    FDR_AVOID_CACHING,
    FDR_BAD_ODP_FIT,
    FDR_FLOW_IDLE,
    FDR_FLOW_LIMIT,
    FDR_FLOW_WILDCARDED,
    FDR_NO_OFPROTO,
    FDR_PURGE,
    FDR_TOO_EXPENSIVE,
    FDR_UPDATE_FAIL,
    FDR_XLATION_ERROR,
    FDR_FLOW_MISSING_DP,
};
#define N_FLOW_DEL_REASONS (FDR_FLOW_MISSING_DP + 1)

enum ukey_state {
    UKEY_CREATED = 0,
    UKEY_VISIBLE,
    UKEY_OPERATIONAL,
    UKEY_INCONSISTENT,
    UKEY_EVICTING,
    UKEY_EVICTED,
    UKEY_DELETED,
};

struct udpif {
    struct ovs_list list_node;
    const char *name;
    struct dpif *dpif;
    struct dpif_backer *backer;
    unsigned n_handlers;
    unsigned n_revalidators;
    uint64_t dump_seq;
    unsigned flow_limit;
    long long dump_duration;
#ifdef SIM_DIAGNOSTICS
    unsigned pause_requested : 1;   /* a bit-field, which ovsq cannot read */
#endif
};

struct udpif_key {
    struct cmap_node cmap_node;
    const struct nlattr *key;       /* datapath flow key */
    size_t key_len;
    const struct nlattr *mask;
    size_t mask_len;
    ovs_u128 ufid;                  /* offset 40 */
    bool ufid_present;
    uint32_t hash;
    unsigned pmd_id;
    struct ovs_mutex mutex;
    struct dpif_flow_stats stats;
    const char *dp_layer;
    long long created;
    uint64_t dump_seq;
    uint64_t reval_seq;
    enum ukey_state state;
    uint32_t key_recirc_id;
};

/* ---- probes.c: the probe sites ----------------------------------------- */

/* The catalog's short names, in this order everywhere (tables, the
 * `semaphores` command). */
enum sim_probe {
    SP_FLOW_RESULT,
    SP_FLOW_SWEEP_RESULT,
    SP_REVAL_ENTRY,
    SP_REVAL_EXIT,
    SP_START_DUMP,
    SP_SWEEP_DONE,
    SP_UPCALL,
    SP_FLOW_PUT,
    SP_FLOW_DEL,
    SP_FLOW_GET,
    SP_FLOW_EXECUTE,
    SP_RUN_START,
    SP_POLL_BLOCK,
    SP_N_PROBES
};

struct sim_probe_info {
    const char *short_name;   /* "flow_result" */
    const char *provider;     /* "revalidate" */
    const char *name;         /* "flow_result" */
    /* The probe's semaphore in a -DSIM_SEMAPHORES build, else NULL. */
    volatile unsigned short *semaphore;
};
extern const struct sim_probe_info sim_probes[SP_N_PROBES];
extern const bool sim_has_semaphores;

void revalidate(struct udpif *, struct udpif_key *, enum reval_result,
                enum flow_del_reason);
void revalidator_sweep__(struct udpif *, struct udpif_key *,
                         enum reval_result, enum flow_del_reason);
/* Fires revalidate_ukey__:entry when `entry`, and revalidate_ukey__:exit
 * with `result` when `exit`. */
enum reval_result revalidate_ukey__(struct udpif *, struct udpif_key *,
                                    uint16_t tcp_flags,
                                    struct ofpbuf *odp_actions,
                                    struct recirc_refs *,
                                    struct xlate_cache *,
                                    enum reval_result result,
                                    bool entry, bool exit);
/* Fires start_dump when `start`, else sweep_done. */
void udpif_revalidator(struct udpif *, bool start, size_t n_flows,
                       unsigned max_idle_ms);
void dpif_recv(struct dpif *, uint32_t handler_id, struct dpif_upcall *);
void dpif_netlink_operate__(struct dpif_netlink *, struct dpif_op **ops,
                            size_t n_ops);
void main_run_start(void);
void main_poll_block(void);

/* ---- flows.c ----------------------------------------------------------- */

/* Flow kinds by flow index f (1..SIM_N_FLOWS); README.md has the counts.
 * The family and L4 protocol follow f % 4 for every flow (1: IPv4/TCP,
 * 2: IPv4/UDP, 3: IPv6/TCP, 0: IPv6/UDP); three flows add more. */
#define SIM_FLOW_VLAN 201     /* 802.1Q-tagged (IPv4/TCP inside) */
#define SIM_FLOW_CT 202       /* conntrack fields, recirc_id 1 (IPv4/UDP) */
#define SIM_FLOW_TUNNEL 203   /* VXLAN tunnel metadata (IPv6/TCP inside) */

#define SIM_PACKET_LEN 118  /* the longest packet: eth 14 + ipv6 40 + l4 64 */
#define SIM_KEY_MAX 256     /* bytes; the sim's keys are 64 to 144 */
#define SIM_N_FLOWS 256     /* flows repeat with period 256 in k */

/* One datapath flow: its key, a mask, actions, and a packet matching it. */
struct sim_flow {
    uint32_t index;          /* 1..SIM_N_FLOWS */
    uint32_t recirc_id;
    uint32_t in_port;
    bool tunnel;             /* tun_* are set */
    uint64_t tun_id;
    uint32_t tun_src, tun_dst;     /* host order */
    uint8_t tun_ttl;
    uint16_t tun_tp_dst;
    bool ct;                 /* ct_* are set */
    uint32_t ct_state;       /* OVS_CS_F_* */
    uint16_t ct_zone;
    uint32_t ct_mark;
    uint8_t eth_src[6], eth_dst[6];
    uint16_t vlan_tci;       /* key TCI (VLAN_CFI set), 0 when untagged */
    uint16_t eth_type;       /* of the IP header: 0x0800 or 0x86dd */
    uint32_t ipv4_src, ipv4_dst;   /* host order, IPv4 flows */
    uint8_t ipv6_src[16], ipv6_dst[16];   /* IPv6 flows */
    uint8_t proto;                 /* IPPROTO_TCP or IPPROTO_UDP */
    uint16_t l4_src, l4_dst;       /* host order */
    uint32_t key[SIM_KEY_MAX / 4];   /* netlink attributes, 4-aligned */
    size_t key_len;
    uint32_t mask[SIM_KEY_MAX / 4];
    size_t mask_len;
    uint32_t actions[4];
    size_t actions_len;
    uint8_t packet[SIM_PACKET_LEN];
    uint32_t packet_len;     /* 98 IPv4, 118 IPv6, 102 VLAN-tagged IPv4 */
};

uint64_t sim_splitmix64(uint64_t x);
/* The ufid of event number k (k >= 1). */
void sim_ufid(uint64_t k, ovs_u128 *ufid);
/* "ufid:8c92d6db-06ec-405b-992f-e23f0bb65697" */
#define SIM_UFID_STRLEN 42
void sim_ufid_format(const ovs_u128 *ufid, char buf[SIM_UFID_STRLEN]);
/* Flow index (1..SIM_N_FLOWS) of event number k. */
uint32_t sim_flow_index(uint64_t k);
/* Fills `flow` for flow index `index`. */
void sim_flow_build(struct sim_flow *flow, uint32_t index);
/* The flow key as an ODP flow string (OVS's dpctl/dump-flows spelling),
 * decoded from flow->key. */
void sim_flow_format(const struct sim_flow *flow, FILE *out);
/* Counts of flow kinds over event numbers first..last (README: `keys`). */
struct sim_flow_counts {
    uint64_t ipv4_tcp, ipv4_udp, ipv6_tcp, ipv6_udp;
    uint64_t tcp_443, vlan, ct, tunnel;
};
void sim_flow_count(uint64_t first, uint64_t last,
                    struct sim_flow_counts *counts);
/* The TCP flags reval_entry reports by default for this flow. */
uint16_t sim_flow_tcp_flags(const struct sim_flow *flow);

/* ---- enum names -------------------------------------------------------- */

extern const char *const reval_result_names[3];
extern const char *const flow_del_reason_names[N_FLOW_DEL_REASONS];
extern const char *const dpif_upcall_type_names[DPIF_N_UC_TYPES];

/* ---- events.c ---------------------------------------------------------- */

/* What one `fire` asks for; sim_fire_defaults() fills the defaults. */
struct sim_fire_opts {
    enum reval_result result;
    bool result_set;
    enum flow_del_reason reason;
    enum dpif_upcall_type type;
    uint64_t n_flows;
    unsigned max_idle_ms;
    int tcp_flags;        /* -1: derived from the flow */
    uint64_t event;       /* 0: take the next event number */
    bool no_ufid;         /* flow_put/del/get with a NULL ufid pointer */
};

void sim_world_init(const char *dpif_name);
void sim_fire_defaults(struct sim_fire_opts *opts);
/* Fires one event of `probe` and, when `out` is not NULL, prints its line.
 * Probes carrying a ufid take the next event number unless opts->event. */
void sim_fire(enum sim_probe probe, const struct sim_fire_opts *opts,
              FILE *out);
/* Event i (0-based) of the `mix` pattern, fired on flow_result (or on
 * flow_sweep_result when `sweep`). */
void sim_fire_mix(uint64_t i, bool sweep, FILE *out);
/* The last event number handed out (0 before any). */
uint64_t sim_last_event(void);

#endif /* VSWITCHD_SIM_H */
