# SPDX-License-Identifier: LGPL-2.1-or-later
"""Real scenarios: kernel counters counting real UDP in network namespaces, through resets.

Every accounted total is compared, to the byte, with a reference counter on the same traffic
that is never reset (an nft counter in the sender's namespace). Needs root; skipped otherwise.
"""

from __future__ import annotations

import os
import shutil
import unittest

from test.helper.netlab import HEADER, Lab, intervals, require_root, stored_totals

ETH = 14          # Ethernet header: interface counters see frames, nft/iptables see IP packets

NFT_RULES = """
table inet acct {
    counter web { }
    chain input {
        type filter hook input priority 0; policy accept;
        udp dport 5000 counter name "web"
        udp dport 5000 counter comment "udp5000"
        udp dport 5000 counter comment "dup"
        udp dport 5000 counter comment "dup"
    }
}
"""

WEB = "nft-counter inet acct - 1 web"
RULE = "nft-rule inet acct input 1 udp5000"
DUP1 = "nft-rule inet acct input 1 dup"
DUP2 = "nft-rule inet acct input 2 dup"
IPT = "iptables ip filter INPUT 1 ipt5000"
LEG = "iptables-legacy ip filter INPUT 1 leg5000"


class Scenario(unittest.TestCase):
    lab: Lab

    def setUp(self) -> None:
        require_root(self)
        self.lab = Lab()
        try:
            self.lab.start()
        except BaseException:
            self.lab.close()
            raise
        self.has_ipt = shutil.which("iptables-nft") is not None
        self.has_legacy = shutil.which("iptables-legacy") is not None

    def tearDown(self) -> None:
        self.lab.close()

    def load_rules(self, nft: bool = True, ipt: bool = True, legacy: bool = True) -> None:
        if nft:
            self.lab.nft_b(NFT_RULES)
        if ipt and self.has_ipt:
            self.lab.b_exec("iptables-nft", "-A", "INPUT", "-p", "udp", "--dport", "5000",
                            "-m", "comment", "--comment", "ipt5000")
        if legacy and self.has_legacy:
            self.lab.b_exec("iptables-legacy", "-A", "INPUT", "-p", "udp", "--dport", "5000",
                            "-m", "comment", "--comment", "leg5000")

    def start_counting(self) -> None:
        self.lab.collect()                        # first collection: baseline only
        self.ref0 = self.lab.reference()

    def expected(self) -> tuple[int, int]:
        b, p = self.lab.reference()
        return b - self.ref0[0], p - self.ref0[1]

    def assert_totals(self, keys: list[str]) -> None:
        want = self.expected()
        self.assertEqual(want, (self.lab.sent_bytes - self.sent0[0], self.lab.sent_packets - self.sent0[1]),
                         "reference counter disagrees with what was sent")
        got = stored_totals(self.lab.store)
        for key in keys:
            if key.startswith("iptables ip ") and not self.has_ipt:
                continue
            if key.startswith("iptables-legacy") and not self.has_legacy:
                continue
            self.assertEqual(got.get(key, (0, 0)), want, key)
        ivs = intervals(self.lab.store)
        for (s1, e1), (s2, e2) in zip(ivs, ivs[1:]):
            self.assertLessEqual(e1, s2, "overlapping or duplicated interval")

    def begin(self) -> None:
        self.load_rules()
        self.start_counting()
        self.sent0 = (self.lab.sent_bytes, self.lab.sent_packets)

    # ---- scenarios ----
    def test_plain_collection(self) -> None:
        self.load_rules()
        if self.has_ipt:
            # a native nft rule in iptables-nft's table: iptables-nft-save shows it too
            self.lab.b_exec("nft", "add", "rule", "ip", "filter", "INPUT", "udp", "dport", "5000", "counter",
                            "comment", "native5000")
        self.start_counting()
        self.sent0 = (self.lab.sent_bytes, self.lab.sent_packets)
        self.lab.send(100, 1000)
        self.lab.collect()
        self.lab.send(37, 1)
        self.lab.send(3, 1400)
        self.lab.collect()
        self.lab.collect()                        # nothing new: nothing written
        self.assert_totals([WEB, RULE, DUP1, DUP2, IPT, LEG])
        self.assertEqual(self.expected()[0], 100 * 1028 + 37 * 29 + 3 * 1428)
        got = stored_totals(self.lab.store)
        vb = f"iface link - rx 1 {self.lab.vb}"
        b, p = self.expected()
        self.assertEqual(got[vb], (b + ETH * p, p))
        if self.has_ipt:
            self.assertEqual(got["nft-rule ip filter INPUT 1 native5000"], (b, p))
            self.assertNotIn("iptables ip filter INPUT 1 native5000", got)

    def test_reboot(self) -> None:
        self.begin()
        self.lab.send(50, 1000)
        self.lab.collect()
        # a new network stack (handles start over, as after a boot) and a new boot id; more
        # traffic than before, so the counters end above their old values
        self.lab.reboot_b("22222222-2222-2222-2222-222222222222")
        self.load_rules()
        self.lab.send(120, 1000)
        self.lab.collect()
        self.assert_totals([WEB, RULE, DUP1, DUP2, IPT, LEG])

    def test_flush_ruleset_and_reload(self) -> None:
        prom = os.path.join(self.lab.dir, "textfile", "cta.prom")
        self.lab.write_config({"prometheus_textfile": prom})
        self.begin()
        self.lab.send(40, 500)
        self.lab.collect()
        self.lab.b_exec("nft", "flush", "ruleset")           # also removes iptables-nft's tables
        self.load_rules(legacy=False)
        self.lab.send(90, 500)                                 # above the old values
        self.lab.collect()
        self.lab.b_exec("nft", "flush", "ruleset")
        self.lab.collect()                                     # rules absent for one collection
        self.load_rules(legacy=False)
        self.lab.send(5, 500)
        self.lab.collect()
        self.assert_totals([WEB, RULE, DUP1, DUP2, IPT, LEG])
        # the Prometheus totals went on growing through both resets
        with open(prom) as f:
            text = f.read()
        b, p = self.expected()
        self.assertIn('cockpit_traffic_accounting_bytes_total{source="nft-rule",family="inet",table="acct",'
                      f'chain="input",seq="1",name="udp5000"}} {b}\n', text)
        self.assertIn('cockpit_traffic_accounting_packets_total{source="nft-counter",family="inet",table="acct",'
                      f'chain="",seq="1",name="web"}} {p}\n', text)
        self.assertEqual([n for n in os.listdir(os.path.dirname(prom))], ["cta.prom"])

    def test_nft_reset_counters(self) -> None:
        self.begin()
        self.lab.send(60, 700)
        self.lab.collect()
        self.lab.b_exec("nft", "reset", "counters")
        self.lab.send(10, 700)
        self.lab.collect()
        self.assert_totals([WEB, RULE, IPT, LEG])

    def test_rule_deleted_and_added_back(self) -> None:
        self.begin()
        self.lab.send(30, 200)
        self.lab.collect()
        handle = self._rule_handle("udp5000")
        self.lab.b_exec("nft", "delete", "rule", "inet", "acct", "input", "handle", handle)
        self.lab.collect()                                     # gone for one collection
        self.lab.b_exec("nft", "add", "rule", "inet", "acct", "input", "udp", "dport", "5000",
                        "counter", "comment", "udp5000")
        self.lab.send(7, 200)
        self.lab.collect()
        # deleted and added back between two collections, with more traffic than before
        handle = self._rule_handle("udp5000")
        self.lab.b_exec("nft", "delete", "rule", "inet", "acct", "input", "handle", handle)
        self.lab.b_exec("nft", "add", "rule", "inet", "acct", "input", "udp", "dport", "5000",
                        "counter", "comment", "udp5000")
        self.lab.send(80, 200)
        self.lab.collect()
        self.assert_totals([WEB, RULE])

    def _rule_handle(self, comment: str) -> str:
        import json
        doc = json.loads(self.lab.b_exec("nft", "-j", "list", "chain", "inet", "acct", "input"))
        for item in doc["nftables"]:
            if "rule" in item and item["rule"].get("comment") == comment:
                return str(item["rule"]["handle"])
        raise AssertionError(f"no rule {comment}")

    def test_iptables_restore(self) -> None:
        if not (self.has_ipt or self.has_legacy):
            self.skipTest("iptables is not installed (Debian package iptables)")
        self.begin()
        self.lab.send(50, 900)
        self.lab.collect()
        for save, restore in (("iptables-nft-save", "iptables-nft-restore"),
                              ("iptables-legacy-save", "iptables-legacy-restore")):
            if shutil.which(save):
                rules = self.lab.b_exec(save)                  # without -c: counters restart at 0
                self.lab.b_exec(restore, input=rules)
        self.lab.send(20, 900)
        self.lab.collect()
        self.assert_totals([IPT, LEG, WEB, RULE])

    def test_interface_removed_and_recreated(self) -> None:
        self.begin()
        vb = f"iface link - rx 1 {self.lab.vb}"
        self.lab.send(25, 1200)
        self.lab.collect()
        self.lab.delete_link()
        self.lab.collect()                                     # interface gone
        self.lab.make_link()
        self.lab.send(40, 1200)
        self.lab.collect()
        self.lab.delete_link()                                 # gone and back between collections
        self.lab.make_link()
        self.lab.send(10, 1200)
        self.lab.collect()
        b, p = self.expected()
        self.assertEqual(stored_totals(self.lab.store)[vb], (b + ETH * p, p))

    def test_values_above_2_53_and_2_63(self) -> None:
        big_b, big_p = 2 ** 63 + 12345, 2 ** 53 + 1
        self.lab.nft_b(f"""
table inet big {{
    counter huge {{ packets {big_p} bytes {big_b} }}
    chain input {{
        type filter hook input priority 0; policy accept;
        udp dport 5000 counter name "huge"
        udp dport 5000 counter packets {big_p} bytes {big_b} comment "bigrule"
    }}
}}
""")
        if self.has_ipt:
            self.lab.b_exec("iptables-nft", "-A", "INPUT", "-p", "udp", "--dport", "5000", "-m", "comment",
                            "--comment", "ipt5000", "-c", str(big_p), str(2 ** 64 - 10 ** 9))
        self.start_counting()
        self.sent0 = (self.lab.sent_bytes, self.lab.sent_packets)
        self.lab.send(64, 1000)
        self.lab.collect()
        # a counter created after the last collection with a huge value: all of it is new
        self.lab.b_exec("nft", "add", "counter", "inet", "big", "later", "{", "packets", "7", "bytes",
                        str(2 ** 64 - 10 ** 6), "}")
        self.lab.b_exec("nft", "add", "rule", "inet", "big", "input", "udp", "dport", "5000", "counter",
                        "name", "later")
        self.lab.send(3, 100)
        self.lab.collect()
        self.assert_totals(["nft-counter inet big - 1 huge", "nft-rule inet big input 1 bigrule", IPT])
        b, p = self.expected()
        got = stored_totals(self.lab.store)
        self.assertEqual(got["nft-counter inet big - 1 later"], (2 ** 64 - 10 ** 6 + 3 * (100 + HEADER), 7 + 3))
        # the raw values read were exact above 2^63: the state holds them
        import json
        import os
        with open(os.path.join(self.lab.store, "state.json")) as f:
            st = json.load(f)
        self.assertEqual(st["counters"]["nft-counter inet big - 1 huge"][0], big_b + b)


if __name__ == "__main__":
    unittest.main()
