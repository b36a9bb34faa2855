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

/* The compare engine (colo-compare.h): the datapath's entry for
 * colo_redirect, which holds each primary packet until the secondary has
 * sent the same; the non-PMD context's part (colo_compare_run()): releases
 * that do not come from a packet (checkpoint-done, failover), timeouts, and
 * forgetting connections that conntrack has forgotten; checkpoint
 * requests; and what colo/show and the COLO table show of it.
 *
 * A packet's way through: colo_packet_parse() views it, the compare finds
 * its connection, colo-conn.c (and colo-tcp.c) compares, and the primary
 * packets that may leave do so at once, in the thread that found the
 * match, through the release actions their datapath action carried
 * (colo-held.c, colo-release.c).  Every primary packet that comes in
 * leaves exactly once, or is counted as dropped. */

#include <config.h>
#include "colo/colo-compare.h"

#include <stdlib.h>
#include "colo/colo-conn.h"
#include "colo/colo-held.h"
#include "colo/colo-odp.h"
#include "conntrack.h"
#include "coverage.h"
#include "dp-packet.h"
#include "openvswitch/dynamic-string.h"
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
COVERAGE_DEFINE(colo_checkpoint_request);
COVERAGE_DEFINE(colo_checkpoint_coalesced);
COVERAGE_DEFINE(colo_repair_kept);
COVERAGE_DEFINE(colo_repair_asked);

struct seq *colo_deferred_seq;

/* How many times a thread that sends released packets goes back for those
 * that other threads queued meanwhile, before it leaves them to the next
 * one (or to colo_run()). */
#define COLO_RELEASE_PASSES 4

/* Connections that conntrack does not follow (no ct() before the compare,
 * ICMP, non-IP frames) are forgotten after this long without a packet. */
#define COLO_UNTRACKED_IDLE_MS (60 * 1000)

/* What one batch does to one instance. */
struct compare_ctx {
    struct colo_compare *cmp;
    const struct colo_datapath *dp;
    struct colo_release *release;       /* Primary only. */
    long long int now;
    struct ovs_list release_now;        /* colo_held to release. */
    struct ovs_list forward;            /* Secondary colo_held to send on. */
    struct ovs_list dropped;            /* Secondary colo_held to free. */
    struct ovs_list freed_primary;      /* Primary colo_held to free,
                                         * counted already. */
    struct ovs_list resend;             /* Copies to send to the secondary
                                         * through the mirror's actions
                                         * (colo-repair.h). */
    struct ovs_list freed_kept;         /* Client segments kept for the
                                         * secondary, to free. */

    /* This batch's held packets in a port's memory (colo_held_own()). */
    struct colo_held *borrowed[NETDEV_MAX_BURST];
    size_t n_borrowed;
};

static void compare_request(struct colo_compare *cmp, enum colo_reason,
                            const struct colo_packet_key *)
    OVS_REQUIRES(cmp->mutex);

static struct colo_held *
held_create(struct compare_ctx *ctx, struct dp_packet *packet,
            const struct colo_packet *view)
    OVS_REQUIRES(ctx->cmp->mutex)
{
    struct colo_held *held = colo_held_alloc();

    /* conntrack may free the connection this points to while the packet
     * waits. */
    pkt_metadata_init_conn(&packet->md);

    /* A packet in a port's memory is copied only if it has to wait, once
     * the batch is compared (own_waiting()): one that leaves at once goes
     * on as it is, with no copy to make, nor to make again for a DPDK
     * port. */
    held->borrowed = !colo_packet_is_own(packet);
    if (held->borrowed) {
        ovs_assert(ctx->n_borrowed < ARRAY_SIZE(ctx->borrowed));
        ctx->borrowed[ctx->n_borrowed++] = held;
    }

    held->packet = packet;
    held->release = NULL;
    if (ctx->release) {
        atomic_count_inc(&ctx->release->n_users);
        held->release = ctx->release;
    }
    held->arrival = ctx->now;
    held->order = ctx->cmp->n_arrived++;
    held->matched = false;
    held->view = *view;
    return held;
}

/* Sends a primary packet on without comparing it. */
static void
release_uncompared(struct compare_ctx *ctx, struct dp_packet *packet,
                   const struct colo_packet *view)
    OVS_REQUIRES(ctx->cmp->mutex)
{
    struct colo_held *held = held_create(ctx, packet, view);

    ovs_list_push_back(&ctx->release_now, &held->node);
    ctx->cmp->stats.uncompared++;
}

static void
drop_primary(struct compare_ctx *ctx, struct colo_held *held)
    OVS_REQUIRES(ctx->cmp->mutex)
{
    ctx->cmp->stats.primary_dropped++;
    COVERAGE_INC(colo_primary_dropped);
    ovs_list_push_back(&ctx->freed_primary, &held->node);
}

static void
drop_secondary(struct compare_ctx *ctx, struct dp_packet *packet)
    OVS_REQUIRES(ctx->cmp->mutex)
{
    ctx->cmp->stats.secondary_dropped++;
    dp_packet_delete(packet);
}

/* Counts a frame from 'side' that failed to parse. */
static void
count_malformed(struct colo_compare *cmp, const char *side,
                enum colo_packet_error error)
    OVS_REQUIRES(cmp->mutex)
{
    static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(5, 5);

    cmp->stats.malformed++;
    COVERAGE_INC(colo_malformed);
    VLOG_DBG_RL(&rl, "instance %"PRIu32": %s frame %s", cmp->id, side,
                colo_packet_error_to_string(error));
}

static struct colo_conn *
find_conn(const struct colo_compare *cmp, const struct colo_packet *view,
          uint32_t hash)
    OVS_REQUIRES(cmp->mutex)
{
    struct colo_conn *conn;

    HMAP_FOR_EACH_WITH_HASH (conn, node, hash, &cmp->conns) {
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
    OVS_REQUIRES(ctx->cmp->mutex)
{
    struct colo_conn *conn = find_conn(ctx->cmp, view, hash);

    if (!conn) {
        if (hmap_count(&ctx->cmp->conns) >= ctx->cmp->options.max_conns) {
            compare_request(ctx->cmp, COLO_REASON_CONN_LIMIT,
                                  &view->key);
            return NULL;
        }
        conn = colo_conn_create(&view->key, view->kind);
        hmap_insert(&ctx->cmp->conns, &conn->node, hash);
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
    OVS_REQUIRES(ctx->cmp->mutex)
{
    size_t n_taken;

    if (reason != COLO_REASON_NONE) {
        compare_request(ctx->cmp, reason, &conn->key);
    }

    n_taken = conn->n_primary;
    colo_conn_take_releasable(conn, &ctx->release_now);
    n_taken -= conn->n_primary;
    ctx->cmp->stats.compared += n_taken;
    COVERAGE_ADD(colo_compared, n_taken);

    ctx->cmp->n_held += conn->n_primary + conn->n_secondary;
    ctx->cmp->n_held -= held_before;
}

/* Whether 'conn' and the instance have room for one more packet on the
 * side whose queue holds 'queued'; if not, asks for a checkpoint. */
static bool
has_room(struct compare_ctx *ctx, const struct colo_conn *conn,
         size_t queued)
    OVS_REQUIRES(ctx->cmp->mutex)
{
    if (queued >= ctx->cmp->options.max_queue_size) {
        compare_request(ctx->cmp, COLO_REASON_QUEUE_FULL, &conn->key);
        return false;
    } else if (ctx->cmp->n_held >= ctx->cmp->options.max_held) {
        compare_request(ctx->cmp, COLO_REASON_HELD_LIMIT, &conn->key);
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
prefetch_buckets(const struct colo_compare *cmp,
                 const struct parsed_packet *pps, size_t n)
    OVS_REQUIRES(cmp->mutex)
{
    for (size_t i = 0; i < n; i++) {
        OVS_PREFETCH(&cmp->conns.buckets[pps[i].hash & cmp->conns.mask]);
    }
}

static void
prefetch_conn(const struct colo_compare *cmp,
              const struct parsed_packet *pps, size_t n, size_t i)
    OVS_REQUIRES(cmp->mutex)
{
    if (i < n) {
        const struct hmap_node *node
            = cmp->conns.buckets[pps[i].hash & cmp->conns.mask];

        if (node) {
            OVS_PREFETCH(node);
        }
    }
}

/* The repair of the secondary's losses (colo-repair.h). */

/* 'held', a segment from the SVM, came on 'conn': frees the client segments
 * kept for the SVM that it acknowledges, and queues those it shows lost to
 * be sent again.  Returns true if the primary host repairs the loss that
 * the SVM's ack tells of. */
static bool
repair_secondary(struct compare_ctx *ctx, struct colo_conn *conn,
                 struct colo_held *held)
    OVS_REQUIRES(ctx->cmp->mutex)
{
    size_t n_kept = conn->repair.n_kept;
    size_t n_resend = ovs_list_size(&ctx->resend);
    bool repairing;

    if (conn->kind != COLO_PACKET_TCP || conn->diverged) {
        return false;
    }
    repairing = colo_tcp_repair_secondary(conn, held, ctx->now, &ctx->resend,
                                          &ctx->freed_kept);
    ctx->cmp->n_kept -= n_kept - conn->repair.n_kept;
    ctx->cmp->stats.repair_resent += ovs_list_size(&ctx->resend) - n_resend;
    return repairing;
}

/* Asks the SVM for a segment of its own that 'conn' lacks at its position
 * while it holds the SVM's bytes past it (colo_repair_ask()). */
static void
ask_secondary(struct compare_ctx *ctx, struct colo_conn *conn)
    OVS_REQUIRES(ctx->cmp->mutex)
{
    struct colo_held *ask;
    uint32_t next;

    if (conn->kind == COLO_PACKET_TCP && !conn->diverged
        && conn->tcp.ask_secondary
        && colo_tcp_secondary_hole(conn, &next)
        && (ask = colo_repair_ask(&conn->repair, next, &conn->secondary,
                                  ctx->now))) {
        ovs_list_push_back(&ctx->resend, &ask->node);
        ctx->cmp->stats.repair_asked++;
        COVERAGE_INC(colo_repair_asked);
    }
}

/* Sends the copies in 'resend' to the secondary host, through the
 * mirror's actions, if the mirror runs in datapath 'dp'; frees them. */
static void
send_to_secondary(const struct colo_datapath *dp, struct ovs_list *resend)
{
    struct ovs_list mine = OVS_LIST_INITIALIZER(&mine);
    struct colo_held *held;

    LIST_FOR_EACH_POP (held, node, resend) {
        if (held->release->owner == dp->owner) {
            ovs_list_push_back(&mine, &held->node);
        } else {
            colo_held_free(held);
        }
    }
    colo_held_send_list(dp, &mine);
}

static void
compare_primary(struct compare_ctx *ctx, struct parsed_packet *pp)
    OVS_REQUIRES(ctx->cmp->mutex)
{
    struct dp_packet *packet = pp->packet;
    struct colo_conn *conn;

    ctx->cmp->stats.primary_received++;
    if (ctx->cmp->pass_through) {
        release_uncompared(ctx, packet, &pp->view);
    } else if (pp->error) {
        count_malformed(ctx->cmp, "primary", pp->error);
        release_uncompared(ctx, packet, &pp->view);
    } else if (!(conn = get_conn(ctx, &pp->view, pp->hash))) {
        release_uncompared(ctx, packet, &pp->view);
    } else {
        size_t held_before = conn->n_primary + conn->n_secondary;
        struct colo_held *held = held_create(ctx, packet, &pp->view);
        struct colo_held *older = colo_conn_supersede_primary(conn, held);
        enum colo_reason reason;

        if (older) {
            ctx->cmp->stats.primary_superseded++;
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
        ask_secondary(ctx, conn);
    }
}

/* Sends the secondary packets in 'forward' on to the client in place of the
 * oldest primary packet that 'conn' holds: with its link header (MAC
 * addresses, VLAN tags), its metadata and its release actions, so that
 * they leave as a primary packet would. */
static void
forward_secondary(struct compare_ctx *ctx, const struct colo_conn *conn,
                  struct ovs_list *forward)
    OVS_REQUIRES(ctx->cmp->mutex)
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
    OVS_REQUIRES(ctx->cmp->mutex)
{
    struct dp_packet *packet = pp->packet;
    struct colo_conn *conn;

    if (ctx->cmp->pass_through) {
        drop_secondary(ctx, packet);
    } else if (pp->error) {
        count_malformed(ctx->cmp, "secondary", pp->error);
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
        bool repairing;

        repairing = repair_secondary(ctx, conn, held);
        reason = colo_conn_add_secondary(conn, held, &ctx->dropped,
                                         repairing ? NULL : &forward);
        forward_secondary(ctx, conn, &forward);
        conn_changed(ctx, conn, held_before, reason);
        ask_secondary(ctx, conn);
    }
}

static void
mark_leaving(struct ovs_list *list)
{
    struct colo_held *held;

    LIST_FOR_EACH (held, node, list) {
        held->borrowed = false;
    }
}

/* Gives each of the batch's packets that stays held, in a connection's
 * queues, memory of its own (colo_held_own()).  Those that leave now,
 * released, forwarded or dropped, keep their port's buffer for the little
 * while it takes: at most until the thread releasing the compare's pending
 * packets, or colo_run(), gets to them. */
static void
own_waiting(struct compare_ctx *ctx)
    OVS_REQUIRES(ctx->cmp->mutex)
{
    if (!ctx->n_borrowed) {
        return;
    }
    mark_leaving(&ctx->release_now);
    mark_leaving(&ctx->forward);
    mark_leaving(&ctx->dropped);
    mark_leaving(&ctx->freed_primary);
    for (size_t i = 0; i < ctx->n_borrowed; i++) {
        if (ctx->borrowed[i]->borrowed) {
            colo_held_own(ctx->borrowed[i]);
        }
    }
}

/* Queues the held packets in 'release' to leave, after those already
 * queued. */
static void
queue_release(struct colo_compare *cmp, struct ovs_list *release)
    OVS_REQUIRES(cmp->mutex)
{
    size_t n = ovs_list_size(release);

    cmp->stats.released += n;
    cmp->n_pending += n;
    ovs_list_push_back_all(&cmp->pending, release);
}

/* Queues the secondary packets in 'forward', which leave in place of primary
 * packets, after those already queued.  They are not counted as released:
 * 'released' counts primary packets. */
static void
queue_forward(struct colo_compare *cmp, struct ovs_list *forward)
    OVS_REQUIRES(cmp->mutex)
{
    cmp->n_pending += ovs_list_size(forward);
    ovs_list_push_back_all(&cmp->pending, forward);
}

/* Sends the compare's pending released packets through 'dp', if no other
 * thread is sending them, going back up to 'max_passes' times for those
 * queued meanwhile.  Packets released through another datapath are left
 * to that datapath's colo_run().  Returns the number of packets sent. */
static size_t
release_pending(struct colo_compare *cmp, const struct colo_datapath *dp,
                int max_passes)
    OVS_EXCLUDED(cmp->mutex)
{
    size_t n_sent = 0;

    ovs_mutex_lock(&cmp->mutex);
    if (cmp->releasing) {
        ovs_mutex_unlock(&cmp->mutex);
        return 0;
    }
    cmp->releasing = true;
    for (int pass = 0; pass < max_passes; pass++) {
        struct ovs_list mine = OVS_LIST_INITIALIZER(&mine);
        struct colo_held *held;
        size_t n;

        LIST_FOR_EACH_SAFE (held, node, &cmp->pending) {
            if (held->release->owner == dp->owner) {
                ovs_list_remove(&held->node);
                ovs_list_push_back(&mine, &held->node);
            }
        }
        if (ovs_list_is_empty(&mine)) {
            break;
        }
        ovs_mutex_unlock(&cmp->mutex);

        n = colo_held_send_list(dp, &mine);
        n_sent += n;

        ovs_mutex_lock(&cmp->mutex);
        cmp->n_pending -= n;
        if (pass == max_passes - 1 && cmp->n_pending) {
            /* Leave the rest to colo_run(). */
            seq_change(colo_deferred_seq);
        }
    }
    cmp->releasing = false;
    ovs_mutex_unlock(&cmp->mutex);
    return n_sent;
}

void
colo_compare_input(struct colo_compare *cmp, const struct colo_datapath *dp,
                   const struct colo_odp_action *action,
                   struct dp_packet_batch *batch, bool should_steal)
    OVS_EXCLUDED(cmp->mutex)
{
    struct dp_packet_batch copy;
    struct dp_packet *packet;
    struct compare_ctx ctx;

    if (!should_steal) {
        /* The datapath goes on with the originals; compare a copy. */
        colo_packet_batch_copy(&copy, batch);
        dp_packet_batch_reset_cutlen(batch);
        batch = &copy;
    }
    dp_packet_batch_apply_cutlen(batch);

    ctx.cmp = cmp;
    ctx.dp = dp;
    ctx.now = time_msec();
    ctx.release = NULL;
    ctx.n_borrowed = 0;
    ovs_list_init(&ctx.release_now);
    ovs_list_init(&ctx.forward);
    ovs_list_init(&ctx.dropped);
    ovs_list_init(&ctx.freed_primary);
    ovs_list_init(&ctx.resend);
    ovs_list_init(&ctx.freed_kept);

    size_t n = dp_packet_batch_size(batch);
    struct parsed_packet pps[NETDEV_MAX_BURST];
    DP_PACKET_BATCH_FOR_EACH (i, packet, batch) {
        parse_packet(packet, &pps[i]);
    }

    ovs_mutex_lock(&ctx.cmp->mutex);
    prefetch_buckets(ctx.cmp, pps, n);
    if (action->mode == COLO_PRIMARY) {
        ctx.release = colo_release_use(&ctx.cmp->releases, dp->owner,
                                       action->actions, action->actions_len);
        for (size_t i = 0; i < n; i++) {
            prefetch_conn(ctx.cmp, pps, n, i + PREFETCH_AHEAD);
            compare_primary(&ctx, &pps[i]);
        }
        colo_release_unuse(ctx.release);
    } else {
        for (size_t i = 0; i < n; i++) {
            prefetch_conn(ctx.cmp, pps, n, i + PREFETCH_AHEAD);
            compare_secondary(&ctx, &pps[i]);
        }
    }
    dp_packet_batch_init(batch);
    own_waiting(&ctx);

    size_t n_release = ovs_list_size(&ctx.release_now);
    COVERAGE_ADD(colo_released, n_release);
    ctx.cmp->stats.secondary_dropped += ovs_list_size(&ctx.dropped);
    queue_release(ctx.cmp, &ctx.release_now);
    queue_forward(ctx.cmp, &ctx.forward);
    ovs_mutex_unlock(&ctx.cmp->mutex);

    colo_held_free_list(&ctx.dropped);
    colo_held_free_list(&ctx.freed_primary);
    colo_held_free_list(&ctx.freed_kept);
    send_to_secondary(dp, &ctx.resend);
    if (n_release) {
        release_pending(cmp, dp, COLO_RELEASE_PASSES);
    }
}

/* Keeps, for the repair of the secondary's losses, copies of the TCP
 * segments in 'batch', client packets that the mirror of 'action' is about
 * to send to the secondary host through datapath 'dp', on the connections
 * that 'cmp' compares; notes the client's headers, for asking the SVM.
 * The copies are bounded like held packets: at most max_queue_size per
 * connection and max_held in all. */
void
colo_compare_mirrored(struct colo_compare *cmp, const struct colo_datapath *dp,
                      const struct colo_odp_action *action,
                      const struct dp_packet_batch *batch)
    OVS_EXCLUDED(cmp->mutex)
{
    struct parsed_packet pps[NETDEV_MAX_BURST];
    struct colo_release *release;
    struct dp_packet *packet;
    long long int now = time_msec();
    size_t n = 0;

    /* Parsed outside the lock, with the key of the guest's direction, the
     * one the compare knows the connection by. */
    DP_PACKET_BATCH_FOR_EACH (i, packet, batch) {
        struct parsed_packet *pp = &pps[n];

        pp->packet = packet;
        if (colo_packet_parse(packet, &pp->view) == COLO_PACKET_OK
            && pp->view.kind == COLO_PACKET_TCP) {
            pp->view.key = colo_packet_key_reverse(&pp->view.key);
            pp->hash = colo_packet_key_hash(&pp->view.key);
            n++;
        }
    }
    if (!n) {
        return;
    }

    ovs_mutex_lock(&cmp->mutex);
    if (cmp->pass_through) {
        ovs_mutex_unlock(&cmp->mutex);
        return;
    }
    release = colo_release_use(&cmp->releases, dp->owner, action->actions,
                               action->actions_len);
    for (size_t i = 0; i < n; i++) {
        struct colo_conn *conn = find_conn(cmp, &pps[i].view, pps[i].hash);
        const struct colo_tcp *tcp;

        if (!conn || conn->kind != COLO_PACKET_TCP || conn->diverged) {
            continue;
        }
        tcp = &conn->tcp;
        colo_repair_note_client(&conn->repair, pps[i].packet, &pps[i].view,
                                release);
        conn->tcp.ask_secondary = true;
        if (!colo_repair_wants(&pps[i].view, tcp->s_ack_valid, tcp->s_ack)) {
            continue;
        } else if (conn->repair.n_kept >= cmp->options.max_queue_size
                   || cmp->n_kept >= cmp->options.max_held) {
            cmp->stats.repair_limit++;
        } else {
            colo_repair_keep(&conn->repair, pps[i].packet, &pps[i].view,
                             now);
            cmp->n_kept++;
            COVERAGE_INC(colo_repair_kept);
            if (cmp->next_retry == LLONG_MAX) {
                /* colo_run() takes up the retries' timer. */
                cmp->next_retry = now + cmp->options.repair_retry;
                seq_change(colo_deferred_seq);
            }
        }
    }
    colo_release_unuse(release);
    ovs_mutex_unlock(&cmp->mutex);
}

/* The non-PMD context. */

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
scan_conns(struct colo_compare *cmp, const struct colo_datapath *dp,
           long long int now, struct expiry **expiries)
    OVS_REQUIRES(cmp->mutex)
{
    long long int deadline = now - cmp->options.compare_timeout;
    struct colo_conn *conn;
    size_t n = 0;

    *expiries = xmalloc(MAX(hmap_count(&cmp->conns), 1) * sizeof **expiries);
    HMAP_FOR_EACH_SAFE (conn, node, &cmp->conns) {
        const struct colo_held *p = (conn->n_primary
            ? CONTAINER_OF(ovs_list_front(&conn->primary),
                           struct colo_held, node) : NULL);

        if (((p && p->arrival <= deadline)
             || oldest_arrival(&conn->secondary) <= deadline)
            && !conn->diverged) {
            conn->diverged = true;
            conn->reason = COLO_REASON_TIMEOUT;
            compare_request(cmp, COLO_REASON_TIMEOUT, &conn->key);
        } else if (!colo_conn_is_empty(conn)) {
            continue;
        } else if (conn->ct_known && conn->owner == dp->owner) {
            struct expiry *e = &(*expiries)[n++];

            e->key = conn->key;
            e->tuple = conn->ct_tuple;
            e->zone = conn->ct_zone;
        } else if (!conn->ct_known
                   && now - conn->used >= COLO_UNTRACKED_IDLE_MS) {
            hmap_remove(&cmp->conns, &conn->node);
            cmp->n_kept -= colo_conn_destroy(conn);
            COVERAGE_INC(colo_conn_expired);
        }
    }
    return n;
}

/* Forgets the connections in 'expiries' that conntrack no longer has and
 * that still hold nothing. */
static void
expire_conns(struct colo_compare *cmp, const struct colo_datapath *dp,
             struct expiry *expiries, size_t n)
    OVS_EXCLUDED(cmp->mutex)
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

    ovs_mutex_lock(&cmp->mutex);
    for (size_t i = 0; i < n_dead; i++) {
        struct colo_packet view = { .key = expiries[i].key };
        struct colo_conn *conn;

        conn = find_conn(cmp, &view, colo_packet_key_hash(&view.key));
        if (conn && colo_conn_is_empty(conn)) {
            hmap_remove(&cmp->conns, &conn->node);
            cmp->n_kept -= colo_conn_destroy(conn);
            COVERAGE_INC(colo_conn_expired);
        }
    }
    ovs_mutex_unlock(&cmp->mutex);
}

/* Scans 'cmp' every expired_scan_cycle: asks for a checkpoint for each
 * connection that waited too long, frees the release actions no packet
 * uses, and forgets the connections that are over.  Sets '*scanned' to
 * whether it scanned, and lowers '*next_scan' to when it scans next. */
static void
scan(struct colo_compare *cmp, const struct colo_datapath *dp,
     long long int now, long long int *next_scan, bool *scanned)
    OVS_EXCLUDED(cmp->mutex)
{
    struct expiry *expiries = NULL;
    size_t n = 0;

    *scanned = false;
    ovs_mutex_lock(&cmp->mutex);
    if (cmp->next_scan == LLONG_MAX) {
        cmp->next_scan = now + cmp->options.expired_scan_cycle;
    } else if (now >= cmp->next_scan) {
        n = scan_conns(cmp, dp, now, &expiries);
        colo_release_set_sweep(&cmp->releases);
        cmp->next_scan = now + cmp->options.expired_scan_cycle;
        *scanned = true;
    }
    *next_scan = MIN(*next_scan, cmp->next_scan);
    ovs_mutex_unlock(&cmp->mutex);

    if (n) {
        expire_conns(cmp, dp, expiries, n);
    }
    free(expiries);
}

/* Once 'cmp' has kept client segments for the secondary, every
 * repair_retry ms sends each connection's oldest one again, if it has
 * waited that long for the SVM's ack (colo_repair_retry()), through
 * datapath 'dp'.  Lowers '*next_scan' to when it looks next: a wake-up of
 * the non-PMD context every repair_retry ms (by default, five a second),
 * from the first segment kept on. */
static void
retry_repairs(struct colo_compare *cmp, const struct colo_datapath *dp,
              long long int now, long long int *next_scan)
    OVS_EXCLUDED(cmp->mutex)
{
    struct ovs_list resend = OVS_LIST_INITIALIZER(&resend);

    ovs_mutex_lock(&cmp->mutex);
    if (now >= cmp->next_retry) {
        struct colo_conn *conn;

        if (cmp->n_kept && !cmp->pass_through) {
            HMAP_FOR_EACH (conn, node, &cmp->conns) {
                if (!conn->diverged
                    && colo_repair_retry(&conn->repair, now,
                                         cmp->options.repair_retry,
                                         &resend)) {
                    cmp->stats.repair_resent++;
                }
            }
        }
        cmp->next_retry = now + cmp->options.repair_retry;
    }
    *next_scan = MIN(*next_scan, cmp->next_retry);
    ovs_mutex_unlock(&cmp->mutex);

    send_to_secondary(dp, &resend);
}

/* Called by the datapath's non-PMD context, through colo_run(): scans
 * 'cmp' when it is time (see scan()) and sends the packets released
 * meanwhile by checkpoint-done, failover or other threads.  Returns the
 * number of packets sent. */
size_t
colo_compare_run(struct colo_compare *cmp, const struct colo_datapath *dp,
                 long long int now, long long int *next_scan, bool *scanned)
    OVS_EXCLUDED(cmp->mutex)
{
    scan(cmp, dp, now, next_scan, scanned);
    retry_repairs(cmp, dp, now, next_scan);
    return release_pending(cmp, dp, 1);
}

/* The compare's life. */

/* Called once, by colo_init(). */
void
colo_compare_module_init(void)
{
    colo_deferred_seq = seq_create();
}

void
colo_compare_init(struct colo_compare *cmp, uint32_t id,
                  struct seq *status_seq, const struct colo_options *options)
{
    cmp->id = id;
    cmp->status_seq = status_seq;
    ovs_mutex_init(&cmp->mutex);
    ovs_mutex_lock(&cmp->mutex);
    cmp->options = *options;
    cmp->pass_through = false;
    memset(&cmp->request, 0, sizeof cmp->request);
    cmp->requested = false;
    memset(&cmp->stats, 0, sizeof cmp->stats);
    hmap_init(&cmp->conns);
    cmp->n_held = 0;
    cmp->n_kept = 0;
    cmp->n_arrived = 0;
    colo_release_set_init(&cmp->releases);
    ovs_list_init(&cmp->pending);
    cmp->n_pending = 0;
    cmp->releasing = false;
    cmp->next_scan = LLONG_MAX;
    cmp->next_retry = LLONG_MAX;
    ovs_mutex_unlock(&cmp->mutex);
}

void
colo_compare_set_options(struct colo_compare *cmp,
                         const struct colo_options *options)
    OVS_EXCLUDED(cmp->mutex)
{
    ovs_mutex_lock(&cmp->mutex);
    if (options->expired_scan_cycle != cmp->options.expired_scan_cycle) {
        /* Take the new cycle now, not at the end of the old one. */
        cmp->next_scan = LLONG_MAX;
        seq_change(colo_deferred_seq);
    }
    cmp->options = *options;
    ovs_mutex_unlock(&cmp->mutex);
}

/* Checkpoint requests. */

/* Records that the compare wants a checkpoint for 'reason', found on the
 * connection 'key' (may be NULL).  While a request is pending, further ones
 * are counted and folded into it. */
static void
compare_request(struct colo_compare *cmp, enum colo_reason reason,
                const struct colo_packet_key *key)
    OVS_REQUIRES(cmp->mutex)
{
    static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(10, 10);
    struct colo_request *r = &cmp->request;

    cmp->stats.divergences[reason]++;
    if (cmp->requested) {
        cmp->stats.coalesced++;
        COVERAGE_INC(colo_checkpoint_coalesced);
        return;
    } else if (cmp->pass_through) {
        return;
    }

    cmp->requested = true;
    cmp->stats.requests++;
    COVERAGE_INC(colo_checkpoint_request);
    r->seqno++;
    r->reason = reason;
    r->has_key = key != NULL;
    memset(&r->key, 0, sizeof r->key);
    if (key) {
        r->key = *key;
    }
    r->time = time_wall_msec();
    seq_change(cmp->status_seq);

    if (!VLOG_DROP_INFO(&rl)) {
        struct ds s = DS_EMPTY_INITIALIZER;

        if (key) {
            ds_put_cstr(&s, " on ");
            colo_packet_key_format(key, &s);
        }
        VLOG_INFO("instance %"PRIu32": checkpoint request %"PRIu64" (%s)%s",
                  cmp->id, r->seqno, colo_reason_to_string(reason),
                  ds_cstr(&s));
        ds_destroy(&s);
    }
}

/* Copies the last request into '*r'.  Returns true if it waits for
 * checkpoint-done. */
bool
colo_compare_get_request(struct colo_compare *cmp, struct colo_request *r)
    OVS_EXCLUDED(cmp->mutex)
{
    bool requested;

    ovs_mutex_lock(&cmp->mutex);
    *r = cmp->request;
    requested = cmp->requested;
    ovs_mutex_unlock(&cmp->mutex);
    return requested;
}

/* Formats 'r' on one line, without a new-line. */
void
colo_request_format(const struct colo_request *r, struct ds *s)
{
    ds_put_format(s, "seqno=%"PRIu64, r->seqno);
    if (r->seqno) {
        ds_put_format(s, " reason=%s", colo_reason_to_string(r->reason));
        if (r->has_key) {
            ds_put_cstr(s, " conn=\"");
            colo_packet_key_format(&r->key, s);
            ds_put_char(s, '"');
        }
        ds_put_cstr(s, " time=");
        ds_put_strftime_msec(s, COLO_TIME_FORMAT, r->time, true);
    }
}

/* Checkpoints and failover. */

static int
compare_held_by_order(const void *a_, const void *b_)
{
    const struct colo_held *const *a = a_;
    const struct colo_held *const *b = b_;

    return (*a)->order < (*b)->order ? -1 : (*a)->order > (*b)->order;
}

/* Puts the held packets in 'list' back in the order they came in. */
static void
sort_by_arrival(struct ovs_list *list)
{
    size_t n = ovs_list_size(list);
    struct colo_held **array = xmalloc(MAX(n, 1) * sizeof *array);
    struct colo_held *held;
    size_t i = 0;

    LIST_FOR_EACH_POP (held, node, list) {
        array[i++] = held;
    }
    qsort(array, n, sizeof *array, compare_held_by_order);
    for (i = 0; i < n; i++) {
        ovs_list_push_back(list, &array[i]->node);
    }
    free(array);
}

/* Every held primary packet is released, in the order they came in, every
 * secondary one dropped, and comparison starts afresh. */
static void
flush(struct colo_compare *cmp)
    OVS_REQUIRES(cmp->mutex)
{
    struct ovs_list release = OVS_LIST_INITIALIZER(&release);
    struct ovs_list dropped = OVS_LIST_INITIALIZER(&dropped);
    struct colo_conn *conn;

    HMAP_FOR_EACH (conn, node, &cmp->conns) {
        colo_conn_flush(conn, &release, &dropped);
    }
    sort_by_arrival(&release);
    cmp->n_held = 0;
    cmp->stats.secondary_dropped += ovs_list_size(&dropped);
    /* This runs on the main thread, outside the datapath: the datapath's
     * non-PMD context sends them. */
    queue_release(cmp, &release);
    seq_change(colo_deferred_seq);
    colo_held_free_list(&dropped);
}

/* Logs a checkpoint-done as requests are, so that the log shows how long
 * each request took to be answered, the time the guests' output waited. */
static void
log_checkpoint_done(const struct colo_compare *cmp, uint64_t barrier)
    OVS_REQUIRES(cmp->mutex)
{
    static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(10, 10);
    struct ds s = DS_EMPTY_INITIALIZER;

    if (VLOG_DROP_INFO(&rl)) {
        return;
    }
    if (barrier) {
        ds_put_format(&s, " at barrier %"PRIu64, barrier);
    }
    if (cmp->requested) {
        VLOG_INFO("instance %"PRIu32": checkpoint-done%s for request "
                  "%"PRIu64", %lld ms after it", cmp->id, ds_cstr(&s),
                  cmp->request.seqno,
                  MAX(time_wall_msec() - cmp->request.time, 0));
    } else {
        VLOG_INFO("instance %"PRIu32": checkpoint-done%s with no request "
                  "pending", cmp->id, ds_cstr(&s));
    }
    ds_destroy(&s);
}

/* The COLO frame finished a checkpoint: the secondary is now a copy of the
 * primary. */
void
colo_compare_checkpoint_done(struct colo_compare *cmp)
    OVS_EXCLUDED(cmp->mutex)
{
    ovs_mutex_lock(&cmp->mutex);
    log_checkpoint_done(cmp, 0);
    flush(cmp);
    cmp->barrier = 0;
    cmp->requested = false;
    cmp->stats.checkpoints++;
    ovs_mutex_unlock(&cmp->mutex);
}

/* A checkpoint begins (the COLO frame stopped the primary): what the
 * primary sent so far is what the checkpoint will validate.  Returns the
 * barrier's number, for colo_compare_checkpoint_done_at().  A new barrier
 * replaces one whose checkpoint-done never came. */
uint64_t
colo_compare_checkpoint_barrier(struct colo_compare *cmp)
    OVS_EXCLUDED(cmp->mutex)
{
    struct colo_conn *conn;
    uint64_t barrier;

    ovs_mutex_lock(&cmp->mutex);
    barrier = cmp->barrier = ++cmp->n_barriers;
    cmp->barrier_order = cmp->n_arrived;
    HMAP_FOR_EACH (conn, node, &cmp->conns) {
        colo_conn_mark_barrier(conn, barrier);
    }
    cmp->stats.barriers++;
    ovs_mutex_unlock(&cmp->mutex);
    return barrier;
}

/* The checkpoint that began at 'barrier' is done: the secondary is a copy of
 * the primary as it was at the barrier.  The primary packets that came
 * before the barrier leave, in the order they came, the secondary's are
 * dropped, and what both sent since is compared from where the primary
 * was: packets the primary sent once it ran again belong to the next
 * checkpoint.  A connection still diverged, or diverging again, asks for
 * the next checkpoint.  Returns false, doing nothing, if 'barrier' is not
 * the one that waits. */
bool
colo_compare_checkpoint_done_at(struct colo_compare *cmp, uint64_t barrier)
    OVS_EXCLUDED(cmp->mutex)
{
    struct ovs_list release = OVS_LIST_INITIALIZER(&release);
    struct ovs_list dropped = OVS_LIST_INITIALIZER(&dropped);
    struct colo_conn *conn;

    ovs_mutex_lock(&cmp->mutex);
    if (!barrier || barrier != cmp->barrier) {
        ovs_mutex_unlock(&cmp->mutex);
        return false;
    }
    log_checkpoint_done(cmp, barrier);
    cmp->barrier = 0;
    cmp->requested = false;
    cmp->stats.checkpoints++;

    cmp->n_held = 0;
    HMAP_FOR_EACH (conn, node, &cmp->conns) {
        enum colo_reason reason = COLO_REASON_NONE;

        if (conn->barrier == barrier) {
            size_t n_before;

            reason = colo_conn_flush_before(conn, cmp->barrier_order,
                                            &release, &dropped);
            n_before = conn->n_primary;
            colo_conn_take_releasable(conn, &release);
            cmp->stats.compared += n_before - conn->n_primary;
        } else if (conn->diverged) {
            /* New since the barrier, and diverged: the next checkpoint's
             * business. */
            reason = conn->reason;
        }
        if (reason != COLO_REASON_NONE) {
            compare_request(cmp, reason, &conn->key);
        }
        cmp->n_held += conn->n_primary + conn->n_secondary;
    }
    sort_by_arrival(&release);
    cmp->stats.secondary_dropped += ovs_list_size(&dropped);
    queue_release(cmp, &release);
    seq_change(colo_deferred_seq);
    ovs_mutex_unlock(&cmp->mutex);

    colo_held_free_list(&dropped);
    return true;
}

/* Frees the client segments kept for the secondary: there is none to
 * repair any more. */
static void
forget_kept(struct colo_compare *cmp)
    OVS_REQUIRES(cmp->mutex)
{
    struct colo_conn *conn;

    HMAP_FOR_EACH (conn, node, &cmp->conns) {
        cmp->n_kept -= colo_repair_destroy(&conn->repair);
    }
}

/* The secondary is gone: releases everything held, and from now on passes
 * primary packets straight through and drops the secondary's. */
void
colo_compare_failover(struct colo_compare *cmp)
    OVS_EXCLUDED(cmp->mutex)
{
    ovs_mutex_lock(&cmp->mutex);
    flush(cmp);
    forget_kept(cmp);
    cmp->pass_through = true;
    ovs_mutex_unlock(&cmp->mutex);
}

/* Makes 'cmp' pass its packets through, uncompared, or compare them again:
 * for an instance that has no configuration, or is secondary.  What it
 * holds when it starts passing through leaves, as at failover: nothing
 * would ever match it. */
void
colo_compare_set_pass_through(struct colo_compare *cmp, bool pass_through)
    OVS_EXCLUDED(cmp->mutex)
{
    ovs_mutex_lock(&cmp->mutex);
    if (pass_through && !cmp->pass_through) {
        flush(cmp);
        forget_kept(cmp);
    }
    cmp->pass_through = pass_through;
    ovs_mutex_unlock(&cmp->mutex);
}

/* The instance lost its configuration: releases every packet held, forgets
 * every connection and any pending request, keeping the counters and
 * request numbers. */
void
colo_compare_reset(struct colo_compare *cmp)
    OVS_EXCLUDED(cmp->mutex)
{
    struct colo_conn *conn;

    ovs_mutex_lock(&cmp->mutex);
    flush(cmp);
    HMAP_FOR_EACH_POP (conn, node, &cmp->conns) {
        cmp->n_kept -= colo_conn_destroy(conn);
    }
    cmp->requested = false;
    ovs_mutex_unlock(&cmp->mutex);
}

/* What colo/show and the COLO table show. */

/* The primary packets that 'cmp' holds.  Counted when shown, rather than
 * kept up to date on every packet, since only colo/show needs it: with
 * 'primary_received' and the counters, it accounts for every primary
 * packet. */
size_t
colo_compare_count_primary_held(const struct colo_compare *cmp)
    OVS_REQUIRES(cmp->mutex)
{
    const struct colo_conn *conn;
    size_t n = 0;

    HMAP_FOR_EACH (conn, node, &cmp->conns) {
        n += conn->n_primary;
    }
    return n;
}

/* Formats colo/show's "now:" line. */
void
colo_compare_format_now(struct colo_compare *cmp, struct ds *s)
    OVS_REQUIRES(cmp->mutex)
{
    ds_put_format(s, "  now: connections=%"PRIuSIZE" held=%"PRIuSIZE
                  " primary_held=%"PRIuSIZE" releasing=%"PRIuSIZE"\n",
                  hmap_count(&cmp->conns), cmp->n_held,
                  colo_compare_count_primary_held(cmp), cmp->n_pending);
}

#define COUNTER(MEMBER, SHOW, DB) \
    { SHOW, DB, offsetof(struct colo_compare_stats, MEMBER) },
static const struct colo_counter packet_counters[] = {
    COLO_PACKET_COUNTERS(COUNTER)
};
static const struct colo_counter checkpoint_counters[] = {
    COLO_CHECKPOINT_COUNTERS(COUNTER)
};
static const struct colo_counter repair_counters[] = {
    COLO_REPAIR_COUNTERS(COUNTER)
};
#undef COUNTER

/* Formats colo/show's counters, a line for packets, one for checkpoints
 * and one for divergences. */
void
colo_compare_format_stats(struct colo_compare *cmp, struct ds *s)
    OVS_REQUIRES(cmp->mutex)
{
    const struct colo_compare_stats *st = &cmp->stats;

    ds_put_cstr(s, "  packets:");
    colo_counters_format(packet_counters, ARRAY_SIZE(packet_counters), st,
                         s);
    ds_put_cstr(s, "\n  checkpoints:");
    colo_counters_format(checkpoint_counters,
                         ARRAY_SIZE(checkpoint_counters), st, s);
    ds_put_cstr(s, "\n  repairs:");
    colo_counters_format(repair_counters, ARRAY_SIZE(repair_counters), st,
                         s);
    ds_put_cstr(s, "\n  divergences:");
    for (int i = COLO_REASON_NONE + 1; i < COLO_N_REASONS; i++) {
        ds_put_format(s, " %s=%"PRIu64, colo_reason_to_string(i),
                      st->divergences[i]);
    }
    ds_put_char(s, '\n');
}

/* Adds the compare's statistics for the COLO table to 'keys' and 'values',
 * from index '*n_stats' on (see colo_counters_to_db()): the counters, the
 * divergences of every reason together, and the connections and packets
 * held now. */
void
colo_compare_stats_to_db(struct colo_compare *cmp, const char *keys[],
                         int64_t values[], size_t *n_stats)
    OVS_REQUIRES(cmp->mutex)
{
    const struct colo_compare_stats *st = &cmp->stats;
    uint64_t divergences = 0;

    colo_counters_to_db(packet_counters, ARRAY_SIZE(packet_counters), st,
                        keys, values, n_stats);
    colo_counters_to_db(checkpoint_counters, ARRAY_SIZE(checkpoint_counters),
                        st, keys, values, n_stats);
    colo_counters_to_db(repair_counters, ARRAY_SIZE(repair_counters), st,
                        keys, values, n_stats);
    for (int i = 0; i < COLO_N_REASONS; i++) {
        divergences += st->divergences[i];
    }
    colo_stats_put(keys, values, n_stats, "divergences", divergences);
    colo_stats_put(keys, values, n_stats, "connections",
                   hmap_count(&cmp->conns));
    colo_stats_put(keys, values, n_stats, "held", cmp->n_held);
}

static int
compare_conns_by_held(const void *a_, const void *b_)
{
    const struct colo_conn *const *a = a_;
    const struct colo_conn *const *b = b_;
    size_t na = (*a)->n_primary + (*a)->n_secondary;
    size_t nb = (*b)->n_primary + (*b)->n_secondary;

    /* The key breaks ties, so that the order does not depend on the
     * hash table's. */
    return (na > nb ? -1
            : na < nb ? 1
            : memcmp(&(*a)->key, &(*b)->key, sizeof (*a)->key));
}

/* Formats up to 'max' of the connections 'cmp' compares, a line each,
 * those that hold the most packets first. */
void
colo_compare_format_conns(struct colo_compare *cmp, size_t max,
                          struct ds *s)
    OVS_REQUIRES(cmp->mutex)
{
    size_t n = hmap_count(&cmp->conns);
    struct colo_conn **conns = xmalloc(MAX(n, 1) * sizeof *conns);
    long long int now = time_msec();
    struct colo_conn *conn;
    size_t i = 0;

    HMAP_FOR_EACH (conn, node, &cmp->conns) {
        conns[i++] = conn;
    }
    qsort(conns, n, sizeof *conns, compare_conns_by_held);
    for (i = 0; i < n && i < max; i++) {
        ds_put_cstr(s, "    ");
        colo_conn_format(conns[i], now, s);
        ds_put_char(s, '\n');
    }
    free(conns);
}
