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

/* The names of COLO's modes and checkpoint reasons (colo-types.h). */

#include <config.h>
#include "colo/colo-types.h"

#include <string.h>

static const char *const colo_mode_names[COLO_N_MODES] = {
    [COLO_MIRROR] = "mirror",
    [COLO_PRIMARY] = "primary",
    [COLO_SECONDARY] = "secondary",
    [COLO_TO_GUEST] = "to_guest",
    [COLO_FROM_GUEST] = "from_guest",
};

const char *
colo_mode_to_string(enum colo_mode mode)
{
    return mode < COLO_N_MODES ? colo_mode_names[mode] : "<unknown>";
}

bool
colo_mode_from_string(const char *s, enum colo_mode *mode)
{
    for (int i = 0; i < COLO_N_MODES; i++) {
        if (!strcmp(s, colo_mode_names[i])) {
            *mode = i;
            return true;
        }
    }
    return false;
}

static const char *const colo_reason_names[COLO_N_REASONS] = {
    [COLO_REASON_NONE] = "none",
    [COLO_REASON_PAYLOAD] = "payload",
    [COLO_REASON_LENGTH] = "length",
    [COLO_REASON_TCP_FLAGS] = "tcp_flags",
    [COLO_REASON_TIMEOUT] = "timeout",
    [COLO_REASON_QUEUE_FULL] = "queue_full",
    [COLO_REASON_HELD_LIMIT] = "held_limit",
    [COLO_REASON_CONN_LIMIT] = "conn_limit",
};

const char *
colo_reason_to_string(enum colo_reason reason)
{
    return reason < COLO_N_REASONS ? colo_reason_names[reason] : "<unknown>";
}
