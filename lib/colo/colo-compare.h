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

#ifndef COLO_COLO_COMPARE_H
#define COLO_COLO_COMPARE_H 1

/* The compare engine (QEMU's colo-compare): one instance's primary packets
 * held until the secondary has sent the same bytes, released in order, and
 * checkpoint requests when the two diverge.
 *
 * A struct colo_compare is embedded in its instance (colo-instance.h) and
 * owns everything the comparison needs: the connections and the packets
 * they hold, the packets on their way out, the release actions they use,
 * the last checkpoint request, and the counters.  The instance hands it
 * its options and tells it of checkpoints and failover.
 *
 * Locking: 'mutex' protects everything marked OVS_GUARDED.  It is taken
 * after the instance's mutex, if both are, and is never held while packets
 * are output or conntrack is called. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "colo/colo-packet.h"
#include "colo/colo-release.h"
#include "colo/colo-stats.h"
#include "colo/colo-types.h"
#include "openvswitch/hmap.h"
#include "openvswitch/list.h"
#include "openvswitch/thread.h"

struct colo_odp_action;
struct dp_packet_batch;
struct ds;
struct seq;

/* How colo/show and the COLO table print a request's time: UTC, to the
 * millisecond. */
#define COLO_TIME_FORMAT "%Y-%m-%dT%H:%M:%S.###Z"

/* The last checkpoint request. */
struct colo_request {
    uint64_t seqno;             /* 0 if none yet, then 1, 2, ... */
    enum colo_reason reason;
    bool has_key;
    struct colo_packet_key key; /* The connection, if 'has_key'. */
    long long int time;         /* time_wall_msec(). */
};

/* The compare's counters (colo-stats.h). */
struct colo_compare_stats {
    COLO_PACKET_COUNTERS(COLO_COUNTER_MEMBER)
    COLO_CHECKPOINT_COUNTERS(COLO_COUNTER_MEMBER)
    COLO_REPAIR_COUNTERS(COLO_COUNTER_MEMBER)
    uint64_t divergences[COLO_N_REASONS];      /* Requests by reason, those
                                                * coalesced too. */
};

struct colo_compare {
    uint32_t id;                /* The instance's, for the log. */
    struct seq *status_seq;     /* Changed with each new request. */

    struct ovs_mutex mutex;
    struct colo_options options OVS_GUARDED;   /* The instance's. */
    bool pass_through OVS_GUARDED;      /* Primary packets leave
                                         * uncompared, the secondary's are
                                         * dropped, no request is raised:
                                         * failed over, or unconfigured. */
    struct colo_request request OVS_GUARDED;
    bool requested OVS_GUARDED;         /* 'request' waits for
                                         * checkpoint-done. */
    struct colo_compare_stats stats OVS_GUARDED;

    struct hmap conns OVS_GUARDED;      /* colo_conn, by key. */
    size_t n_held OVS_GUARDED;          /* In 'conns', both sides. */
    size_t n_kept OVS_GUARDED;          /* Client segments kept for the
                                         * secondary (colo-repair.h). */
    uint64_t n_arrived OVS_GUARDED;     /* Packets that came in, ever. */

    /* The checkpoint barrier that waits for its checkpoint-done: its
     * number (0 if none) and 'n_arrived' when it was set.  Barriers are
     * numbered from 1 by 'n_barriers'. */
    uint64_t barrier OVS_GUARDED;
    uint64_t barrier_order OVS_GUARDED;
    uint64_t n_barriers OVS_GUARDED;
    struct colo_release_set releases OVS_GUARDED;

    /* Released packets on their way out, in order.  Every release goes
     * through this list, and one thread at a time ('releasing') sends
     * from it, so that no packet overtakes another: the thread that
     * released them, another that finds them here, or the datapath's
     * non-PMD context (colo_run()) for those released by checkpoint-done
     * and failover. */
    struct ovs_list pending OVS_GUARDED;
    size_t n_pending OVS_GUARDED;
    bool releasing OVS_GUARDED;
    long long int next_scan OVS_GUARDED;
    long long int next_retry OVS_GUARDED;       /* colo-repair.h. */
};

/* Changes whenever released packets wait for colo_run(). */
extern struct seq *colo_deferred_seq;

void colo_compare_module_init(void);

void colo_compare_init(struct colo_compare *cmp, uint32_t id,
                       struct seq *status_seq, const struct colo_options *);
void colo_compare_set_options(struct colo_compare *cmp,
                              const struct colo_options *)
    OVS_EXCLUDED(cmp->mutex);

void colo_compare_input(struct colo_compare *cmp, const struct colo_datapath *,
                        const struct colo_odp_action *,
                        struct dp_packet_batch *, bool should_steal)
    OVS_EXCLUDED(cmp->mutex);
void colo_compare_mirrored(struct colo_compare *cmp,
                           const struct colo_datapath *,
                           const struct colo_odp_action *,
                           const struct dp_packet_batch *)
    OVS_EXCLUDED(cmp->mutex);
size_t colo_compare_run(struct colo_compare *cmp, const struct colo_datapath *,
                        long long int now, long long int *next_scan,
                        bool *scanned)
    OVS_EXCLUDED(cmp->mutex);

void colo_compare_checkpoint_done(struct colo_compare *cmp)
    OVS_EXCLUDED(cmp->mutex);
uint64_t colo_compare_checkpoint_barrier(struct colo_compare *cmp)
    OVS_EXCLUDED(cmp->mutex);
bool colo_compare_checkpoint_done_at(struct colo_compare *cmp,
                                     uint64_t barrier)
    OVS_EXCLUDED(cmp->mutex);
void colo_compare_set_pass_through(struct colo_compare *, bool)
    OVS_EXCLUDED(cmp->mutex);
void colo_compare_failover(struct colo_compare *cmp)
    OVS_EXCLUDED(cmp->mutex);
void colo_compare_reset(struct colo_compare *cmp)
    OVS_EXCLUDED(cmp->mutex);

bool colo_compare_get_request(struct colo_compare *cmp, struct colo_request *)
    OVS_EXCLUDED(cmp->mutex);
size_t colo_compare_count_primary_held(const struct colo_compare *cmp)
    OVS_REQUIRES(cmp->mutex);

void colo_request_format(const struct colo_request *, struct ds *);
void colo_compare_format_now(struct colo_compare *cmp, struct ds *)
    OVS_REQUIRES(cmp->mutex);
void colo_compare_format_stats(struct colo_compare *cmp, struct ds *)
    OVS_REQUIRES(cmp->mutex);
void colo_compare_format_conns(struct colo_compare *cmp, size_t max,
                               struct ds *)
    OVS_REQUIRES(cmp->mutex);
void colo_compare_stats_to_db(struct colo_compare *cmp, const char *keys[],
                              int64_t values[], size_t *n_stats)
    OVS_REQUIRES(cmp->mutex);

#endif /* colo/colo-compare.h */
