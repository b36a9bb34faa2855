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

#ifndef COLO_COLO_TCP_H
#define COLO_COLO_TCP_H 1

/* The TCP stream compare: one connection's two byte streams, compared in
 * the primary's sequence space (the secondary's rewriter moves the SVM's
 * sequence numbers there once the handshake is over).  The handshake's SYN
 * segments are matched by their flags; different segmentation,
 * retransmissions, windows and options do not matter; payload bytes and
 * the positions of SYN, FIN and RST do.  Also here: the bytes compared
 * past a hole, a held segment superseded by its retransmission, the
 * secondary's duplicate acks sent on in the primary's place, and
 * timestamps that never go back.
 *
 * colo-conn.c calls in here for each TCP packet; this file works on the
 * connection's queues (colo-conn.h) and its 'struct colo_tcp'. */

#include <stdbool.h>
#include <stdint.h>
#include "colo/colo-types.h"

struct colo_conn;
struct colo_held;
struct ds;
struct ovs_list;

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
     * the primary's segments there may leave (colo-tcp.c, "Past a
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

    /* The primary's position and ack ('p_*') at the last checkpoint
     * barrier: where the comparison restarts once the checkpoint that the
     * barrier began is done. */
    bool bar_p_seen;
    uint32_t bar_p_end;
    bool bar_p_ack_valid;
    uint32_t bar_p_ack;
    bool bar_s_ack_valid;
    uint32_t bar_s_ack;         /* Highest ack the secondary sent since. */
};

enum colo_reason colo_tcp_add_primary(struct colo_conn *, struct colo_held *,
                                      struct ovs_list *dropped);
enum colo_reason colo_tcp_add_secondary(struct colo_conn *,
                                        struct colo_held *,
                                        struct ovs_list *dropped,
                                        struct ovs_list *forward);
void colo_tcp_note_primary(struct colo_tcp *, const struct colo_held *);
struct colo_held *colo_tcp_supersede(struct colo_conn *, struct colo_held *);

bool colo_tcp_can_release(const struct colo_tcp *, const struct colo_held *);
bool colo_tcp_has_matched_ahead(const struct colo_tcp *);
bool colo_tcp_may_leave_ahead(const struct colo_tcp *,
                              const struct colo_held *);
void colo_tcp_release(struct colo_tcp *, struct colo_held *);
void colo_tcp_stamp_leaving(struct colo_tcp *, struct colo_held *);
void colo_tcp_restart(struct colo_tcp *);
void colo_tcp_mark_barrier(struct colo_tcp *);
enum colo_reason colo_tcp_restart_at_barrier(struct colo_conn *,
                                             struct ovs_list *dropped);

void colo_tcp_format(const struct colo_conn *, struct ds *);

#endif /* colo/colo-tcp.h */
