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

#ifndef TESTS_COLO_FUZZ_H
#define TESTS_COLO_FUZZ_H 1

/* What the COLO fuzz targets run on one input: the same functions run
 * under libFuzzer (tests/oss-fuzz/colo_*_target.c) and, for the corpus and
 * the regression inputs, in "ovstest test-colo-fuzz" in the ordinary
 * build.  Each returns 0, or aborts with the property that failed. */

#include <stddef.h>
#include <stdint.h>

int colo_fuzz_compare(const uint8_t *data, size_t size);
int colo_fuzz_rewrite(const uint8_t *data, size_t size);
int colo_fuzz_actions(const uint8_t *data, size_t size);

#endif /* tests/colo-fuzz.h */
