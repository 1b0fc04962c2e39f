# SPDX-License-Identifier: LGPL-2.1-or-later
"""The synthetic history generator: deterministic, readable, laid out by the retention policy."""

from __future__ import annotations

import os
import subprocess
import tempfile
import unittest

from test.helper.common import PYTHON, REPO
from cta import storefs, tiers
from cta.store import Record

TOOL = os.path.join(REPO, "test", "tools", "make-history.py")
NOW = 1763769600


def generate(store: str, seed: int, now: int = NOW, fmt: int = 1, days: int = 40) -> str:
    return subprocess.run([PYTHON, TOOL, "--store", store, "--counters", "12", "--days", str(days),
                           "--seed", str(seed), "--now", str(now), "--names", "iam", "--format", str(fmt),
                           "--hourly-days", "30"],
                          check=True, capture_output=True, text=True).stdout


def snapshot(store: str) -> dict[str, bytes]:
    out = {}
    for f in storefs.list_files(store):
        with open(os.path.join(store, f.rel), "rb") as fh:
            out[f.rel] = fh.read()
    return out


class MakeHistory(unittest.TestCase):
    def test_deterministic_and_valid(self) -> None:
        with tempfile.TemporaryDirectory() as d:
            a, b, c = (os.path.join(d, x) for x in "abc")
            generate(a, 7)
            generate(b, 7)
            generate(c, 8)
            self.assertEqual(snapshot(a), snapshot(b))
            self.assertNotEqual(snapshot(a), snapshot(c))
            view = storefs.read_store(a)
            self.assertEqual(view.corrupt, [])
            self.assertEqual(view.torn, 0)
            records = list(view.records())
            self.assertTrue(records)
            self.assertTrue(all(r.bytes > 0 or r.packets > 0 for r in records))
            names = {r.ident.name for r in records}
            self.assertIn("www", names)
            today = tiers.local_date(NOW)
            for f in storefs.list_files(a):
                if f.tier == "detail":
                    self.assertFalse(tiers.detail_expired(f, today, tiers.Retention(7, 30)), f.rel)
                    for r in storefs.read_store(a, [f]).records():
                        self.assertLessEqual(r.end - r.start, 300)
                if f.tier == "hourly":
                    for r in storefs.read_store(a, [f]).records():
                        self.assertEqual(r.end - r.start, 3600)
            self.assertTrue(any(f.tier == "hourly" for f in storefs.list_files(a)))
            # NOW is midnight: the last collection closed yesterday, today has no file yet
            self.assertEqual([f.rel for f in storefs.list_files(a) if not f.compressed], [])

    def test_layout_after_collect_and_rotate(self) -> None:
        import gzip
        with tempfile.TemporaryDirectory() as d:
            out = generate(d, 3, NOW + 12 * 3600)
            files = storefs.list_files(d)
            self.assertIn(f" {len(files)} files,", out)
            # everything is closed but today's detail file, which collect appends to
            self.assertEqual([f.rel for f in files if not f.compressed], [storefs.file_for("detail", NOW + 1).rel])
            for f in files:
                if f.compressed:
                    with open(os.path.join(d, f.rel), "rb") as fh:
                        text = gzip.decompress(fh.read())
                    self.assertTrue(text.startswith(f"#cta 1 {f.tier} ".encode()), f.rel)



class MakeHistoryV2(unittest.TestCase):
    def test_tiers_are_the_sums_of_the_finer_ones(self) -> None:
        """Every closed hour, day and month is one period block, the sums of the finer tier; the
        window reader's totals are the detail records' wherever detail is complete."""
        from cta import periods, window
        from cta.store import totals
        now = NOW + 14 * 3600 + 1200
        with tempfile.TemporaryDirectory() as d:
            generate(d, 4, now, 2, days=70)
            files = storefs.list_files(d)
            self.assertTrue(files)
            self.assertEqual({f.version for f in files}, {2})
            self.assertEqual(sorted(f.rel for f in files if not f.compressed),
                             sorted(periods.file_of(t, now + 1).rel for t in ("detail", "hourly", "daily", "monthly")))
            view = storefs.read_store(d)
            self.assertEqual((view.corrupt, view.torn), ([], 0))
            by_tier: dict[str, dict[tuple[int, int], dict[object, tuple[int, int]]]] = {}
            detail = []
            for pf in view.files:
                for blk in pf.blocks:
                    if pf.tier == "detail":
                        detail.extend(Record(blk.start, blk.end, pf.counters[c], b, p) for c, b, p in blk.rows)
                        continue
                    rows = by_tier.setdefault(pf.tier, {}).setdefault((blk.start, blk.end), {})
                    self.assertEqual(rows, {}, f"{pf.tier} {blk.start}: one block per period")
                    rows.update({pf.counters[c]: (b, p) for c, b, p in blk.rows})
            # every closed hour of the hourly days, every closed day, in order without gaps
            hours = sorted(by_tier["hourly"])
            self.assertEqual(hours, periods.periods("hourly", hours[0][0], hours[-1][1]))
            self.assertEqual(hours[-1][1], periods.hour_of(now)[0])
            days = sorted(by_tier["daily"])
            self.assertEqual(days, periods.periods("daily", days[0][0], days[-1][1]))
            self.assertEqual(len(days), 70)
            first_detail = min(r.end for r in detail)
            for (s, e), rows in by_tier["hourly"].items():
                if s >= first_detail:
                    self.assertEqual(rows, totals(detail, s, e), s)
            for fine, coarse in (("hourly", "daily"), ("daily", "monthly")):
                first = min(by_tier[fine])[0]
                for (s, e), rows in by_tier[coarse].items():
                    if s < first:
                        continue
                    want: dict[object, tuple[int, int]] = {}
                    for (fs, fe), frows in by_tier[fine].items():
                        if s < fe <= e:
                            for i, (b, p) in frows.items():
                                ob, op = want.get(i, (0, 0))
                                want[i] = (ob + b, op + p)
                    self.assertEqual(rows, want, (coarse, s))
            for a, b in ((first_detail - 1, now), (first_detail + 3600 * 30 + 17, now - 999),
                         (first_detail + 86400 * 2, first_detail + 86400 * 3)):
                self.assertEqual(window.read_window(d, a, b).totals, totals(detail, a, b), (a, b))

    def test_version1_store_on_request(self) -> None:
        with tempfile.TemporaryDirectory() as d:
            generate(d, 3, NOW + 12 * 3600, 1)
            self.assertEqual({f.version for f in storefs.list_files(d)}, {1})


if __name__ == "__main__":
    unittest.main()
