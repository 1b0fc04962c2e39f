# SPDX-License-Identifier: LGPL-2.1-or-later
"""Exactness bookkeeping for the churn tests: what each collection's interval really carried.

Every accounting rule of these tests matches all of the test's UDP, so what a rule really
counted in an interval is what the never-reset reference counter in the sender's namespace
counted in it. A Ledger reads that reference after every collection and checks, per counter:
accounted <= real, and real - accounted == the traffic of exactly the intervals for which the
helper's notes (notes.json) say that counter, or its whole source, was not counted.
"""

from __future__ import annotations

import json
import os

from test.helper.netlab import Lab, stored_totals

# notes about traffic lost before an object vanished: none of it in these tests, whose rules
# change only right after a collection, before any traffic
LOSS_BEFORE_REMOVAL = ("its kernel object is gone", "its value went down")


class Ledger:
    def __init__(self, lab: Lab) -> None:
        self.lab = lab
        self.intervals: dict[int, int] = {}         # collection end -> reference bytes in it
        self.existed: dict[str, set[int]] = {}      # counter -> ends of the intervals it existed in
        self.last_ref = lab.reference()[0]
        self.runs: list[dict[str, object]] = []

    def collect(self, keys: list[str], env: dict[str, str] | None = None, check: bool = True) -> dict[str, object]:
        """Collect; keys: the counters that existed throughout the interval now ending."""
        proc = self.lab.collect(env=env, check=check)
        out: dict[str, object] = json.loads(proc.stdout)
        ref = self.lab.reference()[0]
        end = int(out["end"])  # type: ignore[call-overload]
        self.intervals[end] = ref - self.last_ref
        self.last_ref = ref
        for k in keys:
            self.existed.setdefault(k, set()).add(end)
        self.runs.append(out)
        return out

    def notes(self) -> list[dict[str, object]]:
        path = os.path.join(self.lab.store, "notes.json")
        if not os.path.exists(path):
            return []
        with open(path) as f:
            return list(json.load(f)["notes"])

    def uncounted_ends(self, key: str) -> set[int]:
        """Ends of the intervals that a note says were not counted for key: those ending in
        (start, end] of the note (a note may reach back past its own collection)."""
        source = key.split(" ")[0]
        family = key.split(" ")[1]
        sk = f"source:{source}:{family}" if source.startswith("iptables") else f"source:{source}"
        ends = set()
        for n in self.notes():
            reason = str(n["reason"])
            if reason.startswith(LOSS_BEFORE_REMOVAL):
                continue
            counters = n["counters"]
            assert isinstance(counters, list)
            assert n["count"] == len(counters), "a note names more counters than it lists"
            if key in counters or sk in counters:
                start, end = n["start"], int(n["end"])  # type: ignore[call-overload]
                ends.update(e for e in self.intervals
                            if e <= end and (start is None or e > start))  # type: ignore[operator]
        return ends

    def check(self, keys: list[str]) -> dict[str, tuple[int, int, int]]:
        """(accounted, real, noted) bytes per counter; fails on any total too high or unexplained."""
        got = stored_totals(self.lab.store)
        report = {}
        for key in keys:
            ends = self.existed.get(key, set())
            real = sum(self.intervals[e] for e in ends)
            noted = sum(self.intervals[e] for e in ends & self.uncounted_ends(key))
            accounted = got.get(key, (0, 0))[0]
            report[key] = (accounted, real, noted)
            assert accounted <= real, f"{key}: accounted {accounted} > real {real}"
            assert real - accounted == noted, (f"{key}: accounted {accounted}, real {real}: "
                                               f"{real - accounted} not counted, notes explain {noted}")
        return report
