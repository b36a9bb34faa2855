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

/* A TCP segment edited in place (colo-segment.h). */

#include <config.h>
#include "colo/colo-segment.h"

#include <string.h>
#include "colo/colo-packet.h"
#include "csum.h"
#include "dp-packet.h"
#include "packets.h"

/* The TCP options that carry sequence numbers or timestamps. */
#define TCPOPT_EOL 0
#define TCPOPT_NOP 1
#define TCPOPT_SACK 5
#define TCPOPT_TIMESTAMP 8
#define TCPOLEN_TIMESTAMP 10
#define TCPOLEN_SACK_BLOCK 8

/* Finds the timestamp and SACK options of 'seg'.  Like Linux's parser, it
 * stops at an option whose length is below 2 or runs past the header, and
 * keeps what it found before. */
static void
find_options(struct colo_segment *seg)
{
    size_t i = TCP_HEADER_LEN;

    while (i < seg->hdr_len) {
        uint8_t kind = seg->tcp[i];
        size_t len;

        if (kind == TCPOPT_EOL) {
            return;
        } else if (kind == TCPOPT_NOP) {
            i++;
            continue;
        }
        len = seg->hdr_len - i >= 2 ? seg->tcp[i + 1] : 0;
        if (len < 2 || len > seg->hdr_len - i) {
            seg->bad_options = true;
            return;
        }
        if (kind == TCPOPT_TIMESTAMP && len == TCPOLEN_TIMESTAMP) {
            seg->ts = i + 2 + offsetof(struct colo_tcp_timestamp, tsval);
            seg->tsecr = i + 2 + offsetof(struct colo_tcp_timestamp, tsecr);
        } else if (kind == TCPOPT_SACK && len > 2
                   && (len - 2) % TCPOLEN_SACK_BLOCK == 0) {
            seg->sack = i + 2;
            seg->sack_len = len - 2;
        }
        i += len;
    }
}

/* Initializes 'seg' for 'packet', a TCP packet that colo_packet_parse()
 * parsed into 'view' without error. */
void
colo_segment_init(struct colo_segment *seg, struct dp_packet *packet,
                  const struct colo_packet *view)
{
    memset(seg, 0, sizeof *seg);
    seg->tcp = (uint8_t *) dp_packet_data(packet) + view->ofs + view->l4_ofs;
    seg->hdr_len = view->payload_ofs - (view->ofs + view->l4_ofs);
    seg->flags = view->tcp_flags;
    seg->fix_csum = !dp_packet_hwol_l4_is_tcp(packet);
    find_options(seg);
}

uint32_t
colo_segment_get32(const struct colo_segment *seg, size_t ofs)
{
    ovs_be32 x;

    memcpy(&x, seg->tcp + ofs, sizeof x);
    return ntohl(x);
}

/* Writes 'value' at 'ofs' in the header of 'seg' and updates the checksum
 * for it, unless the checksum is left to offload: then the field holds only
 * the pseudo-header's sum, which this does not change. */
void
colo_segment_put32(struct colo_segment *seg, size_t ofs, uint32_t value)
{
    /* The checksum adds up 16-bit words counted from the header's start,
     * and an option's field may begin at an odd offset: each word the
     * field touches is updated in turn. */
    size_t first = ofs & ~(size_t) 1;
    size_t n_words = (ofs + sizeof(ovs_be32) + 1 - first) / 2;
    ovs_be16 old_words[3], new_words[3];
    ovs_be32 x = htonl(value);
    ovs_be16 csum;

    if (colo_segment_get32(seg, ofs) == value) {
        return;
    }
    memcpy(old_words, seg->tcp + first, n_words * 2);
    memcpy(seg->tcp + ofs, &x, sizeof x);
    if (seg->fix_csum) {
        memcpy(new_words, seg->tcp + first, n_words * 2);
        memcpy(&csum, seg->tcp + COLO_TCP_CSUM_OFS, sizeof csum);
        for (size_t i = 0; i < n_words; i++) {
            csum = recalc_csum16(csum, old_words[i], new_words[i]);
        }
        memcpy(seg->tcp + COLO_TCP_CSUM_OFS, &csum, sizeof csum);
    }
    seg->changed = true;
}
