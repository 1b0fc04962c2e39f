# SPDX-License-Identifier: LGPL-2.1-or-later
"""rotate and compact on synthetic stores: every counter's total for every local day is kept,
data is moved (never copied) into the right tier, interrupted transactions are finished."""

from __future__ import annotations

import importlib.util
import os
import shutil
import sys
import tempfile
import time
import unittest

from test.helper.common import REPO
from cta import recovery, rollup, storefs, tiers
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
    out: dict[tuple[Identity, int], tuple[int, int]] = {}
    for r in storefs.read_store(root).records():
        k = (r.ident, tiers.day_bucket(r.end))
        b, p = out.get(k, (0, 0))
        out[k] = (b + r.bytes, p + r.packets)
    return out


def window(root: str, frm: int, to: int) -> dict[Identity, tuple[int, int]]:
    from cta.store import totals
    return totals(storefs.read_store(root).records(), frm, to)


class Rotate(unittest.TestCase):
    def setUp(self) -> None:
        self.dir = tempfile.mkdtemp()
        self.store = os.path.join(self.dir, "s")
        # everything still in detail for 12 days and hourly up to 60: rotate has work to do
        make_history.generate(self.store, 6, 75, 3, 300, NOW, "iam", tiers.Retention(12, 60, None))

    def tearDown(self) -> None:
        shutil.rmtree(self.dir)

    def test_rotate_keeps_daily_totals_and_moves_data(self) -> None:
        before = per_day(self.store)
        n_before = sum(1 for _ in storefs.read_store(self.store).records())
        cfg = defaults()
        cfg.retention = tiers.Retention(3, 20, None)
        res = rollup.rotate(self.store, cfg, now=NOW)
        self.assertTrue(res.moved)
        self.assertEqual(per_day(self.store), before)
        view = storefs.read_store(self.store)
        self.assertEqual((view.corrupt, view.torn, view.ignored), ([], 0, []))
        self.assertLess(sum(1 for _ in view.records()), n_before)
        today = tiers.local_date(NOW)
        for f in storefs.list_files(self.store):
            if f.tier == "detail":
                self.assertFalse(tiers.detail_expired(f, today, cfg.retention), f.rel)
            if f.tier == "hourly":
                self.assertFalse(tiers.hourly_expired(f, today, cfg.retention), f.rel)
                for r in storefs.read_store(self.store, [f]).records():
                    self.assertEqual(tiers.hour_bucket(r.end), tiers.hour_bucket(r.start + 1))
        self.assertFalse(os.path.exists(os.path.join(self.store, recovery.JOURNAL)))
        # a second rotation on the same day has nothing to do
        again = rollup.rotate(self.store, cfg, now=NOW)
        self.assertEqual(again.moved, [])
        self.assertEqual(per_day(self.store), before)

    def test_daily_retention_drops_old_days_only(self) -> None:
        cfg = defaults()
        cfg.retention = tiers.Retention(3, 20, 40)
        before = per_day(self.store)
        res = rollup.rotate(self.store, cfg, now=NOW)
        self.assertGreater(res.dropped_records, 0)
        cutoff = storefs.local_midnight(*tiers.add_days(tiers.local_date(NOW), -40))
        after = per_day(self.store)
        self.assertEqual(after, {k: v for k, v in before.items() if k[1] >= cutoff})

    def test_killed_at_every_step_then_recovered(self) -> None:
        cfg = defaults()
        cfg.retention = tiers.Retention(3, 20, None)
        before = per_day(self.store)
        steps = ["tmp-written", "committed", "renamed", "deleted"]
        for step in steps:
            with self.subTest(step=step):
                work = os.path.join(self.dir, f"w-{step}")
                shutil.copytree(self.store, work)

                def hook(name: str, step: str = step) -> None:
                    if name == step:
                        raise KeyboardInterrupt   # stands in for the process dying here

                orig = rollup._step
                rollup._step = hook  # type: ignore[assignment]
                try:
                    with self.assertRaises(KeyboardInterrupt):
                        rollup.rotate(work, cfg, now=NOW)
                finally:
                    rollup._step = orig  # type: ignore[assignment]
                # what a reader sees right after the crash: never more than the truth
                seen = per_day(work)
                for k, (b, p) in seen.items():
                    self.assertLessEqual(b, before[k][0], (step, k))
                recovery.recover(work, State())
                rollup.rotate(work, cfg, now=NOW)
                self.assertEqual(per_day(work), before, step)
                leftovers = [n for t in storefs.TIER_DIRS for n in os.listdir(os.path.join(work, t))
                             if n.endswith(".tmp")]
                self.assertEqual(leftovers, [])


class Compact(unittest.TestCase):
    def setUp(self) -> None:
        self.dir = tempfile.mkdtemp()
        self.store = os.path.join(self.dir, "s")
        make_history.generate(self.store, 5, 70, 11, 300, NOW, "iam", tiers.Retention(7, 30, None))

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
        frm, to = NOW - 50 * DAY + 3 * 3600 + 77, NOW - 2 * DAY + 1234
        plan = self.check(frm, to, "whole")
        self.assertEqual(plan.records_after, plan.counters)
        self.assertGreater(plan.bytes_before - plan.bytes_after, 0)
        recs = [r for r in storefs.read_store(self.store).records() if frm < r.end <= to]
        self.assertEqual(len(recs), plan.counters)

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
        self.assertIn("daily/2025.cta.gz", actions)
        self.assertTrue(all(a in ("rewrite", "create", "delete") for a in actions.values()))
        self.assertEqual(sum(f["records_in_range"] for f in s["files"]), s["records_before"])

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
            make_history.generate(store, 4, 20, 9, 300, now, "iam", tiers.Retention(30, 60, None))
            before = per_day(store)
            cfg = defaults()
            cfg.retention = tiers.Retention(1, 3, None)
            rollup.rotate(store, cfg, now=now)
            self.assertEqual(per_day(store), before)
            lengths = set()
            for f in storefs.list_files(store):
                if f.tier == "daily":
                    for r in storefs.read_store(store, [f]).records():
                        lengths.add(r.end - r.start)
            self.assertIn(23 * 3600, lengths)    # the short day
            if now > 1761436800:
                self.assertIn(25 * 3600, lengths)
