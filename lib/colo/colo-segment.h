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

#ifndef COLO_COLO_SEGMENT_H
#define COLO_COLO_SEGMENT_H 1

/* A TCP segment edited in place, by the rewriter and by the compare: where
 * its timestamp and SACK options are, and 32-bit fields written with the
 * TCP checksum kept right. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "packets.h"

struct colo_packet;
struct dp_packet;

/* Offsets of header fields that get rewritten. */
#define COLO_TCP_SEQ_OFS offsetof(struct tcp_header, tcp_seq)
#define COLO_TCP_ACK_OFS offsetof(struct tcp_header, tcp_ack)
#define COLO_TCP_CSUM_OFS offsetof(struct tcp_header, tcp_csum)

/* The TCP timestamp option (RFC 7323) after its kind and length. */
struct colo_tcp_timestamp {
    ovs_16aligned_be32 tsval;
    ovs_16aligned_be32 tsecr;
};

struct colo_segment {
    uint8_t *tcp;               /* Its header, inside the frame. */
    size_t hdr_len;             /* With options. */
    uint16_t flags;
    bool fix_csum;              /* False: the checksum is left to offload. */
    bool changed;

    /* Offsets in the header of the options Linux acts on (the last of each
     * kind), or 0. */
    size_t ts;                  /* The timestamp option's TSval... */
    size_t tsecr;               /* ...and its echo. */
    size_t sack;                /* The first SACK block edge... */
    size_t sack_len;            /* ...and the bytes of blocks. */
    bool bad_options;           /* Parsing stopped at a bad length. */
};

void colo_segment_init(struct colo_segment *, struct dp_packet *,
                       const struct colo_packet *);
uint32_t colo_segment_get32(const struct colo_segment *, size_t ofs);
void colo_segment_put32(struct colo_segment *, size_t ofs, uint32_t value);

#endif /* colo/colo-segment.h */
