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

/* Benchmark of the COLO compare engine: identical primary and secondary
 * streams driven straight into colo_compare_input(), the primary ahead by
 * one batch, as in the datapath when the SVM lags.  Prints, per protocol,
 * frame size and number of connections, the pairs compared per second of
 * CPU and the CPU time per compared pair (one primary and one secondary
 * packet, from the datapath's hands to released and freed), the best of
 * three runs.  Building the frames is not counted.
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

/* Builds a frame from the guest (10.0.0.2) to the client (10.0.0.1) of
 * 'size' bytes on the wire (without FCS), for source port 'sport'. */
static struct dp_packet *
build_frame(int proto, size_t size, uint16_t sport, uint32_t seq)
{
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
    put_16aligned_be32(&ip->ip_src, htonl(0x0a000002));
    put_16aligned_be32(&ip->ip_dst, htonl(0x0a000001));

    if (proto == IPPROTO_TCP) {
        struct tcp_header *tcp = (struct tcp_header *) (ip + 1);

        tcp->tcp_src = htons(sport);
        tcp->tcp_dst = htons(40000);
        put_16aligned_be32(&tcp->tcp_seq, htonl(seq));
        put_16aligned_be32(&tcp->tcp_ack, htonl(1));
        tcp->tcp_ctl = TCP_CTL(TCP_ACK | TCP_PSH, 5);
        tcp->tcp_winsz = htons(502);
    } else {
        struct udp_header *udp = (struct udp_header *) (ip + 1);

        udp->udp_src = htons(sport);
        udp->udp_dst = htons(5353);
        udp->udp_len = htons(size - ETH_HEADER_LEN - IP_HEADER_LEN);
    }
    memset((char *) dp_packet_data(p) + hdrs, 'x', size - hdrs);
    return p;
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
    size_t payload = size - ETH_HEADER_LEN - IP_HEADER_LEN
                     - (proto == IPPROTO_TCP ? TCP_HEADER_LEN
                                             : UDP_HEADER_LEN);
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

static void
benchmark(int argc, char *argv[])
{
    int n_pairs = argc > 1 ? atoi(argv[1]) : 1000000;
    FILE *csv = argc > 2 ? fopen(argv[2], "w") : NULL;
    static const size_t sizes[] = { 64, 512, 1514 };
    static const int conns[] = { 1, 10000 };
    static const int protos[] = { IPPROTO_TCP, IPPROTO_UDP };
    uint32_t id = 1;

    colo_init();
    vlog_set_levels(vlog_module_from_name("colo_instance"),
                    VLF_ANY_DESTINATION, VLL_WARN);
    printf("%-5s %6s %7s %14s %12s\n",
           "proto", "bytes", "conns", "pairs/CPU-s", "ns/pair");
    if (csv) {
        fprintf(csv, "proto,bytes,conns,pairs_per_cpu_s,cpu_ns_per_pair\n");
    }
    for (size_t i = 0; i < ARRAY_SIZE(protos); i++) {
        for (size_t j = 0; j < ARRAY_SIZE(sizes); j++) {
            for (size_t k = 0; k < ARRAY_SIZE(conns); k++) {
                const char *proto = protos[i] == IPPROTO_TCP ? "tcp" : "udp";
                struct bench_result r;

                /* The best of three runs, each on a fresh instance: the
                 * machine's noise only ever adds. */
                r = (struct bench_result) { .ns_per_pair = DBL_MAX };
                for (int run = 0; run < 3; run++) {
                    struct bench_result x = run_case(id++, protos[i],
                                                     sizes[j], conns[k],
                                                     n_pairs);
                    if (x.ns_per_pair < r.ns_per_pair) {
                        r = x;
                    }
                }
                printf("%-5s %6"PRIuSIZE" %7d %14.0f %12.1f\n",
                       proto, sizes[j], conns[k], r.pps, r.ns_per_pair);
                if (csv) {
                    fprintf(csv, "%s,%"PRIuSIZE",%d,%.0f,%.1f\n",
                            proto, sizes[j], conns[k], r.pps, r.ns_per_pair);
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
