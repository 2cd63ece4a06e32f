/* One event: pick its event number and flow, fill the OVS structures the
 * probe points at, call the probe site, print the event's line. */
#include "sim.h"

#include <inttypes.h>
#include <string.h>

#define PMD_ID_NULL UINT32_MAX
#define SIM_HEADROOM 64

static struct dpif_netlink sim_dpif;
static struct udpif sim_udpif;
static struct sim_flow sim_flows[SIM_N_FLOWS];
static struct udpif_key sim_ukeys[SIM_N_FLOWS];
static uint64_t sim_odp_actions_stub[16];
static struct ofpbuf sim_odp_actions;
static uint64_t sim_recirc_storage[2];
static uint64_t sim_event_counter;

void
sim_world_init(const char *dpif_name)
{
    static char full_name[64], base_name[64];
    snprintf(base_name, sizeof base_name, "%s", dpif_name);
    snprintf(full_name, sizeof full_name, "system@%s", dpif_name);

    sim_dpif.dpif.base_name = base_name;
    sim_dpif.dpif.full_name = full_name;
    sim_dpif.dp_ifindex = 7;
    sim_dpif.n_handlers = 4;

    sim_udpif.list_node.prev = sim_udpif.list_node.next = &sim_udpif.list_node;
    sim_udpif.name = base_name;
    sim_udpif.dpif = &sim_dpif.dpif;
    sim_udpif.n_handlers = 4;
    sim_udpif.n_revalidators = 2;
    sim_udpif.flow_limit = 200000;

    sim_odp_actions.base = sim_odp_actions.data = sim_odp_actions_stub;
    sim_odp_actions.allocated = sizeof sim_odp_actions_stub;
    sim_odp_actions.source = OFPBUF_STUB;

    for (uint32_t i = 0; i < SIM_N_FLOWS; i++) {
        struct sim_flow *flow = &sim_flows[i];
        struct udpif_key *ukey = &sim_ukeys[i];

        sim_flow_build(flow, i + 1);
        ukey->key = (const struct nlattr *) flow->key;
        ukey->key_len = flow->key_len;
        ukey->mask = (const struct nlattr *) flow->mask;
        ukey->mask_len = flow->mask_len;
        ukey->ufid_present = true;
        ukey->pmd_id = PMD_ID_NULL;
        pthread_mutex_init(&ukey->mutex.lock, NULL);
        ukey->mutex.where = "<unlocked>";
        ukey->stats.n_packets = 10 * (i + 1);
        ukey->stats.n_bytes = ukey->stats.n_packets * flow->packet_len;
        ukey->stats.tcp_flags = sim_flow_tcp_flags(flow);
        ukey->dp_layer = "ovs";
        ukey->created = 1000000 + i;
        ukey->state = UKEY_OPERATIONAL;
    }
}

void
sim_fire_defaults(struct sim_fire_opts *opts)
{
    memset(opts, 0, sizeof *opts);
    opts->result = UKEY_DELETE;
    opts->reason = FDR_FLOW_IDLE;
    opts->type = DPIF_UC_MISS;
    opts->n_flows = 12;
    opts->max_idle_ms = 500;     /* MIN(max-idle 10000, max-revalidator 500) */
    opts->tcp_flags = -1;
}

uint64_t
sim_last_event(void)
{
    return sim_event_counter;
}

/* The event number of an event that carries a ufid. */
static uint64_t
take_event(const struct sim_fire_opts *opts)
{
    return opts->event ? opts->event : ++sim_event_counter;
}

/* The event number whose flow an event without a ufid uses: the next one,
 * not consumed (a flow's upcall comes before its flow_put). */
static uint64_t
peek_event(const struct sim_fire_opts *opts)
{
    return opts->event ? opts->event : sim_event_counter + 1;
}

static struct sim_flow *
flow_of(uint64_t k)
{
    return &sim_flows[sim_flow_index(k) - 1];
}

static struct udpif_key *
ukey_of(uint64_t k)
{
    struct udpif_key *ukey = &sim_ukeys[sim_flow_index(k) - 1];
    sim_ufid(k, &ukey->ufid);
    ukey->hash = (uint32_t) ukey->ufid.u64.lo;
    return ukey;
}

static void
print_ufid(FILE *out, const char *what, const ovs_u128 *ufid)
{
    char buf[SIM_UFID_STRLEN];
    if (ufid) {
        sim_ufid_format(ufid, buf);
    } else {
        strcpy(buf, "ufid:none");
    }
    fprintf(out, "%s %s", what, buf);
}

/* A dp_packet holding `flow`'s packet after some headroom, like a packet
 * received into a buffer. */
static void
packet_init(struct dp_packet *packet, uint8_t *buf, size_t size,
            const struct sim_flow *flow)
{
    memset(packet, 0, sizeof *packet);
    memcpy(buf + SIM_HEADROOM, flow->packet, flow->packet_len);
    packet->base_ = buf;
    packet->allocated_ = (uint32_t) size;
    packet->data_ofs = SIM_HEADROOM;
    packet->size_ = flow->packet_len;
    packet->odp_in_port = flow->in_port;
}

static void
fire_flow_op(enum sim_probe probe, const struct sim_fire_opts *opts,
             FILE *out)
{
    ovs_u128 ufid;
    const ovs_u128 *ufidp = NULL;
    uint64_t k;
    if (opts->no_ufid) {
        k = peek_event(opts);
    } else {
        k = take_event(opts);
        sim_ufid(k, &ufid);
        ufidp = &ufid;
    }
    const struct sim_flow *flow = flow_of(k);
    const struct nlattr *key = (const struct nlattr *) flow->key;
    struct dpif_flow_stats stats = { 0 };
    uint64_t reply_stub[32];
    struct ofpbuf reply = { .base = reply_stub, .data = reply_stub,
                            .allocated = sizeof reply_stub,
                            .source = OFPBUF_STUB };
    struct dpif_op op = { .type = 0 };
    const char *what;

    switch (probe) {
    case SP_FLOW_PUT:
        op.type = DPIF_OP_FLOW_PUT;
        op.flow_put = (struct dpif_flow_put) {
            .flags = DPIF_FP_CREATE,
            .key = key, .key_len = flow->key_len,
            .mask = (const struct nlattr *) flow->mask,
            .mask_len = flow->mask_len,
            .actions = (const struct nlattr *) flow->actions,
            .actions_len = flow->actions_len,
            .ufid = ufidp, .pmd_id = PMD_ID_NULL, .stats = &stats,
        };
        what = "flow_put";
        break;
    case SP_FLOW_DEL:
        op.type = DPIF_OP_FLOW_DEL;
        op.flow_del = (struct dpif_flow_del) {
            .key = key, .key_len = flow->key_len,
            .ufid = ufidp, .pmd_id = PMD_ID_NULL, .stats = &stats,
        };
        what = "flow_del";
        break;
    default:
        op.type = DPIF_OP_FLOW_GET;
        op.flow_get = (struct dpif_flow_get) {
            .key = key, .key_len = flow->key_len,
            .ufid = ufidp, .pmd_id = PMD_ID_NULL, .buffer = &reply,
            .flow = NULL,
        };
        what = "flow_get";
        break;
    }
    struct dpif_op *ops[1] = { &op };
    dpif_netlink_operate__(&sim_dpif, ops, 1);
    if (out) {
        print_ufid(out, what, ufidp);
        fputc('\n', out);
    }
}

void
sim_fire(enum sim_probe probe, const struct sim_fire_opts *opts, FILE *out)
{
    uint64_t k;
    struct udpif_key *ukey;
    uint8_t buf[SIM_HEADROOM + SIM_PACKET_LEN + 32];
    struct dp_packet packet;

    switch (probe) {
    case SP_FLOW_RESULT:
    case SP_FLOW_SWEEP_RESULT:
        ukey = ukey_of(take_event(opts));
        if (probe == SP_FLOW_RESULT) {
            revalidate(&sim_udpif, ukey, opts->result, opts->reason);
        } else {
            revalidator_sweep__(&sim_udpif, ukey, opts->result, opts->reason);
        }
        if (out) {
            print_ufid(out, sim_probes[probe].short_name, &ukey->ufid);
            fprintf(out, " result=%s reason=%s\n",
                    reval_result_names[opts->result],
                    flow_del_reason_names[opts->reason]);
        }
        break;

    case SP_REVAL_ENTRY:
    case SP_REVAL_EXIT: {
        k = take_event(opts);
        ukey = ukey_of(k);
        uint16_t tcp_flags = opts->tcp_flags >= 0
                             ? (uint16_t) opts->tcp_flags
                             : sim_flow_tcp_flags(flow_of(k));
        enum reval_result result = opts->result_set ? opts->result
                                                    : UKEY_KEEP;
        bool entry = probe == SP_REVAL_ENTRY;
        revalidate_ukey__(&sim_udpif, ukey, tcp_flags, &sim_odp_actions,
                          (struct recirc_refs *) sim_recirc_storage, NULL,
                          result, entry, !entry);
        if (out) {
            print_ufid(out, sim_probes[probe].short_name, &ukey->ufid);
            if (entry) {
                fprintf(out, " tcp_flags=0x%x\n", tcp_flags);
            } else {
                fprintf(out, " result=%s\n", reval_result_names[result]);
            }
        }
        break;
    }

    case SP_START_DUMP:
        udpif_revalidator(&sim_udpif, true, opts->n_flows, 0);
        if (out) {
            fprintf(out, "start_dump n_flows=%" PRIu64 "\n", opts->n_flows);
        }
        break;

    case SP_SWEEP_DONE:
        udpif_revalidator(&sim_udpif, false, opts->n_flows,
                          opts->max_idle_ms);
        if (out) {
            fprintf(out, "sweep_done n_flows=%" PRIu64 " max_idle_ms=%u\n",
                    opts->n_flows, opts->max_idle_ms);
        }
        break;

    case SP_UPCALL: {
        struct sim_flow *flow = flow_of(peek_event(opts));
        struct dpif_upcall upcall = {
            .type = opts->type,
            .key = (struct nlattr *) flow->key,
            .key_len = flow->key_len,
        };
        packet_init(&upcall.packet, buf, sizeof buf, flow);
        dpif_recv(&sim_dpif.dpif, 0, &upcall);
        if (out) {
            fprintf(out, "upcall type=%s len=%u\n",
                    dpif_upcall_type_names[upcall.type],
                    upcall.packet.size_);
        }
        break;
    }

    case SP_FLOW_PUT:
    case SP_FLOW_DEL:
    case SP_FLOW_GET:
        fire_flow_op(probe, opts, out);
        break;

    case SP_FLOW_EXECUTE: {
        struct sim_flow *flow = flow_of(peek_event(opts));
        packet_init(&packet, buf, sizeof buf, flow);
        struct dpif_op op = {
            .type = DPIF_OP_EXECUTE,
            .execute = {
                .actions = (const struct nlattr *) flow->actions,
                .actions_len = flow->actions_len,
                .hash = flow->index,
                .packet = &packet,
            },
        };
        struct dpif_op *ops[1] = { &op };
        dpif_netlink_operate__(&sim_dpif, ops, 1);
        if (out) {
            fprintf(out, "flow_execute len=%u\n", packet.size_);
        }
        break;
    }

    case SP_RUN_START:
        main_run_start();
        if (out) {
            fputs("run_start\n", out);
        }
        break;

    case SP_POLL_BLOCK:
        main_poll_block();
        if (out) {
            fputs("poll_block\n", out);
        }
        break;

    case SP_N_PROBES:
        break;
    }
}

void
sim_fire_mix(uint64_t i, bool sweep, FILE *out)
{
    struct sim_fire_opts opts;
    sim_fire_defaults(&opts);
    opts.reason = (enum flow_del_reason) (i % N_FLOW_DEL_REASONS);
    opts.result = opts.reason == FDR_NONE ? UKEY_KEEP : UKEY_DELETE;
    sim_fire(sweep ? SP_FLOW_SWEEP_RESULT : SP_FLOW_RESULT, &opts, out);
}
