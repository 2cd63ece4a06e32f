/* The 13 probe sites.  Each sits in a noinline function named after the
 * probe's provider (as in OVS, where the provider is the enclosing C
 * function), with OVS's argument order and C types, written with the
 * DTRACE_PROBEn macros that OVS_USDT_PROBE expands to.
 *
 * revalidate:flow_result has two sites (the keep and the delete paths), so
 * its note has two locations with different argument specs.
 *
 * With -DSIM_SEMAPHORES every probe gets a semaphore in .probes, and a
 * site fires only while its semaphore is non-zero, as programs that use
 * `if (PROVIDER_NAME_ENABLED())` do. */
#include "sim.h"

#ifdef SIM_SEMAPHORES
#define _SDT_HAS_SEMAPHORES 1
#define SIM_SEMAPHORE(provider, name) provider##_##name##_semaphore
#define SIM_DEFINE_SEMAPHORE(provider, name)                              \
    unsigned short SIM_SEMAPHORE(provider, name)                          \
        __attribute__((unused)) __attribute__((section(".probes")))
/* A volatile read, so that a tight loop re-reads it every time. */
#define SIM_ENABLED(provider, name)                                       \
    __builtin_expect(                                                     \
        *(volatile unsigned short *) &SIM_SEMAPHORE(provider, name) != 0, 0)
#define SIM_SEMAPHORE_PTR(provider, name) (&SIM_SEMAPHORE(provider, name))
#else
#define SIM_DEFINE_SEMAPHORE(provider, name) struct sim_unused_##name
#define SIM_ENABLED(provider, name) 1
#define SIM_SEMAPHORE_PTR(provider, name) NULL
#endif
#include <sys/sdt.h>

#include <string.h>

/* The structures a probe points at must be written before the probe
 * fires: the sdt asm takes only the pointers as inputs. */
#define SIM_BARRIER() __asm__ __volatile__("" ::: "memory")

SIM_DEFINE_SEMAPHORE(revalidate, flow_result);
SIM_DEFINE_SEMAPHORE(revalidator_sweep__, flow_sweep_result);
SIM_DEFINE_SEMAPHORE(revalidate_ukey__, entry);
SIM_DEFINE_SEMAPHORE(revalidate_ukey__, exit);
SIM_DEFINE_SEMAPHORE(udpif_revalidator, start_dump);
SIM_DEFINE_SEMAPHORE(udpif_revalidator, sweep_done);
SIM_DEFINE_SEMAPHORE(dpif_recv, recv_upcall);
SIM_DEFINE_SEMAPHORE(dpif_netlink_operate__, op_flow_put);
SIM_DEFINE_SEMAPHORE(dpif_netlink_operate__, op_flow_del);
SIM_DEFINE_SEMAPHORE(dpif_netlink_operate__, op_flow_get);
SIM_DEFINE_SEMAPHORE(dpif_netlink_operate__, op_flow_execute);
SIM_DEFINE_SEMAPHORE(main, run_start);
SIM_DEFINE_SEMAPHORE(main, poll_block);

#define SIM_PROBE_INFO(short_name, provider, name)                        \
    { short_name, #provider, #name, SIM_SEMAPHORE_PTR(provider, name) }

const struct sim_probe_info sim_probes[SP_N_PROBES] = {
    SIM_PROBE_INFO("flow_result", revalidate, flow_result),
    SIM_PROBE_INFO("flow_sweep_result", revalidator_sweep__,
                   flow_sweep_result),
    SIM_PROBE_INFO("reval_entry", revalidate_ukey__, entry),
    SIM_PROBE_INFO("reval_exit", revalidate_ukey__, exit),
    SIM_PROBE_INFO("start_dump", udpif_revalidator, start_dump),
    SIM_PROBE_INFO("sweep_done", udpif_revalidator, sweep_done),
    SIM_PROBE_INFO("upcall", dpif_recv, recv_upcall),
    SIM_PROBE_INFO("flow_put", dpif_netlink_operate__, op_flow_put),
    SIM_PROBE_INFO("flow_del", dpif_netlink_operate__, op_flow_del),
    SIM_PROBE_INFO("flow_get", dpif_netlink_operate__, op_flow_get),
    SIM_PROBE_INFO("flow_execute", dpif_netlink_operate__, op_flow_execute),
    SIM_PROBE_INFO("run_start", main, run_start),
    SIM_PROBE_INFO("poll_block", main, poll_block),
};

#ifdef SIM_SEMAPHORES
const bool sim_has_semaphores = true;
#else
const bool sim_has_semaphores = false;
#endif

/* ---- ofproto-dpif-upcall ----------------------------------------------- */

/* Out of line, as in OVS: the probe arguments must survive the call, so
 * the compiler keeps them in callee-saved registers. */
__attribute__((noinline)) static void
transition_ukey_state(struct udpif_key *ukey, enum ukey_state dst)
{
    pthread_mutex_lock(&ukey->mutex.lock);
    ukey->state = dst;
    pthread_mutex_unlock(&ukey->mutex.lock);
}

/* The v9 patch in shared/seed passed (result, reason, udpif, ukey); upstream
 * passes (udpif, ukey, result, reason).  -DSIM_SEED_ORDER builds the former,
 * so tests can check that a tracer tells them apart by the note's sizes. */
#ifdef SIM_SEED_ORDER
#define FLOW_RESULT_PROBE(provider, name, udpif, ukey, result, reason) \
    DTRACE_PROBE4(provider, name, result, reason, udpif, ukey)
#elif defined(SIM_ODD_ORDER)
/* -DSIM_ODD_ORDER: no known version, the enums widened to 8 bytes (sizes
 * 8,8,8,8), so tests can check the error for a probe that matches none. */
#define FLOW_RESULT_PROBE(provider, name, udpif, ukey, result, reason) \
    DTRACE_PROBE4(provider, name, udpif, ukey, (uint64_t) (result),  \
                  (uint64_t) (reason))
#else
#define FLOW_RESULT_PROBE(provider, name, udpif, ukey, result, reason) \
    DTRACE_PROBE4(provider, name, udpif, ukey, result, reason)
#endif

__attribute__((noinline)) void
revalidate(struct udpif *udpif, struct udpif_key *ukey,
           enum reval_result result, enum flow_del_reason del_reason)
{
    if (result == UKEY_KEEP) {
        /* Here the compiler knows `result`: the note may say 4@$0. */
        ukey->dump_seq = udpif->dump_seq;
        SIM_BARRIER();
        if (SIM_ENABLED(revalidate, flow_result)) {
            FLOW_RESULT_PROBE(revalidate, flow_result, udpif, ukey, result,
                              del_reason);
        }
    } else {
        transition_ukey_state(ukey, UKEY_EVICTING);
        ukey->reval_seq = udpif->dump_seq;
        ukey->stats.used = udpif->dump_duration + ukey->created;
        SIM_BARRIER();
        if (SIM_ENABLED(revalidate, flow_result)) {
            FLOW_RESULT_PROBE(revalidate, flow_result, udpif, ukey, result,
                              del_reason);
        }
        /* Use the values after the probe so that they stay live. */
        ukey->hash ^= (uint32_t) result + (uint32_t) del_reason;
    }
}

__attribute__((noinline)) void
revalidator_sweep__(struct udpif *udpif, struct udpif_key *ukey,
                    enum reval_result result, enum flow_del_reason del_reason)
{
    transition_ukey_state(ukey, result == UKEY_KEEP ? UKEY_OPERATIONAL
                                                    : UKEY_EVICTED);
    SIM_BARRIER();
    if (SIM_ENABLED(revalidator_sweep__, flow_sweep_result)) {
        FLOW_RESULT_PROBE(revalidator_sweep__, flow_sweep_result, udpif,
                          ukey, result, del_reason);
    }
    ukey->reval_seq = udpif->dump_seq + (uint64_t) del_reason + result;
}

__attribute__((noinline)) enum reval_result
revalidate_ukey__(struct udpif *udpif, struct udpif_key *ukey,
                  uint16_t tcp_flags, struct ofpbuf *odp_actions,
                  struct recirc_refs *recircs, struct xlate_cache *xcache,
                  enum reval_result result, bool entry, bool exit)
{
    SIM_BARRIER();
    if (entry && SIM_ENABLED(revalidate_ukey__, entry)) {
        DTRACE_PROBE6(revalidate_ukey__, entry, udpif, ukey, tcp_flags,
                      odp_actions, recircs, xcache);
    }
    ukey->stats.tcp_flags |= tcp_flags;
    odp_actions->size = 0;
    SIM_BARRIER();
    if (exit && SIM_ENABLED(revalidate_ukey__, exit)) {
        DTRACE_PROBE3(revalidate_ukey__, exit, udpif, ukey, result);
    }
    return result;
}

__attribute__((noinline)) void
udpif_revalidator(struct udpif *udpif, bool start, size_t n_flows,
                  unsigned max_idle_ms)
{
    SIM_BARRIER();
    if (start) {
        udpif->dump_seq++;
        if (SIM_ENABLED(udpif_revalidator, start_dump)) {
            DTRACE_PROBE2(udpif_revalidator, start_dump, udpif, n_flows);
        }
    } else {
#ifndef SIM_DIAGNOSTICS  /* a build without this probe */
        if (SIM_ENABLED(udpif_revalidator, sweep_done)) {
            DTRACE_PROBE3(udpif_revalidator, sweep_done, udpif, n_flows,
                          max_idle_ms);
        }
#endif
        udpif->dump_duration = (long long) (n_flows + max_idle_ms);
    }
}

/* ---- dpif --------------------------------------------------------------- */

static inline const void *
dp_packet_data(const struct dp_packet *b)
{
    return (const char *) b->base_ + b->data_ofs;
}

static inline uint32_t
dp_packet_size(const struct dp_packet *b)
{
    return b->size_;
}

__attribute__((noinline)) void
dpif_recv(struct dpif *dpif, uint32_t handler_id, struct dpif_upcall *upcall)
{
    dpif->current_ms += handler_id;
    SIM_BARRIER();
    if (SIM_ENABLED(dpif_recv, recv_upcall)) {
        DTRACE_PROBE6(dpif_recv, recv_upcall, dpif->full_name, upcall->type,
                      dp_packet_data(&upcall->packet),
                      dp_packet_size(&upcall->packet), upcall->key,
                      upcall->key_len);
    }
}

/* ---- dpif-netlink ------------------------------------------------------- */

/* Appends one netlink attribute to `buf` (which has room: the sim's
 * requests are small and the buffers fixed). */
static void
nl_msg_put(struct ofpbuf *buf, uint16_t type, const void *data, size_t len)
{
    struct nlattr nla = { .nla_len = (uint16_t) (NLA_HDRLEN + len),
                          .nla_type = type };
    char *p = (char *) buf->data + buf->size;
    memcpy(p, &nla, NLA_HDRLEN);
    memcpy(p + NLA_HDRLEN, data, len);
    memset(p + NLA_HDRLEN + len, 0, NLA_ALIGN(len) - len);
    buf->size += (uint32_t) (NLA_HDRLEN + NLA_ALIGN(len));
}

/* Starts a generic netlink request: nlmsghdr, genlmsghdr, ovs_header. */
static void
request_init(struct ofpbuf *request, void *stub, size_t size,
             int dp_ifindex, uint8_t cmd)
{
    memset(request, 0, sizeof *request);
    request->base = request->data = stub;
    request->allocated = (uint32_t) size;
    request->source = OFPBUF_STUB;

    uint32_t hdr[5] = { 0 };   /* nlmsghdr (16), genlmsghdr (4) */
    hdr[4] = cmd;              /* genlmsghdr.cmd, version 0 */
    memcpy(stub, hdr, sizeof hdr);
    memcpy((char *) stub + sizeof hdr, &dp_ifindex, sizeof dp_ifindex);
    request->header = stub;
    request->size = sizeof hdr + sizeof dp_ifindex;
}

static void
request_finish(struct ofpbuf *request)
{
    memcpy(request->data, &request->size, sizeof request->size);
}

static void
flow_to_request(const struct dpif_netlink_flow *flow, struct ofpbuf *request)
{
    if (flow->ufid_present) {
        nl_msg_put(request, OVS_FLOW_ATTR_UFID, &flow->ufid,
                   sizeof flow->ufid);
    }
    if (flow->key_len) {
        nl_msg_put(request, OVS_FLOW_ATTR_KEY, flow->key, flow->key_len);
    }
    if (flow->mask_len) {
        nl_msg_put(request, OVS_FLOW_ATTR_MASK, flow->mask, flow->mask_len);
    }
    if (flow->actions_len) {
        nl_msg_put(request, OVS_FLOW_ATTR_ACTIONS, flow->actions,
                   flow->actions_len);
    }
    request_finish(request);
}

static void
init_flow(struct dpif_netlink_flow *flow, const struct dpif_netlink *dpif,
          uint8_t cmd, const struct nlattr *key, size_t key_len,
          const ovs_u128 *ufid)
{
    memset(flow, 0, sizeof *flow);
    flow->cmd = cmd;
    flow->dp_ifindex = dpif->dp_ifindex;
    flow->key = key;
    flow->key_len = key_len;
    if (ufid) {
        flow->ufid = *ufid;
        flow->ufid_present = true;
    }
}

__attribute__((noinline)) void
dpif_netlink_operate__(struct dpif_netlink *dpif, struct dpif_op **ops,
                       size_t n_ops)
{
    for (size_t i = 0; i < n_ops; i++) {
        struct dpif_op *op = ops[i];
        struct dpif_netlink_flow flow;
        struct ofpbuf request;
        uint64_t stub[64];

        request_init(&request, stub, sizeof stub, dpif->dp_ifindex,
                     (uint8_t) op->type);
        switch (op->type) {
        case DPIF_OP_FLOW_PUT: {
            struct dpif_flow_put *put = &op->flow_put;
            init_flow(&flow, dpif, OVS_FLOW_CMD_NEW, put->key, put->key_len,
                      put->ufid);
            flow.mask = put->mask;
            flow.mask_len = put->mask_len;
            flow.actions = put->actions;
            flow.actions_len = put->actions_len;
            flow.clear = (put->flags & DPIF_FP_ZERO_STATS) != 0;
            flow.probe = (put->flags & DPIF_FP_PROBE) != 0;
            flow_to_request(&flow, &request);
            SIM_BARRIER();
            if (SIM_ENABLED(dpif_netlink_operate__, op_flow_put)) {
                DTRACE_PROBE4(dpif_netlink_operate__, op_flow_put, dpif, put,
                              &flow, &request);
            }
            break;
        }
        case DPIF_OP_FLOW_DEL: {
            struct dpif_flow_del *del = &op->flow_del;
            init_flow(&flow, dpif, OVS_FLOW_CMD_DEL, del->key, del->key_len,
                      del->ufid);
            flow_to_request(&flow, &request);
            SIM_BARRIER();
            if (SIM_ENABLED(dpif_netlink_operate__, op_flow_del)) {
                DTRACE_PROBE4(dpif_netlink_operate__, op_flow_del, dpif, del,
                              &flow, &request);
            }
            break;
        }
        case DPIF_OP_FLOW_GET: {
            struct dpif_flow_get *get = &op->flow_get;
            init_flow(&flow, dpif, OVS_FLOW_CMD_GET, get->key, get->key_len,
                      get->ufid);
            flow_to_request(&flow, &request);
            SIM_BARRIER();
            if (SIM_ENABLED(dpif_netlink_operate__, op_flow_get)) {
                DTRACE_PROBE4(dpif_netlink_operate__, op_flow_get, dpif, get,
                              &flow, &request);
            }
            break;
        }
        case DPIF_OP_EXECUTE: {
            struct dpif_execute *execute = &op->execute;
            const void *packet = dp_packet_data(execute->packet);
            uint32_t packet_len = dp_packet_size(execute->packet);
            nl_msg_put(&request, OVS_PACKET_ATTR_PACKET, packet, packet_len);
            nl_msg_put(&request, OVS_PACKET_ATTR_ACTIONS, execute->actions,
                       execute->actions_len);
            request_finish(&request);
            SIM_BARRIER();
            if (SIM_ENABLED(dpif_netlink_operate__, op_flow_execute)) {
                DTRACE_PROBE5(dpif_netlink_operate__, op_flow_execute, dpif,
                              execute, packet, packet_len, &request);
            }
            break;
        }
        }
        SIM_BARRIER();
        op->error = 0;
    }
}

/* ---- vswitchd/ovs-vswitchd.c: main() ------------------------------------ */

__attribute__((noinline)) void
main_run_start(void)
{
    if (SIM_ENABLED(main, run_start)) {
        DTRACE_PROBE(main, run_start);
    }
    SIM_BARRIER();
}

__attribute__((noinline)) void
main_poll_block(void)
{
    if (SIM_ENABLED(main, poll_block)) {
        DTRACE_PROBE(main, poll_block);
    }
    SIM_BARRIER();
}
