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

/* The compare engine (QEMU's colo-compare): PVM packets held until the SVM
 * has sent the same bytes, released in order, checkpoint requests on
 * divergence.
 *
 * Not written yet.  Until it is, the packets that colo_redirect hands in are
 * counted (coverage counter colo_compare_unimplemented) and logged once; they
 * are dropped where the action owns them (it is the flow's last action), and
 * otherwise odp-execute keeps them and they go on unchanged.  Nothing here
 * claims to have compared them. */

#include <config.h>
#include "colo/colo-compare.h"

#include "colo/colo-odp.h"
#include "coverage.h"
#include "dp-packet.h"
#include "openvswitch/vlog.h"

VLOG_DEFINE_THIS_MODULE(colo_compare);

COVERAGE_DEFINE(colo_compare_unimplemented);

void
colo_compare_input(const struct colo_odp_action *action,
                   struct dp_packet_batch *batch, bool should_steal)
{
    COVERAGE_ADD(colo_compare_unimplemented, dp_packet_batch_size(batch));
    VLOG_WARN_ONCE("colo_redirect(id=%"PRIu32",%s): not implemented yet, "
                   "packets are not compared", action->id,
                   colo_mode_to_string(action->mode));
    dp_packet_delete_batch(batch, should_steal);
}
