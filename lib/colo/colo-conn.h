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
 * TCP is compared as a byte stream in the primary's sequence space (the
 * secondary's rewriter moves the SVM's sequence numbers there once the
 * handshake is over); the handshake's SYN segments are matched by their
 * flags.  Every other stream is compared packet by packet, oldest primary
 * against oldest secondary.
 *
 * Nothing here locks: the instance that owns the connection does
 * (colo-instance.h).  Secondary packets that have served their purpose are
 * moved to a 'dropped' list that the caller frees and counts. */

#include <stdbool.h>
#include <stdint.h>
#include "colo/colo.h"
#include "colo/colo-packet.h"
#include "ct-dpif.h"
#include "openvswitch/hmap.h"
#include "openvswitch/list.h"

struct colo_release;
struct dp_packet;
struct ds;

/* A packet held by the compare. */
struct colo_held {
    struct ovs_list node;           /* In a colo_conn's queue, or a list of
                                     * packets to release or drop. */
    struct dp_packet *packet;
    struct colo_release *release;   /* Primary: how it leaves. */
    long long int arrival;          /* time_msec() when it came in. */
    uint64_t order;                 /* Arrival order in the instance. */
    bool matched;                   /* Datagram: the secondary sent it. */
    struct colo_packet view;
};

/* The comparison of one TCP connection.  Positions are in the primary's
 * sequence space. */
struct colo_tcp {
    bool synced;                /* 'next' is known. */
    bool syn_pending;           /* A primary SYN waits for the secondary's. */
    bool syn_matched;           /* The handshake matched. */
    uint32_t syn_seq;           /* The primary's ISN, once it sent SYN. */
    uint32_t s_syn_seq;         /* The secondary's ISN, once matched. */
    uint32_t next;              /* Everything before it matched. */

    /* While one side lacks the bytes at 'next' (lost on its way to the
     * compare), both sides' bytes from 'ahead_start' to 'ahead' matched:
     * the primary's segments there may leave (colo-conn.c, "Past a
     * hole"). */
    bool ahead_valid;
    uint32_t ahead_start;
    uint32_t ahead;

    bool s_ack_valid;
    uint32_t s_ack;             /* Highest ack the secondary sent. */
    bool s_rst;
    uint32_t s_rst_seq;         /* Where the secondary sent RST. */

    bool p_seen;
    uint32_t p_end;             /* Highest end of a primary segment. */
    bool p_ack_valid;
    uint32_t p_ack;             /* Highest ack the primary sent. */

    bool ts_sent_valid;
    uint32_t ts_sent;           /* Highest TSval sent on to the client. */
};

struct colo_conn {
    struct hmap_node node;          /* In the instance's 'conns'. */
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
                                     * checkpoint. */

    /* conntrack's view of the connection, learned from the primary's
     * packets (the secondary's do not go through ct()). */
    bool ct_known;
    uint16_t ct_zone;
    struct ct_dpif_tuple ct_tuple;
    const void *owner;              /* The datapath whose conntrack it is. */

    struct colo_tcp tcp;
};

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
bool colo_conn_is_empty(const struct colo_conn *);
void colo_conn_format(const struct colo_conn *, long long int now,
                      struct ds *);

#endif /* colo/colo-conn.h */
