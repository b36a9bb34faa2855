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

#ifndef COLO_COLO_UNIXCTL_H
#define COLO_COLO_UNIXCTL_H 1

/* The ovs-appctl colo/... commands. */

void colo_unixctl_register(void);
void colo_unixctl_run(void);
void colo_unixctl_wait(void);

#endif /* colo/colo-unixctl.h */
