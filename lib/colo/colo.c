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

/* The top of COLO (colo.h): dispatch of the datapath's COLO action to the
 * mirror, the compare and the rewriter, and the non-PMD context's run and
 * wait. */

#include <config.h>
#include "colo/colo.h"

#include <stdlib.h>
#include "colo/colo-compare.h"
#include "colo/colo-instance.h"
#include "colo/colo-odp.h"
#include "colo/colo-unixctl.h"
#include "coverage.h"
#include "dp-packet.h"
#include "openvswitch/poll-loop.h"
#include "openvswitch/vlog.h"
#include "ovs-thread.h"
#include "seq.h"
#include "timeval.h"
#include "util.h"

VLOG_DEFINE_THIS_MODULE(colo);

COVERAGE_DEFINE(colo_mirrored);
COVERAGE_DEFINE(colo_bad_action);

/* Called on the main thread by the datapath, before any COLO action runs,
 * and by the COLO table's binding; only the first call does anything. */
void
colo_init(void)
{
    static struct ovsthread_once once = OVSTHREAD_ONCE_INITIALIZER;

    if (ovsthread_once_start(&once)) {
        colo_compare_module_init();
        colo_instances_init();
        colo_unixctl_register();
        ovsthread_once_done(&once);
    }
}

/* Runs the mirror's actions on a copy of 'batch'; the originals go on with
 * the flow's next actions.  A failed-over instance mirrors nothing.  The
 * instance's compare keeps copies of the TCP segments, to send again those
 * that the secondary did not get (colo-repair.h). */
static void
colo_mirror(const struct colo_datapath *dp, struct dp_packet_batch *batch,
            const struct colo_odp_action *action, bool should_steal)
{
    struct colo_instance *inst = colo_instance_find(action->id);
    size_t n = dp_packet_batch_size(batch);

    if (inst && colo_instance_is_failed_over(inst)) {
        dp_packet_delete_batch(batch, should_steal);
        return;
    } else if (inst) {
        colo_compare_mirrored(&inst->compare, dp, action, batch);
    }

    if (should_steal) {
        dp->execute(dp->aux, batch, NULL, action->actions,
                    action->actions_len);
    } else {
        struct dp_packet_batch copy;

        /* A pending truncation (trunc) belongs to the copy's output, as it
         * would to an output action's; the originals go on whole. */
        colo_packet_batch_copy(&copy, batch);
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
        colo_compare_input(colo_instance_get_compare(action.id), dp,
                           &action, batch, should_steal);
        break;
    case COLO_TO_GUEST:
    case COLO_FROM_GUEST:
        colo_instance_rewrite(colo_instance_get(action.id), action.mode,
                              batch);
        /* The packets go on with the flow's next actions.  As its last
         * action this one owns them, and nothing is left to do with
         * them. */
        dp_packet_delete_batch(batch, should_steal);
        break;
    }
}

/* The datapath's non-PMD context.  Several datapaths may call colo_run()
 * and colo_wait(), each from its own main loop: 'colo_run_mutex' keeps
 * what they share. */
static struct ovs_mutex colo_run_mutex = OVS_MUTEX_INITIALIZER;
static uint64_t colo_run_seqno OVS_GUARDED_BY(colo_run_mutex);
static long long int colo_next_scan OVS_GUARDED_BY(colo_run_mutex)
    = LLONG_MAX;

/* Called by the datapath's non-PMD context: packets released by
 * checkpoint-done, failover or other threads leave here, and each instance
 * is scanned for timeouts and connections that are over.  Returns true if
 * it released packets, which the caller then flushes. */
bool
colo_run(const struct colo_datapath *dp)
    OVS_EXCLUDED(colo_run_mutex)
{
    struct colo_instance **instances;
    long long int next_scan = LLONG_MAX;
    long long int now = time_msec();
    size_t n_released = 0;
    size_t n;

    ovs_mutex_lock(&colo_run_mutex);
    colo_run_seqno = seq_read(colo_deferred_seq);
    ovs_mutex_unlock(&colo_run_mutex);

    instances = colo_instances_get_all(&n);
    for (size_t i = 0; i < n; i++) {
        n_released += colo_instance_run(instances[i], dp, now, &next_scan);
    }
    free(instances);

    ovs_mutex_lock(&colo_run_mutex);
    colo_next_scan = next_scan;
    ovs_mutex_unlock(&colo_run_mutex);
    return n_released > 0;
}

void
colo_wait(void)
    OVS_EXCLUDED(colo_run_mutex)
{
    ovs_mutex_lock(&colo_run_mutex);
    seq_wait(colo_deferred_seq, colo_run_seqno);
    if (colo_next_scan != LLONG_MAX) {
        poll_timer_wait_until(colo_next_scan);
    }
    ovs_mutex_unlock(&colo_run_mutex);
}
