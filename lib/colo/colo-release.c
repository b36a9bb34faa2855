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

/* The release actions that held primary packets share (colo-release.h). */

#include <config.h>
#include "colo/colo-release.h"

#include <string.h>
#include "hash.h"
#include "odp-netlink.h"
#include "netlink.h"
#include "util.h"

void
colo_release_set_init(struct colo_release_set *set)
{
    hmap_init(&set->map);
}

void
colo_release_set_destroy(struct colo_release_set *set)
{
    struct colo_release *release;

    HMAP_FOR_EACH_POP (release, node, &set->map) {
        ovs_assert(!atomic_count_get(&release->n_users));
        free(release);
    }
    hmap_destroy(&set->map);
}

static uint32_t
release_hash(const void *owner, const struct nlattr *actions, size_t len)
{
    return hash_bytes(actions, len, hash_pointer(owner, 0));
}

/* Whether datapath actions 'actions' read the flow that the datapath hands
 * them rather than each packet's own headers: ct() does, for the ethertype
 * and ports.  Only the actions that surely do not are let off; a nested
 * list (clone, sample) counts as reading it. */
static bool
actions_need_flow(const struct nlattr *actions, size_t actions_len)
{
    const struct nlattr *a;
    size_t left;

    NL_ATTR_FOR_EACH (a, left, actions, actions_len) {
        switch (nl_attr_type(a)) {
        case OVS_ACTION_ATTR_OUTPUT:
        case OVS_ACTION_ATTR_RECIRC:
        case OVS_ACTION_ATTR_SET:
        case OVS_ACTION_ATTR_SET_MASKED:
        case OVS_ACTION_ATTR_PUSH_VLAN:
        case OVS_ACTION_ATTR_POP_VLAN:
        case OVS_ACTION_ATTR_TRUNC:
            break;
        default:
            return true;
        }
    }
    return false;
}

/* Returns the release for 'actions' through datapath 'owner', counting one
 * more user of it; creates it if needed. */
struct colo_release *
colo_release_use(struct colo_release_set *set, const void *owner,
                 const struct nlattr *actions, size_t actions_len)
{
    uint32_t hash = release_hash(owner, actions, actions_len);
    struct colo_release *release;

    HMAP_FOR_EACH_WITH_HASH (release, node, hash, &set->map) {
        /* 'actions' may be NULL when 'actions_len' is 0. */
        if (release->owner == owner && release->actions_len == actions_len
            && (!actions_len
                || !memcmp(release->actions, actions, actions_len))) {
            atomic_count_inc(&release->n_users);
            return release;
        }
    }

    release = xmalloc(sizeof *release + ROUND_UP(actions_len, 8));
    release->owner = owner;
    atomic_count_init(&release->n_users, 1);
    release->needs_flow = actions_need_flow(actions, actions_len);
    release->actions_len = actions_len;
    nullable_memcpy(release->actions, actions, actions_len);
    hmap_insert(&set->map, &release->node, hash);
    return release;
}

void
colo_release_unuse(struct colo_release *release)
{
    if (release) {
        atomic_count_dec(&release->n_users);
    }
}

/* Frees the releases that no held packet uses.  Called periodically rather
 * than on the last unuse, which may come from a thread that does not hold
 * the set's lock. */
void
colo_release_set_sweep(struct colo_release_set *set)
{
    struct colo_release *release;

    HMAP_FOR_EACH_SAFE (release, node, &set->map) {
        if (!atomic_count_get(&release->n_users)) {
            hmap_remove(&set->map, &release->node);
            free(release);
        }
    }
}

size_t
colo_release_set_count(const struct colo_release_set *set)
{
    return hmap_count(&set->map);
}
