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

/* The datapath action OVS_ACTION_ATTR_COLO: layout, checks, text form. */

#include <config.h>
#include "colo/colo-odp.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "netlink.h"
#include "odp-netlink.h"
#include "odp-util.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/ofpbuf.h"
#include "util.h"

static const struct nl_policy colo_odp_policy[] = {
    [COLO_ATTR_MODE] = { .type = NL_A_U8 },
    [COLO_ATTR_ID] = { .type = NL_A_U32 },
    [COLO_ATTR_ACTIONS] = { .type = NL_A_NESTED, .optional = true },
};

/* True if 'mode' carries nested actions: what a mirror's copy does, where a
 * released primary packet goes. */
bool
colo_mode_has_actions(enum colo_mode mode)
{
    return mode == COLO_MIRROR || mode == COLO_PRIMARY;
}

/* Parses 'a', an OVS_ACTION_ATTR_COLO, into 'action'.  Returns false if it
 * is malformed: a nested attribute missing or of the wrong size, an unknown
 * mode, id 0, or nested actions where the mode has none or none where it
 * needs them. */
bool
colo_odp_action_parse(const struct nlattr *a, struct colo_odp_action *action)
{
    struct nlattr *attrs[ARRAY_SIZE(colo_odp_policy)];

    if (!nl_parse_nested(a, colo_odp_policy, attrs, ARRAY_SIZE(attrs))) {
        return false;
    }

    uint8_t mode = nl_attr_get_u8(attrs[COLO_ATTR_MODE]);
    uint32_t id = nl_attr_get_u32(attrs[COLO_ATTR_ID]);
    const struct nlattr *actions = attrs[COLO_ATTR_ACTIONS];
    if (mode >= COLO_N_MODES || !id
        || !actions == colo_mode_has_actions(mode)) {
        return false;
    }

    *action = (struct colo_odp_action) {
        .mode = mode,
        .id = id,
        .actions = actions ? nl_attr_get(actions) : NULL,
        .actions_len = actions ? nl_attr_get_size(actions) : 0,
    };
    return true;
}

size_t
colo_odp_start(struct ofpbuf *actions, enum colo_mode mode, uint32_t id)
{
    size_t offset = nl_msg_start_nested(actions, OVS_ACTION_ATTR_COLO);

    nl_msg_put_u8(actions, COLO_ATTR_MODE, mode);
    nl_msg_put_u32(actions, COLO_ATTR_ID, id);
    return offset;
}

size_t
colo_odp_start_actions(struct ofpbuf *actions)
{
    return nl_msg_start_nested(actions, COLO_ATTR_ACTIONS);
}

/* What the text form calls the nested actions of 'mode'. */
static const char *
colo_odp_actions_name(enum colo_mode mode)
{
    return mode == COLO_MIRROR ? "copy" : "release";
}

/* Formats 'a' as "colo(MODE,id=ID)", with ",copy(ACTIONS)" for COLO_MIRROR
 * and ",release(ACTIONS)" for COLO_PRIMARY. */
void
colo_odp_format(struct ds *ds, const struct nlattr *a,
                const struct hmap *portno_names)
{
    struct colo_odp_action action;

    if (!colo_odp_action_parse(a, &action)) {
        ds_put_cstr(ds, "colo(<malformed>)");
        return;
    }

    ds_put_format(ds, "colo(%s,id=%"PRIu32, colo_mode_to_string(action.mode),
                  action.id);
    if (colo_mode_has_actions(action.mode)) {
        ds_put_format(ds, ",%s(", colo_odp_actions_name(action.mode));
        format_odp_actions(ds, action.actions, action.actions_len,
                           portno_names);
        ds_put_char(ds, ')');
    }
    ds_put_char(ds, ')');
}

/* Parses the decimal instance id at the start of 's' into '*id'.  Returns
 * the number of characters parsed, or 0 if there is no id from 1 to
 * UINT32_MAX there. */
static int
colo_odp_scan_id(const char *s, uint32_t *id)
{
    unsigned long long int value;
    char *end;

    if (!isdigit((unsigned char) s[0])) {
        return 0;
    }
    errno = 0;
    value = strtoull(s, &end, 10);
    if (errno || !value || value > UINT32_MAX) {
        return 0;
    }
    *id = value;
    return end - s;
}

/* Parses the text form that colo_odp_format() writes, at the start of 's',
 * into 'actions', with 'parse_actions' and 'context' for the nested actions.
 * Returns the number of characters parsed, 0 if 's' is not a colo action, or
 * a negative errno value if it is a malformed one. */
int
colo_odp_parse(const char *s, struct ofpbuf *actions,
               colo_odp_parse_actions_func *parse_actions,
               struct parse_odp_context *context)
{
    char mode_name[16];
    enum colo_mode mode;
    uint32_t id;
    int n = -1;

    if (strncmp(s, "colo(", 5)) {
        return 0;
    }
    if (!ovs_scan(s, "colo(%15[a-z_],id=%n", mode_name, &n)
        || !colo_mode_from_string(mode_name, &mode)) {
        return -EINVAL;
    }
    int id_len = colo_odp_scan_id(s + n, &id);
    if (!id_len) {
        return -EINVAL;
    }
    n += id_len;

    size_t offset = colo_odp_start(actions, mode, id);
    if (colo_mode_has_actions(mode)) {
        const char *name = colo_odp_actions_name(mode);
        size_t name_len = strlen(name);

        if (s[n] != ',' || strncmp(s + n + 1, name, name_len)
            || s[n + 1 + name_len] != '(') {
            return -EINVAL;
        }
        n += name_len + 2;

        size_t nested = colo_odp_start_actions(actions);
        if (!strncmp(s + n, "drop", 4)) {
            n += 4;
        } else {
            int retval = parse_actions(context, s + n, actions);
            if (retval < 0) {
                return retval;
            }
            n += retval;
        }
        nl_msg_end_nested(actions, nested);
        if (s[n++] != ')') {
            return -EINVAL;
        }
    }
    nl_msg_end_nested(actions, offset);
    return s[n] == ')' ? n + 1 : -EINVAL;
}
