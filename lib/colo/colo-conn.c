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

/* One compared connection (colo-conn.h): its queues, the packet-by-packet
 * comparison of datagrams and non-IP frames, and the release of what
 * matched.  TCP's byte-stream comparison is colo-tcp.c's. */

#include <config.h>
#include "colo/colo-conn.h"

#include <string.h>
#include "colo/colo-held.h"
#include "colo/colo-tcp.h"
#include "openvswitch/dynamic-string.h"
#include "util.h"

struct colo_conn *
colo_conn_create(const struct colo_packet_key *key,
                 enum colo_packet_kind kind)
{
    struct colo_conn *conn = xzalloc(sizeof *conn);

    conn->key = *key;
    conn->kind = kind;
    ovs_list_init(&conn->primary);
    ovs_list_init(&conn->secondary);
    return conn;
}

/* Frees 'conn', which must hold no packet. */
void
colo_conn_destroy(struct colo_conn *conn)
{
    if (conn) {
        ovs_assert(colo_conn_is_empty(conn));
        free(conn);
    }
}

bool
colo_conn_is_empty(const struct colo_conn *conn)
{
    return !conn->n_primary && !conn->n_secondary;
}

static struct colo_held *
pop_primary(struct colo_conn *conn)
{
    conn->n_primary--;
    return CONTAINER_OF(ovs_list_pop_front(&conn->primary),
                        struct colo_held, node);
}

/* Datagrams and non-IP frames. */

static enum colo_reason
datagram_match(struct colo_conn *conn, struct ovs_list *dropped)
{
    struct colo_held *p;

    LIST_FOR_EACH (p, node, &conn->primary) {
        if (p->matched) {
            continue;
        } else if (ovs_list_is_empty(&conn->secondary)) {
            break;
        }

        struct colo_held *s = CONTAINER_OF(ovs_list_front(&conn->secondary),
                                           struct colo_held, node);
        switch (colo_packet_compare(p->packet, &p->view,
                                    s->packet, &s->view)) {
        case COLO_PACKET_SAME:
            break;
        case COLO_PACKET_DIFF_LENGTH:
            return COLO_REASON_LENGTH;
        case COLO_PACKET_DIFF_CONTENT:
            return COLO_REASON_PAYLOAD;
        }
        p->matched = true;
        colo_conn_drop_secondary(conn, s, dropped);
    }
    return COLO_REASON_NONE;
}

/* If 'reason' says the two sides diverged, stops comparing 'conn' until the
 * next checkpoint, which restarts from the primary's position: the
 * secondary's packets are of no more use. */
static enum colo_reason
diverge_if(struct colo_conn *conn, enum colo_reason reason,
           struct ovs_list *dropped)
{
    if (reason != COLO_REASON_NONE) {
        conn->diverged = true;
        conn->reason = reason;
        ovs_list_push_back_all(dropped, &conn->secondary);
        conn->n_secondary = 0;
    }
    return reason;
}

/* When 'held', a TCP segment just come from the primary, is a copy of one
 * that 'conn' still holds, puts 'held' in that one's place and returns the
 * older copy, for the caller to free; otherwise returns NULL (see
 * colo_tcp_supersede()). */
struct colo_held *
colo_conn_supersede_primary(struct colo_conn *conn, struct colo_held *held)
{
    return (conn->kind == COLO_PACKET_TCP
            ? colo_tcp_supersede(conn, held)
            : NULL);
}

/* Adds a primary packet to 'conn', which takes it, and compares what can be
 * compared.  Returns the divergence found, if any; the connection then
 * holds its primary packets until colo_conn_flush(). */
enum colo_reason
colo_conn_add_primary(struct colo_conn *conn, struct colo_held *held,
                      struct ovs_list *dropped)
{
    enum colo_reason reason;

    if (conn->diverged) {
        /* Where the primary is matters for the next checkpoint. */
        if (conn->kind == COLO_PACKET_TCP) {
            colo_tcp_note_primary(&conn->tcp, held);
        }
        colo_conn_push_primary(conn, held);
        return COLO_REASON_NONE;
    } else if (conn->kind == COLO_PACKET_TCP) {
        reason = colo_tcp_add_primary(conn, held, dropped);
    } else {
        colo_conn_push_primary(conn, held);
        reason = datagram_match(conn, dropped);
    }
    return diverge_if(conn, reason, dropped);
}

/* Adds a secondary packet to 'conn', which keeps it until it has compared
 * it, or moves it to 'dropped', or to 'forward' if it must go on to the
 * client (see colo-tcp.c, tcp_is_secondary_loss()). */
enum colo_reason
colo_conn_add_secondary(struct colo_conn *conn, struct colo_held *held,
                        struct ovs_list *dropped, struct ovs_list *forward)
{
    enum colo_reason reason;

    if (conn->diverged) {
        ovs_list_push_back(dropped, &held->node);
        return COLO_REASON_NONE;
    } else if (conn->kind == COLO_PACKET_TCP) {
        reason = colo_tcp_add_secondary(conn, held, dropped, forward);
        if (reason != COLO_REASON_NONE) {
            /* The connection now waits for a checkpoint. */
            ovs_list_push_back_all(dropped, forward);
        }
    } else {
        ovs_list_push_back(&conn->secondary, &held->node);
        conn->n_secondary++;
        reason = datagram_match(conn, dropped);
    }
    return diverge_if(conn, reason, dropped);
}

/* The oldest primary packet 'conn' holds, or NULL. */
const struct colo_held *
colo_conn_first_primary(const struct colo_conn *conn)
{
    return (conn->n_primary
            ? CONTAINER_OF(ovs_list_front(&conn->primary),
                           struct colo_held, node)
            : NULL);
}

/* Removes the oldest primary packet from 'conn' as it leaves. */
static struct colo_held *
take_primary(struct colo_conn *conn)
{
    struct colo_held *held = pop_primary(conn);

    if (conn->kind == COLO_PACKET_TCP) {
        colo_tcp_stamp_leaving(&conn->tcp, held);
    }
    return held;
}

static bool
can_release(const struct colo_conn *conn, const struct colo_held *held)
{
    return (conn->kind == COLO_PACKET_TCP
            ? colo_tcp_can_release(&conn->tcp, held)
            : held->matched);
}

/* Moves 'h', a primary packet of 'conn' that may leave, to 'out'. */
static void
release_primary(struct colo_conn *conn, struct colo_held *h,
                struct ovs_list *out)
{
    if (conn->kind == COLO_PACKET_TCP) {
        colo_tcp_release(&conn->tcp, h);
    }
    ovs_list_remove(&h->node);
    conn->n_primary--;
    ovs_list_push_back(out, &h->node);
}

/* Moves to 'out' the primary packets that may leave, oldest first, up to
 * the first that may not: a connection's packets leave in the order they
 * came, but for TCP segments that matched past a hole, which leave ahead
 * of those that wait for it. */
void
colo_conn_take_releasable(struct colo_conn *conn, struct ovs_list *out)
{
    struct colo_held *h;

    while (!conn->diverged && conn->n_primary) {
        h = CONTAINER_OF(ovs_list_front(&conn->primary), struct colo_held,
                         node);
        if (!can_release(conn, h)) {
            break;
        }
        release_primary(conn, h, out);
    }
    if (!conn->diverged && conn->n_primary
        && colo_tcp_has_matched_ahead(&conn->tcp)) {
        LIST_FOR_EACH_SAFE (h, node, &conn->primary) {
            if (colo_tcp_may_leave_ahead(&conn->tcp, h)) {
                release_primary(conn, h, out);
            }
        }
    }
}

/* A checkpoint: moves every held primary packet to 'release', in order,
 * every secondary one to 'dropped', and starts comparing afresh. */
void
colo_conn_flush(struct colo_conn *conn, struct ovs_list *release,
                struct ovs_list *dropped)
{
    while (conn->n_primary) {
        ovs_list_push_back(release, &take_primary(conn)->node);
    }
    ovs_list_push_back_all(dropped, &conn->secondary);
    conn->n_secondary = 0;
    conn->diverged = false;
    conn->barrier = 0;
    colo_tcp_restart(&conn->tcp);
}

/* A checkpoint begins ('barrier' is its number): 'conn' notes where the
 * primary is, where the comparison restarts once it is done. */
void
colo_conn_mark_barrier(struct colo_conn *conn, uint64_t barrier)
{
    conn->barrier = barrier;
    if (conn->kind == COLO_PACKET_TCP) {
        colo_tcp_mark_barrier(&conn->tcp);
    }
}

/* The checkpoint begun by the last barrier that 'conn' saw is done: moves
 * the primary packets that came before the barrier (arrival order less
 * than 'order') to 'release', the secondary's to 'dropped', and compares
 * what came after it afresh, from the primary's position at the barrier.
 * Returns the divergence found there, if any. */
enum colo_reason
colo_conn_flush_before(struct colo_conn *conn, uint64_t order,
                       struct ovs_list *release, struct ovs_list *dropped)
{
    enum colo_reason reason;
    struct colo_held *h;

    LIST_FOR_EACH_SAFE (h, node, &conn->primary) {
        if (h->order < order) {
            if (conn->kind == COLO_PACKET_TCP) {
                colo_tcp_stamp_leaving(&conn->tcp, h);
            }
            ovs_list_remove(&h->node);
            conn->n_primary--;
            ovs_list_push_back(release, &h->node);
        }
    }
    LIST_FOR_EACH_SAFE (h, node, &conn->secondary) {
        if (h->order < order) {
            colo_conn_drop_secondary(conn, h, dropped);
        }
    }
    conn->diverged = false;
    conn->barrier = 0;

    if (conn->kind == COLO_PACKET_TCP) {
        reason = colo_tcp_restart_at_barrier(conn, dropped);
    } else {
        reason = datagram_match(conn, dropped);
    }
    return diverge_if(conn, reason, dropped);
}

/* Formats 'conn' on one line, without a new-line, for colo/show. */
void
colo_conn_format(const struct colo_conn *conn, long long int now,
                 struct ds *s)
{
    const struct colo_tcp *tcp = &conn->tcp;

    colo_packet_key_format(&conn->key, s);
    ds_put_format(s, " primary=%"PRIuSIZE" secondary=%"PRIuSIZE
                  " idle=%lldms", conn->n_primary, conn->n_secondary,
                  MAX(now - conn->used, 0));
    if (conn->kind == COLO_PACKET_TCP && tcp->synced) {
        colo_tcp_format(conn, s);
    }
    if (conn->diverged) {
        ds_put_cstr(s, " diverged");
    }
}
