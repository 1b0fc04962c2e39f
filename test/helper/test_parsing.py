# SPDX-License-Identifier: LGPL-2.1-or-later
"""Parsing recorded outputs of nft -j, iptables-save -c and ip6tables-save -c; escaping."""

from __future__ import annotations

import json
import os
import unittest

from test.helper.common import DATA
from cta import iptables, nftjson
from cta.iptables import parse_iptables_save
from cta.nftjson import parse_nft_json
from cta.reading import Reading
from cta.store import Identity, escape, unescape

U64 = 2 ** 64


def data(name: str) -> str:
    with open(os.path.join(DATA, name), encoding="utf-8") as f:
        return f.read()


def values(readings: list[Reading]) -> dict[Identity, tuple[int, int]]:
    return {r.ident: (r.bytes, r.packets) for r in readings}


class NftJson(unittest.TestCase):
    def test_recorded_ruleset(self) -> None:
        rs = parse_nft_json(data("nft-ruleset.json"), [], [])
        self.assertEqual(values(rs.counters), {
            Identity("nft-counter", "inet", "filter", "", 1, "mail"): (0, 0),
            Identity("nft-counter", "inet", "filter", "", 1, "big"): (U64 - 1, 2 ** 63 + 1),
            Identity("nft-counter", "ip", "acct", "", 1, "customer-a"): (100, 1),
        })
        self.assertEqual(values(rs.rules), {
            Identity("nft-rule", "inet", "filter", "input", 1, "www"): (0, 0),
            Identity("nft-rule", "inet", "filter", "input", 2, "www"): (0, 0),
            Identity("nft-rule", "inet", "filter", "input", 1, "dns big"): (2 ** 63 + 9, 5),
            Identity("nft-rule", "inet", "filter", "input", 1, "<img src=x onerror=alert(1)> 'q'"): (0, 0),
            Identity("nft-rule", "inet", "filter", "forward", 1, "fwd"): (0, 0),
        })
        # a rule without a counter ("no counter") and one using a named counter are not rule counters
        handles = {r.ident.name: r.handle for r in rs.rules}
        self.assertNotEqual(handles["fwd"], handles["www"])

    def test_negative_values_are_corrected(self) -> None:
        self.assertEqual(nftjson.u64(-1), U64 - 1)
        self.assertEqual(nftjson.u64(-(2 ** 63)), 2 ** 63)
        self.assertEqual(nftjson.u64(2 ** 53 + 1), 2 ** 53 + 1)
        with self.assertRaises(ValueError):
            nftjson.u64(U64)
        with self.assertRaises(ValueError):
            nftjson.u64(1.5)

    def test_values_are_parsed_as_exact_integers(self) -> None:
        text = json.dumps({"nftables": [
            {"table": {"family": "inet", "name": "t", "handle": 1}},
            {"counter": {"family": "inet", "table": "t", "name": "c", "handle": 2,
                         "bytes": 9007199254740993, "packets": -9223372036854775807}}]})
        (r,) = parse_nft_json(text, [], None).counters
        self.assertEqual((r.bytes, r.packets), (9007199254740993, 2 ** 63 + 1))

    def test_iptables_nft_rules_are_left_to_the_iptables_source(self) -> None:
        rs = parse_nft_json(data("nft-iptables-nft.json"), [], [])
        self.assertEqual(rs.rules, [])

    def test_table_limits(self) -> None:
        rs = parse_nft_json(data("nft-ruleset.json"), ["acct"], ["inet filter"])
        self.assertEqual([r.ident.name for r in rs.counters], ["customer-a"])
        self.assertEqual(len(rs.rules), 5)
        rs = parse_nft_json(data("nft-ruleset.json"), ["nothing"], None)
        self.assertEqual((rs.counters, rs.rules), ([], []))

    def test_handles_change_with_table_handle(self) -> None:
        doc = json.loads(data("nft-ruleset.json"))
        before = {r.ident: r.handle for r in parse_nft_json(json.dumps(doc), [], []).counters}
        for item in doc["nftables"]:
            if "table" in item:
                item["table"]["handle"] += 100          # what a flush and reload does
        after = {r.ident: r.handle for r in parse_nft_json(json.dumps(doc), [], []).counters}
        self.assertEqual(before.keys(), after.keys())
        self.assertTrue(all(before[k] != after[k] for k in before))


class Offload(unittest.TestCase):
    TEXT = """table inet fw {
\tflowtable f1 {
\t\thook ingress priority filter
\t\tdevices = { eth0, eth1 }
\t}
\tflowtable f2 {
\t\thook ingress priority filter
\t\tdevices = { eth0 }
\t\tflags offload, counter
\t}
\tflowtable f3 {
\t\thook ingress priority filter
\t\tdevices = { eth0 }
\t\tflags counter
\t}
}
"""

    def test_flags_from_text(self) -> None:
        flags = nftjson.flowtable_flags_from_text(self.TEXT)
        self.assertEqual(flags, {("inet", "fw", "f1"): set(), ("inet", "fw", "f2"): {"offload", "counter"},
                                 ("inet", "fw", "f3"): {"counter"}})
        fts = [{"family": "inet", "table": "fw", "name": n} for n in ("f1", "f2", "f3")]
        warnings = nftjson.offload_warnings(fts, flags)
        self.assertEqual(sorted((w.flowtable, "hardware" in w.message) for w in warnings),
                         [("f1", False), ("f2", True)])

    def test_flags_in_json_win(self) -> None:
        w = nftjson.offload_warnings([{"family": "ip", "table": "t", "name": "f", "flags": ["counter"]}], {})
        self.assertEqual(w, [])


class IptablesSave(unittest.TestCase):
    def test_nft_backend(self) -> None:
        got = values(parse_iptables_save(data("iptables-nft-save.txt"), "iptables", "ip", []))
        self.assertEqual(got, {
            Identity("iptables", "ip", "mangle", "PREROUTING", 1, "mangled"): (2, 2),
            Identity("iptables", "ip", "filter", "INPUT", 1, "www"): (5000, 10),
            Identity("iptables", "ip", "filter", "INPUT", 2, "www"): (180, 3),
            Identity("iptables", "ip", "filter", "INPUT", 1, 'dns "quoted" and spaces'):
                (U64 - 1, 9223372036854775809),
            Identity("iptables", "ip", "filter", "ACCT", 1, "<img src=x onerror=alert(1)>"): (100, 1),
        })

    def test_legacy_and_ip6(self) -> None:
        self.assertEqual(values(parse_iptables_save(data("iptables-legacy-save.txt"), "iptables-legacy", "ip", [])),
                         {Identity("iptables-legacy", "ip", "filter", "INPUT", 1, "www"): (400, 4)})
        self.assertEqual(values(parse_iptables_save(data("ip6tables-legacy-save.txt"), "iptables-legacy", "ip6", [])),
                         {Identity("iptables-legacy", "ip6", "filter", "OUTPUT", 1, "v6 legacy"): (60, 1)})
        self.assertEqual(values(parse_iptables_save(data("ip6tables-nft-save.txt"), "iptables", "ip6", [])),
                         {Identity("iptables", "ip6", "filter", "INPUT", 1, "www"): (0, 0)})

    def test_nft_backend_rules_from_nfts_listing(self) -> None:
        # handles and values from nft's listing; comments learnt from iptables-nft-save by position
        rs = parse_nft_json(data("nft-iptables-nft.json"), None, None)
        comments = iptables.save_comments(data("iptables-nft-save.txt"), "ip", rs.chains)
        got = iptables.iptables_nft_rules(rs, "ip", [], comments)
        doc = json.loads(data("nft-iptables-nft.json"))
        table = next(i["table"]["handle"] for i in doc["nftables"] if "table" in i)
        chain = {i["chain"]["name"]: i["chain"]["handle"] for i in doc["nftables"] if "chain" in i}
        rules = [i["rule"] for i in doc["nftables"] if "rule" in i and i["rule"]["chain"] == "INPUT"]
        by_name = {(r.ident.name, r.ident.seq): r for r in got.readings}
        www = by_name[("www", 1)]
        counter = next(e["counter"] for e in rules[0]["expr"] if "counter" in e)
        self.assertEqual((www.handle, www.bytes, www.packets),
                         (f"{table}/{chain['INPUT']}/{rules[0]['handle']}", counter["bytes"], counter["packets"]))
        self.assertEqual(by_name[('dns "quoted" and spaces', 1)].handle, f"{table}/{chain['INPUT']}/{rules[2]['handle']}")
        self.assertTrue(by_name[("<img src=x onerror=alert(1)>", 1)].handle.startswith(f"{table}/{chain['ACCT']}/"))
        self.assertNotIn(("mangled", 1), by_name)     # that table was not in the recorded nft output
        self.assertEqual(got.unidentified, [])
        # without the comments, every rule of iptables-nft is unidentified, and none is read
        none = iptables.iptables_nft_rules(rs, "ip", [], {})
        self.assertEqual((none.readings, sorted(none.unidentified)), ([], sorted(got.identified)))

    def test_native_nft_rules_are_not_counted_twice(self) -> None:
        # iptables-nft-save translates a native nft rule of an ip table too: it stays nft-rule's
        rs = parse_nft_json(data("mixed-nft.json"), [], [])
        self.assertEqual(values(rs.rules), {Identity("nft-rule", "ip", "filter", "INPUT", 1, "native"): (200, 2)})
        comments = iptables.save_comments(data("mixed-iptables-nft-save.txt"), "ip", rs.chains)
        got = values(iptables.iptables_nft_rules(rs, "ip", [], comments).readings)
        self.assertEqual(got, {Identity("iptables", "ip", "filter", "INPUT", 1, "ipt dns"): (400, 4),
                               Identity("iptables", "ip", "filter", "INPUT", 1, "ipt after"): (100, 1)})

    def test_chains_that_do_not_line_up_teach_nothing(self) -> None:
        rs = parse_nft_json(data("mixed-nft.json"), [], [])
        text = data("mixed-iptables-nft-save.txt").replace("COMMIT", "[0:0] -A INPUT -m comment --comment late\nCOMMIT")
        self.assertEqual(iptables.save_comments(text, "ip", rs.chains), {})

    def test_chain_limit(self) -> None:
        got = parse_iptables_save(data("iptables-nft-save.txt"), "iptables", "ip", ["ACCT"])
        self.assertEqual([r.ident.chain for r in got], ["ACCT"])


class HostileComments(unittest.TestCase):
    """Issue #11 item 3: a comment is one token whatever it holds."""

    def test_line_breaks_and_quotes_stay_inside_the_comment(self) -> None:
        crafted = "z\f[7:123456789] -A INPUT -m comment --comment injected\f"
        comments = [crafted, "it's", "a\nb", "u\u2028v", "x\x1cy\x1dz\x1e\x85\vw", 'q"uo\\te', ""]
        # as iptables-save prints them: quoted, with ", \ and ' escaped by a backslash
        lines = ["*filter", ":INPUT ACCEPT [0:0]"]
        for i, c in enumerate(comments):
            quoted = "".join("\\" + ch if ch in "\"\\'" else ch for ch in c)
            lines.append(f'[{i}:{i * 10}] -A INPUT -m comment --comment "{quoted}"')
        lines.append("[9:90] -A INPUT")
        lines.append("COMMIT")
        got = parse_iptables_save("\n".join(lines) + "\n", "iptables-legacy", "ip", [])
        self.assertEqual([(r.ident.name, r.bytes) for r in got], [(c, i * 10) for i, c in enumerate(comments)])

    def test_unterminated_quote_is_not_a_rule(self) -> None:
        text = '*filter\n[1:10] -A INPUT -m comment --comment "open\n[2:20] -A INPUT -m comment --comment ok\n'
        got = parse_iptables_save(text, "iptables-legacy", "ip", [])
        self.assertEqual([(r.ident.name, r.bytes) for r in got], [("ok", 20)])

    def test_comment_words_inside_another_argument_are_not_a_comment(self) -> None:
        text = '*filter\n[1:10] -A INPUT -j LOG --log-prefix "-m comment --comment fake"\n'
        self.assertEqual(parse_iptables_save(text, "iptables-legacy", "ip", []), [])


class Escaping(unittest.TestCase):
    def test_round_trip(self) -> None:
        for s in ["www", "", "-", "%2D", "a b", "line\nbreak", "100%", "Grüße 🚦", "\x00\x1f\x7f",
                  "<img src=x onerror=alert(1)>", "\"'", "tab\there"]:
            token = escape(s)
            self.assertNotIn(" ", token)
            self.assertNotIn("\n", token)
            self.assertTrue(token)
            self.assertEqual(unescape(token), s)

    def test_examples(self) -> None:
        self.assertEqual(escape(""), "-")
        self.assertEqual(escape("-"), "%2D")
        self.assertEqual(escape("a b%"), "a%20b%25")
        self.assertEqual(escape("é"), "é")

    def test_invalid(self) -> None:
        for bad in ["%", "%4", "%zz", "%c3", "%C3%28", "a b", "a\tb", ""]:
            with self.assertRaises(ValueError, msg=bad):
                unescape(bad)


if __name__ == "__main__":
    unittest.main()
