# SPDX-License-Identifier: LGPL-2.1-or-later
"""Migration from store format 1 (helper/cta/migrate.py): the first writer upgrades a version-1
store in one transaction; a kill anywhere leaves a store that reads never more than before and
the same once the next writer ran; `status --json` says the format versions."""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
import tempfile
import time
import unittest

from test.helper.common import PYTHON, REPO, run_helper
from cta import migrate, periods, state as statemod, storefs, window
from cta.store import FileWriter, Identity

DAY = 86400


def make_v1(store: str, now: int) -> None:
    subprocess.run([PYTHON, os.path.join(REPO, "test", "tools", "make-history.py"), "--store", store,
                    "--counters", "5", "--days", "60", "--seed", "9", "--now", str(now), "--names", "iam",
                    "--detail-days", "5", "--hourly-days", "25", "--format", "1"], check=True, capture_output=True)


class Migration(unittest.TestCase):
    def setUp(self) -> None:
        self.dir = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, self.dir)
        self.now = int(time.time()) // 300 * 300
        self.store = os.path.join(self.dir, "store")
        make_v1(self.store, self.now)
        self.config = os.path.join(self.dir, "config.json")
        with open(self.config, "w") as f:
            json.dump({"retention": {"detail_days": 30, "hourly_days": 100}}, f)

    def windows(self) -> list[tuple[int, int]]:
        """Windows whose edges a version-1 and a version-2 reader resolve alike: any edge in the
        detail days, hour boundaries in the hourly days, midnights before."""
        rng = random.Random(4)
        out = [(0, 2 ** 40)]
        for _ in range(40):
            a = rng.choice((periods.day_of(self.now - rng.randrange(0, 60 * DAY))[0],
                            periods.hour_of(self.now - rng.randrange(0, 25 * DAY))[0],
                            self.now - rng.randrange(0, 4 * DAY)))
            b = rng.choice((a + rng.randrange(0, 4 * DAY), self.now, periods.day_of(a + rng.randrange(0, 40 * DAY))[0]))
            out.append((a, max(a, b)))
        return out

    def totals(self, store: str) -> list[dict[Identity, tuple[int, int]]]:
        return [window.read_window(store, a, b).totals for a, b in self.windows()]

    def test_in_place_with_the_same_totals(self) -> None:
        before = self.totals(self.store)
        ids = {storefs.read_file(self.store, f).file_id for f in storefs.list_files(self.store)}
        st = statemod.State(last_end=self.now)
        written = migrate.migrate(self.store, st)
        self.assertTrue(written)
        files = storefs.list_files(self.store)
        self.assertEqual({f.version for f in files}, {2})
        self.assertEqual(self.totals(self.store), before)
        for f in files:
            self.assertEqual(set(storefs.read_file(self.store, f).supersedes), ids, f.rel)
        # every closed period rolled up, once; the markers at the period of the last collection
        for tier in periods.PERIOD_TIERS:
            self.assertEqual(st.rolled[tier], periods.period_of(tier, self.now)[0])
        hourly = [(b.start, b.end) for pf in storefs.read_store(self.store).files if pf.tier == "hourly"
                  for b in pf.blocks]
        self.assertEqual(len(hourly), len(set(hourly)))
        self.assertEqual(migrate.migrate(self.store, st), [])          # nothing left to do
        # the summary was kept: status reads no file, and says the version
        from cta import status
        rep = status.store_summary(self.store)
        self.assertEqual((rep["unchecked"], rep["format_versions"]), ([], [2]))
        self.assertGreaterEqual(rep["tiers"]["monthly"]["files"], 1)

    def test_without_a_state_the_upgraded_days_still_get_their_blocks(self) -> None:
        """A version-1 store without state.json (copied to a new host): the markers follow what
        the upgrade rolled up, so the first collections roll up the rest, none is skipped."""
        last = max(b.end for pf in storefs.read_store(self.store).files for b in pf.blocks)
        st = statemod.State()
        migrate.migrate(self.store, st)
        for tier in periods.PERIOD_TIERS:
            self.assertEqual(st.rolled[tier], periods.period_of(tier, last)[0])
        self.assertEqual(statemod.load(self.store).rolled, st.rolled)
        run_helper("collect", "--store", self.store, "--config", self.config)
        days = {(b.start, b.end) for pf in storefs.read_store(self.store).files if pf.tier == "daily"
                for b in pf.blocks}
        # every day of the detail records has its daily block (the last one too, now closed)
        detail_days = {periods.period_of_end("daily", b.end) for pf in storefs.read_store(self.store).files
                       if pf.tier == "detail" for b in pf.blocks if b.end <= periods.day_of(self.now)[0]}
        self.assertTrue(detail_days)
        self.assertLessEqual(detail_days, days)

    def test_a_compacted_whole_record_goes_to_whole(self) -> None:
        ident = Identity("nft-counter", "inet", "acct", "", 1, "old")
        w = FileWriter("daily", "%016x" % 77)
        start, end = self.now - 200 * DAY, self.now - 150 * DAY
        w.block(start, end, [(ident, 123456789, 1000)])
        storefs.replace_file(os.path.join(self.store, storefs.file_for("daily", end).rel), w.text().encode())
        before = self.totals(self.store)
        migrate.migrate(self.store, statemod.State(last_end=self.now))
        self.assertEqual(self.totals(self.store), before)
        whole = [(b.start, b.end) for pf in storefs.read_store(self.store).files if pf.tier == "whole"
                 for b in pf.blocks]
        self.assertEqual(whole, [(start, end)])

    def test_killed_between_renames_reads_less_never_more_then_finishes(self) -> None:
        before = self.totals(self.store)
        status = json.loads(run_helper("status", "--json", "--store", self.store, "--config", self.config).stdout)
        self.assertEqual(status["format_versions"], [1])
        for spec in ("migrate-read:1", "tmp-written:3", "committed:1", "renamed:1", "renamed:7", "deleted:2"):
            work = os.path.join(self.dir, spec.replace(":", "-"))
            shutil.copytree(self.store, work)
            p = run_helper("rotate", "--store", work, "--config", self.config, env={"CTA_TEST_KILL_AT": spec},
                           check=False)
            self.assertEqual(p.returncode, -signal.SIGKILL, f"{spec}: {p.stderr}")
            mid = self.totals(work)
            for got, want in zip(mid, before):
                for ident, (b, pk) in got.items():
                    self.assertLessEqual(b, want[ident][0], spec)
            if spec.startswith(("migrate-read", "tmp-written", "committed", "deleted")):
                self.assertEqual(mid, before, spec)    # before the renames, and after them all
            if spec.startswith("renamed"):
                status = json.loads(run_helper("status", "--json", "--store", work, "--config", self.config).stdout)
                self.assertEqual(status["format_versions"], [1, 2])
                self.assertTrue(status["transaction_pending"])
            run_helper("rotate", "--store", work, "--config", self.config)
            self.assertEqual(self.totals(work), before, spec)
            self.assertEqual({f.version for f in storefs.list_files(work)}, {2}, spec)
            status = json.loads(run_helper("status", "--json", "--store", work, "--config", self.config).stdout)
            self.assertEqual(status["format_versions"], [2])
            self.assertEqual([n for n in os.listdir(work) if n.endswith(".tmp") or n == "txn.json"], [])


if __name__ == "__main__":
    unittest.main()
