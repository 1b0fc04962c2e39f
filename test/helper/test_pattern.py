# SPDX-License-Identifier: LGPL-2.1-or-later
"""Patterns on rule names (helper/cta/pattern.py): the shared fixtures of test/fixtures/patterns/
(the page's test/engine/pattern.test.ts runs the same), and their meaning next to Python's re."""

from __future__ import annotations

import json
import os
import re
import unittest

import test.helper.common  # noqa: F401  (puts helper/ on the path)
from cta.pattern import PatternError, compile_pattern

CASES = os.path.join(os.path.dirname(__file__), "..", "fixtures", "patterns", "cases.json")


class SharedFixtures(unittest.TestCase):
    def test_every_case(self) -> None:
        with open(CASES, encoding="utf-8") as f:
            cases = json.load(f)["cases"]
        self.assertGreater(len(cases), 60)
        for c in cases:
            with self.subTest(pattern=c["pattern"][:60]):
                if c["error"] is not None:
                    with self.assertRaises(PatternError) as cm:
                        compile_pattern(c["pattern"])
                    self.assertEqual(str(cm.exception), c["error"])
                    continue
                p = compile_pattern(c["pattern"], c["case_insensitive"])
                for name in c["match"]:
                    self.assertTrue(p.search(name), name)
                for name in c["no_match"]:
                    self.assertFalse(p.search(name), name[:60])
                if c["regexp"]:
                    # the same meaning as Python's re, where both are defined alike
                    r = re.compile(c["pattern"], re.IGNORECASE if c["case_insensitive"] else 0)
                    for name in c["match"] + c["no_match"]:
                        if len(name) < 30 and "\n" not in name:     # re's $ also matches before a final newline
                            self.assertEqual(r.search(name) is not None, p.search(name), name)

if __name__ == "__main__":
    unittest.main()
