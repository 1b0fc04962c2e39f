# SPDX-License-Identifier: LGPL-2.1-or-later
"""The synthetic history generator: deterministic, readable, laid out by the retention policy."""

from __future__ import annotations

import os
import subprocess
import tempfile
import unittest

from test.helper.common import PYTHON, REPO
from cta import storefs, tiers

TOOL = os.path.join(REPO, "test", "tools", "make-history.py")
NOW = 1763769600


def generate(store: str, seed: int, now: int = NOW) -> str:
    return subprocess.run([PYTHON, TOOL, "--store", store, "--counters", "12", "--days", "40",
                           "--seed", str(seed), "--now", str(now), "--names", "iam"],
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
                    self.assertFalse(tiers.detail_expired(f, today, tiers.Retention()), f.rel)
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


if __name__ == "__main__":
    unittest.main()
