# SPDX-License-Identifier: LGPL-2.1-or-later
"""Issue #14 item 1: every element of a named set with counters is a counter (per-host counting).

Three client addresses in the sender's namespace, IPv4 and IPv6, each sending its own amount
through `update @hosts { ip saddr counter }` (elements added from the packet path) and a static
set of address . port pairs; each element's total is checked against a never-reset reference
counter per client. Element timeout and re-add, set flush and a reloaded table. Needs root.
"""

from __future__ import annotations

import json
import sys
import time
import unittest

from test.helper import common  # noqa: F401  (import path)
from cta import nftjson
from test.helper.netlab import PORT, sh, started_lab, stored_totals

CLIENTS4 = ["10.231.0.11", "10.231.0.12", "10.231.0.13"]
CLIENTS6 = ["fd31::11", "fd31::12", "fd31::13"]

SEND_FROM = r"""
import socket, sys
src, dst, n, size, port = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
family = socket.AF_INET6 if ":" in src else socket.AF_INET
s = socket.socket(family, socket.SOCK_DGRAM)
s.bind((src, 0))
for _ in range(n):
    s.sendto(b"h" * size, (dst, port))
"""

SETS = """
table inet hosts {
    set h4 { type ipv4_addr; flags dynamic, timeout; counter; timeout 3s; }
    set h6 { type ipv6_addr; flags dynamic; counter; }
    set pairs { type ipv4_addr . inet_service; counter; elements = { 10.231.0.11 . 5000, 10.231.0.12 . 5000 } }
    chain input {
        type filter hook input priority -10; policy accept;
        udp dport 5000 update @h4 { ip saddr counter }
        udp dport 5000 update @h6 { ip6 saddr counter }
        ip saddr . udp dport @pairs
    }
}
"""


class SetElements(unittest.TestCase):
    def test_parse_recorded_elements(self) -> None:
        doc = {"nftables": [
            {"table": {"family": "inet", "name": "hosts", "handle": 7}},
            {"set": {"family": "inet", "name": "h4", "table": "hosts", "handle": 2, "elem": [
                {"elem": {"val": "10.0.0.7", "expires": 30, "counter": {"packets": 2, "bytes": 284}}}, "10.0.0.8"]}},
            {"set": {"family": "inet", "name": "pp", "table": "hosts", "handle": 4, "elem": [
                {"elem": {"val": {"concat": ["10.0.0.7", 443]}, "counter": {"packets": 1, "bytes": -1}}}]}},
            {"set": {"family": "ip6", "name": "nets", "table": "hosts", "handle": 5, "elem": [
                {"elem": {"val": {"prefix": {"addr": "2001:db8:1:2::", "len": 64}}, "counter": {"packets": 3, "bytes": 9}}}]}},
            {"map": {"family": "inet", "name": "m", "table": "hosts", "handle": 6, "map": "verdict", "elem": [
                [{"elem": {"val": {"range": ["10.0.0.1", "10.0.0.9"]}, "counter": {"packets": 0, "bytes": 5}}}, {"accept": None}]]}},
        ]}
        rs = nftjson.parse_nft_json(json.dumps(doc), [], None)
        got = {(r.ident.source, r.ident.chain, r.ident.name): (r.bytes, r.packets, r.handle) for r in rs.counters}
        self.assertEqual(got, {
            ("nft-set", "h4", "10.0.0.7"): (284, 2, "7/2/10.0.0.7"),
            ("nft-set", "pp", "10.0.0.7 . 443"): (2 ** 64 - 1, 1, "7/4/10.0.0.7 . 443"),
            ("nft-set", "nets", "2001:db8:1:2::/64"): (9, 3, "0/5/2001:db8:1:2::/64"),
            ("nft-set", "m", "10.0.0.1-10.0.0.9"): (5, 0, "7/6/10.0.0.1-10.0.0.9"),
        })

    def setUp(self) -> None:
        if self._testMethodName == "test_parse_recorded_elements":
            return
        self.lab = started_lab(self)
        try:
            self.clients()
        except BaseException:
            self.lab.close()
            raise

    def tearDown(self) -> None:
        if hasattr(self, "lab"):
            self.lab.close()

    def clients(self) -> None:
        lab = self.lab
        lab.enable_ipv6(tuple(CLIENTS6))
        for addr in CLIENTS4:
            sh("ip", "-n", lab.a, "addr", "add", f"{addr}/24", "dev", lab.va)
        # a never-reset reference counter per client, in the sender's namespace
        rules = "\n".join(f"add rule inet ref out {'ip6' if ':' in a else 'ip'} saddr {a} udp dport {PORT} counter"
                          for a in CLIENTS4 + CLIENTS6)
        sh("ip", "netns", "exec", lab.a, "nft", "-f", "-", input=rules + "\n")

    def reference(self) -> dict[str, int]:
        doc = json.loads(sh("ip", "netns", "exec", self.lab.a, "nft", "-j", "list", "table", "inet", "ref"))
        values = [e["counter"]["bytes"] for i in doc["nftables"] if "rule" in i for e in i["rule"]["expr"] if "counter" in e]
        return dict(zip(CLIENTS4 + CLIENTS6, values[1:]))

    def send(self, src: str, packets: int, size: int) -> None:
        dst = "fd31::2" if ":" in src else "10.231.0.2"
        sh("ip", "netns", "exec", self.lab.a, sys.executable, "-c", SEND_FROM, src, dst, str(packets), str(size), str(PORT))
        time.sleep(0.05)

    def test_per_host_totals_through_timeout_flush_and_reload(self) -> None:
        lab = self.lab
        lab.nft_b(SETS)
        lab.collect()
        ref0 = self.reference()
        for i, addr in enumerate(CLIENTS4 + CLIENTS6):
            self.send(addr, 5 + 3 * i, 100 * (i + 1))
        lab.collect()
        # h4's elements time out after 3 s; one collection sees the set empty, then they come back
        time.sleep(3.5)
        lab.collect()
        for i, addr in enumerate(CLIENTS4):
            self.send(addr, 2, 50 + i)
        lab.collect()
        # flush a set between collections: its elements come back from zero
        lab.collect()
        lab.b_exec("nft", "flush", "set", "inet", "hosts", "h6")
        for i, addr in enumerate(CLIENTS6):
            self.send(addr, 4, 70 + i)
        lab.collect()
        # the whole table reloaded: a new set, new elements
        lab.b_exec("nft", "delete", "table", "inet", "hosts")
        lab.nft_b(SETS)
        for addr in CLIENTS4 + CLIENTS6:
            self.send(addr, 1, 300)
        lab.collect()
        ref = self.reference()
        got = stored_totals(lab.store)
        for addr in CLIENTS4 + CLIENTS6:
            key = f"nft-set inet hosts {'h6' if ':' in addr else 'h4'} 1 {addr}"
            self.assertEqual(got[key][0], ref[addr] - ref0[addr], key)
        pairs = {k: v for k, v in got.items() if " pairs " in k}
        self.assertEqual(sorted(pairs), ["nft-set inet hosts pairs 1 10.231.0.11%20.%205000",
                                         "nft-set inet hosts pairs 1 10.231.0.12%20.%205000"])
        self.assertEqual(pairs["nft-set inet hosts pairs 1 10.231.0.11%20.%205000"][0],
                         ref["10.231.0.11"] - ref0["10.231.0.11"])


if __name__ == "__main__":
    unittest.main()
