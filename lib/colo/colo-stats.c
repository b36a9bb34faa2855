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

/* Counters shown and written from their tables (colo-stats.h). */

#include <config.h>
#include "colo/colo-stats.h"

#include <string.h>
#include "openvswitch/dynamic-string.h"
#include "util.h"

static uint64_t
counter_get(const struct colo_counter *c, const void *stats)
{
    uint64_t value;

    memcpy(&value, (const char *) stats + c->offset, sizeof value);
    return value;
}

void
colo_counters_format(const struct colo_counter *counters, size_t n,
                     const void *stats, struct ds *s)
{
    for (size_t i = 0; i < n; i++) {
        ds_put_format(s, " %s=%"PRIu64, counters[i].show,
                      counter_get(&counters[i], stats));
    }
}

void
colo_stats_put(const char *keys[], int64_t values[], size_t *n_stats,
               const char *key, uint64_t value)
{
    size_t i = (*n_stats)++;

    keys[i] = key;
    values[i] = MIN(value, INT64_MAX);
}

void
colo_counters_to_db(const struct colo_counter *counters, size_t n,
                    const void *stats, const char *keys[], int64_t values[],
                    size_t *n_stats)
{
    for (size_t i = 0; i < n; i++) {
        if (counters[i].db) {
            colo_stats_put(keys, values, n_stats, counters[i].db,
                           counter_get(&counters[i], stats));
        }
    }
}
