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

#ifndef COLO_COLO_H
#define COLO_COLO_H 1

/* The COLO proxy in the userspace datapath: what each mode of the COLO
 * action does with a batch of packets.
 *
 * This is the one entry point that dpif-netdev calls.  Nothing here knows
 * about OpenFlow or OVSDB: the datapath hands in packets and the action's
 * attribute (colo-odp.h) and lends a way to run datapath actions on packets,
 * which the action carries translated (a mirror's copy, a release). */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "openvswitch/types.h"

struct dp_packet_batch;
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

/* What the executing datapath thread lends COLO for one batch. */
struct colo_datapath {
    void *aux;                  /* The executing thread's context. */

    /* Runs the datapath actions 'actions' on 'batch' in the executing
     * thread; takes ownership of the packets. */
    void (*execute)(void *aux, struct dp_packet_batch *batch,
                    const struct nlattr *actions, size_t actions_len);
};

void colo_execute(const struct colo_datapath *, struct dp_packet_batch *,
                  const struct nlattr *colo_action, bool should_steal);

#endif /* colo/colo.h */
