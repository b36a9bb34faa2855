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

/* The compare's view of a frame (colo-packet.h): parsing with every length
 * checked, the stream key, the comparison of whole packets that skips
 * what the path may change, and copies of packets. */

#include <config.h>
#include "colo/colo-packet.h"

#include <string.h>
#include "dp-packet.h"
#include "hash.h"
#include "openvswitch/dynamic-string.h"
#include "packets.h"
#include "util.h"

static ovs_be16
read_be16(const uint8_t *p)
{
    ovs_be16 x;

    memcpy(&x, p, sizeof x);
    return x;
}

/* Fills in the TCP, UDP or ICMP part of 'p' from the 'l4_len' bytes at
 * offset 'l4' of 'frame'. */
static enum colo_packet_error
parse_l4(const uint8_t *frame, size_t l4, size_t l4_len,
         struct colo_packet *p)
{
    switch (p->key.nw_proto) {
    case IPPROTO_TCP: {
        const struct tcp_header *tcp = ALIGNED_CAST(const void *, frame + l4);
        size_t tcp_len;

        if (l4_len < TCP_HEADER_LEN) {
            return COLO_PACKET_TRUNCATED;
        }
        tcp_len = TCP_OFFSET(tcp->tcp_ctl) * 4;
        if (tcp_len < TCP_HEADER_LEN) {
            return COLO_PACKET_BAD_HEADER;
        } else if (tcp_len > l4_len) {
            return COLO_PACKET_TRUNCATED;
        }
        p->kind = COLO_PACKET_TCP;
        p->key.src_port = tcp->tcp_src;
        p->key.dst_port = tcp->tcp_dst;
        p->seq = ntohl(get_16aligned_be32(&tcp->tcp_seq));
        p->ack = ntohl(get_16aligned_be32(&tcp->tcp_ack));
        p->tcp_flags = TCP_FLAGS(tcp->tcp_ctl);
        p->payload_ofs = l4 + tcp_len;
        p->payload_len = l4_len - tcp_len;
        return COLO_PACKET_OK;
    }

    case IPPROTO_UDP: {
        const struct udp_header *udp = ALIGNED_CAST(const void *, frame + l4);

        if (l4_len < UDP_HEADER_LEN) {
            return COLO_PACKET_TRUNCATED;
        }
        p->key.src_port = udp->udp_src;
        p->key.dst_port = udp->udp_dst;
        return COLO_PACKET_OK;
    }

    case IPPROTO_ICMP:
    case IPPROTO_ICMPV6:
        /* Type, code and checksum at least. */
        return l4_len < 4 ? COLO_PACKET_TRUNCATED : COLO_PACKET_OK;

    default:
        /* Compared whole, without an L4 header to skip into. */
        p->l4_ofs = 0;
        return COLO_PACKET_OK;
    }
}

static enum colo_packet_error
parse_ipv4(const uint8_t *frame, size_t size, size_t ofs,
           struct colo_packet *p)
{
    const struct ip_header *ip = ALIGNED_CAST(const void *, frame + ofs);
    size_t ihl, tot_len;

    if (size - ofs < IP_HEADER_LEN) {
        return COLO_PACKET_TRUNCATED;
    }
    ihl = IP_IHL(ip->ip_ihl_ver) * 4;
    tot_len = ntohs(ip->ip_tot_len);
    if (IP_VER(ip->ip_ihl_ver) != 4 || ihl < IP_HEADER_LEN || tot_len < ihl) {
        return COLO_PACKET_BAD_HEADER;
    } else if (tot_len > size - ofs) {
        return COLO_PACKET_TRUNCATED;
    }

    p->key.src = in6_addr_mapped_ipv4(get_16aligned_be32(&ip->ip_src));
    p->key.dst = in6_addr_mapped_ipv4(get_16aligned_be32(&ip->ip_dst));
    p->key.nw_proto = ip->ip_proto;
    p->len = tot_len;
    if (IP_IS_FRAGMENT(ip->ip_frag_off)) {
        /* Only the first fragment has an L4 header: fragments are compared
         * whole, in the order they come, in a stream of their own. */
        p->key.fragment = 1;
        return COLO_PACKET_OK;
    }
    p->l4_ofs = ihl;
    return parse_l4(frame, ofs + ihl, tot_len - ihl, p);
}

static enum colo_packet_error
parse_ipv6(const uint8_t *frame, size_t size, size_t ofs,
           struct colo_packet *p)
{
    const struct ovs_16aligned_ip6_hdr *ip6
        = ALIGNED_CAST(const void *, frame + ofs);
    size_t plen;

    if (size - ofs < IPV6_HEADER_LEN) {
        return COLO_PACKET_TRUNCATED;
    }
    plen = ntohs(ip6->ip6_ctlun.ip6_un1.ip6_un1_plen);
    if (ip6->ip6_ctlun.ip6_un2_vfc >> 4 != 6) {
        return COLO_PACKET_BAD_HEADER;
    } else if (plen > size - ofs - IPV6_HEADER_LEN) {
        return COLO_PACKET_TRUNCATED;
    }

    memcpy(&p->key.src, &ip6->ip6_src, sizeof p->key.src);
    memcpy(&p->key.dst, &ip6->ip6_dst, sizeof p->key.dst);
    p->key.nw_proto = ip6->ip6_ctlun.ip6_un1.ip6_un1_nxt;
    p->len = IPV6_HEADER_LEN + plen;
    p->l4_ofs = IPV6_HEADER_LEN;
    /* A packet with extension headers falls to parse_l4()'s default and is
     * compared whole. */
    return parse_l4(frame, ofs + IPV6_HEADER_LEN, plen, p);
}

/* Parses 'packet' into 'p'.  On error, 'p' is not to be used. */
enum colo_packet_error
colo_packet_parse(const struct dp_packet *packet, struct colo_packet *p)
{
    const uint8_t *frame = dp_packet_data(packet);
    size_t size = dp_packet_size(packet);
    size_t ofs = ETH_ADDR_LEN * 2;
    ovs_be16 dl_type;

    memset(p, 0, sizeof *p);
    if (size > UINT16_MAX) {
        /* Larger than any IP packet: not a frame a guest sends. */
        return COLO_PACKET_BAD_HEADER;
    }
    if (size < ETH_HEADER_LEN) {
        return COLO_PACKET_TRUNCATED;
    }
    dl_type = read_be16(frame + ofs);
    ofs += 2;
    while (eth_type_vlan(dl_type)) {
        if (size - ofs < VLAN_HEADER_LEN) {
            return COLO_PACKET_TRUNCATED;
        }
        dl_type = read_be16(frame + ofs + 2);
        ofs += VLAN_HEADER_LEN;
    }

    /* VLAN tags and MAC addresses are left out: the two copies of a packet
     * may reach the compare through different ports and tags. */
    p->key.dl_type = dl_type;
    p->kind = COLO_PACKET_DATAGRAM;
    p->ofs = ofs;
    if (dl_type == htons(ETH_TYPE_IP)) {
        return parse_ipv4(frame, size, ofs, p);
    } else if (dl_type == htons(ETH_TYPE_IPV6)) {
        return parse_ipv6(frame, size, ofs, p);
    }

    p->kind = COLO_PACKET_NON_IP;
    p->ofs = ofs - 2;
    p->len = size - p->ofs;
    return COLO_PACKET_OK;
}

const char *
colo_packet_error_to_string(enum colo_packet_error error)
{
    switch (error) {
    case COLO_PACKET_OK:
        return "ok";
    case COLO_PACKET_TRUNCATED:
        return "truncated";
    case COLO_PACKET_BAD_HEADER:
        return "bad header";
    }
    return "<unknown>";
}

/* Byte ranges, relative to a packet's 'ofs', that the comparison skips. */
struct skip {
    size_t start;
    size_t end;
};

/* The bytes of MEMBER, a field of header STRUCT that starts 'BASE' bytes
 * into the packet's 'ofs'. */
#define SKIP_FIELD(BASE, STRUCT, MEMBER)                                 \
    (struct skip) {                                                     \
        (BASE) + offsetof(STRUCT, MEMBER),                              \
        (BASE) + offsetof(STRUCT, MEMBER) + sizeof ((STRUCT *) 0)->MEMBER \
    }

static size_t
skips_for(const struct colo_packet *p, struct skip skips[4])
{
    size_t n = 0;

    if (p->key.dl_type == htons(ETH_TYPE_IP)) {
        skips[n++] = SKIP_FIELD(0, struct ip_header, ip_id);
        skips[n++] = SKIP_FIELD(0, struct ip_header, ip_ttl);
        skips[n++] = SKIP_FIELD(0, struct ip_header, ip_csum);
    } else if (p->key.dl_type == htons(ETH_TYPE_IPV6)) {
        /* The flow label is the low 20 bits of the first word: its bytes
         * 1 to 3 are skipped, and the high nibble of byte 1, part of the
         * traffic class, is compared apart. */
        struct skip flow = SKIP_FIELD(0, struct ovs_16aligned_ip6_hdr,
                                      ip6_ctlun.ip6_un1.ip6_un1_flow);

        skips[n++] = (struct skip) { flow.start + 1, flow.end };
        skips[n++] = SKIP_FIELD(0, struct ovs_16aligned_ip6_hdr,
                                ip6_ctlun.ip6_un1.ip6_un1_hlim);
    }

    if (p->l4_ofs) {
        /* The transport checksum. */
        if (p->key.nw_proto == IPPROTO_UDP) {
            skips[n++] = SKIP_FIELD(p->l4_ofs, struct udp_header, udp_csum);
        } else if (p->key.nw_proto == IPPROTO_ICMP) {
            skips[n++] = SKIP_FIELD(p->l4_ofs, struct icmp_header,
                                    icmp_csum);
        } else if (p->key.nw_proto == IPPROTO_ICMPV6) {
            skips[n++] = SKIP_FIELD(p->l4_ofs, struct icmp6_header,
                                    icmp6_cksum);
        }
    }
    return n;
}

/* Compares two packets of the same stream (equal keys) whole: the L3 header
 * and payload, or for a non-IP frame everything from the ethertype on.
 * Skips the fields that differ legitimately between two hosts' copies: the
 * IPv4 identification and TTL, the IPv6 flow label and hop limit, and the
 * checksums. */
enum colo_packet_diff
colo_packet_compare(const struct dp_packet *pa, const struct colo_packet *a,
                    const struct dp_packet *pb, const struct colo_packet *b)
{
    const uint8_t *x = (const uint8_t *) dp_packet_data(pa) + a->ofs;
    const uint8_t *y = (const uint8_t *) dp_packet_data(pb) + b->ofs;
    struct skip skips[4];
    size_t n_skips, pos;

    if (a->len != b->len) {
        return COLO_PACKET_DIFF_LENGTH;
    } else if (a->l4_ofs != b->l4_ofs) {
        return COLO_PACKET_DIFF_CONTENT;
    }

    if (a->key.dl_type == htons(ETH_TYPE_IPV6) && (x[1] ^ y[1]) & 0xf0) {
        return COLO_PACKET_DIFF_CONTENT;    /* Traffic class, low bits. */
    }

    n_skips = skips_for(a, skips);
    pos = 0;
    for (size_t i = 0; i <= n_skips; i++) {
        size_t end = i < n_skips ? MIN(skips[i].start, a->len) : a->len;

        if (end > pos && memcmp(x + pos, y + pos, end - pos)) {
            return COLO_PACKET_DIFF_CONTENT;
        }
        if (i < n_skips) {
            pos = MAX(pos, MIN(skips[i].end, a->len));
        }
    }
    return COLO_PACKET_SAME;
}

uint32_t
colo_packet_key_hash(const struct colo_packet_key *key)
{
    BUILD_ASSERT_DECL(sizeof *key % 4 == 0);
    return hash_bytes(key, sizeof *key, 0);
}

bool
colo_packet_key_equals(const struct colo_packet_key *a,
                       const struct colo_packet_key *b)
{
    return !memcmp(a, b, sizeof *a);
}

/* Returns 'key' seen from the other end: a client packet's key turned into
 * that of the guest's direction, by which COLO knows connections. */
struct colo_packet_key
colo_packet_key_reverse(const struct colo_packet_key *key)
{
    struct colo_packet_key r = *key;

    r.src = key->dst;
    r.dst = key->src;
    r.src_port = key->dst_port;
    r.dst_port = key->src_port;
    return r;
}

static void
format_endpoint(const struct in6_addr *addr, ovs_be16 port, struct ds *s)
{
    bool brackets = port && !IN6_IS_ADDR_V4MAPPED(addr);

    ds_put_cstr(s, brackets ? "[" : "");
    ipv6_format_mapped(addr, s);
    ds_put_cstr(s, brackets ? "]" : "");
    if (port) {
        ds_put_format(s, ":%"PRIu16, ntohs(port));
    }
}

/* Formats 'key' as, for example, "tcp 10.0.0.2:80 > 10.0.0.1:43210". */
void
colo_packet_key_format(const struct colo_packet_key *key, struct ds *s)
{
    bool ports = key->src_port || key->dst_port;

    if (key->dl_type != htons(ETH_TYPE_IP)
        && key->dl_type != htons(ETH_TYPE_IPV6)) {
        ds_put_format(s, "eth_type=0x%04"PRIx16, ntohs(key->dl_type));
        return;
    }

    switch (key->nw_proto) {
    case IPPROTO_TCP:
        ds_put_cstr(s, "tcp ");
        break;
    case IPPROTO_UDP:
        ds_put_cstr(s, "udp ");
        break;
    case IPPROTO_ICMP:
        ds_put_cstr(s, "icmp ");
        break;
    case IPPROTO_ICMPV6:
        ds_put_cstr(s, "icmp6 ");
        break;
    default:
        ds_put_format(s, "ip proto=%"PRIu8" ", key->nw_proto);
        break;
    }
    format_endpoint(&key->src, ports ? key->src_port : 0, s);
    ds_put_cstr(s, " > ");
    format_endpoint(&key->dst, ports ? key->dst_port : 0, s);
}

/* Whether 'packet''s memory is its own, to keep as long as need be:
 * malloc'd, or a copy made by colo_packet_copy() (the one block after its
 * struct).  Not a DPDK port's mbuf or an AF_XDP port's UMEM frame: a port
 * has a fixed number of them and, once COLO holds them all, drops what it
 * receives. */
bool
colo_packet_is_own(const struct dp_packet *packet)
{
    return (packet->source == DPBUF_MALLOC
            || (packet->source == DPBUF_STUB
                && dp_packet_base(packet) == packet + 1));
}

/* Returns a copy of 'packet' in one malloc'd block, struct then headroom
 * and data (DPBUF_STUB, so that dp_packet_delete() frees both and a resize
 * moves the data out, freeing nothing), with what the datapath reads: the
 * headers' offsets, the pending truncation, the offload flags and hash,
 * the metadata.  Unlike dp_packet_clone(), it copies only the meaningful
 * part of the tunnel's metadata (none of its hundreds of bytes, more than
 * a small packet's own, when the packet came through no tunnel), and makes
 * one allocation, not two. */
struct dp_packet *
colo_packet_copy(const struct dp_packet *packet)
{
    uint32_t headroom = dp_packet_headroom(packet);
    uint32_t size = dp_packet_size(packet);
    struct dp_packet *copy = xmalloc(sizeof *copy + headroom + size);

    dp_packet_use_stub(copy, copy + 1, headroom + size);
    dp_packet_reserve(copy, headroom);
    dp_packet_put(copy, dp_packet_data(packet), size);
    copy->l2_pad_size = packet->l2_pad_size;
    copy->l2_5_ofs = packet->l2_5_ofs;
    copy->l3_ofs = packet->l3_ofs;
    copy->l4_ofs = packet->l4_ofs;
    copy->cutlen = packet->cutlen;
    copy->packet_type = packet->packet_type;

    memcpy(&copy->md, &packet->md, offsetof(struct pkt_metadata, tunnel));
    flow_tnl_copy__(&copy->md.tunnel, &packet->md.tunnel);

    *dp_packet_ol_flags_ptr(copy) = (*dp_packet_ol_flags_ptr(packet)
                                     & DP_PACKET_OL_SUPPORTED_MASK);
    if (dp_packet_rss_valid(packet)) {
        dp_packet_set_rss_hash(copy, dp_packet_get_rss_hash(packet));
    }
    return copy;
}

/* Fills 'dst' with copies of the packets of 'src', as
 * dp_packet_batch_clone() does. */
void
colo_packet_batch_copy(struct dp_packet_batch *dst,
                       const struct dp_packet_batch *src)
{
    const struct dp_packet *packet;

    dp_packet_batch_init(dst);
    DP_PACKET_BATCH_FOR_EACH (i, packet, src) {
        dp_packet_batch_add(dst, colo_packet_copy(packet));
    }
    dst->trunc = src->trunc;
}
