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

/* The ovs-appctl colo/... commands: show instances and their connections,
 * let the COLO frame wait for a checkpoint request, and report
 * checkpoint-done and failover.  Options come from the COLO table
 * (colo-ovsdb.h), not from here. */

#include <config.h>
#include "colo/colo-unixctl.h"

#include "colo/colo-instance.h"
#include "coverage.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/list.h"
#include "openvswitch/poll-loop.h"
#include "seq.h"
#include "timeval.h"
#include "unixctl.h"
#include "util.h"

COVERAGE_DEFINE(colo_wait_deferred);

/* A colo/wait-checkpoint whose reply waits for a request. */
struct colo_waiter {
    struct ovs_list node;       /* In 'waiters'. */
    struct unixctl_conn *conn;
    struct colo_instance *inst; /* Instances are never freed. */
    unsigned int timeout;       /* ms, as given. */
    long long int deadline;     /* time_msec(). */
};

static struct ovs_list waiters = OVS_LIST_INITIALIZER(&waiters);
static uint64_t waiters_seqno;

#define COLO_WAIT_DEFAULT_TIMEOUT 10000
#define COLO_WAIT_MAX_TIMEOUT (3600 * 1000)

static bool
parse_id(const char *s, uint32_t *id)
{
    unsigned int x;

    if (!str_to_uint(s, 10, &x) || !x) {
        return false;
    }
    *id = x;
    return true;
}

/* Replies with an error and returns NULL if 's' does not name an
 * instance. */
static struct colo_instance *
find_instance(struct unixctl_conn *conn, const char *s)
{
    struct colo_instance *inst = NULL;
    uint32_t id;

    if (!parse_id(s, &id)) {
        unixctl_command_reply_error(conn, "an instance id is an integer "
                                    "from 1 to 4294967295");
    } else if (!(inst = colo_instance_find(id))) {
        char *error = xasprintf("no COLO instance %"PRIu32, id);

        unixctl_command_reply_error(conn, error);
        free(error);
    }
    return inst;
}

static void
colo_unixctl_show(struct unixctl_conn *conn, int argc, const char *argv[],
                  void *aux OVS_UNUSED)
{
    struct ds s = DS_EMPTY_INITIALIZER;

    if (argc > 1) {
        struct colo_instance *inst = find_instance(conn, argv[1]);

        if (!inst) {
            return;
        }
        colo_instance_format(inst, &s);
    } else {
        struct colo_instance **instances;
        size_t n;

        instances = colo_instances_get_all(&n);
        for (size_t i = 0; i < n; i++) {
            colo_instance_format(instances[i], &s);
        }
        free(instances);
    }
    unixctl_command_reply(conn, ds_cstr(&s));
    ds_destroy(&s);
}

/* Replies with 'error', which it frees, or with 'reply' if 'error' is
 * NULL. */
static void
reply_or_error(struct unixctl_conn *conn, char *error, const char *reply)
{
    if (error) {
        unixctl_command_reply_error(conn, error);
        free(error);
    } else {
        unixctl_command_reply(conn, reply);
    }
}

static void
colo_unixctl_checkpoint_barrier(struct unixctl_conn *conn,
                                int argc OVS_UNUSED, const char *argv[],
                                void *aux OVS_UNUSED)
{
    struct colo_instance *inst = find_instance(conn, argv[1]);

    if (inst) {
        uint64_t barrier = 0;
        char *error = colo_instance_checkpoint_barrier(inst, &barrier);
        char *reply = xasprintf("%"PRIu64"\n", barrier);

        reply_or_error(conn, error, reply);
        free(reply);
    }
}

/* colo/checkpoint-done ID [BARRIER]: with BARRIER, the checkpoint that began
 * at that barrier; without, one that validates everything held. */
static void
colo_unixctl_checkpoint_done(struct unixctl_conn *conn, int argc,
                             const char *argv[], void *aux OVS_UNUSED)
{
    struct colo_instance *inst = find_instance(conn, argv[1]);
    unsigned long long int barrier;

    if (!inst) {
        return;
    } else if (argc < 3) {
        reply_or_error(conn, colo_instance_checkpoint_done(inst), NULL);
    } else if (!str_to_ullong(argv[2], 10, &barrier) || !barrier) {
        unixctl_command_reply_error(conn, "a barrier is a number that "
                                    "colo/checkpoint-barrier printed");
    } else {
        reply_or_error(conn, colo_instance_checkpoint_done_at(inst, barrier),
                       NULL);
    }
}

static void
colo_unixctl_failover(struct unixctl_conn *conn, int argc OVS_UNUSED,
                      const char *argv[], void *aux OVS_UNUSED)
{
    struct colo_instance *inst = find_instance(conn, argv[1]);

    if (inst) {
        colo_instance_failover(inst);
        unixctl_command_reply(conn, NULL);
    }
}

static void
colo_unixctl_show_conns(struct unixctl_conn *conn, int argc OVS_UNUSED,
                        const char *argv[], void *aux OVS_UNUSED)
{
    struct colo_instance *inst = find_instance(conn, argv[1]);

    if (inst) {
        struct ds s = DS_EMPTY_INITIALIZER;

        colo_instance_format_conns(inst, &s);
        unixctl_command_reply(conn, ds_cstr(&s));
        ds_destroy(&s);
    }
}

/* Answers 'w' if it can be answered at 'now': the request it waits for is
 * there, the wait timed out, or the instance can no longer raise one.
 * Returns true if it replied. */
static bool
waiter_try_reply(struct colo_waiter *w, long long int now)
{
    struct colo_instance *inst = w->inst;
    struct ds reply = DS_EMPTY_INITIALIZER;
    struct colo_instance_status status;
    char *error = NULL;
    bool done = true;

    colo_instance_get_status(inst, &status);
    if (status.role == COLO_ROLE_SECONDARY) {
        error = xasprintf("instance %"PRIu32" is secondary: only a primary "
                          "raises checkpoint requests", inst->id);
    } else if (status.state == COLO_STATE_FAILED_OVER) {
        error = xasprintf("instance %"PRIu32" has failed over", inst->id);
    } else if (status.state == COLO_STATE_UNCONFIGURED) {
        /* It compares nothing, so the wait could only time out. */
        error = xasprintf("instance %"PRIu32" has no COLO row: it raises no "
                          "checkpoint requests", inst->id);
    } else if (status.state == COLO_STATE_CHECKPOINT_REQUESTED) {
        colo_request_format(&status.request, &reply);
        ds_put_char(&reply, '\n');
    } else if (now >= w->deadline) {
        error = xasprintf("instance %"PRIu32": no checkpoint request within "
                          "%u ms", inst->id, w->timeout);
    } else {
        done = false;
    }

    if (error) {
        unixctl_command_reply_error(w->conn, error);
        free(error);
    } else if (done) {
        unixctl_command_reply(w->conn, ds_cstr(&reply));
    }
    ds_destroy(&reply);
    return done;
}

/* colo/wait-checkpoint ID [TIMEOUT]: replies with the pending checkpoint
 * request, at once if there is one, or as soon as one is raised. */
static void
colo_unixctl_wait_checkpoint(struct unixctl_conn *conn, int argc,
                             const char *argv[], void *aux OVS_UNUSED)
{
    struct colo_instance *inst = find_instance(conn, argv[1]);
    unsigned int timeout = COLO_WAIT_DEFAULT_TIMEOUT;
    long long int now = time_msec();
    struct colo_waiter *w;

    if (!inst) {
        return;
    }
    if (argc > 2 && (!str_to_uint(argv[2], 10, &timeout) || !timeout
                     || timeout > COLO_WAIT_MAX_TIMEOUT)) {
        char *error = xasprintf("%s: the timeout is an integer number of "
                                "ms from 1 to %d", argv[2],
                                COLO_WAIT_MAX_TIMEOUT);

        unixctl_command_reply_error(conn, error);
        free(error);
        return;
    }

    w = xmalloc(sizeof *w);
    w->conn = conn;
    w->inst = inst;
    w->timeout = timeout;
    w->deadline = now + timeout;
    if (waiter_try_reply(w, now)) {
        free(w);
    } else {
        ovs_list_push_back(&waiters, &w->node);
        COVERAGE_INC(colo_wait_deferred);
    }
}

/* Answers the colo/wait-checkpoint commands that can be answered.  The main
 * loop calls it. */
void
colo_unixctl_run(void)
{
    long long int now = time_msec();
    struct colo_waiter *w;

    if (ovs_list_is_empty(&waiters)) {
        return;
    }

    waiters_seqno = seq_read(colo_status_seq);
    LIST_FOR_EACH_SAFE (w, node, &waiters) {
        if (waiter_try_reply(w, now)) {
            ovs_list_remove(&w->node);
            free(w);
        }
    }
}

void
colo_unixctl_wait(void)
{
    long long int deadline = LLONG_MAX;
    struct colo_waiter *w;

    if (ovs_list_is_empty(&waiters)) {
        return;
    }

    seq_wait(colo_status_seq, waiters_seqno);
    LIST_FOR_EACH (w, node, &waiters) {
        deadline = MIN(deadline, w->deadline);
    }
    poll_timer_wait_until(deadline);
}

void
colo_unixctl_register(void)
{
    unixctl_command_register("colo/show", "[ID]", 0, 1,
                             colo_unixctl_show, NULL);
    unixctl_command_register("colo/checkpoint-barrier", "ID", 1, 1,
                             colo_unixctl_checkpoint_barrier, NULL);
    unixctl_command_register("colo/checkpoint-done", "ID [BARRIER]", 1, 2,
                             colo_unixctl_checkpoint_done, NULL);
    unixctl_command_register("colo/failover", "ID", 1, 1,
                             colo_unixctl_failover, NULL);
    unixctl_command_register("colo/show-conns", "ID", 1, 1,
                             colo_unixctl_show_conns, NULL);
    unixctl_command_register("colo/wait-checkpoint", "ID [TIMEOUT]", 1, 2,
                             colo_unixctl_wait_checkpoint, NULL);
}
