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

#ifndef COLO_COLO_REPAIR_H
#define COLO_COLO_REPAIR_H 1

/* The repair, on the primary host, of what the secondary's side of a TCP
 * connection lost, unseen by the client.
 *
 * The mirror sends each client packet to the secondary host once.  A copy
 * lost on that way leaves a hole in what the SVM received that the client,
 * which hears only the PVM, would never fill.  So each client segment that
 * takes sequence space is kept here, per connection, until the SVM has
 * acknowledged it, and is sent to the SVM again as soon as the SVM's SACK
 * blocks or duplicate acks show that it lacks it: a round trip of the link
 * between the hosts, not of the client's.
 *
 * A segment of the SVM's lost on its way to the compare leaves a hole the
 * other way: the PVM's bytes there wait for bytes the SVM believes sent.
 * The compare asks the SVM for them as the client would, with a duplicate
 * ack whose SACK blocks cover what the SVM sent past the hole.  It is built
 * on the headers of the client's last packet and leaves through the
 * mirror's actions, so the secondary's rewriter moves it into the SVM's
 * space like any client packet.
 *
 * Both leave through the mirror's actions, as copies in colo_held: for a
 * kept segment, 'arrival' is when it last went to the secondary and
 * 'matched' whether it went again.
 *
 * Nothing here locks: the compare that owns the connection does. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "colo/colo-packet.h"
#include "openvswitch/list.h"

struct colo_held;
struct colo_release;
struct dp_packet;

/* How long a segment sent again, or an ask, waits before it may go again:
 * it or its answer may have been lost too. */
#define COLO_REPAIR_AGAIN_MS 10

/* The most SACK blocks an ask carries: with the timestamp option, what a
 * TCP header's 40 bytes of options hold. */
#define COLO_REPAIR_MAX_BLOCKS 3

struct colo_repair {
    struct ovs_list kept;       /* colo_held: the client's segments, in the
                                 * order they came. */
    size_t n_kept;

    /* For asking: the headers of the client's last packet, its view, and
     * the mirror's actions it went through. */
    struct dp_packet *client;
    struct colo_packet client_view;
    struct colo_release *release;
    uint32_t client_next;       /* After the client's last sequence
                                 * number. */

    bool asked;
    uint32_t asked_next;        /* The hole the last ask was for... */
    long long int asked_at;     /* ...and when, time_msec(). */
};

void colo_repair_init(struct colo_repair *);
size_t colo_repair_destroy(struct colo_repair *);

void colo_repair_note_client(struct colo_repair *, const struct dp_packet *,
                             const struct colo_packet *,
                             struct colo_release *);
bool colo_repair_wants(const struct colo_packet *, bool acked_valid,
                       uint32_t acked);
void colo_repair_keep(struct colo_repair *, const struct dp_packet *,
                      const struct colo_packet *, long long int now);

size_t colo_repair_trim(struct colo_repair *, uint32_t ack,
                        struct ovs_list *freed);
bool colo_repair_resend(struct colo_repair *, struct colo_held *secondary,
                        bool dup_ack, long long int now,
                        struct ovs_list *out);
bool colo_repair_retry(struct colo_repair *, long long int now,
                       unsigned int retry_ms, struct ovs_list *out);
struct colo_held *colo_repair_ask(struct colo_repair *, uint32_t next,
                                  const struct ovs_list *secondary,
                                  long long int now);

#endif /* colo/colo-repair.h */
