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

/* The COLO table (colo-ovsdb.h): configuration in, status and counters
 * out. */

#include <config.h>
#include "colo/colo-ovsdb.h"

#include "colo/colo.h"
#include "colo/colo-instance.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/hmap.h"
#include "openvswitch/poll-loop.h"
#include "openvswitch/vlog.h"
#include "ovsdb-idl.h"
#include "seq.h"
#include "smap.h"
#include "timeval.h"
#include "util.h"
#include "uuid.h"
#include "vswitch-idl.h"

VLOG_DEFINE_THIS_MODULE(colo_ovsdb);

/* An instance that a row of the COLO table configures. */
struct colo_config {
    struct hmap_node node;      /* In 'configs', by 'id'. */
    uint32_t id;
    struct uuid row;            /* The row's UUID. */
    char *error;                /* Why its options were refused, or NULL. */
};

static struct hmap configs = HMAP_INITIALIZER(&configs);

/* Status is written in a transaction of its own whenever an instance's
 * state or checkpoint request changes, so that a request reaches the
 * database within milliseconds; the counters ride along on the
 * statistics timer. */
static struct ovsdb_idl_txn *status_txn;
static uint64_t status_seqno;
static bool status_try_again;
static long long int stats_timer = LLONG_MIN;
static int stats_timer_interval;

/* How long to wait before writing status again after a transaction
 * failed, as bridge.c does. */
#define COLO_STATUS_RETRY_MSEC 100

void
colo_ovsdb_init(struct ovsdb_idl *idl)
{
    colo_init();
    /* ovs-vswitchd: an instance needs a row, since only through it do
     * checkpoint requests reach an agent. */
    colo_instances_require_rows();
    status_seqno = seq_read(colo_status_seq);
    ovsdb_idl_omit_alert(idl, &ovsrec_colo_col_status);
    ovsdb_idl_omit_alert(idl, &ovsrec_colo_col_statistics);
}

static struct colo_config *
config_find(const struct hmap *map, uint32_t id)
{
    struct colo_config *cfg;

    HMAP_FOR_EACH_WITH_HASH (cfg, node, hash_int(id, 0), map) {
        if (cfg->id == id) {
            return cfg;
        }
    }
    return NULL;
}

static void
config_destroy(struct colo_config *cfg)
{
    free(cfg->error);
    free(cfg);
}

/* Parses 'row''s options over the defaults into 'options'.  Returns NULL,
 * or a message the caller frees that names every bad option, by name, so
 * that the operator fixes them in one go rather than one at a time. */
static char *
parse_options(const struct ovsrec_colo *row, struct colo_options *options)
{
    const struct smap_node **nodes = smap_sort(&row->options);
    size_t n = smap_count(&row->options);
    struct ds errors = DS_EMPTY_INITIALIZER;

    colo_options_init(options);
    for (size_t i = 0; i < n; i++) {
        char *error = colo_options_parse(options, nodes[i]->key,
                                         nodes[i]->value);

        if (error) {
            ds_put_format(&errors, "%s%s", errors.length ? "; " : "", error);
            free(error);
        }
    }
    free(nodes);
    return errors.length ? ds_steal_cstr(&errors) : NULL;
}

/* Applies 'row' to its instance and records it in 'new'.  'old' is the
 * record of the previous pass, if any. */
static void
configure_row(const struct ovsrec_colo *row, const struct colo_config *old,
              struct hmap *new)
{
    struct colo_config *cfg = xzalloc(sizeof *cfg);
    struct colo_instance *inst;
    struct colo_options options;
    enum colo_role role;

    cfg->id = row->id;
    cfg->row = row->header_.uuid;
    hmap_insert(new, &cfg->node, hash_int(cfg->id, 0));

    inst = colo_instance_get_for_row(cfg->id);
    cfg->error = parse_options(row, &options);
    if (cfg->error) {
        /* A typo must not undo a working configuration. */
        colo_instance_get_options(inst, &options);
    }
    if (!nullable_string_is_equal(old ? old->error : NULL, cfg->error)) {
        if (cfg->error) {
            VLOG_WARN("instance %"PRIu32": %s; keeping its options",
                      cfg->id, cfg->error);
        }
        seq_change(colo_status_seq);
    }
    colo_instance_set_error(inst, cfg->error);

    /* The schema allows no other roles. */
    role = !strcmp(row->role, "secondary") ? COLO_ROLE_SECONDARY
                                            : COLO_ROLE_PRIMARY;
    colo_instance_configure(inst, role, row->name, &options);
}

/* Applies the COLO rows that 'ovs_cfg''s bridges hold, and unconfigures
 * the instances whose rows are gone.  An instance whose row was replaced
 * by another with the same id is unconfigured before the new row
 * applies. */
void
colo_ovsdb_reconfigure(const struct ovsrec_open_vswitch *ovs_cfg)
{
    struct hmap new = HMAP_INITIALIZER(&new);
    struct colo_config *cfg;

    for (size_t i = 0; i < ovs_cfg->n_bridges; i++) {
        const struct ovsrec_bridge *br = ovs_cfg->bridges[i];

        for (size_t j = 0; j < br->n_colo; j++) {
            const struct ovsrec_colo *row = br->colo[j];
            const struct colo_config *old;

            /* Two bridges may hold the same row; the schema keeps ids
             * unique among rows. */
            if (config_find(&new, row->id)) {
                continue;
            }
            old = config_find(&configs, row->id);
            if (old && !uuid_equals(&old->row, &row->header_.uuid)) {
                colo_instance_unconfigure(colo_instance_get_for_row(row->id));
                old = NULL;
            }
            configure_row(row, old, &new);
        }
    }

    HMAP_FOR_EACH_POP (cfg, node, &configs) {
        if (!config_find(&new, cfg->id)) {
            colo_instance_unconfigure(colo_instance_get_for_row(cfg->id));
        }
        config_destroy(cfg);
    }
    hmap_swap(&configs, &new);
    hmap_destroy(&new);

    /* The database may have been reconnected or restarted, and status is
     * ephemeral: write it again.  Unchanged values cost nothing. */
    status_try_again = true;
}

static void
put_request_status(const struct colo_request *r, struct smap *status)
{
    smap_add_format(status, "request_seqno", "%"PRIu64, r->seqno);
    if (r->seqno) {
        struct ds s = DS_EMPTY_INITIALIZER;

        smap_add(status, "request_reason", colo_reason_to_string(r->reason));
        if (r->has_key) {
            colo_packet_key_format(&r->key, &s);
            smap_add(status, "request_conn", ds_cstr(&s));
            ds_clear(&s);
        }
        ds_put_strftime_msec(&s, COLO_TIME_FORMAT, r->time, true);
        smap_add(status, "request_time", ds_cstr(&s));
        ds_destroy(&s);
    }
}

static void
write_status(const struct ovsrec_colo *row, bool with_statistics)
{
    const struct colo_config *cfg = config_find(&configs, row->id);
    struct smap status = SMAP_INITIALIZER(&status);
    struct colo_instance_status st;
    struct colo_instance *inst;

    if (!cfg) {
        /* Not applied yet. */
        return;
    }

    inst = colo_instance_get_for_row(row->id);
    colo_instance_get_status(inst, &st);
    smap_add(&status, "state", colo_state_to_string(st.state));
    put_request_status(&st.request, &status);
    if (cfg->error) {
        smap_add(&status, "error", cfg->error);
    }
    ovsrec_colo_set_status(row, &status);
    smap_destroy(&status);

    if (with_statistics) {
        const char *keys[COLO_N_DB_STATS];
        int64_t values[COLO_N_DB_STATS];
        size_t n = colo_instance_stats_to_db(inst, keys, values);

        ovsrec_colo_set_statistics(row, keys, values, n);
    }
}

/* Follows the bridge's statistics interval, with the same floor; like the
 * bridge, writes the counters at once when it changes. */
static void
update_stats_interval(const struct ovsrec_open_vswitch *ovs_cfg)
{
    int interval = MAX(ovs_cfg ? smap_get_int(&ovs_cfg->other_config,
                                              "stats-update-interval", 5000)
                               : 5000, 5000);

    if (interval != stats_timer_interval) {
        stats_timer_interval = interval;
        stats_timer = LLONG_MIN;
    }
}

/* Writes the status of every row whose instance changed state or raised a
 * request, and every row's counters when the statistics timer expires. */
void
colo_ovsdb_run(struct ovsdb_idl *idl,
               const struct ovsrec_open_vswitch *ovs_cfg)
{
    update_stats_interval(ovs_cfg);
    if (!status_txn) {
        uint64_t seqno = seq_read(colo_status_seq);
        long long int now = time_msec();
        bool stats_due = now >= stats_timer;

        if (seqno != status_seqno || stats_due || status_try_again) {
            const struct ovsrec_colo *row;

            status_seqno = seqno;
            status_try_again = false;
            status_txn = ovsdb_idl_txn_create(idl);
            OVSREC_COLO_FOR_EACH (row, idl) {
                write_status(row, stats_due);
            }
            if (stats_due) {
                stats_timer = now + stats_timer_interval;
            }
        }
    }

    if (status_txn) {
        enum ovsdb_idl_txn_status status = ovsdb_idl_txn_commit(status_txn);

        if (status != TXN_INCOMPLETE) {
            ovsdb_idl_txn_destroy(status_txn);
            status_txn = NULL;
            /* Keep a rewrite asked for meanwhile, e.g. by a reconfigure
             * that added a row. */
            if (status != TXN_SUCCESS && status != TXN_UNCHANGED) {
                status_try_again = true;
            }
        }
    }
}

void
colo_ovsdb_wait(struct ovsdb_idl *idl)
{
    /* bridge_run() does not call colo_ovsdb_run() in these cases: waiting
     * on the seq would only spin. */
    if (!ovsdb_idl_has_ever_connected(idl) || !ovsdb_idl_has_lock(idl)) {
        return;
    }

    if (status_txn) {
        ovsdb_idl_txn_wait(status_txn);
    } else if (status_try_again) {
        poll_timer_wait(COLO_STATUS_RETRY_MSEC);
    } else {
        seq_wait(colo_status_seq, status_seqno);
        if (!hmap_is_empty(&configs)) {
            poll_timer_wait_until(stats_timer);
        }
    }
}
