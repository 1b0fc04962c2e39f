# SPDX-License-Identifier: LGPL-2.1-or-later
"""Issue #14 item 2: accounting rules from the configuration, applied by the helper as its own
table `inet cta_accounting` (helper/cta/rules.py), in real network namespaces.

Three IPv4 and three IPv6 clients (each in its own /64) in the sender's namespace send different
amounts through per-host rules; each host's stored total is checked against a never-reset
reference counter per client in the sender's namespace: through a re-apply, element timeout and
re-add, and `nft flush ruleset` (the next collect restores the table; what was sent in the gap
is the only traffic missing, and a note says so). Hostile rule names stay comment text. Needs root.
"""

from __future__ import annotations

import json
import os
import sys
import time
import unittest

from test.helper import common  # noqa: F401  (import path)
from test.helper.common import run_helper
from test.helper.netlab import PORT, Lab, sh, started_lab, stored_totals
from cta import config as configmod, rules

CLIENTS4 = ["10.231.0.11", "10.231.0.12", "10.231.0.13"]
CLIENTS6 = ["fd31:0:0:1::11", "fd31:0:0:2::12", "fd31:0:0:3::13"]
PREFIX6 = {"fd31:0:0:1::11": "fd31:0:0:1::", "fd31:0:0:2::12": "fd31:0:0:2::", "fd31:0:0:3::13": "fd31:0:0:3::"}

SEND_FROM = r"""
import socket, sys
src, dst, n, size, port = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
s = socket.socket(socket.AF_INET6 if ":" in src else socket.AF_INET, socket.SOCK_DGRAM)
s.bind((src, 0))
for _ in range(n):
    s.sendto(b"r" * size, (dst, port))
"""

PER_HOST = {"interval_seconds": 10, "rules": [
    {"id": "lan4", "name": "LAN hosts", "kind": "hosts", "subnet": "10.231.0.0/24", "direction": "out",
     "hook": "input", "timeout_seconds": 20},
    {"id": "lan6", "name": "LAN hosts v6", "kind": "hosts", "subnet": "fd31::/48", "direction": "out",
     "hook": "input"},
]}
HOSTILE = 'x"; } flush ruleset; table ip evil { chain c { type filter hook input priority -500; policy drop; } }'
ODD = "Kunde ; } { $x @y # \u00e4\u00f6 \U0001F600 'q'"


class RuleLab(Lab):
    def clients(self) -> None:
        # A's clients: IPv4 on the link's /24, IPv6 each in its own /64 (B needs no route back:
        # the test sends UDP only)
        self.enable_ipv6()
        for addr in CLIENTS4:
            sh("ip", "-n", self.a, "addr", "add", f"{addr}/24", "dev", self.va)
        for addr in CLIENTS6:
            sh("ip", "-n", self.a, "addr", "add", f"{addr}/64", "dev", self.va, "nodad")
        rules_text = "\n".join(f"add rule inet ref out {'ip6' if ':' in a else 'ip'} saddr {a} udp dport {PORT} counter"
                               for a in CLIENTS4 + CLIENTS6)
        sh("ip", "netns", "exec", self.a, "nft", "-f", "-", input=rules_text + "\n")

    def references(self) -> dict[str, int]:
        doc = json.loads(sh("ip", "netns", "exec", self.a, "nft", "-j", "list", "table", "inet", "ref"))
        values = [e["counter"]["bytes"] for i in doc["nftables"] if "rule" in i for e in i["rule"]["expr"] if "counter" in e]
        return dict(zip(CLIENTS4 + CLIENTS6, values[1:]))

    def send_from(self, src: str, packets: int, size: int) -> None:
        dst = "fd31::2" if ":" in src else "10.231.0.2"
        sh("ip", "netns", "exec", self.a, sys.executable, "-c", SEND_FROM, src, dst, str(packets), str(size), str(PORT))
        time.sleep(0.05)

    def helper(self, *args: str, check: bool = True, stdin: str | None = None) -> "subprocess.CompletedProcess[str]":  # noqa: F821
        time.sleep(1.05)                   # one collection per second (netlab.Lab.collect)
        return run_helper(*args, "--store", self.store, "--config", self.config,
                          env={"CTA_BOOT_ID_FILE": self.boot_file}, netns=self.b, check=check)

    def table(self) -> list[dict[str, object]]:
        return list(json.loads(self.b_exec("nft", "-j", "list", "table", "inet", "cta_accounting"))["nftables"])


def host_key(addr: str) -> str:
    if ":" in addr:
        return f"nft-set inet cta_accounting h_lan6 1 {PREFIX6[addr]}"
    return f"nft-set inet cta_accounting h_lan4 1 {addr}"


class PerHost(unittest.TestCase):
    def setUp(self) -> None:
        self.lab = started_lab(self, RuleLab)
        assert isinstance(self.lab, RuleLab)
        try:
            self.lab.clients()
        except BaseException:
            self.lab.close()
            raise

    def tearDown(self) -> None:
        self.lab.close()

    def send_round(self, base: int, factor: int) -> None:
        for i, addr in enumerate(CLIENTS4 + CLIENTS6):
            self.lab.send_from(addr, base + i, factor * (i + 1))

    def test_each_host_exact_through_reapply_timeout_and_flush(self) -> None:
        lab = self.lab
        assert isinstance(lab, RuleLab)
        lab.write_config(PER_HOST)
        lab.collect()
        p = lab.helper("rules", "apply")
        self.assertIn("loaded 2 rules", p.stdout)
        ref0 = lab.references()
        self.send_round(3, 100)
        lab.collect()
        self.send_round(5, 37)
        # applied again: what the old elements counted is collected first, the new set from zero
        lab.helper("rules", "apply")
        self.send_round(2, 211)
        lab.collect()
        # lan4's elements time out 20 s after their last packet; nothing is sent meanwhile, so a
        # collection saw their last values; then they come back from zero
        live = {e["elem"]["val"] for e in self.elements("h_lan4")}
        self.assertEqual(live, set(CLIENTS4))
        time.sleep(21)
        self.assertEqual(self.elements("h_lan4"), [])
        lab.collect()
        self.send_round(4, 53)
        lab.collect()
        # the whole rule set flushed: the next collect restores the table, with a note; what was
        # sent in between is not counted, and nothing else is missing or counted twice
        before_gap = lab.references()
        lab.b_exec("nft", "flush", "ruleset")
        self.send_round(1, 400)
        gap = {a: v - before_gap[a] for a, v in lab.references().items()}
        p = lab.collect()
        self.assertIn("rules: the table was missing and was loaded again", p.stderr)
        self.assertEqual(len(self.elements("h_lan4")), 0)
        self.send_round(2, 77)
        lab.collect()
        ref = lab.references()
        got = stored_totals(lab.store)
        for addr in CLIENTS4 + CLIENTS6:
            want = ref[addr] - ref0[addr] - gap[addr]
            self.assertGreater(gap[addr], 0)
            self.assertEqual(got[host_key(addr)][0], want, addr)
        with open(os.path.join(lab.store, "notes.json")) as f:
            notes = json.load(f)["notes"]
        restored = [n for n in notes if "was missing" in n["reason"]]
        self.assertEqual(len(restored), 1, notes)
        self.assertIn("nft-set inet cta_accounting h_lan4", restored[0]["counters"])

    def elements(self, name: str) -> list[dict[str, object]]:
        for item in self.lab.table():  # type: ignore[attr-defined]
            s = item.get("set")
            if isinstance(s, dict) and s["name"] == name:
                return [e for e in s.get("elem", [])]
        raise AssertionError(f"no set {name}")

    def test_hostile_names_stay_comment_text(self) -> None:
        lab = self.lab
        assert isinstance(lab, RuleLab)
        # a quote (or a line break, or a backslash) would end nft's string: refused, exit 3
        for bad in (HOSTILE, "a\nflush ruleset", "a\\", "a\u2028b", "a\x7fb"):
            lab.write_config({"rules": [{"id": "x", "name": bad, "kind": "address", "address": "10.231.0.11",
                                         "direction": "out", "hook": "input"}]})
            p = lab.helper("rules", "apply", check=False)
            self.assertEqual(p.returncode, 3, p.stderr)
            self.assertIn("rules[0].name: must be a name of 1 to 100 bytes", p.stderr)
            self.assertIn("No such file or directory", lab.b_exec("nft", "list", "table", "inet", "cta_accounting",
                                                                  check=False) + "No such file or directory")
        self.assertEqual(lab.b_exec("nft", "list", "ruleset"), "")
        # what is accepted goes into the comment as it is, and counts
        lab.write_config({"rules": [
            {"id": "odd", "name": ODD, "kind": "address", "address": "10.231.0.11", "direction": "out", "hook": "input"},
            {"id": "web", "name": "} ; flush ruleset", "kind": "port", "protocol": "udp", "port": PORT,
             "direction": "in", "hook": "input"}]})
        lab.collect()
        lab.helper("rules", "apply")
        ref0 = lab.references()
        lab.send_from("10.231.0.11", 7, 99)
        lab.send_from("10.231.0.12", 3, 10)
        lab.collect()
        items = lab.table()
        comments = [i["rule"].get("comment") for i in items if "rule" in i and i["rule"].get("comment")]  # type: ignore[union-attr]
        self.assertEqual(sorted(comments), sorted([ODD, "} ; flush ruleset"]))
        self.assert_counters_only(items)
        tables = json.loads(lab.b_exec("nft", "-j", "list", "tables"))["nftables"]
        self.assertEqual(sorted(t["table"]["name"] for t in tables if "table" in t), ["cta_accounting"])
        ref = lab.references()
        got = stored_totals(lab.store)
        from cta.store import Identity
        odd = Identity("nft-rule", "inet", "cta_accounting", "r_odd", 1, ODD).key()
        web = Identity("nft-rule", "inet", "cta_accounting", "r_web", 1, "} ; flush ruleset").key()
        self.assertEqual(got[odd][0], ref["10.231.0.11"] - ref0["10.231.0.11"])
        self.assertEqual(got[web][0], ref["10.231.0.11"] - ref0["10.231.0.11"] + ref["10.231.0.12"] - ref0["10.231.0.12"])

    def test_every_kind_loads_and_counts_exactly(self) -> None:
        lab = self.lab
        assert isinstance(lab, RuleLab)
        # references in B too, in a table the helper never touches, at the filter priority
        lab.nft_b(f"""
table inet refb {{
    chain input {{
        type filter hook input priority 0; policy accept;
        iifname "{lab.vb}" counter
        udp dport {PORT} counter
    }}
}}
""")

        def refb() -> tuple[int, int]:
            doc = json.loads(lab.b_exec("nft", "-j", "list", "table", "inet", "refb"))
            values = [e["counter"]["bytes"] for i in doc["nftables"] if "rule" in i for e in i["rule"]["expr"] if "counter" in e]
            return values[0], values[1]

        def rule(rule_id: str, kind: str, direction: str, hook: str, **what: object) -> dict[str, object]:
            return {"id": rule_id, "name": rule_id, "kind": kind, "direction": direction, "hook": hook, **what}

        lab.write_config({"rules": [
            rule("a4", "address", "both", "input", address="10.231.0.12"),
            rule("a6", "address", "out", "input", address="fd31:0:0:1::11"),
            rule("p", "port", "both", "input", protocol="udp", port=PORT),
            rule("i", "interface", "in", "input", interface=lab.vb),
            # these see nothing of this traffic, but nft must take them
            rule("o4", "address", "in", "output", address="10.231.0.0/24"),
            rule("o6", "port", "out", "output", protocol="tcp", port=22),
            rule("f1", "interface", "both", "forward", interface=lab.vb),
            rule("f2", "hosts", "both", "forward", subnet="fd31::/48"),
            rule("f3", "address", "both", "forward", address="::/0"),
        ]})
        lab.collect()
        lab.helper("rules", "apply")
        ref0, b0 = lab.references(), refb()
        # datagrams below the link's MTU: a port is only in an IPv6 packet's first fragment
        # (docs/configuration.md, "Rules")
        self.send_round(3, 120)
        lab.collect()
        self.send_round(2, 233)
        lab.collect()
        ref, b1 = lab.references(), refb()
        got = {k.split(" ")[3]: v[0] for k, v in stored_totals(lab.store).items() if " cta_accounting " in k}
        self.assertEqual(got["r_a4"], ref["10.231.0.12"] - ref0["10.231.0.12"])
        self.assertEqual(got["r_a6"], ref["fd31:0:0:1::11"] - ref0["fd31:0:0:1::11"])
        self.assertEqual(got["r_p"], b1[1] - b0[1])
        self.assertEqual(got["r_p"], sum(ref[a] - ref0[a] for a in CLIENTS4 + CLIENTS6))
        self.assertEqual(got["r_i"], b1[0] - b0[0])
        self.assertEqual(sorted(got), ["r_a4", "r_a6", "r_i", "r_p"])
        # a fragmented IPv6 datagram (no conntrack here): the port rule sees its first fragment
        # only, less than was sent; the address rule every fragment, with their own headers
        lab.send_from("fd31:0:0:1::11", 1, 3000)
        lab.collect()
        sent = lab.references()["fd31:0:0:1::11"] - ref["fd31:0:0:1::11"]
        after = {k.split(" ")[3]: v[0] for k, v in stored_totals(lab.store).items() if " cta_accounting " in k}
        self.assertLess(after["r_p"] - got["r_p"], sent)
        self.assertGreater(after["r_p"] - got["r_p"], 0)
        self.assertGreaterEqual(after["r_a6"] - got["r_a6"], sent)

    def test_collect_keeps_the_table_as_configured(self) -> None:
        lab = self.lab

        def port_rule(port: int) -> dict[str, object]:
            return {"rules": [{"id": "web", "name": "Web", "kind": "port", "protocol": "udp", "port": port,
                               "direction": "in", "hook": "input"}]}

        def reasons() -> list[str]:
            if not os.path.exists(os.path.join(lab.store, "notes.json")):
                return []
            with open(os.path.join(lab.store, "notes.json")) as f:
                return [n["reason"] for n in json.load(f)["notes"] if "rules table" in n["reason"]]

        # configured but never applied: the first collect loads it, and notes nothing
        lab.write_config(port_rule(PORT))
        lab.collect()
        lab.collect()
        self.assertIn(f"udp dport {PORT} jump r_web", lab.b_exec("nft", "list", "table", "inet", "cta_accounting"))
        self.assertEqual(reasons(), [])
        # the file changed by hand: the next collect loads what it says, without a note
        lab.write_config({"rules": [*port_rule(PORT + 2)["rules"], {  # type: ignore[list-item]
            "id": "more", "name": "More", "kind": "address", "address": "10.231.0.0/24", "direction": "both",
            "hook": "input"}]})
        lab.collect()
        self.assertIn("jump r_more", lab.b_exec("nft", "list", "table", "inet", "cta_accounting"))
        lab.write_config(port_rule(PORT + 1))
        lab.collect()
        self.assertIn(f"udp dport {PORT + 1} jump r_web", lab.b_exec("nft", "list", "table", "inet", "cta_accounting"))
        self.assertEqual(reasons(), [])
        # a chain flushed by somebody else: loaded again, with a note
        lab.b_exec("nft", "flush", "chain", "inet", "cta_accounting", "input")
        p = lab.collect()
        self.assertIn("rules: the table was changed outside the helper and was loaded again", p.stderr)
        self.assertIn(f"udp dport {PORT + 1} jump r_web", lab.b_exec("nft", "list", "table", "inet", "cta_accounting"))
        self.assertEqual(len([r for r in reasons() if "changed outside the helper" in r]), 1)
        # no rules any more: the table goes, and stays gone
        lab.write_config({})
        lab.collect()
        self.assertEqual(lab.b_exec("nft", "list", "ruleset"), "")
        lab.collect()
        with open(os.path.join(lab.store, rules.STATE_FILE)) as f:
            self.assertIsNone(json.load(f)["handle"])

    def test_nft_error_text_is_passed_on_verbatim(self) -> None:
        lab = self.lab
        lab.write_config(PER_HOST)
        # without CAP_NET_ADMIN nft itself refuses: its text, as it printed it, follows our line
        argv = ["ip", "netns", "exec", lab.b, "setpriv", "--bounding-set=-net_admin"]
        import subprocess
        from test.helper.common import HELPER, PYTHON
        p = subprocess.run(argv + [PYTHON, HELPER, "rules", "apply", "--store", lab.store, "--config", lab.config],
                           capture_output=True, text=True, timeout=60)
        nft = subprocess.run(argv + ["nft", "-f", "-"], input=rules.script(configmod.load_config(lab.config).rules),
                             capture_output=True, text=True, timeout=60)
        self.assertNotEqual(nft.returncode, 0)
        self.assertEqual(p.returncode, 7, p.stderr)
        self.assertEqual(p.stderr, "cta-helper: rules: nft refused the rules (the table is as it was):\n" + nft.stderr)
        self.assertEqual(lab.b_exec("nft", "list", "ruleset"), "")
        # without rules, apply first asks nft whether there is a table to remove: refused too
        lab.write_config({})
        p = subprocess.run(argv + [PYTHON, HELPER, "rules", "apply", "--store", lab.store, "--config", lab.config],
                           capture_output=True, text=True, timeout=60)
        self.assertEqual(p.returncode, 7, p.stderr)
        self.assertTrue(p.stderr.startswith("cta-helper: rules: nft could not list the table:\n"), p.stderr)

    def assert_counters_only(self, items: list[dict[str, object]]) -> None:
        """No statement that decides a packet's fate; jumps only to the table's own counter chains."""
        for item in items:
            rule = item.get("rule")
            if not isinstance(rule, dict):
                continue
            for e in rule["expr"]:
                self.assertFalse({"accept", "drop", "reject", "queue", "goto", "return", "mangle", "nat", "snat",
                                  "dnat", "masquerade", "redirect", "tproxy", "dup", "fwd"} & set(e), e)
                if "jump" in e:
                    self.assertTrue(e["jump"]["target"].startswith("r_"), e)


class Script(unittest.TestCase):
    """The script's text (no root needed)."""

    def test_quoted_refuses_what_would_end_the_string(self) -> None:
        for bad in ('a"b', "a\nb", "a\\b", "a\rb", "a\x00b", "a\x85b"):
            with self.assertRaises(ValueError):
                rules.quoted(bad)
        self.assertEqual(rules.quoted("} ; $x"), '"} ; $x"')

    def test_show_reads_a_draft_from_stdin(self) -> None:
        import subprocess
        from test.helper.common import HELPER, PYTHON
        draft = json.dumps({"rules": [{"id": "web", "name": "Web", "kind": "port", "protocol": "tcp", "port": 443,
                                       "direction": "both", "hook": "forward"}]})
        p = subprocess.run([PYTHON, HELPER, "rules", "show", "--config", "-"], input=draft, capture_output=True, text=True)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn('\tchain r_web {\n\t\tcounter comment "Web"\n\t}\n', p.stdout)
        self.assertIn("\t\ttcp dport 443 jump r_web\n\t\ttcp sport 443 tcp dport != 443 jump r_web\n", p.stdout)
        self.assertIn("type filter hook forward priority -10; policy accept;", p.stdout)
        empty = subprocess.run([PYTHON, HELPER, "rules", "show", "--config", "-"], input="{}", capture_output=True, text=True)
        self.assertEqual(empty.stdout.splitlines()[-2:], ["table inet cta_accounting", "delete table inet cta_accounting"])
        bad = subprocess.run([PYTHON, HELPER, "rules", "apply", "--config", "-"], input="{}", capture_output=True, text=True)
        self.assertEqual(bad.returncode, 2)

    def test_per_host_sets_hold_every_host(self) -> None:
        cfg = configmod.parse_text(json.dumps(PER_HOST))
        text = rules.script(cfg.rules)
        self.assertIn("set h_lan4 { type ipv4_addr; size 256; flags dynamic,timeout; timeout 20s; counter; }", text)
        self.assertIn("set h_lan6 { type ipv6_addr; size 65536; flags dynamic,timeout; timeout 3600s; counter; }", text)
        self.assertIn("ip6 saddr fd31::/48 update @h_lan6 { ip6 saddr & ffff:ffff:ffff:ffff:: counter }", text)


if __name__ == "__main__":
    unittest.main()
