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

#ifndef COLO_COLO_OVSDB_H
#define COLO_COLO_OVSDB_H 1

/* The COLO table of the Open_vSwitch database, as ovs-vswitchd's bridge
 * sees it: rows configure instances, and instances' states, checkpoint
 * requests and counters are written back.
 *
 * All of it runs on the main thread, called from vswitchd/bridge.c. */

struct ovsdb_idl;
struct ovsrec_open_vswitch;

void colo_ovsdb_init(struct ovsdb_idl *);
void colo_ovsdb_reconfigure(const struct ovsrec_open_vswitch *);
void colo_ovsdb_run(struct ovsdb_idl *, const struct ovsrec_open_vswitch *);
void colo_ovsdb_wait(struct ovsdb_idl *);

#endif /* colo/colo-ovsdb.h */
