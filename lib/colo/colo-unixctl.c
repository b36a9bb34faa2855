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

/* The ovs-appctl colo/... commands: show instances, and let the COLO frame
 * report checkpoint-done and failover.
 *
 * colo/set-options stands in for the OVSDB configuration until that
 * exists; it creates the instance if needed, like the first COLO action
 * that names it. */

#include <config.h>
#include "colo/colo-unixctl.h"

#include "colo/colo-instance.h"
#include "openvswitch/dynamic-string.h"
#include "unixctl.h"
#include "util.h"

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

static void
colo_unixctl_checkpoint_done(struct unixctl_conn *conn,
                             int argc OVS_UNUSED, const char *argv[],
                             void *aux OVS_UNUSED)
{
    struct colo_instance *inst = find_instance(conn, argv[1]);

    if (inst) {
        char *error = colo_instance_checkpoint_done(inst);

        if (error) {
            unixctl_command_reply_error(conn, error);
            free(error);
        } else {
            unixctl_command_reply(conn, NULL);
        }
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
colo_unixctl_set_options(struct unixctl_conn *conn, int argc,
                         const char *argv[], void *aux OVS_UNUSED)
{
    struct colo_instance *inst;
    struct colo_options options;
    char *error = NULL;
    uint32_t id;

    if (!parse_id(argv[1], &id)) {
        unixctl_command_reply_error(conn, "an instance id is an integer "
                                    "from 1 to 4294967295");
        return;
    }

    inst = colo_instance_get(id);
    ovs_mutex_lock(&inst->mutex);
    options = inst->options;
    for (int i = 2; i < argc && !error; i++) {
        char *key = xstrdup(argv[i]);
        char *value = strchr(key, '=');

        if (value) {
            *value++ = '\0';
            error = colo_options_parse(&options, key, value);
        } else {
            error = xasprintf("%s: expected KEY=VALUE", argv[i]);
        }
        free(key);
    }
    if (!error) {
        inst->options = options;
    }
    ovs_mutex_unlock(&inst->mutex);

    if (error) {
        unixctl_command_reply_error(conn, error);
        free(error);
    } else {
        unixctl_command_reply(conn, NULL);
    }
}

void
colo_unixctl_register(void)
{
    unixctl_command_register("colo/show", "[ID]", 0, 1,
                             colo_unixctl_show, NULL);
    unixctl_command_register("colo/checkpoint-done", "ID", 1, 1,
                             colo_unixctl_checkpoint_done, NULL);
    unixctl_command_register("colo/failover", "ID", 1, 1,
                             colo_unixctl_failover, NULL);
    unixctl_command_register("colo/set-options", "ID KEY=VALUE...", 1,
                             INT_MAX, colo_unixctl_set_options, NULL);
}
