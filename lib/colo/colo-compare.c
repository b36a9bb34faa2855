/*
 * Copyright (c) 2026 The OVS-COLO authors.
 *
 * Licensed under the Apache License, Version 2.0 (the "License");
 * you may not use this file except in compliance with the License.
 * You may obtain a copy of the License at:
 *
 *     http://www.apache.org/licenses/LICENSE-2.0
 *
 * Unless required by applicable law or agreed to in writing, software
 * distributed under the License is distributed on an "AS IS" BASIS,
 * WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
 * See the License for the specific language governing permissions and
 * limitations under the License.
 */

/* The compare engine (QEMU's colo-compare): the datapath's entry for
 * colo_redirect, which holds each primary packet until the secondary has
 * sent the same, and the non-PMD context's part (colo_run()): releases that
 * do not come from a packet (checkpoint-done, failover), timeouts, and
 * forgetting connections that conntrack has forgotten.
 *
 * A packet's way through: colo_packet_parse() views it, the instance finds
 * its connection, colo-conn.c compares, and the primary packets that may
 * leave do so at once, in the thread that found the match, through the
 * release actions their datapath action carried (colo-release.c).  Every
 * primary packet that comes in leaves exactly once, or is counted as
 * dropped. */

#include <config.h>
#include "colo/colo-compare.h"

#include "colo/colo-conn.h"
#include "colo/colo-instance.h"
#include "colo/colo-odp.h"
#include "colo/colo-release.h"
#include "colo/colo-rewrite.h"
#include "conntrack.h"
#include "coverage.h"
#include "dp-packet.h"
#include "openvswitch/poll-loop.h"
#include "openvswitch/vlog.h"
#include "packets.h"
#include "seq.h"
#include "timeval.h"
#include "util.h"

VLOG_DEFINE_THIS_MODULE(colo_compare);

COVERAGE_DEFINE(colo_compared);
COVERAGE_DEFINE(colo_released);
COVERAGE_DEFINE(colo_malformed);
COVERAGE_DEFINE(colo_primary_dropped);
COVERAGE_DEFINE(colo_primary_superseded);
COVERAGE_DEFINE(colo_conn_expired);
COVERAGE_DEFINE(colo_secondary_forwarded);

/* How many times a thread that sends released packets goes back for those
 * that other threads queued meanwhile, before it leaves them to the next
 * one (or to colo_run()). */
#define COLO_RELEASE_PASSES 4

/* Connections that conntrack does not follow (no ct() before the compare,
 * ICMP, non-IP frames) are forgotten after this long without a packet. */
#define COLO_UNTRACKED_IDLE_MS (60 * 1000)

/* What one batch does to one instance. */
struct compare_ctx {
    struct colo_instance *inst;
    const struct colo_datapath *dp;
    struct colo_release *release;       /* Primary only. */
    long long int now;
    struct ovs_list release_now;        /* colo_held to release. */
    struct ovs_list forward;            /* Secondary colo_held to send on. */
    struct ovs_list dropped;            /* Secondary colo_held to free. */
    struct ovs_list freed_primary;      /* Primary colo_held to free,
                                         * counted already. */
};

static struct colo_held *
held_create(const struct compare_ctx *ctx, struct dp_packet *packet,
            const struct colo_packet *view)
    OVS_REQUIRES(ctx->inst->mutex)
{
    struct colo_held *held = colo_held_alloc();

    /* A held DPDK mbuf would pin its mempool: hold a copy. */
    if (packet->source == DPBUF_DPDK) {
        struct dp_packet *copy = dp_packet_clone(packet);

        dp_packet_delete(packet);
        packet = copy;
    }
    /* conntrack may free the connection this points to while the packet
     * waits. */
    pkt_metadata_init_conn(&packet->md);

    held->packet = packet;
    held->release = NULL;
    if (ctx->release) {
        atomic_count_inc(&ctx->release->n_users);
        held->release = ctx->release;
    }
    held->arrival = ctx->now;
    held->order = ctx->inst->n_arrived++;
    held->matched = false;
    held->view = *view;
    return held;
}

/* Sends a primary packet on without comparing it. */
static void
release_uncompared(struct compare_ctx *ctx, struct dp_packet *packet,
                   const struct colo_packet *view)
    OVS_REQUIRES(ctx->inst->mutex)
{
    struct colo_held *held = held_create(ctx, packet, view);

    ovs_list_push_back(&ctx->release_now, &held->node);
    ctx->inst->stats.uncompared++;
}

static void
drop_primary(struct compare_ctx *ctx, struct colo_held *held)
    OVS_REQUIRES(ctx->inst->mutex)
{
    ctx->inst->stats.primary_dropped++;
    COVERAGE_INC(colo_primary_dropped);
    ovs_list_push_back(&ctx->freed_primary, &held->node);
}

static void
drop_secondary(struct compare_ctx *ctx, struct dp_packet *packet)
    OVS_REQUIRES(ctx->inst->mutex)
{
    ctx->inst->stats.secondary_dropped++;
    dp_packet_delete(packet);
}

/* Counts a frame from 'side' that failed to parse. */
static void
count_malformed(struct colo_instance *inst, const char *side,
                enum colo_packet_error error)
    OVS_REQUIRES(inst->mutex)
{
    static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(5, 5);

    inst->stats.malformed++;
    COVERAGE_INC(colo_malformed);
    VLOG_DBG_RL(&rl, "instance %"PRIu32": %s frame %s", inst->id, side,
                colo_packet_error_to_string(error));
}

static struct colo_conn *
find_conn(const struct colo_instance *inst, const struct colo_packet *view,
          uint32_t hash)
    OVS_REQUIRES(inst->mutex)
{
    struct colo_conn *conn;

    HMAP_FOR_EACH_WITH_HASH (conn, node, hash, &inst->conns) {
        if (colo_packet_key_equals(&conn->key, &view->key)) {
            return conn;
        }
    }
    return NULL;
}

/* Returns the connection of 'view', creating it if the instance may have
 * one more; NULL otherwise, after asking for a checkpoint. */
static struct colo_conn *
get_conn(struct compare_ctx *ctx, const struct colo_packet *view,
         uint32_t hash)
    OVS_REQUIRES(ctx->inst->mutex)
{
    struct colo_conn *conn = find_conn(ctx->inst, view, hash);

    if (!conn) {
        if (hmap_count(&ctx->inst->conns) >= ctx->inst->options.max_conns) {
            colo_instance_request(ctx->inst, COLO_REASON_CONN_LIMIT,
                                  &view->key);
            return NULL;
        }
        conn = colo_conn_create(&view->key, view->kind);
        hmap_insert(&ctx->inst->conns, &conn->node, hash);
    }
    conn->used = ctx->now;
    return conn;
}

/* Learns conntrack's view of 'conn' from a primary packet that went through
 * ct().  Only TCP, UDP and SCTP: conntrack's tuple for ICMP includes an id
 * that the packet's metadata does not carry. */
static void
note_conntrack(struct colo_conn *conn, const struct dp_packet *packet,
               const void *owner)
{
    const struct pkt_metadata *md = &packet->md;
    struct ct_dpif_tuple *t = &conn->ct_tuple;
    uint8_t proto;

    if (conn->ct_known || !(md->ct_state & CS_TRACKED)) {
        return;
    }

    memset(t, 0, sizeof *t);
    if (md->ct_orig_tuple_ipv6) {
        t->l3_type = AF_INET6;
        memcpy(&t->src.in6, &md->ct_orig_tuple.ipv6.ipv6_src,
               sizeof t->src.in6);
        memcpy(&t->dst.in6, &md->ct_orig_tuple.ipv6.ipv6_dst,
               sizeof t->dst.in6);
        t->src_port = md->ct_orig_tuple.ipv6.src_port;
        t->dst_port = md->ct_orig_tuple.ipv6.dst_port;
        proto = md->ct_orig_tuple.ipv6.ipv6_proto;
    } else {
        t->l3_type = AF_INET;
        t->src.ip = md->ct_orig_tuple.ipv4.ipv4_src;
        t->dst.ip = md->ct_orig_tuple.ipv4.ipv4_dst;
        t->src_port = md->ct_orig_tuple.ipv4.src_port;
        t->dst_port = md->ct_orig_tuple.ipv4.dst_port;
        proto = md->ct_orig_tuple.ipv4.ipv4_proto;
    }
    if (proto == IPPROTO_TCP || proto == IPPROTO_UDP
        || proto == IPPROTO_SCTP) {
        t->ip_proto = proto;
        conn->ct_known = true;
        conn->ct_zone = md->ct_zone;
        conn->owner = owner;
    }
}

/* After 'conn' changed: asks for a checkpoint if it diverged, and takes the
 * primary packets that may now leave.  'held_before' is how many packets
 * 'conn' held before the change. */
static void
conn_changed(struct compare_ctx *ctx, struct colo_conn *conn,
             size_t held_before, enum colo_reason reason)
    OVS_REQUIRES(ctx->inst->mutex)
{
    size_t n_taken;

    if (reason != COLO_REASON_NONE) {
        colo_instance_request(ctx->inst, reason, &conn->key);
    }

    n_taken = conn->n_primary;
    colo_conn_take_releasable(conn, &ctx->release_now);
    n_taken -= conn->n_primary;
    ctx->inst->stats.compared += n_taken;
    COVERAGE_ADD(colo_compared, n_taken);

    ctx->inst->n_held += conn->n_primary + conn->n_secondary;
    ctx->inst->n_held -= held_before;
}

/* Whether 'conn' and the instance have room for one more packet on the
 * side whose queue holds 'queued'; if not, asks for a checkpoint. */
static bool
has_room(struct compare_ctx *ctx, const struct colo_conn *conn,
         size_t queued)
    OVS_REQUIRES(ctx->inst->mutex)
{
    if (queued >= ctx->inst->options.max_queue_size) {
        colo_instance_request(ctx->inst, COLO_REASON_QUEUE_FULL, &conn->key);
        return false;
    } else if (ctx->inst->n_held >= ctx->inst->options.max_held) {
        colo_instance_request(ctx->inst, COLO_REASON_HELD_LIMIT, &conn->key);
        return false;
    }
    return true;
}

/* A packet of the batch being compared, parsed before the instance is
 * locked. */
struct parsed_packet {
    struct dp_packet *packet;
    struct colo_packet view;
    enum colo_packet_error error;
    uint32_t hash;              /* Of 'view.key', if no 'error'. */
};

static void
parse_packet(struct dp_packet *packet, struct parsed_packet *pp)
{
    pp->packet = packet;
    pp->error = colo_packet_parse(packet, &pp->view);
    pp->hash = pp->error ? 0 : colo_packet_key_hash(&pp->view.key);
}

/* With many connections, finding each packet's connection is a cache miss,
 * two with the bucket: the batch's buckets are fetched first, then each
 * packet's first connection in its bucket PREFETCH_AHEAD packets ahead,
 * so that the misses overlap rather than come one after another. */
#define PREFETCH_AHEAD 4

static void
prefetch_buckets(const struct colo_instance *inst,
                 const struct parsed_packet *pps, size_t n)
    OVS_REQUIRES(inst->mutex)
{
    for (size_t i = 0; i < n; i++) {
        OVS_PREFETCH(&inst->conns.buckets[pps[i].hash & inst->conns.mask]);
    }
}

static void
prefetch_conn(const struct colo_instance *inst,
              const struct parsed_packet *pps, size_t n, size_t i)
    OVS_REQUIRES(inst->mutex)
{
    if (i < n) {
        const struct hmap_node *node
            = inst->conns.buckets[pps[i].hash & inst->conns.mask];

        if (node) {
            OVS_PREFETCH(node);
        }
    }
}

static void
compare_primary(struct compare_ctx *ctx, struct parsed_packet *pp)
    OVS_REQUIRES(ctx->inst->mutex)
{
    struct dp_packet *packet = pp->packet;
    struct colo_conn *conn;

    ctx->inst->stats.primary_received++;
    if (ctx->inst->state == COLO_STATE_FAILED_OVER) {
        release_uncompared(ctx, packet, &pp->view);
    } else if (pp->error) {
        count_malformed(ctx->inst, "primary", pp->error);
        release_uncompared(ctx, packet, &pp->view);
    } else if (!(conn = get_conn(ctx, &pp->view, pp->hash))) {
        release_uncompared(ctx, packet, &pp->view);
    } else {
        size_t held_before = conn->n_primary + conn->n_secondary;
        struct colo_held *held = held_create(ctx, packet, &pp->view);
        struct colo_held *older = colo_conn_supersede_primary(conn, held);
        enum colo_reason reason;

        if (older) {
            ctx->inst->stats.primary_superseded++;
            COVERAGE_INC(colo_primary_superseded);
            ovs_list_push_back(&ctx->freed_primary, &older->node);
            conn_changed(ctx, conn, held_before, COLO_REASON_NONE);
            return;
        } else if (!has_room(ctx, conn, conn->n_primary)) {
            drop_primary(ctx, held);
            return;
        }
        note_conntrack(conn, held->packet, ctx->dp->owner);
        reason = colo_conn_add_primary(conn, held, &ctx->dropped);
        conn_changed(ctx, conn, held_before, reason);
    }
}

/* Sends the secondary packets in 'forward' on to the client in place of the
 * oldest primary packet that 'conn' holds: with its link header (MAC
 * addresses, VLAN tags), its metadata and its release actions, so that
 * they leave as a primary packet would. */
static void
forward_secondary(struct compare_ctx *ctx, const struct colo_conn *conn,
                  struct ovs_list *forward)
    OVS_REQUIRES(ctx->inst->mutex)
{
    const struct colo_held *first = colo_conn_first_primary(conn);
    struct colo_held *held;

    ovs_assert(first || ovs_list_is_empty(forward));
    LIST_FOR_EACH_POP (held, node, forward) {
        struct dp_packet *packet = held->packet;
        uint16_t l2_len = first->view.ofs;

        dp_packet_resize_l2(packet, (int) l2_len - held->view.ofs);
        memcpy(dp_packet_data(packet), dp_packet_data(first->packet), l2_len);
        packet->md = first->packet->md;

        atomic_count_inc(&first->release->n_users);
        held->release = first->release;
        ovs_list_push_back(&ctx->forward, &held->node);
        COVERAGE_INC(colo_secondary_forwarded);
    }
}

static void
compare_secondary(struct compare_ctx *ctx, struct parsed_packet *pp)
    OVS_REQUIRES(ctx->inst->mutex)
{
    struct dp_packet *packet = pp->packet;
    struct colo_conn *conn;

    if (ctx->inst->state == COLO_STATE_FAILED_OVER) {
        drop_secondary(ctx, packet);
    } else if (pp->error) {
        count_malformed(ctx->inst, "secondary", pp->error);
        drop_secondary(ctx, packet);
    } else if (!(conn = get_conn(ctx, &pp->view, pp->hash))
               || (!conn->n_primary
                   && !has_room(ctx, conn, conn->n_secondary))) {
        /* The bounds are for packets that would wait: one that primary
         * packets wait for is compared at once, bounds or not. */
        drop_secondary(ctx, packet);
    } else {
        size_t held_before = conn->n_primary + conn->n_secondary;
        struct colo_held *held = held_create(ctx, packet, &pp->view);
        struct ovs_list forward = OVS_LIST_INITIALIZER(&forward);
        enum colo_reason reason;

        reason = colo_conn_add_secondary(conn, held, &ctx->dropped, &forward);
        forward_secondary(ctx, conn, &forward);
        conn_changed(ctx, conn, held_before, reason);
    }
}

/* Sends the instance's pending released packets through 'dp', if no other
 * thread is sending them, going back up to 'max_passes' times for those
 * queued meanwhile.  Packets released through another datapath are left
 * to that datapath's colo_run().  Returns the number of packets sent. */
static size_t
release_pending(struct colo_instance *inst, const struct colo_datapath *dp,
                int max_passes)
{
    size_t n_sent = 0;

    ovs_mutex_lock(&inst->mutex);
    if (inst->releasing) {
        ovs_mutex_unlock(&inst->mutex);
        return 0;
    }
    inst->releasing = true;
    for (int pass = 0; pass < max_passes; pass++) {
        struct ovs_list mine = OVS_LIST_INITIALIZER(&mine);
        struct colo_held *held;
        size_t n;

        LIST_FOR_EACH_SAFE (held, node, &inst->pending) {
            if (held->release->owner == dp->owner) {
                ovs_list_remove(&held->node);
                ovs_list_push_back(&mine, &held->node);
            }
        }
        if (ovs_list_is_empty(&mine)) {
            break;
        }
        ovs_mutex_unlock(&inst->mutex);

        n = colo_release_execute(dp, &mine);
        n_sent += n;

        ovs_mutex_lock(&inst->mutex);
        inst->n_pending -= n;
        if (pass == max_passes - 1 && inst->n_pending) {
            /* Leave the rest to colo_run(). */
            seq_change(colo_deferred_seq);
        }
    }
    inst->releasing = false;
    ovs_mutex_unlock(&inst->mutex);
    return n_sent;
}

void
colo_compare_input(const struct colo_datapath *dp,
                   const struct colo_odp_action *action,
                   struct dp_packet_batch *batch, bool should_steal)
{
    struct colo_instance *inst = colo_instance_get(action->id);
    struct dp_packet_batch copy;
    struct dp_packet *packet;
    struct compare_ctx ctx;

    if (!should_steal) {
        /* The datapath goes on with the originals; compare a copy. */
        dp_packet_batch_clone(&copy, batch);
        dp_packet_batch_reset_cutlen(batch);
        batch = &copy;
    }
    dp_packet_batch_apply_cutlen(batch);

    ctx.inst = inst;
    ctx.dp = dp;
    ctx.now = time_msec();
    ctx.release = NULL;
    ovs_list_init(&ctx.release_now);
    ovs_list_init(&ctx.forward);
    ovs_list_init(&ctx.dropped);
    ovs_list_init(&ctx.freed_primary);

    size_t n = dp_packet_batch_size(batch);
    struct parsed_packet pps[NETDEV_MAX_BURST];
    DP_PACKET_BATCH_FOR_EACH (i, packet, batch) {
        parse_packet(packet, &pps[i]);
    }

    ovs_mutex_lock(&ctx.inst->mutex);
    prefetch_buckets(ctx.inst, pps, n);
    if (action->mode == COLO_PRIMARY) {
        ctx.release = colo_release_use(&ctx.inst->releases, dp->owner,
                                       action->actions, action->actions_len);
        for (size_t i = 0; i < n; i++) {
            prefetch_conn(ctx.inst, pps, n, i + PREFETCH_AHEAD);
            compare_primary(&ctx, &pps[i]);
        }
        colo_release_unuse(ctx.release);
    } else {
        for (size_t i = 0; i < n; i++) {
            prefetch_conn(ctx.inst, pps, n, i + PREFETCH_AHEAD);
            compare_secondary(&ctx, &pps[i]);
        }
    }
    dp_packet_batch_init(batch);

    size_t n_release = ovs_list_size(&ctx.release_now);
    COVERAGE_ADD(colo_released, n_release);
    ctx.inst->stats.secondary_dropped += ovs_list_size(&ctx.dropped);
    colo_instance_queue_release(ctx.inst, &ctx.release_now);
    colo_instance_queue_forward(ctx.inst, &ctx.forward);
    ovs_mutex_unlock(&ctx.inst->mutex);

    colo_held_free_list(&ctx.dropped);
    colo_held_free_list(&ctx.freed_primary);
    if (n_release) {
        release_pending(inst, dp, COLO_RELEASE_PASSES);
    }
}

/* The non-PMD context. */

static uint64_t colo_run_seqno;
static long long int colo_next_scan = LLONG_MAX;

/* A connection that may be forgotten, if conntrack agrees. */
struct expiry {
    struct colo_packet_key key;
    struct ct_dpif_tuple tuple;
    uint16_t zone;
};

/* The TCP secondary queue is in sequence order, not arrival order. */
static long long int
oldest_arrival(const struct ovs_list *queue)
{
    long long int oldest = LLONG_MAX;
    const struct colo_held *held;

    LIST_FOR_EACH (held, node, queue) {
        oldest = MIN(oldest, held->arrival);
    }
    return oldest;
}

/* Asks for a checkpoint for each connection whose oldest held packet waited
 * compare_timeout, and collects in 'expiries' the connections that hold
 * nothing and might be over.  Returns the number collected. */
static size_t
scan_conns(struct colo_instance *inst, const struct colo_datapath *dp,
           long long int now, struct expiry **expiries)
    OVS_REQUIRES(inst->mutex)
{
    long long int deadline = now - inst->options.compare_timeout;
    struct colo_conn *conn;
    size_t n = 0;

    *expiries = xmalloc(MAX(hmap_count(&inst->conns), 1) * sizeof **expiries);
    HMAP_FOR_EACH_SAFE (conn, node, &inst->conns) {
        const struct colo_held *p = (conn->n_primary
            ? CONTAINER_OF(ovs_list_front(&conn->primary),
                           struct colo_held, node) : NULL);

        if (((p && p->arrival <= deadline)
             || oldest_arrival(&conn->secondary) <= deadline)
            && !conn->diverged) {
            conn->diverged = true;
            colo_instance_request(inst, COLO_REASON_TIMEOUT, &conn->key);
        } else if (!colo_conn_is_empty(conn)) {
            continue;
        } else if (conn->ct_known && conn->owner == dp->owner) {
            struct expiry *e = &(*expiries)[n++];

            e->key = conn->key;
            e->tuple = conn->ct_tuple;
            e->zone = conn->ct_zone;
        } else if (!conn->ct_known
                   && now - conn->used >= COLO_UNTRACKED_IDLE_MS) {
            hmap_remove(&inst->conns, &conn->node);
            colo_conn_destroy(conn);
            COVERAGE_INC(colo_conn_expired);
        }
    }
    return n;
}

/* Forgets the connections in 'expiries' that conntrack no longer has and
 * that still hold nothing. */
static void
expire_conns(struct colo_instance *inst, const struct colo_datapath *dp,
             struct expiry *expiries, size_t n)
{
    size_t n_dead = 0;

    for (size_t i = 0; i < n; i++) {
        if (!conntrack_tuple_is_live(dp->conntrack, &expiries[i].tuple,
                                     expiries[i].zone)) {
            expiries[n_dead++] = expiries[i];
        }
    }
    if (!n_dead) {
        return;
    }

    ovs_mutex_lock(&inst->mutex);
    for (size_t i = 0; i < n_dead; i++) {
        struct colo_packet view = { .key = expiries[i].key };
        struct colo_conn *conn;

        conn = find_conn(inst, &view, colo_packet_key_hash(&view.key));
        if (conn && colo_conn_is_empty(conn)) {
            hmap_remove(&inst->conns, &conn->node);
            colo_conn_destroy(conn);
            COVERAGE_INC(colo_conn_expired);
        }
    }
    ovs_mutex_unlock(&inst->mutex);
}

static void
scan_instance(struct colo_instance *inst, const struct colo_datapath *dp,
              long long int now)
{
    struct expiry *expiries = NULL;
    size_t n = 0;

    ovs_mutex_lock(&inst->mutex);
    if (inst->next_scan == LLONG_MAX) {
        inst->next_scan = now + inst->options.expired_scan_cycle;
    } else if (now >= inst->next_scan) {
        n = scan_conns(inst, dp, now, &expiries);
        colo_release_set_sweep(&inst->releases);
        colo_rewriter_expire(&inst->rewriter, now,
                             inst->options.rewrite_timeout);
        inst->next_scan = now + inst->options.expired_scan_cycle;
    }
    colo_next_scan = MIN(colo_next_scan, inst->next_scan);
    ovs_mutex_unlock(&inst->mutex);

    if (n) {
        expire_conns(inst, dp, expiries, n);
    }
    free(expiries);
}

/* Called by the datapath's non-PMD context.  Returns true if it released
 * packets, which the caller then flushes. */
bool
colo_run(const struct colo_datapath *dp)
{
    struct colo_instance **instances;
    long long int now = time_msec();
    size_t n_released = 0;
    size_t n;

    colo_run_seqno = seq_read(colo_deferred_seq);
    colo_next_scan = LLONG_MAX;
    instances = colo_instances_get_all(&n);
    for (size_t i = 0; i < n; i++) {
        scan_instance(instances[i], dp, now);
        n_released += release_pending(instances[i], dp, 1);
    }
    free(instances);
    return n_released > 0;
}

void
colo_wait(void)
{
    seq_wait(colo_deferred_seq, colo_run_seqno);
    if (colo_next_scan != LLONG_MAX) {
        poll_timer_wait_until(colo_next_scan);
    }
}
