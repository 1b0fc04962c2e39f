# SPDX-License-Identifier: LGPL-2.1-or-later
"""What a writer repairs first: orphan blocks after state.last_end, torn tails, journals."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import unittest

from test.helper import common  # noqa: F401  (import path)
from cta import recovery, storefs
from cta.state import DetailCache, State
from cta.store import Identity, block_text, counter_line, header_line

T = 1763683200
WWW = Identity("nft-rule", "inet", "filter", "input", 1, "www")
MAIL = Identity("nft-counter", "inet", "acct", "", 1, "mail")
FID = "0123456789abcdef"


class Orphans(unittest.TestCase):
    def setUp(self) -> None:
        self.root = tempfile.mkdtemp()
        storefs.ensure_store(self.root)
        self.rel = storefs.file_for("detail", T + 600).rel
        self.path = os.path.join(self.root, self.rel)
        self.good = (header_line("detail", FID) + counter_line(0, WWW) + block_text(T, T + 300, [(0, 10, 1)])
                     + block_text(T + 300, T + 600, [(0, 20, 2)]))

    def tearDown(self) -> None:
        shutil.rmtree(self.root)

    def write(self, text: str) -> None:
        with open(self.path, "w") as f:
            f.write(text)

    def content(self) -> str:
        with open(self.path) as f:
            return f.read()

    def test_orphan_block_with_its_counter_lines(self) -> None:
        self.write(self.good + counter_line(1, MAIL) + block_text(T + 600, T + 900, [(0, 5, 1), (1, 7, 1)]))
        fixed = recovery.truncate_orphans(self.root, State(last_end=T + 600))
        self.assertEqual(fixed, [self.rel])
        # the new counter's c line may stay (harmless); the block is gone
        self.assertEqual(self.content(), self.good + counter_line(1, MAIL))

    def test_torn_line_and_torn_block(self) -> None:
        for tail in ("0 5", "i 1763683800 1763684100 2\n0 5 1\n", "i 1763683800 1763684100 2\n0 5 1\n1 7"):
            with self.subTest(tail=tail):
                self.write(self.good + tail)
                recovery.truncate_orphans(self.root, State(last_end=T + 600))
                self.assertEqual(self.content(), self.good)

    def test_clean_file_is_untouched(self) -> None:
        self.write(self.good)
        self.assertEqual(recovery.truncate_orphans(self.root, State(last_end=T + 600)), [])
        self.assertEqual(self.content(), self.good)

    def test_cache_says_unchanged(self) -> None:
        # the state records the size and id the file had after the last append: a file that
        # still has them is trusted without being read (here, deliberately, with a late block)
        text = self.good + block_text(T + 600, T + 900, [(0, 5, 1)])
        self.write(text)
        st = State(last_end=T + 600)
        st.detail = DetailCache(self.rel, FID, len(text.encode()), {WWW.key(): 0})
        self.assertEqual(recovery.truncate_orphans(self.root, st), [])
        self.assertEqual(self.content(), text)
        st.detail = DetailCache(self.rel, FID, len(self.good.encode()), {WWW.key(): 0})
        self.assertEqual(recovery.truncate_orphans(self.root, st), [self.rel])
        self.assertEqual(self.content(), self.good)

    def test_no_state_no_truncation(self) -> None:
        self.write(self.good + block_text(T + 600, T + 900, [(0, 5, 1)]))
        self.assertEqual(recovery.truncate_orphans(self.root, State()), [])


class Journal(unittest.TestCase):
    def setUp(self) -> None:
        self.root = tempfile.mkdtemp()
        storefs.ensure_store(self.root)

    def tearDown(self) -> None:
        shutil.rmtree(self.root)

    def test_uncommitted_temporaries_are_removed(self) -> None:
        tmp = os.path.join(self.root, "daily", "2025.cta.tmp")
        with open(tmp, "w") as f:
            f.write("partial")
        self.assertTrue(recovery.finish_journal(self.root))
        self.assertFalse(os.path.exists(tmp))

    def test_committed_transaction_is_rolled_forward(self) -> None:
        with open(os.path.join(self.root, "daily", "2025.cta.tmp"), "w") as f:
            f.write("new daily\n")
        with open(os.path.join(self.root, "detail", "2025-11-01.cta"), "w") as f:
            f.write("absorbed\n")
        with open(os.path.join(self.root, "daily", "2025.cta"), "w") as f:
            f.write("old daily\n")
        with open(os.path.join(self.root, "txn.json"), "w") as f:
            json.dump({"version": 1, "renames": [["daily/2025.cta.tmp", "daily/2025.cta"]],
                       "delete": ["detail/2025-11-01.cta"]}, f)
        self.assertTrue(recovery.finish_journal(self.root))
        with open(os.path.join(self.root, "daily", "2025.cta")) as f:
            self.assertEqual(f.read(), "new daily\n")
        self.assertEqual(os.listdir(os.path.join(self.root, "detail")), [])
        self.assertFalse(os.path.exists(os.path.join(self.root, "txn.json")))
        self.assertFalse(recovery.finish_journal(self.root))


if __name__ == "__main__":
    unittest.main()


class StateFile(unittest.TestCase):
    def test_round_trip_and_version_1(self) -> None:
        from cta import state as statemod
        with tempfile.TemporaryDirectory() as root:
            st = State(last_end=T, collected=["nft-rule"])
            st.counters[WWW.key()] = statemod.CounterState(2 ** 64 - 1, 2 ** 63 + 1, "4/1/5", "b1")
            st.prometheus[WWW.key()] = (2 ** 70, 3, T)
            statemod.save(root, st)
            back = statemod.load(root)
            self.assertEqual((back.last_end, back.collected, back.counters, back.prometheus),
                             (st.last_end, st.collected, st.counters, st.prometheus))
            with open(os.path.join(root, "state.json"), "w") as f:
                json.dump({"version": 1, "last_end": T, "collected": ["nft-rule"],
                           "counters": {WWW.key(): {"bytes": 5, "packets": 1, "handle": "h", "boot": "b"}},
                           "prometheus": {WWW.key(): [5, 1]}}, f)
            old = statemod.load(root)
            self.assertEqual(old.counters[WWW.key()], statemod.CounterState(5, 1, "h", "b"))
            self.assertEqual(old.prometheus[WWW.key()], (5, 1, 0))
            with open(os.path.join(root, "state.json"), "w") as f:
                f.write('{"version": 9}')
            with self.assertRaises(statemod.StateError):
                statemod.load(root)
