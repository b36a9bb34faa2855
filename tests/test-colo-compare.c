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

/* Benchmark of the COLO engines.
 *
 * The compare: identical primary and secondary streams driven straight into
 * colo_compare_input(), the primary ahead by one batch, as in the datapath
 * when the SVM lags.  Prints, per protocol, frame size and number of
 * connections, the pairs compared per second of CPU and the CPU time per
 * compared pair (one primary and one secondary packet, from the datapath's
 * hands to released and freed).
 *
 * The rewriter: TCP connections whose offsets were learned first (not
 * counted), then one frame to the guest (its ack moves) and one from it
 * (its seq moves) per pair, through colo_instance_rewrite().
 *
 * Each figure is the best of three runs.  Building the frames is not
 * counted, nor are the first pairs of each connection (the compare
 * learns the connections from them).
 *
 *     ovstest test-colo-compare benchmark [PAIRS] [CSV-FILE]
 *
 * The floods: what an instance with the default bounds holds, and the
 * memory the process uses, as packets that the compare or the rewriter
 * must keep keep coming: a guest opening connections without end (PVM
 * and SVM alike), PVM packets the SVM never matches, SVM packets with no
 * PVM packet, and the SVM's SYN-ACKs of new connections through the
 * rewriter.  Prints, after 10**4, 10**5, ... packets and after the last,
 * the connections followed, the packets held, the packets over the
 * bounds (dropped, or passed unchecked) and the heap in use since the
 * flood began.
 *
 *     ovstest test-colo-compare flood [PACKETS] [CSV-FILE]
 *
 * Scale: the compare's CPU time per pair of 64-byte TCP frames and the
 * heap it takes, for 1, 1000, 10**4 and 10**5 connections spread over 1,
 * 16 and 64 instances (each instance's packets in batches of their own).
 * Every connection is known before the runs are timed.
 *
 *     ovstest test-colo-compare scale [PAIRS] [CSV-FILE]
 *
 * Held memory, a test rather than a benchmark: the compare copies a packet
 * in a port's memory (a DPDK port's mbuf, an AF_XDP port's UMEM frame)
 * only if it has to wait, and one that leaves at once goes on as it came.
 * Prints, for each batch of a UDP and a TCP sequence, the copies the
 * compare made (coverage counter colo_held_copied) and what it released;
 * tests/colo-compare.at says what it must print.
 *
 *     ovstest test-colo-compare held-memory */

#include <config.h>
#undef NDEBUG
#include <float.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include "colo/colo.h"
#include "colo/colo-compare.h"
#include "colo/colo-instance.h"
#include "colo/colo-odp.h"
#include "colo/colo-packet.h"
#include "colo/colo-rewrite.h"
#include "coverage.h"
#include "dp-packet.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/ofpbuf.h"
#include "openvswitch/vlog.h"
#include "ovstest.h"
#include "packets.h"
#include "util.h"

/* What released packets do here: count and free them. */
static void
bench_execute(void *aux, struct dp_packet_batch *batch,
              const struct flow *flow OVS_UNUSED,
              const struct nlattr *actions OVS_UNUSED,
              size_t actions_len OVS_UNUSED)
{
    size_t *n_released = aux;

    *n_released += dp_packet_batch_size(batch);
    dp_packet_delete_batch(batch, true);
}

/* Builds a frame of 'size' bytes on the wire (without FCS) between the
 * guest (10.0.0.2, port 'guest_port') and the client (10.0.0.1, port
 * 40000 or 5353), from the guest unless 'to_guest'.  TCP frames carry
 * 'seq', 'ack' and 'flags', no options. */
static struct dp_packet *
build_packet(int proto, size_t size, uint16_t guest_port, bool to_guest,
             uint32_t seq, uint32_t ack, uint16_t flags)
{
    ovs_be32 guest = htonl(0x0a000002), client = htonl(0x0a000001);
    size_t l4_len = proto == IPPROTO_TCP ? TCP_HEADER_LEN : UDP_HEADER_LEN;
    size_t hdrs = ETH_HEADER_LEN + IP_HEADER_LEN + l4_len;
    struct dp_packet *p = dp_packet_new_with_headroom(size, 64);
    struct eth_header *eth;
    struct ip_header *ip;

    ovs_assert(size >= hdrs);
    dp_packet_put_zeros(p, size);
    eth = dp_packet_data(p);
    eth->eth_dst = (struct eth_addr) ETH_ADDR_C(50, 54, 00, 00, 00, 01);
    eth->eth_src = (struct eth_addr) ETH_ADDR_C(50, 54, 00, 00, 00, 02);
    eth->eth_type = htons(ETH_TYPE_IP);

    ip = (struct ip_header *) (eth + 1);
    ip->ip_ihl_ver = IP_IHL_VER(5, 4);
    ip->ip_tot_len = htons(size - ETH_HEADER_LEN);
    ip->ip_ttl = 64;
    ip->ip_proto = proto;
    put_16aligned_be32(&ip->ip_src, to_guest ? client : guest);
    put_16aligned_be32(&ip->ip_dst, to_guest ? guest : client);

    if (proto == IPPROTO_TCP) {
        struct tcp_header *tcp = (struct tcp_header *) (ip + 1);

        tcp->tcp_src = htons(to_guest ? 40000 : guest_port);
        tcp->tcp_dst = htons(to_guest ? guest_port : 40000);
        put_16aligned_be32(&tcp->tcp_seq, htonl(seq));
        put_16aligned_be32(&tcp->tcp_ack, htonl(ack));
        tcp->tcp_ctl = TCP_CTL(flags, 5);
        tcp->tcp_winsz = htons(502);
    } else {
        struct udp_header *udp = (struct udp_header *) (ip + 1);

        udp->udp_src = htons(to_guest ? 5353 : guest_port);
        udp->udp_dst = htons(to_guest ? guest_port : 5353);
        udp->udp_len = htons(size - ETH_HEADER_LEN - IP_HEADER_LEN);
    }
    memset((char *) dp_packet_data(p) + hdrs, 'x', size - hdrs);
    return p;
}

/* A frame of the guest's answer stream on port 'sport'. */
static struct dp_packet *
build_frame(int proto, size_t size, uint16_t sport, uint32_t seq)
{
    return build_packet(proto, size, sport, false, seq, 1,
                        TCP_ACK | TCP_PSH);
}

/* Sets the client's port of 'p', a frame from the guest (its
 * destination port). */
static void
set_client_port(struct dp_packet *p, uint16_t port)
{
    struct ip_header *ip = dp_packet_at_assert(p, ETH_HEADER_LEN,
                                               sizeof *ip);
    ovs_be16 *ports = (ovs_be16 *) (ip + 1);

    ports[1] = htons(port);
}

static size_t
payload_len(int proto, size_t size)
{
    return size - ETH_HEADER_LEN - IP_HEADER_LEN
           - (proto == IPPROTO_TCP ? TCP_HEADER_LEN : UDP_HEADER_LEN);
}

/* The time an engine call takes is read around each batch, so that its
 * frames are as warm as frames just received.  The thread's CPU clock is
 * a system call there (5% of the samples); the monotonic clock is read in
 * user space, and on an otherwise idle CPU the time it measures is CPU
 * time: run the benchmarks on a quiet machine (the best of three runs
 * also leaves out a run that was interrupted). */
static double
cpu_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e9 + ts.tv_nsec;
}

/* Bytes of heap in use.  Not the resident set: memory that one flood
 * freed stays mapped for the next. */
static size_t
heap_in_use(void)
{
    struct mallinfo2 mi = mallinfo2();

    return mi.uordblks + mi.hblkhd;
}

struct bench_result {
    double pps;                 /* Compared pairs per second. */
    double ns_per_pair;         /* Time per compared pair. */
};

/* Identical PVM and SVM streams of 'n_conns' connections of 'proto' and
 * 'size' bytes a frame, spread over 'n_inst' instances from 'first_id' on:
 * connection c belongs to instance c % n_inst.  Each instance's packets
 * come in batches of their own, as a guest's port gives them. */
struct compare_streams {
    int proto;
    size_t size;
    int n_conns;
    int n_inst;
    uint32_t first_id;
    uint32_t *seqs;             /* Next sequence number, per connection. */
    int *next;                  /* Next connection, per instance (as an
                                 * index among the instance's own). */
    int next_inst;              /* Instance of the next batch. */
    size_t n_released;
    struct colo_datapath dp;
};

static void
compare_streams_init(struct compare_streams *cs, uint32_t first_id,
                     int n_inst, int proto, size_t size, int n_conns)
{
    *cs = (struct compare_streams) {
        .proto = proto,
        .size = size,
        .n_conns = n_conns,
        .n_inst = n_inst,
        .first_id = first_id,
        .seqs = xcalloc(n_conns, sizeof *cs->seqs),
        .next = xcalloc(n_inst, sizeof *cs->next),
    };
    cs->dp = (struct colo_datapath) {
        .aux = &cs->n_released,
        .owner = cs,
        .execute = bench_execute,
    };
}

static void
compare_streams_destroy(struct compare_streams *cs)
{
    free(cs->seqs);
    free(cs->next);
}

/* A batch of PVM frames and the SVM's copies, of one instance. */
struct pair_batch {
    uint32_t id;
    struct dp_packet_batch p, s;
};

/* Builds in 'pb' the next NETDEV_MAX_BURST pairs of instance 'i'.  Returns
 * false, building nothing, if the instance has no connection. */
static bool
build_pair_batch(struct compare_streams *cs, int i, struct pair_batch *pb)
{
    int n_own = cs->n_conns / cs->n_inst + (i < cs->n_conns % cs->n_inst);

    if (!n_own) {
        return false;
    }
    pb->id = cs->first_id + i;
    dp_packet_batch_init(&pb->p);
    dp_packet_batch_init(&pb->s);
    for (int k = 0; k < NETDEV_MAX_BURST; k++) {
        int conn = i + cs->next[i] * cs->n_inst;
        uint16_t sport = 1024 + conn % 60000;
        uint32_t seq = cs->seqs[conn];

        dp_packet_batch_add(&pb->p, build_frame(cs->proto, cs->size, sport,
                                                seq));
        dp_packet_batch_add(&pb->s, build_frame(cs->proto, cs->size, sport,
                                                seq));
        /* Over 60000 connections: the client's port tells them apart
         * too. */
        if (conn >= 60000) {
            set_client_port(pb->p.packets[k], 10000 + conn / 60000);
            set_client_port(pb->s.packets[k], 10000 + conn / 60000);
        }
        cs->seqs[conn] += payload_len(cs->proto, cs->size);
        cs->next[i] = (cs->next[i] + 1) % n_own;
    }
    return true;
}

/* Runs at least 'n_pairs' pairs through the compare, a batch of each
 * instance in turn, the PVM's before the SVM's.  Returns the CPU time they
 * took. */
static double
compare_pairs(struct compare_streams *cs, int n_pairs)
{
    double cpu = 0;
    int done = 0;

    while (done < n_pairs) {
        int i = cs->next_inst;
        struct pair_batch pb;

        cs->next_inst = (i + 1) % cs->n_inst;
        if (build_pair_batch(cs, i, &pb)) {
            struct colo_odp_action primary = {
                .mode = COLO_PRIMARY, .id = pb.id,
            };
            struct colo_odp_action secondary = {
                .mode = COLO_SECONDARY, .id = pb.id,
            };
            double start = cpu_ns();
            struct colo_compare *cmp = &colo_instance_get(pb.id)->compare;

            colo_compare_input(cmp, &cs->dp, &primary, &pb.p, true);
            colo_compare_input(cmp, &cs->dp, &secondary, &pb.s, true);
            cpu += cpu_ns() - start;
            done += NETDEV_MAX_BURST;
        }
    }
    return cpu;
}

/* The pairs that make every connection of 'cs' known to the compare. */
static int
warm_up_pairs(const struct compare_streams *cs)
{
    return cs->n_conns + NETDEV_MAX_BURST * cs->n_inst;
}

static struct bench_result
run_case(uint32_t id, int proto, size_t size, int n_conns, int n_pairs)
{
    struct compare_streams cs;
    size_t n_warm;
    double cpu;

    compare_streams_init(&cs, id, 1, proto, size, n_conns);
    compare_pairs(&cs, warm_up_pairs(&cs));
    n_warm = cs.n_released;
    cpu = compare_pairs(&cs, n_pairs);

    /* Identical streams: everything compares and leaves. */
    ovs_assert(cs.n_released - n_warm == ROUND_UP(n_pairs,
                                                   NETDEV_MAX_BURST));
    compare_streams_destroy(&cs);
    return (struct bench_result) {
        .pps = (cs.n_released - n_warm) / (cpu / 1e9),
        .ns_per_pair = cpu / (cs.n_released - n_warm),
    };
}

/* The client's ISN, the PVM's and the SVM's, of every connection. */
#define CLIENT_ISN 5000
#define PVM_ISN 1000
#define SVM_ISN 90000

/* Runs 'batch' through instance 'inst''s rewriter in 'mode', and frees
 * it. */
static void
rewrite(struct colo_instance *inst, enum colo_mode mode,
        struct dp_packet_batch *batch)
{
    colo_instance_rewrite(inst, mode, batch);
    dp_packet_delete_batch(batch, true);
}

/* Teaches the rewriter of 'inst' the offsets of 'n_conns' connections the
 * guest accepts: the SVM's SYN-ACK, then the client's ACK of the PVM's. */
static void
learn_conns(struct colo_instance *inst, int n_conns)
{
    for (int c = 0; c < n_conns; c++) {
        struct dp_packet_batch b;

        dp_packet_batch_init_packet(&b, build_packet(
            IPPROTO_TCP, 64, 1024 + c, false, SVM_ISN, CLIENT_ISN + 1,
            TCP_SYN | TCP_ACK));
        rewrite(inst, COLO_FROM_GUEST, &b);
        dp_packet_batch_init_packet(&b, build_packet(
            IPPROTO_TCP, 64, 1024 + c, true, CLIENT_ISN + 1, PVM_ISN + 1,
            TCP_ACK));
        rewrite(inst, COLO_TO_GUEST, &b);
    }
}

static struct bench_result
run_rewrite_case(uint32_t id, int proto, size_t size, int n_conns,
                 int n_pairs)
{
    struct colo_instance *inst = colo_instance_get(id);
    size_t payload = payload_len(IPPROTO_TCP, size);
    uint32_t *seqs = xcalloc(n_conns, sizeof *seqs);
    uint64_t rewritten;
    int n_done = 0;
    double cpu = 0;
    int conn = 0;

    ovs_assert(proto == IPPROTO_TCP);
    learn_conns(inst, n_conns);
    for (; n_done < n_pairs; n_done += NETDEV_MAX_BURST) {
        struct dp_packet_batch to, from;
        double start;

        dp_packet_batch_init(&to);
        dp_packet_batch_init(&from);
        for (int i = 0; i < NETDEV_MAX_BURST; i++) {
            uint16_t port = 1024 + conn;

            dp_packet_batch_add(&to, build_packet(
                IPPROTO_TCP, size, port, true, CLIENT_ISN + 1 + seqs[conn],
                PVM_ISN + 1 + seqs[conn], TCP_ACK | TCP_PSH));
            dp_packet_batch_add(&from, build_packet(
                IPPROTO_TCP, size, port, false, SVM_ISN + 1 + seqs[conn],
                CLIENT_ISN + 1 + seqs[conn], TCP_ACK | TCP_PSH));
            seqs[conn] += payload;
            conn = (conn + 1) % n_conns;
        }

        start = cpu_ns();
        rewrite(inst, COLO_TO_GUEST, &to);
        rewrite(inst, COLO_FROM_GUEST, &from);
        cpu += cpu_ns() - start;
    }
    free(seqs);

    /* Every frame after the handshakes had its ack or seq moved. */
    ovs_mutex_lock(&inst->mutex);
    rewritten = inst->rewriter.stats.rewritten;
    ovs_mutex_unlock(&inst->mutex);
    ovs_assert(rewritten == 2 * (uint64_t) n_done + n_conns);
    return (struct bench_result) {
        .pps = n_done / (cpu / 1e9),
        .ns_per_pair = cpu / n_done,
    };
}

typedef struct bench_result run_case_func(uint32_t id, int proto,
                                          size_t size, int n_conns,
                                          int n_pairs);

/* The best of three runs, each on a fresh instance: the machine's noise
 * only ever adds. */
static struct bench_result
best_of_three(run_case_func *run, uint32_t *id, int proto, size_t size,
              int n_conns, int n_pairs)
{
    struct bench_result r = { .ns_per_pair = DBL_MAX };

    for (int i = 0; i < 3; i++) {
        struct bench_result x = run((*id)++, proto, size, n_conns, n_pairs);
        if (x.ns_per_pair < r.ns_per_pair) {
            r = x;
        }
    }
    return r;
}

static void
benchmark(int argc, char *argv[])
{
    int n_pairs = argc > 1 ? atoi(argv[1]) : 1000000;
    FILE *csv = argc > 2 ? fopen(argv[2], "w") : NULL;
    static const size_t sizes[] = { 64, 512, 1514 };
    static const int conns[] = { 1, 10000 };
    static const struct {
        const char *engine;
        int proto;
        run_case_func *run;
    } engines[] = {
        { "compare", IPPROTO_TCP, run_case },
        { "compare", IPPROTO_UDP, run_case },
        { "rewrite", IPPROTO_TCP, run_rewrite_case },
    };
    uint32_t id = 1;

    colo_init();
    vlog_set_levels(vlog_module_from_name("colo_instance"),
                    VLF_ANY_DESTINATION, VLL_WARN);
    printf("%-8s %-5s %6s %7s %14s %12s\n",
           "engine", "proto", "bytes", "conns", "pairs/s", "ns/pair");
    if (csv) {
        fprintf(csv, "engine,proto,bytes,conns,pairs_per_s,ns_per_pair\n");
    }
    for (size_t i = 0; i < ARRAY_SIZE(engines); i++) {
        const char *proto = engines[i].proto == IPPROTO_TCP ? "tcp" : "udp";

        for (size_t j = 0; j < ARRAY_SIZE(sizes); j++) {
            for (size_t k = 0; k < ARRAY_SIZE(conns); k++) {
                struct bench_result r;

                r = best_of_three(engines[i].run, &id, engines[i].proto,
                                  sizes[j], conns[k], n_pairs);
                printf("%-8s %-5s %6"PRIuSIZE" %7d %14.0f %12.1f\n",
                       engines[i].engine, proto, sizes[j], conns[k], r.pps,
                       r.ns_per_pair);
                if (csv) {
                    fprintf(csv, "%s,%s,%"PRIuSIZE",%d,%.0f,%.1f\n",
                            engines[i].engine, proto, sizes[j], conns[k],
                            r.pps, r.ns_per_pair);
                }
            }
        }
    }
    if (csv) {
        fclose(csv);
    }
}

/* The floods. */

enum flood_kind {
    FLOOD_NEW_CONNS,            /* SYNs from the guest, PVM and SVM alike,
                                 * each on a connection of its own. */
    FLOOD_PRIMARY_ONLY,         /* PVM packets on 1000 streams, never
                                 * matched. */
    FLOOD_SECONDARY_ONLY,       /* SVM packets, each on a stream of its
                                 * own, never matched. */
    FLOOD_REWRITE_NEW_CONNS,    /* The SVM's SYN-ACKs, each on a
                                 * connection of its own, through the
                                 * rewriter. */
};

static const char *
flood_name(enum flood_kind kind)
{
    switch (kind) {
    case FLOOD_NEW_CONNS: return "new-conns";
    case FLOOD_PRIMARY_ONLY: return "primary-only";
    case FLOOD_SECONDARY_ONLY: return "secondary-only";
    case FLOOD_REWRITE_NEW_CONNS: return "rewrite-new-conns";
    }
    OVS_NOT_REACHED();
}

/* Packet 'i' of flood 'kind', of 'size' bytes.  The guest's port and the
 * client's together name up to 2**32 connections. */
static struct dp_packet *
flood_packet(enum flood_kind kind, size_t size, uint32_t i)
{
    struct dp_packet *p;
    uint16_t guest_port;
    uint16_t client_port = 10000 + (i >> 16);

    switch (kind) {
    case FLOOD_NEW_CONNS:
    case FLOOD_REWRITE_NEW_CONNS:
        guest_port = i & 0xffff;
        p = build_packet(IPPROTO_TCP, size, guest_port, false, PVM_ISN, 0,
                         kind == FLOOD_NEW_CONNS ? TCP_SYN
                         : TCP_SYN | TCP_ACK);
        break;
    case FLOOD_PRIMARY_ONLY:
        return build_packet(IPPROTO_UDP, size, 1024 + i % 1000, false,
                            0, 0, 0);
    case FLOOD_SECONDARY_ONLY:
        guest_port = i & 0xffff;
        p = build_packet(IPPROTO_UDP, size, guest_port, false, 0, 0, 0);
        break;
    default:
        OVS_NOT_REACHED();
    }

    set_client_port(p, client_port);
    return p;
}

/* What 'inst' holds and follows, and the packets of flood 'kind' that it
 * dropped or passed unchecked over its bounds. */
static void
get_flood_counts(struct colo_instance *inst, enum flood_kind kind,
                 size_t *conns, size_t *held, uint64_t *over)
{
    const struct colo_compare_stats *st = &inst->compare.stats;

    ovs_mutex_lock(&inst->mutex);
    ovs_mutex_lock(&inst->compare.mutex);
    *conns = (hmap_count(&inst->compare.conns)
              + hmap_count(&inst->rewriter.conns));
    *held = inst->compare.n_held;
    *over = (kind == FLOOD_SECONDARY_ONLY ? st->secondary_dropped
             : (st->uncompared + st->primary_dropped
                + inst->rewriter.stats.limit_hits));
    ovs_mutex_unlock(&inst->compare.mutex);
    ovs_mutex_unlock(&inst->mutex);
}

/* Feeds flood 'kind' of 'n_packets' frames of 'size' bytes to a fresh
 * instance with the default bounds; prints a row after 10**4, 10**5, ...
 * packets and after the last. */
static void
run_flood(uint32_t id, enum flood_kind kind, size_t size, uint32_t n_packets,
          FILE *csv)
{
    struct colo_instance *inst = colo_instance_get(id);
    struct colo_odp_action primary = { .mode = COLO_PRIMARY, .id = id };
    struct colo_odp_action secondary = { .mode = COLO_SECONDARY, .id = id };
    size_t n_released = 0;
    struct colo_datapath dp = {
        .aux = &n_released,
        .owner = &n_released,
        .execute = bench_execute,
    };
    size_t heap0 = heap_in_use();
    uint32_t report = 10000;
    uint32_t done = 0;

    while (done < n_packets) {
        struct dp_packet_batch p, s;

        dp_packet_batch_init(&p);
        dp_packet_batch_init(&s);
        for (int i = 0; i < NETDEV_MAX_BURST && done < n_packets;
             i++, done++) {
            struct dp_packet *packet = flood_packet(kind, size, done);

            if (kind == FLOOD_NEW_CONNS) {
                dp_packet_batch_add(&s, dp_packet_clone(packet));
            }
            dp_packet_batch_add(kind == FLOOD_SECONDARY_ONLY ? &s : &p,
                                packet);
        }
        if (kind == FLOOD_REWRITE_NEW_CONNS) {
            colo_instance_rewrite(inst, COLO_FROM_GUEST, &p);
            dp_packet_delete_batch(&p, true);
        } else {
            colo_compare_input(&inst->compare, &dp, &primary, &p, true);
            colo_compare_input(&inst->compare, &dp, &secondary, &s, true);
        }

        if (done >= report || done == n_packets) {
            size_t heap = heap_in_use();
            double mb = ((double) heap - heap0) / 1e6;
            size_t conns, held;
            uint64_t over;

            get_flood_counts(inst, kind, &conns, &held, &over);
            printf("%-18s %5"PRIuSIZE" %9"PRIu32" %7"PRIuSIZE" %7"PRIuSIZE
                   " %9"PRIu64" %9.1f\n",
                   flood_name(kind), size, done, conns, held, over, mb);
            if (csv) {
                fprintf(csv, "%s,%"PRIuSIZE",%"PRIu32",%"PRIuSIZE",%"PRIuSIZE
                        ",%"PRIu64",%.1f\n",
                        flood_name(kind), size, done, conns, held, over, mb);
            }
            while (report <= done) {
                report *= 10;
            }
        }
    }

    /* Whatever the flood left goes, and the instance with it. */
    free(colo_instance_checkpoint_done(inst));
    colo_instance_unconfigure(inst);
    while (colo_run(&dp)) {
        continue;
    }
}

static void
flood(int argc, char *argv[])
{
    uint32_t n_packets = argc > 1 ? atoi(argv[1]) : 1000000;
    FILE *csv = argc > 2 ? fopen(argv[2], "w") : NULL;
    struct colo_options defaults;
    uint32_t id = 1;

    colo_init();
    vlog_set_levels(NULL, VLF_ANY_DESTINATION, VLL_ERR);
    colo_options_init(&defaults);
    printf("Bounds (defaults): max_conns=%u max_held=%u"
           " max_queue_size=%u\n\n", defaults.max_conns,
           defaults.max_held, defaults.max_queue_size);
    printf("%-18s %5s %9s %7s %7s %9s %9s\n", "flood", "bytes",
           "packets", "conns", "held", "over", "heap-MB");
    if (csv) {
        fprintf(csv, "flood,bytes,packets,conns,held,over_bounds,heap_mb\n");
    }
    for (enum flood_kind kind = 0; kind <= FLOOD_REWRITE_NEW_CONNS;
         kind++) {
        run_flood(id++, kind, kind == FLOOD_NEW_CONNS
                              || kind == FLOOD_REWRITE_NEW_CONNS ? 64 : 1514,
                  n_packets, csv);
    }
    if (csv) {
        fclose(csv);
    }
}

/* Scale: one row of 64-byte TCP pairs on 'n_conns' connections spread
 * over 'n_inst' fresh instances, each allowed all the connections.  The
 * heap is measured once every connection is known. */
static void
run_scale_case(uint32_t *id, int n_inst, int n_conns, int n_pairs,
               FILE *csv)
{
    struct colo_instance **insts = xcalloc(n_inst, sizeof *insts);
    double ns_per_pair = DBL_MAX;
    struct colo_options options;
    struct compare_streams cs;
    size_t heap0, heap;

    colo_options_init(&options);
    options.max_conns = MAX(options.max_conns, n_conns);
    compare_streams_init(&cs, *id, n_inst, IPPROTO_TCP, 64, n_conns);
    heap0 = heap_in_use();
    for (int i = 0; i < n_inst; i++) {
        insts[i] = colo_instance_get(*id + i);
        colo_instance_configure(insts[i], COLO_ROLE_PRIMARY, "bench",
                                &options);
    }
    compare_pairs(&cs, warm_up_pairs(&cs));
    heap = heap_in_use() - heap0;

    for (int run = 0; run < 3; run++) {
        size_t released = cs.n_released;
        double cpu = compare_pairs(&cs, n_pairs);

        ovs_assert(cs.n_released - released >= n_pairs);
        ns_per_pair = MIN(ns_per_pair, cpu / (cs.n_released - released));
    }

    printf("%9d %7d %14.0f %10.1f %10.1f %10.0f\n", n_inst, n_conns,
           1e9 / ns_per_pair, ns_per_pair, heap / 1e6,
           (double) heap / n_conns);
    if (csv) {
        fprintf(csv, "%d,%d,%.0f,%.1f,%.1f,%.0f\n", n_inst, n_conns,
                1e9 / ns_per_pair, ns_per_pair, heap / 1e6,
                (double) heap / n_conns);
    }

    for (int i = 0; i < n_inst; i++) {
        colo_instance_unconfigure(insts[i]);
    }
    while (colo_run(&cs.dp)) {
        continue;
    }
    compare_streams_destroy(&cs);
    free(insts);
    *id += n_inst;
}

/* How the compare's CPU time per pair and its heap grow with the
 * connections and the instances. */
static void
scale(int argc, char *argv[])
{
    int n_pairs = argc > 1 ? atoi(argv[1]) : 1000000;
    FILE *csv = argc > 2 ? fopen(argv[2], "w") : NULL;
    static const int instances[] = { 1, 16, 64 };
    static const int conns[] = { 1, 1000, 10000, 100000 };
    uint32_t id = 1;

    colo_init();
    vlog_set_levels(NULL, VLF_ANY_DESTINATION, VLL_ERR);
    printf("compare, tcp, 64 bytes, best of 3 runs of %d pairs\n",
           n_pairs);
    printf("%9s %7s %14s %10s %10s %10s\n", "instances", "conns",
           "pairs/s", "ns/pair", "heap-MB", "B/conn");
    if (csv) {
        fprintf(csv, "instances,conns,pairs_per_s,ns_per_pair,heap_mb,"
                "heap_bytes_per_conn\n");
    }
    for (size_t i = 0; i < ARRAY_SIZE(instances); i++) {
        for (size_t j = 0; j < ARRAY_SIZE(conns); j++) {
            run_scale_case(&id, instances[i], conns[j], n_pairs, csv);
        }
    }
    if (csv) {
        fclose(csv);
    }
}

/* Held memory. */

/* Counted by colo-held.c for each packet it copies out of a port's memory.
 * coverage.c reads a counter only for its own commands
 * (coverage/read-counter); a counter's count() gives what the calling
 * thread counted since the last time, and zeroes it.  The compare runs in
 * this thread alone, and this thread never adds its counts to the totals
 * (coverage_clear(), from poll_block()): what count() gives is every copy
 * the compare made since the last call. */
extern struct coverage_counter counter_colo_held_copied;

/* A port's buffer: the headroom, then the frame. */
#define HELD_BUF_SIZE 2048
#define HELD_HEADROOM 128

/* The size of the frames, all of one stream from the guest. */
#define HELD_FRAME_SIZE 128

/* The packets that the held-memory test hands to the compare; each one's
 * pkt_mark is its index plus one. */
enum {
    HELD_S1, HELD_P1, HELD_P2, HELD_S2, HELD_P3, HELD_S3, HELD_N_PACKETS
};

static const struct held_spec {
    const char *name;
    int frame;                  /* The stream's first, second or third. */
    bool in_port;               /* In a port's memory, or malloc'd. */
} held_specs[HELD_N_PACKETS] = {
    [HELD_S1] = { "secondary 1", 0, true },
    [HELD_P1] = { "primary 1", 0, true },
    [HELD_P2] = { "primary 2", 1, true },
    [HELD_S2] = { "secondary 2", 1, true },
    [HELD_P3] = { "primary 3", 2, false },
    [HELD_S3] = { "secondary 3", 2, false },
};

/* The batches, in turn. */
static const struct held_batch {
    enum colo_mode mode;
    int packets[2];
    size_t n;
} held_batches[] = {
    /* No primary packet yet: secondary 1 waits, a copy. */
    { COLO_SECONDARY, { HELD_S1 }, 1 },
    /* Primary 1 matches it and leaves at once, as it came; primary 2 has
     * nothing to match and waits, a copy. */
    { COLO_PRIMARY, { HELD_P1, HELD_P2 }, 2 },
    /* Primary 2 (its copy) leaves; secondary 2 is freed as it came. */
    { COLO_SECONDARY, { HELD_S2 }, 1 },
    /* malloc'd packets are the compare's to keep: no copy, waiting or
     * not. */
    { COLO_PRIMARY, { HELD_P3 }, 1 },
    { COLO_SECONDARY, { HELD_S3 }, 1 },
};

struct held_packet {
    struct dp_packet *frame;    /* Its bytes, as sent. */
    uint8_t *buf;               /* Its port's buffer, if in a port's
                                 * memory. */
    uintptr_t sent;             /* The dp_packet handed to the compare. */
};

struct held_test {
    struct held_packet packets[HELD_N_PACKETS];
    struct ds released;         /* What the compare released, a line a
                                 * packet. */
};

/* Frame 'k' of a stream from the guest: TCP segments follow each other,
 * datagrams differ by their first byte. */
static struct dp_packet *
held_frame(int proto, int k)
{
    size_t payload = payload_len(proto, HELD_FRAME_SIZE);
    struct dp_packet *frame = build_frame(proto, HELD_FRAME_SIZE, 1024,
                                          1000 + k * payload);
    char *data = dp_packet_data(frame);

    data[HELD_FRAME_SIZE - payload] = '1' + k;
    return frame;
}

/* Returns the packet that packet 'i' of 't' is as it comes from its port:
 * in the port's buffer, as a DPDK port's mbuf or an AF_XDP port's UMEM
 * frame is, which dp_packet_delete() leaves to the port (here, the struct
 * alone is freed), or malloc'd. */
static struct dp_packet *
held_packet_create(struct held_test *t, int i)
{
    struct held_packet *hp = &t->packets[i];
    struct dp_packet *p;

    if (hp->buf) {
        p = xmalloc(sizeof *p);
        dp_packet_use_stub(p, hp->buf, HELD_BUF_SIZE);
        dp_packet_reserve(p, HELD_HEADROOM);
        dp_packet_put(p, dp_packet_data(hp->frame),
                      dp_packet_size(hp->frame));
    } else {
        p = dp_packet_clone(hp->frame);
        ovs_assert(p->source == DPBUF_MALLOC);
    }
    p->md.pkt_mark = i + 1;
    hp->sent = (uintptr_t) p;
    return p;
}

/* The datapath's execute: notes what each released packet is, and frees
 * it (a packet in a port's buffer: its struct alone). */
static void
held_execute(void *aux, struct dp_packet_batch *batch,
             const struct flow *flow OVS_UNUSED,
             const struct nlattr *actions OVS_UNUSED,
             size_t actions_len OVS_UNUSED)
{
    struct held_test *t = aux;
    struct dp_packet *p;

    DP_PACKET_BATCH_FOR_EACH (k, p, batch) {
        uint32_t mark = p->md.pkt_mark;
        const void *data = dp_packet_data(p);
        const struct held_packet *hp;
        bool in_buf;

        if (!mark || mark > HELD_N_PACKETS) {
            ds_put_format(&t->released, "  released a packet with mark %"
                          PRIu32"\n", mark);
            continue;
        }
        hp = &t->packets[mark - 1];
        in_buf = (hp->buf && (uintptr_t) data >= (uintptr_t) hp->buf
                  && (uintptr_t) data < (uintptr_t) hp->buf + HELD_BUF_SIZE);
        ds_put_format(&t->released, "  released %s: %s, in %s, %s\n",
                      held_specs[mark - 1].name,
                      (uintptr_t) p == hp->sent ? "itself" : "a copy",
                      (colo_packet_is_own(p) ? "memory of its own"
                       : in_buf ? "its port's buffer" : "other memory"),
                      (dp_packet_size(p) == dp_packet_size(hp->frame)
                       && !memcmp(data, dp_packet_data(hp->frame),
                                  dp_packet_size(p))
                       ? "bytes as sent" : "bytes changed"));
    }
    dp_packet_delete_batch(batch, true);
}

/* Hands batch 'b' to 'cmp', then lets the ports reuse the buffers of its
 * packets: whatever the compare still reads from them is garbage.  Prints
 * the copies the compare made and what it released. */
static void
held_run_batch(struct held_test *t, const char *proto_name, uint32_t id,
               const struct colo_datapath *dp, const struct held_batch *b)
{
    struct colo_compare *cmp = &colo_instance_get(id)->compare;
    struct colo_odp_action action = { .mode = b->mode, .id = id };
    struct dp_packet_batch batch;
    unsigned int copied;

    printf("%s:", proto_name);
    dp_packet_batch_init(&batch);
    for (size_t i = 0; i < b->n; i++) {
        dp_packet_batch_add(&batch, held_packet_create(t, b->packets[i]));
        printf("%s %s", i ? "," : "", held_specs[b->packets[i]].name);
    }

    ds_clear(&t->released);
    counter_colo_held_copied.count();
    colo_compare_input(cmp, dp, &action, &batch, true);
    copied = counter_colo_held_copied.count();

    for (size_t i = 0; i < b->n; i++) {
        uint8_t *buf = t->packets[b->packets[i]].buf;

        if (buf) {
            memset(buf, 0xa5, HELD_BUF_SIZE);
        }
    }
    printf(": copied %u\n%s", copied, ds_cstr(&t->released));
}

/* Runs the held-memory batches of 'proto' through a fresh instance 'id';
 * prints what each did and what the instance holds at the end. */
static void
held_memory_run(uint32_t id, int proto, const char *proto_name)
{
    struct held_test t;
    struct colo_datapath dp = {
        .aux = &t,
        .owner = &t,
        .execute = held_execute,
    };
    struct colo_instance *inst = colo_instance_get(id);
    size_t n_held;

    ds_init(&t.released);
    for (int i = 0; i < HELD_N_PACKETS; i++) {
        t.packets[i] = (struct held_packet) {
            .frame = held_frame(proto, held_specs[i].frame),
            .buf = held_specs[i].in_port ? xmalloc(HELD_BUF_SIZE) : NULL,
        };
    }

    for (size_t i = 0; i < ARRAY_SIZE(held_batches); i++) {
        held_run_batch(&t, proto_name, id, &dp, &held_batches[i]);
    }

    ovs_mutex_lock(&inst->compare.mutex);
    n_held = inst->compare.n_held;
    ovs_mutex_unlock(&inst->compare.mutex);
    printf("%s: held at the end: %"PRIuSIZE"\n", proto_name, n_held);

    /* Whatever is left goes, and the instance with it, before the ports'
     * buffers. */
    colo_instance_unconfigure(inst);
    while (colo_run(&dp)) {
        continue;
    }
    for (int i = 0; i < HELD_N_PACKETS; i++) {
        dp_packet_delete(t.packets[i].frame);
        free(t.packets[i].buf);
    }
    ds_destroy(&t.released);
}

static void
held_memory(void)
{
    BUILD_ASSERT(HELD_HEADROOM + HELD_FRAME_SIZE <= HELD_BUF_SIZE);

    colo_init();
    vlog_set_levels(vlog_module_from_name("colo_instance"),
                    VLF_ANY_DESTINATION, VLL_WARN);
    held_memory_run(1, IPPROTO_UDP, "udp");
    held_memory_run(2, IPPROTO_TCP, "tcp");
}

static void
test_colo_compare_main(int argc, char *argv[])
{
    if (argc > 1 && !strcmp(argv[1], "benchmark")) {
        benchmark(argc - 1, argv + 1);
    } else if (argc > 1 && !strcmp(argv[1], "flood")) {
        flood(argc - 1, argv + 1);
    } else if (argc > 1 && !strcmp(argv[1], "scale")) {
        scale(argc - 1, argv + 1);
    } else if (argc == 2 && !strcmp(argv[1], "held-memory")) {
        held_memory();
    } else {
        ovs_fatal(0, "usage: %s benchmark|flood|scale [N] [CSV-FILE]\n"
                  "       %s held-memory", argv[0], argv[0]);
    }
}

OVSTEST_REGISTER("test-colo-compare", test_colo_compare_main);
