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

"""One TCP exchange, for the colo system tests.

  serve ADDR PORT OUT     accepts one connection, reads a request line,
                          answers with --size bytes made from it, and
                          waits for the peer to close;
  connect ADDR PORT OUT   connects from --sport, sends a request line,
                          reads the answer until the server closes.

Both write to OUT what they saw: "ok BYTES SHA256" of the bytes received,
or the error that ended the connection.  The PVM and the SVM run the same
commands, so they send the same bytes.
"""

import argparse
import hashlib
import socket
import sys


def answer(request, size):
    line = request.strip() + b" "
    return (line * (size // len(line) + 1))[:size]


def read_all(sock):
    data = b""
    while True:
        chunk = sock.recv(65536)
        if not chunk:
            return data
        data += chunk


def serve(args):
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind((args.addr, args.port))
    listener.listen(1)
    conn, _ = listener.accept()
    request = b""
    while not request.endswith(b"\n"):
        chunk = conn.recv(4096)
        if not chunk:
            raise ConnectionError("closed before the request ended")
        request += chunk
    conn.sendall(answer(request, args.size))
    conn.shutdown(socket.SHUT_WR)
    rest = read_all(conn)
    conn.close()
    return request + rest


def connect(args):
    # A fixed source port: two guests would pick different ephemeral
    # ports, a divergence of its own.
    conn = socket.create_connection((args.addr, args.port), timeout=30,
                                    source_address=("", args.sport))
    conn.sendall(b"colo says hello\n")
    data = read_all(conn)
    conn.close()
    return data


def main():
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("mode", choices=["serve", "connect"])
    p.add_argument("addr")
    p.add_argument("port", type=int)
    p.add_argument("out")
    p.add_argument("--size", type=int, default=200000,
                   help="bytes the server answers")
    p.add_argument("--sport", type=int, default=45000,
                   help="the port connect connects from")
    args = p.parse_args()
    try:
        data = serve(args) if args.mode == "serve" else connect(args)
        result = "ok %d %s" % (len(data), hashlib.sha256(data).hexdigest())
    except (OSError, ConnectionError) as e:
        result = "error %s" % type(e).__name__
    with open(args.out, "w") as f:
        f.write(result + "\n")
    return 0 if result.startswith("ok") else 1


if __name__ == "__main__":
    sys.exit(main())
