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

/* The OpenFlow side of colo_mirror, colo_redirect and colo_rewrite: wire
 * format, parsing, formatting and checks (see ofp-colo.h). */

#include <config.h>
#include "ofp-colo.h"

#include <ctype.h>
#include <string.h>
#include "colo/colo-types.h"
#include "colors.h"
#include "flow.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/ofp-errors.h"
#include "openvswitch/ofp-parse.h"
#include "openvswitch/ofp-port.h"
#include "openvswitch/ofp-table.h"
#include "util.h"

/* The OpenFlow action type that carries 'mode'. */
static enum ofpact_type
colo_ofpact_type(enum colo_mode mode)
{
    switch (mode) {
    case COLO_MIRROR:
        return OFPACT_COLO_MIRROR;
    case COLO_PRIMARY:
    case COLO_SECONDARY:
        return OFPACT_COLO_REDIRECT;
    case COLO_TO_GUEST:
    case COLO_FROM_GUEST:
        return OFPACT_COLO_REWRITE;
    }
    OVS_NOT_REACHED();
}

/* A mirror's copy goes to a switch port: not 0, not a reserved port. */
static bool
colo_mirror_port_is_valid(ofp_port_t port)
{
    return ofp_to_u16(port) && ofp_to_u16(port) < ofp_to_u16(OFPP_MAX);
}

static struct ofpact_colo *
colo_ofpact_put(struct ofpbuf *ofpacts, enum colo_mode mode)
{
    struct ofpact_colo *colo;

    colo = ofpact_put(ofpacts, colo_ofpact_type(mode), sizeof *colo);
    colo->mode = mode;
    colo->port = OFPP_NONE;
    return colo;
}

enum ofperr
ofp_colo_decode(const struct nx_action_colo *nac, struct ofpbuf *out)
{
    enum colo_mode mode = nac->mode;
    uint32_t id = ntohl(nac->id);

    if (mode >= COLO_N_MODES || !id) {
        return OFPERR_OFPBAC_BAD_ARGUMENT;
    }
    if (!is_all_zeros(nac->pad, sizeof nac->pad)
        || (mode != COLO_PRIMARY && nac->table_id)
        || (mode != COLO_MIRROR && nac->port)) {
        return OFPERR_NXBRC_MUST_BE_ZERO;
    }
    if (mode == COLO_PRIMARY && nac->table_id == 255) {
        return OFPERR_OFPBRC_BAD_TABLE_ID;
    }
    ofp_port_t port = u16_to_ofp(ntohs(nac->port));
    if (mode == COLO_MIRROR && !colo_mirror_port_is_valid(port)) {
        return OFPERR_OFPBAC_BAD_OUT_PORT;
    }

    struct ofpact_colo *colo = colo_ofpact_put(out, mode);
    colo->id = id;
    colo->table_id = nac->table_id;
    colo->port = mode == COLO_MIRROR ? port : OFPP_NONE;
    return 0;
}

void
ofp_colo_encode(const struct ofpact_colo *colo, struct nx_action_colo *nac)
{
    nac->mode = colo->mode;
    nac->id = htonl(colo->id);
    if (colo->mode == COLO_PRIMARY) {
        nac->table_id = colo->table_id;
    } else if (colo->mode == COLO_MIRROR) {
        nac->port = htons(ofp_to_u16(colo->port));
    }
}

/* Parses 'value' as an instance id.  Goes through 64 bits because
 * str_to_u32() takes 4294967296 for 0 where unsigned long is 64 bits, and
 * refuses a sign, which strtoull() would take. */
static char * OVS_WARN_UNUSED_RESULT
parse_colo_id(const char *name, const char *value, uint32_t *id)
{
    uint64_t id64;
    char *error = (isdigit((unsigned char) value[0])
                   ? str_to_u64(value, &id64)
                   : xstrdup("not a number"));

    if (error || id64 > UINT32_MAX) {
        free(error);
        return xasprintf("%s: id \"%s\" is not a number from 1 to %"PRIu32,
                         name, value, UINT32_MAX);
    }
    if (!id64) {
        return xasprintf("%s: id 0 is out of range (1 to %"PRIu32")",
                         name, UINT32_MAX);
    }
    *id = id64;
    return NULL;
}

static char * OVS_WARN_UNUSED_RESULT
parse_colo_port(const char *name, const char *value,
                const struct ofpact_parse_params *pp, ofp_port_t *port)
{
    if (!ofputil_port_from_string(value, pp->port_map, port)) {
        return xasprintf("%s: unknown port \"%s\"", name, value);
    }
    if (!colo_mirror_port_is_valid(*port)) {
        return xasprintf("%s: port \"%s\" is not a switch port", name,
                         value);
    }
    return NULL;
}

static char * OVS_WARN_UNUSED_RESULT
parse_colo_table(const char *name, const char *value,
                 const struct ofpact_parse_params *pp, uint8_t *table_id)
{
    if (!ofputil_table_from_string(value, pp->table_map, table_id)
        || *table_id == 255) {
        return xasprintf("%s: table \"%s\" is not a table from 0 to 254",
                         name, value);
    }
    return NULL;
}

/* The mode that 'key' selects for 'type', or -1 if it selects none. */
static int
colo_mode_keyword(enum ofpact_type type, const char *key)
{
    enum colo_mode mode;

    return (colo_mode_from_string(key, &mode)
            && colo_ofpact_type(mode) == type
            && mode != COLO_MIRROR ? mode : -1);
}

static const char *
colo_mode_choices(enum ofpact_type type)
{
    return (type == OFPACT_COLO_REDIRECT ? "primary or secondary"
            : "to_guest or from_guest");
}

/* Parses the argument of colo_mirror(id=N,port=P),
 * colo_redirect(id=N,primary,table=T), colo_redirect(id=N,secondary) or
 * colo_rewrite(id=N,to_guest|from_guest). */
char * OVS_WARN_UNUSED_RESULT
ofp_colo_parse(enum ofpact_type type, char *arg,
               const struct ofpact_parse_params *pp)
{
    const char *name = ofpact_name(type);
    int mode = type == OFPACT_COLO_MIRROR ? COLO_MIRROR : -1;
    ofp_port_t port = OFPP_NONE;
    bool have_table = false;
    uint8_t table_id = 0;
    uint32_t id = 0;
    char *key, *value;
    char *error;

    while (ofputil_parse_key_value(&arg, &key, &value)) {
        int keyword_mode = colo_mode_keyword(type, key);

        if (!strcmp(key, "id")) {
            error = parse_colo_id(name, value, &id);
        } else if (type == OFPACT_COLO_MIRROR && !strcmp(key, "port")) {
            error = parse_colo_port(name, value, pp, &port);
        } else if (type == OFPACT_COLO_REDIRECT && !strcmp(key, "table")) {
            error = parse_colo_table(name, value, pp, &table_id);
            have_table = true;
        } else if (keyword_mode >= 0) {
            error = (value[0]
                     ? xasprintf("%s: %s takes no value", name, key)
                     : mode >= 0 && mode != keyword_mode
                     ? xasprintf("%s: give only one of %s", name,
                                 colo_mode_choices(type))
                     : NULL);
            mode = keyword_mode;
        } else {
            error = xasprintf("%s: unknown keyword \"%s\"", name, key);
        }
        if (error) {
            return error;
        }
    }

    if (!id) {
        return xasprintf("%s: id=N is required", name);
    }
    if (mode < 0) {
        return xasprintf("%s: one of %s is required", name,
                         colo_mode_choices(type));
    }
    if (mode == COLO_MIRROR && port == OFPP_NONE) {
        return xasprintf("%s: port=P is required", name);
    }
    if (mode == COLO_PRIMARY && !have_table) {
        return xasprintf("%s: primary needs table=T, the table where "
                         "released packets continue", name);
    }
    if (mode == COLO_SECONDARY && have_table) {
        return xasprintf("%s: secondary takes no table: the compare "
                         "consumes the secondary's packets", name);
    }

    struct ofpact_colo *colo = colo_ofpact_put(pp->ofpacts, mode);
    colo->id = id;
    colo->port = port;
    colo->table_id = table_id;
    return NULL;
}

void
ofp_colo_format(const struct ofpact_colo *colo,
                const struct ofpact_format_params *fp)
{
    ds_put_format(fp->s, "%s%s(%s%sid=%s%"PRIu32,
                  colors.paren, ofpact_name(colo->ofpact.type), colors.end,
                  colors.param, colors.end, colo->id);
    if (colo->mode == COLO_MIRROR) {
        ds_put_format(fp->s, ",%sport=%s", colors.param, colors.end);
        ofputil_format_port(colo->port, fp->port_map, fp->s);
    } else {
        ds_put_format(fp->s, ",%s%s%s", colors.value,
                      colo_mode_to_string(colo->mode), colors.end);
    }
    if (colo->mode == COLO_PRIMARY) {
        ds_put_format(fp->s, ",%stable=%s", colors.special, colors.end);
        ofputil_format_table(colo->table_id, fp->table_map, fp->s);
    }
    ds_put_format(fp->s, "%s)%s", colors.paren, colors.end);
}

enum ofperr
ofp_colo_check(const struct ofpact_colo *colo,
               const struct ofpact_check_params *cp)
{
    if (colo->mode == COLO_MIRROR) {
        return (colo_mirror_port_is_valid(colo->port)
                ? ofpact_check_output_port(colo->port, cp->max_ports)
                : OFPERR_OFPBAC_BAD_OUT_PORT);
    }
    if (colo->mode == COLO_PRIMARY && colo->table_id >= cp->n_tables) {
        return OFPERR_OFPBRC_BAD_TABLE_ID;
    }
    return 0;
}
