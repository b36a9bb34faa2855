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

/* The packet generator of the datapath benchmark
 * (utilities/ovs-colo-bench-datapath): sends frames into ovs-vswitchd's
 * ports through AF_PACKET sockets on the far ends of their veths, and
 * counts what comes out of another port.
 *
 *     ovstest test-colo-pktgen run SECONDS WINDOW RX-IF FRAMES TX-IF...
 *
 * FRAMES holds one frame a line, in hex (tests/colo-packet.py's output),
 * one for each connection.  A round sends the next frame, in turn, once on
 * every TX-IF: the same bytes on each, as a PVM and its SVM would send
 * them.  A TCP frame's sequence number moves on by its payload every time
 * it is sent, so that each connection is a stream.  Frames on RX-IF count
 * as received.  At most WINDOW rounds are ever in flight (sent, not yet
 * received): the datapath's receive buffers then never overflow, and the
 * rate found is what the datapath sustains without loss.  Prints
 * "rounds=N received=N lost=N seconds=S": SECONDS of sending, what was
 * received by their end, and what never came (waited for up to 1 s more).
 *
 *     ovstest test-colo-pktgen send TX-IF FRAMES [RX-IF]
 *
 * sends the frames in FRAMES once, in order, on TX-IF (handshakes).  With
 * RX-IF, where the frames come out, at most PKTGEN_SEND_WINDOW are in
 * flight at a time and it returns once all came (or none came for half a
 * second), printing "sent=N received=N": thousands of frames sent at once
 * would overflow the datapath's receive buffers, and a frame that takes
 * another path (the client's ACK after the SVM's SYN-ACK) must not
 * overtake one still in flight. */

#include <config.h>
#undef NDEBUG
#include <errno.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include "csum.h"
#include "openvswitch/dynamic-string.h"
#include "ovstest.h"
#include "packets.h"
#include "util.h"

#define PKTGEN_BATCH 32         /* Rounds sent with one sendmmsg(). */
#define PKTGEN_MAX_TX 4
#define PKTGEN_SEND_WINDOW 128  /* Frames in flight in "send" with RX-IF. */

struct pktgen_frame {
    uint8_t *data;
    size_t len;
    size_t tcp_ofs;             /* Offset of the TCP header; 0 if none. */
    uint32_t payload;           /* TCP payload length. */
};

static double
now_s(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* An AF_PACKET socket bound to 'ifname', with large buffers: the generator
 * must not be what loses frames.  Only a receiving socket ('rx') takes in
 * frames; one that only sends would queue them for nothing. */
static int
open_port(const char *ifname, bool rx)
{
    struct sockaddr_ll sll = {
        .sll_family = AF_PACKET,
        .sll_protocol = rx ? htons(ETH_P_ALL) : 0,
        .sll_ifindex = if_nametoindex(ifname),
    };
    int size = 8 << 20;
    int fd;

    if (!sll.sll_ifindex) {
        ovs_fatal(errno, "%s", ifname);
    }
    fd = socket(AF_PACKET, SOCK_RAW, sll.sll_protocol);
    if (fd < 0 || bind(fd, (struct sockaddr *) &sll, sizeof sll) < 0) {
        ovs_fatal(errno, "%s: AF_PACKET socket", ifname);
    }
    setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof size);
    setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &size, sizeof size);
    return fd;
}

/* Where the TCP header of 'f' starts, for an untagged IPv4 or IPv6 frame
 * without extension headers; 0 if it is not TCP. */
static void
locate_tcp(struct pktgen_frame *f)
{
    const uint8_t *p = f->data;
    size_t ip_len, l4_ofs;
    uint8_t proto;

    f->tcp_ofs = 0;
    if (f->len < ETH_HEADER_LEN + IPV6_HEADER_LEN) {
        return;
    }
    if (p[12] == 0x08 && p[13] == 0x00 && (p[14] >> 4) == 4
        && (p[14] & 0xf) >= 5) {
        l4_ofs = ETH_HEADER_LEN + (p[14] & 0xf) * 4;
        proto = p[23];
        ip_len = ETH_HEADER_LEN + ((p[16] << 8) | p[17]);
    } else if (p[12] == 0x86 && p[13] == 0xdd) {
        l4_ofs = ETH_HEADER_LEN + IPV6_HEADER_LEN;
        proto = p[20];
        ip_len = l4_ofs + ((p[18] << 8) | p[19]);
    } else {
        return;
    }
    if (proto == IPPROTO_TCP && l4_ofs + TCP_HEADER_LEN <= f->len
        && ip_len <= f->len
        && l4_ofs + (p[l4_ofs + 12] >> 4) * 4 <= ip_len) {
        f->tcp_ofs = l4_ofs;
        f->payload = ip_len - l4_ofs - (p[l4_ofs + 12] >> 4) * 4;
    }
}

static struct pktgen_frame *
read_frames(const char *file_name, size_t *n)
{
    struct pktgen_frame *frames = NULL;
    struct ds line = DS_EMPTY_INITIALIZER;
    size_t allocated = 0;
    FILE *file;

    file = fopen(file_name, "r");
    if (!file) {
        ovs_fatal(errno, "%s", file_name);
    }
    *n = 0;
    while (!ds_get_line(&line, file)) {
        const char *hex = ds_cstr(&line);
        size_t len = strlen(hex) / 2;
        struct pktgen_frame *f;

        if (!len) {
            continue;
        } else if (len > ETH_TOTAL_MAX) {
            ovs_fatal(0, "%s: a frame over %d bytes", file_name,
                      ETH_TOTAL_MAX);
        }
        if (*n >= allocated) {
            frames = x2nrealloc(frames, &allocated, sizeof *frames);
        }
        f = &frames[(*n)++];
        f->data = xmalloc(len);
        f->len = len;
        for (size_t i = 0; i < len; i++) {
            bool ok;

            f->data[i] = hexits_value(hex + 2 * i, 2, &ok);
            if (!ok) {
                ovs_fatal(0, "%s: not a frame in hex: %s", file_name, hex);
            }
        }
        locate_tcp(f);
    }
    ds_destroy(&line);
    fclose(file);
    if (!*n) {
        ovs_fatal(0, "%s: no frames", file_name);
    }
    return frames;
}

/* Moves 'f''s TCP sequence number on by its payload, keeping its checksum
 * right. */
static void
advance_seq(struct pktgen_frame *f)
{
    uint8_t *seqp = f->data + f->tcp_ofs + 4;
    uint8_t *csump = f->data + f->tcp_ofs + 16;
    ovs_be32 old_seq, new_seq;
    ovs_be16 csum;

    if (!f->tcp_ofs || !f->payload) {
        return;
    }
    memcpy(&old_seq, seqp, sizeof old_seq);
    new_seq = htonl(ntohl(old_seq) + f->payload);
    memcpy(seqp, &new_seq, sizeof new_seq);
    memcpy(&csum, csump, sizeof csum);
    csum = recalc_csum32(csum, old_seq, new_seq);
    memcpy(csump, &csum, sizeof csum);
}

/* Counts the frames that arrived on 'fd' (not those sent on it), waiting
 * up to 'timeout_ms' for the first. */
static size_t
count_received(int fd, int timeout_ms)
{
    enum { N = 64 };
    static uint8_t bufs[N][64];
    struct sockaddr_ll addrs[N];
    struct mmsghdr msgs[N];
    struct iovec iovs[N];
    struct pollfd pfd = { .fd = fd, .events = POLLIN };
    size_t n = 0;
    int retval;

    if (timeout_ms && poll(&pfd, 1, timeout_ms) <= 0) {
        return 0;
    }
    for (;;) {
        for (int i = 0; i < N; i++) {
            iovs[i] = (struct iovec) { bufs[i], sizeof bufs[i] };
            msgs[i] = (struct mmsghdr) {
                .msg_hdr = {
                    .msg_name = &addrs[i], .msg_namelen = sizeof addrs[i],
                    .msg_iov = &iovs[i], .msg_iovlen = 1,
                },
            };
        }
        retval = recvmmsg(fd, msgs, N, MSG_DONTWAIT | MSG_TRUNC, NULL);
        if (retval <= 0) {
            return n;
        }
        for (int i = 0; i < retval; i++) {
            n += addrs[i].sll_pkttype != PACKET_OUTGOING;
        }
    }
}

/* Sends 'n_rounds' rounds, from frame '*next' on, on every socket in
 * 'tx'. */
static void
send_rounds(const int *tx, size_t n_tx, struct pktgen_frame *frames,
            size_t n_frames, size_t *next, size_t n_rounds)
{
    static uint8_t bufs[PKTGEN_BATCH][ETH_TOTAL_MAX];
    struct mmsghdr msgs[PKTGEN_BATCH];
    struct iovec iovs[PKTGEN_BATCH];

    /* A copy of each, because one frame may go twice in a batch, with two
     * sequence numbers. */
    for (size_t r = 0; r < n_rounds; r++) {
        struct pktgen_frame *f = frames + *next;

        memcpy(bufs[r], f->data, f->len);
        advance_seq(f);
        *next = (*next + 1) % n_frames;
        iovs[r] = (struct iovec) { bufs[r], f->len };
        msgs[r] = (struct mmsghdr) {
            .msg_hdr = { .msg_iov = &iovs[r], .msg_iovlen = 1 },
        };
    }
    for (size_t t = 0; t < n_tx; t++) {
        size_t sent = 0;

        while (sent < n_rounds) {
            int retval = sendmmsg(tx[t], msgs + sent, n_rounds - sent, 0);

            if (retval < 0 && errno != EINTR && errno != ENOBUFS
                && errno != EAGAIN) {
                ovs_fatal(errno, "sendmmsg");
            }
            sent += MAX(retval, 0);
        }
    }
}

static void
run(int argc, char *argv[])
{
    double seconds = atof(argv[1]);
    size_t window = atoi(argv[2]);
    int rx = open_port(argv[3], true);
    int tx[PKTGEN_MAX_TX];
    size_t n_tx = argc - 5;
    size_t n_frames, next = 0;
    struct pktgen_frame *frames = read_frames(argv[4], &n_frames);
    size_t rounds = 0, received = 0, written_off = 0, late = 0;
    double start, end, last_rx;

    if (n_tx > PKTGEN_MAX_TX || window < PKTGEN_BATCH) {
        ovs_fatal(0, "at most %d TX-IFs; WINDOW at least %d", PKTGEN_MAX_TX,
                  PKTGEN_BATCH);
    }
    for (size_t t = 0; t < n_tx; t++) {
        tx[t] = open_port(argv[5 + t], false);
    }
    count_received(rx, 0);

    start = last_rx = now_s();
    end = start + seconds;
    while (now_s() < end) {
        /* What arrives after it was written off, or anything else, must
         * not make the count in flight wrap. */
        size_t accounted = received + written_off;
        size_t in_flight = rounds > accounted ? rounds - accounted : 0;

        if (in_flight + PKTGEN_BATCH <= window) {
            send_rounds(tx, n_tx, frames, n_frames, &next, PKTGEN_BATCH);
            rounds += PKTGEN_BATCH;
            in_flight += PKTGEN_BATCH;
        }
        size_t n = count_received(rx, in_flight + PKTGEN_BATCH > window
                                      ? 1 : 0);
        if (n) {
            received += n;
            last_rx = now_s();
        } else if (in_flight && now_s() - last_rx > 0.5) {
            /* Nothing for half a second: write off what is in flight, so
             * that sending goes on. */
            written_off += in_flight;
            last_rx = now_s();
        }
    }
    seconds = now_s() - start;

    /* What is still in flight may yet arrive; it counts as not lost, but
     * not in the rate. */
    for (double t = now_s(); rounds > received + late && now_s() < t + 1;) {
        late += count_received(rx, 10);
    }
    printf("rounds=%"PRIuSIZE" received=%"PRIuSIZE" lost=%"PRIuSIZE
           " seconds=%.3f\n", rounds, received,
           rounds > received + late ? rounds - received - late : 0,
           seconds);
}

static void
send_once(int argc, char *argv[])
{
    int fd = open_port(argv[1], false);
    int rx = argc > 3 ? open_port(argv[3], true) : -1;
    size_t n_frames, received = 0, written_off = 0;
    struct pktgen_frame *frames = read_frames(argv[2], &n_frames);
    double last_rx = now_s();
    size_t i = 0;

    if (rx >= 0) {
        count_received(rx, 0);
    }
    while (i < n_frames || (rx >= 0 && i > received + written_off)) {
        size_t in_flight = i - MIN(i, received + written_off);

        if (i < n_frames && (rx < 0 || in_flight < PKTGEN_SEND_WINDOW)) {
            if (send(fd, frames[i].data, frames[i].len, 0) < 0) {
                ovs_fatal(errno, "%s: send", argv[1]);
            }
            i++;
            continue;
        }

        size_t n = count_received(rx, 10);
        if (n) {
            received += n;
            last_rx = now_s();
        } else if (now_s() - last_rx > 0.5) {
            written_off = i - MIN(i, received);
            last_rx = now_s();
        }
    }
    if (rx >= 0) {
        printf("sent=%"PRIuSIZE" received=%"PRIuSIZE"\n", n_frames,
               MIN(received, n_frames));
    }
}

static void
test_colo_pktgen_main(int argc, char *argv[])
{
    if (argc >= 6 && !strcmp(argv[1], "run")) {
        run(argc - 1, argv + 1);
    } else if ((argc == 4 || argc == 5) && !strcmp(argv[1], "send")) {
        send_once(argc - 1, argv + 1);
    } else {
        ovs_fatal(0, "usage: %s run SECONDS WINDOW RX-IF FRAMES TX-IF...\n"
                  "       %s send TX-IF FRAMES [RX-IF]", argv[0], argv[0]);
    }
}

OVSTEST_REGISTER("test-colo-pktgen", test_colo_pktgen_main);
