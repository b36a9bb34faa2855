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

/* Drives the COLO rewriter with frames that carry checksum-offload flags,
 * which no dummy port delivers: the frames a Linux tap or veth hands over
 * with only the pseudo-header's sum in the TCP checksum, for the NIC (or
 * the kernel) to finish.
 *
 *     ovstest test-colo-rewrite DIRECTION HEX-FRAME [DIRECTION HEX-FRAME]...
 *
 * DIRECTION is to_guest or from_guest, optionally followed by "+offload".
 * Each frame goes through the rewriter of instance 1 in turn, in its
 * direction.  A frame
 * marked "+offload" enters with the TX TCP checksum flag and the partial
 * checksum Linux leaves; on the way out, its checksum is finished as a NIC
 * would (the partial one must have been left alone for that to come out
 * right).  Every frame is printed, in hex, as it leaves. */

#include <config.h>
#undef NDEBUG
#include <stdio.h>
#include <string.h>
#include "colo/colo.h"
#include "colo/colo-instance.h"
#include "colo/colo-packet.h"
#include "colo/colo-rewrite.h"
#include "colo/colo-segment.h"
#include "csum.h"
#include "dp-packet.h"
#include "openvswitch/ofpbuf.h"
#include "ovstest.h"
#include "packets.h"
#include "util.h"

/* Where the TCP segment of 'p' starts and how long it is; 'view' gets the
 * rest of the frame's view. */
static void
tcp_segment(const struct dp_packet *p, struct colo_packet *view,
            size_t *ofs, size_t *len)
{
    ovs_assert(!colo_packet_parse(p, view));
    ovs_assert(view->kind == COLO_PACKET_TCP);
    *ofs = view->ofs + view->l4_ofs;
    *len = view->len - view->l4_ofs;
}

static void
put_csum(struct dp_packet *p, size_t tcp_ofs, ovs_be16 csum)
{
    memcpy((uint8_t *) dp_packet_data(p) + tcp_ofs + COLO_TCP_CSUM_OFS, &csum,
           sizeof csum);
}

/* Leaves in the checksum only the sum of the pseudo-header, not inverted,
 * as Linux does for CHECKSUM_PARTIAL. */
static void
make_partial(struct dp_packet *p)
{
    const uint8_t *l3 = dp_packet_data(p);
    struct colo_packet view;
    uint32_t pseudo;
    size_t ofs, len;

    tcp_segment(p, &view, &ofs, &len);
    l3 += view.ofs;
    pseudo = (view.key.dl_type == htons(ETH_TYPE_IP)
              ? packet_csum_pseudoheader(ALIGNED_CAST(const void *, l3))
              : packet_csum_pseudoheader6(ALIGNED_CAST(const void *, l3)));
    put_csum(p, ofs, (OVS_FORCE ovs_be16) ~csum_finish(pseudo));
    dp_packet_hwol_set_csum_tcp(p);
}

/* Finishes the checksum as a NIC does: sums the segment, whose checksum
 * field holds the pseudo-header's sum, and stores the complement. */
static void
finish_partial(struct dp_packet *p)
{
    struct colo_packet view;
    size_t ofs, len;

    tcp_segment(p, &view, &ofs, &len);
    put_csum(p, ofs, csum((uint8_t *) dp_packet_data(p) + ofs, len));
}

static void
test_colo_rewrite_main(int argc, char *argv[])
{
    struct colo_instance *inst = colo_instance_get(1);

    if (argc < 3 || argc % 2 == 0) {
        ovs_fatal(0, "usage: %s DIRECTION[+offload] HEX-FRAME...", argv[0]);
    }
    for (int i = 1; i < argc; i += 2) {
        char *direction = xstrdup(argv[i]);
        char *plus = strchr(direction, '+');
        bool offload = plus && !strcmp(plus, "+offload");
        struct dp_packet_batch batch;
        struct dp_packet *p;
        struct ofpbuf frame;
        enum colo_mode mode;

        if (plus) {
            *plus = '\0';
        }
        if (!colo_mode_from_string(direction, &mode)
            || (mode != COLO_TO_GUEST && mode != COLO_FROM_GUEST)
            || (plus && !offload)) {
            ovs_fatal(0, "%s: unknown direction", argv[i]);
        }
        free(direction);

        ofpbuf_init(&frame, 0);
        if (ofpbuf_put_hex(&frame, argv[i + 1], NULL)[0] != '\0') {
            ovs_fatal(0, "%s: not a frame in hex", argv[i + 1]);
        }
        p = dp_packet_clone_data(frame.data, frame.size);
        ofpbuf_uninit(&frame);
        if (offload) {
            make_partial(p);
        }

        dp_packet_batch_init_packet(&batch, p);
        colo_instance_rewrite(inst, mode, &batch);
        if (offload) {
            finish_partial(p);
        }

        for (size_t j = 0; j < dp_packet_size(p); j++) {
            printf("%02x", ((const uint8_t *) dp_packet_data(p))[j]);
        }
        putchar('\n');
        dp_packet_delete(p);
    }
}

OVSTEST_REGISTER("test-colo-rewrite", test_colo_rewrite_main);
