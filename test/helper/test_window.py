# SPDX-License-Identifier: LGPL-2.1-or-later
"""Version 2's roll-ups (helper/cta/rollups.py) and the window reader (helper/cta/window.py):
each period rolled up once, the sums of the finer tier; a window's totals never count a period
twice, whichever tiers it combines; edges past the finer tiers' retention are inexact."""

from __future__ import annotations

import os
import random
import shutil
import tempfile
import time
import unittest

import test.helper.common  # noqa: F401  (the helper on the import path)
from cta import periods, rollups, storefs, window
from cta.state import State
from cta.store import FORMAT_VERSION_2, Identity, Record, block_text, counter_line, header_line, new_file_id, parse, totals
from cta.tiers import Retention

WEB = Identity("nft-counter", "inet", "acct", "", 1, "web")
MAIL = Identity("nft-rule", "inet", "filter", "input", 1, "mail %x")
IDENTS = [WEB, MAIL, Identity("iface", "link", "", "rx", 1, "eth0")]
T0 = 1761000000 // 86400 * 86400            # a midnight (UTC) in October 2025


class Writer:
    """What collect does to the store, without the sources: append a collection block to the
    hour's detail file, then roll up the periods it closed."""

    def __init__(self, root: str, ret: Retention = Retention()) -> None:
        self.root = root
        self.ret = ret
        self.st = State()
        self.records: list[Record] = []
        storefs.ensure_store(root)

    def collect(self, start: int, end: int, rows: list[tuple[Identity, int, int]]) -> None:
        if self.st.last_end is None:
            self.st.last_end = start
            rollups.init_markers(self.st)
        f = storefs.file_for("detail", end, FORMAT_VERSION_2)
        path = os.path.join(self.root, f.rel)
        ids: dict[Identity, int] = {}
        file_id = new_file_id()
        if os.path.exists(path):
            with open(path, "rb") as fh:
                pf = parse(fh.read(), f.rel)
            ids = {i: c for c, i in pf.counters.items()}
            file_id = pf.file_id or file_id
        parts = []
        coded = []
        for ident, b, p in rows:
            if ident not in ids:
                ids[ident] = len(ids)
                parts.append(counter_line(ids[ident], ident))
            coded.append((ids[ident], b, p))
            self.records.append(Record(start, end, ident, b, p))
        parts.append(block_text(start, end, coded))
        storefs.append_record(path, header_line("detail", file_id, 2).encode(), "".join(parts).encode())
        self.st.last_end = end
        rollups.roll_up(self.root, self.st, self.ret)


def random_store(root: str, rng: random.Random, days: int = 50) -> Writer:
    w = Writer(root)
    t = T0 + rng.randrange(0, 86400)
    stop = T0 + days * 86400
    while t < stop:
        step = rng.choice((60, 300, 300, 300, 900, 3600, 5400))
        if rng.random() < 0.01:
            t += rng.randrange(3600, 5 * 86400)          # a downtime: empty periods rolled up
        rows = [(i, rng.randrange(1, 10 ** rng.randrange(1, 12)), rng.randrange(1, 1000))
                for i in IDENTS if rng.random() < 0.7]
        w.collect(t, t + step, rows)
        t += step
    return w


def blocks(root: str, tier: str) -> list[tuple[int, int, dict[Identity, tuple[int, int]]]]:
    out = []
    for f in storefs.list_files(root, (tier,), (2,)):
        pf = storefs.read_file(root, f)
        for b in pf.blocks:
            out.append((b.start, b.end, {pf.counters[c]: (x, y) for c, x, y in b.rows}))
    return sorted(out, key=lambda t: (t[0], t[1]))


class Base(unittest.TestCase):
    def setUp(self) -> None:
        self.root = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, self.root)


class RollUps(Base):
    def test_every_closed_period_once_with_the_finer_sums(self) -> None:
        w = random_store(self.root, random.Random(3), days=75)
        detail = w.records
        for tier in periods.PERIOD_TIERS:
            got = blocks(self.root, tier)
            spans = [(s, e) for s, e, _ in got]
            self.assertEqual(len(spans), len(set(spans)), tier)
            self.assertEqual(spans, periods.periods(tier, spans[0][0], spans[-1][1]), f"{tier}: no gap")
            self.assertEqual(spans[-1][1], w.st.rolled[tier])
            self.assertLessEqual(w.st.rolled[tier], w.st.last_end)
            self.assertGreater(periods.period_of(tier, w.st.rolled[tier])[1], w.st.last_end)
            for s, e, rows in got:
                self.assertEqual(rows, totals(detail, s, e), (tier, s))
        self.assertTrue(any(not rows for _, _, rows in blocks(self.root, "hourly")), "empty hours are written")

    def test_a_long_downtime_is_bounded_by_retention(self) -> None:
        w = Writer(self.root, Retention(7, 10, None))
        w.collect(T0, T0 + 300, [(WEB, 5, 1)])
        w.collect(T0 + 100 * 86400, T0 + 100 * 86400 + 300, [(WEB, 7, 1)])
        hourly = blocks(self.root, "hourly")
        # the hour with traffic, then only the hours of the last 10 days
        self.assertEqual(hourly[0][:2], (T0, T0 + 3600))
        self.assertEqual(len(hourly), 1 + 10 * 24)
        self.assertEqual(len(blocks(self.root, "daily")), 100)
        self.assertEqual(window.read_window(self.root, 0, 10 ** 12).totals, {WEB: (12, 2)})

    def stepped_three_days_ahead(self) -> tuple[Writer, int]:
        """One collection, then the clock jumps three days ahead and another one runs there."""
        w = Writer(self.root)
        w.collect(T0, T0 + 300, [(WEB, 5, 1)])
        w.st.busy = [[0, T0 + 300]]
        jump = T0 + 3 * 86400 + 600
        w.st.busy.append([jump, jump + 300])
        w.collect(jump, jump + 300, [(WEB, 7, 1)])
        return w, jump

    def test_time_a_clock_step_left_free_is_rolled_up_once_it_is_filled(self) -> None:
        """A step forward leaves its skipped time free (clock.py): records may still end there,
        so the periods it overlaps are held back, never rolled up incomplete."""
        w, jump = self.stepped_three_days_ahead()
        self.assertEqual(blocks(self.root, "daily"), [])
        self.assertTrue(w.st.unrolled["hourly"])
        self.assertEqual(window.read_window(self.root, 0, 10 ** 12).totals, {WEB: (12, 2)})
        # back in the gap: records land there; once the gap is given up, it is all rolled up
        w.collect(T0 + 7200, T0 + 7500, [(MAIL, 11, 1)])
        self.assertEqual(window.read_window(self.root, 0, 10 ** 12).totals, {WEB: (12, 2), MAIL: (11, 1)})
        w.st.busy = [[0, jump + 900]]
        w.collect(jump + 300, jump + 900, [(WEB, 1, 1)])
        self.assertFalse(any(w.st.unrolled.values()), w.st.unrolled)
        for tier in periods.PERIOD_TIERS:
            got = blocks(self.root, tier)
            spans = [(s, e) for s, e, _ in got]
            self.assertEqual(len(spans), len(set(spans)), tier)
            for s, e, rows in got:
                self.assertEqual(rows, totals(w.records, s, e), (tier, s))
        self.assertEqual(len(blocks(self.root, "daily")), 3)
        self.assertEqual(window.read_window(self.root, 0, 10 ** 12).totals, {WEB: (13, 3), MAIL: (11, 1)})

    def test_a_gap_two_days_old_no_longer_holds_its_periods_back(self) -> None:
        w, jump = self.stepped_three_days_ahead()
        self.assertTrue(w.st.unrolled["hourly"])
        later = jump + 2 * 86400 + 3600                  # two days on, the gap is given up
        w.st.busy[-1][1] = later - 300
        w.collect(later - 300, later, [(WEB, 1, 1)])
        self.assertFalse(any(w.st.unrolled.values()), w.st.unrolled)
        self.assertEqual(len(w.st.busy), 1)
        for tier in ("hourly", "daily"):
            for s, e, rows in blocks(self.root, tier):
                self.assertEqual(rows, totals(w.records, s, e), (tier, s))
        self.assertEqual(window.read_window(self.root, 0, 10 ** 12).totals, {WEB: (13, 3)})

    def test_recovery_cuts_unsaved_period_blocks_and_they_come_back_once(self) -> None:
        w = Writer(self.root)
        w.collect(T0, T0 + 3000, [(WEB, 5, 1)])
        saved = State()
        saved.last_end, saved.rolled = w.st.last_end, dict(w.st.rolled)
        w.collect(T0 + 3000, T0 + 2 * 86400 + 60, [(WEB, 7, 1)])      # closes hours and days
        want = {t: blocks(self.root, t) for t in periods.PERIOD_TIERS}
        self.assertEqual(len(want["daily"]), 2)
        # killed before it saved the state: recovery cuts every block past the saved markers
        self.assertTrue(rollups.truncate_unsaved(self.root, saved))
        for t in periods.PERIOD_TIERS:
            self.assertEqual([b for b in blocks(self.root, t) if b[1] > saved.rolled[t]], [], t)
        saved.last_end = w.st.last_end
        rollups.roll_up(self.root, saved, Retention())
        self.assertEqual({t: blocks(self.root, t) for t in periods.PERIOD_TIERS}, want)


class Windows(Base):
    def setUp(self) -> None:
        super().setUp()
        self.w = random_store(self.root, random.Random(11), days=70)

    def test_random_windows_equal_the_detail_records(self) -> None:
        rng = random.Random(5)
        lo, hi = T0 - 86400, self.w.st.last_end + 86400
        for _ in range(150):
            a = rng.randrange(lo, hi)
            b = a + rng.choice((rng.randrange(0, 7200), rng.randrange(0, 40 * 86400), rng.randrange(0, hi - a + 1)))
            got = window.read_window(self.root, a, b)
            self.assertEqual(got.totals, totals(self.w.records, a, b), (a, b))
            self.assertTrue(got.edges["from"].exact and got.edges["to"].exact)

    def test_a_long_window_reads_coarse_files(self) -> None:
        got = window.read_window(self.root, T0, self.w.st.last_end)
        self.assertIn("monthly/2025.cta", got.files_read)
        self.assertLess(len(got.files_read), 40, got.files_read)
        self.assertEqual(got.totals, totals(self.w.records, T0, self.w.st.last_end))

    def combination(self, frm: int, to: int, tiers_used: set[str]) -> None:
        got = window.read_window(self.root, frm, to)
        self.assertEqual(got.totals, totals(self.w.records, frm, to))
        self.assertEqual({rel.split("/")[0] for rel in got.files_read}, tiers_used, got.files_read)

    def test_each_tier_combination(self) -> None:
        month = periods.month_of(T0 + 40 * 86400)             # November, closed and rolled up
        day = periods.day_of(T0 + 20 * 86400)
        busy = [r.end for r in self.w.records if r.end > T0 + 20 * 86400]
        hour = periods.hour_of(busy[0] - 1)
        self.combination(*month, {"monthly"})
        self.combination(*day, {"monthly", "daily"})
        self.combination(*hour, {"monthly", "daily", "hourly"})
        self.combination(hour[0] + 60, hour[1] - 60, {"monthly", "daily", "hourly", "detail"})
        self.combination(month[0] - 86400, month[1] + 86400, {"monthly", "daily"})
        self.combination(month[0] - 3600, month[1] + 3600, {"monthly", "daily", "hourly"})
        self.combination(month[0] - 1, month[1] + 1, {"monthly", "daily", "hourly", "detail"})
        got = window.read_window(self.root, day[0] + 1, day[1] - 1)
        self.assertEqual(got.totals, totals(self.w.records, day[0] + 1, day[1] - 1))
        self.assertIn("hourly", {rel.split("/")[0] for rel in got.files_read})   # the day is not whole

    def test_an_edge_past_detail_retention_counts_where_the_block_ends(self) -> None:
        busy = [r.end for r in self.w.records if r.end > T0 + 20 * 86400]
        hour = periods.hour_of(busy[0] - 1)
        for f in periods.detail_files(hour[0], hour[1]):
            for x in (f, f.gz()):
                if os.path.exists(os.path.join(self.root, x.rel)):
                    os.unlink(os.path.join(self.root, x.rel))
        frm, to = hour[0] + 600, hour[1] + 86400 * 3
        got = window.read_window(self.root, frm, to)
        # the hour's block counts whole (it ends inside): as version 1 counts a merged record
        self.assertEqual(got.totals, totals(self.w.records, hour[0], to))
        self.assertFalse(got.edges["from"].exact)
        self.assertEqual(got.edges["from"].resolution, 3600)
        self.assertTrue(got.edges["to"].exact)
        got = window.read_window(self.root, hour[0] - 86400, hour[1] - 600)
        self.assertEqual(got.totals, totals(self.w.records, hour[0] - 86400, hour[0]))
        self.assertFalse(got.edges["to"].exact)

    def test_a_compacted_range_takes_its_time(self) -> None:
        """A `whole` block and a period block overlapping it: the block is never used."""
        day = periods.day_of(T0 + 30 * 86400)
        inside = totals(self.w.records, day[0], day[1])
        wf = storefs.file_v2("whole", 2025, 1, 1)
        from cta.store import FileWriter
        fw = FileWriter("whole", None, 2)
        fw.period(day[0], day[1], [(i, b, p) for i, (b, p) in sorted(inside.items())])
        storefs.replace_file(os.path.join(self.root, wf.rel + ".gz"), storefs.gzip_bytes(fw.text().encode()))
        # compact removed the day's finer records and the blocks that overlap it
        for tier in ("hourly", "detail"):
            for f in storefs.list_files(self.root, (tier,), (2,)):
                if day[0] <= f.period()[0] < day[1]:
                    os.unlink(os.path.join(self.root, f.rel))
        frm, to = day[0] - 86400 * 3 - 77, day[1] + 86400 * 2 + 99
        self.assertEqual(window.read_window(self.root, frm, to).totals, totals(self.w.records, frm, to))
        got = window.read_window(self.root, day[0] + 5, to)
        self.assertFalse(got.edges["from"].exact)
        self.assertEqual(got.totals, totals(self.w.records, day[0], to))


class Dst(unittest.TestCase):
    def test_periods_across_a_daylight_saving_change(self) -> None:
        old = os.environ.get("TZ")
        os.environ["TZ"] = "Europe/Berlin"
        time.tzset()
        try:
            root = tempfile.mkdtemp()
            self.addCleanup(shutil.rmtree, root)
            w = random_store(root, random.Random(2), days=40)      # 26 October: 25 hours
            days = blocks(root, "daily")
            self.assertIn(25 * 3600, [e - s for s, e, _ in days])
            rng = random.Random(9)
            for _ in range(100):
                a = rng.randrange(T0, w.st.last_end)
                b = rng.randrange(a, w.st.last_end + 1)
                self.assertEqual(window.read_window(root, a, b).totals, totals(w.records, a, b), (a, b))
        finally:
            if old is None:
                del os.environ["TZ"]
            else:
                os.environ["TZ"] = old
            time.tzset()


if __name__ == "__main__":
    unittest.main()
