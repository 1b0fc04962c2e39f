# SPDX-License-Identifier: LGPL-2.1-or-later
"""The Python reader against the shared fixture stores (the TypeScript engine reads them too)."""

from __future__ import annotations

import json
import os
import unittest

from test.helper.common import FIXTURES
from cta import storefs, window
from cta.store import StoreError


class FixtureStores(unittest.TestCase):
    def test_fixture_set_is_complete(self) -> None:
        names = set(os.listdir(FIXTURES))
        for required in ("plain", "bigvalues", "hostile-names", "torn-line", "torn-block", "corrupt",
                         "superseded", "same-name", "unknown-version", "compressed", "damaged-gzip",
                         "interrupted-creation"):
            self.assertIn(required, names)

    def test_every_fixture(self) -> None:
        for name in sorted(os.listdir(FIXTURES)):
            with self.subTest(fixture=name):
                root = os.path.join(FIXTURES, name)
                with open(os.path.join(root, "expected.json"), encoding="utf-8") as f:
                    expected = json.load(f)
                if expected["error"] is not None:
                    with self.assertRaises(StoreError) as cm:
                        storefs.read_store(root)
                    self.assertIn(expected["error"], str(cm.exception))
                    continue
                view = storefs.read_store(root)
                self.assertEqual(view.torn, expected["torn"])
                got_corrupt = sorted((c.file, c.line) for c in view.corrupt)
                want_corrupt = sorted((c["file"], c["line"]) for c in expected["corrupt"])
                self.assertEqual(got_corrupt, want_corrupt)
                # version 2's tiers overlap: totals come from the window reader, which counts
                # each period once (version-1 files as version 1 counts them)
                for w in expected["windows"]:
                    got = {ident.key(): {"bytes": str(b), "packets": str(p)}
                           for ident, (b, p) in window.totals(root, w["from"], w["to"]).items()}
                    self.assertEqual(got, w["totals"], f"window {w['from']}..{w['to']}")


if __name__ == "__main__":
    unittest.main()
