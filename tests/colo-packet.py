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

"""Prints one Ethernet frame as hex, for netdev-dummy/receive.

The colo tests craft what a guest sends: by default a frame from the
guest (50:54:00:00:00:02, 10.0.0.2 or fd00::2) to the client
(50:54:00:00:00:01, 10.0.0.1 or fd00::1); --to-guest turns the default
addresses and ports around.  Options that break a header on purpose (--ihl,
--doff, --tot-len, --truncate, --tcp-opts) make malformed frames.
"""

import argparse
import ipaddress
import struct
import sys


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff


def mac(s):
    return bytes(int(x, 16) for x in s.split(":"))


def tcp_options(args):
    opts = b""
    if args.mss is not None:
        opts += struct.pack("!BBH", 2, 4, args.mss)
    if args.sack_ok:
        opts += b"\x04\x02"
    if args.ts is not None:
        tsval, tsecr = (int(x) for x in args.ts.split(","))
        opts += b"\x01\x01" + struct.pack("!BBII", 8, 10, tsval, tsecr)
    if args.sack:
        edges = [int(x) for x in args.sack.replace("-", ",").split(",")]
        opts += b"\x01\x01" + struct.pack("!BB", 5, 2 + 4 * len(edges))
        opts += struct.pack("!%dI" % len(edges), *edges)
    if args.tcp_opts:
        opts += bytes.fromhex(args.tcp_opts)
    return opts + b"\x01" * (-len(opts) % 4)


def l4(args, proto, pseudo):
    data = args.data.encode() if args.data is not None else b""
    if args.hex_data:
        data += bytes.fromhex(args.hex_data)
    if proto == 6:
        flags = 0
        for c in args.flags:
            flags |= {"F": 1, "S": 2, "R": 4, "P": 8, "A": 16, "U": 32}[c]
        opts = tcp_options(args)
        doff = args.doff if args.doff is not None else 5 + len(opts) // 4
        hdr = struct.pack("!HHIIBBHHH", args.sport, args.dport,
                          args.seq & 0xffffffff, args.ack & 0xffffffff,
                          doff << 4, flags, args.win, 0, 0) + opts
        seg = hdr + data
        c = csum(pseudo(6, len(seg)) + seg)
        return seg[:16] + struct.pack("!H", c) + seg[18:]
    if proto == 17:
        seg = struct.pack("!HHHH", args.sport, args.dport, 8 + len(data),
                          0) + data
        c = csum(pseudo(17, len(seg)) + seg) or 0xffff
        return seg[:6] + struct.pack("!H", c) + seg[8:]
    if proto not in (1, 58):
        return data
    # ICMP or ICMPv6 echo request.
    echo_type = 8 if proto == 1 else 128
    seg = struct.pack("!BBHHH", echo_type, 0, 0, args.icmp_id,
                      args.icmp_seq) + data
    c = csum((pseudo(58, len(seg)) if proto == 58 else b"") + seg)
    return seg[:2] + struct.pack("!H", c) + seg[4:]


def ip_frame(args):
    proto = {"tcp": 6, "udp": 17, "icmp": 1, "icmp6": 58,
             "ip": args.proto}[args.kind]
    if args.ipv6 or proto == 58:
        src = ipaddress.IPv6Address(args.src).packed
        dst = ipaddress.IPv6Address(args.dst).packed

        def pseudo(p, n):
            return src + dst + struct.pack("!IxxxB", n, p)
        seg = l4(args, proto, pseudo)
        nxt = 58 if proto == 1 else proto
        if proto == 1:
            seg = l4(args, 58, pseudo)
        hdr = struct.pack("!IHBB", (6 << 28) | args.flow_label, len(seg),
                          nxt, args.ttl) + src + dst
        return 0x86dd, hdr + seg

    src = ipaddress.IPv4Address(args.src).packed
    dst = ipaddress.IPv4Address(args.dst).packed

    def pseudo(p, n):
        return src + dst + struct.pack("!xBH", p, n)
    seg = l4(args, proto, pseudo)
    ihl = args.ihl if args.ihl is not None else 5
    tot_len = args.tot_len if args.tot_len is not None else 20 + len(seg)
    hdr = struct.pack("!BBHHHBBH", 0x40 | ihl, 0, tot_len, args.ip_id,
                      0x4000, args.ttl, proto, 0) + src + dst
    hdr = hdr[:10] + struct.pack("!H", csum(hdr)) + hdr[12:]
    return 0x0800, hdr + seg


def arp_frame(args):
    spa = ipaddress.IPv4Address(args.src).packed
    tpa = ipaddress.IPv4Address(args.dst).packed
    return 0x0806, (struct.pack("!HHBBH", 1, 0x0800, 6, 4, args.arp_op)
                    + mac(args.eth_src) + spa + b"\0" * 6 + tpa)


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("kind", choices=["tcp", "udp", "icmp", "icmp6", "arp",
                                    "ip"])
    p.add_argument("--proto", type=int, default=47,
                   help="the IP protocol of 'ip' (raw payload)")
    p.add_argument("--to-guest", action="store_true",
                   help="a frame from the client to the guest")
    p.add_argument("--eth-src")
    p.add_argument("--eth-dst")
    p.add_argument("--vlan", type=int)
    p.add_argument("--ipv6", action="store_true")
    p.add_argument("--src")
    p.add_argument("--dst")
    p.add_argument("--ttl", type=int, default=64)
    p.add_argument("--ip-id", type=int, default=0)
    p.add_argument("--flow-label", type=int, default=0)
    p.add_argument("--sport", type=int)
    p.add_argument("--dport", type=int)
    p.add_argument("--seq", type=int, default=0)
    p.add_argument("--ack", type=int, default=0)
    p.add_argument("--flags", default="A")
    p.add_argument("--win", type=int, default=502)
    p.add_argument("--mss", type=int)
    p.add_argument("--sack-ok", action="store_true")
    p.add_argument("--ts", help="TSVAL,TSECR")
    p.add_argument("--sack", help="LEFT-RIGHT[,LEFT-RIGHT]")
    p.add_argument("--tcp-opts", help="more TCP options, as hex")
    p.add_argument("--icmp-id", type=int, default=1)
    p.add_argument("--icmp-seq", type=int, default=1)
    p.add_argument("--arp-op", type=int, default=1)
    p.add_argument("--data", help="payload, as text")
    p.add_argument("--hex-data", help="payload (after --data), as hex")
    p.add_argument("--ihl", type=int)
    p.add_argument("--doff", type=int)
    p.add_argument("--tot-len", type=int)
    p.add_argument("--truncate", type=int, help="keep the first N bytes")
    p.add_argument("--count", type=int, default=1,
                   help="print N frames, --sport, --sport+1, ...")
    p.add_argument("--step", choices=["sport", "dport"], default="sport",
                   help="the port that --count moves on")
    args = p.parse_args()
    guest = ["50:54:00:00:00:02", "10.0.0.2", "fd00::2",
             53 if args.kind == "udp" else 80]
    client = ["50:54:00:00:00:01", "10.0.0.1", "fd00::1",
              5353 if args.kind == "udp" else 40000]
    if args.to_guest:
        guest, client = client, guest
    args.eth_src = args.eth_src or guest[0]
    args.eth_dst = args.eth_dst or client[0]
    ip = 2 if args.ipv6 or args.kind == "icmp6" else 1
    args.src = args.src or guest[ip]
    args.dst = args.dst or client[ip]
    if args.sport is None:
        args.sport = guest[3]
    if args.dport is None:
        args.dport = client[3]

    first = getattr(args, args.step)
    for i in range(args.count):
        setattr(args, args.step, first + i)
        print_frame(args)


def print_frame(args):
    if args.kind == "arp":
        eth_type, body = arp_frame(args)
    else:
        eth_type, body = ip_frame(args)
    frame = mac(args.eth_dst) + mac(args.eth_src)
    if args.vlan is not None:
        frame += struct.pack("!HH", 0x8100, args.vlan)
    frame += struct.pack("!H", eth_type) + body
    if args.truncate is not None:
        frame = frame[:args.truncate]
    sys.stdout.write(frame.hex() + "\n")


if __name__ == "__main__":
    main()
