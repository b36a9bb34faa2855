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

#ifndef COLO_COLO_RELEASE_H
#define COLO_COLO_RELEASE_H 1

/* How held primary packets leave.
 *
 * A colo_redirect(primary) datapath action carries, translated, the
 * OpenFlow table where released packets continue.  The datapath flow that
 * carries it may be deleted while packets are held, so the compare keeps a
 * copy: one colo_release per distinct action list and datapath, shared by
 * every packet held with it, found again by its contents. */

#include <stdbool.h>
#include <stddef.h>
#include "openvswitch/hmap.h"
#include "ovs-atomic.h"

struct nlattr;

struct colo_release {
    struct hmap_node node;      /* In a colo_release_set. */
    const void *owner;          /* The datapath whose ports it names. */
    struct atomic_count n_users;        /* Held packets that use it. */
    bool needs_flow;            /* The actions read the flow they are given
                                 * (conntrack does). */
    size_t actions_len;
    uint64_t actions[];         /* struct nlattr[], 'actions_len' bytes. */
};

/* The releases of one compare.  The compare's mutex protects the map;
 * colo_release_unuse() may be called without it. */
struct colo_release_set {
    struct hmap map;
};

void colo_release_set_init(struct colo_release_set *);
void colo_release_set_destroy(struct colo_release_set *);
struct colo_release *colo_release_use(struct colo_release_set *,
                                      const void *owner,
                                      const struct nlattr *actions,
                                      size_t actions_len);
void colo_release_unuse(struct colo_release *);
void colo_release_set_sweep(struct colo_release_set *);
size_t colo_release_set_count(const struct colo_release_set *);

#endif /* colo/colo-release.h */
