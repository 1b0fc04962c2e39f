# SPDX-License-Identifier: LGPL-2.1-or-later
"""rotate and compact on synthetic version-2 stores (and the upgrade of version-1 ones): every
counter's total for every local day is kept, files past retention are deleted only once the
coarser tier holds them, interrupted transactions are finished."""

from __future__ import annotations

import importlib.util
import os
import shutil
import sys
import tempfile
import time
import unittest

from test.helper.common import REPO
from cta import periods, recovery, rollup, storefs, testseam, tiers, window as windowmod
from cta.config import defaults
from cta.state import State
from cta.store import Identity, Record

NOW = 1763769600 + 12 * 3600       # 2025-11-22 12:00 UTC
DAY = 86400


def load_tool():
    spec = importlib.util.spec_from_file_location("make_history", os.path.join(REPO, "test", "tools", "make-history.py"))
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    sys.modules["make_history"] = mod
    spec.loader.exec_module(mod)
    return mod


make_history = load_tool()


def per_day(root: str) -> dict[tuple[Identity, int], tuple[int, int]]:
    """Each counter's total per local day, by the window reader."""
    days = {tiers.day_bucket(r.end) for r in storefs.read_store(root).records()}
    out: dict[tuple[Identity, int], tuple[int, int]] = {}
    for d in sorted(days):
        for ident, bp in windowmod.read_window(root, d, periods.day_of(d)[1]).totals.items():
            out[(ident, d)] = bp
    return out


def window(root: str, frm: int, to: int) -> dict[Identity, tuple[int, int]]:
    return windowmod.read_window(root, frm, to).totals


class Rotate(unittest.TestCase):
    def setUp(self) -> None:
        self.dir = tempfile.mkdtemp()
        self.store = os.path.join(self.dir, "s")
        # detail for 12 days and hourly up to 60: rotate has work to do
        make_history.generate_v2(self.store, 6, 75, 3, 300, NOW, "iam", tiers.Retention(12, 60, None))

    def tearDown(self) -> None:
        shutil.rmtree(self.dir)

    def test_rotate_keeps_daily_totals_and_deletes_what_expired(self) -> None:
        before = per_day(self.store)
        cfg = defaults()
        cfg.retention = tiers.Retention(3, 20, None)
        res = rollup.rotate(self.store, cfg, now=NOW)
        self.assertTrue(res.expired)
        self.assertEqual(res.kept, [])
        self.assertEqual(per_day(self.store), before)
        view = storefs.read_store(self.store)
        self.assertEqual((view.corrupt, view.torn, view.ignored), ([], 0, []))
        today = tiers.local_date(NOW)
        for tier, days in (("detail", 3), ("hourly", 20)):
            cutoff = storefs.local_midnight(*tiers.add_days(today, -days))
            files = storefs.list_files(self.store, (tier,))
            self.assertTrue(files)
            self.assertTrue(all(f.period()[1] > cutoff for f in files), tier)
        self.assertFalse(os.path.exists(os.path.join(self.store, recovery.JOURNAL)))

    def test_a_file_whose_periods_are_not_rolled_up_is_kept(self) -> None:
        hourly = [f for f in storefs.list_files(self.store, ("hourly",))]
        gone = next(f for f in hourly if f.period()[1] < NOW - 30 * DAY)
        os.unlink(os.path.join(self.store, gone.rel))              # its hours' blocks are lost
        cfg = defaults()
        cfg.retention = tiers.Retention(3, 20, None)
        day = periods.day_of(gone.period()[0])
        detail = [f.rel for f in storefs.list_files(self.store, ("detail",)) if day[0] <= f.period()[0] < day[1]]
        res = rollup.rotate(self.store, cfg, now=NOW)
        self.assertEqual(res.kept, sorted(res.kept))
        self.assertTrue(set(detail) <= {f.rel for f in storefs.list_files(self.store, ("detail",))} or not detail)

    def test_daily_retention_keeps_the_months(self) -> None:
        cfg = defaults()
        cfg.retention = tiers.Retention(3, 20, 40)
        months = [periods.month_of(NOW - 70 * DAY), periods.month_of(NOW - 45 * DAY)]
        before = [window(self.store, *m) for m in months]
        cutoff = storefs.local_midnight(*tiers.add_days(tiers.local_date(NOW), -40))
        recent = {k: v for k, v in per_day(self.store).items() if k[1] >= cutoff}
        res = rollup.rotate(self.store, cfg, now=NOW)
        self.assertTrue(any(r.startswith("daily/") for r in res.expired))
        self.assertEqual([window(self.store, *m) for m in months], before)
        self.assertEqual({k: v for k, v in per_day(self.store).items() if k[1] >= cutoff}, recent)

    def test_killed_at_every_step_then_recovered(self) -> None:
        """Deletions (version 2) and the upgrade of a version-1 store (one transaction)."""
        cfg = defaults()
        cfg.retention = tiers.Retention(3, 20, None)
        v1 = os.path.join(self.dir, "v1")
        make_history.generate(v1, 6, 75, 3, 300, NOW, "iam", tiers.Retention(12, 60, None))
        for store, steps in ((self.store, ["expired:1", "expired:30"]),
                             (v1, ["tmp-written:1", "committed:1", "renamed:1", "renamed:9", "deleted:3"])):
            before = per_day(store)
            for step in steps:
                with self.subTest(step=step):
                    work = os.path.join(self.dir, f"w-{os.path.basename(store)}-{step}")
                    shutil.copytree(store, work)
                    name, n = step.split(":")
                    seen: list[int] = []

                    def hook(point: str, name: str = name, n: int = int(n)) -> None:
                        if point == name:
                            seen.append(1)
                            if len(seen) == n:
                                raise KeyboardInterrupt   # stands in for the process dying here

                    orig = testseam.point
                    testseam.point = hook  # type: ignore[assignment]
                    try:
                        with self.assertRaises(KeyboardInterrupt):
                            rollup.rotate(work, cfg, now=NOW)
                    finally:
                        testseam.point = orig  # type: ignore[assignment]
                    # what a reader sees right after the crash: never more than the truth
                    for k, (b, p) in per_day(work).items():
                        self.assertLessEqual(b, before[k][0], (step, k))
                    recovery.recover(work, State())
                    rollup.rotate(work, cfg, now=NOW)
                    self.assertEqual(per_day(work), before, step)
                    leftovers = [n for t in storefs.TIER_DIRS for n in os.listdir(os.path.join(work, t))
                                 if n.endswith(".tmp")]
                    self.assertEqual(leftovers, [])
                    self.assertEqual({f.version for f in storefs.list_files(work)}, {2})


class Compact(unittest.TestCase):
    def setUp(self) -> None:
        self.dir = tempfile.mkdtemp()
        self.store = os.path.join(self.dir, "s")
        make_history.generate_v2(self.store, 5, 70, 11, 300, NOW, "iam", tiers.Retention(7, 30, None))

    def tearDown(self) -> None:
        shutil.rmtree(self.dir)

    def check(self, frm: int, to: int, resolution: str) -> rollup.CompactPlan:
        inside = window(self.store, frm, to)
        outside_before = window(self.store, 0, frm), window(self.store, to, 2 ** 40)
        days = per_day(self.store)
        dry = rollup.compact(self.store, frm, to, resolution, dry_run=True)
        self.assertEqual(window(self.store, frm, to), inside)        # dry run changes nothing
        plan = rollup.compact(self.store, frm, to, resolution, dry_run=False)
        self.assertEqual(dry.summary()["records_before"], plan.summary()["records_before"])
        self.assertEqual(dry.summary()["records_after"], plan.summary()["records_after"])
        # the same compressed files but for their new random file ids, which compress differently
        self.assertAlmostEqual(dry.summary()["bytes_after"], plan.summary()["bytes_after"],
                               delta=16 * len(plan.files))
        self.assertEqual(window(self.store, frm, to), inside)
        self.assertEqual((window(self.store, 0, frm), window(self.store, to, 2 ** 40)), outside_before)
        if resolution != "whole":
            self.assertEqual(per_day(self.store), days)
        view = storefs.read_store(self.store)
        self.assertEqual((view.corrupt, view.ignored), ([], []))
        return plan

    def test_whole_across_tiers(self) -> None:
        frm, to = periods.day_of(NOW - 50 * DAY)[0], NOW - 2 * DAY + 1234
        plan = self.check(frm, to, "whole")
        self.assertEqual(plan.records_after, plan.counters)
        self.assertGreater(plan.bytes_before - plan.bytes_after, 0)
        recs = [r for r in storefs.read_store(self.store).records() if frm < r.end <= to]
        self.assertEqual(len(recs), plan.counters)
        self.assertEqual({(r.start, r.end) for r in recs}, {(frm, to)})

    def test_whole_refuses_an_inexact_edge(self) -> None:
        from cta.store import StoreError
        with self.assertRaises(StoreError):
            rollup.compact(self.store, NOW - 50 * DAY + 3 * 3600 + 77, NOW - DAY, "whole", dry_run=True)

    def test_day_and_hour(self) -> None:
        self.check(NOW - 5 * DAY, NOW - 3 * DAY + 7, "hour")
        self.check(NOW - 40 * DAY, NOW - 1 * DAY, "day")

    def test_dry_run_report(self) -> None:
        plan = rollup.compact(self.store, NOW - 3 * DAY, NOW, "whole", dry_run=True)
        s = plan.summary()
        self.assertEqual(set(s), {"from", "to", "resolution", "files", "records_before", "records_after",
                                  "bytes_before", "bytes_after", "bytes_saved", "counters"})
        self.assertEqual(s["bytes_saved"], s["bytes_before"] - s["bytes_after"])
        actions = {f["file"]: f["action"] for f in s["files"]}
        self.assertEqual(actions["whole/2025.cta.gz"], "create")
        self.assertTrue(all(a in ("rewrite", "create", "delete") for a in actions.values()))

    def test_empty_range_does_nothing(self) -> None:
        snapshot = {f.rel: os.path.getmtime(os.path.join(self.store, f.rel)) for f in storefs.list_files(self.store)}
        plan = rollup.compact(self.store, 10, 20, "whole", dry_run=False)
        self.assertEqual(plan.records_before, 0)
        self.assertEqual(snapshot, {f.rel: os.path.getmtime(os.path.join(self.store, f.rel))
                                    for f in storefs.list_files(self.store)})


class Merge(unittest.TestCase):
    def test_bucket_by_end_minus_one(self) -> None:
        ident = Identity("iface", "link", "", "rx", 1, "eth0")
        h = 1763683200
        recs = [Record(h - 300, h, ident, 1, 1), Record(h, h + 300, ident, 2, 1), Record(h + 3300, h + 3600, ident, 4, 1)]
        merged = sorted(rollup.merge(recs, tiers.hour_bucket), key=lambda r: r.end)
        self.assertEqual([(r.start, r.end, r.bytes) for r in merged], [(h - 300, h, 1), (h, h + 3600, 6)])


if __name__ == "__main__":
    unittest.main()


class DaylightSaving(unittest.TestCase):
    """Rotation in a zone with DST changes: local days of 23 and 25 hours keep their totals."""

    def setUp(self) -> None:
        if not os.path.exists("/usr/share/zoneinfo/Europe/Berlin"):
            self.skipTest("no time zone data (Debian package tzdata)")
        self.old_tz = os.environ.get("TZ")
        os.environ["TZ"] = "Europe/Berlin"
        time.tzset()
        self.dir = tempfile.mkdtemp()

    def tearDown(self) -> None:
        if self.old_tz is None:
            del os.environ["TZ"]
        else:
            os.environ["TZ"] = self.old_tz
        time.tzset()
        shutil.rmtree(self.dir)

    def test_rotate_across_dst_changes(self) -> None:
        for now in (1743379200 + 5 * DAY, 1761436800 + 10 * DAY):   # after 2025-03-30 and 2025-10-26
            store = os.path.join(self.dir, str(now))
            make_history.generate_v2(store, 4, 20, 9, 300, now, "iam", tiers.Retention(30, 60, None))
            before = per_day(store)
            cfg = defaults()
            cfg.retention = tiers.Retention(1, 3, None)
            self.assertTrue(rollup.rotate(store, cfg, now=now).expired)
            self.assertEqual(per_day(store), before)
            lengths = set()
            for f in storefs.list_files(store):
                if f.tier == "daily":
                    for r in storefs.read_store(store, [f]).records():
                        lengths.add(r.end - r.start)
            # the short day in March, the long one in October: each one daily block
            self.assertIn(25 * 3600 if now > 1761436800 else 23 * 3600, lengths)
