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

/* The repair of the secondary's losses (colo-repair.h): the client's
 * segments kept and sent again, and the duplicate ack that asks the SVM
 * for a segment of its own. */

#include <config.h>
#include "colo/colo-repair.h"

#include <string.h>
#include "colo/colo-held.h"
#include "colo/colo-release.h"
#include "colo/colo-segment.h"
#include "csum.h"
#include "dp-packet.h"
#include "packets.h"
#include "util.h"

#define TCPOPT_NOP 1
#define TCPOPT_SACK 5
#define TCPOPT_TIMESTAMP 8
#define TCPOLEN_TIMESTAMP 10

/* A range of sequence space, [start, end). */
struct seq_range {
    uint32_t start;
    uint32_t end;
};

static uint32_t
view_end(const struct colo_packet *view)
{
    return (view->seq + view->payload_len
            + !!(view->tcp_flags & TCP_SYN) + !!(view->tcp_flags & TCP_FIN));
}

static bool
range_holds(uint32_t start, uint32_t end, uint32_t seq)
{
    return colo_seq_le(start, seq) && colo_seq_lt(seq, end);
}

void
colo_repair_init(struct colo_repair *r)
{
    memset(r, 0, sizeof *r);
    ovs_list_init(&r->kept);
}

/* Frees what 'r' keeps.  Returns the number of kept segments freed. */
size_t
colo_repair_destroy(struct colo_repair *r)
{
    size_t n = r->n_kept;

    colo_held_free_list(&r->kept);
    r->n_kept = 0;
    dp_packet_delete(r->client);
    r->client = NULL;
    colo_release_unuse(r->release);
    r->release = NULL;
    return n;
}

/* The mirror sent 'packet', a client packet of the connection that 'r'
 * repairs, viewed as 'view', through 'release': notes its headers, for
 * asking, and how far the client's sequence numbers went. */
void
colo_repair_note_client(struct colo_repair *r, const struct dp_packet *packet,
                        const struct colo_packet *view,
                        struct colo_release *release)
{
    size_t hdr_len = view->payload_ofs;

    if (r->client && dp_packet_size(r->client) + dp_packet_tailroom(r->client)
                     >= hdr_len) {
        /* No allocation for each client packet: most are the same size. */
        dp_packet_set_size(r->client, hdr_len);
        memcpy(dp_packet_data(r->client), dp_packet_data(packet), hdr_len);
    } else {
        dp_packet_delete(r->client);
        r->client = colo_packet_copy(packet);
        dp_packet_set_size(r->client, hdr_len);
    }
    r->client_view = *view;
    r->client_view.payload_len = 0;

    if (r->release != release) {
        colo_release_unuse(r->release);
        atomic_count_inc(&release->n_users);
        r->release = release;
    }
    if (r->client_next == 0 || colo_seq_lt(r->client_next, view_end(view))) {
        r->client_next = view_end(view);
    }
}

/* Whether a client segment viewed as 'view' is worth keeping: it takes
 * sequence space that the SVM has not acknowledged ('acked', if
 * 'acked_valid'). */
bool
colo_repair_wants(const struct colo_packet *view, bool acked_valid,
                  uint32_t acked)
{
    return (view_end(view) != view->seq
            && !(view->tcp_flags & (TCP_SYN | TCP_RST))
            && (!acked_valid || colo_seq_lt(acked, view_end(view))));
}

/* Returns a colo_held for 'packet', viewed as 'view', that goes to the
 * secondary through the mirror's actions that 'r' last saw, at 'now'. */
static struct colo_held *
repair_held(const struct colo_repair *r, struct dp_packet *packet,
            const struct colo_packet *view, long long int now)
{
    struct colo_held *h = colo_held_alloc();

    h->packet = packet;
    h->release = r->release;
    atomic_count_inc(&r->release->n_users);
    h->arrival = now;
    h->order = 0;
    h->matched = false;
    h->borrowed = false;
    h->view = *view;
    return h;
}

/* Keeps a copy of 'packet', a client segment that the mirror sent at
 * 'now', until the SVM acknowledges it. */
void
colo_repair_keep(struct colo_repair *r, const struct dp_packet *packet,
                 const struct colo_packet *view, long long int now)
{
    struct colo_held *k = repair_held(r, colo_packet_copy(packet), view, now);

    ovs_list_push_back(&r->kept, &k->node);
    r->n_kept++;
}

/* The SVM acknowledged everything before 'ack': moves the segments it
 * covers to 'freed'.  Returns how many. */
size_t
colo_repair_trim(struct colo_repair *r, uint32_t ack, struct ovs_list *freed)
{
    struct colo_held *k;
    size_t n = 0;

    LIST_FOR_EACH_SAFE (k, node, &r->kept) {
        if (colo_seq_le(view_end(&k->view), ack)) {
            ovs_list_remove(&k->node);
            ovs_list_push_back(freed, &k->node);
            n++;
        }
    }
    r->n_kept -= n;
    return n;
}

/* Reads the SACK blocks of 'h' into 'blocks' (at most 'max').  Returns
 * their number. */
static size_t
read_sack(struct colo_held *h, struct seq_range blocks[], size_t max)
{
    struct colo_segment seg;
    size_t n = 0;

    colo_segment_init(&seg, h->packet, &h->view);
    for (size_t i = 0; seg.sack && i + 8 <= seg.sack_len && n < max; i += 8) {
        blocks[n].start = colo_segment_get32(&seg, seg.sack + i);
        blocks[n].end = colo_segment_get32(&seg, seg.sack + i + 4);
        n++;
    }
    return n;
}

/* Whether the SVM has all of 'k', as the SACK blocks say. */
static bool
sacked(const struct colo_held *k, const struct seq_range blocks[], size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (colo_seq_le(blocks[i].start, k->view.seq)
            && colo_seq_le(view_end(&k->view), blocks[i].end)) {
            return true;
        }
    }
    return false;
}

/* Stores the TSval of the client's last packet in '*tsval'.  Returns false
 * if it sent none. */
static bool
client_tsval(const struct colo_repair *r, uint32_t *tsval)
{
    struct colo_segment seg;

    colo_segment_init(&seg, r->client, &r->client_view);
    if (seg.ts) {
        *tsval = colo_segment_get32(&seg, seg.ts);
    }
    return seg.ts != 0;
}

/* Puts in 'out' a copy of 'k', with the client's newest TSval: the SVM has
 * taken later segments of the client's, and would drop one with an older
 * TSval (PAWS, RFC 7323), as it would drop the client's own
 * retransmission if it carried its first timestamp. */
static void
send_again(const struct colo_repair *r, struct colo_held *k,
           long long int now, struct ovs_list *out)
{
    struct colo_held *copy = colo_held_alloc();
    struct colo_segment seg;
    uint32_t tsval;

    *copy = *k;
    copy->packet = colo_packet_copy(k->packet);
    atomic_count_inc(&copy->release->n_users);
    colo_segment_init(&seg, copy->packet, &copy->view);
    if (seg.ts && client_tsval(r, &tsval)
        && colo_seq_lt(colo_segment_get32(&seg, seg.ts), tsval)) {
        colo_segment_put32(&seg, seg.ts, tsval);
    }
    ovs_list_push_back(out, &copy->node);
    k->arrival = now;
    k->matched = true;
}

/* 's', a segment from the SVM that acks 'ack' (after colo_repair_trim()),
 * came to the compare.  If it shows a hole in what the SVM received, a
 * segment that 'r' keeps and that the SVM lacks while it has bytes past
 * it (SACK blocks), or that its duplicate acks ask for ('dup_ack'), puts
 * copies of those segments in 'out' to send again, each at most once per
 * COLO_REPAIR_AGAIN_MS.  Returns true if 'r' keeps the bytes at 'ack': the
 * SVM's duplicate acks need not go to the client. */
bool
colo_repair_resend(struct colo_repair *r, struct colo_held *s, bool dup_ack,
                   long long int now, struct ovs_list *out)
{
    struct seq_range blocks[4];
    uint32_t ack = s->view.ack;
    uint32_t sacked_end = ack;
    bool holds_ack = false;
    struct colo_held *k;
    size_t n_blocks;

    LIST_FOR_EACH (k, node, &r->kept) {
        if (range_holds(k->view.seq, view_end(&k->view), ack)) {
            holds_ack = true;
            break;
        }
    }
    if (!holds_ack) {
        return false;
    }

    n_blocks = read_sack(s, blocks, ARRAY_SIZE(blocks));
    for (size_t i = 0; i < n_blocks; i++) {
        if (colo_seq_lt(sacked_end, blocks[i].end)) {
            sacked_end = blocks[i].end;
        }
    }
    if (!n_blocks && !dup_ack) {
        return true;            /* In flight, as far as anyone knows. */
    }

    LIST_FOR_EACH (k, node, &r->kept) {
        bool lost = (n_blocks
                     ? (colo_seq_lt(k->view.seq, sacked_end)
                        && colo_seq_lt(ack, view_end(&k->view))
                        && !sacked(k, blocks, n_blocks))
                     : range_holds(k->view.seq, view_end(&k->view), ack));

        if (lost && (!k->matched
                     || now - k->arrival >= COLO_REPAIR_AGAIN_MS)) {
            send_again(r, k, now, out);
        }
    }
    return true;
}

/* Puts in 'out' a copy of the oldest segment that 'r' keeps, if it waited
 * 'retry_ms' for the SVM's ack since it last went to the SVM: when nothing
 * from the SVM shows the hole, it and every copy sent since may have been
 * lost, and the client, whose acks wait for the SVM's, sends nothing to
 * set off another repair.  Returns true if it did. */
bool
colo_repair_retry(struct colo_repair *r, long long int now,
                  unsigned int retry_ms, struct ovs_list *out)
{
    struct colo_held *k;

    if (!r->n_kept) {
        return false;
    }
    k = CONTAINER_OF(ovs_list_front(&r->kept), struct colo_held, node);
    if (now - k->arrival < retry_ms) {
        return false;
    }
    send_again(r, k, now, out);
    return true;
}

/* The TCP options of an ask: the client's timestamps, if it sends them,
 * then the SACK blocks.  Returns their length, a multiple of 4. */
static size_t
ask_options(const struct colo_repair *r, const struct seq_range blocks[],
            size_t n_blocks, uint8_t opts[40])
{
    struct colo_segment seg;
    size_t n = 0;

    colo_segment_init(&seg, r->client, &r->client_view);
    if (seg.ts) {
        ovs_be32 tsval = htonl(colo_segment_get32(&seg, seg.ts));
        ovs_be32 tsecr = htonl(colo_segment_get32(&seg, seg.tsecr));

        opts[n++] = TCPOPT_NOP;
        opts[n++] = TCPOPT_NOP;
        opts[n++] = TCPOPT_TIMESTAMP;
        opts[n++] = TCPOLEN_TIMESTAMP;
        memcpy(&opts[n], &tsval, 4);
        memcpy(&opts[n + 4], &tsecr, 4);
        n += 8;
    }
    opts[n++] = TCPOPT_NOP;
    opts[n++] = TCPOPT_NOP;
    opts[n++] = TCPOPT_SACK;
    opts[n++] = 2 + 8 * n_blocks;
    for (size_t i = 0; i < n_blocks; i++) {
        ovs_be32 start = htonl(blocks[i].start);
        ovs_be32 end = htonl(blocks[i].end);

        memcpy(&opts[n], &start, 4);
        memcpy(&opts[n + 4], &end, 4);
        n += 8;
    }
    return n;
}

/* Builds, on the client's last headers, a pure ACK of 'ack' with
 * 'n_blocks' SACK blocks and the checksums computed. */
static struct dp_packet *
build_ask(const struct colo_repair *r, uint32_t ack,
          const struct seq_range blocks[], size_t n_blocks)
{
    const struct colo_packet *cv = &r->client_view;
    size_t l3 = cv->ofs, l4 = cv->ofs + cv->l4_ofs;
    struct dp_packet *p = colo_packet_copy(r->client);
    uint8_t opts[40];
    size_t n_opts = ask_options(r, blocks, n_blocks, opts);
    struct tcp_header *tcp;
    uint32_t partial;

    dp_packet_set_size(p, l4 + TCP_HEADER_LEN);
    dp_packet_put(p, opts, n_opts);

    tcp = ALIGNED_CAST(struct tcp_header *,
                       (uint8_t *) dp_packet_data(p) + l4);
    tcp->tcp_ctl = TCP_CTL(TCP_ACK, (TCP_HEADER_LEN + n_opts) / 4);
    put_16aligned_be32(&tcp->tcp_seq, htonl(r->client_next));
    put_16aligned_be32(&tcp->tcp_ack, htonl(ack));
    tcp->tcp_urg = 0;
    tcp->tcp_csum = 0;

    if (cv->key.dl_type == htons(ETH_TYPE_IP)) {
        struct ip_header *ip = ALIGNED_CAST(struct ip_header *,
                                            (uint8_t *) dp_packet_data(p)
                                            + l3);

        ip->ip_tot_len = htons(dp_packet_size(p) - l3);
        ip->ip_csum = 0;
        ip->ip_csum = csum(ip, l4 - l3);
        partial = packet_csum_pseudoheader(ip);
    } else {
        struct ovs_16aligned_ip6_hdr *ip6;

        ip6 = ALIGNED_CAST(struct ovs_16aligned_ip6_hdr *,
                           (uint8_t *) dp_packet_data(p) + l3);

        ip6->ip6_plen = htons(dp_packet_size(p) - l3 - IPV6_HEADER_LEN);
        partial = packet_csum_pseudoheader6(ip6);
    }
    tcp->tcp_csum = csum_finish(csum_continue(partial, tcp,
                                              TCP_HEADER_LEN + n_opts));

    /* The checksums are whole: nothing is left to offload. */
    *dp_packet_ol_flags_ptr(p) &= ~(DP_PACKET_OL_TX_TCP_CKSUM
                                    | DP_PACKET_OL_TX_TCP_SEG
                                    | DP_PACKET_OL_TX_IPV4
                                    | DP_PACKET_OL_TX_IPV6);
    return p;
}

/* The compare holds primary bytes at 'next' that the SVM's segments in
 * 'secondary' (a connection's queue, in sequence order) lack, while the
 * SVM sent bytes past them: returns a duplicate ack of 'next' whose SACK
 * blocks cover those, for the SVM's TCP to send the hole again, as the
 * client's would.  Returns NULL if 'r' knows no client headers yet, or it
 * asked for this hole less than COLO_REPAIR_AGAIN_MS ago. */
struct colo_held *
colo_repair_ask(struct colo_repair *r, uint32_t next,
                const struct ovs_list *secondary, long long int now)
{
    struct seq_range blocks[COLO_REPAIR_MAX_BLOCKS];
    const struct colo_held *s;
    struct colo_held *ask;
    size_t n = 0;

    if (!r->client || !r->release
        || (r->client_view.key.dl_type != htons(ETH_TYPE_IP)
            && r->client_view.l4_ofs != IPV6_HEADER_LEN)
        || (r->asked && r->asked_next == next
            && now - r->asked_at < COLO_REPAIR_AGAIN_MS)) {
        return NULL;
    }

    LIST_FOR_EACH (s, node, secondary) {
        uint32_t end = view_end(&s->view);

        if (!colo_seq_lt(next, s->view.seq)) {
            continue;
        } else if (n && colo_seq_le(s->view.seq, blocks[n - 1].end)) {
            if (colo_seq_lt(blocks[n - 1].end, end)) {
                blocks[n - 1].end = end;
            }
        } else if (n < ARRAY_SIZE(blocks)) {
            blocks[n].start = s->view.seq;
            blocks[n].end = end;
            n++;
        } else {
            break;
        }
    }
    if (!n) {
        return NULL;
    }

    ask = repair_held(r, build_ask(r, next, blocks, n), &r->client_view,
                      now);

    r->asked = true;
    r->asked_next = next;
    r->asked_at = now;
    return ask;
}
