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

#ifndef COLO_COLO_STATS_H
#define COLO_COLO_STATS_H 1

/* COLO's counters, each written once here: the structs that hold them,
 * their names in colo/show and their keys in the COLO table's statistics
 * column are all generated from these lists.
 *
 * Each entry is C(MEMBER, SHOW, DB): the struct member, its name in
 * colo/show, and its key in the COLO table's statistics (NULL if it is
 * not written there).  The order is colo/show's. */

#include <stddef.h>
#include <stdint.h>

struct ds;

/* The compare's packets.  Every primary packet that comes in is released,
 * dropped, superseded or held: primary_received = released +
 * primary_dropped + primary_superseded + primary_held (colo/show's "now:"
 * line). */
#define COLO_PACKET_COUNTERS(C)                                         \
    /* Primary packets taken in. */                                     \
    C(primary_received, "primary_received", "primary_received")         \
    /* Primary packets released after matching the secondary's. */      \
    C(compared, "compared", "compared")                                 \
    /* Primary packets released, in all. */                             \
    C(released, "released", "released")                                 \
    /* Released without compare (failed over, malformed, over           \
     * max_conns). */                                                   \
    C(uncompared, "uncompared", "uncompared")                           \
    /* Over max_queue_size or max_held. */                              \
    C(primary_dropped, "primary_dropped", "primary_dropped")            \
    /* Held, then replaced by the primary's newer copy, which leaves     \
     * instead. */                                                      \
    C(primary_superseded, "primary_superseded", "primary_superseded")   \
    /* Secondary packets done with. */                                  \
    C(secondary_dropped, "secondary_dropped", "secondary_dropped")      \
    /* Frames that failed to parse. */                                  \
    C(malformed, "malformed", "malformed")

/* The compare's checkpoints. */
#define COLO_CHECKPOINT_COUNTERS(C)                                     \
    /* Checkpoint requests raised... */                                 \
    C(requests, "requests", "requests")                                 \
    /* ...and those folded into a pending one. */                       \
    C(coalesced, "coalesced", "coalesced")                              \
    /* checkpoint-done received. */                                     \
    C(checkpoints, "done", "checkpoints")                               \
    /* Checkpoint barriers set. */                                      \
    C(barriers, "barriers", "barriers")

/* The rewriter's. */
#define COLO_REWRITE_COUNTERS(C)                                        \
    /* Packets changed. */                                              \
    C(rewritten, "rewritten", "rewritten")                              \
    /* Offsets learned on a handshake. */                               \
    C(learned, "learned", "rewrite_learned")                            \
    /* Connections ended by FIN or RST. */                              \
    C(closed, "closed", NULL)                                           \
    /* Connections forgotten when idle. */                              \
    C(expired, "expired", NULL)                                         \
    /* Connections not tracked: max_conns. */                           \
    C(limit_hits, "limit_hits", NULL)                                   \
    /* TCP packets of no known connection, passed as they came. */      \
    C(untracked, "untracked", NULL)                                     \
    /* Frames that failed to parse, passed as they came. */             \
    C(malformed, "bad_frames", NULL)                                    \
    /* Options cut short by a bad length. */                            \
    C(bad_options, "bad_options", NULL)

/* Declares a counter's member, in a struct that a list generates. */
#define COLO_COUNTER_MEMBER(MEMBER, SHOW, DB) uint64_t MEMBER;

/* A counter as the generic code below sees it. */
struct colo_counter {
    const char *show;           /* Its name in colo/show. */
    const char *db;             /* Its key in the COLO table, or NULL. */
    size_t offset;              /* Of its uint64_t in its struct. */
};

/* The number of counters in all the lists above. */
#define COLO_COUNTER_ONE(MEMBER, SHOW, DB) + 1
#define COLO_N_COUNTERS (0 COLO_PACKET_COUNTERS(COLO_COUNTER_ONE)        \
                         COLO_CHECKPOINT_COUNTERS(COLO_COUNTER_ONE)     \
                         COLO_REWRITE_COUNTERS(COLO_COUNTER_ONE))

/* Puts " SHOW=value" for each of the 'n' counters in 'counters', read from
 * 'stats'. */
void colo_counters_format(const struct colo_counter *counters, size_t n,
                          const void *stats, struct ds *);

/* Puts 'key' and 'value' at index '*n_stats' of 'keys' and 'values', and
 * advances '*n_stats'.  A value over INT64_MAX is written as INT64_MAX. */
void colo_stats_put(const char *keys[], int64_t values[], size_t *n_stats,
                    const char *key, uint64_t value);

/* Adds to 'keys' and 'values', from index '*n_stats', the counters of
 * 'counters' that have a key in the COLO table, as colo_stats_put(). */
void colo_counters_to_db(const struct colo_counter *counters, size_t n,
                         const void *stats, const char *keys[],
                         int64_t values[], size_t *n_stats);

#endif /* colo/colo-stats.h */
