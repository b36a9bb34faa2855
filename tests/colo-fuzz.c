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

/* Fuzz harnesses of the COLO engines and actions.
 *
 * The compare and the rewriter read frames that a guest, or the link from
 * the other host, controls byte for byte.  An engine input is a program:
 * each step hands a batch of frames to one side, or does what the COLO
 * frame and the datapath do between packets (checkpoint-done, a colo_run()
 * pass, time passing for the rewriter).  A frame is either raw bytes, for
 * the parser, or built from a few fields (stream, TCP flags, seq, ack,
 * options, payload) with its lengths and checksums right, so that inputs
 * reach the TCP compare and the rewriter's offsets instead of stopping at
 * a bad header.  tests/colo-fuzz-seeds.py writes the seed corpus in this
 * format and says what each seed does.
 *
 * Beyond "does not crash", each harness checks what its engine promises:
 * the compare sends every primary packet exactly once or counts it as
 * dropped or superseded; the rewriter keeps every frame and keeps a right
 * TCP checksum right; an action that parses formats, encodes and decodes
 * back to itself. */

#include <config.h>
#undef NDEBUG
#include "colo-fuzz.h"

#include <netinet/tcp.h>
#include <string.h>
#include "bitmap.h"
#include "colo/colo.h"
#include "colo/colo-compare.h"
#include "colo/colo-conn.h"
#include "colo/colo-instance.h"
#include "colo/colo-odp.h"
#include "colo/colo-packet.h"
#include "colo/colo-rewrite.h"
#include "csum.h"
#include "dp-packet.h"
#include "netlink.h"
#include "odp-util.h"
#include "ofp-colo.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/ofp-actions.h"
#include "openvswitch/ofpbuf.h"
#include "openvswitch/vlog.h"
#include "packets.h"
#include "timeval.h"
#include "util.h"

/* The instances the harnesses use, apart from any other. */
#define FUZZ_COMPARE_ID 0xf0220001
#define FUZZ_REWRITE_ID 0xf0220002

/* Primary packets per input, at most: the rest of a long input is
 * ignored. */
#define FUZZ_MAX_PRIMARY 4096

/* Every packet a harness hands in carries a tag in its RSS hash, which the
 * engines neither read nor copy: which side it came from, and for a
 * primary packet its number. */
#define TAG_SIDE_MASK 0xff000000
#define TAG_PRIMARY   0x50000000
#define TAG_SECONDARY 0x5e000000

struct fuzz_input {
    const uint8_t *p;
    const uint8_t *end;
};

static bool
input_left(const struct fuzz_input *in)
{
    return in->p < in->end;
}

/* Past the end, the input reads as zeros. */
static uint8_t
take_u8(struct fuzz_input *in)
{
    return in->p < in->end ? *in->p++ : 0;
}

static uint32_t
take_u32(struct fuzz_input *in)
{
    uint32_t x = 0;

    for (int i = 0; i < 4; i++) {
        x = (x << 8) | take_u8(in);
    }
    return x;
}

static void
take_bytes(struct fuzz_input *in, uint8_t *dst, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        dst[i] = take_u8(in);
    }
}

/* A frame of raw bytes: a 16-bit length, then the bytes. */
static struct dp_packet *
take_raw_frame(struct fuzz_input *in)
{
    size_t len = take_u8(in) << 8;

    len = (len | take_u8(in)) % 1600;
    len = MIN(len, in->end - in->p);

    struct dp_packet *p = dp_packet_clone_data_with_headroom(in->p, len, 64);
    in->p += len;
    return p;
}

static void
put_be32(uint8_t *p, uint32_t x)
{
    ovs_be32 be = htonl(x);

    memcpy(p, &be, sizeof be);
}

/* TCP options, in 'opts'; returns their length, a multiple of 4.  One of:
 * none; timestamps as Linux sends them; timestamps and 1 to 3 SACK blocks;
 * up to 40 raw bytes. */
static size_t
take_tcp_options(struct fuzz_input *in, uint8_t opts[40])
{
    uint8_t kind = take_u8(in) % 4;
    size_t n = 0;

    if (kind == 1 || kind == 2) {
        static const uint8_t ts[] = { TCPOPT_NOP, TCPOPT_NOP,
                                      TCPOPT_TIMESTAMP, 10 };

        memcpy(opts, ts, sizeof ts);
        put_be32(opts + 4, take_u32(in));
        put_be32(opts + 8, take_u32(in));
        n = 12;
    }
    if (kind == 2) {
        size_t n_blocks = 1 + take_u8(in) % 3;

        opts[n++] = TCPOPT_NOP;
        opts[n++] = TCPOPT_NOP;
        opts[n++] = TCPOPT_SACK;
        opts[n++] = 2 + 8 * n_blocks;
        for (size_t i = 0; i < 2 * n_blocks; i++, n += 4) {
            put_be32(opts + n, take_u32(in));
        }
    } else if (kind == 3) {
        n = take_u8(in) % 41 / 4 * 4;
        take_bytes(in, opts, n);
    }
    return n;
}

static const struct in6_addr client_ip6 = { { { 0xfd, [15] = 1 } } };
static const struct in6_addr guest_ip6 = { { { 0xfd, [15] = 2 } } };

/* Puts the IPv4 or IPv6 header of a packet whose L4 part is 'l4_len'
 * bytes; returns the sum of its pseudo-header. */
static uint32_t
put_ip_header(struct dp_packet *p, bool ipv6, bool to_guest, uint8_t proto,
              size_t l4_len)
{
    if (ipv6) {
        struct ovs_16aligned_ip6_hdr *ip6;

        ip6 = dp_packet_put_zeros(p, sizeof *ip6);
        ip6->ip6_vfc = 0x60;
        ip6->ip6_plen = htons(l4_len);
        ip6->ip6_nxt = proto;
        ip6->ip6_hlim = 64;
        memcpy(&ip6->ip6_src, to_guest ? &client_ip6 : &guest_ip6,
               sizeof ip6->ip6_src);
        memcpy(&ip6->ip6_dst, to_guest ? &guest_ip6 : &client_ip6,
               sizeof ip6->ip6_dst);
        return packet_csum_pseudoheader6(ip6);
    } else {
        ovs_be32 client = htonl(0x0a000001), guest = htonl(0x0a000002);
        struct ip_header *ip = dp_packet_put_zeros(p, sizeof *ip);

        ip->ip_ihl_ver = IP_IHL_VER(5, 4);
        ip->ip_tot_len = htons(IP_HEADER_LEN + l4_len);
        ip->ip_ttl = 64;
        ip->ip_proto = proto;
        put_16aligned_be32(&ip->ip_src, to_guest ? client : guest);
        put_16aligned_be32(&ip->ip_dst, to_guest ? guest : client);
        ip->ip_csum = csum(ip, sizeof *ip);
        return packet_csum_pseudoheader(ip);
    }
}

/* A frame built from fields.  'shape' chooses the stream (its low two bits
 * pick the guest's port), IPv6 (0x04) and UDP (0x08); the frame goes to
 * the guest if 'to_guest', else comes from it.  Then come the TCP flags,
 * seq, ack, options, the payload's length and its byte. */
static struct dp_packet *
take_built_frame(struct fuzz_input *in, uint8_t shape, bool to_guest)
{
    bool ipv6 = shape & 0x04;
    bool udp = shape & 0x08;
    ovs_be16 guest_port = htons(80 + (shape & 3));
    ovs_be16 client_port = htons(40000);
    uint8_t tcp_flags = take_u8(in);
    uint32_t seq = take_u32(in);
    uint32_t ack = take_u32(in);
    uint8_t opts[40];
    size_t opts_len = udp ? 0 : take_tcp_options(in, opts);
    size_t payload_len = take_u8(in);
    uint8_t fill = take_u8(in);
    size_t hdr_len = (udp ? UDP_HEADER_LEN : TCP_HEADER_LEN) + opts_len;
    size_t l4_len = hdr_len + payload_len;
    struct dp_packet *p;
    struct eth_header *eth;
    uint32_t pseudo;
    uint8_t *l4;

    p = dp_packet_new_with_headroom(ETH_HEADER_LEN + IPV6_HEADER_LEN
                                    + l4_len, 64);
    eth = dp_packet_put_zeros(p, sizeof *eth);
    eth->eth_dst = (struct eth_addr) ETH_ADDR_C(50, 54, 00, 00, 00, 01);
    eth->eth_src = (struct eth_addr) ETH_ADDR_C(50, 54, 00, 00, 00, 02);
    eth->eth_type = htons(ipv6 ? ETH_TYPE_IPV6 : ETH_TYPE_IP);
    pseudo = put_ip_header(p, ipv6, to_guest,
                           udp ? IPPROTO_UDP : IPPROTO_TCP, l4_len);

    l4 = dp_packet_put_zeros(p, l4_len);
    memset(l4 + hdr_len, fill, payload_len);
    if (udp) {
        struct udp_header *udp_hdr = ALIGNED_CAST(struct udp_header *, l4);

        udp_hdr->udp_src = to_guest ? client_port : guest_port;
        udp_hdr->udp_dst = to_guest ? guest_port : client_port;
        udp_hdr->udp_len = htons(l4_len);
        udp_hdr->udp_csum = csum_finish(csum_continue(pseudo, l4, l4_len));
    } else {
        struct tcp_header *tcp = ALIGNED_CAST(struct tcp_header *, l4);

        tcp->tcp_src = to_guest ? client_port : guest_port;
        tcp->tcp_dst = to_guest ? guest_port : client_port;
        put_16aligned_be32(&tcp->tcp_seq, htonl(seq));
        put_16aligned_be32(&tcp->tcp_ack, htonl(ack));
        tcp->tcp_ctl = TCP_CTL(tcp_flags, hdr_len / 4);
        tcp->tcp_winsz = htons(502);
        memcpy(tcp + 1, opts, opts_len);
        tcp->tcp_csum = csum_finish(csum_continue(pseudo, l4, l4_len));
    }
    return p;
}

/* A frame: raw if the shape's top bit is set, else built, going to the
 * guest if '*to_guest', or if 'to_guest' is NULL and the shape says so
 * (0x10). */
static struct dp_packet *
take_frame(struct fuzz_input *in, const bool *to_guest)
{
    uint8_t shape = take_u8(in);

    if (shape & 0x80) {
        return take_raw_frame(in);
    }
    return take_built_frame(in, shape,
                            to_guest ? *to_guest : shape & 0x10);
}

/* COLO's globals, as the datapath makes them; and quiet, because each
 * input configures an instance anew. */
static void
fuzz_init(void)
{
    static bool done;

    if (!done) {
        vlog_set_levels(NULL, VLF_ANY_DESTINATION, VLL_EMER);
        colo_init();
        done = true;
    }
}

/* Instance 'id', configured anew with 'role' and 'options' for one
 * input. */
static struct colo_instance *
start_instance(uint32_t id, enum colo_role role,
               const struct colo_options *options)
{
    struct colo_instance *inst;

    fuzz_init();
    inst = colo_instance_get(id);
    colo_instance_configure(inst, role, NULL, options);
    return inst;
}

/* The compare. */

struct compare_run {
    size_t n_primary;           /* Primary packets handed in. */
    size_t n_released;          /* Primary packets the compare sent. */
    unsigned long *released;    /* By primary packet number. */
};

/* Where the compare sends packets: each primary packet at most once. */
static void
compare_execute(void *run_, struct dp_packet_batch *batch,
                const struct flow *flow OVS_UNUSED,
                const struct nlattr *actions OVS_UNUSED,
                size_t actions_len OVS_UNUSED)
{
    struct compare_run *run = run_;
    struct dp_packet *p;

    DP_PACKET_BATCH_FOR_EACH (i, p, batch) {
        uint32_t tag = dp_packet_get_rss_hash(p);
        size_t n = tag & ~TAG_SIDE_MASK;

        if ((tag & TAG_SIDE_MASK) == TAG_PRIMARY) {
            ovs_assert(n < run->n_primary);
            ovs_assert(!bitmap_is_set(run->released, n));
            bitmap_set1(run->released, n);
            run->n_released++;
        } else {
            /* A secondary packet sent on: the SVM's duplicate ack. */
            ovs_assert((tag & TAG_SIDE_MASK) == TAG_SECONDARY);
        }
    }
    dp_packet_delete_batch(batch, true);
}

static void
compare_batch(const struct colo_datapath *dp, struct compare_run *run,
              struct fuzz_input *in, enum colo_mode mode, size_t n)
{
    struct colo_odp_action action = { .mode = mode,
                                      .id = FUZZ_COMPARE_ID };
    struct dp_packet_batch batch;

    dp_packet_batch_init(&batch);
    for (size_t i = 0; i < n && run->n_primary < FUZZ_MAX_PRIMARY; i++) {
        struct dp_packet *p = take_frame(in, NULL);

        if (mode == COLO_PRIMARY) {
            dp_packet_set_rss_hash(p, TAG_PRIMARY | run->n_primary++);
        } else {
            dp_packet_set_rss_hash(p, TAG_SECONDARY);
        }
        dp_packet_batch_add(&batch, p);
    }
    if (!dp_packet_batch_is_empty(&batch)) {
        colo_compare_input(&colo_instance_get(action.id)->compare, dp,
                           &action, &batch, true);
    }
}

static void
checkpoint_done(struct colo_instance *inst)
{
    free(colo_instance_checkpoint_done(inst));
}

/* A checkpoint as the COLO frame signals it: done, a barrier, or done at
 * the last barrier ('*barrier', which may be spent or replaced). */
static void
checkpoint_step(struct colo_instance *inst, uint8_t choice,
                uint64_t *barrier)
{
    switch (choice % 4) {
    case 0: case 1:
        checkpoint_done(inst);
        break;
    case 2:
        free(colo_instance_checkpoint_barrier(inst, barrier));
        break;
    case 3:
        free(colo_instance_checkpoint_done_at(inst, *barrier));
        break;
    }
}

/* Sends what checkpoint-done and unconfiguring released, as the
 * datapath's non-PMD context does. */
static void
run_until_sent(const struct colo_datapath *dp)
{
    for (int i = 0; i < 16 && colo_run(dp); i++) {
        continue;
    }
}

static struct colo_compare_stats
get_stats(struct colo_instance *inst)
{
    struct colo_compare_stats stats;

    ovs_mutex_lock(&inst->compare.mutex);
    stats = inst->compare.stats;
    ovs_mutex_unlock(&inst->compare.mutex);
    return stats;
}

/* The instance's count of held packets, which max_held bounds, is what
 * its connections hold. */
static void
check_held_count(struct colo_instance *inst)
{
    struct colo_compare *cmp = &inst->compare;
    const struct colo_conn *conn;
    size_t n_held = 0;

    ovs_mutex_lock(&cmp->mutex);
    HMAP_FOR_EACH (conn, node, &cmp->conns) {
        n_held += conn->n_primary + conn->n_secondary;
    }
    ovs_assert(n_held == cmp->n_held);
    ovs_mutex_unlock(&cmp->mutex);
}

/* Steps: the low three bits of a step's first byte choose a batch of
 * primary frames (0 to 2), of secondary frames (3 to 5), checkpoint-done
 * (6) or a colo_run() pass (7); the next two bits, 1 to 4 frames. */
int
colo_fuzz_compare(const uint8_t *data, size_t size)
{
    struct fuzz_input in = { data, data + size };
    struct compare_run run = {
        .released = bitmap_allocate(FUZZ_MAX_PRIMARY),
    };
    struct colo_datapath dp = {
        .aux = &run,
        .owner = &run,
        .execute = compare_execute,
    };
    struct colo_compare_stats before, after;
    struct colo_options options;
    struct colo_instance *inst;
    uint64_t barrier = 0;

    /* Small bounds, so that inputs reach them. */
    colo_options_init(&options);
    options.max_queue_size = 16;
    options.max_held = 48;
    options.max_conns = 8;
    inst = start_instance(FUZZ_COMPARE_ID, COLO_ROLE_PRIMARY, &options);
    before = get_stats(inst);

    while (input_left(&in) && run.n_primary < FUZZ_MAX_PRIMARY) {
        uint8_t step = take_u8(&in);
        size_t n = 1 + (step >> 3) % 4;

        switch (step % 8) {
        case 0: case 1: case 2:
            compare_batch(&dp, &run, &in, COLO_PRIMARY, n);
            break;
        case 3: case 4: case 5:
            compare_batch(&dp, &run, &in, COLO_SECONDARY, n);
            break;
        case 6:
            checkpoint_step(inst, step >> 3, &barrier);
            break;
        case 7:
            colo_run(&dp);
            break;
        }
    }

    check_held_count(inst);

    /* Whatever is still held leaves now, and the instance starts afresh
     * for the next input. */
    checkpoint_done(inst);
    colo_instance_unconfigure(inst);
    run_until_sent(&dp);

    after = get_stats(inst);
    ovs_mutex_lock(&inst->compare.mutex);
    ovs_assert(!inst->compare.n_held && !inst->compare.n_pending);
    ovs_assert(hmap_is_empty(&inst->compare.conns));
    ovs_mutex_unlock(&inst->compare.mutex);
    ovs_assert(run.n_primary
               == after.primary_received - before.primary_received);
    ovs_assert(after.released - before.released == run.n_released);
    ovs_assert(run.n_primary
               == run.n_released
                  + (after.primary_dropped - before.primary_dropped)
                  + (after.primary_superseded - before.primary_superseded));

    free(run.released);
    return 0;
}

/* The rewriter. */

/* Whether 'p' is a TCP frame whose checksum is right. */
static bool
tcp_csum_is_right(const struct dp_packet *p)
{
    const uint8_t *l3 = dp_packet_data(p);
    struct colo_packet view;
    uint32_t pseudo;

    if (colo_packet_parse(p, &view) || view.kind != COLO_PACKET_TCP) {
        return false;
    }
    l3 += view.ofs;
    pseudo = (view.key.dl_type == htons(ETH_TYPE_IP)
              ? packet_csum_pseudoheader(ALIGNED_CAST(const void *, l3))
              : packet_csum_pseudoheader6(ALIGNED_CAST(const void *, l3)));
    return !csum_finish(csum_continue(pseudo, l3 + view.l4_ofs,
                                      view.len - view.l4_ofs));
}

static void
rewrite_batch(struct colo_instance *inst, struct fuzz_input *in,
              enum colo_mode mode, size_t n)
{
    bool to_guest = mode == COLO_TO_GUEST;
    struct dp_packet_batch batch;
    bool right[NETDEV_MAX_BURST];
    struct dp_packet *p;

    dp_packet_batch_init(&batch);
    for (size_t i = 0; i < n; i++) {
        p = take_frame(in, &to_guest);
        right[i] = tcp_csum_is_right(p);
        dp_packet_batch_add(&batch, p);
    }
    colo_instance_rewrite(inst, mode, &batch);

    ovs_assert(dp_packet_batch_size(&batch) == n);
    DP_PACKET_BATCH_FOR_EACH (i, p, &batch) {
        ovs_assert(!right[i] || tcp_csum_is_right(p));
    }
    dp_packet_delete_batch(&batch, true);
}

/* Steps: the low two bits of a step's first byte choose a batch of frames
 * to the guest (0) or from it (1), checkpoint-done (2), or the expiry
 * pass, as many seconds later as the next byte says (3); the next two
 * bits, 1 to 4 frames. */
int
colo_fuzz_rewrite(const uint8_t *data, size_t size)
{
    struct fuzz_input in = { data, data + size };
    struct colo_options options;
    struct colo_instance *inst;

    colo_options_init(&options);
    options.max_conns = 8;
    inst = start_instance(FUZZ_REWRITE_ID, COLO_ROLE_SECONDARY, &options);

    while (input_left(&in)) {
        uint8_t step = take_u8(&in);
        size_t n = 1 + (step >> 2) % 4;
        long long int later;

        switch (step % 4) {
        case 0:
            rewrite_batch(inst, &in, COLO_TO_GUEST, n);
            break;
        case 1:
            rewrite_batch(inst, &in, COLO_FROM_GUEST, n);
            break;
        case 2:
            checkpoint_done(inst);
            break;
        case 3:
            later = time_msec() + take_u8(&in) * 1000LL;
            ovs_mutex_lock(&inst->mutex);
            colo_rewriter_expire(&inst->rewriter, later,
                                 inst->options.rewrite_timeout);
            ovs_mutex_unlock(&inst->mutex);
            break;
        }
    }
    colo_instance_unconfigure(inst);
    return 0;
}

/* The actions. */

static bool
all_colo(const struct ofpbuf *ofpacts)
{
    const struct ofpact *a;

    OFPACT_FOR_EACH (a, ofpacts->data, ofpacts->size) {
        if (!ofpact_is_colo(a)) {
            return false;
        }
    }
    return ofpacts->size > 0;
}

static char *
format_ofpacts(const struct ofpbuf *ofpacts)
{
    struct ds s = DS_EMPTY_INITIALIZER;
    struct ofpact_format_params fp = { .s = &s };

    ofpacts_format(ofpacts->data, ofpacts->size, &fp);
    return ds_steal_cstr(&s);
}

static char *
parse_ofpacts(const char *s, struct ofpbuf *ofpacts)
{
    enum ofputil_protocol usable_protocols;
    struct ofpact_parse_params pp = {
        .ofpacts = ofpacts,
        .usable_protocols = &usable_protocols,
    };

    return ofpacts_parse_actions(s, &pp);
}

/* COLO actions in 'ofpacts' come back the same when formatted and parsed,
 * and when encoded for 'version' and decoded. */
static void
check_ofpacts_round_trip(const struct ofpbuf *ofpacts,
                         enum ofp_version version)
{
    struct ofpbuf openflow, decoded, reparsed;
    char *text = format_ofpacts(ofpacts);
    char *error, *again;

    ofpbuf_init(&reparsed, 0);
    error = parse_ofpacts(text, &reparsed);
    ovs_assert(!error);
    again = format_ofpacts(&reparsed);
    ovs_assert(!strcmp(text, again));
    free(again);

    ofpbuf_init(&openflow, 0);
    ofpbuf_init(&decoded, 0);
    ofpacts_put_openflow_actions(ofpacts->data, ofpacts->size, &openflow,
                                 version);
    ovs_assert(!ofpacts_pull_openflow_actions(&openflow, openflow.size,
                                              version, NULL, NULL,
                                              &decoded));
    again = format_ofpacts(&decoded);
    ovs_assert(!strcmp(text, again));
    free(again);

    ofpbuf_uninit(&decoded);
    ofpbuf_uninit(&openflow);
    ofpbuf_uninit(&reparsed);
    free(text);
}

static void
fuzz_ofpacts_string(const char *s, enum ofp_version version)
{
    struct ofpbuf ofpacts;
    char *error;

    ofpbuf_init(&ofpacts, 0);
    error = parse_ofpacts(s, &ofpacts);
    if (error) {
        free(error);
    } else if (all_colo(&ofpacts)) {
        check_ofpacts_round_trip(&ofpacts, version);
    }
    ofpbuf_uninit(&ofpacts);
}

static void
fuzz_ofpacts_bytes(const uint8_t *data, size_t size,
                   enum ofp_version version)
{
    struct ofpbuf openflow, ofpacts;

    ofpbuf_use_const(&openflow, data, size);
    ofpbuf_init(&ofpacts, 0);
    if (!ofpacts_pull_openflow_actions(&openflow, size, version, NULL, NULL,
                                       &ofpacts)
        && all_colo(&ofpacts)) {
        check_ofpacts_round_trip(&ofpacts, version);
    }
    ofpbuf_uninit(&ofpacts);
}

/* Whether the datapath actions 'actions' (of 'len' bytes) come back the
 * same when formatted and parsed.  Not so for all of OVS's own: an empty
 * nested list formats as "drop", which parses only as a whole list, so
 * "clone(1,clone(drop))" does not parse. */
static bool
odp_round_trips(const struct nlattr *actions, size_t len)
{
    struct ds text = DS_EMPTY_INITIALIZER;
    struct ofpbuf reparsed;
    bool same;

    format_odp_actions(&text, actions, len, NULL);
    ofpbuf_init(&reparsed, 0);
    same = (!odp_actions_from_string(ds_cstr(&text), NULL, &reparsed)
            && reparsed.size == NLA_ALIGN(len)
            && !memcmp(reparsed.data, actions, len));
    ofpbuf_uninit(&reparsed);
    ds_destroy(&text);
    return same;
}

/* A datapath COLO action that parses, the execute side's parser takes; it
 * formats and parses back to the same bytes whenever the actions nested
 * in it do. */
static void
fuzz_odp_string(const char *s)
{
    const struct nlattr *a;
    struct ofpbuf actions;
    size_t left;

    ofpbuf_init(&actions, 0);
    if (odp_actions_from_string(s, NULL, &actions)) {
        ofpbuf_uninit(&actions);
        return;
    }
    NL_ATTR_FOR_EACH (a, left, actions.data, actions.size) {
        struct colo_odp_action colo;

        if (nl_attr_type(a) == OVS_ACTION_ATTR_COLO) {
            ovs_assert(colo_odp_action_parse(a, &colo));
            if (!colo.actions_len
                || odp_round_trips(colo.actions, colo.actions_len)) {
                ovs_assert(odp_round_trips(a, a->nla_len));
            }
        }
    }
    ofpbuf_uninit(&actions);
}

/* Arbitrary bytes as the body of a datapath COLO action: the execute
 * side's parser and the formatter must cope. */
static void
fuzz_odp_bytes(const uint8_t *data, size_t size)
{
    struct ds text = DS_EMPTY_INITIALIZER;
    struct colo_odp_action colo;
    struct ofpbuf actions;

    if (size > UINT16_MAX - NLA_HDRLEN) {
        return;
    }
    ofpbuf_init(&actions, 0);
    nl_msg_put_unspec(&actions, OVS_ACTION_ATTR_COLO, data, size);
    colo_odp_action_parse(actions.data, &colo);
    format_odp_actions(&text, actions.data, actions.size, NULL);
    ds_destroy(&text);
    ofpbuf_uninit(&actions);
}

/* The first byte chooses: an OpenFlow action string (0), OpenFlow action
 * bytes (1), a datapath action string (2), the body of a datapath COLO
 * action (3); and OpenFlow 1.0 or 1.3 (bit 0x04).  The rest is the
 * input. */
int
colo_fuzz_actions(const uint8_t *data, size_t size)
{
    enum ofp_version version;
    char *s;

    fuzz_init();
    if (!size) {
        return 0;
    }
    version = data[0] & 0x04 ? OFP13_VERSION : OFP10_VERSION;
    s = xmemdup0((const char *) data + 1, size - 1);
    switch (data[0] % 4) {
    case 0:
        fuzz_ofpacts_string(s, version);
        break;
    case 1:
        fuzz_ofpacts_bytes(data + 1, size - 1, version);
        break;
    case 2:
        fuzz_odp_string(s);
        break;
    case 3:
        fuzz_odp_bytes(data + 1, size - 1);
        break;
    }
    free(s);
    return 0;
}
