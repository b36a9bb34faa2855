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

/* Dispatch of the datapath's COLO action to the mirror, the compare and the
 * rewriter, and the names of the modes. */

#include <config.h>
#include "colo/colo.h"

#include <string.h>
#include "colo/colo-compare.h"
#include "colo/colo-instance.h"
#include "colo/colo-odp.h"
#include "colo/colo-rewrite.h"
#include "colo/colo-unixctl.h"
#include "coverage.h"
#include "dp-packet.h"
#include "openvswitch/vlog.h"
#include "ovs-thread.h"
#include "seq.h"
#include "util.h"

VLOG_DEFINE_THIS_MODULE(colo);

COVERAGE_DEFINE(colo_mirrored);
COVERAGE_DEFINE(colo_bad_action);

static const char *const colo_mode_names[COLO_N_MODES] = {
    [COLO_MIRROR] = "mirror",
    [COLO_PRIMARY] = "primary",
    [COLO_SECONDARY] = "secondary",
    [COLO_TO_GUEST] = "to_guest",
    [COLO_FROM_GUEST] = "from_guest",
};

const char *
colo_mode_to_string(enum colo_mode mode)
{
    return mode < COLO_N_MODES ? colo_mode_names[mode] : "<unknown>";
}

bool
colo_mode_from_string(const char *s, enum colo_mode *mode)
{
    for (int i = 0; i < COLO_N_MODES; i++) {
        if (!strcmp(s, colo_mode_names[i])) {
            *mode = i;
            return true;
        }
    }
    return false;
}

static const char *const colo_reason_names[COLO_N_REASONS] = {
    [COLO_REASON_NONE] = "none",
    [COLO_REASON_PAYLOAD] = "payload",
    [COLO_REASON_LENGTH] = "length",
    [COLO_REASON_TCP_FLAGS] = "tcp_flags",
    [COLO_REASON_TIMEOUT] = "timeout",
    [COLO_REASON_QUEUE_FULL] = "queue_full",
    [COLO_REASON_HELD_LIMIT] = "held_limit",
    [COLO_REASON_CONN_LIMIT] = "conn_limit",
};

const char *
colo_reason_to_string(enum colo_reason reason)
{
    return reason < COLO_N_REASONS ? colo_reason_names[reason] : "<unknown>";
}

/* Called on the main thread by the datapath, before any COLO action runs,
 * and by the COLO table's binding; only the first call does anything. */
void
colo_init(void)
{
    static struct ovsthread_once once = OVSTHREAD_ONCE_INITIALIZER;

    if (ovsthread_once_start(&once)) {
        colo_deferred_seq = seq_create();
        colo_status_seq = seq_create();
        colo_instances_init();
        colo_unixctl_register();
        ovsthread_once_done(&once);
    }
}

/* Runs the mirror's actions on a copy of 'batch'; the originals go on with
 * the flow's next actions.  A failed-over instance mirrors nothing. */
static void
colo_mirror(const struct colo_datapath *dp, struct dp_packet_batch *batch,
            const struct colo_odp_action *action, bool should_steal)
{
    const struct colo_instance *inst = colo_instance_find(action->id);
    size_t n = dp_packet_batch_size(batch);

    if (inst && colo_instance_is_failed_over(inst)) {
        dp_packet_delete_batch(batch, should_steal);
        return;
    }

    if (should_steal) {
        dp->execute(dp->aux, batch, NULL, action->actions,
                    action->actions_len);
    } else {
        struct dp_packet_batch copy;

        /* A pending truncation (trunc) belongs to the copy's output, as it
         * would to an output action's; the originals go on whole. */
        dp_packet_batch_clone(&copy, batch);
        dp_packet_batch_reset_cutlen(batch);
        dp->execute(dp->aux, &copy, NULL, action->actions,
                    action->actions_len);
    }
    COVERAGE_ADD(colo_mirrored, n);
}

void
colo_execute(const struct colo_datapath *dp, struct dp_packet_batch *batch,
             const struct nlattr *colo_action, bool should_steal)
{
    struct colo_odp_action action;

    if (!colo_odp_action_parse(colo_action, &action)) {
        /* Neither xlate nor colo_odp_parse() builds such an action. */
        static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(1, 5);

        COVERAGE_ADD(colo_bad_action, dp_packet_batch_size(batch));
        VLOG_WARN_RL(&rl, "ignoring a malformed colo action");
        dp_packet_delete_batch(batch, should_steal);
        return;
    }

    switch (action.mode) {
    case COLO_MIRROR:
        colo_mirror(dp, batch, &action, should_steal);
        break;
    case COLO_PRIMARY:
    case COLO_SECONDARY:
        colo_compare_input(dp, &action, batch, should_steal);
        break;
    case COLO_TO_GUEST:
    case COLO_FROM_GUEST:
        colo_rewrite_execute(&action, batch, should_steal);
        break;
    }
}
