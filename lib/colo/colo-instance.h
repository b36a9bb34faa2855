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

#ifndef COLO_COLO_INSTANCE_H
#define COLO_COLO_INSTANCE_H 1

/* COLO instances: one per protected VM pair, named by the 'id' of the COLO
 * actions.  This module keeps the registry of instances, their options,
 * role and name, and their protection state machine:
 *
 *     protected <--> checkpoint-requested      (the compare asks, the
 *         |                  |                  COLO frame answers with
 *         +--> failed-over <-+                  checkpoint-done)
 *
 * Each instance embeds the two engines it drives: its compare (primary
 * host, colo-compare.h), which raises the checkpoint requests, and its
 * rewriter (secondary host, colo-rewrite.h).
 *
 * An instance comes into being the first time a COLO action names its id
 * (with default options and no role) or when the COLO table configures it
 * (colo-ovsdb.h), and lives as long as the process.  Unconfiguring it
 * releases what it holds and returns it to its defaults.
 *
 * Once the COLO table governs instances (colo_instances_require_rows(), in
 * ovs-vswitchd), one that no row configures is "unconfigured": its compare
 * passes primary packets uncompared and drops the secondary's, raising no
 * checkpoint request, since no agent would ever see one and what it held
 * would wait for ever.  Without the table (the tests' programs) an
 * instance compares with its defaults as soon as it exists.
 *
 * Locking, in the order taken: 'colo_instances_mutex' (creating
 * instances), an instance's 'mutex' (what is marked OVS_GUARDED here, and
 * the rewriter), its compare's 'mutex' (colo-compare.h).  None is held
 * while packets are output or conntrack is called. */

#include <stdbool.h>
#include <stdint.h>
#include "cmap.h"
#include "colo/colo-compare.h"
#include "colo/colo-rewrite.h"
#include "colo/colo-types.h"
#include "openvswitch/thread.h"
#include "ovs-atomic.h"

struct dp_packet_batch;
struct ds;

enum colo_role {
    COLO_ROLE_NONE,             /* Not configured: no checks on roles. */
    COLO_ROLE_PRIMARY,          /* Compares; raises checkpoint requests. */
    COLO_ROLE_SECONDARY,        /* Rewrites. */
};

enum colo_state {
    COLO_STATE_PROTECTED,       /* Comparing; no request pending. */
    COLO_STATE_CHECKPOINT_REQUESTED,    /* A request waits for
                                         * checkpoint-done. */
    COLO_STATE_FAILED_OVER,     /* Passing traffic straight through. */
    COLO_STATE_UNCONFIGURED,    /* No COLO row: passing primary traffic
                                 * uncompared. */
};

struct colo_instance {
    struct cmap_node node;      /* In 'colo_instances', by 'id'. */
    uint32_t id;
    atomic_bool failed_over;    /* Read without 'mutex' by the mirror. */
    atomic_bool unconfigured;   /* No COLO row configures it, although the
                                 * table governs instances; set under
                                 * 'mutex', read without it by
                                 * colo_instance_get(). */
    atomic_llong warn_after;    /* When colo_instance_get() starts warning
                                 * that it is unconfigured, time_msec(). */
    atomic_bool secondary;      /* 'role' is COLO_ROLE_SECONDARY; set under
                                 * 'mutex', read without it by
                                 * colo_instance_get_compare(). */

    struct ovs_mutex mutex;
    struct colo_options options OVS_GUARDED;
    enum colo_role role OVS_GUARDED;
    char *name OVS_GUARDED;             /* From the COLO table, or NULL. */
    char *error OVS_GUARDED;            /* Why its row's options were
                                         * refused, or NULL. */

    /* On the primary host; locks itself. */
    struct colo_compare compare;

    /* On the secondary host. */
    struct colo_rewriter rewriter OVS_GUARDED;
};

/* A consistent view of an instance's state, for those who report it. */
struct colo_instance_status {
    enum colo_role role;
    enum colo_state state;
    struct colo_request request;        /* The last one. */
};

const char *colo_role_to_string(enum colo_role);
const char *colo_state_to_string(enum colo_state);

void colo_options_init(struct colo_options *);
bool colo_options_equal(const struct colo_options *,
                        const struct colo_options *);
char *colo_options_parse(struct colo_options *, const char *key,
                         const char *value) OVS_WARN_UNUSED_RESULT;

void colo_instances_init(void);
void colo_instances_require_rows(void);
struct colo_instance *colo_instance_find(uint32_t id);
struct colo_instance *colo_instance_get(uint32_t id);
struct colo_compare *colo_instance_get_compare(uint32_t id);
struct colo_instance *colo_instance_get_for_row(uint32_t id);
bool colo_instance_is_failed_over(const struct colo_instance *);
bool colo_instance_is_unconfigured(const struct colo_instance *);
struct colo_instance **colo_instances_get_all(size_t *n);

void colo_instance_rewrite(struct colo_instance *inst, enum colo_mode,
                           struct dp_packet_batch *)
    OVS_EXCLUDED(inst->mutex);
size_t colo_instance_run(struct colo_instance *inst,
                         const struct colo_datapath *, long long int now,
                         long long int *next_scan)
    OVS_EXCLUDED(inst->mutex);

char *colo_instance_checkpoint_done(struct colo_instance *inst)
    OVS_EXCLUDED(inst->mutex) OVS_WARN_UNUSED_RESULT;
char *colo_instance_checkpoint_barrier(struct colo_instance *inst,
                                       uint64_t *barrier)
    OVS_EXCLUDED(inst->mutex) OVS_WARN_UNUSED_RESULT;
char *colo_instance_checkpoint_done_at(struct colo_instance *inst,
                                       uint64_t barrier)
    OVS_EXCLUDED(inst->mutex) OVS_WARN_UNUSED_RESULT;
void colo_instance_failover(struct colo_instance *inst)
    OVS_EXCLUDED(inst->mutex);

void colo_instance_configure(struct colo_instance *inst, enum colo_role,
                             const char *name, const struct colo_options *)
    OVS_EXCLUDED(inst->mutex);
void colo_instance_unconfigure(struct colo_instance *inst)
    OVS_EXCLUDED(inst->mutex);
void colo_instance_set_error(struct colo_instance *inst, const char *error)
    OVS_EXCLUDED(inst->mutex);
void colo_instance_get_options(struct colo_instance *inst,
                               struct colo_options *)
    OVS_EXCLUDED(inst->mutex);
void colo_instance_get_status(struct colo_instance *inst,
                              struct colo_instance_status *)
    OVS_EXCLUDED(inst->mutex);
size_t colo_instance_stats_to_db(struct colo_instance *inst,
                                 const char *keys[], int64_t values[])
    OVS_EXCLUDED(inst->mutex);

/* The most keys colo_instance_stats_to_db() writes. */
#define COLO_N_DB_STATS (COLO_N_COUNTERS + 4)

void colo_instance_format(struct colo_instance *inst, struct ds *)
    OVS_EXCLUDED(inst->mutex);
void colo_instance_format_conns(struct colo_instance *inst, struct ds *)
    OVS_EXCLUDED(inst->mutex);

/* Changes whenever an instance's state or checkpoint request changes. */
extern struct seq *colo_status_seq;

#endif /* colo/colo-instance.h */
