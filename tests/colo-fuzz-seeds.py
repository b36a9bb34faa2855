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

"""Writes the seed corpus of the COLO fuzz targets.

    colo-fuzz-seeds.py DIR

writes DIR/compare/*, DIR/rewrite/* and DIR/actions/*, each file one input
in the format that tests/colo-fuzz.c reads.  The seeds are what the
engines see in normal work: handshakes, data that matches and data that
does not, retransmissions, timestamps and SACK, UDP, IPv6, a non-IP frame;
and the actions of the README.  The fuzzer starts from them."""

import os
import struct
import sys

FIN, SYN, RST, PSH, ACK = 0x01, 0x02, 0x04, 0x08, 0x10

# Steps of the compare input.
PRIMARY, SECONDARY, CHECKPOINT_DONE, RUN = 0, 3, 6, 7
# Steps of the rewrite input.
TO_GUEST, FROM_GUEST, REWRITE_DONE, EXPIRE = 0, 1, 2, 3


def u32(x):
    return struct.pack('>I', x & 0xffffffff)


def tcp(flags, seq, ack, payload=0, fill=0x61, stream=0, ipv6=False,
        to_guest=False, ts=None, sack=None):
    """A built TCP frame: 'ts' is (tsval, tsecr), 'sack' a list of
    (left, right) blocks, which need 'ts'."""
    shape = stream | (0x04 if ipv6 else 0) | (0x10 if to_guest else 0)
    frame = bytes([shape, flags]) + u32(seq) + u32(ack)
    if sack:
        frame += bytes([2]) + u32(ts[0]) + u32(ts[1])
        frame += bytes([len(sack) - 1])
        for left, right in sack:
            frame += u32(left) + u32(right)
    elif ts:
        frame += bytes([1]) + u32(ts[0]) + u32(ts[1])
    else:
        frame += bytes([0])
    return frame + bytes([payload, fill])


def udp(payload, fill=0x75, stream=0, ipv6=False):
    shape = stream | 0x08 | (0x04 if ipv6 else 0)
    return bytes([shape, 0]) + u32(0) + u32(0) + bytes([payload, fill])


def raw(frame):
    return bytes([0x80]) + struct.pack('>H', len(frame)) + frame


def step(kind, frames=()):
    """One step: 'kind' with up to 4 frames."""
    assert len(frames) <= 4
    n = max(len(frames), 1)
    return bytes([kind | ((n - 1) << 3)]) + b''.join(frames)


def both(*frames):
    """The same frames from the primary, then from the secondary."""
    return step(PRIMARY, frames) + step(SECONDARY, frames)


ARP = bytes.fromhex('ffffffffffff505400000002' '0806'
                    '0001080006040001505400000002' '0a000002'
                    '000000000000' '0a000001')


def compare_seeds():
    isn, client = 1000, 5000
    synack = tcp(SYN | ACK, isn, client + 1)
    data = [tcp(ACK | PSH, isn + 1 + 100 * i, client + 1, payload=100)
            for i in range(4)]
    with_ts = [tcp(ACK | PSH, isn + 1 + 100 * i, client + 1, payload=100,
                   ts=(7000 + i, 3000)) for i in range(2)]
    return {
        'handshake-and-data': both(synack) + both(*data),
        'svm-lags': (step(PRIMARY, [synack]) + step(PRIMARY, data)
                     + step(SECONDARY, [synack]) + step(SECONDARY, data)
                     + step(RUN)),
        'divergent-bytes': (both(synack) + step(PRIMARY, data[:1])
                            + step(SECONDARY, [tcp(ACK | PSH, isn + 1,
                                                   client + 1, payload=100,
                                                   fill=0x62)])
                            + step(CHECKPOINT_DONE) + both(data[1])),
        'retransmission': (both(synack) + step(PRIMARY, data[:2])
                           + step(PRIMARY, data[:1])
                           + step(SECONDARY, data[:2])),
        'timestamps': both(synack) + both(*with_ts),
        'fin-and-rst': (both(synack) + both(tcp(FIN | ACK, isn + 1,
                                                client + 1))
                        + step(PRIMARY, [tcp(RST, isn + 2, 0)])),
        'udp-ipv6-arp': (both(udp(40), udp(40, ipv6=True), raw(ARP))
                         + step(PRIMARY, [udp(41, fill=1)])
                         + step(SECONDARY, [udp(41, fill=2)])),
        'ipv6-streams': both(tcp(SYN | ACK, isn, client + 1, ipv6=True,
                                 stream=1),
                             tcp(ACK, isn + 1, client + 1, payload=10,
                                 ipv6=True, stream=1)),
    }


def rewrite_seeds():
    client, svm, pvm = 5000, 9000, 1000
    syn = tcp(SYN, client, 0, to_guest=True, ts=(100, 0))
    svm_synack = tcp(SYN | ACK, svm, client + 1, ts=(50000, 100))
    client_ack = tcp(ACK, client + 1, pvm + 1, to_guest=True,
                     ts=(101, 70000))
    svm_data = tcp(ACK | PSH, svm + 1, client + 1, payload=100,
                   ts=(50010, 101))
    client_sack = tcp(ACK, client + 1, pvm + 1, to_guest=True,
                      ts=(102, 70010),
                      sack=[(pvm + 101, pvm + 201), (pvm + 301, pvm + 401)])
    return {
        'accept': (step(TO_GUEST, [syn]) + step(FROM_GUEST, [svm_synack])
                   + step(TO_GUEST, [client_ack])
                   + step(FROM_GUEST, [svm_data])
                   + step(TO_GUEST, [client_sack])),
        'open-and-close': (step(FROM_GUEST, [tcp(SYN, svm, 0, ts=(1, 0))])
                           + step(TO_GUEST, [tcp(SYN | ACK, client,
                                                 pvm + 1, to_guest=True,
                                                 ts=(5, 1))])
                           + step(FROM_GUEST, [tcp(FIN | ACK, svm + 1,
                                                   client + 1)])
                           + step(TO_GUEST, [tcp(RST, client + 1, 0,
                                                 to_guest=True)])),
        'checkpoint-and-expiry': (step(TO_GUEST, [syn])
                                  + step(FROM_GUEST, [svm_synack])
                                  + step(REWRITE_DONE)
                                  + step(EXPIRE) + bytes([200])
                                  + step(TO_GUEST, [client_ack, raw(ARP)])),
    }


def actions_seeds():
    ofp = ['colo_mirror(id=1,port=2)',
           'colo_redirect(id=1,primary,table=2)',
           'colo_redirect(id=7,secondary)',
           'colo_rewrite(id=1,to_guest),colo_rewrite(id=2,from_guest)']
    odp = ['colo(mirror,id=1,copy(3))',
           'colo(primary,id=1,release(2))',
           'colo(secondary,id=1)',
           'colo(to_guest,id=4294967295)']
    seeds = {}
    for i, s in enumerate(ofp):
        seeds['ofp-%d' % i] = bytes([0]) + s.encode()
        seeds['ofp13-%d' % i] = bytes([4]) + s.encode()
    for i, s in enumerate(odp):
        seeds['odp-%d' % i] = bytes([2]) + s.encode()
    # NXAST_COLO, as ovs-ofctl encodes colo_redirect(id=1,primary,table=2).
    nxast = (struct.pack('>HHIH', 0xffff, 24, 0x2320, 200)
             + bytes([1, 2]) + u32(1) + struct.pack('>H', 0) + bytes(6))
    seeds['nxast'] = bytes([1]) + nxast
    # The body of a datapath COLO action: mode and id.
    seeds['odp-body'] = bytes([3]) + (struct.pack('=HHB3x', 5, 1, 1)
                                      + struct.pack('=HHI', 8, 2, 1))
    return seeds


def main():
    if len(sys.argv) != 2:
        sys.exit('usage: %s DIR' % sys.argv[0])
    for target, seeds in (('compare', compare_seeds()),
                          ('rewrite', rewrite_seeds()),
                          ('actions', actions_seeds())):
        directory = os.path.join(sys.argv[1], target)
        os.makedirs(directory, exist_ok=True)
        for name, data in seeds.items():
            with open(os.path.join(directory, name), 'wb') as f:
                f.write(data)


if __name__ == '__main__':
    main()
