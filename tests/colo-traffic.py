#! /usr/bin/env python3
# Copyright (c) 2026 The OVS-COLO authors.
#
# Licensed under the Apache License, Version 2.0 (the "License");
# you may not use this file except in compliance with the License.
# You may obtain a copy of the License at:
#
#     http://www.apache.org/licenses/LICENSE-2.0
#
# Unless required by applicable law or agreed to in writing, software
# distributed under the License is distributed on an "AS IS" BASIS,
# WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
# See the License for the specific language governing permissions and
# limitations under the License.

"""Client and guest programs for the colo system tests and the demo.

The PVM and the SVM run the same commands, so they send the same bytes.
Those given OUT write there what they saw: "ok ..." or "error NAME".

  serve ADDR PORT OUT    TCP: accepts one connection, reads a request
                         line, answers --size bytes made from it, and
                         reads until the peer closes.  OUT: "ok BYTES
                         SHA256" of the request and all that followed.
  connect ADDR PORT OUT  TCP: connects from --sport, sends a request line
                         and --upload bytes more, and reads the answer
                         until the server closes.  OUT: "ok BYTES SHA256"
                         of the answer.
  expect MODE            prints what MODE, serve or connect, writes at
                         the end of an exchange with these --size and
                         --upload.
  echo ADDR PORT         TCP and UDP echo on PORT, until killed.
  talk ADDR PORT OUT     TCP: --count lines to an echo server on one
                         connection, each echoed before the next; after
                         the first, waits until the file --hold exists.
                         OUT: "ok LINES".
  ask ADDR PORT OUT      UDP: --count datagrams to an echo server, each
                         echoed before the next.  OUT: "ok DATAGRAMS".
  http ADDR PORT DIR     HTTP: serves the files of DIR, until killed.
  rr ADDR PORT           TCP: --count round trips of --size bytes to an
                         echo server, on one connection, or with
                         --connect each on a connection of its own
                         (connect, send, receive, close).  Prints their
                         times in microseconds as JSON: count, min, p50,
                         p90, p99, max, mean.
  source ADDR PORT       TCP: for each connection, after a request line,
                         sends bytes made from it without end, until the
                         peer goes; until killed.
  sink ADDR PORT         TCP: sends a source a request line and reads
                         what comes for --time seconds.  Prints JSON:
                         bytes, seconds, mbit_s.

serve, connect, http and source send at most --rate Mbit/s, if given.
"""

import argparse
import functools
import hashlib
import itertools
import http.server
import json
import os
import socket
import socketserver
import sys
import threading
import time

REQUEST = b"colo says hello\n"
CHUNK = 65536


def family(addr):
    return socket.AF_INET6 if ":" in addr else socket.AF_INET


def pattern(line, size):
    """Yields 'size' bytes of 'line' repeated, in chunks."""
    block = line * max(1, CHUNK // len(line))
    while size > 0:
        yield block[:size]
        size -= len(block)


def answer_pattern(request, size):
    return pattern(request.strip() + b" ", size)


def request_pattern(upload):
    return itertools.chain([REQUEST], pattern(REQUEST, upload))


def digest(chunks):
    h = hashlib.sha256()
    n = 0
    for chunk in chunks:
        h.update(chunk)
        n += len(chunk)
    return "ok %d %s" % (n, h.hexdigest())


def received(sock):
    while True:
        chunk = sock.recv(CHUNK)
        if not chunk:
            return
        yield chunk


def pace(sock, rate):
    """Caps what 'sock' sends at 'rate' Mbit/s, if given."""
    if rate:
        so_max_pacing_rate = getattr(socket, "SO_MAX_PACING_RATE", 47)
        sock.setsockopt(socket.SOL_SOCKET, so_max_pacing_rate,
                        rate * 1000000 // 8)


def send_all(sock, chunks):
    for chunk in chunks:
        sock.sendall(chunk)


def serve(args):
    listener = socket.create_server((args.addr, args.port),
                                    family=family(args.addr))
    conn, _ = listener.accept()
    pace(conn, args.rate)
    request = b""
    while b"\n" not in request:
        chunk = conn.recv(4096)
        if not chunk:
            raise ConnectionError("closed before the request ended")
        request += chunk
    # The answer comes from the request line alone: how much of an upload
    # the first reads bring differs between the guests.
    line = request[:request.index(b"\n") + 1]
    send_all(conn, answer_pattern(line, args.size))
    conn.shutdown(socket.SHUT_WR)
    result = digest(itertools.chain([request], received(conn)))
    conn.close()
    return result


def connect(args):
    # A fixed source port: two guests would pick different ephemeral
    # ports, a divergence of its own.
    conn = socket.create_connection((args.addr, args.port), timeout=60,
                                    source_address=("", args.sport))
    pace(conn, args.rate)
    # Sending from a thread of its own keeps an upload and the answer
    # from waiting on each other.
    failure = []

    def send_request():
        try:
            send_all(conn, request_pattern(args.upload))
        except OSError as e:
            failure.append(e)

    sender = threading.Thread(target=send_request, daemon=True)
    sender.start()
    result = digest(received(conn))
    sender.join()
    conn.close()
    if failure:
        raise failure[0]
    return result


def echo_tcp(conn):
    with conn:
        for chunk in received(conn):
            conn.sendall(chunk)


def echo(args):
    udp = socket.socket(family(args.addr), socket.SOCK_DGRAM)
    udp.bind((args.addr, args.port))
    listener = socket.create_server((args.addr, args.port),
                                    family=family(args.addr))

    def accept_loop():
        while True:
            conn, _ = listener.accept()
            threading.Thread(target=echo_tcp, args=(conn,),
                             daemon=True).start()

    threading.Thread(target=accept_loop, daemon=True).start()
    while True:
        data, peer = udp.recvfrom(CHUNK)
        udp.sendto(data, peer)


def wait_for_file(name):
    deadline = time.monotonic() + 60
    while not os.path.exists(name):
        if time.monotonic() > deadline:
            raise TimeoutError("no " + name)
        time.sleep(0.05)


def talk(args):
    conn = socket.create_connection((args.addr, args.port), timeout=30)
    for i in range(args.count):
        if i == 1 and args.hold:
            wait_for_file(args.hold)
        round_trip(conn, b"line %d\n" % i)
    conn.close()
    return "ok %d" % args.count


def ask(args):
    udp = socket.socket(family(args.addr), socket.SOCK_DGRAM)
    udp.settimeout(5)
    udp.connect((args.addr, args.port))
    for i in range(args.count):
        datagram = b"datagram %d" % i
        udp.send(datagram)
        if udp.recv(CHUNK) != datagram:
            raise ConnectionError("another datagram")
    return "ok %d" % args.count


def percentile(sorted_values, p):
    """The nearest-rank 'p'th percentile of 'sorted_values'; also
    utilities/ovs-colo-bench-notify's."""
    rank = max(1, -(-len(sorted_values) * p // 100))
    return sorted_values[rank - 1]


def round_trip(conn, request):
    conn.sendall(request)
    echoed = b""
    while len(echoed) < len(request):
        chunk = conn.recv(CHUNK)
        if not chunk:
            raise ConnectionError("closed")
        echoed += chunk
    if echoed != request:
        raise ConnectionError("echoed %r for %r" % (echoed, request))


def rr(args):
    request = b"".join(pattern(REQUEST, args.size))
    times = []
    conn = None
    if not args.connect:
        conn = socket.create_connection((args.addr, args.port), timeout=60)
        conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    for _ in range(args.count):
        start = time.perf_counter_ns()
        if args.connect:
            with socket.create_connection((args.addr, args.port),
                                          timeout=60) as c:
                c.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                round_trip(c, request)
        else:
            round_trip(conn, request)
        times.append((time.perf_counter_ns() - start) / 1000)
    if conn:
        conn.close()
    times.sort()
    result = {"count": len(times), "min": times[0]}
    for p in (50, 90, 99):
        result["p%d" % p] = percentile(times, p)
    result.update(max=times[-1], mean=sum(times) / len(times))
    return {k: round(v, 1) for k, v in result.items()}


def source(args):
    listener = socket.create_server((args.addr, args.port),
                                    family=family(args.addr))

    def send_forever(conn):
        with conn:
            pace(conn, args.rate)
            request = b""
            while b"\n" not in request:
                chunk = conn.recv(4096)
                if not chunk:
                    return
                request += chunk
            # Whole blocks of the line, each sent whole (sendall): the
            # stream is the same however the socket takes it, so two
            # guests send the same bytes.
            block = next(answer_pattern(request[:request.index(b"\n") + 1],
                                        CHUNK))
            try:
                while True:
                    conn.sendall(block)
            except OSError:
                pass

    while True:
        conn, _ = listener.accept()
        threading.Thread(target=send_forever, args=(conn,),
                         daemon=True).start()


def sink(args):
    conn = socket.create_connection((args.addr, args.port), timeout=60)
    conn.sendall(REQUEST)
    start = time.monotonic()
    end = start + args.time
    n = 0
    while True:
        left = end - time.monotonic()
        if left <= 0:
            break
        conn.settimeout(left)
        try:
            chunk = conn.recv(CHUNK)
        except socket.timeout:
            break
        if not chunk:
            raise ConnectionError("closed")
        n += len(chunk)
    seconds = time.monotonic() - start
    conn.close()
    return {"bytes": n, "seconds": round(seconds, 3),
            "mbit_s": round(n * 8 / seconds / 1e6, 1)}


class FileHandler(http.server.SimpleHTTPRequestHandler):
    rate = None

    def setup(self):
        super().setup()
        pace(self.connection, self.rate)

    def send_header(self, keyword, value):
        # The PVM and the SVM answer a request a moment apart: their Date
        # headers differ whenever a second ends in between, a divergence
        # that this server leaves out.
        if keyword != "Date":
            super().send_header(keyword, value)

    def log_message(self, *args):
        pass


def serve_http(args):
    class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
        address_family = family(args.addr)
        daemon_threads = True

    FileHandler.rate = args.rate
    handler = functools.partial(FileHandler, directory=args.out)
    Server((args.addr, args.port), handler).serve_forever()


def main():
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("mode", choices=["serve", "connect", "expect", "echo",
                                    "talk", "ask", "http", "rr", "source",
                                    "sink"])
    p.add_argument("addr", nargs="?")
    p.add_argument("port", type=int, nargs="?")
    p.add_argument("out", nargs="?", help="OUT, or DIR for http")
    p.add_argument("--size", type=int, default=200000,
                   help="bytes the server answers, bytes of an rr request")
    p.add_argument("--upload", type=int, default=0,
                   help="bytes connect sends after its request line")
    p.add_argument("--sport", type=int, default=45000,
                   help="the port connect connects from")
    p.add_argument("--count", type=int, default=3,
                   help="lines talk sends, datagrams ask sends, round "
                   "trips rr makes")
    p.add_argument("--connect", action="store_true",
                   help="rr: a connection for each round trip")
    p.add_argument("--hold", help="the file talk waits for")
    p.add_argument("--time", type=float, default=10,
                   help="seconds sink reads")
    p.add_argument("--rate", type=int,
                   help="Mbit/s at most that serve, connect, http, source "
                   "send")
    args = p.parse_args()
    if args.mode == "expect":
        print(digest(answer_pattern(REQUEST, args.size)
                     if args.addr == "connect"
                     else request_pattern(args.upload)))
        return 0
    if args.mode in ("rr", "sink"):
        try:
            print(json.dumps((rr if args.mode == "rr" else sink)(args)))
        except (OSError, ConnectionError) as e:
            print(json.dumps({"error": type(e).__name__}))
            return 1
        return 0
    if args.mode in ("echo", "http", "source"):
        {"echo": echo, "http": serve_http, "source": source}[args.mode](args)
        return 0
    run = {"serve": serve, "connect": connect, "talk": talk, "ask": ask}
    try:
        result = run[args.mode](args)
    except (OSError, ConnectionError) as e:
        result = "error %s" % type(e).__name__
    with open(args.out, "w") as f:
        f.write(result + "\n")
    return 0 if result.startswith("ok") else 1


if __name__ == "__main__":
    sys.exit(main())
