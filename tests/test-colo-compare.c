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
 * (its seq moves) per pair, through colo_rewrite_batch().
 *
 * Each figure is the best of three runs.  Building the frames is not
 * counted.
 *
 *     ovstest test-colo-compare benchmark [PAIRS] [CSV-FILE] */

#include <config.h>
#undef NDEBUG
#include <float.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include "colo/colo.h"
#include "colo/colo-compare.h"
#include "colo/colo-instance.h"
#include "colo/colo-odp.h"
#include "colo/colo-rewrite.h"
#include "dp-packet.h"
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

static size_t
payload_len(int proto, size_t size)
{
    return size - ETH_HEADER_LEN - IP_HEADER_LEN
           - (proto == IPPROTO_TCP ? TCP_HEADER_LEN : UDP_HEADER_LEN);
}

static double
cpu_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return ts.tv_sec * 1e9 + ts.tv_nsec;
}

struct bench_result {
    double pps;                 /* Compared pairs per second of CPU. */
    double ns_per_pair;         /* CPU time per compared pair. */
};

static struct bench_result
run_case(uint32_t id, int proto, size_t size, int n_conns, int n_pairs)
{
    size_t payload = payload_len(proto, size);
    uint32_t *seqs = xcalloc(n_conns, sizeof *seqs);
    size_t n_released = 0;
    struct colo_datapath dp = {
        .aux = &n_released,
        .owner = &n_released,
        .execute = bench_execute,
    };
    struct colo_odp_action primary, secondary;
    uint64_t stub[64 / 8];
    struct ofpbuf release;
    double cpu = 0;
    int conn = 0;

    /* The primary's release actions: an empty list, for bench_execute. */
    ofpbuf_use_stub(&release, stub, sizeof stub);
    primary = (struct colo_odp_action) {
        .mode = COLO_PRIMARY, .id = id,
        .actions = release.data, .actions_len = 0,
    };
    secondary = (struct colo_odp_action) {
        .mode = COLO_SECONDARY, .id = id,
    };

    for (int done = 0; done < n_pairs; done += NETDEV_MAX_BURST) {
        struct dp_packet_batch p, s;
        double start;

        dp_packet_batch_init(&p);
        dp_packet_batch_init(&s);
        for (int i = 0; i < NETDEV_MAX_BURST; i++) {
            uint16_t sport = 1024 + conn;

            dp_packet_batch_add(&p, build_frame(proto, size, sport,
                                                seqs[conn]));
            dp_packet_batch_add(&s, build_frame(proto, size, sport,
                                                seqs[conn]));
            seqs[conn] += payload;
            conn = (conn + 1) % n_conns;
        }

        start = cpu_ns();
        colo_compare_input(&dp, &primary, &p, true);
        colo_compare_input(&dp, &secondary, &s, true);
        cpu += cpu_ns() - start;
    }
    ofpbuf_uninit(&release);
    free(seqs);

    /* Identical streams: everything compares and leaves. */
    ovs_assert(n_released == ROUND_UP(n_pairs, NETDEV_MAX_BURST));
    return (struct bench_result) {
        .pps = n_released / (cpu / 1e9),
        .ns_per_pair = cpu / n_released,
    };
}

/* The client's ISN, the PVM's and the SVM's, of every connection. */
#define CLIENT_ISN 5000
#define PVM_ISN 1000
#define SVM_ISN 90000

/* Runs 'batch' through instance 'inst''s rewriter in 'mode', and frees it.
 * Returns the CPU time it took. */
static double
rewrite(struct colo_instance *inst, enum colo_mode mode,
        struct dp_packet_batch *batch)
{
    double start = cpu_ns();
    double cpu;

    colo_rewrite_batch(inst, mode, batch);
    cpu = cpu_ns() - start;
    dp_packet_delete_batch(batch, true);
    return cpu;
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
        cpu += rewrite(inst, COLO_TO_GUEST, &to);
        cpu += rewrite(inst, COLO_FROM_GUEST, &from);
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
           "engine", "proto", "bytes", "conns", "pairs/CPU-s", "ns/pair");
    if (csv) {
        fprintf(csv, "engine,proto,bytes,conns,pairs_per_cpu_s,"
                "cpu_ns_per_pair\n");
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

static void
test_colo_compare_main(int argc, char *argv[])
{
    if (argc > 1 && !strcmp(argv[1], "benchmark")) {
        benchmark(argc - 1, argv + 1);
    } else {
        ovs_fatal(0, "usage: %s benchmark [PAIRS] [CSV-FILE]", argv[0]);
    }
}

OVSTEST_REGISTER("test-colo-compare", test_colo_compare_main);
