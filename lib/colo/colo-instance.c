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

/* COLO instances (colo-instance.h): options, role, protection state,
 * checkpoint requests, counters, and the checkpoint-done and failover
 * commands. */

#include <config.h>
#include "colo/colo-instance.h"

#include <stdlib.h>
#include "colo/colo-conn.h"
#include "coverage.h"
#include "fatal-signal.h"
#include "hash.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/vlog.h"
#include "seq.h"
#include "timeval.h"
#include "util.h"

VLOG_DEFINE_THIS_MODULE(colo_instance);

COVERAGE_DEFINE(colo_checkpoint_request);
COVERAGE_DEFINE(colo_checkpoint_coalesced);

static struct cmap colo_instances = CMAP_INITIALIZER;
static struct ovs_mutex colo_instances_mutex = OVS_MUTEX_INITIALIZER;

struct seq *colo_deferred_seq;
struct seq *colo_status_seq;

/* An option: its name, its bounds, and where it lives. */
struct colo_option {
    const char *name;
    unsigned int min;
    unsigned int max;
    size_t offset;              /* In struct colo_options. */
};

#define COLO_OPTION(NAME, MIN, MAX) \
    { #NAME, MIN, MAX, offsetof(struct colo_options, NAME) }
static const struct colo_option colo_option_table[] = {
    COLO_OPTION(compare_timeout, 1, 3600 * 1000),
    COLO_OPTION(expired_scan_cycle, 1, 3600 * 1000),
    COLO_OPTION(max_queue_size, 1, 1 << 20),
    COLO_OPTION(max_held, 1, 1 << 24),
    COLO_OPTION(max_conns, 1, 1 << 24),
    COLO_OPTION(rewrite_timeout, 1, 7 * 24 * 3600 * 1000),
};

void
colo_options_init(struct colo_options *options)
{
    /* compare_timeout, expired_scan_cycle and max_queue_size take QEMU
     * colo-compare's defaults. */
    *options = (struct colo_options) {
        .compare_timeout = 3000,
        .expired_scan_cycle = 3000,
        .max_queue_size = 1024,
        .max_held = 65536,
        .max_conns = 65536,
        /* OVS's conntrack keeps an established TCP connection as long. */
        .rewrite_timeout = 24 * 3600 * 1000,
    };
}

bool
colo_options_equal(const struct colo_options *a, const struct colo_options *b)
{
    return !memcmp(a, b, sizeof *a);
}

/* Sets option 'key' to 'value' in 'options'.  Returns NULL, or an error
 * message that the caller must free; 'options' is unchanged then. */
char *
colo_options_parse(struct colo_options *options, const char *key,
                   const char *value)
{
    for (size_t i = 0; i < ARRAY_SIZE(colo_option_table); i++) {
        const struct colo_option *o = &colo_option_table[i];
        unsigned int x;

        if (strcmp(key, o->name)) {
            continue;
        }
        if (!str_to_uint(value, 10, &x) || x < o->min || x > o->max) {
            return xasprintf("%s: \"%s\" is not an integer from %u to %u",
                             key, value, o->min, o->max);
        }
        /* Every option is an unsigned int. */
        memcpy((char *) options + o->offset, &x, sizeof x);
        return NULL;
    }
    return xasprintf("%s: unknown option", key);
}

static void
colo_options_format(const struct colo_options *options, struct ds *s)
{
    for (size_t i = 0; i < ARRAY_SIZE(colo_option_table); i++) {
        const struct colo_option *o = &colo_option_table[i];
        unsigned int x;

        memcpy(&x, (const char *) options + o->offset, sizeof x);
        ds_put_format(s, "%s%s=%u", i ? " " : "", o->name, x);
    }
}

struct colo_instance *
colo_instance_find(uint32_t id)
{
    struct colo_instance *inst;

    CMAP_FOR_EACH_WITH_HASH (inst, node, hash_int(id, 0), &colo_instances) {
        if (inst->id == id) {
            return inst;
        }
    }
    return NULL;
}

/* Returns instance 'id', creating it with default options if needed. */
struct colo_instance *
colo_instance_get(uint32_t id)
{
    struct colo_instance *inst = colo_instance_find(id);

    if (inst) {
        return inst;
    }

    ovs_mutex_lock(&colo_instances_mutex);
    inst = colo_instance_find(id);
    if (!inst) {
        inst = xzalloc(sizeof *inst);
        inst->id = id;
        atomic_init(&inst->failed_over, false);
        ovs_mutex_init(&inst->mutex);
        colo_options_init(&inst->options);
        inst->role = COLO_ROLE_NONE;
        inst->state = COLO_STATE_PROTECTED;
        hmap_init(&inst->conns);
        colo_release_set_init(&inst->releases);
        ovs_list_init(&inst->pending);
        inst->next_scan = LLONG_MAX;
        colo_rewriter_init(&inst->rewriter);
        cmap_insert(&colo_instances, &inst->node, hash_int(id, 0));
        VLOG_INFO("instance %"PRIu32" created", id);
    }
    ovs_mutex_unlock(&colo_instances_mutex);
    return inst;
}

/* The primary packets that 'inst' holds.  Counted when shown, rather
 * than kept up to date on every packet, since only colo/show needs it:
 * with 'primary_received' and the counters, it accounts for every primary
 * packet. */
static size_t
count_primary_held(const struct colo_instance *inst)
    OVS_REQUIRES(inst->mutex)
{
    const struct colo_conn *conn;
    size_t n = 0;

    HMAP_FOR_EACH (conn, node, &inst->conns) {
        n += conn->n_primary;
    }
    return n;
}

/* Held packets live in the process alone, and go with it: when it exits,
 * says how many each instance had, rather than losing them silently.  The
 * guests' TCP sends them again; the restarted compare begins afresh.
 *
 * Also runs after a fatal signal, when a datapath thread may hold an
 * instance's mutex: such an instance is passed over. */
static void
colo_instances_exit(void *aux OVS_UNUSED)
{
    struct colo_instance *inst;

    CMAP_FOR_EACH (inst, node, &colo_instances) {
        if (!ovs_mutex_trylock(&inst->mutex)) {
            size_t n_held = count_primary_held(inst);

            if (n_held || inst->n_pending) {
                VLOG_WARN("instance %"PRIu32": exiting with %"PRIuSIZE
                          " primary packets held and %"PRIuSIZE" not yet "
                          "sent; they are lost", inst->id, n_held,
                          inst->n_pending);
            }
            ovs_mutex_unlock(&inst->mutex);
        }
    }
}

/* Called once, by colo_init(). */
void
colo_instances_init(void)
{
    fatal_signal_add_hook(colo_instances_exit, NULL, NULL, true);
}

bool
colo_instance_is_failed_over(const struct colo_instance *inst)
{
    bool failed_over;

    atomic_read_relaxed(&CONST_CAST(struct colo_instance *, inst)
                        ->failed_over, &failed_over);
    return failed_over;
}

static int
compare_instances_by_id(const void *a_, const void *b_)
{
    const struct colo_instance *const *a = a_;
    const struct colo_instance *const *b = b_;

    return (*a)->id < (*b)->id ? -1 : (*a)->id > (*b)->id;
}

/* Returns every instance, by id, in an array the caller frees, and their
 * number in '*n'. */
struct colo_instance **
colo_instances_get_all(size_t *n)
{
    struct colo_instance **instances;
    struct colo_instance *inst;
    size_t i = 0;

    /* Instances may be created meanwhile: take as many as fit. */
    size_t n_max = cmap_count(&colo_instances);

    instances = xmalloc(MAX(n_max, 1) * sizeof *instances);
    CMAP_FOR_EACH (inst, node, &colo_instances) {
        if (i >= n_max) {
            break;
        }
        instances[i++] = inst;
    }
    qsort(instances, i, sizeof *instances, compare_instances_by_id);
    *n = i;
    return instances;
}

/* Records that the compare wants a checkpoint for 'reason', found on the
 * connection 'key' (may be NULL).  While a request is pending, further ones
 * are counted and folded into it. */
void
colo_instance_request(struct colo_instance *inst, enum colo_reason reason,
                      const struct colo_packet_key *key)
    OVS_REQUIRES(inst->mutex)
{
    static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(10, 10);
    struct colo_request *r = &inst->request;

    inst->stats.divergences[reason]++;
    if (inst->state == COLO_STATE_CHECKPOINT_REQUESTED) {
        inst->stats.coalesced++;
        COVERAGE_INC(colo_checkpoint_coalesced);
        return;
    } else if (inst->state == COLO_STATE_FAILED_OVER) {
        return;
    }

    inst->state = COLO_STATE_CHECKPOINT_REQUESTED;
    inst->stats.requests++;
    COVERAGE_INC(colo_checkpoint_request);
    r->seqno++;
    r->reason = reason;
    r->has_key = key != NULL;
    memset(&r->key, 0, sizeof r->key);
    if (key) {
        r->key = *key;
    }
    r->time = time_wall_msec();
    seq_change(colo_status_seq);

    if (!VLOG_DROP_INFO(&rl)) {
        struct ds s = DS_EMPTY_INITIALIZER;

        if (key) {
            ds_put_cstr(&s, " on ");
            colo_packet_key_format(key, &s);
        }
        VLOG_INFO("instance %"PRIu32": checkpoint request %"PRIu64" (%s)%s",
                  inst->id, r->seqno, colo_reason_to_string(reason),
                  ds_cstr(&s));
        ds_destroy(&s);
    }
}

/* Queues the held packets in 'release' to leave, after those already
 * queued. */
void
colo_instance_queue_release(struct colo_instance *inst,
                            struct ovs_list *release)
    OVS_REQUIRES(inst->mutex)
{
    size_t n = ovs_list_size(release);

    inst->stats.released += n;
    inst->n_pending += n;
    ovs_list_push_back_all(&inst->pending, release);
}

/* Queues the secondary packets in 'forward', which leave in place of primary
 * packets, after those already queued.  They are not counted as released:
 * 'released' counts primary packets. */
void
colo_instance_queue_forward(struct colo_instance *inst,
                            struct ovs_list *forward)
    OVS_REQUIRES(inst->mutex)
{
    inst->n_pending += ovs_list_size(forward);
    ovs_list_push_back_all(&inst->pending, forward);
}

static int
compare_held_by_order(const void *a_, const void *b_)
{
    const struct colo_held *const *a = a_;
    const struct colo_held *const *b = b_;

    return (*a)->order < (*b)->order ? -1 : (*a)->order > (*b)->order;
}

/* Puts the held packets in 'list' back in the order they came in. */
static void
sort_by_arrival(struct ovs_list *list)
{
    size_t n = ovs_list_size(list);
    struct colo_held **array = xmalloc(MAX(n, 1) * sizeof *array);
    struct colo_held *held;
    size_t i = 0;

    LIST_FOR_EACH_POP (held, node, list) {
        array[i++] = held;
    }
    qsort(array, n, sizeof *array, compare_held_by_order);
    for (i = 0; i < n; i++) {
        ovs_list_push_back(list, &array[i]->node);
    }
    free(array);
}

/* Every held primary packet is released, in the order they came in, every
 * secondary one dropped, and comparison starts afresh. */
static void
colo_instance_flush(struct colo_instance *inst)
    OVS_REQUIRES(inst->mutex)
{
    struct ovs_list release = OVS_LIST_INITIALIZER(&release);
    struct ovs_list dropped = OVS_LIST_INITIALIZER(&dropped);
    struct colo_conn *conn;

    HMAP_FOR_EACH (conn, node, &inst->conns) {
        colo_conn_flush(conn, &release, &dropped);
    }
    sort_by_arrival(&release);
    inst->n_held = 0;
    inst->stats.secondary_dropped += ovs_list_size(&dropped);
    /* This runs on the main thread, outside the datapath: the datapath's
     * non-PMD context sends them. */
    colo_instance_queue_release(inst, &release);
    seq_change(colo_deferred_seq);
    colo_held_free_list(&dropped);
}

/* The COLO frame finished a checkpoint: the secondary is now a copy of the
 * primary.  Returns NULL, or an error message the caller must free. */
char *
colo_instance_checkpoint_done(struct colo_instance *inst)
{
    char *error = NULL;

    ovs_mutex_lock(&inst->mutex);
    if (inst->state == COLO_STATE_FAILED_OVER) {
        error = xasprintf("instance %"PRIu32" has failed over", inst->id);
    } else {
        colo_instance_flush(inst);
        colo_rewriter_checkpoint_done(&inst->rewriter);
        inst->state = COLO_STATE_PROTECTED;
        inst->stats.checkpoints++;
        seq_change(colo_status_seq);
    }
    ovs_mutex_unlock(&inst->mutex);
    return error;
}

/* The secondary is gone: release everything held, and from now on pass
 * primary packets straight through and stop mirroring. */
void
colo_instance_failover(struct colo_instance *inst)
{
    ovs_mutex_lock(&inst->mutex);
    if (inst->state != COLO_STATE_FAILED_OVER) {
        colo_instance_flush(inst);
        inst->state = COLO_STATE_FAILED_OVER;
        atomic_store_relaxed(&inst->failed_over, true);
        seq_change(colo_status_seq);
        VLOG_INFO("instance %"PRIu32" failed over", inst->id);
    }
    ovs_mutex_unlock(&inst->mutex);
}

static void
set_options(struct colo_instance *inst, const struct colo_options *options)
    OVS_REQUIRES(inst->mutex)
{
    if (options->expired_scan_cycle != inst->options.expired_scan_cycle) {
        /* Take the new cycle now, not at the end of the old one. */
        inst->next_scan = LLONG_MAX;
        seq_change(colo_deferred_seq);
    }
    inst->options = *options;
}

/* Gives 'inst' the configuration of its row in the COLO table. */
void
colo_instance_configure(struct colo_instance *inst, enum colo_role role,
                        const char *name, const struct colo_options *options)
{
    ovs_mutex_lock(&inst->mutex);
    if (role != inst->role || !nullable_string_is_equal(name, inst->name)
        || !colo_options_equal(options, &inst->options)) {
        struct ds s = DS_EMPTY_INITIALIZER;

        inst->role = role;
        free(inst->name);
        inst->name = nullable_xstrdup(name);
        set_options(inst, options);
        seq_change(colo_status_seq);

        colo_options_format(options, &s);
        VLOG_INFO("instance %"PRIu32" configured: %s %s", inst->id,
                  colo_role_to_string(role), ds_cstr(&s));
        ds_destroy(&s);
    }
    ovs_mutex_unlock(&inst->mutex);
}

/* Its row left the COLO table: 'inst' releases every packet it holds,
 * forgets the connections it compares and rewrites, and takes default
 * options and no role, keeping its counters and request numbers.  A
 * failed-over instance stays failed over: its secondary is gone, and
 * holding the primary's packets again would stall its traffic. */
void
colo_instance_unconfigure(struct colo_instance *inst)
{
    struct colo_options defaults;
    struct colo_conn *conn;

    colo_options_init(&defaults);
    ovs_mutex_lock(&inst->mutex);
    colo_instance_flush(inst);
    HMAP_FOR_EACH_POP (conn, node, &inst->conns) {
        colo_conn_destroy(conn);
    }
    colo_rewriter_checkpoint_done(&inst->rewriter);
    set_options(inst, &defaults);
    inst->role = COLO_ROLE_NONE;
    free(inst->name);
    inst->name = NULL;
    if (inst->state == COLO_STATE_CHECKPOINT_REQUESTED) {
        inst->state = COLO_STATE_PROTECTED;
    }
    seq_change(colo_status_seq);
    VLOG_INFO("instance %"PRIu32" unconfigured", inst->id);
    ovs_mutex_unlock(&inst->mutex);
}

const char *
colo_role_to_string(enum colo_role role)
{
    switch (role) {
    case COLO_ROLE_NONE:
        return "none";
    case COLO_ROLE_PRIMARY:
        return "primary";
    case COLO_ROLE_SECONDARY:
        return "secondary";
    }
    return "<unknown>";
}

const char *
colo_state_to_string(enum colo_state state)
{
    switch (state) {
    case COLO_STATE_PROTECTED:
        return "protected";
    case COLO_STATE_CHECKPOINT_REQUESTED:
        return "checkpoint-requested";
    case COLO_STATE_FAILED_OVER:
        return "failed-over";
    }
    return "<unknown>";
}

/* Formats 'r' on one line, without a new-line. */
void
colo_request_format(const struct colo_request *r, struct ds *s)
{
    ds_put_format(s, "seqno=%"PRIu64, r->seqno);
    if (r->seqno) {
        ds_put_format(s, " reason=%s", colo_reason_to_string(r->reason));
        if (r->has_key) {
            ds_put_cstr(s, " conn=\"");
            colo_packet_key_format(&r->key, s);
            ds_put_char(s, '"');
        }
        ds_put_cstr(s, " time=");
        ds_put_strftime_msec(s, COLO_TIME_FORMAT, r->time, true);
    }
}

static int
compare_conns_by_held(const void *a_, const void *b_)
{
    const struct colo_conn *const *a = a_;
    const struct colo_conn *const *b = b_;
    size_t na = (*a)->n_primary + (*a)->n_secondary;
    size_t nb = (*b)->n_primary + (*b)->n_secondary;

    /* The key breaks ties, so that the order does not depend on the
     * hash table's. */
    return (na > nb ? -1
            : na < nb ? 1
            : memcmp(&(*a)->key, &(*b)->key, sizeof (*a)->key));
}

/* The connections colo/show lists. */
#define COLO_SHOW_BUSIEST 5

static void
format_conns(struct colo_instance *inst, size_t max, struct ds *s)
    OVS_REQUIRES(inst->mutex)
{
    size_t n = hmap_count(&inst->conns);
    struct colo_conn **conns = xmalloc(MAX(n, 1) * sizeof *conns);
    long long int now = time_msec();
    struct colo_conn *conn;
    size_t i = 0;

    HMAP_FOR_EACH (conn, node, &inst->conns) {
        conns[i++] = conn;
    }
    qsort(conns, n, sizeof *conns, compare_conns_by_held);
    for (i = 0; i < n && i < max; i++) {
        ds_put_cstr(s, "    ");
        colo_conn_format(conns[i], now, s);
        ds_put_char(s, '\n');
    }
    free(conns);
}

static void
colo_stats_format(const struct colo_stats *st, struct ds *s)
{
    ds_put_format(s, "  packets: primary_received=%"PRIu64
                  " compared=%"PRIu64" released=%"PRIu64
                  " uncompared=%"PRIu64" primary_dropped=%"PRIu64
                  " primary_superseded=%"PRIu64
                  " secondary_dropped=%"PRIu64" malformed=%"PRIu64"\n",
                  st->primary_received, st->compared, st->released,
                  st->uncompared, st->primary_dropped,
                  st->primary_superseded, st->secondary_dropped,
                  st->malformed);
    ds_put_format(s, "  checkpoints: requests=%"PRIu64" coalesced=%"PRIu64
                  " done=%"PRIu64"\n",
                  st->requests, st->coalesced, st->checkpoints);
    ds_put_cstr(s, "  divergences:");
    for (int i = COLO_REASON_NONE + 1; i < COLO_N_REASONS; i++) {
        ds_put_format(s, " %s=%"PRIu64, colo_reason_to_string(i),
                      st->divergences[i]);
    }
    ds_put_char(s, '\n');
}

void
colo_instance_format(struct colo_instance *inst, struct ds *s)
{
    ovs_mutex_lock(&inst->mutex);
    ds_put_format(s, "instance %"PRIu32, inst->id);
    if (inst->name && inst->name[0]) {
        ds_put_format(s, " (%s)", inst->name);
    }
    ds_put_format(s, ": %s", colo_state_to_string(inst->state));
    if (inst->role != COLO_ROLE_NONE) {
        ds_put_format(s, ", %s", colo_role_to_string(inst->role));
    }
    ds_put_char(s, '\n');
    ds_put_cstr(s, "  options: ");
    colo_options_format(&inst->options, s);
    ds_put_char(s, '\n');
    ds_put_format(s, "  now: connections=%"PRIuSIZE" held=%"PRIuSIZE
                  " primary_held=%"PRIuSIZE" releasing=%"PRIuSIZE"\n",
                  hmap_count(&inst->conns), inst->n_held,
                  count_primary_held(inst), inst->n_pending);
    ds_put_cstr(s, "  last request: ");
    colo_request_format(&inst->request, s);
    ds_put_char(s, '\n');
    colo_stats_format(&inst->stats, s);
    colo_rewriter_format(&inst->rewriter, s);
    if (hmap_count(&inst->conns)) {
        ds_put_format(s, "  busiest connections:\n");
        format_conns(inst, COLO_SHOW_BUSIEST, s);
    }
    ovs_mutex_unlock(&inst->mutex);
}

/* Formats every connection 'inst' compares, those that hold the most
 * packets first, and every connection it rewrites. */
void
colo_instance_format_conns(struct colo_instance *inst, struct ds *s)
{
    ovs_mutex_lock(&inst->mutex);
    ds_put_format(s, "instance %"PRIu32":\n", inst->id);
    ds_put_format(s, "  compared: %"PRIuSIZE"\n", hmap_count(&inst->conns));
    format_conns(inst, SIZE_MAX, s);
    ds_put_format(s, "  rewritten: %"PRIuSIZE"\n",
                  hmap_count(&inst->rewriter.conns));
    colo_rewriter_format_conns(&inst->rewriter, time_msec(), s);
    ovs_mutex_unlock(&inst->mutex);
}
