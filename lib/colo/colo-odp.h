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

#ifndef COLO_COLO_ODP_H
#define COLO_COLO_ODP_H 1

/* The datapath action OVS_ACTION_ATTR_COLO: its netlink layout, its
 * validation, and its text form for odp-util ("colo(...)" in
 * dpctl/dump-flows and ofproto/trace).
 *
 * One attribute carries every mode, so that OVS's switches over datapath
 * actions need one case each; its nested attributes are COLO_ATTR_*. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "colo/colo-types.h"

struct ds;
struct hmap;
struct nlattr;
struct ofpbuf;
struct parse_odp_context;

enum colo_odp_attr {
    COLO_ATTR_UNSPEC,
    COLO_ATTR_MODE,             /* u8: enum colo_mode. */
    COLO_ATTR_ID,               /* u32: COLO instance id, 1 or more. */
    COLO_ATTR_ACTIONS,          /* Nested datapath actions: for COLO_MIRROR
                                 * what the copy does ("copy(...)"), for
                                 * COLO_PRIMARY what a released packet does
                                 * ("release(...)"). */
    __COLO_ATTR_MAX
};

/* A COLO datapath action, parsed.  'actions' points into the attribute. */
struct colo_odp_action {
    enum colo_mode mode;
    uint32_t id;
    const struct nlattr *actions;       /* COLO_MIRROR, COLO_PRIMARY. */
    size_t actions_len;
};

bool colo_odp_action_parse(const struct nlattr *,
                           struct colo_odp_action *);

/* Building the action: colo_odp_start(), then for COLO_MIRROR and
 * COLO_PRIMARY the nested actions between colo_odp_start_actions() and
 * nl_msg_end_nested(), then nl_msg_end_nested() on the start's offset. */
size_t colo_odp_start(struct ofpbuf *, enum colo_mode, uint32_t id);
size_t colo_odp_start_actions(struct ofpbuf *);
bool colo_mode_has_actions(enum colo_mode);

/* Text form.  odp-util passes its own parser of action lists, and its
 * context, for the nested actions (copy(...), release(...)). */
typedef int colo_odp_parse_actions_func(struct parse_odp_context *,
                                        const char *s,
                                        struct ofpbuf *actions);
void colo_odp_format(struct ds *, const struct nlattr *,
                     const struct hmap *portno_names);
int colo_odp_parse(const char *s, struct ofpbuf *actions,
                   colo_odp_parse_actions_func *,
                   struct parse_odp_context *);

#endif /* colo/colo-odp.h */
