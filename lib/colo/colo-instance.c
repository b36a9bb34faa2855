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

/* COLO instances (colo-instance.h): the registry, options, role, the
 * protection state machine, and what checkpoint-done and failover do to the
 * compare and the rewriter. */

#include <config.h>
#include "colo/colo-instance.h"

#include <stdlib.h>
#include "fatal-signal.h"
#include "hash.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/vlog.h"
#include "seq.h"
#include "timeval.h"
#include "util.h"

VLOG_DEFINE_THIS_MODULE(colo_instance);

/* Instances are found without a lock (cmap), created under
 * 'colo_instances_mutex', and never freed. */
static struct ovs_mutex colo_instances_mutex = OVS_MUTEX_INITIALIZER;
static struct cmap colo_instances OVS_GUARDED_BY(colo_instances_mutex)
    = CMAP_INITIALIZER;

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
    COLO_OPTION(repair_retry, 1, 3600 * 1000),
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
        /* Linux's shortest retransmission timeout. */
        .repair_retry = 200,
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

/* How long an instance that a COLO action created may wait for its row
 * before colo_instance_get() warns: flows are often added just before the
 * row, and that is no typo. */
#define COLO_ROW_GRACE_MSEC 1000

/* Whether the COLO table governs instances: set once, on the main thread,
 * before any datapath runs a COLO action. */
static atomic_bool colo_rows_required = false;

/* Called by the COLO table's binding (colo-ovsdb.h): from now on an
 * instance that no row configures passes its packets uncompared. */
void
colo_instances_require_rows(void)
{
    atomic_store_relaxed(&colo_rows_required, true);
}

/* Makes 'inst' unconfigured or not.  An unconfigured instance's compare
 * passes packets through as a failed-over one's does: primary packets
 * leave uncompared (counted in 'uncompared'), the secondary's are dropped
 * (in 'secondary_dropped') and no checkpoint request is raised.  Unlike
 * failover, a row added later makes it compare again; a failed-over
 * instance passes through for good.  So does a secondary's: only a
 * primary compares (colo_instance_get_compare()). */
static void
set_unconfigured(struct colo_instance *inst, bool unconfigured)
    OVS_REQUIRES(inst->mutex)
{
    bool secondary = inst->role == COLO_ROLE_SECONDARY;

    atomic_store_relaxed(&inst->unconfigured, unconfigured);
    atomic_store_relaxed(&inst->secondary, secondary);
    colo_compare_set_pass_through(&inst->compare, unconfigured || secondary
                                  || colo_instance_is_failed_over(inst));
}

/* Returns instance 'id', creating it with default options if needed,
 * unconfigured if the COLO table governs instances. */
struct colo_instance *
colo_instance_get_for_row(uint32_t id)
    OVS_EXCLUDED(colo_instances_mutex)
{
    struct colo_instance *inst = colo_instance_find(id);

    if (inst) {
        return inst;
    }

    ovs_mutex_lock(&colo_instances_mutex);
    inst = colo_instance_find(id);
    if (!inst) {
        bool rows_required;

        atomic_read_relaxed(&colo_rows_required, &rows_required);
        inst = xzalloc(sizeof *inst);
        inst->id = id;
        atomic_init(&inst->failed_over, false);
        atomic_init(&inst->unconfigured, false);
        atomic_init(&inst->secondary, false);
        atomic_init(&inst->warn_after, time_msec() + COLO_ROW_GRACE_MSEC);
        ovs_mutex_init(&inst->mutex);
        ovs_mutex_lock(&inst->mutex);
        colo_options_init(&inst->options);
        inst->role = COLO_ROLE_NONE;
        colo_rewriter_init(&inst->rewriter);
        colo_compare_init(&inst->compare, id, colo_status_seq,
                          &inst->options);
        /* Before any datapath thread can find it. */
        set_unconfigured(inst, rows_required);
        ovs_mutex_unlock(&inst->mutex);
        cmap_insert(&colo_instances, &inst->node, hash_int(id, 0));
        VLOG_INFO("instance %"PRIu32" created", id);
    }
    ovs_mutex_unlock(&colo_instances_mutex);
    return inst;
}

/* Returns instance 'id' for a COLO action, creating it if needed.  Warns
 * (rate-limited) that an instance without a row compares nothing: a flow
 * whose id has a typo would otherwise leave its VM unprotected in
 * silence.  Not within COLO_ROW_GRACE_MSEC of its creation, while its row
 * may be on its way.  A failed-over one passes its packets anyway, as the
 * operator asked, and a row would not change that: no warning either. */
struct colo_instance *
colo_instance_get(uint32_t id)
    OVS_EXCLUDED(colo_instances_mutex)
{
    struct colo_instance *inst = colo_instance_get_for_row(id);

    if (colo_instance_is_unconfigured(inst)
        && !colo_instance_is_failed_over(inst)) {
        static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(1, 5);
        long long int warn_after;

        atomic_read_relaxed(&inst->warn_after, &warn_after);
        if (time_msec() < warn_after) {
            return inst;
        }
        VLOG_WARN_RL(&rl, "instance %"PRIu32": no COLO row in the database; "
                     "its primary packets pass uncompared and its secondary "
                     "packets are dropped until a row configures it", id);
    }
    return inst;
}

/* Returns the compare of instance 'id' for colo_redirect, creating the
 * instance if needed (colo_instance_get()).  On the secondary host nothing
 * is compared and no checkpoint is requested (colo/wait-checkpoint says
 * so): an instance whose row says "secondary" passes colo_redirect's
 * packets through, as an unconfigured one does, and warns (rate-limited)
 * of the flow that contradicts its role. */
struct colo_compare *
colo_instance_get_compare(uint32_t id)
    OVS_EXCLUDED(colo_instances_mutex)
{
    struct colo_instance *inst = colo_instance_get(id);
    bool secondary;

    atomic_read_relaxed(&inst->secondary, &secondary);
    if (secondary && !colo_instance_is_failed_over(inst)) {
        static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(1, 5);

        VLOG_WARN_RL(&rl, "instance %"PRIu32" is secondary: colo_redirect "
                     "compares nothing there, its primary packets pass "
                     "uncompared and its secondary packets are dropped", id);
    }
    return &inst->compare;
}

/* Held packets live in the process alone, and go with it: when it exits,
 * says how many each instance had, rather than losing them silently.  The
 * guests' TCP sends them again; the restarted compare begins afresh.
 *
 * Also runs after a fatal signal, when a datapath thread may hold a
 * compare's mutex: such an instance is passed over. */
static void
colo_instances_exit(void *aux OVS_UNUSED)
{
    struct colo_instance *inst;

    CMAP_FOR_EACH (inst, node, &colo_instances) {
        struct colo_compare *cmp = &inst->compare;

        if (!ovs_mutex_trylock(&cmp->mutex)) {
            size_t n_held = colo_compare_count_primary_held(cmp);

            if (n_held || cmp->n_pending) {
                VLOG_WARN("instance %"PRIu32": exiting with %"PRIuSIZE
                          " primary packets held and %"PRIuSIZE" not yet "
                          "sent; they are lost", inst->id, n_held,
                          cmp->n_pending);
            }
            ovs_mutex_unlock(&cmp->mutex);
        }
    }
}

/* Called once, by colo_init(). */
void
colo_instances_init(void)
{
    colo_status_seq = seq_create();
    fatal_signal_add_hook(colo_instances_exit, NULL, NULL, true);
}

bool
colo_instance_is_unconfigured(const struct colo_instance *inst)
{
    bool unconfigured;

    atomic_read_relaxed(&CONST_CAST(struct colo_instance *, inst)
                        ->unconfigured, &unconfigured);
    return unconfigured;
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

/* Rewrites, in place, the packets of 'batch' that 'mode' (COLO_TO_GUEST or
 * COLO_FROM_GUEST) crosses for 'inst'. */
void
colo_instance_rewrite(struct colo_instance *inst, enum colo_mode mode,
                      struct dp_packet_batch *batch)
    OVS_EXCLUDED(inst->mutex)
{
    ovs_mutex_lock(&inst->mutex);
    colo_rewriter_batch(&inst->rewriter, mode, inst->options.max_conns,
                        colo_instance_is_failed_over(inst), batch);
    ovs_mutex_unlock(&inst->mutex);
}

/* Called by the datapath's non-PMD context, through colo_run(): the
 * compare's part (colo_compare_run()), and on each of its scans the
 * rewriter forgets the connections idle too long.  Lowers '*next_scan' to
 * when 'inst' needs to run next.  Returns the number of packets sent. */
size_t
colo_instance_run(struct colo_instance *inst, const struct colo_datapath *dp,
                  long long int now, long long int *next_scan)
    OVS_EXCLUDED(inst->mutex)
{
    bool scanned;
    size_t n;

    n = colo_compare_run(&inst->compare, dp, now, next_scan, &scanned);
    if (scanned) {
        ovs_mutex_lock(&inst->mutex);
        colo_rewriter_expire(&inst->rewriter, now,
                             inst->options.rewrite_timeout);
        ovs_mutex_unlock(&inst->mutex);
    }
    return n;
}

/* The COLO frame finished a checkpoint: the secondary is now a copy of the
 * primary.  Returns NULL, or an error message the caller must free. */
char *
colo_instance_checkpoint_done(struct colo_instance *inst)
    OVS_EXCLUDED(inst->mutex)
{
    char *error = NULL;

    ovs_mutex_lock(&inst->mutex);
    if (colo_instance_is_failed_over(inst)) {
        error = xasprintf("instance %"PRIu32" has failed over", inst->id);
    } else {
        colo_compare_checkpoint_done(&inst->compare);
        colo_rewriter_checkpoint_done(&inst->rewriter);
        seq_change(colo_status_seq);
    }
    ovs_mutex_unlock(&inst->mutex);
    return error;
}

/* A checkpoint begins: sets a barrier in the compare and stores its number
 * in '*barrier' (see colo_compare_checkpoint_barrier()).  Returns NULL, or
 * an error message the caller must free. */
char *
colo_instance_checkpoint_barrier(struct colo_instance *inst,
                                 uint64_t *barrier)
    OVS_EXCLUDED(inst->mutex)
{
    char *error = NULL;

    ovs_mutex_lock(&inst->mutex);
    if (colo_instance_is_failed_over(inst)) {
        error = xasprintf("instance %"PRIu32" has failed over", inst->id);
    } else if (inst->role == COLO_ROLE_SECONDARY) {
        error = xasprintf("instance %"PRIu32" is secondary: a barrier is "
                          "for the primary's compare", inst->id);
    } else {
        *barrier = colo_compare_checkpoint_barrier(&inst->compare);
    }
    ovs_mutex_unlock(&inst->mutex);
    return error;
}

/* The checkpoint that began at 'barrier' is done (see
 * colo_compare_checkpoint_done_at()).  Returns NULL, or an error message
 * the caller must free. */
char *
colo_instance_checkpoint_done_at(struct colo_instance *inst,
                                 uint64_t barrier)
    OVS_EXCLUDED(inst->mutex)
{
    char *error = NULL;

    ovs_mutex_lock(&inst->mutex);
    if (colo_instance_is_failed_over(inst)) {
        error = xasprintf("instance %"PRIu32" has failed over", inst->id);
    } else if (!colo_compare_checkpoint_done_at(&inst->compare, barrier)) {
        error = xasprintf("instance %"PRIu32" has no checkpoint barrier "
                          "%"PRIu64" waiting", inst->id, barrier);
    } else {
        colo_rewriter_checkpoint_done(&inst->rewriter);
        seq_change(colo_status_seq);
    }
    ovs_mutex_unlock(&inst->mutex);
    return error;
}

/* The secondary is gone: release everything held, and from now on pass
 * primary packets straight through and stop mirroring. */
void
colo_instance_failover(struct colo_instance *inst)
    OVS_EXCLUDED(inst->mutex)
{
    ovs_mutex_lock(&inst->mutex);
    if (!colo_instance_is_failed_over(inst)) {
        colo_compare_failover(&inst->compare);
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
    inst->options = *options;
    colo_compare_set_options(&inst->compare, options);
}

/* Gives 'inst' the configuration of its row in the COLO table. */
void
colo_instance_configure(struct colo_instance *inst, enum colo_role role,
                        const char *name, const struct colo_options *options)
    OVS_EXCLUDED(inst->mutex)
{
    ovs_mutex_lock(&inst->mutex);
    if (role != inst->role || !nullable_string_is_equal(name, inst->name)
        || !colo_options_equal(options, &inst->options)
        || colo_instance_is_unconfigured(inst)) {
        struct ds s = DS_EMPTY_INITIALIZER;

        inst->role = role;
        set_unconfigured(inst, false);
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
 * holding the primary's packets again would stall its traffic.  Where the
 * table governs instances, it is unconfigured from now on. */
void
colo_instance_unconfigure(struct colo_instance *inst)
    OVS_EXCLUDED(inst->mutex)
{
    struct colo_options defaults;
    bool rows_required;

    colo_options_init(&defaults);
    ovs_mutex_lock(&inst->mutex);
    colo_compare_reset(&inst->compare);
    colo_rewriter_checkpoint_done(&inst->rewriter);
    set_options(inst, &defaults);
    inst->role = COLO_ROLE_NONE;
    free(inst->name);
    inst->name = NULL;
    free(inst->error);
    inst->error = NULL;
    atomic_read_relaxed(&colo_rows_required, &rows_required);
    set_unconfigured(inst, rows_required);
    /* Its row was deleted, not late: the flows naming it are worth a
     * warning at once. */
    atomic_store_relaxed(&inst->warn_after, LLONG_MIN);
    seq_change(colo_status_seq);
    VLOG_INFO("instance %"PRIu32" unconfigured", inst->id);
    ovs_mutex_unlock(&inst->mutex);
}

/* Records why the options of 'inst''s row were refused ('error'), or that
 * they were not (NULL), so that colo/show says what the row's
 * status:error says. */
void
colo_instance_set_error(struct colo_instance *inst, const char *error)
    OVS_EXCLUDED(inst->mutex)
{
    ovs_mutex_lock(&inst->mutex);
    if (!nullable_string_is_equal(error, inst->error)) {
        free(inst->error);
        inst->error = nullable_xstrdup(error);
    }
    ovs_mutex_unlock(&inst->mutex);
}

void
colo_instance_get_options(struct colo_instance *inst,
                          struct colo_options *options)
    OVS_EXCLUDED(inst->mutex)
{
    ovs_mutex_lock(&inst->mutex);
    *options = inst->options;
    ovs_mutex_unlock(&inst->mutex);
}

/* 'inst''s protection state, given whether its compare's request waits
 * for checkpoint-done. */
static enum colo_state
instance_state(const struct colo_instance *inst, bool requested)
{
    return (colo_instance_is_failed_over(inst) ? COLO_STATE_FAILED_OVER
            : colo_instance_is_unconfigured(inst) ? COLO_STATE_UNCONFIGURED
            : requested ? COLO_STATE_CHECKPOINT_REQUESTED
            : COLO_STATE_PROTECTED);
}

void
colo_instance_get_status(struct colo_instance *inst,
                         struct colo_instance_status *status)
    OVS_EXCLUDED(inst->mutex)
{
    bool requested;

    ovs_mutex_lock(&inst->mutex);
    requested = colo_compare_get_request(&inst->compare, &status->request);
    status->role = inst->role;
    status->state = instance_state(inst, requested);
    ovs_mutex_unlock(&inst->mutex);
}

/* Puts 'inst''s statistics for the COLO table in 'keys' and 'values', which
 * have room for COLO_N_DB_STATS, and returns how many. */
size_t
colo_instance_stats_to_db(struct colo_instance *inst, const char *keys[],
                          int64_t values[])
    OVS_EXCLUDED(inst->mutex)
{
    size_t n = 0;

    ovs_mutex_lock(&inst->mutex);
    ovs_mutex_lock(&inst->compare.mutex);
    colo_compare_stats_to_db(&inst->compare, keys, values, &n);
    ovs_mutex_unlock(&inst->compare.mutex);
    colo_rewriter_stats_to_db(&inst->rewriter, keys, values, &n);
    ovs_mutex_unlock(&inst->mutex);
    ovs_assert(n <= COLO_N_DB_STATS);
    return n;
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
    case COLO_STATE_UNCONFIGURED:
        return "unconfigured";
    }
    return "<unknown>";
}

/* The connections colo/show lists. */
#define COLO_SHOW_BUSIEST 5

void
colo_instance_format(struct colo_instance *inst, struct ds *s)
    OVS_EXCLUDED(inst->mutex)
{
    struct colo_compare *cmp = &inst->compare;

    /* Both locks for the whole report, so that its state, request and
     * counters are of one moment. */
    ovs_mutex_lock(&inst->mutex);
    ovs_mutex_lock(&cmp->mutex);
    ds_put_format(s, "instance %"PRIu32, inst->id);
    if (inst->name && inst->name[0]) {
        ds_put_format(s, " (%s)", inst->name);
    }
    ds_put_format(s, ": %s", colo_state_to_string(
                      instance_state(inst, cmp->requested)));
    if (inst->role != COLO_ROLE_NONE) {
        ds_put_format(s, ", %s", colo_role_to_string(inst->role));
    }
    ds_put_char(s, '\n');
    if (colo_instance_is_unconfigured(inst)
        && !colo_instance_is_failed_over(inst)) {
        ds_put_cstr(s, "  unconfigured (no COLO row): primary packets pass "
                    "uncompared, secondary packets are dropped\n");
    }
    ds_put_cstr(s, "  options: ");
    colo_options_format(&inst->options, s);
    ds_put_char(s, '\n');
    if (inst->error) {
        /* The row's status:error says the same. */
        ds_put_format(s, "  error: %s\n", inst->error);
    }
    colo_compare_format_now(cmp, s);
    ds_put_cstr(s, "  last request: ");
    colo_request_format(&cmp->request, s);
    ds_put_char(s, '\n');
    colo_compare_format_stats(cmp, s);
    colo_rewriter_format(&inst->rewriter, s);
    if (hmap_count(&cmp->conns)) {
        ds_put_format(s, "  busiest connections:\n");
        colo_compare_format_conns(cmp, COLO_SHOW_BUSIEST, s);
    }
    ovs_mutex_unlock(&cmp->mutex);
    ovs_mutex_unlock(&inst->mutex);
}

/* Formats every connection 'inst' compares, those that hold the most
 * packets first, and every connection it rewrites. */
void
colo_instance_format_conns(struct colo_instance *inst, struct ds *s)
    OVS_EXCLUDED(inst->mutex)
{
    struct colo_compare *cmp = &inst->compare;

    ovs_mutex_lock(&inst->mutex);
    ds_put_format(s, "instance %"PRIu32":\n", inst->id);
    ovs_mutex_lock(&cmp->mutex);
    ds_put_format(s, "  compared: %"PRIuSIZE"\n", hmap_count(&cmp->conns));
    colo_compare_format_conns(cmp, SIZE_MAX, s);
    ovs_mutex_unlock(&cmp->mutex);
    ds_put_format(s, "  rewritten: %"PRIuSIZE"\n",
                  hmap_count(&inst->rewriter.conns));
    colo_rewriter_format_conns(&inst->rewriter, time_msec(), s);
    ovs_mutex_unlock(&inst->mutex);
}
