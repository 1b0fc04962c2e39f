# SPDX-License-Identifier: LGPL-2.1-or-later
"""Issue #11 on real counters: rules that change around the counted ones never inflate a total.

Real UDP through real nftables, iptables-nft and iptables-legacy rules in network namespaces;
every total is checked against a never-reset reference counter, and what was not counted
against the helper's notes (test/helper/churn.py). Needs root; skipped otherwise.
"""

from __future__ import annotations

import shutil
import subprocess
import unittest

from test.helper.churn import Ledger
from test.helper.netlab import Lab, require_root

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
        require_root(self)
        for tool in ("iptables-nft", "iptables-legacy"):
            if shutil.which(tool) is None:
                self.skipTest(f"{tool} is not installed (Debian package iptables)")
        self.lab = Lab()
        try:
            self.lab.start()
        except BaseException:
            self.lab.close()
            raise

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
