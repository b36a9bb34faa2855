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

/* The compare engine (QEMU's colo-compare): PVM packets held until the SVM
 * has sent the same bytes, released in order, checkpoint requests on
 * divergence.  colo_run() and colo_wait() (colo.h) are its non-PMD part. */

#include <stdbool.h>

struct colo_datapath;
struct colo_odp_action;
struct dp_packet_batch;

void colo_compare_input(const struct colo_datapath *,
                        const struct colo_odp_action *,
                        struct dp_packet_batch *, bool should_steal);

#endif /* colo/colo-compare.h */
