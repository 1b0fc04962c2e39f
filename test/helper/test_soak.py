# SPDX-License-Identifier: LGPL-2.1-or-later
"""Issue #11's churn soak: a few hundred collections on a firewall that never keeps still.

Two namespaces; nftables, iptables-nft and iptables-legacy rules for IPv4 and IPv6, hostile
comments among them; never-reset reference counters in the sender's namespace. A bounded
background loop adds and removes rules in the counted chains (fail2ban) and creates and deletes
chains (Docker) all along, while the test reloads the whole rule set (firewalld), deletes and
adds back a twin, steps the clock forward and back (faketime) and kills the helper at every
point it writes (file creation included). At the end, for every counter: accounted <= real, and
real - accounted is exactly the traffic of the intervals the notes name for it. The totals are
printed. CTA_SOAK_COLLECTIONS sets the number of collections (default 200). Needs root.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
import unittest

from test.helper.churn import Ledger
from test.helper.netlab import PORT, Lab, intervals, require_root, sh, started_lab

FAKETIME = "/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1"
HOSTILE = ["z\f[7:123456789] -A INPUT -m comment --comment injected\f", "it's", "line\nbreak",
           "u\u2028v", "<img src=x onerror=alert(1)>"]
KILL_POINTS = ["recovered", "read", "noted", "created", "appended", "state-saved"]

SENDER6 = r"""
import socket, sys
n, size, port = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
for _ in range(n):
    s.sendto(b"y" * size, ("fd31::2", port))
"""

NFT_RULES = """
flush ruleset
table inet acct {
    counter named { }
    chain input {
        type filter hook input priority 0; policy accept;
        udp dport 5000 counter name "named"
        udp dport 5000 counter comment "both"
        udp dport 5000 counter comment "twin"
        udp dport 5000 counter comment "twin"
        meta nfproto ipv6 udp dport 5000 counter comment "six"
    }
}
"""

CHURN_LOOP = """
end=$(( $(date +%s) + {seconds} ))
i=0
while [ $i -lt 100000 ] && [ $(date +%s) -lt $end ]; do
    iptables-nft -I INPUT 1 -s 10.9.$((i % 250)).1 -j DROP 2>/dev/null
    ip6tables-legacy -I INPUT 1 -s fd99::$((i % 250 + 1)) -j DROP 2>/dev/null
    nft add chain inet acct docker$i 2>/dev/null
    sleep 0.05
    iptables-nft -D INPUT -s 10.9.$((i % 250)).1 -j DROP 2>/dev/null
    ip6tables-legacy -D INPUT -s fd99::$((i % 250 + 1)) -j DROP 2>/dev/null
    nft delete chain inet acct docker$i 2>/dev/null
    i=$((i + 1))
done
"""


class SoakLab(Lab):
    """Lab with IPv6 on the link, and a reference counter per family."""

    def start(self) -> "SoakLab":
        super().start()
        self.enable_ipv6()
        sh("ip", "netns", "exec", self.a, "nft", "add", "rule", "inet", "ref", "out",
           "ip6", "daddr", "fd31::2", "udp", "dport", str(PORT), "counter")
        return self

    def reference(self) -> tuple[int, int]:
        """Both families together: what a rule matching all of the test's UDP counts."""
        b4, p4 = self.reference_of(0)
        b6, p6 = self.reference_of(1)
        return b4 + b6, p4 + p6

    def reference_of(self, index: int) -> tuple[int, int]:
        doc = json.loads(sh("ip", "netns", "exec", self.a, "nft", "-j", "list", "table", "inet", "ref"))
        counters = [e["counter"] for item in doc["nftables"] if "rule" in item
                    for e in item["rule"]["expr"] if "counter" in e]
        return int(counters[index]["bytes"]), int(counters[index]["packets"])

    def send6(self, packets: int, payload: int) -> None:
        sh("ip", "netns", "exec", self.a, sys.executable, "-c", SENDER6, str(packets), str(payload), str(PORT))
        self.settle()


class FamilyLedger(Ledger):
    """A Ledger whose intervals hold the traffic of one family only (ip or ip6 rules)."""

    def __init__(self, lab: SoakLab, index: int) -> None:
        self.index = index
        super().__init__(lab)
        self.last_ref = lab.reference_of(index)[0]

    def observe(self, end: int, keys: list[str]) -> None:
        ref = self.lab.reference_of(self.index)[0]  # type: ignore[attr-defined]
        self.intervals[end] = self.intervals.get(end, 0) + ref - self.last_ref
        self.last_ref = ref
        for k in keys:
            self.existed.setdefault(k, set()).add(end)


def _next(n: int, residue: int) -> int:
    """The first collection from n on whose number is residue modulo 25."""
    return n + (residue - n) % 25


class Soak(unittest.TestCase):
    def setUp(self) -> None:
        require_root(self)
        for tool in ("iptables-nft", "iptables-legacy", "ip6tables-nft", "ip6tables-legacy"):
            if shutil.which(tool) is None:
                self.fail(f"{tool} is missing (Debian package iptables)")
        if not os.path.exists(FAKETIME):
            self.fail("libfaketime is missing (Debian package faketime)")
        lab = started_lab(self, SoakLab)
        assert isinstance(lab, SoakLab)
        self.lab = lab

    def tearDown(self) -> None:
        self.lab.close()

    def load_rules(self) -> None:
        """The whole rule set in one go, as firewalld reloads it: every counter starts again."""
        self.lab.nft_b(NFT_RULES)
        for tool in ("iptables-nft", "ip6tables-nft", "iptables-legacy", "ip6tables-legacy"):
            self.lab.b_exec(tool, "-F", "INPUT", check=False)     # gone with the nft tables
            for comment in ["www", "twin", "twin", *HOSTILE]:
                self.lab.b_exec(tool, "-A", "INPUT", "-p", "udp", "--dport", str(PORT), "-m", "comment",
                                "--comment", comment)
            self.lab.b_exec(tool, "-A", "INPUT")           # a plain rule, never counted

    def keys(self) -> dict[str, list[str]]:
        """The counted rules by the traffic they see: both families, IPv4 only, IPv6 only."""
        from cta.store import Identity
        both = ["nft-counter inet acct - 1 named", "nft-rule inet acct input 1 both",
                "nft-rule inet acct input 1 twin", "nft-rule inet acct input 2 twin"]
        by = {"both": both, "ip": [], "ip6": [], "six": ["nft-rule inet acct input 1 six"]}
        for family in ("ip", "ip6"):
            for source in ("iptables", "iptables-legacy"):
                seqs: dict[str, int] = {}
                for comment in ["www", "twin", "twin", *HOSTILE]:
                    seqs[comment] = seqs.get(comment, 0) + 1
                    by[family].append(Identity(source, family, "filter", "INPUT", seqs[comment], comment).key())
        return by

    def test_soak(self) -> None:
        collections = int(os.environ.get("CTA_SOAK_COLLECTIONS", "200"))
        self.load_rules()
        self.lab.collect()
        lab = self.lab
        all_ledger = Ledger(lab)                      # IPv4 + IPv6: rules that see both
        v4 = FamilyLedger(lab, 0)
        v6 = FamilyLedger(lab, 1)
        keys = self.keys()
        churn = subprocess.Popen(["ip", "netns", "exec", lab.b, "sh", "-c",
                                  CHURN_LOOP.replace("{seconds}", str(30 + 3 * collections))],
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        events: dict[str, int] = {}
        started = time.monotonic()
        try:
            for n in range(collections):
                env, event = self.event(n, collections)
                events[event] = events.get(event, 0) + 1
                lab.send(3, 100 + n % 900)
                lab.send6(2, 50 + n % 700)
                out = self.collect(all_ledger, env)
                if out is not None:
                    end = int(out["end"])  # type: ignore[call-overload]
                    v4.observe(end, keys["ip"])
                    v6.observe(end, keys["ip6"] + keys["six"])
                    all_ledger.existed.update({k: all_ledger.existed.get(k, set()) | {end} for k in keys["both"]})
                self.after(n, collections)
            # one last collection after the last kill, and with the rule set quiet, so that
            # everything read is written and every iptables-nft rule identified
            churn.kill()
            churn.wait()
            out = self.collect(all_ledger, None)
            assert out is not None
            end = int(out["end"])  # type: ignore[call-overload]
            v4.observe(end, keys["ip"])
            v6.observe(end, keys["ip6"] + keys["six"])
            all_ledger.existed.update({k: all_ledger.existed.get(k, set()) | {end} for k in keys["both"]})
        finally:
            churn.kill()
            churn.wait()
        report = {**all_ledger.check(keys["both"]), **v4.check(keys["ip"]), **v6.check(keys["ip6"] + keys["six"])}
        spans = intervals(lab.store)
        for (s1, e1), (s2, e2) in zip(spans, spans[1:]):
            self.assertLessEqual(e1, s2, "overlapping records")
        print(f"\nsoak: {collections} collections in {time.monotonic() - started:.0f} s, events {events}")
        print(f"{'counter':70} {'accounted':>10} {'real':>10} {'noted':>10}")
        for k, (acc, real, noted) in sorted(report.items()):
            print(f"{k.encode('unicode_escape').decode()[:70]:70} {acc:>10} {real:>10} {noted:>10}")
        self.assertTrue(all(real > 0 for _, real, _ in report.values()))

    def event(self, n: int, total: int) -> tuple[dict[str, str] | None, str]:
        """What happens to collection n: a kill at a write point, a clock step, or nothing."""
        if n % 10 == 5:
            point = KILL_POINTS[(n // 10) % len(KILL_POINTS)]
            return {"CTA_TEST_KILL_AT": f"{point}:1"}, f"kill@{point}"
        # clock steps well away from the rule changes after collections 12 and 18 (mod 25): a
        # run held by a step back notes what it did not count with the whole interval its
        # values are written in, which may be more than was lost (docs/helper.md)
        if n == _next(total // 3, 4):
            return {"LD_PRELOAD": FAKETIME, "FAKETIME": "+30d"}, "clock+30d"
        if n == _next(total // 2, 7):
            return {"LD_PRELOAD": FAKETIME, "FAKETIME": "-1h"}, "clock-1h"
        return None, "plain"

    def collect(self, ledger: Ledger, env: dict[str, str] | None) -> dict[str, object] | None:
        """A collection; None when it was killed or its values held (the clock stood inside
        recorded time): its traffic goes to the next interval written."""
        proc = self.lab.collect(env=env, check=False)
        if proc.returncode == -9 or (proc.returncode != 0 and not proc.stdout):
            self.assertEqual(proc.returncode, -9, proc.stderr)
            return None
        self.assertIn(proc.returncode, (0, 6), proc.stderr)
        out: dict[str, object] = json.loads(proc.stdout)
        if out["held"]:
            return None                               # written, and noted, with the next interval
        ref = self.lab.reference()[0]
        end = int(out["end"])  # type: ignore[call-overload]
        ledger.intervals[end] = ledger.intervals.get(end, 0) + ref - ledger.last_ref
        ledger.last_ref = ref
        return out

    def after(self, n: int, total: int) -> None:
        """Changes right after a collection, before the next traffic; never after a killed one
        (n % 10 == 5), whose interval a deleted rule would take along uncounted (noted as gone,
        but of a size no note can know)."""
        if n % 25 == 12:
            self.load_rules()                         # firewalld-style reload of everything
        elif n % 25 == 18:
            # a twin deleted and added back: nft by handle, both iptables back ends by position
            doc = json.loads(self.lab.b_exec("nft", "-j", "list", "chain", "inet", "acct", "input"))
            handle = next(str(i["rule"]["handle"]) for i in doc["nftables"]
                          if "rule" in i and i["rule"].get("comment") == "twin")
            self.lab.b_exec("nft", "delete", "rule", "inet", "acct", "input", "handle", handle)
            self.lab.b_exec("nft", "add", "rule", "inet", "acct", "input", "udp", "dport", str(PORT), "counter",
                            "comment", "twin")
            for tool in ("iptables-nft", "ip6tables-nft", "iptables-legacy", "ip6tables-legacy"):
                self.lab.b_exec(tool, "-D", "INPUT", "-p", "udp", "--dport", str(PORT), "-m", "comment",
                                "--comment", "twin")
                self.lab.b_exec(tool, "-I", "INPUT", "3", "-p", "udp", "--dport", str(PORT), "-m", "comment",
                                "--comment", "twin")


if __name__ == "__main__":
    unittest.main()
