# SPDX-License-Identifier: LGPL-2.1-or-later
"""Issue #11 on real counters: rules that change around the counted ones never inflate a total.

Real UDP through real nftables, iptables-nft and iptables-legacy rules in network namespaces;
every total is checked against a never-reset reference counter, and what was not counted
against the helper's notes (test/helper/churn.py). Needs root; skipped otherwise.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import unittest

from test.helper.churn import Ledger
from test.helper.netlab import Lab, intervals, started_lab, stored_totals

NFT = """
table inet acct {
    chain input {
        type filter hook input priority 0; policy accept;
        udp dport 5000 counter comment "twin"
        udp dport 5000 counter comment "twin"
        udp dport 5000 counter comment "solo"
    }
}
"""


def key(source: str, name: str, seq: int = 1) -> str:
    if source == "nft-rule":
        return f"nft-rule inet acct input {seq} {name}"
    return f"{source} ip filter INPUT {seq} {name}"


class Churn(unittest.TestCase):
    lab: Lab

    def setUp(self) -> None:
        for tool in ("iptables-nft", "iptables-legacy"):
            if shutil.which(tool) is None:
                self.skipTest(f"{tool} is not installed (Debian package iptables)")
        self.lab = started_lab(self)

    def tearDown(self) -> None:
        self.lab.close()

    def ipt(self, tool: str, *args: str) -> None:
        self.lab.b_exec(tool, *args)

    def add_commented(self, tool: str, comment: str) -> None:
        self.ipt(tool, "-A", "INPUT", "-p", "udp", "--dport", "5000", "-m", "comment", "--comment", comment)

    def test_a_rule_without_comment_disturbs_nothing(self) -> None:
        keys = []
        for tool, source in (("iptables-nft", "iptables"), ("iptables-legacy", "iptables-legacy")):
            self.ipt(tool, "-A", "INPUT")                       # ipac-ng's plain accounting rule
            self.add_commented(tool, "www")
            self.add_commented(tool, "mail")
            self.ipt(tool, "-A", "INPUT")
            keys += [key(source, "www"), key(source, "mail")]
        self.lab.collect()
        ledger = Ledger(self.lab)
        for n in range(4):
            self.lab.send(20, 1000 + n)
            ledger.collect(keys)
        report = ledger.check(keys)
        self.assertTrue(all(acc == real > 0 for acc, real, _ in report.values()), report)
        self.assertEqual(ledger.notes(), [])

    def test_twin_deleted_and_added_back(self) -> None:
        """Two rules with the same comment; the first is deleted and added back at the end."""
        self.lab.nft_b(NFT)
        for tool in ("iptables-nft", "iptables-legacy"):
            self.add_commented(tool, "twin")
            self.add_commented(tool, "twin")
            self.add_commented(tool, "solo")
        sources = ("nft-rule", "iptables", "iptables-legacy")
        keys = [key(s, n, q) for s in sources for n, q in (("twin", 1), ("twin", 2), ("solo", 1))]
        self.lab.collect()
        ledger = Ledger(self.lab)
        self.lab.send(30, 700)
        ledger.collect(keys)
        handle = self._first_nft_twin()
        self.lab.b_exec("nft", "delete", "rule", "inet", "acct", "input", "handle", handle)
        self.lab.b_exec("nft", "add", "rule", "inet", "acct", "input", "udp", "dport", "5000", "counter",
                        "comment", "twin")
        for tool in ("iptables-nft", "iptables-legacy"):
            self.ipt(tool, "-D", "INPUT", "1")
            self.add_commented(tool, "twin")
        self.lab.send(11, 900)
        ledger.collect(keys)
        self.lab.send(5, 100)
        ledger.collect(keys)
        report = ledger.check(keys)
        # with kernel handles nothing is lost; iptables-legacy has none: its twins are a new
        # baseline for one interval, said so in the notes
        for k in keys:
            acc, real, noted = report[k]
            if k.startswith(("nft-rule", "iptables ")) or "solo" in k:
                self.assertEqual((acc, noted), (real, 0), k)
            else:
                self.assertGreater(noted, 0, k)

    def _first_nft_twin(self) -> str:
        import json
        doc = json.loads(self.lab.b_exec("nft", "-j", "list", "chain", "inet", "acct", "input"))
        for item in doc["nftables"]:
            if "rule" in item and item["rule"].get("comment") == "twin":
                return str(item["rule"]["handle"])
        raise AssertionError("no twin rule")

    def test_rules_change_while_they_are_read(self) -> None:
        """fail2ban-style: rules inserted and deleted in the same chains during collections."""
        self.lab.nft_b(NFT)
        self.add_commented("iptables-nft", "www")
        self.add_commented("iptables-legacy", "www")
        keys = [key("nft-rule", "solo"), key("iptables", "www"), key("iptables-legacy", "www")]
        self.lab.collect()
        ledger = Ledger(self.lab)
        churn = subprocess.Popen(["ip", "netns", "exec", self.lab.b, "sh", "-c", CHURN_LOOP],
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            for n in range(15):
                self.lab.send(10, 500 + n)
                ledger.collect(keys)
        finally:
            churn.kill()
            churn.wait()
        report = ledger.check(keys)
        print(f"\nchurn: {report}")

    def test_clock_steps_forward_and_back(self) -> None:
        """faketime: 30 days ahead, back, an hour behind; a reset meanwhile loses nothing."""
        lib = "/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1"
        if not os.path.exists(lib):
            self.fail("libfaketime is missing (Debian package faketime; tools/install-deps.sh installs it)")

        def fake(offset: str) -> dict[str, str]:
            return {"LD_PRELOAD": lib, "FAKETIME": offset, "FAKETIME_DONT_RESET": "1"}

        self.lab.nft_b(NFT)
        self.add_commented("iptables-nft", "www")
        keys = [key("nft-rule", "solo"), key("iptables", "www")]
        self.lab.collect()
        ledger = Ledger(self.lab)
        self.lab.send(10, 300)
        ledger.collect(keys)
        self.lab.send(10, 400)
        ahead = ledger.collect(keys, env=fake("+30d"))
        self.assertGreater(int(ahead["clock_step"]), 29 * 86400)  # type: ignore[call-overload]
        self.lab.b_exec("nft", "reset", "counters")             # right after, before any traffic
        self.lab.b_exec("iptables-nft", "-Z", "INPUT")
        self.lab.send(10, 500)
        back = ledger.collect(keys)
        self.assertTrue(back["written"], back)
        self.lab.send(10, 600)
        held = ledger.collect(keys, env=fake("-1h"), check=False)
        self.assertTrue(held["held"], held)
        self.assertEqual(self.lab.last_returncode, 6)
        self.lab.send(10, 700)
        ledger.collect(keys)
        report = ledger.check(keys)
        self.assertTrue(all(acc == real for acc, real, _ in report.values()), report)
        spans = intervals(self.lab.store)
        for (s1, e1), (s2, e2) in zip(spans, spans[1:]):
            self.assertLessEqual(e1, s2, f"overlapping records: {spans}")
        reasons = [str(n["reason"]) for n in ledger.notes()]
        self.assertTrue(any("stepped forward" in r for r in reasons), reasons)
        self.assertTrue(any("stepped back" in r for r in reasons), reasons)

    def test_interface_created_again_with_the_same_name_and_index(self) -> None:
        """Issue #11 item 11: the new device starts from zero and is counted from zero."""
        vb = f"iface link - rx 1 {self.lab.vb}"
        self.lab.collect()
        ledger = Ledger(self.lab)
        self.lab.send(30, 1200)
        ledger.collect([vb])
        index = self.lab.b_exec("cat", f"/sys/class/net/{self.lab.vb}/ifindex").strip()
        self.lab.delete_link()
        self.lab.make_link(index_b=index)
        self.assertEqual(self.lab.b_exec("cat", f"/sys/class/net/{self.lab.vb}/ifindex").strip(), index)
        self.lab.send(10, 1200)                  # less than before: a fall alone would show it
        self.lab.send(40, 1200)                  # more than before: only the new device tells
        ledger.collect([vb])
        got = stored_totals(self.lab.store)[vb][0]
        real = sum(ledger.intervals.values())
        frames = 14 * 80                         # interface counters see Ethernet frames
        self.assertEqual(got, real + frames)


# A bounded loop (at most 2000 rounds, 120 s) that inserts and deletes unrelated rules at the top
# of the chains the counted rules live in, as fail2ban does with its bans, and creates and
# deletes a chain, as Docker does.
CHURN_LOOP = """
end=$(( $(date +%s) + 120 ))
i=0
while [ $i -lt 2000 ] && [ $(date +%s) -lt $end ]; do
    iptables-nft -I INPUT 1 -s 10.9.$((i % 250)).1 -j DROP
    iptables-legacy -I INPUT 1 -s 10.9.$((i % 250)).1 -j DROP
    nft add chain inet acct docker$i
    iptables-nft -D INPUT 1
    iptables-legacy -D INPUT 1
    nft delete chain inet acct docker$i
    i=$((i + 1))
done
"""


if __name__ == "__main__":
    unittest.main()
