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

/* The COLO proxy in the userspace datapath: the one entry point that
 * dpif-netdev calls, and the only layer that calls into every part of COLO
 * (the mirror here, the compare, the rewriter, the instances).
 *
 * Nothing here knows about OpenFlow or OVSDB: the datapath hands in packets
 * and the action's attribute (colo-odp.h) and lends a way to run datapath
 * actions on packets (struct colo_datapath, colo-types.h), which the action
 * carries translated (a mirror's copy, a release). */

#include <stdbool.h>
#include "colo/colo-types.h"

struct dp_packet_batch;
struct nlattr;

void colo_init(void);
void colo_execute(const struct colo_datapath *, struct dp_packet_batch *,
                  const struct nlattr *colo_action, bool should_steal);

/* The datapath's non-PMD context calls these from its run and wait
 * functions: packets released by timers, checkpoint-done and failover
 * leave here. */
bool colo_run(const struct colo_datapath *);
void colo_wait(void);

#endif /* colo/colo.h */
