# SPDX-License-Identifier: LGPL-2.1-or-later
"""The store summary (summary.py) that `status` reads instead of the store: it says what a full
read says, writers keep it current, status costs no store read for files it knows, a huge junk
file costs status nothing, and damage that rotate or compact absorbs stays reported until an
admin dismisses it (issue 12, items 4 and 5)."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
import unittest

from test.helper.common import FIXTURES, run_helper
from test.helper.netlab import Lab, require_root
from cta import periods, status, storefs, summary, tiers
from cta.store import FileWriter, Identity, resolve

WWW = Identity("nft-rule", "inet", "filter", "input", 1, "www")
RULES = """
table inet acct {
    chain input {
        type filter hook input priority 0; policy accept;
        udp dport 5000 counter comment "udp5000"
    }
}
"""


def full_read(root: str) -> dict[str, object]:
    """What status reported before the summary: every file parsed."""
    parsed, errors = [], []
    for f in storefs.list_files(root):
        try:
            parsed.append(storefs.read_file(root, f))
        except Exception as e:                  # noqa: BLE001 (StoreError, as status reported it)
            errors.append(str(e))
    view = resolve(parsed)
    newest = max((b.end for pf in view.files for b in pf.blocks), default=None)
    oldest = min((b.start for pf in view.files for b in pf.blocks), default=None)
    return {"corrupt": sorted((c.file, c.line) for c in view.corrupt), "torn": view.torn,
            "superseded": sorted(pf.path for pf in view.ignored), "errors": sorted(errors),
            "oldest": oldest, "newest": newest}


def from_summary(rep: dict) -> dict[str, object]:
    return {"corrupt": sorted((c["file"], c["line"]) for c in rep["corrupt"]["lines"]), "torn": rep["torn"],
            "superseded": rep["superseded_files"], "errors": sorted(rep["errors"]),
            "oldest": rep["oldest"], "newest": rep["newest"]}


def day_start(days_ago: int) -> int:
    return storefs.local_midnight(*tiers.add_days(tiers.local_date(int(time.time())), -days_ago))


class Summary(unittest.TestCase):
    def setUp(self) -> None:
        self.dir = tempfile.mkdtemp()
        self.store = os.path.join(self.dir, "store")
        self.config = os.path.join(self.dir, "config.json")
        with open(self.config, "w") as f:
            json.dump({}, f)

    def tearDown(self) -> None:
        shutil.rmtree(self.dir)

    def status(self) -> dict:
        return json.loads(run_helper("status", "--json", "--store", self.store, "--config", self.config).stdout)

    def test_it_says_what_a_full_read_says_on_every_fixture(self) -> None:
        for name in sorted(os.listdir(FIXTURES)):
            with self.subTest(fixture=name):
                store = os.path.join(self.dir, name)
                shutil.copytree(os.path.join(FIXTURES, name), store, symlinks=True)
                want = full_read(store)
                doc = summary.empty()
                summary.refresh(doc, store, None)
                summary.save(store, doc)
                got = from_summary(status.store_summary(store))
                if want["errors"]:
                    self.assertEqual(got["errors"], want["errors"])
                else:
                    self.assertEqual(got, want)

    def plant_day(self, days_ago: int, corrupt: bool, start: int | None = None) -> str:
        """A version-2 detail file (of the day's first hour, or of `start`'s), and a state whose
        roll-up markers lie before it, so that writers roll it up as a collect would have."""
        step = 300 if start is None else 1
        start = day_start(days_ago) if start is None else start
        w = FileWriter("detail", None, 2)
        w.block(start, start + step, [(WWW, 100, 1)])
        text = w.text()
        if corrupt:
            text += f"i {start + step} {start + 2 * step} 1\n0 12x 1\n"      # a corrupt block
        storefs.ensure_store(self.store)
        rel = storefs.file_for("detail", start + 1, 2).rel
        with open(os.path.join(self.store, rel), "w") as f:
            f.write(text)
        now = int(time.time())
        first = day_start(40)
        with open(os.path.join(self.store, "state.json"), "w") as f:
            json.dump({"version": 3, "last_end": now, "busy": [[0, now]],
                       "rolled": {t: periods.period_of(t, first)[0] for t in periods.PERIOD_TIERS}}, f)
        return rel

    def test_damage_absorbed_by_rotate_stays_until_dismissed(self) -> None:
        rel = self.plant_day(20, corrupt=True)
        self.plant_day(21, corrupt=False)
        before = self.status()
        self.assertEqual(before["corrupt"]["count"], 1)
        self.assertEqual(before["damage"], [])
        run_helper("rotate", "--store", self.store, "--config", self.config)
        after = self.status()
        self.assertEqual(after["corrupt"]["count"], 0)            # the corrupt block is in no file now
        self.assertEqual(after["unchecked"], [])
        self.assertEqual([(d["file"], d["line"], d["by"]) for d in after["damage"]], [(rel, 6, "rotate")])
        # rotate again: still reported, once
        run_helper("rotate", "--store", self.store, "--config", self.config)
        self.assertEqual(len(self.status()["damage"]), 1)
        # dismissing up to an older id leaves it; up to its id removes it
        damage_id = after["damage"][0]["id"]
        run_helper("dismiss-damage", "--store", self.store, "--config", self.config, "--up-to", str(damage_id - 1))
        self.assertEqual(len(self.status()["damage"]), 1)
        out = json.loads(run_helper("dismiss-damage", "--json", "--store", self.store, "--config", self.config,
                                    "--up-to", str(damage_id)).stdout)
        self.assertEqual(out, {"dismissed": 1})
        self.assertEqual(self.status()["damage"], [])

    def test_damage_absorbed_by_compact(self) -> None:
        rel = self.plant_day(2, corrupt=True)
        start = day_start(2)
        run_helper("compact", "--store", self.store, "--config", self.config, "--from", str(start - 1),
                   "--to", str(start + 86400), "--resolution", "day")
        rep = self.status()
        self.assertEqual(rep["corrupt"]["count"], 0)
        self.assertEqual([(d["file"], d["line"], d["by"]) for d in rep["damage"]], [(rel, 6, "compact")])

    def test_a_huge_junk_file_costs_status_nothing(self) -> None:
        self.plant_day(0, corrupt=False)
        run_helper("rotate", "--store", self.store, "--config", self.config)
        detail = sum(os.path.getsize(os.path.join(self.store, f.rel)) for f in storefs.list_files(self.store, ("detail",)))
        junk = os.path.join(self.store, "detail", "2020-01-01T00.cta")
        with open(junk, "wb") as f:
            f.truncate(300 * 1024 * 1024)                         # sparse: 300 MB of zero bytes
        t = time.monotonic()
        rep = self.status()
        took = time.monotonic() - t
        self.assertEqual(rep["unchecked"], [{"file": "detail/2020-01-01T00.cta", "size": 300 * 1024 * 1024}])
        self.assertEqual(rep["tiers"]["detail"]["bytes"], 300 * 1024 * 1024 + detail)
        print(f"\nstatus with a 300 MB junk file: {took:.2f} s", end=" ")

    def test_status_uses_the_summary_not_the_file(self) -> None:
        # the current hour's: rotate leaves it plain
        rel = self.plant_day(0, corrupt=True, start=periods.hour_of(int(time.time()) - 2)[0])
        run_helper("rotate", "--store", self.store, "--config", self.config)
        self.assertEqual(self.status()["corrupt"]["count"], 1)
        # the same bytes count, the same size and times, another content: status does not read it
        path = os.path.join(self.store, rel)
        st = os.stat(path)
        with open(path, "r+b") as f:
            data = f.read()
            f.seek(0)
            f.write(data.replace(b"12x", b"123"))
        os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
        self.assertEqual(self.status()["corrupt"]["count"], 1)
        # a change that a writer makes is seen: collect-style append changes the size
        with open(path, "ab") as f:
            f.write(b"# a comment\n")
        self.assertEqual(self.status()["corrupt"]["count"], 0)


class KeptByCollect(unittest.TestCase):
    """collect keeps its file's entry current without a parse: status then reads no file."""

    def setUp(self) -> None:
        require_root(self)
        self.lab = Lab()
        try:
            self.lab.start()
            self.lab.nft_b(RULES)
        except BaseException:
            self.lab.close()
            raise

    def tearDown(self) -> None:
        self.lab.close()

    def test_collects_keep_the_summary_current(self) -> None:
        lab = self.lab
        lab.collect()
        for n in range(3):
            lab.send(3 + n, 100)
            lab.collect()
        rep = json.loads(run_helper("status", "--json", "--store", lab.store, "--config", lab.config).stdout)
        self.assertEqual(rep["unchecked"], [])
        self.assertEqual(rep["tiers"]["detail"]["newest"], rep["last_collection"])
        self.assertEqual(from_summary(rep), full_read(lab.store))
        doc = summary.load(lab.store)
        self.assertEqual(len(doc["files"]), 1)
        # the entry was kept by collect, not re-checked: a check from scratch gives the same
        entry = next(iter(doc["files"].values()))
        fresh = summary.empty()
        summary.refresh(fresh, lab.store, None)
        self.assertEqual(next(iter(fresh["files"].values())), entry)


if __name__ == "__main__":
    unittest.main()
