#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Writes the version-2 fixture stores (test/fixtures/stores/v2-*) and their expected.json.

Each store is made from "truth": the collection records of every hour, as a collector would
have written them. The period blocks are sums of the truth (as a roll-up writes them), and
only some of the truth is kept as detail (the rest is past its retention). The expected totals
of a window are the truth summed over the interval that the design's rules count for it
(docs/store-format.md, "Reading a window"): the window itself where finer tiers hold its
edges, widened to the period that straddles an edge where they do not. They are computed here
from the truth, never by reading the files back. All times and file names are in UTC.

    /usr/bin/python3 test/tools/make-fixtures-v2.py [--out test/fixtures/stores]
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
_spec = importlib.util.spec_from_file_location("make_fixtures", os.path.join(HERE, "make-fixtures.py"))
assert _spec is not None and _spec.loader is not None
mf = importlib.util.module_from_spec(_spec)
sys.modules["make_fixtures"] = mf
_spec.loader.exec_module(mf)

Identity = mf.Identity
DAY = 86400
HOUR = 3600
T0 = mf.T0                               # 2025-11-21T00:00:00Z
WWW = mf.WWW
MAIL = mf.MAIL
SEP1 = 1756684800                        # 2025-09-01T00:00:00Z
OCT1 = 1759276800
NOV1 = 1761955200
NOW = T0 + 11 * HOUR + 25 * 60           # the last collection ended at 11:25 on Nov 21
# "everything": the years around the data (a window of thousands of years walks as many periods)
ALL = (1735689600, 1767225600)           # 2025-01-01 .. 2026-01-01


def truth(start: int, end: int) -> list[tuple[int, int, Identity, int, int]]:
    """The 5-minute collection records of [start, end): deterministic, some quiet hours."""
    out = []
    for t in range(start, end, 300):
        hour = (t // HOUR) % 24
        if hour in (3, 4):               # a quiet night: nothing counted
            continue
        k = (t // 300) % 97
        out.append((t, t + 300, WWW, 1000 + 37 * k, 2 + k % 5))
        if k % 4 == 0:
            out.append((t, t + 300, MAIL, 500 + k, 1))
    return out


class V2Fixture(mf.Fixture):
    def __init__(self, name: str, description: str) -> None:
        super().__init__(name, description)
        self.truth: list[tuple[int, int, Identity, int, int]] = []
        # per window: the interval the rules count, and the truth as it stood for that window
        self.counted: list[tuple[int, int, list[tuple[int, int, Identity, int, int]]]] = []

    def file2(self, path: str, tier: str, file_id: str | None = None) -> "mf.FixtureFile":
        f = self.file(path, tier, file_id)
        f.lines[0] = f"#cta 2 {tier} {f.file_id}"
        return f

    def period(self, f: "mf.FixtureFile", start: int, end: int) -> None:
        """A period block: the truth's sums per counter of the records ending in (start, end]."""
        sums: dict[Identity, list[int]] = {}
        for s, e, ident, b, p in self.truth:
            if start < e <= end:
                v = sums.setdefault(ident, [0, 0])
                v[0] += b
                v[1] += p
        for ident in sums:
            self.define(f, ident)
        f.lines.append(f"p {start} {end} {len(sums)}")
        for ident, (b, p) in sums.items():
            f.lines.append(f"{f.ids[ident]} {b} {p}")

    def detail(self, f: "mf.FixtureFile", start: int, end: int) -> None:
        by_interval: dict[tuple[int, int], list[tuple[Identity, int, int]]] = {}
        for s, e, ident, b, p in self.truth:
            if start < e <= end:
                by_interval.setdefault((s, e), []).append((ident, b, p))
        for (s, e), rows in sorted(by_interval.items()):
            for ident, _, _ in rows:
                self.define(f, ident)
            f.lines.append(f"i {s} {e} {len(rows)}")
            for ident, b, p in rows:
                f.lines.append(f"{f.ids[ident]} {b} {p}")

    def window(self, lo: int, hi: int, counted: tuple[int, int] | None = None) -> None:
        self.windows.append((lo, hi))
        clo, chi = counted or (lo, hi)
        self.counted.append((clo, chi, list(self.truth)))

    def write(self, root: str) -> None:
        # the expected totals: the truth over the interval each window's rules count
        import json
        windows = self.windows
        results = []
        for (lo, hi), (clo, chi, records) in zip(windows, self.counted):
            sums: dict[str, list[int]] = {}
            if self.error is None:
                for s, e, ident, b, p in records:
                    if clo < e <= chi:
                        v = sums.setdefault(ident.key(), [0, 0])
                        v[0] += b
                        v[1] += p
            results.append({"from": lo, "to": hi, "totals": {
                k: {"bytes": str(v[0]), "packets": str(v[1])} for k, v in sorted(sums.items())}})
        self.windows = []
        super().write(root)
        path = os.path.join(root, self.name, "expected.json")
        with open(path, encoding="utf-8") as f:
            expected = json.load(f)
        expected["zone"] = "UTC"
        expected["windows"] = results
        with open(path, "w", encoding="utf-8") as f:
            json.dump(expected, f, indent=2, ensure_ascii=False)
            f.write("\n")


def overlap() -> V2Fixture:
    fx = V2Fixture("v2-overlap", "Version 2's overlapping tiers: September and October as monthly "
                   "blocks, October and November's closed days as daily blocks, November 20 and 21 "
                   "as hourly blocks, the hours 10 and 11 of November 21 as detail. Every period "
                   "is counted once; where no finer tier holds an edge, the straddling block "
                   "counts where it ends.")
    fx.truth = truth(SEP1, NOW)
    m = fx.file2("monthly/2025.cta", "monthly")
    fx.period(m, SEP1, OCT1)
    fx.period(m, OCT1, NOV1)
    d10 = fx.file2("daily/2025-10.cta.gz", "daily")
    for day in range(31):
        fx.period(d10, OCT1 + day * DAY, OCT1 + (day + 1) * DAY)
    d11 = fx.file2("daily/2025-11.cta", "daily")
    for day in range(20):                            # Nov 1..20 closed
        fx.period(d11, NOV1 + day * DAY, NOV1 + (day + 1) * DAY)
    h20 = fx.file2("hourly/2025-11-20.cta.gz", "hourly")
    for hour in range(24):
        fx.period(h20, T0 - DAY + hour * HOUR, T0 - DAY + (hour + 1) * HOUR)
    h21 = fx.file2("hourly/2025-11-21.cta", "hourly")
    for hour in range(11):                           # 00..10 closed; 11 is the current hour
        fx.period(h21, T0 + hour * HOUR, T0 + (hour + 1) * HOUR)
    fx.detail(fx.file2("detail/2025-11-21T10.cta.gz", "detail"), T0 + 10 * HOUR, T0 + 11 * HOUR)
    fx.detail(fx.file2("detail/2025-11-21T11.cta", "detail"), T0 + 11 * HOUR, T0 + 12 * HOUR)
    fx.window(*ALL, (ALL[0], NOW))                                   # everything, once
    fx.window(T0, T0 + DAY)                                          # today
    fx.window(NOV1, NOV1 + 30 * DAY)                                 # this month
    fx.window(OCT1, NOV1)                                            # last month
    fx.window(SEP1, SEP1 + 30 * DAY)                                 # a month past its days
    # last 30 days at 10:30: Oct 22 straddles and has no hourly file: its block counts where it
    # ends, so the whole day is in; 10:30 lies in an hour whose detail is kept: exact there
    fx.window(T0 + 10 * HOUR + 1800 - 30 * DAY, T0 + 10 * HOUR + 1800, (T0 - 30 * DAY, T0 + 10 * HOUR + 1800))
    fx.window(T0 + 10 * HOUR + 300, T0 + 10 * HOUR + 1200)           # inside a detail hour
    # 09:30..10:00: hour 9 straddles and its detail is gone: the hour counts where it ends
    fx.window(T0 + 9 * HOUR + 1800, T0 + 10 * HOUR, (T0 + 9 * HOUR, T0 + 10 * HOUR))
    # Nov 20 12:00 .. Nov 21 02:00: hours of a day whose hourly file is kept
    fx.window(T0 - 12 * HOUR, T0 + 2 * HOUR)
    # Sep 15 .. Oct 15 noon: September has no days any more (its block straddles and counts
    # where it ends, Oct 1); Oct 15 has days but no hours: its day counts where it ends, Oct 16,
    # outside the window
    fx.window(SEP1 + 14 * DAY, OCT1 + 14 * DAY + 12 * HOUR, (SEP1, OCT1 + 14 * DAY))
    return fx


def empty_periods() -> V2Fixture:
    fx = V2Fixture("v2-empty-periods", "Empty period blocks (`p s e 0`) say that a period is rolled "
                   "up without traffic: they take their period although a detail file of that hour "
                   "(written by hand) holds records, which count only in windows that cut the hour.")
    fx.truth = truth(T0, T0 + 3 * HOUR)
    h = fx.file2("hourly/2025-11-21.cta", "hourly")
    fx.period(h, T0, T0 + HOUR)
    h.lines.append(f"p {T0 + HOUR} {T0 + 2 * HOUR} 0")                # hour 1: rolled up, empty
    fx.period(h, T0 + 2 * HOUR, T0 + 3 * HOUR)
    fx.detail(fx.file2("detail/2025-11-21T01.cta", "detail"), T0 + HOUR, T0 + 2 * HOUR)
    hour1 = [r for r in fx.truth if T0 + HOUR < r[1] <= T0 + 2 * HOUR]
    fx.truth = [r for r in fx.truth if r not in hour1]
    fx.window(T0, T0 + DAY)                                          # hour 1 counts 0
    fx.window(T0 + HOUR, T0 + 2 * HOUR)                              # hour 1 alone: 0
    fx.truth += hour1
    fx.window(T0 + HOUR + 600, T0 + 2 * HOUR - 600)                  # cut: the detail records
    return fx


def grammar() -> V2Fixture:
    fx = V2Fixture("v2-grammar", "Version 2's grammar: a `p` line in a detail file and in a "
                   "version-1 file is corrupt (its data lines too), an `i` line in a period tier is "
                   "corrupt, a `p` line cuts a block short, `p s e 0` is a block without lines.")
    fx.truth = truth(T0, T0 + 2 * HOUR)
    det = fx.file2("detail/2025-11-21T00.cta", "detail")
    fx.detail(det, T0, T0 + HOUR)
    fx.raw(det, f"p {T0} {T0 + HOUR} 1", corrupt=True)
    fx.raw(det, "0 5 5", corrupt=True)
    h = fx.file2("hourly/2025-11-21.cta", "hourly")
    fx.period(h, T0 + HOUR, T0 + 2 * HOUR)
    fx.raw(h, f"i {T0} {T0 + 300} 1", corrupt=True)
    fx.raw(h, "0 7 7", corrupt=True)
    fx.raw(h, f"p {T0 + 2 * HOUR} {T0 + 3 * HOUR} 2", corrupt=True)   # cut short by the next line
    fx.raw(h, "0 9 9")
    fx.raw(h, f"p {T0 + 3 * HOUR} {T0 + 4 * HOUR} 0")
    v1 = fx.file("detail/2025-11-19.cta", "detail")
    fx.raw(v1, f"p {T0 - 2 * DAY} {T0 - 2 * DAY + 300} 1", corrupt=True)
    fx.raw(v1, "0 1 1", corrupt=True)
    fx.window(*ALL, (T0 - DAY, T0 + 2 * HOUR))
    fx.window(T0 + HOUR, T0 + 2 * HOUR)
    return fx


def mixed() -> V2Fixture:
    fx = V2Fixture("v2-mixed", "A migration from version 1 between its renames: the version-2 "
                   "outputs already renamed name every version-1 file by `x` lines, so the "
                   "version-1 files still on disk are not read; the outputs not renamed yet are "
                   "missing: a reader shows less, never more.")
    fx.truth = truth(T0 - DAY, T0 + 2 * HOUR)
    v1d = fx.file("detail/2025-11-21.cta", "detail", "aaaaaaaaaaaaaaaa")
    fx.detail(v1d, T0, T0 + 2 * HOUR)
    v1h = fx.file("hourly/2025-11.cta", "hourly", "bbbbbbbbbbbbbbbb")
    for hour in range(24):
        fx.period(v1h, T0 - DAY + hour * HOUR, T0 - DAY + (hour + 1) * HOUR)
    v1h.lines = [line if not line.startswith("p ") else "i" + line[1:] for line in v1h.lines]
    out = fx.file2("hourly/2025-11-20.cta", "hourly")
    out.lines[1:1] = ["x aaaaaaaaaaaaaaaa", "x bbbbbbbbbbbbbbbb"]
    for hour in range(24):
        fx.period(out, T0 - DAY + hour * HOUR, T0 - DAY + (hour + 1) * HOUR)
    # the detail of Nov 21 is not renamed yet: not there
    fx.truth = [r for r in fx.truth if r[1] <= T0]
    fx.window(*ALL)
    fx.window(T0 - DAY, T0)
    return fx


def version_mismatch() -> V2Fixture:
    fx = V2Fixture("v2-version-mismatch", "A file under a version-2 name whose header says version 1: "
                   "the name tells the version a file must have; the file is not read and the "
                   "message names it.")
    fx.truth = truth(T0, T0 + HOUR)
    f = fx.file("detail/2025-11-21T00.cta", "detail")
    fx.detail(f, T0, T0 + HOUR)
    fx.error = "detail/2025-11-21T00.cta"
    fx.window(*ALL)
    return fx


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=os.path.join(HERE, "..", "fixtures", "stores"))
    args = ap.parse_args()
    for fx in (overlap(), empty_periods(), grammar(), mixed(), version_mismatch()):
        fx.write(args.out)

if __name__ == "__main__":
    main()
