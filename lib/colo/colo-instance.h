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
 * actions.  An instance owns its options, its protection state, the
 * checkpoint request it has raised, its counters, and the connections its
 * compare holds packets for.
 *
 * An instance comes into being the first time a COLO action names its id
 * (with default options and no role) or when the COLO table configures it
 * (colo-ovsdb.h), and lives as long as the process.  Unconfiguring it
 * releases what it holds and returns it to its defaults.
 *
 * Locking: 'mutex' protects everything marked OVS_GUARDED.  It is taken
 * last, and never held while packets are output or conntrack is called. */

#include <stdbool.h>
#include <stdint.h>
#include "cmap.h"
#include "colo/colo.h"
#include "colo/colo-packet.h"
#include "colo/colo-release.h"
#include "colo/colo-rewrite.h"
#include "openvswitch/hmap.h"
#include "openvswitch/list.h"
#include "openvswitch/thread.h"
#include "ovs-atomic.h"

struct ds;
struct smap;

struct colo_options {
    unsigned int compare_timeout;       /* ms a primary packet may wait. */
    unsigned int expired_scan_cycle;    /* ms between two scans. */
    unsigned int max_queue_size;        /* Per connection and side. */
    unsigned int max_held;      /* Packets held, both sides, at once. */
    unsigned int max_conns;     /* Connections compared, or rewritten, at
                                 * once. */
    unsigned int rewrite_timeout;       /* ms the rewriter keeps an idle
                                         * connection. */
};

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
};

/* How colo/show and the COLO table print a request's time: UTC, to the
 * millisecond. */
#define COLO_TIME_FORMAT "%Y-%m-%dT%H:%M:%S.###Z"

/* The last checkpoint request. */
struct colo_request {
    uint64_t seqno;             /* 0 if none yet, then 1, 2, ... */
    enum colo_reason reason;
    bool has_key;
    struct colo_packet_key key; /* The connection, if 'has_key'. */
    long long int time;         /* time_wall_msec(). */
};

struct colo_stats {
    uint64_t primary_received;  /* Primary packets taken in: each is
                                 * released, dropped, superseded or held
                                 * ('primary_held' in colo/show). */
    uint64_t compared;          /* Primary packets released after matching
                                 * the secondary's. */
    uint64_t released;          /* Primary packets released, in all. */
    uint64_t uncompared;        /* Released without compare (failed over,
                                 * malformed, over max_conns). */
    uint64_t primary_dropped;   /* Over max_queue_size or max_held. */
    uint64_t primary_superseded;        /* Held, then replaced by the
                                         * primary's newer copy, which
                                         * leaves instead. */
    uint64_t secondary_dropped; /* Secondary packets done with. */
    uint64_t malformed;         /* Frames that failed to parse. */
    uint64_t divergences[COLO_N_REASONS];      /* Requests by reason... */
    uint64_t requests;          /* ...checkpoint requests raised... */
    uint64_t coalesced;         /* ...and those folded into a pending
                                 * one. */
    uint64_t checkpoints;       /* checkpoint-done received. */
};

struct colo_instance {
    struct cmap_node node;      /* In 'colo_instances', by 'id'. */
    uint32_t id;
    atomic_bool failed_over;    /* Read without 'mutex' by the mirror. */

    struct ovs_mutex mutex;
    struct colo_options options OVS_GUARDED;
    enum colo_role role OVS_GUARDED;
    char *name OVS_GUARDED;             /* From the COLO table, or NULL. */
    enum colo_state state OVS_GUARDED;
    struct colo_request request OVS_GUARDED;
    struct colo_stats stats OVS_GUARDED;

    struct hmap conns OVS_GUARDED;      /* colo_conn, by key. */
    size_t n_held OVS_GUARDED;          /* In 'conns', both sides. */
    uint64_t n_arrived OVS_GUARDED;     /* Packets that came in, ever. */
    struct colo_release_set releases OVS_GUARDED;

    /* Released packets on their way out, in order.  Every release goes
     * through this list, and one thread at a time ('releasing') sends
     * from it, so that no packet overtakes another: the thread that
     * released them, another that finds them here, or the datapath's
     * non-PMD context (colo_run()) for those released by checkpoint-done
     * and failover. */
    struct ovs_list pending OVS_GUARDED;
    size_t n_pending OVS_GUARDED;
    bool releasing OVS_GUARDED;
    long long int next_scan OVS_GUARDED;

    /* On the secondary host. */
    struct colo_rewriter rewriter OVS_GUARDED;
};

const char *colo_role_to_string(enum colo_role);
const char *colo_state_to_string(enum colo_state);

void colo_options_init(struct colo_options *);
bool colo_options_equal(const struct colo_options *,
                        const struct colo_options *);
char *colo_options_parse(struct colo_options *, const char *key,
                         const char *value) OVS_WARN_UNUSED_RESULT;

void colo_instances_init(void);
struct colo_instance *colo_instance_find(uint32_t id);
struct colo_instance *colo_instance_get(uint32_t id);
bool colo_instance_is_failed_over(const struct colo_instance *);
struct colo_instance **colo_instances_get_all(size_t *n);

void colo_instance_request(struct colo_instance *inst, enum colo_reason,
                           const struct colo_packet_key *)
    OVS_REQUIRES(inst->mutex);

char *colo_instance_checkpoint_done(struct colo_instance *)
    OVS_WARN_UNUSED_RESULT;
void colo_instance_failover(struct colo_instance *);
void colo_instance_queue_release(struct colo_instance *inst,
                                 struct ovs_list *release)
    OVS_REQUIRES(inst->mutex);
void colo_instance_queue_forward(struct colo_instance *inst,
                                 struct ovs_list *forward)
    OVS_REQUIRES(inst->mutex);

void colo_instance_configure(struct colo_instance *, enum colo_role,
                             const char *name, const struct colo_options *);
void colo_instance_unconfigure(struct colo_instance *);

void colo_request_format(const struct colo_request *, struct ds *);
void colo_instance_format(struct colo_instance *, struct ds *);
void colo_instance_format_conns(struct colo_instance *, struct ds *);

/* Changes whenever an instance's state or checkpoint request changes. */
extern struct seq *colo_status_seq;

/* Changes whenever released packets wait for colo_run(). */
extern struct seq *colo_deferred_seq;

#endif /* colo/colo-instance.h */
