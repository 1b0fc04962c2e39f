# SPDX-License-Identifier: LGPL-2.1-or-later
"""Delta logic on recorded-like readings: baselines, new counters, every kind of reset."""

from __future__ import annotations

import unittest

from test.helper import common  # noqa: F401  (import path)
from cta import deltas as deltasmod
from cta.deltas import compute
from cta.reading import Reading
from cta.state import CounterState, State
from cta.store import Identity

WWW = Identity("nft-rule", "inet", "filter", "input", 1, "www")
MAIL = Identity("nft-counter", "inet", "acct", "", 1, "mail")
V4 = Identity("iptables", "ip", "filter", "INPUT", 1, "ssh")
ETH = Identity("iface", "link", "", "rx", 1, "eth0")
BOOT = "b1"


def state(**counters: tuple[int, int, str]) -> State:
    st = State(last_end=1000, collected=["nft-rule", "nft-counter", "iptables:ip", "iface"])
    keys = {"www": WWW, "mail": MAIL, "v4": V4, "eth": ETH}
    for name, (b, p, h) in counters.items():
        st.counters[keys[name].key()] = CounterState(b, p, h, BOOT)
    return st


def deltas(readings: list[Reading], st: State, boot: str = BOOT) -> dict[str, tuple[int, int]]:
    ds = compute(readings, sorted({"nft-rule", "nft-counter", "iptables:ip", "iface"}), st, boot).deltas
    return {d.ident.name: (d.bytes, d.packets) for d in ds}


class Deltas(unittest.TestCase):
    def test_plain_difference(self) -> None:
        st = state(www=(1000, 10, "1/1/5"), mail=(2 ** 60, 5, "1/3"))
        got = deltas([Reading(WWW, 1500, 12, "1/1/5"), Reading(MAIL, 2 ** 60 + 2 ** 55, 9, "1/3")], st)
        self.assertEqual(got, {"www": (500, 2), "mail": (2 ** 55, 4)})

    def test_unchanged_counter_writes_nothing(self) -> None:
        st = state(www=(1000, 10, "h"))
        self.assertEqual(deltas([Reading(WWW, 1000, 10, "h")], st), {})

    def test_first_collection_is_a_baseline(self) -> None:
        c = compute([Reading(WWW, 5000, 50, "h")], ["nft-rule"], State(), BOOT)
        self.assertEqual((c.deltas, c.baseline, c.resets, c.notes), ([], 1, [], []))
        self.assertEqual(c.counters[WWW.key()].bytes, 5000)

    def test_source_not_collected_last_time_is_a_baseline(self) -> None:
        st = state(www=(1000, 10, "h"))
        st.collected = ["nft-rule"]
        c = compute([Reading(WWW, 1100, 11, "h"), Reading(V4, 700, 7, "")],
                    ["nft-rule", "iptables:ip"], st, BOOT)
        self.assertEqual([(d.ident.name, d.bytes) for d in c.deltas], [("www", 100)])
        self.assertEqual(c.baseline, 1)
        self.assertEqual(c.notes, [deltasmod.Note("source:iptables:ip", deltasmod.RESUMED)])

    def test_new_counter_counts_its_whole_value(self) -> None:
        st = state(www=(1000, 10, "h"))
        self.assertEqual(deltas([Reading(WWW, 1000, 10, "h"), Reading(V4, 777, 3, "")], st),
                         {"ssh": (777, 3)})

    def test_value_went_down(self) -> None:
        st = state(v4=(10 ** 12, 10 ** 6, ""))
        self.assertEqual(deltas([Reading(V4, 300, 2, "")], st), {"ssh": (300, 2)})

    def test_packets_down_bytes_up_is_a_reset(self) -> None:
        st = state(v4=(1000, 100, ""))
        self.assertEqual(deltas([Reading(V4, 2000, 3, "")], st), {"ssh": (2000, 3)})

    def test_handle_changed(self) -> None:
        st = state(www=(1000, 10, "4/1/5"))
        self.assertEqual(deltas([Reading(WWW, 5000, 20, "9/1/5")], st), {"www": (5000, 20)})

    def test_boot_id_changed(self) -> None:
        st = state(eth=(1000, 10, "2"))
        self.assertEqual(deltas([Reading(ETH, 5000, 20, "2")], st, boot="b2"), {"eth0": (5000, 20)})

    def test_never_negative_never_wrap_spike(self) -> None:
        st = state(mail=(2 ** 64 - 10, 2 ** 63, "1/3"))
        got = deltas([Reading(MAIL, 5, 1, "1/3")], st)
        self.assertEqual(got, {"mail": (5, 1)})
        self.assertTrue(all(b >= 0 and p >= 0 for b, p in got.values()))

    def test_values_above_2_63(self) -> None:
        st = state(mail=(2 ** 63 + 5, 1, "1/3"))
        self.assertEqual(deltas([Reading(MAIL, 2 ** 64 - 1, 2, "1/3")], st), {"mail": (2 ** 63 - 6, 1)})



LEG = "iptables-legacy ip filter INPUT {} x"
NFT_SOURCES = ["nft-rule", "nft-counter", "iptables:ip", "iptables-legacy:ip", "iface"]


def twin(source: str, seq: int, name: str = "x") -> Identity:
    return Identity(source, "ip" if source.startswith("iptables") else "inet", "filter", "INPUT", seq, name)


def prior(*counters: tuple[Identity, int, str]) -> State:
    st = State(last_end=1000, collected=NFT_SOURCES)
    for ident, value, handle in counters:
        st.counters[ident.key()] = CounterState(value, value, handle, BOOT)
    return st


def run(st: State, *readings: tuple[Identity, int, str], **kw: object) -> deltasmod.Computation:
    return compute([Reading(i, v, v, h) for i, v, h in readings], NFT_SOURCES, st, BOOT, **kw)  # type: ignore[arg-type]


def counted(c: deltasmod.Computation) -> dict[str, int]:
    return {d.key: d.bytes for d in c.deltas}


class Churn(unittest.TestCase):
    """Issue #11: rules added, removed and reloaded around a counter never inflate it."""

    def test_twin_removed_and_added_again_with_handles(self) -> None:
        # two rules commented "x"; the first is deleted and added back at the end: the survivor
        # keeps its handle and moves to seq 1, the new rule has a new handle and starts at zero
        for source in ("nft-rule", "iptables"):
            st = prior((twin(source, 1), 5000, "1/1/10"), (twin(source, 2), 8000, "1/1/11"))
            c = run(st, (twin(source, 1), 8300, "1/1/11"), (twin(source, 2), 40, "1/1/12"))
            self.assertEqual(counted(c), {twin(source, 1).key(): 300, twin(source, 2).key(): 40}, source)
            self.assertEqual([n.reason for n in c.notes], [deltasmod.GONE], source)

    def test_set_element_that_left_its_set(self) -> None:
        # a per-host element timed out (or was deleted): its own note, which says both; another
        # element and a rule gone at the same time keep theirs
        host = Identity("nft-set", "inet", "acct", "hosts", 1, "10.0.0.7")
        stay = Identity("nft-set", "inet", "acct", "hosts", 1, "10.0.0.8")
        rule = twin("nft-rule", 1)
        st = prior((host, 700, "1/5/10.0.0.7"), (stay, 100, "1/5/10.0.0.8"), (rule, 50, "1/1/10"))
        st.collected = NFT_SOURCES + ["nft-set"]
        c = compute([Reading(stay, 160, 160, "1/5/10.0.0.8")], NFT_SOURCES + ["nft-set"], st, BOOT)
        self.assertEqual(counted(c), {stay.key(): 60})
        self.assertEqual(sorted((n.counter, n.reason) for n in c.notes),
                         sorted([(host.key(), deltasmod.GONE_ELEMENT), (rule.key(), deltasmod.GONE)]))
        self.assertIn("timeout ran out", deltasmod.GONE_ELEMENT)

    def test_legacy_twins_that_changed_are_a_new_baseline(self) -> None:
        a, b = twin("iptables-legacy", 1), twin("iptables-legacy", 2)
        st = prior((a, 5000, ""), (b, 8000, ""))
        # the survivor (8000 -> 8300) now stands first; the re-added rule (40) second
        c = run(st, (a, 8300, ""), (b, 40, ""))
        self.assertEqual(counted(c), {})
        self.assertEqual(sorted(n.counter for n in c.notes), [a.key(), b.key()])
        self.assertTrue(all(n.reason == deltasmod.TWINS_CHANGED for n in c.notes))
        # one of them removed: which one is unknown
        self.assertEqual(counted(run(st, (a, 8300, ""))), {})
        # unchanged twins are counted as usual
        self.assertEqual(counted(run(st, (a, 5100, ""), (b, 8200, ""))), {a.key(): 100, b.key(): 200})

    def test_a_rule_without_comment_changes_nothing(self) -> None:
        # identities come from comments and handles, never from positions
        www = twin("iptables", 1, "www")
        st = prior((www, 1000, "1/1/7"))
        self.assertEqual(counted(run(st, (www, 1500, "1/1/7"))), {www.key(): 500})

    def test_a_new_rule_seen_unidentified_counts_whole_once_identified(self) -> None:
        # iptables-nft: a rule added since the previous collection whose comment could not be
        # learnt yet; nothing else had that handle, so all its value is new whenever it is named
        www = twin("iptables", 1, "www")
        st = prior()
        c = compute([], NFT_SOURCES, st, BOOT, unidentified={"1/1/7": "iptables:ip"}, since=1000)
        self.assertEqual(c.unidentified, {"1/1/7": (1000, True)})
        st.unidentified, st.unidentified_boot = dict(c.unidentified), BOOT
        c = compute([], NFT_SOURCES, st, BOOT, unidentified={"1/1/7": "iptables:ip"}, since=1300)
        self.assertEqual(c.unidentified, {"1/1/7": (1000, True)})
        st.unidentified = dict(c.unidentified)
        c = run(st, (www, 5000, "1/1/7"))
        self.assertEqual((counted(c), c.notes, c.unidentified), ({www.key(): 5000}, [], {}))
        # with a twin beside it, its arrival renumbers the twins: a new baseline, noted
        other = twin("iptables", 2, "www")
        c = run(st, (www, 5000, "1/1/7"), (other, 900, "1/1/3"))
        self.assertEqual(counted(c), {other.key(): 900})
        self.assertEqual(c.notes, [deltasmod.Note(www.key(), deltasmod.NOT_IDENTIFIED_BEFORE, 1000)])

    def test_a_rule_unidentified_since_it_could_be_old_is_a_baseline(self) -> None:
        # a handle the previous collection knew (here: as a rule without comment, which cannot
        # gain one) or a source not read last time: its value covers an unknown period
        www = twin("iptables", 1, "www")
        st = prior()
        st.iptables_nft, st.unidentified_boot = {"1/1/7": None}, BOOT
        c = compute([], NFT_SOURCES, st, BOOT, unidentified={"1/1/7": "iptables:ip"}, since=1000)
        self.assertEqual(c.unidentified, {"1/1/7": (1000, False)})
        st.unidentified = dict(c.unidentified)
        c = compute([], NFT_SOURCES, st, BOOT, unidentified={"1/1/7": "iptables:ip"}, since=1300)
        self.assertEqual(c.unidentified, {"1/1/7": (1000, False)})          # since its first sight
        st.unidentified = dict(c.unidentified)
        c = run(st, (www, 5000, "1/1/7"))
        self.assertEqual(counted(c), {})
        self.assertEqual(c.notes, [deltasmod.Note(www.key(), deltasmod.NOT_IDENTIFIED_BEFORE, 1000)])
        # after a reboot the same handle is another rule: new, all of it counted
        c = compute([Reading(www, 70, 1, "1/1/7")], NFT_SOURCES, st, "b2")
        self.assertEqual(counted(c), {www.key(): 70})

    def test_counters_that_the_configuration_newly_selects_are_a_baseline(self) -> None:
        www = twin("nft-rule", 1, "www")
        st = prior()
        st.selection = {"nft-rule": "filter"}
        c = run(st, (www, 10 ** 9, "2/1/3"), selection={"nft-rule": ""})
        self.assertEqual((counted(c), [n.reason for n in c.notes]), ({}, [deltasmod.NEWLY_SELECTED]))
        # with the same selection a new handle is a new kernel object: all of it is new
        c = run(st, (www, 700, "2/1/3"), selection={"nft-rule": "filter"})
        self.assertEqual(counted(c), {www.key(): 700})

    def test_after_an_upgrade_only_confirmed_differences_count(self) -> None:
        eth = Identity("iface", "link", "", "rx", 1, "eth0")
        st = prior((eth, 1000, "2"), (WWW, 50, "1/1/1"))
        st.upgraded = True
        c = run(st, (eth, 1300, "2:4711"), (WWW, 20, "1/1/9"))
        self.assertEqual(counted(c), {eth.key(): 300})
        self.assertEqual([n.reason for n in c.notes], [deltasmod.UPGRADED])

    def test_an_interfaces_rx_and_tx_share_its_handle_but_not_their_values(self) -> None:
        rx = Identity("iface", "link", "", "rx", 1, "eth0")
        tx = Identity("iface", "link", "", "tx", 1, "eth0")
        st = prior((rx, 1000, "2:77"), (tx, 50, "2:77"))
        self.assertEqual(counted(run(st, (rx, 1100, "2:77"), (tx, 70, "2:77"))), {rx.key(): 100, tx.key(): 20})

    def test_reset_in_place_counts_the_new_value_and_says_what_was_lost(self) -> None:
        st = prior((MAIL, 9000, "1/3"))
        c = run(st, (MAIL, 100, "1/3"))
        self.assertEqual(counted(c), {MAIL.key(): 100})
        self.assertEqual(c.notes, [deltasmod.Note(MAIL.key(), deltasmod.RESET)])


if __name__ == "__main__":
    unittest.main()
