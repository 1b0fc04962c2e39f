#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Low-rate UDP traffic for `make demo`, between the demo's own two network namespaces only.

    traffic.py serve --address A --peer B --ports P,P,...
    traffic.py send  --address B --peer A --plan NAME:PORT:KIND:WEIGHT,...

`serve` runs in the "server" namespace: it binds every port on its own address, drops what
arrives, and answers a request that asks for a reply (KIND "reply") with that many bytes, to the
peer address only. `send` runs in the "client" namespace and sends to the peer's address only:
"push" services send their payload to the server (counted by the server's input chain), "reply"
services send a small request and the server's answer is counted by its output chain. The total
rate wanders between a few KB/s and a few hundred KB/s over a few minutes.

Both modes stop by themselves after --max-seconds, and as soon as the process that started them
is gone, so that no generator outlives the demo. Standard library only.
"""

from __future__ import annotations

import argparse
import math
import os
import random
import selectors
import socket
import sys
import time

MAX_PAYLOAD = 1400          # stays under the veth MTU with IP and UDP headers
TICK = 0.1                  # seconds between sending rounds
MIN_RATE = 4_000            # bytes per second, the quiet end
MAX_RATE = 300_000          # bytes per second, the busy end
PERIOD = 240.0              # seconds of one slow swing between them


def parent_gone(parent: int) -> bool:
    return os.getppid() != parent


def serve(address: str, peer: str, ports: list[int], max_seconds: float) -> None:
    parent = os.getppid()
    sel = selectors.DefaultSelector()
    for port in ports:
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.bind((address, port))
        s.setblocking(False)
        sel.register(s, selectors.EVENT_READ)
    deadline = time.monotonic() + max_seconds
    filler = b"x" * MAX_PAYLOAD
    while time.monotonic() < deadline and not parent_gone(parent):
        for key, _ in sel.select(timeout=1.0):
            s = key.fileobj
            assert isinstance(s, socket.socket)
            while True:
                try:
                    data, (host, port) = s.recvfrom(2048)
                except BlockingIOError:
                    break
                # A request is b"R<size>": answer with that many bytes, and only to the peer.
                if host != peer or not data.startswith(b"R"):
                    continue
                try:
                    size = int(data[1:9].split(b" ", 1)[0])
                except ValueError:
                    continue
                size = max(1, min(size, MAX_PAYLOAD))
                try:
                    s.sendto(filler[:size], (peer, port))
                except OSError:
                    pass


def total_rate(t: float, rng: random.Random) -> float:
    """Bytes per second wanted at time t: a slow swing on a log scale, with some jitter."""
    swing = 0.5 + 0.5 * math.sin(2 * math.pi * t / PERIOD)
    swing = 0.8 * swing + 0.2 * (0.5 + 0.5 * math.sin(2 * math.pi * t / 37.0))
    rate = MIN_RATE * (MAX_RATE / MIN_RATE) ** swing
    return rate * rng.uniform(0.7, 1.3)


def send(address: str, peer: str, plan: list[tuple[str, int, str, float]], max_seconds: float) -> None:
    parent = os.getppid()
    rng = random.Random()
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((address, 0))
    s.setblocking(False)
    weights = sum(w for _, _, _, w in plan) or 1.0
    owed = {name: 0.0 for name, _, _, _ in plan}
    payload = b"y" * MAX_PAYLOAD
    start = time.monotonic()
    deadline = start + max_seconds
    next_tick = start
    while time.monotonic() < deadline and not parent_gone(parent):
        next_tick += TICK
        rate = total_rate(time.monotonic() - start, rng)
        for name, port, kind, weight in plan:
            # each service has its own bursts on top of its share
            share = rate * weight / weights * rng.choice((0.2, 0.6, 1.0, 1.0, 1.4, 2.5))
            owed[name] += share * TICK
            size = MAX_PAYLOAD if kind == "push" else 1200
            while owed[name] >= size:
                owed[name] -= size
                message = payload[:size] if kind == "push" else b"R%d " % size
                try:
                    s.sendto(message, (peer, port))
                except BlockingIOError:
                    owed[name] = 0.0
                    break
                except OSError:
                    break
        try:
            while True:
                s.recvfrom(2048)        # the server's answers: read and drop
        except BlockingIOError:
            pass
        time.sleep(max(0.0, next_tick - time.monotonic()))


def parse_plan(text: str) -> list[tuple[str, int, str, float]]:
    out = []
    for item in text.split(","):
        name, port, kind, weight = item.split(":")
        if kind not in ("push", "reply"):
            raise argparse.ArgumentTypeError(f"unknown kind {kind!r}")
        out.append((name, int(port), kind, float(weight)))
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="mode", required=True)
    sv = sub.add_parser("serve")
    sv.add_argument("--address", required=True)
    sv.add_argument("--peer", required=True)
    sv.add_argument("--ports", required=True, type=lambda t: [int(p) for p in t.split(",")])
    sv.add_argument("--max-seconds", type=float, default=12 * 3600)
    sd = sub.add_parser("send")
    sd.add_argument("--address", required=True)
    sd.add_argument("--peer", required=True)
    sd.add_argument("--plan", required=True, type=parse_plan)
    sd.add_argument("--max-seconds", type=float, default=12 * 3600)
    args = ap.parse_args()
    for a in (args.address, args.peer):
        # the demo's own link network and nothing else
        if not a.startswith("10.231."):
            print(f"traffic.py: refusing address {a}: only 10.231.x.y inside the demo's namespaces", file=sys.stderr)
            return 2
    try:
        if args.mode == "serve":
            serve(args.address, args.peer, args.ports, args.max_seconds)
        else:
            send(args.address, args.peer, args.plan, args.max_seconds)
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
