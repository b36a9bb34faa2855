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

#ifndef COLO_COLO_CONN_H
#define COLO_COLO_CONN_H 1

/* One compared connection: the primary's and the secondary's packets of one
 * stream, held until they match, and the comparison of the two.
 *
 * TCP is compared as a byte stream (colo-tcp.h).  Every other stream is
 * compared here, packet by packet, oldest primary against oldest
 * secondary.
 *
 * Nothing here locks: the compare that owns the connection does
 * (colo-compare.h).  Secondary packets that have served their purpose are
 * moved to a 'dropped' list that the caller frees and counts. */

#include <stdbool.h>
#include <stdint.h>
#include "colo/colo-held.h"
#include "colo/colo-packet.h"
#include "colo/colo-tcp.h"
#include "colo/colo-types.h"
#include "ct-dpif.h"
#include "openvswitch/hmap.h"
#include "openvswitch/list.h"

struct ds;

struct colo_conn {
    struct hmap_node node;          /* In the compare's 'conns'. */
    struct colo_packet_key key;
    enum colo_packet_kind kind;

    struct ovs_list primary;        /* colo_held, in arrival order, but
                                     * for a TCP retransmission that may
                                     * leave at once. */
    struct ovs_list secondary;      /* colo_held; for TCP in sequence
                                     * order. */
    size_t n_primary;
    size_t n_secondary;
    long long int used;             /* time_msec() of the last packet. */
    bool diverged;                  /* Compare stopped until the next
                                     * checkpoint... */
    enum colo_reason reason;        /* ...for this reason. */
    uint64_t barrier;               /* The last checkpoint barrier it saw,
                                     * 0 if none. */

    /* conntrack's view of the connection, learned from the primary's
     * packets (the secondary's do not go through ct()). */
    bool ct_known;
    uint16_t ct_zone;
    struct ct_dpif_tuple ct_tuple;
    const void *owner;              /* The datapath whose conntrack it is. */

    struct colo_tcp tcp;
};

/* The queues, for colo-tcp.c. */
static inline void
colo_conn_push_primary(struct colo_conn *conn, struct colo_held *held)
{
    ovs_list_push_back(&conn->primary, &held->node);
    conn->n_primary++;
}

/* Moves 'held', a secondary packet that 'conn' holds, to 'dropped'. */
static inline void
colo_conn_drop_secondary(struct colo_conn *conn, struct colo_held *held,
                         struct ovs_list *dropped)
{
    ovs_list_remove(&held->node);
    conn->n_secondary--;
    ovs_list_push_back(dropped, &held->node);
}

struct colo_conn *colo_conn_create(const struct colo_packet_key *,
                                   enum colo_packet_kind);
void colo_conn_destroy(struct colo_conn *);

enum colo_reason colo_conn_add_primary(struct colo_conn *, struct colo_held *,
                                       struct ovs_list *dropped);
enum colo_reason colo_conn_add_secondary(struct colo_conn *,
                                         struct colo_held *,
                                         struct ovs_list *dropped,
                                         struct ovs_list *forward);
struct colo_held *colo_conn_supersede_primary(struct colo_conn *,
                                              struct colo_held *);
const struct colo_held *colo_conn_first_primary(const struct colo_conn *);
void colo_conn_take_releasable(struct colo_conn *, struct ovs_list *out);
void colo_conn_flush(struct colo_conn *, struct ovs_list *release,
                     struct ovs_list *dropped);
void colo_conn_mark_barrier(struct colo_conn *, uint64_t barrier);
enum colo_reason colo_conn_flush_before(struct colo_conn *, uint64_t order,
                                        struct ovs_list *release,
                                        struct ovs_list *dropped);
bool colo_conn_is_empty(const struct colo_conn *);
void colo_conn_format(const struct colo_conn *, long long int now,
                      struct ds *);

#endif /* colo/colo-conn.h */
