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

/* The TCP stream compare (colo-tcp.h). */

#include <config.h>
#include "colo/colo-tcp.h"

#include <string.h>
#include "colo/colo-conn.h"
#include "colo/colo-held.h"
#include "colo/colo-segment.h"
#include "coverage.h"
#include "dp-packet.h"
#include "openvswitch/dynamic-string.h"
#include "packets.h"
#include "util.h"

COVERAGE_DEFINE(colo_released_past_hole);

static bool
has_flag(const struct colo_held *h, uint16_t flag)
{
    return (h->view.tcp_flags & flag) != 0;
}

/* Where a segment's payload starts and ends, and where the sequence space
 * it takes (SYN and FIN count one each) ends. */
static uint32_t
data_start(const struct colo_held *h)
{
    return h->view.seq + has_flag(h, TCP_SYN);
}

static uint32_t
data_end(const struct colo_held *h)
{
    return data_start(h) + h->view.payload_len;
}

static uint32_t
segment_end(const struct colo_held *h)
{
    return data_end(h) + has_flag(h, TCP_FIN);
}

/* Whether 'h' holds sequence number 'x' (its SYN and FIN included).  In
 * unsigned arithmetic: colo_seq_lt() cannot order two numbers 2**31 apart,
 * and a guest may send such numbers; the offset of 'x' into 'h' must stay
 * within it. */
static bool
segment_holds(const struct colo_held *h, uint32_t x)
{
    return x - h->view.seq < segment_end(h) - h->view.seq;
}

/* Whether the payload of 'h' holds sequence number 'x'. */
static bool
data_holds(const struct colo_held *h, uint32_t x)
{
    return x - data_start(h) < h->view.payload_len;
}

static const uint8_t *
payload(const struct colo_held *h)
{
    return (const uint8_t *) dp_packet_data(h->packet) + h->view.payload_ofs;
}

/* Inserts 'held' among the secondary's segments in sequence order.  They
 * mostly come in order, so the search starts from the back. */
static void
insert_secondary_in_order(struct colo_conn *conn, struct colo_held *held)
{
    struct ovs_list *pos = &conn->secondary;

    while (pos->prev != &conn->secondary) {
        struct colo_held *prev = CONTAINER_OF(pos->prev, struct colo_held,
                                              node);

        if (colo_seq_le(prev->view.seq, held->view.seq)) {
            break;
        }
        pos = pos->prev;
    }
    ovs_list_insert(pos, &held->node);
    conn->n_secondary++;
}

void
colo_tcp_note_primary(struct colo_tcp *tcp, const struct colo_held *h)
{
    colo_seq_advance(&tcp->p_seen, &tcp->p_end, segment_end(h));
    if (has_flag(h, TCP_ACK)) {
        colo_seq_advance(&tcp->p_ack_valid, &tcp->p_ack, h->view.ack);
    }
}

static struct colo_held *
first_syn(const struct ovs_list *queue)
{
    struct colo_held *h;

    LIST_FOR_EACH (h, node, queue) {
        if (has_flag(h, TCP_SYN)) {
            return h;
        }
    }
    return NULL;
}

/* Matches the handshake: the primary's SYN (or SYN-ACK) against the
 * secondary's, whose sequence number the rewriter cannot have shifted yet,
 * so the two are matched by their flags and payload. */
/* Whether 'h', a secondary SYN, is the one the handshake matched (sent
 * again).  Any other belongs to a new handshake on the 4-tuple (reused, or
 * under way across a checkpoint) that the primary's SYN will start. */
static bool
tcp_is_matched_syn(const struct colo_tcp *tcp, const struct colo_held *h)
{
    return tcp->syn_matched && h->view.seq == tcp->s_syn_seq;
}

static enum colo_reason
tcp_match_syn(struct colo_conn *conn, struct ovs_list *dropped)
{
    const uint16_t flags = TCP_SYN | TCP_ACK | TCP_FIN | TCP_RST;
    struct colo_held *p = first_syn(&conn->primary);
    struct colo_held *s = first_syn(&conn->secondary);

    if (!p || !s) {
        return COLO_REASON_NONE;
    } else if ((p->view.tcp_flags & flags) != (s->view.tcp_flags & flags)) {
        return COLO_REASON_TCP_FLAGS;
    } else if (p->view.payload_len != s->view.payload_len
               || memcmp(payload(p), payload(s), p->view.payload_len)) {
        return COLO_REASON_PAYLOAD;
    }

    /* The primary's SYN may have started the connection over after the
     * secondary's SYN-ACK came (tcp_forget()): its ack counts again, if it
     * acknowledges the same client SYN (not one of an older connection on
     * the same 4-tuple). */
    if (has_flag(s, TCP_ACK) && s->view.ack == p->view.ack) {
        colo_seq_advance(&conn->tcp.s_ack_valid, &conn->tcp.s_ack,
                         s->view.ack);
    }
    conn->tcp.s_syn_seq = s->view.seq;
    colo_conn_drop_secondary(conn, s, dropped);
    conn->tcp.syn_pending = false;
    conn->tcp.syn_matched = true;
    conn->tcp.syn_seq = p->view.seq;
    conn->tcp.synced = true;
    conn->tcp.next = segment_end(p);
    return COLO_REASON_NONE;
}

/* Returns the secondary's segment that holds sequence number 'next', after
 * dropping those that lie wholly before it (compared already, or
 * retransmitted).  The SYN of a new handshake stays, for the primary's. */
static struct colo_held *
tcp_secondary_at(struct colo_conn *conn, uint32_t next,
                 struct ovs_list *dropped)
{
    struct colo_held *s;

    LIST_FOR_EACH_SAFE (s, node, &conn->secondary) {
        if (has_flag(s, TCP_SYN)) {
            if (tcp_is_matched_syn(&conn->tcp, s)) {
                colo_conn_drop_secondary(conn, s, dropped);
            }
        } else if (colo_seq_le(segment_end(s), next)) {
            colo_conn_drop_secondary(conn, s, dropped);
        } else {
            return segment_holds(s, next) ? s : NULL;
        }
    }
    return NULL;
}

/* Returns the primary's held segment that holds sequence number 'next'. */
static struct colo_held *
tcp_primary_at(const struct colo_conn *conn, uint32_t next)
{
    struct colo_held *p;

    LIST_FOR_EACH (p, node, &conn->primary) {
        if (!has_flag(p, TCP_SYN | TCP_RST) && segment_holds(p, next)) {
            return p;
        }
    }
    return NULL;
}

/* Past a hole.
 *
 * A segment lost on its way to the compare, from either guest, leaves a
 * hole at 'next' that only that guest's retransmission fills.  Were the
 * primary's later segments to wait behind it, the client would get nothing
 * more and would have nothing to acknowledge selectively: the guest would
 * learn of its loss only from its retransmission timer, which the holding
 * has stretched (it inflates the guests' round-trip estimates).  So the
 * bytes past the hole are compared as both sides bring them, and the
 * primary's segments that lie wholly in what matched there leave at once.
 * The client sees an ordinary loss: its SACK blocks, which reach both
 * guests, get the missing segment sent again within a round trip.  What
 * leaves has still matched, byte for byte.
 *
 * One range is kept, from the first position past the hole that both sides
 * hold: what lies past a second hole waits for the first to fill. */

/* Sets '*pos' to the lowest position from 'next' on that a data segment on
 * 'queue' holds.  Returns false if there is none. */
static bool
first_data_from(const struct ovs_list *queue, uint32_t next, uint32_t *pos)
{
    const struct colo_held *h;
    bool found = false;

    LIST_FOR_EACH (h, node, queue) {
        if (!has_flag(h, TCP_SYN | TCP_RST) && h->view.payload_len
            && colo_seq_lt(next, data_end(h))) {
            uint32_t start = (colo_seq_lt(next, data_start(h))
                              ? data_start(h) : next);

            if (!found || colo_seq_lt(start, *pos)) {
                *pos = start;
                found = true;
            }
        }
    }
    return found;
}

/* Returns a segment on 'queue' whose payload holds 'x', or NULL.  The
 * newest segments are the likeliest, so the search starts from the back. */
static struct colo_held *
data_segment_at(const struct ovs_list *queue, uint32_t x)
{
    struct colo_held *h;

    LIST_FOR_EACH_REVERSE (h, node, queue) {
        if (!has_flag(h, TCP_SYN | TCP_RST) && data_holds(h, x)) {
            return h;
        }
    }
    return NULL;
}

/* Sets '*start' to the first position past the hole at 'next' where both
 * sides hold data: past the hole, each side may lack segments of its own.
 * Returns false if there is none, or if both hold 'next' (no hole: a flag
 * stops 'next'). */
static bool
tcp_first_common_data(const struct colo_conn *conn, uint32_t *start)
{
    uint32_t from = conn->tcp.next;

    for (;;) {
        uint32_t p_from, s_from;

        if (!first_data_from(&conn->secondary, from, &s_from)
            || !first_data_from(&conn->primary, from, &p_from)) {
            return false;
        } else if (p_from == s_from) {
            *start = p_from;
            return p_from != conn->tcp.next;
        }
        from = colo_seq_lt(p_from, s_from) ? s_from : p_from;
    }
}

/* Compares past the hole at 'next', from where the range ends (or starts,
 * the first time), for as long as both sides have bytes.  The secondary's
 * segments that the range covers go to 'dropped': nothing compares them
 * again, and while the primary holds the segment at the hole nothing else
 * bounds the secondary's queue (the bounds are for packets that wait). */
static enum colo_reason
tcp_match_ahead(struct colo_conn *conn, struct ovs_list *dropped)
{
    struct colo_tcp *tcp = &conn->tcp;

    if (!tcp->ahead_valid) {
        uint32_t start;

        /* The cheap test first: this runs for each packet while both
         * sides hold some, and the primary's queue may be long with acks
         * that wait for the secondary's (an upload). */
        if (!colo_seq_lt(tcp->next, tcp->p_end)
            || !tcp_first_common_data(conn, &start)) {
            return COLO_REASON_NONE;
        }
        tcp->ahead_start = tcp->ahead = start;
    }

    for (;;) {
        struct colo_held *p = data_segment_at(&conn->primary, tcp->ahead);
        struct colo_held *s = (p ? data_segment_at(&conn->secondary,
                                                   tcp->ahead)
                               : NULL);
        if (!s) {
            break;
        }

        uint32_t n = MIN(data_end(p) - tcp->ahead, data_end(s) - tcp->ahead);
        if (memcmp(payload(p) + (tcp->ahead - data_start(p)),
                   payload(s) + (tcp->ahead - data_start(s)), n)) {
            return COLO_REASON_PAYLOAD;
        }
        tcp->ahead += n;
        if (!has_flag(s, TCP_FIN)
            && !colo_seq_lt(data_start(s), tcp->ahead_start)
            && colo_seq_le(data_end(s), tcp->ahead)) {
            colo_conn_drop_secondary(conn, s, dropped);
        }
    }
    tcp->ahead_valid = tcp->ahead != tcp->ahead_start;
    return COLO_REASON_NONE;
}

/* Once 'next' reaches the range past the hole, it moves over what matched
 * there. */
static void
tcp_skip_matched_ahead(struct colo_tcp *tcp)
{
    if (tcp->ahead_valid && colo_seq_le(tcp->ahead_start, tcp->next)) {
        if (colo_seq_lt(tcp->next, tcp->ahead)) {
            tcp->next = tcp->ahead;
        }
        tcp->ahead_valid = false;
    }
}

/* Whether all that 'h', a primary segment, carries matched past the hole.
 * Only data: a FIN keeps its place in the stream. */
static bool
tcp_matched_ahead(const struct colo_tcp *tcp, const struct colo_held *h)
{
    uint32_t range = tcp->ahead - tcp->ahead_start;

    return (tcp->ahead_valid && h->view.payload_len
            && !has_flag(h, TCP_SYN | TCP_FIN | TCP_RST)
            && data_start(h) - tcp->ahead_start < range
            && data_end(h) - tcp->ahead_start <= range);
}

/* Compares the two streams from the first unmatched position for as long as
 * both sides have bytes there.  A FIN is a position of its own: both sides
 * must put it at the same place. */
static enum colo_reason
tcp_advance(struct colo_conn *conn, struct ovs_list *dropped)
{
    struct colo_tcp *tcp = &conn->tcp;

    if (!tcp->synced || tcp->syn_pending) {
        return COLO_REASON_NONE;
    }

    for (;;) {
        tcp_skip_matched_ahead(tcp);

        struct colo_held *s = tcp_secondary_at(conn, tcp->next, dropped);
        struct colo_held *p = s ? tcp_primary_at(conn, tcp->next) : NULL;

        if (!p) {
            break;
        }

        bool p_data = data_holds(p, tcp->next);
        bool s_data = data_holds(s, tcp->next);
        if (p_data && s_data) {
            uint32_t n = MIN(data_end(p) - tcp->next,
                             data_end(s) - tcp->next);

            if (memcmp(payload(p) + (tcp->next - data_start(p)),
                       payload(s) + (tcp->next - data_start(s)), n)) {
                return COLO_REASON_PAYLOAD;
            }
            tcp->next += n;
        } else if (!p_data && !s_data) {
            tcp->next++;        /* Both FIN here. */
        } else {
            return COLO_REASON_TCP_FLAGS;
        }
    }

    /* Both sides hold bytes that wait, and one of them lacks 'next'.  If it
     * is the SVM, and the compare can ask it for them, the PVM's segments
     * past the hole wait for them rather than leave: the client would take
     * the hole for a loss of the PVM's, and the PVM would slow down. */
    if (conn->n_primary && conn->n_secondary
        && !(tcp->ask_secondary && tcp_primary_at(conn, tcp->next))) {
        enum colo_reason reason = tcp_match_ahead(conn, dropped);

        if (reason != COLO_REASON_NONE) {
            return reason;
        }
    }

    if (tcp->s_rst) {
        struct colo_held *p;

        LIST_FOR_EACH (p, node, &conn->primary) {
            if (has_flag(p, TCP_RST) && p->view.seq != tcp->s_rst_seq) {
                return COLO_REASON_TCP_FLAGS;
            }
        }
    }
    return COLO_REASON_NONE;
}

/* Starts 'conn' over for a new handshake: its positions and acks, and the
 * secondary's segments other than SYNs, belong to what came before. */
static void
tcp_forget(struct colo_conn *conn, struct ovs_list *dropped)
{
    struct colo_held *s;

    memset(&conn->tcp, 0, sizeof conn->tcp);
    LIST_FOR_EACH_SAFE (s, node, &conn->secondary) {
        if (!has_flag(s, TCP_SYN)) {
            colo_conn_drop_secondary(conn, s, dropped);
        }
    }
}

static enum colo_reason
tcp_compare(struct colo_conn *conn, struct ovs_list *dropped)
{
    enum colo_reason reason = COLO_REASON_NONE;

    if (conn->tcp.syn_pending) {
        reason = tcp_match_syn(conn, dropped);
    }
    return reason ? reason : tcp_advance(conn, dropped);
}

/* Moves 'h', just added, ahead of the primary's held segments if it may
 * leave at once.  Segments come from the PVM in order, so one that may
 * leave while older ones wait is a retransmission of bytes compared
 * already, or bytes that matched past a hole.  It must not wait behind
 * them: the client may need it to move on, and the older segments may wait
 * for a secondary segment lost on the way to the compare, which the SVM
 * sends again only once the client acks what it has; the two would wait
 * for each other until compare_timeout. */
static void
tcp_let_retransmission_pass(struct colo_conn *conn, struct colo_held *h)
{
    if (&h->node != ovs_list_front(&conn->primary)
        && colo_tcp_can_release(&conn->tcp, h)) {
        ovs_list_remove(&h->node);
        ovs_list_push_front(&conn->primary, &h->node);
    }
}

enum colo_reason
colo_tcp_add_primary(struct colo_conn *conn, struct colo_held *held,
                struct ovs_list *dropped)
{
    struct colo_tcp *tcp = &conn->tcp;

    colo_conn_push_primary(conn, held);
    if (has_flag(held, TCP_RST) && !tcp->synced
        && first_syn(&conn->secondary)) {
        return COLO_REASON_TCP_FLAGS;         /* A RST against a SYN. */
    } else if (has_flag(held, TCP_SYN)) {
        if (!(tcp->syn_pending || tcp->syn_matched)
            || held->view.seq != tcp->syn_seq) {
            /* A new handshake, not the retransmission of the one under
             * way or matched: nothing of what came before applies (the
             * 4-tuple may have been reused).  The old connection's packets
             * that still wait never matched. */
            tcp_forget(conn, dropped);
            tcp->syn_pending = true;
            tcp->syn_seq = held->view.seq;
            if (conn->n_primary > 1) {
                return COLO_REASON_TCP_FLAGS;
            }
        }
    } else if (!tcp->synced && !tcp->syn_pending) {
        /* A connection whose handshake was not seen: the first primary
         * segment sets the position. */
        tcp->synced = true;
        tcp->next = held->view.seq;
    }
    colo_tcp_note_primary(tcp, held);

    enum colo_reason reason = tcp_compare(conn, dropped);
    tcp_let_retransmission_pass(conn, held);
    return reason;
}

/* Returns the segment that 'conn' holds from the primary and that 'new', a
 * primary segment just come, carries again byte for byte, with the same
 * ack, or NULL.  Only a retransmission can: it ends no later than what the
 * primary sent before.  Segments that take no sequence space (pure acks,
 * window updates) are each the primary's word at their moment, never
 * copies. */
static struct colo_held *
tcp_held_copy(const struct colo_conn *conn, const struct colo_held *new)
{
    struct colo_held *h;

    if (!conn->tcp.p_seen || has_flag(new, TCP_SYN | TCP_RST)
        || segment_end(new) == new->view.seq
        || colo_seq_lt(conn->tcp.p_end, segment_end(new))) {
        return NULL;
    }
    LIST_FOR_EACH (h, node, &conn->primary) {
        if (h->view.seq == new->view.seq
            && h->view.ack == new->view.ack
            && h->view.tcp_flags == new->view.tcp_flags
            && h->view.payload_len == new->view.payload_len
            && !memcmp(payload(h), payload(new), new->view.payload_len)) {
            return h;
        }
    }
    return NULL;
}

/* When 'held', a TCP segment just come from the primary, is a copy of one
 * that 'conn' still holds, puts 'held' in that one's place and returns the
 * older copy, for the caller to free; otherwise returns NULL.
 *
 * The client gets one copy, the newer, as if the first had been lost on
 * the way: were both to leave, the client would report the second as a
 * duplicate (D-SACK), and its echo of the first one's timestamp would be
 * older than the retransmission.  Either tells the guests that they sent
 * again for nothing, and they undo their loss recovery; the bytes that the
 * secondary lacks would then come only at the next retransmission timeout,
 * one segment each time, ever later. */
struct colo_held *
colo_tcp_supersede(struct colo_conn *conn, struct colo_held *held)
{
    struct colo_held *older = tcp_held_copy(conn, held);

    if (older) {
        /* It waits since the first copy came. */
        held->arrival = older->arrival;
        held->order = older->order;
        ovs_list_replace(&held->node, &older->node);
        colo_tcp_note_primary(&conn->tcp, held);
        tcp_let_retransmission_pass(conn, held);
    }
    return older;
}

/* Keeps the timestamps that reach the client from going back in time.
 * Packets leave in an order the PVM did not send them in: a retransmission
 * ahead of segments that wait, the SVM's duplicate ack in the PVM's place.
 * A client drops a segment whose TSval is older than the newest it took
 * (PAWS, RFC 7323), data and the acks that would repair a loss alike; so
 * an older TSval leaves as the newest one sent.  The client echoes it, and
 * the guests take it for a slightly shorter round trip. */
void
colo_tcp_stamp_leaving(struct colo_tcp *tcp, struct colo_held *h)
{
    struct colo_segment seg;
    uint32_t tsval;

    colo_segment_init(&seg, h->packet, &h->view);
    if (!seg.ts) {
        return;
    }
    tsval = colo_segment_get32(&seg, seg.ts);
    if (tcp->ts_sent_valid && colo_seq_lt(tsval, tcp->ts_sent)) {
        colo_segment_put32(&seg, seg.ts, tcp->ts_sent);
    } else {
        tcp->ts_sent_valid = true;
        tcp->ts_sent = tsval;
    }
}

/* Whether 'h', a pure ACK from the secondary that repeats its last ack
 * ('dup_ack'), tells of client bytes lost on the secondary's path alone:
 * the primary has acknowledged more, and its acks wait for the
 * secondary's.  The client hears only the primary, so it would send those
 * bytes again only when its retransmission timer fires, once per hole,
 * with a checkpoint when that takes longer than compare_timeout.  The
 * secondary's duplicate ack, sent on in the primary's place, tells the
 * client at once, with its SACK blocks, what to send again, and
 * acknowledges nothing the secondary lacks.  Its window is the secondary's,
 * which the client may as well respect.  A duplicate ack that tells of
 * reordering, or a window update, goes on too: the client sees what it
 * would have seen from the secondary alone. */
static bool
tcp_is_secondary_loss(const struct colo_conn *conn, const struct colo_held *h,
                      bool dup_ack)
{
    const struct colo_tcp *tcp = &conn->tcp;

    return (dup_ack && conn->n_primary
            && tcp->synced && !tcp->syn_pending && tcp->p_ack_valid
            && colo_seq_lt(tcp->s_ack, tcp->p_ack)
            && !has_flag(h, TCP_SYN | TCP_FIN | TCP_RST)
            && !h->view.payload_len);
}

enum colo_reason
colo_tcp_add_secondary(struct colo_conn *conn, struct colo_held *held,
                  struct ovs_list *dropped, struct ovs_list *forward)
{
    struct colo_tcp *tcp = &conn->tcp;
    bool dup_ack = false;

    if (has_flag(held, TCP_ACK)) {
        dup_ack = tcp->s_ack_valid && held->view.ack == tcp->s_ack;
        colo_seq_advance(&tcp->s_ack_valid, &tcp->s_ack, held->view.ack);
        colo_seq_advance(&tcp->bar_s_ack_valid, &tcp->bar_s_ack,
                         held->view.ack);
    }

    if (has_flag(held, TCP_RST)) {
        tcp->s_rst = true;
        tcp->s_rst_seq = held->view.seq;
        ovs_list_push_back(dropped, &held->node);
        if (tcp->syn_pending) {
            return COLO_REASON_TCP_FLAGS;     /* A RST against a SYN. */
        }
    } else if (forward && tcp_is_secondary_loss(conn, held, dup_ack)) {
        colo_tcp_stamp_leaving(tcp, held);
        ovs_list_push_back(forward, &held->node);
    } else if (has_flag(held, TCP_SYN)
               ? tcp_is_matched_syn(tcp, held)
               : !held->view.payload_len && !has_flag(held, TCP_FIN)) {
        /* A matched SYN again, or a pure ACK: its ack is all it brings. */
        ovs_list_push_back(dropped, &held->node);
    } else if (!has_flag(held, TCP_SYN) && tcp->synced && !tcp->syn_pending
               && colo_seq_le(segment_end(held), tcp->next)) {
        /* Compared already: a retransmission. */
        ovs_list_push_back(dropped, &held->node);
    } else {
        insert_secondary_in_order(conn, held);
    }
    return tcp_compare(conn, dropped);
}

/* A primary segment may leave when everything it carries matched (before
 * 'next', or past a hole), and when its ack does not cover client bytes
 * that the secondary has not acknowledged: otherwise a failover could lose
 * data the client believes delivered. */
bool
colo_tcp_can_release(const struct colo_tcp *tcp, const struct colo_held *h)
{
    if (!tcp->synced || tcp->syn_pending) {
        return false;
    }
    if (has_flag(h, TCP_RST)) {
        if (!tcp->s_rst || tcp->s_rst_seq != h->view.seq) {
            return false;
        }
    } else if (colo_seq_lt(tcp->next, segment_end(h))
               && !tcp_matched_ahead(tcp, h)) {
        return false;
    }
    return !has_flag(h, TCP_ACK)
           || (tcp->s_ack_valid && colo_seq_le(h->view.ack, tcp->s_ack));
}

static void
tcp_restart_at(struct colo_tcp *tcp, bool p_seen, uint32_t p_end,
               bool p_ack_valid, uint32_t p_ack)
{
    tcp->synced = p_seen;
    tcp->syn_pending = false;
    tcp->next = p_end;
    tcp->s_ack_valid = p_ack_valid;
    tcp->s_ack = p_ack;
    tcp->s_rst = false;
    tcp->ahead_valid = false;
}

/* After a checkpoint the secondary is a copy of the primary: it has sent
 * and acknowledged what the primary had. */
void
colo_tcp_restart(struct colo_tcp *tcp)
{
    tcp_restart_at(tcp, tcp->p_seen, tcp->p_end, tcp->p_ack_valid,
                   tcp->p_ack);
}

/* A checkpoint begins: the secondary will be a copy of the primary as it
 * is now. */
void
colo_tcp_mark_barrier(struct colo_tcp *tcp)
{
    tcp->bar_p_seen = tcp->p_seen;
    tcp->bar_p_end = tcp->p_end;
    tcp->bar_p_ack_valid = tcp->p_ack_valid;
    tcp->bar_p_ack = tcp->p_ack;
    tcp->bar_s_ack_valid = false;
}

/* The checkpoint that the last barrier began is done, and 'conn' holds only
 * what came after the barrier: the secondary, a copy of the primary at the
 * barrier, goes on from there, and what both sent since is compared. */
enum colo_reason
colo_tcp_restart_at_barrier(struct colo_conn *conn, struct ovs_list *dropped)
{
    struct colo_tcp *tcp = &conn->tcp;

    tcp_restart_at(tcp, tcp->bar_p_seen, tcp->bar_p_end,
                   tcp->bar_p_ack_valid, tcp->bar_p_ack);
    /* What the secondary acknowledged after the barrier stands: the acks
     * it sent, pure ones included, are not sent again. */
    if (tcp->bar_s_ack_valid) {
        colo_seq_advance(&tcp->s_ack_valid, &tcp->s_ack, tcp->bar_s_ack);
    }
    return tcp_compare(conn, dropped);
}

/* A primary segment leaves because it matched: counts it if it matched
 * past a hole, and keeps its timestamp from going back. */
void
colo_tcp_release(struct colo_tcp *tcp, struct colo_held *h)
{
    if (colo_seq_lt(tcp->next, segment_end(h))
        && tcp_matched_ahead(tcp, h)) {
        COVERAGE_INC(colo_released_past_hole);
    }
    colo_tcp_stamp_leaving(tcp, h);
}

/* Whether 'tcp' has a range of bytes that matched past a hole. */
bool
colo_tcp_has_matched_ahead(const struct colo_tcp *tcp)
{
    return tcp->ahead_valid;
}

/* Whether 'h', a primary segment that is not the oldest held, may leave
 * now: all that it carries matched past the hole, and its ack does not
 * hold it back. */
bool
colo_tcp_may_leave_ahead(const struct colo_tcp *tcp,
                         const struct colo_held *h)
{
    return tcp_matched_ahead(tcp, h) && colo_tcp_can_release(tcp, h);
}

/* The repair of the secondary's losses (colo-repair.h). */

/* 's', a segment from the SVM, came: frees the client segments kept for
 * the SVM that its ack covers (into 'freed'), and puts in 'resend' those
 * it shows lost.  Returns true if the primary host has the bytes that its
 * ack asks for, and repairs the loss: the SVM's duplicate acks need not go
 * to the client. */
bool
colo_tcp_repair_secondary(struct colo_conn *conn, struct colo_held *s,
                          long long int now, struct ovs_list *resend,
                          struct ovs_list *freed)
{
    const struct colo_tcp *tcp = &conn->tcp;
    bool dup_ack;

    if (!conn->repair.n_kept || !has_flag(s, TCP_ACK)) {
        return false;
    }
    dup_ack = (tcp->s_ack_valid && s->view.ack == tcp->s_ack
               && !s->view.payload_len
               && !has_flag(s, TCP_SYN | TCP_FIN | TCP_RST));
    colo_repair_trim(&conn->repair, s->view.ack, freed);
    return colo_repair_resend(&conn->repair, s, dup_ack, now, resend);
}

/* Whether the SVM lacks bytes at the position, 'next', that the PVM
 * holds, while it sent bytes past them: a segment of the SVM's was lost on
 * its way to the compare.  Stores the position in '*next'. */
bool
colo_tcp_secondary_hole(const struct colo_conn *conn, uint32_t *next)
{
    const struct colo_tcp *tcp = &conn->tcp;
    const struct colo_held *s;

    if (!tcp->synced || tcp->syn_pending || !conn->n_secondary) {
        return false;
    }
    /* Runs for each packet: the constant-time test first, the walk of the
     * primary's queue only when the secondary's starts past 'next'. */
    s = CONTAINER_OF(ovs_list_front(&conn->secondary), struct colo_held,
                     node);
    *next = tcp->next;
    return (!has_flag(s, TCP_SYN) && colo_seq_lt(tcp->next, s->view.seq)
            && tcp_primary_at(conn, tcp->next));
}

/* Formats where the comparison of 'conn' stands: the first unmatched
 * position, where the first segment queued on each side starts, and the
 * highest ack of each side, which hold the primary's acks back.  A
 * connection that stalls shows here which side lacks what. */
void
colo_tcp_format(const struct colo_conn *conn, struct ds *s)
{
    const struct colo_tcp *tcp = &conn->tcp;
    const struct colo_held *h;

    ds_put_format(s, " next=%"PRIu32, tcp->next);
    if (conn->n_primary) {
        h = CONTAINER_OF(ovs_list_front(&conn->primary), struct colo_held,
                         node);
        ds_put_format(s, " primary_seq=%"PRIu32, h->view.seq);
    }
    if (conn->n_secondary) {
        h = CONTAINER_OF(ovs_list_front(&conn->secondary), struct colo_held,
                         node);
        ds_put_format(s, " secondary_seq=%"PRIu32, h->view.seq);
    }
    if (tcp->p_ack_valid) {
        ds_put_format(s, " primary_ack=%"PRIu32, tcp->p_ack);
    }
    if (tcp->s_ack_valid) {
        ds_put_format(s, " secondary_ack=%"PRIu32, tcp->s_ack);
    }
    if (tcp->ahead_valid) {
        ds_put_format(s, " matched_ahead=%"PRIu32"-%"PRIu32,
                      tcp->ahead_start, tcp->ahead);
    }
}
