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

#ifndef OFP_COLO_H
#define OFP_COLO_H 1

/* The OpenFlow side of the COLO actions colo_mirror, colo_redirect and
 * colo_rewrite: their Nicira-extension wire format, and how ovs-ofctl parses
 * and formats them.  lib/ofp-actions.c calls in here from its per-action
 * hooks.
 *
 * All three share one wire action, NXAST_COLO:
 *
 *     struct nx_action_colo {
 *         ovs_be16 type;          OFPAT_VENDOR
 *         ovs_be16 len;           24
 *         ovs_be32 vendor;        NX_VENDOR_ID
 *         ovs_be16 subtype;       NXAST_COLO (200)
 *         uint8_t mode;           enum colo_mode (colo/colo-types.h)
 *         uint8_t table_id;       COLO_PRIMARY: release table; else 0
 *         ovs_be32 id;            COLO instance id, 1 or more
 *         ovs_be16 port;          COLO_MIRROR: OpenFlow port; else 0
 *         uint8_t pad[6];         0
 *     };
 *
 * Subtype 200 stays clear of the numbers upstream OVS hands out from 1
 * upward. */

#include "openvswitch/ofp-actions.h"
#include "openvswitch/types.h"
#include "openflow/openflow-common.h"

struct nx_action_colo {
    ovs_be16 type;
    ovs_be16 len;
    ovs_be32 vendor;
    ovs_be16 subtype;
    uint8_t mode;
    uint8_t table_id;
    ovs_be32 id;
    ovs_be16 port;
    uint8_t pad[6];
};
OFP_ASSERT(sizeof(struct nx_action_colo) == 24);

enum ofperr ofp_colo_decode(const struct nx_action_colo *, struct ofpbuf *);
void ofp_colo_encode(const struct ofpact_colo *, struct nx_action_colo *);
char *ofp_colo_parse(enum ofpact_type, char *arg,
                     const struct ofpact_parse_params *)
    OVS_WARN_UNUSED_RESULT;
void ofp_colo_format(const struct ofpact_colo *,
                     const struct ofpact_format_params *);
enum ofperr ofp_colo_check(const struct ofpact_colo *,
                           const struct ofpact_check_params *);

static inline bool
ofpact_is_colo(const struct ofpact *a)
{
    return (a->type == OFPACT_COLO_MIRROR
            || a->type == OFPACT_COLO_REDIRECT
            || a->type == OFPACT_COLO_REWRITE);
}

#endif /* ofp-colo.h */
