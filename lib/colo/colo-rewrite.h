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

#ifndef COLO_COLO_REWRITE_H
#define COLO_COLO_REWRITE_H 1

/* The rewriter (QEMU's filter-rewriter) on the secondary host: it keeps the
 * SVM's TCP connections in step with the PVM's, whose sequence numbers and
 * timestamps the client sees.
 *
 * Per connection, it learns on the handshake the offset between the SVM's
 * initial sequence number and the PVM's (and between their timestamp
 * clocks), both when the guest accepts a connection and when it opens one.
 * Packets to the guest get ack, SACK block edges and the echoed timestamp
 * moved into the SVM's space; packets from the guest get seq and their
 * timestamp moved into the PVM's, where the compare on the primary host
 * expects them.  A connection's state ends with a RST the SVM acts on, or
 * once both FINs are acknowledged; it is bounded by the instance's
 * max_conns, expires when idle, and is dropped at checkpoint-done, when
 * every offset becomes 0. */

#include <stdbool.h>
#include <stdint.h>
#include "colo/colo.h"
#include "openvswitch/hmap.h"

struct colo_instance;
struct colo_odp_action;
struct dp_packet_batch;
struct ds;

struct colo_rewrite_stats {
    uint64_t rewritten;         /* Packets changed. */
    uint64_t learned;           /* Offsets learned on a handshake. */
    uint64_t closed;            /* Connections ended by FIN or RST. */
    uint64_t expired;           /* Connections forgotten when idle. */
    uint64_t limit_hits;        /* Connections not tracked: max_conns. */
    uint64_t untracked;         /* TCP packets of no known connection,
                                 * passed as they came. */
    uint64_t malformed;         /* Frames that failed to parse, passed as
                                 * they came. */
    uint64_t bad_options;       /* Options cut short by a bad length. */
};

/* The rewriter's part of an instance, guarded by the instance's mutex. */
struct colo_rewriter {
    struct hmap conns;          /* struct colo_rewrite_conn, by key. */
    struct colo_rewrite_stats stats;
};

void colo_rewriter_init(struct colo_rewriter *);
void colo_rewriter_checkpoint_done(struct colo_rewriter *);
void colo_rewriter_expire(struct colo_rewriter *, long long int now,
                          unsigned int idle_timeout);
void colo_rewriter_format(const struct colo_rewriter *, struct ds *);
void colo_rewriter_format_conns(const struct colo_rewriter *,
                                long long int now, struct ds *);

void colo_rewrite_batch(struct colo_instance *, enum colo_mode,
                        struct dp_packet_batch *);
void colo_rewrite_execute(const struct colo_odp_action *,
                          struct dp_packet_batch *, bool should_steal);

#endif /* colo/colo-rewrite.h */
