# SPDX-License-Identifier: LGPL-2.1-or-later
"""Exactness bookkeeping for the churn tests: what each collection's interval really carried.

Every accounting rule of these tests matches all of the test's UDP, so what a rule really
counted in an interval is what the never-reset reference counter in the sender's namespace
counted in it. A Ledger reads that reference after every collection and checks, per counter:
accounted <= real, and real - accounted == the traffic of exactly the intervals for which the
helper's notes (notes.json) say that counter, or its whole source, was not counted (for
twins, the group of rules sharing a comment in one chain).
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
                if start is None:                  # since the previous collection: its own interval
                    ends.add(end)
                else:
                    ends.update(e for e in self.intervals if start < e <= end)  # type: ignore[operator]
        return ends

    def check(self, keys: list[str]) -> dict[str, tuple[int, int, int]]:
        """(accounted, real, noted) bytes per counter; fails on any total too high or unexplained.

        Twins (rules of one chain with one comment) are told apart by their order, so when one
        of them changes, what the others counted may move between their numbers: a group of
        twins is checked as a whole, each of its counters only for never being too high.
        """
        got = stored_totals(self.lab.store)
        report: dict[str, tuple[int, int, int]] = {}
        groups: dict[str, list[str]] = {}
        for key in keys:
            ends = self.existed.get(key, set())
            real = sum(self.intervals[e] for e in ends)
            noted = sum(self.intervals[e] for e in ends & self.uncounted_ends(key))
            accounted = got.get(key, (0, 0))[0]
            report[key] = (accounted, real, noted)
            assert accounted <= real, f"{key}: accounted {accounted} > real {real}"
            fields = key.split(" ")
            groups.setdefault(" ".join(fields[:4] + fields[5:]), []).append(key)
        for group, members in groups.items():
            accounted, real, noted = (sum(report[k][i] for k in members) for i in range(3))
            if real - accounted != noted:
                for k in members:
                    self.explain(k, self.existed.get(k, set()))
            assert real - accounted == noted, (f"{group} ({len(members)} counters): accounted {accounted}, "
                                               f"real {real}: {real - accounted} not counted, notes explain {noted}")
        return report

    def explain(self, key: str, ends: set[int]) -> None:
        """What a failing check needs: the intervals, the notes, the stored records of key."""
        import sys
        from cta import storefs
        noted = self.uncounted_ends(key)
        stored: dict[int, int] = {}
        for r in storefs.read_store(self.lab.store).records():
            if r.ident.key() == key and r.end - r.start <= 3600:   # collection records, not roll-ups
                stored[r.end] = stored.get(r.end, 0) + r.bytes
        print(f"\n{key}: interval end, real, stored with that end, noted", file=sys.stderr)
        for e in sorted(set(self.intervals) | set(stored)):
            print(f"  {e} {self.intervals.get(e, '-')} {stored.get(e, '-')} {'noted' if e in noted else ''}"
                  f"{'' if e in ends else ' (did not exist)'}", file=sys.stderr)
        for n in self.notes():
            print(f"  note {n['start']}..{n['end']}: {str(n['reason'])[:60]} {n['counters'][:3]}", file=sys.stderr)
