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

#ifndef COLO_COLO_HELD_H
#define COLO_COLO_HELD_H 1

/* A packet held by the compare, from the moment it comes in until it
 * leaves or is dropped: its allocation (a per-thread cache, since one comes
 * and goes with every compared packet), its end, and how a list of them
 * leaves through the release actions they carry (colo-release.h). */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "colo/colo-packet.h"
#include "openvswitch/list.h"

struct colo_datapath;
struct colo_release;
struct dp_packet;

struct colo_held {
    struct ovs_list node;           /* In a colo_conn's queue, or a list of
                                     * packets to release or drop. */
    struct dp_packet *packet;
    struct colo_release *release;   /* Primary: how it leaves. */
    long long int arrival;          /* time_msec() when it came in. */
    uint64_t order;                 /* Arrival order in the compare. */
    bool matched;                   /* Datagram: the secondary sent it. */
    bool borrowed;                  /* 'packet''s memory is a port's. */
    struct colo_packet view;
};

struct colo_held *colo_held_alloc(void);
void colo_held_own(struct colo_held *);
void colo_held_free(struct colo_held *);
void colo_held_free_list(struct ovs_list *);

size_t colo_held_send_list(const struct colo_datapath *,
                           struct ovs_list *held);

#endif /* colo/colo-held.h */
