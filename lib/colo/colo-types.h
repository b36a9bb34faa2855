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

#ifndef COLO_COLO_TYPES_H
#define COLO_COLO_TYPES_H 1

/* The vocabulary that every part of COLO shares: what a COLO action does,
 * why the compare asks for a checkpoint, an instance's options, and what a
 * datapath lends COLO.  It depends on nothing else in lib/colo, so that
 * the OpenFlow side (lib/ofp-colo.c) and the datapath action's layout
 * (colo-odp.h) can use it without the engine. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "openvswitch/types.h"

struct conntrack;
struct dp_packet_batch;
struct flow;
struct nlattr;

/* What a COLO action does.  The values are part of the OpenFlow wire format
 * (lib/ofp-colo.h) and of the datapath action (colo-odp.h): never renumber. */
enum colo_mode {
    COLO_MIRROR = 0,      /* Primary host: copy client packets to the
                           * secondary host. */
    COLO_PRIMARY = 1,     /* Primary host: PVM output into the compare, held
                           * until released. */
    COLO_SECONDARY = 2,   /* Primary host: SVM output into the compare,
                           * consumed there. */
    COLO_TO_GUEST = 3,    /* Secondary host: client packets on their way to
                           * the SVM (ack shifted). */
    COLO_FROM_GUEST = 4,  /* Secondary host: SVM packets on their way out
                           * (seq shifted). */
};
#define COLO_N_MODES 5

const char *colo_mode_to_string(enum colo_mode);
bool colo_mode_from_string(const char *, enum colo_mode *);

/* Why the compare asks the COLO frame for a checkpoint. */
enum colo_reason {
    COLO_REASON_NONE,
    COLO_REASON_PAYLOAD,        /* Different bytes. */
    COLO_REASON_LENGTH,         /* A packet of a different length. */
    COLO_REASON_TCP_FLAGS,      /* SYN, FIN or RST at different places. */
    COLO_REASON_TIMEOUT,        /* A packet waited compare_timeout. */
    COLO_REASON_QUEUE_FULL,     /* A connection held max_queue_size. */
    COLO_REASON_HELD_LIMIT,     /* The instance held max_held packets. */
    COLO_REASON_CONN_LIMIT,     /* The instance had max_conns
                                 * connections. */
};
#define COLO_N_REASONS (COLO_REASON_CONN_LIMIT + 1)

const char *colo_reason_to_string(enum colo_reason);

/* An instance's options, from its row in the COLO table (colo-instance.c
 * parses them).  Every member is an unsigned int. */
struct colo_options {
    unsigned int compare_timeout;       /* ms a primary packet may wait. */
    unsigned int expired_scan_cycle;    /* ms between two scans. */
    unsigned int max_queue_size;        /* Per connection and side. */
    unsigned int max_held;      /* Packets held, both sides, at once. */
    unsigned int max_conns;     /* Connections compared, or rewritten, at
                                 * once. */
    unsigned int rewrite_timeout;       /* ms the rewriter keeps an idle
                                         * connection. */
    unsigned int repair_retry;  /* ms a client segment kept for the
                                 * secondary waits for its ack before it
                                 * goes again on a timer (colo-repair.h). */
};

/* What a datapath lends COLO: the executing thread's context for one batch,
 * or the non-PMD context for colo_run(). */
struct colo_datapath {
    void *aux;                  /* The executing thread's context. */
    const void *owner;          /* The datapath: held packets are released
                                 * only through the datapath they came
                                 * from. */
    struct conntrack *conntrack;        /* The datapath's conntrack. */

    /* Runs the datapath actions 'actions' on 'batch' in the executing
     * thread; takes ownership of the packets.  'flow' describes the
     * packets, or is NULL for the flow being executed (none, in
     * colo_run()); the compare gives NULL only for actions that do not
     * read the flow. */
    void (*execute)(void *aux, struct dp_packet_batch *batch,
                    const struct flow *flow,
                    const struct nlattr *actions, size_t actions_len);
};

#endif /* colo/colo-types.h */
