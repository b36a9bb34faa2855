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

/* The rewriter (colo-rewrite.h): each connection's offsets learned on its
 * handshake, seq, ack, SACK and timestamps moved with the TCP checksum kept
 * right, and the state of closed connections ended. */

#include <config.h>
#include "colo/colo-rewrite.h"

#include <string.h>
#include "colo/colo-packet.h"
#include "colo/colo-segment.h"
#include "colo/colo-stats.h"
#include "coverage.h"
#include "dp-packet.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/vlog.h"
#include "packets.h"
#include "timeval.h"
#include "util.h"

VLOG_DEFINE_THIS_MODULE(colo_rewrite);

COVERAGE_DEFINE(colo_rewritten);
COVERAGE_DEFINE(colo_rewrite_malformed);
COVERAGE_DEFINE(colo_rewrite_conn_limit);

/* A connection whose handshake has not finished is forgotten after this
 * long idle (or the instance's rewrite_timeout, if shorter), as OVS's
 * conntrack forgets an opening TCP connection. */
#define COLO_REWRITE_OPENING_MS (30 * 1000)

struct colo_rewrite_conn {
    struct hmap_node node;      /* In struct colo_rewriter's 'conns'. */
    struct colo_packet_key key; /* As the guest sends. */
    long long int used;         /* time_msec() of its last packet. */

    /* From the SVM's SYN (the guest opens) or SYN-ACK (it accepts). */
    uint32_t svm_isn;
    uint32_t svm_tsval;
    bool svm_has_ts;

    bool has_svm_ts_last;
    uint32_t svm_ts_last;       /* The SVM's newest TSval, in its clock. */

    /* The SVM's stream, in the PVM's sequence space: where the bytes it
     * sent end, and its oldest retransmission that the client has not
     * acknowledged yet (see answer_svm_retransmission()). */
    bool has_svm_end;
    uint32_t svm_end;
    bool svm_retx;
    uint32_t svm_retx_end;
    uint32_t svm_retx_tsval;    /* In the SVM's clock. */

    /* Known once the client's answer to it, which acknowledges the PVM's
     * SYN, reaches the SVM. */
    bool learned;
    bool has_ts_offset;
    uint32_t seq_offset;        /* The SVM's ISN - the PVM's ISN. */
    uint32_t ts_offset;         /* The SVM's TSval - the PVM's TSval. */

    /* Where the client's stream is, to tell a RST that Linux would act on
     * from one it would ignore: the SVM has acknowledged up to 'guest_ack'
     * and the client has sent up to 'client_next'. */
    bool has_guest_ack;
    bool has_client_next;
    uint32_t guest_ack;
    uint32_t client_next;

    /* Closing, in the PVM's sequence space: the state ends once both
     * FINs are acknowledged. */
    bool guest_fin;
    bool client_fin;
    bool guest_fin_acked;
    bool client_fin_acked;
    uint32_t guest_fin_end;     /* The sequence number after each FIN. */
    uint32_t client_fin_end;
};

/* What one batch is rewritten with. */
struct rewrite_ctx {
    struct colo_rewriter *rw;
    unsigned int max_conns;
    bool failed_over;
    long long int now;
};

void
colo_rewriter_init(struct colo_rewriter *rw)
{
    hmap_init(&rw->conns);
    memset(&rw->stats, 0, sizeof rw->stats);
}

/* Moves the 32-bit field at 'ofs' of 'seg' by 'delta', modulo 2**32. */
static void
add32(struct colo_segment *seg, size_t ofs, uint32_t delta)
{
    colo_segment_put32(seg, ofs, colo_segment_get32(seg, ofs) + delta);
}

static struct colo_rewrite_conn *
conn_find(struct colo_rewriter *rw, const struct colo_packet_key *key)
{
    struct colo_rewrite_conn *conn;

    HMAP_FOR_EACH_WITH_HASH (conn, node, colo_packet_key_hash(key),
                             &rw->conns) {
        if (colo_packet_key_equals(&conn->key, key)) {
            return conn;
        }
    }
    return NULL;
}

/* Starts following the connection that the SVM's SYN or SYN-ACK 'seg'
 * opens, unless the instance has failed over (new connections are the
 * SVM's own then) or follows max_conns connections already. */
static struct colo_rewrite_conn *
conn_create(struct rewrite_ctx *ctx, const struct colo_packet *view,
            const struct colo_segment *seg)
{
    struct colo_rewrite_conn *conn;

    if (ctx->failed_over) {
        return NULL;
    } else if (hmap_count(&ctx->rw->conns) >= ctx->max_conns) {
        ctx->rw->stats.limit_hits++;
        COVERAGE_INC(colo_rewrite_conn_limit);
        return NULL;
    }

    conn = xzalloc(sizeof *conn);
    conn->key = view->key;
    conn->svm_isn = view->seq;
    if (seg->ts) {
        conn->svm_has_ts = true;
        conn->svm_tsval = colo_segment_get32(seg, seg->ts);
    }
    hmap_insert(&ctx->rw->conns, &conn->node,
                colo_packet_key_hash(&conn->key));
    return conn;
}

static void
conn_remove(struct colo_rewriter *rw, struct colo_rewrite_conn *conn)
{
    hmap_remove(&rw->conns, &conn->node);
    free(conn);
}

/* Ends 'conn' after a RST that counts ('rst'), or once both FINs are
 * acknowledged.  A retransmission of the last ACK after that passes as it
 * comes. */
static void
conn_close_if_done(struct colo_rewriter *rw, struct colo_rewrite_conn *conn,
                   bool rst)
{
    if (rst || (conn->guest_fin_acked && conn->client_fin_acked)) {
        rw->stats.closed++;
        conn_remove(rw, conn);
    }
}

/* The client's first acknowledgement after the SVM's SYN or SYN-ACK
 * acknowledges the PVM's SYN, and echoes its timestamp. */
static void
conn_learn(struct colo_rewriter *rw, struct colo_rewrite_conn *conn,
           const struct colo_packet *view, const struct colo_segment *seg)
{
    conn->seq_offset = conn->svm_isn + 1 - view->ack;
    if (conn->svm_has_ts && seg->ts) {
        conn->ts_offset = (conn->svm_tsval
                           - colo_segment_get32(seg, seg->tsecr));
        conn->has_ts_offset = true;
    }
    conn->learned = true;
    rw->stats.learned++;
}

/* Keeps the SVM's clock, moved into the PVM's, from running behind what the
 * client has seen.  'tsecr', the client's echo, is the newest TSval it
 * took, and it drops segments with older ones (PAWS, RFC 7323): the SVM's
 * duplicate acks that the compare sends on, and after a failover all of
 * the SVM's.  The offset learned on the handshake pairs the PVM's SYN-ACK
 * that the client echoes with the SVM's latest, and the two were not sent
 * at the same moment if either was sent again.  So the offset only ever
 * moves down, as far as it takes for the SVM's newest TSval to reach each
 * echo. */
static void
keep_svm_clock_ahead(struct colo_rewrite_conn *conn, uint32_t tsecr)
{
    if (conn->has_svm_ts_last) {
        uint32_t bound = conn->svm_ts_last - tsecr;

        if (colo_seq_lt(bound, conn->ts_offset)) {
            conn->ts_offset = bound;
        }
    }
}

/* Notes where the SVM's segment that 'seg' holds, at 'seq' in the PVM's
 * space, ends, and whether it sends bytes again; 'tsval' is its TSval in
 * the SVM's clock. */
static void
note_svm_segment(struct colo_rewrite_conn *conn,
                 const struct colo_segment *seg, uint32_t seq, uint32_t len,
                 uint32_t tsval)
{
    uint32_t end = seq + len + !!(seg->flags & TCP_FIN);

    if (end == seq || (seg->flags & TCP_SYN)) {
        return;
    }
    if (conn->has_svm_end && colo_seq_lt(seq, conn->svm_end)
        && !conn->svm_retx && seg->ts) {
        conn->svm_retx = true;
        conn->svm_retx_end = end;
        conn->svm_retx_tsval = tsval;
    }
    colo_seq_advance(&conn->has_svm_end, &conn->svm_end, end);
}

/* The compare sends the PVM's bytes on only once the SVM's copy has come,
 * so when the SVM had to send bytes again (they were lost on its way to
 * the compare), the client's ack of them answers that retransmission.
 * The client echoes the PVM's TSval, though, which may be older than the
 * SVM's retransmission: the SVM would take its retransmission for one it
 * need not have sent, undo its loss recovery and wait for its timer again
 * for each segment it still lacks, while the PVM's copies wait for them.
 * So the echo in the ack that covers the SVM's oldest retransmission is
 * raised to that retransmission's TSval, as the SVM's own client would
 * have echoed.  When the retransmission was in fact needless (the first
 * copy came, and the client's ack was only late), the SVM does not learn
 * it and keeps its congestion window reduced: the cost of an SVM that
 * never waits for a timer it need not. */
static void
answer_svm_retransmission(struct colo_rewrite_conn *conn,
                          struct colo_segment *seg, uint32_t ack)
{
    if (conn->svm_retx && colo_seq_le(conn->svm_retx_end, ack)) {
        uint32_t tsecr = colo_segment_get32(seg, seg->tsecr);

        if (colo_seq_lt(tsecr, conn->svm_retx_tsval)) {
            colo_segment_put32(seg, seg->tsecr, conn->svm_retx_tsval);
        }
        conn->svm_retx = false;
    }
}

/* A packet from the SVM, on its way to the compare: seq and TSval move into
 * the PVM's space. */
static void
rewrite_from_guest(struct rewrite_ctx *ctx, const struct colo_packet *view,
                   struct colo_segment *seg)
{
    struct colo_rewrite_conn *conn = conn_find(ctx->rw, &view->key);
    uint32_t seq = view->seq;

    if (seg->flags & TCP_SYN) {
        if (conn && conn->svm_isn != view->seq) {
            /* A new connection on the same addresses and ports. */
            conn_remove(ctx->rw, conn);
            conn = NULL;
        }
        if (!conn) {
            conn = conn_create(ctx, view, seg);
        } else if (!conn->learned && seg->ts) {
            /* A retransmission: the client will echo the PVM's matching
             * one, sent about as late. */
            conn->svm_has_ts = true;
            conn->svm_tsval = colo_segment_get32(seg, seg->ts);
        }
    }
    if (!conn) {
        ctx->rw->stats.untracked++;
        return;
    }
    conn->used = ctx->now;
    if (seg->ts) {
        colo_seq_advance(&conn->has_svm_ts_last, &conn->svm_ts_last,
                         colo_segment_get32(seg, seg->ts));
    }

    if (conn->learned) {
        seq -= conn->seq_offset;
        colo_segment_put32(seg, COLO_TCP_SEQ_OFS, seq);
        note_svm_segment(conn, seg, seq, view->payload_len,
                         seg->ts ? colo_segment_get32(seg, seg->ts) : 0);
        if (seg->ts && conn->has_ts_offset) {
            add32(seg, seg->ts, -conn->ts_offset);
        }
    }
    if (seg->flags & TCP_FIN) {
        conn->guest_fin = true;
        conn->guest_fin_end = seq + view->payload_len + 1;
    }
    if (seg->flags & TCP_ACK) {
        colo_seq_advance(&conn->has_guest_ack, &conn->guest_ack, view->ack);
        if (conn->client_fin && colo_seq_le(conn->client_fin_end, view->ack)) {
            conn->client_fin_acked = true;
        }
    }
    /* The SVM's own RST: its socket is gone. */
    conn_close_if_done(ctx->rw, conn, seg->flags & TCP_RST);
}

/* Whether the SVM would act on the client's RST 'view': Linux (RFC 5961)
 * takes one at exactly the next sequence number it expects, which lies
 * between what it acknowledged and what the client sent.  Others it
 * ignores or answers, and the connection goes on. */
static bool
client_rst_counts(const struct colo_rewrite_conn *conn,
                  const struct colo_packet *view)
{
    return (!conn->has_guest_ack || !conn->has_client_next
            || (colo_seq_le(conn->guest_ack, view->seq)
                && colo_seq_le(view->seq, conn->client_next)));
}

/* A packet from the client, on its way to the SVM: ack, SACK block edges
 * and TSecr move into the SVM's space. */
static void
rewrite_to_guest(struct rewrite_ctx *ctx, const struct colo_packet *view,
                 struct colo_segment *seg)
{
    /* Connections are kept by the guest's side of them. */
    struct colo_packet_key key = colo_packet_key_reverse(&view->key);
    struct colo_rewrite_conn *conn;

    conn = conn_find(ctx->rw, &key);
    if (!conn) {
        ctx->rw->stats.untracked++;
        return;
    }
    conn->used = ctx->now;
    if (!(seg->flags & TCP_RST)) {
        colo_seq_advance(&conn->has_client_next, &conn->client_next,
                         (view->seq + view->payload_len
                          + !!(seg->flags & TCP_SYN)
                          + !!(seg->flags & TCP_FIN)));
    }

    if (seg->flags & TCP_ACK) {
        if (!conn->learned) {
            conn_learn(ctx->rw, conn, view, seg);
        }
        colo_segment_put32(seg, COLO_TCP_ACK_OFS,
                           view->ack + conn->seq_offset);
        for (size_t i = 0; i < seg->sack_len; i += 4) {
            add32(seg, seg->sack + i, conn->seq_offset);
        }
        if (seg->ts && conn->has_ts_offset) {
            keep_svm_clock_ahead(conn, colo_segment_get32(seg, seg->tsecr));
            add32(seg, seg->tsecr, conn->ts_offset);
            if (!ctx->failed_over) {
                answer_svm_retransmission(conn, seg, view->ack);
            }
        }
        if (conn->guest_fin && colo_seq_le(conn->guest_fin_end, view->ack)) {
            conn->guest_fin_acked = true;
        }
    }
    if (seg->flags & TCP_FIN) {
        conn->client_fin = true;
        conn->client_fin_end = view->seq + view->payload_len + 1;
    }
    conn_close_if_done(ctx->rw, conn, (seg->flags & TCP_RST
                                       && client_rst_counts(conn, view)));
}

static void
rewrite_packet(struct rewrite_ctx *ctx, enum colo_mode mode,
               struct dp_packet *packet)
{
    struct colo_packet view;
    enum colo_packet_error error = colo_packet_parse(packet, &view);
    struct colo_segment seg;

    if (error) {
        static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(5, 5);

        /* What the guest's stack or the compare will drop anyway: passed
         * as it is. */
        ctx->rw->stats.malformed++;
        COVERAGE_INC(colo_rewrite_malformed);
        VLOG_DBG_RL(&rl, "%s: passing a %s frame as it is",
                    colo_mode_to_string(mode),
                    colo_packet_error_to_string(error));
        return;
    } else if (view.kind != COLO_PACKET_TCP) {
        return;
    }

    colo_segment_init(&seg, packet, &view);
    if (seg.bad_options) {
        ctx->rw->stats.bad_options++;
    }

    if (mode == COLO_TO_GUEST) {
        rewrite_to_guest(ctx, &view, &seg);
    } else {
        rewrite_from_guest(ctx, &view, &seg);
    }
    if (seg.changed) {
        ctx->rw->stats.rewritten++;
        COVERAGE_INC(colo_rewritten);
    }
}

/* Rewrites, in place, the packets of 'batch' that 'mode' (COLO_TO_GUEST or
 * COLO_FROM_GUEST) crosses, following at most 'max_conns' connections; a
 * 'failed_over' instance follows no new ones. */
void
colo_rewriter_batch(struct colo_rewriter *rw, enum colo_mode mode,
                    unsigned int max_conns, bool failed_over,
                    struct dp_packet_batch *batch)
{
    struct rewrite_ctx ctx = {
        .rw = rw,
        .max_conns = max_conns,
        .failed_over = failed_over,
        .now = time_msec(),
    };
    struct dp_packet *packet;

    DP_PACKET_BATCH_FOR_EACH (i, packet, batch) {
        rewrite_packet(&ctx, mode, packet);
    }
}

/* The checkpoint made the SVM a copy of the PVM: its connections now have
 * the PVM's sequence numbers and clock, every offset is 0.  A connection
 * that is not followed passes as it is, which is the same: they are all
 * forgotten, and leave their room to new ones.  A handshake in progress
 * is the PVM's now; if the SVM repeats its SYN-ACK, that starts it anew. */
void
colo_rewriter_checkpoint_done(struct colo_rewriter *rw)
{
    struct colo_rewrite_conn *conn;

    HMAP_FOR_EACH_POP (conn, node, &rw->conns) {
        free(conn);
    }
}

/* Forgets the connections idle for 'idle_timeout' ms, or for
 * COLO_REWRITE_OPENING_MS if their handshake has not finished. */
void
colo_rewriter_expire(struct colo_rewriter *rw, long long int now,
                     unsigned int idle_timeout)
{
    long long int opening_timeout = MIN(idle_timeout,
                                        COLO_REWRITE_OPENING_MS);
    struct colo_rewrite_conn *conn;

    HMAP_FOR_EACH_SAFE (conn, node, &rw->conns) {
        if (now - conn->used >= (conn->learned ? idle_timeout
                                 : opening_timeout)) {
            rw->stats.expired++;
            conn_remove(rw, conn);
        }
    }
}

#define REWRITE_COUNTER(MEMBER, SHOW, DB) \
    { SHOW, DB, offsetof(struct colo_rewrite_stats, MEMBER) },
static const struct colo_counter rewrite_counters[] = {
    COLO_REWRITE_COUNTERS(REWRITE_COUNTER)
};

void
colo_rewriter_format(const struct colo_rewriter *rw, struct ds *s)
{
    ds_put_format(s, "  rewriter: conns=%"PRIuSIZE, hmap_count(&rw->conns));
    colo_counters_format(rewrite_counters, ARRAY_SIZE(rewrite_counters),
                         &rw->stats, s);
    ds_put_char(s, '\n');
}

/* Adds the rewriter's statistics for the COLO table to 'keys' and
 * 'values', from index '*n_stats' on (see colo_counters_to_db()). */
void
colo_rewriter_stats_to_db(const struct colo_rewriter *rw, const char *keys[],
                          int64_t values[], size_t *n_stats)
{
    colo_counters_to_db(rewrite_counters, ARRAY_SIZE(rewrite_counters),
                        &rw->stats, keys, values, n_stats);
    colo_stats_put(keys, values, n_stats, "rewrite_conns",
                   hmap_count(&rw->conns));
}

/* Formats the connections 'rw' follows, a line each, for
 * colo/show-conns. */
void
colo_rewriter_format_conns(const struct colo_rewriter *rw, long long int now,
                           struct ds *s)
{
    const struct colo_rewrite_conn *conn;

    HMAP_FOR_EACH (conn, node, &rw->conns) {
        ds_put_cstr(s, "    ");
        colo_packet_key_format(&conn->key, s);
        if (conn->learned) {
            ds_put_format(s, " seq_offset=%"PRIu32, conn->seq_offset);
            if (conn->has_ts_offset) {
                ds_put_format(s, " ts_offset=%"PRIu32, conn->ts_offset);
            }
        } else {
            ds_put_cstr(s, " opening");
        }
        if (conn->guest_fin || conn->client_fin) {
            ds_put_cstr(s, " closing");
        }
        ds_put_format(s, " idle=%lldms\n", MAX(now - conn->used, 0));
    }
}
