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

#ifndef COLO_COLO_PACKET_H
#define COLO_COLO_PACKET_H 1

/* The compare's view of a frame: which stream it belongs to and which of
 * its bytes must agree between the primary and the secondary.
 *
 * The frame is parsed from its first byte, with every length checked
 * against the frame, because guests (and the link from the other host)
 * control every byte of it.  Nothing here keeps pointers: a view holds
 * offsets into the packet's data, valid while the packet is unchanged.
 *
 * Also the copies that COLO makes of packets, to hold them or to mirror
 * them: cheaper than dp_packet_clone(), and of memory of their own. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>
#include "openvswitch/types.h"

struct dp_packet;
struct dp_packet_batch;
struct ds;

enum colo_packet_kind {
    COLO_PACKET_TCP,            /* Compared as a byte stream. */
    COLO_PACKET_DATAGRAM,       /* Any other IP packet: compared whole,
                                 * oldest primary against oldest
                                 * secondary. */
    COLO_PACKET_NON_IP,         /* ARP and other non-IP frames: the same. */
};

/* The stream a frame belongs to, as the guest sends it.  The primary's and
 * the secondary's packets of one connection travel in the same direction,
 * so no normalization is needed to pair them.  Zero-filled where a field
 * does not apply, so that it can be hashed and compared as bytes. */
struct colo_packet_key {
    struct in6_addr src;        /* IPv4 as IPv4-mapped IPv6. */
    struct in6_addr dst;
    ovs_be16 src_port;          /* TCP and UDP only. */
    ovs_be16 dst_port;
    ovs_be16 dl_type;           /* Ethertype after any VLAN tags. */
    uint8_t nw_proto;
    uint8_t fragment;           /* 1 for an IPv4 fragment. */
};

struct colo_packet {
    struct colo_packet_key key;
    enum colo_packet_kind kind;

    /* What must agree, for DATAGRAM and NON_IP: 'len' bytes from offset
     * 'ofs' of the packet's data, except the bytes that may differ on the
     * path (colo_packet_same()). */
    uint16_t ofs;               /* The L3 header (NON_IP: the ethertype). */
    uint32_t len;               /* Up to the end of the L3 payload. */
    uint16_t l4_ofs;            /* Relative to 'ofs'; 0 if no L4 header. */

    /* TCP only. */
    uint32_t seq;
    uint32_t ack;
    uint16_t tcp_flags;
    uint16_t payload_ofs;       /* Offset of the payload in the data. */
    uint32_t payload_len;
};

enum colo_packet_error {
    COLO_PACKET_OK,
    COLO_PACKET_TRUNCATED,      /* A header runs past the frame. */
    COLO_PACKET_BAD_HEADER,     /* A header length or version is wrong. */
};

enum colo_packet_error colo_packet_parse(const struct dp_packet *,
                                         struct colo_packet *);
const char *colo_packet_error_to_string(enum colo_packet_error);

/* The result of comparing two packets of the same stream. */
enum colo_packet_diff {
    COLO_PACKET_SAME,
    COLO_PACKET_DIFF_LENGTH,
    COLO_PACKET_DIFF_CONTENT,
};

enum colo_packet_diff colo_packet_compare(const struct dp_packet *,
                                          const struct colo_packet *,
                                          const struct dp_packet *,
                                          const struct colo_packet *);

/* TCP sequence number comparisons, modulo 2**32. */
static inline bool
colo_seq_lt(uint32_t a, uint32_t b)
{
    return (int32_t) (a - b) < 0;
}

static inline bool
colo_seq_le(uint32_t a, uint32_t b)
{
    return (int32_t) (a - b) <= 0;
}

/* Moves the position '*pos' forward to 'seq', or sets it to 'seq' while
 * '*known' is false. */
static inline void
colo_seq_advance(bool *known, uint32_t *pos, uint32_t seq)
{
    if (!*known || colo_seq_lt(*pos, seq)) {
        *known = true;
        *pos = seq;
    }
}

/* Copies of packets. */
bool colo_packet_is_own(const struct dp_packet *);
struct dp_packet *colo_packet_copy(const struct dp_packet *);
void colo_packet_batch_copy(struct dp_packet_batch *dst,
                            const struct dp_packet_batch *src);

uint32_t colo_packet_key_hash(const struct colo_packet_key *);
bool colo_packet_key_equals(const struct colo_packet_key *,
                            const struct colo_packet_key *);
struct colo_packet_key colo_packet_key_reverse(
    const struct colo_packet_key *);
void colo_packet_key_format(const struct colo_packet_key *, struct ds *);

#endif /* colo/colo-packet.h */
