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

#include <errno.h>
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
    [COLO_ATTR_PORT] = { .type = NL_A_U32, .optional = true },
    [COLO_ATTR_RELEASE] = { .type = NL_A_NESTED, .optional = true },
};

/* Parses 'a', an OVS_ACTION_ATTR_COLO, into 'action'.  Returns false if it
 * is malformed: a nested attribute missing or of the wrong size, an unknown
 * mode, or a port or release list where the mode has none (or none where it
 * needs one). */
bool
colo_odp_action_parse(const struct nlattr *a, struct colo_odp_action *action)
{
    struct nlattr *attrs[ARRAY_SIZE(colo_odp_policy)];

    if (!nl_parse_nested(a, colo_odp_policy, attrs, ARRAY_SIZE(attrs))) {
        return false;
    }

    uint8_t mode = nl_attr_get_u8(attrs[COLO_ATTR_MODE]);
    if (mode >= COLO_N_MODES
        || !attrs[COLO_ATTR_PORT] != (mode != COLO_MIRROR)
        || !attrs[COLO_ATTR_RELEASE] != (mode != COLO_PRIMARY)) {
        return false;
    }

    *action = (struct colo_odp_action) {
        .mode = mode,
        .id = nl_attr_get_u32(attrs[COLO_ATTR_ID]),
        .port = (attrs[COLO_ATTR_PORT]
                 ? nl_attr_get_odp_port(attrs[COLO_ATTR_PORT]) : ODPP_NONE),
        .release = (attrs[COLO_ATTR_RELEASE]
                    ? nl_attr_get(attrs[COLO_ATTR_RELEASE]) : NULL),
        .release_len = (attrs[COLO_ATTR_RELEASE]
                        ? nl_attr_get_size(attrs[COLO_ATTR_RELEASE]) : 0),
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

void
colo_odp_put_port(struct ofpbuf *actions, odp_port_t port)
{
    nl_msg_put_odp_port(actions, COLO_ATTR_PORT, port);
}

size_t
colo_odp_start_release(struct ofpbuf *actions)
{
    return nl_msg_start_nested(actions, COLO_ATTR_RELEASE);
}

/* Formats 'a' as "colo(MODE,id=ID[,port=PORT][,release(ACTIONS)])". */
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
    if (action.mode == COLO_MIRROR) {
        ds_put_cstr(ds, ",port=");
        odp_portno_name_format(portno_names, action.port, ds);
    } else if (action.mode == COLO_PRIMARY) {
        ds_put_cstr(ds, ",release(");
        format_odp_actions(ds, action.release, action.release_len,
                           portno_names);
        ds_put_char(ds, ')');
    }
    ds_put_char(ds, ')');
}

/* Parses the text form that colo_odp_format() writes, at the start of 's',
 * into 'actions', with 'parse_actions' and 'context' for the release list.
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
    if (!ovs_scan(s, "colo(%15[a-z_],id=%"SCNi32"%n", mode_name, &id, &n)
        || !colo_mode_from_string(mode_name, &mode)) {
        return -EINVAL;
    }

    size_t offset = colo_odp_start(actions, mode, id);
    if (mode == COLO_MIRROR) {
        uint32_t port;
        int m = -1;

        if (!ovs_scan(s + n, ",port=%"SCNi32"%n", &port, &m)) {
            return -EINVAL;
        }
        colo_odp_put_port(actions, u32_to_odp(port));
        n += m;
    } else if (mode == COLO_PRIMARY) {
        int m = -1;

        if (!ovs_scan(s + n, ",release(%n", &m)) {
            return -EINVAL;
        }
        n += m;

        size_t release = colo_odp_start_release(actions);
        if (!strncmp(s + n, "drop", 4)) {
            n += 4;
        } else {
            int retval = parse_actions(context, s + n, actions);
            if (retval < 0) {
                return retval;
            }
            n += retval;
        }
        nl_msg_end_nested(actions, release);
        if (s[n++] != ')') {
            return -EINVAL;
        }
    }
    nl_msg_end_nested(actions, offset);
    return s[n] == ')' ? n + 1 : -EINVAL;
}
