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

/* Runs fuzz inputs through the COLO fuzz harnesses without libFuzzer, in
 * the ordinary build: the seed corpus and the inputs that once crashed,
 * as regression tests.
 *
 *     ovstest test-colo-fuzz compare|rewrite|actions FILE...
 *
 * Each file is one input.  Prints nothing and exits 0 when every input
 * passed; a harness that finds a fault aborts. */

#include <config.h>
#undef NDEBUG
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "colo-fuzz.h"
#include "openvswitch/ofpbuf.h"
#include "ovstest.h"
#include "util.h"

static void
read_input(const char *file_name, struct ofpbuf *input)
{
    FILE *file = fopen(file_name, "rb");
    char buf[4096];
    size_t n;

    if (!file) {
        ovs_fatal(errno, "%s: open failed", file_name);
    }
    while ((n = fread(buf, 1, sizeof buf, file)) > 0) {
        ofpbuf_put(input, buf, n);
    }
    if (ferror(file)) {
        ovs_fatal(errno, "%s: read failed", file_name);
    }
    fclose(file);
}

static void
test_colo_fuzz_main(int argc, char *argv[])
{
    int (*harness)(const uint8_t *, size_t);

    if (argc < 3) {
        ovs_fatal(0, "usage: %s compare|rewrite|actions FILE...", argv[0]);
    }
    if (!strcmp(argv[1], "compare")) {
        harness = colo_fuzz_compare;
    } else if (!strcmp(argv[1], "rewrite")) {
        harness = colo_fuzz_rewrite;
    } else if (!strcmp(argv[1], "actions")) {
        harness = colo_fuzz_actions;
    } else {
        ovs_fatal(0, "%s: unknown harness", argv[1]);
    }

    for (int i = 2; i < argc; i++) {
        struct ofpbuf input;

        ofpbuf_init(&input, 0);
        read_input(argv[i], &input);
        harness(input.data, input.size);
        ofpbuf_uninit(&input);
    }
}

OVSTEST_REGISTER("test-colo-fuzz", test_colo_fuzz_main);
