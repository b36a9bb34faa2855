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
#include <stddef.h>
#include <stdint.h>
#include "colo/colo-stats.h"
#include "colo/colo-types.h"
#include "openvswitch/hmap.h"

struct dp_packet_batch;
struct ds;

/* Its counters (colo-stats.h). */
struct colo_rewrite_stats {
    COLO_REWRITE_COUNTERS(COLO_COUNTER_MEMBER)
};

/* The rewriter's part of an instance.  Nothing here locks: the instance
 * that owns it does (colo-instance.h). */
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

void colo_rewriter_stats_to_db(const struct colo_rewriter *,
                               const char *keys[], int64_t values[],
                               size_t *n_stats);

void colo_rewriter_batch(struct colo_rewriter *, enum colo_mode,
                         unsigned int max_conns, bool failed_over,
                         struct dp_packet_batch *);

#endif /* colo/colo-rewrite.h */
