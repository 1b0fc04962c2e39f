# SPDX-License-Identifier: LGPL-2.1-or-later
"""Delta logic on recorded-like readings: baselines, new counters, every kind of reset."""

from __future__ import annotations

import unittest

from test.helper import common  # noqa: F401  (import path)
from cta.collect import compute
from cta.sources import Reading
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
    ds, _, _, _ = compute(readings, sorted({"nft-rule", "nft-counter", "iptables:ip", "iface"}), st, boot)
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
        ds, baseline, resets, new = compute([Reading(WWW, 5000, 50, "h")], ["nft-rule"], State(), BOOT)
        self.assertEqual((ds, baseline, resets), ([], 1, []))
        self.assertEqual(new[WWW.key()].bytes, 5000)

    def test_source_not_collected_last_time_is_a_baseline(self) -> None:
        st = state(www=(1000, 10, "h"))
        st.collected = ["nft-rule"]
        ds, baseline, _, _ = compute([Reading(WWW, 1100, 11, "h"), Reading(V4, 700, 7, "")],
                                     ["nft-rule", "iptables:ip"], st, BOOT)
        self.assertEqual([(d.ident.name, d.bytes) for d in ds], [("www", 100)])
        self.assertEqual(baseline, 1)

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


if __name__ == "__main__":
    unittest.main()
