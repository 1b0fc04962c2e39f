# SPDX-License-Identifier: LGPL-2.1-or-later
"""notes.json: a repeated run replaces its own notes; other runs' notes stay, whatever they name."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import unittest

from test.helper import common  # noqa: F401  (import path)
from cta import notes


class Notes(unittest.TestCase):
    def setUp(self) -> None:
        self.root = tempfile.mkdtemp()

    def tearDown(self) -> None:
        shutil.rmtree(self.root)

    def test_two_runs_with_the_same_start_of_what_they_did_not_count(self) -> None:
        # two rules unidentified since the same time, identified by two different collections
        notes.add(self.root, [notes.make(1300, 1000, 1600, "not identified before", ["a"])])
        notes.add(self.root, [notes.make(1600, 1000, 1900, "not identified before", ["b"])])
        self.assertEqual([n["counters"] for n in notes.load(self.root)["notes"]], [["a"], ["b"]])

    def test_a_repeated_run_replaces_its_notes(self) -> None:
        notes.add(self.root, [notes.make(1300, 1300, 1600, "gone", ["a"])])
        notes.add(self.root, [notes.make(1300, 1300, 1602, "gone", ["a"])])      # killed, run again
        self.assertEqual([n["end"] for n in notes.load(self.root)["notes"]], [1602])

    def test_the_newest_are_kept_and_the_rest_counted(self) -> None:
        for run in range(notes.KEEP + 5):
            notes.add(self.root, [notes.make(run, run, run + 1, "r", [])])
        doc = notes.load(self.root)
        self.assertEqual((len(doc["notes"]), doc["dropped"], doc["notes"][0]["run"]), (notes.KEEP, 5, 5))

    def test_a_damaged_file_is_started_again_and_says_so(self) -> None:
        with open(os.path.join(self.root, notes.FILE), "w") as f:
            f.write("{not json")
        notes.add(self.root, [notes.make(1, 1, 2, "r", [])])
        with open(os.path.join(self.root, notes.FILE)) as f:
            reasons = [n["reason"] for n in json.load(f)["notes"]]
        self.assertIn("unreadable", reasons[0])
        self.assertEqual(reasons[1], "r")


if __name__ == "__main__":
    unittest.main()
