# SPDX-License-Identifier: LGPL-2.1-or-later
"""Crash safety for real: SIGKILL the helper at many points of collect, rotate and compact,
and of the closing of finished days (their compression) in collect and rotate; collect and
compact at once; a full disk. Totals must still equal the reference, with no interval counted
twice, and a failed write must leave the store byte for byte as it was."""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
import tempfile
import threading
import time
import unittest

from test.helper.common import HELPER, PYTHON, REPO, run_helper
from test.helper.netlab import Lab, intervals, require_root, stored_totals
from cta import periods, storefs, tiers, window
from cta.store import FileWriter, Identity

RULES = """
table inet acct {
    counter web { }
    chain input {
        type filter hook input priority 0; policy accept;
        udp dport 5000 counter name "web"
        udp dport 5000 counter comment "udp5000"
    }
}
"""
KEYS = ["nft-counter inet acct - 1 web", "nft-rule inet acct input 1 udp5000"]
DAY = 86400


def snapshot(root: str) -> dict[str, bytes]:
    """Every file of a store and its bytes (the empty lock file every writer creates aside, and
    the summary: a cache that rotate may update with the damage it is about to absorb)."""
    out = {}
    for d, _, files in os.walk(root):
        for name in files:
            if name in ("lock", "summary.json") and d == root:
                continue
            p = os.path.join(d, name)
            with open(p, "rb") as f:
                out[os.path.relpath(p, root)] = f.read()
    return out


def per_day(root: str) -> dict[tuple[str, int], tuple[int, int]]:
    """Each counter's total per local day, by the window reader (version 1, 2 or a mix)."""
    days = {tiers.day_bucket(r.end) for r in storefs.read_store(root).records()}
    out: dict[tuple[str, int], tuple[int, int]] = {}
    for d in sorted(days):
        for ident, bp in window.read_window(root, d, periods.day_of(d)[1]).totals.items():
            out[(ident.key(), d)] = bp
    return out


def make_history(store: str, now: int, detail_days: int, hourly_days: int, days: int = 70, fmt: int = 1) -> None:
    subprocess.run([PYTHON, os.path.join(REPO, "test", "tools", "make-history.py"), "--store", store,
                    "--counters", "6", "--days", str(days), "--seed", "5", "--now", str(now),
                    "--names", "iam", "--detail-days", str(detail_days), "--hourly-days", str(hourly_days),
                    "--format", str(fmt)],
                   check=True, capture_output=True)


def archived(k: int) -> Identity:
    return Identity("nft-counter", "inet", "old", "", 1, f"archived-{k}")


def plant_day(store: str, days_ago: int, seed: int, blocks: int = 40, counters: int = 1
              ) -> dict[str, tuple[int, int]]:
    """The plain detail files (one per hour) of a finished day's first `blocks` collections, as
    collect left them: returns their totals."""
    start = storefs.local_midnight(*tiers.add_days(tiers.local_date(int(time.time())), -days_ago))
    rng = random.Random(seed)
    writers: dict[str, FileWriter] = {}
    out: dict[str, tuple[int, int]] = {}
    for k in range(blocks):
        rows = []
        for c in range(counters):
            b, p = rng.randint(1, 10 ** 12), rng.randint(1, 10 ** 9)
            rows.append((archived(c), b, p))
            ob, op = out.get(archived(c).key(), (0, 0))
            out[archived(c).key()] = (ob + b, op + p)
        end = start + (k + 1) * 300
        rel = storefs.file_for("detail", end, 2).rel
        w = writers.get(rel) or writers.setdefault(rel, FileWriter("detail", "%016x" % rng.getrandbits(64), 2))
        w.block(end - 300, end, rows)
    storefs.ensure_store(store)
    for rel, w in writers.items():
        with open(os.path.join(store, rel), "wb") as f:
            f.write(w.text().encode())
    return out


def subset(got: dict[str, tuple[int, int]], want: dict[str, tuple[int, int]]) -> dict[str, tuple[int, int]]:
    return {k: got.get(k, (0, 0)) for k in want}


def open_all(store: str) -> None:
    """Make every compressed file of a store plain again: a store of an earlier version, or
    one whose collect did not run since midnight, for rotate's closing to do."""
    for f in storefs.list_files(store):
        if f.compressed:
            path = os.path.join(store, f.rel)
            with open(path, "rb") as fh:
                data = storefs.gunzip(fh.read(), f.rel)
            with open(os.path.join(store, f.plain().rel), "wb") as fh:
                fh.write(data)
            os.unlink(path)


def killed(args: list[str], point: str) -> subprocess.CompletedProcess[str]:
    return run_helper(*args, env={"CTA_TEST_KILL_AT": point}, check=False)


class CollectKills(unittest.TestCase):
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

    def test_kill_collect_at_every_step_and_at_random_times(self) -> None:
        lab = self.lab
        t = time.monotonic()
        lab.collect()
        duration = time.monotonic() - t - 1.05          # collect() sleeps 1.05 s first
        ref0 = lab.reference()
        rng = random.Random(20251121)
        points = ["recovered:1", "read:1", "appended:1", "state-saved:1"] * 2
        for spec in points:
            lab.send(rng.randint(1, 40), rng.randint(1, 1400))
            proc = lab.collect(env={"CTA_TEST_KILL_AT": spec}, check=False)
            self.assertEqual(proc.returncode, -signal.SIGKILL, f"{spec}: {proc.stderr}")
        kills = 0
        for _ in range(14):
            lab.send(rng.randint(1, 40), rng.randint(1, 1400))
            time.sleep(1.05)
            p = subprocess.Popen(["ip", "netns", "exec", lab.b, PYTHON, HELPER, "collect", "--store", lab.store,
                                  "--config", lab.config], env={**os.environ, "CTA_BOOT_ID_FILE": lab.boot_file},
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            time.sleep(rng.uniform(0.0, duration))   # somewhere inside a run
            p.send_signal(signal.SIGKILL)
            if p.wait() == -signal.SIGKILL:
                kills += 1
            # what a reader sees right now never exceeds the reference
            got = stored_totals(lab.store)
            ref = lab.reference()
            for key in KEYS:
                self.assertLessEqual(got.get(key, (0, 0))[0], ref[0] - ref0[0])
        self.assertGreater(kills, 0)
        lab.send(3, 100)
        lab.collect()
        ref = lab.reference()
        got = stored_totals(lab.store)
        for key in KEYS:
            self.assertEqual(got[key], (ref[0] - ref0[0], ref[1] - ref0[1]), key)
        ivs = intervals(lab.store)
        self.assertEqual(len(ivs), len(set(ivs)), "an interval was written twice")
        for (s1, e1), (s2, e2) in zip(ivs, ivs[1:]):
            self.assertLessEqual(e1, s2)

    def test_kill_collect_while_closing_a_day(self) -> None:
        lab = self.lab
        lab.collect()
        ref0 = lab.reference()
        rng = random.Random(20251122)
        planted: dict[str, tuple[int, int]] = {}
        specs = ["close-written:1", "close-renamed:1", "close-unlinked:1", "close-written:1", "close-renamed:1"]
        planted_files: set[str] = set()
        for n, spec in enumerate(specs):
            for key, (b, p) in plant_day(lab.store, 2 + n, seed=n, counters=2).items():
                pb, pp = planted.get(key, (0, 0))
                planted[key] = (pb + b, pp + p)
            planted_files |= {f.rel for f in storefs.list_files(lab.store, ("detail",))
                              if not f.compressed and f.period()[1] < int(time.time()) - DAY}
            lab.send(rng.randint(1, 40), rng.randint(1, 1400))
            proc = lab.collect(env={"CTA_TEST_KILL_AT": spec}, check=False)
            self.assertEqual(proc.returncode, -signal.SIGKILL, f"{spec}: {proc.stderr}")
            # a reader right after the kill: every planted day counted once, never twice
            self.assertEqual(subset(stored_totals(lab.store), planted), planted, spec)
        lab.send(3, 100)
        out = json.loads(lab.collect().stdout)
        ref = lab.reference()
        got = stored_totals(lab.store)
        for key in KEYS:
            self.assertEqual(got[key], (ref[0] - ref0[0], ref[1] - ref0[1]), key)
        self.assertEqual(subset(got, planted), planted)
        ivs = intervals(lab.store)
        self.assertEqual(len(ivs), len(set(ivs)), "an interval was written twice")
        for (s1, e1), (s2, e2) in zip(ivs, ivs[1:]):
            self.assertLessEqual(e1, s2)
        # what the kills left is finished: the files killed before their rename are closed now
        self.assertEqual(len(out["closed"]), 2)
        self.assertLessEqual(set(out["closed"]), planted_files)
        files = storefs.list_files(lab.store)
        self.assertEqual([f.rel for f in files if f.tier == "detail" and f.version == 1 and not f.compressed], [])
        self.assertEqual(storefs.read_store(lab.store).ignored, [])
        self.assertEqual([n for n in snapshot(lab.store) if n.endswith(".tmp")], [])

    def test_kill_collect_while_rolling_up(self) -> None:
        """Hours that closed while collect did not run (planted: their detail files, the
        state's hourly marker set back) are rolled up once, whichever step the kills hit."""
        lab = self.lab
        lab.collect()
        ref0 = lab.reference()
        hour = periods.hour_of(int(time.time()))[0]
        rng = random.Random(20251202)
        planted: dict[str, tuple[int, int]] = {}
        for k in range(1, 6):
            s = hour - k * 3600 + 60
            w = FileWriter("detail", "%016x" % rng.getrandbits(64), 2)
            rows = [(archived(c), rng.randint(1, 10 ** 9), rng.randint(1, 999)) for c in range(2)]
            w.block(s, s + 600, rows)
            for ident, b, p in rows:
                pb, pp = planted.get(ident.key(), (0, 0))
                planted[ident.key()] = (pb + b, pp + p)
            with open(os.path.join(lab.store, storefs.file_for("detail", s + 600, 2).rel), "wb") as fh:
                fh.write(w.text().encode())
        path = os.path.join(lab.store, "state.json")
        with open(path) as fh:
            st = json.load(fh)
        st["rolled"]["hourly"] = hour - 5 * 3600
        with open(path, "w") as fh:
            json.dump(st, fh)
        for spec in ["period-appended:1", "period-appended:1", "rolled-saved:1"]:
            lab.send(rng.randint(1, 40), rng.randint(1, 1400))
            proc = lab.collect(env={"CTA_TEST_KILL_AT": spec}, check=False)
            self.assertEqual(proc.returncode, -signal.SIGKILL, f"{spec}: {proc.stderr}")
            self.assertEqual(subset(stored_totals(lab.store), planted), planted, spec)
        lab.send(3, 100)
        lab.collect()
        ref = lab.reference()
        got = stored_totals(lab.store)                  # checks the window reader against detail
        for key in KEYS:
            self.assertEqual(got[key], (ref[0] - ref0[0], ref[1] - ref0[1]), key)
        self.assertEqual(subset(got, planted), planted)
        hourly = [(b.start, b.end) for pf in storefs.read_store(lab.store).files if pf.tier == "hourly"
                  for b in pf.blocks]
        self.assertEqual(len(hourly), len(set(hourly)), "a period was rolled up twice")
        for k in range(1, 6):
            self.assertIn((hour - k * 3600, hour - k * 3600 + 3600), hourly)

    def test_collect_and_compact_at_once(self) -> None:
        lab = self.lab
        lab.collect()
        ref0 = lab.reference()
        errors: list[str] = []
        stop = threading.Event()

        def compactor() -> None:
            while not stop.is_set():
                p = run_helper("compact", "--store", lab.store, "--config", lab.config, "--from", "1",
                               "--to", str(int(time.time())), "--resolution", "whole", check=False)
                if p.returncode != 0:
                    errors.append(p.stderr)
                time.sleep(0.05)

        t = threading.Thread(target=compactor)
        t.start()
        try:
            for k in range(6):
                lab.send(10 + k, 300)
                lab.collect()
        finally:
            stop.set()
            t.join()
        self.assertEqual(errors, [])
        ref = lab.reference()
        got = stored_totals(lab.store)
        for key in KEYS:
            self.assertEqual(got[key], (ref[0] - ref0[0], ref[1] - ref0[1]), key)
        view = storefs.read_store(lab.store)
        self.assertEqual((view.corrupt, view.torn, view.ignored), ([], 0, []))


class RollupKills(unittest.TestCase):
    """No root needed: synthetic stores, SIGKILL at each step of a transaction and at random."""

    def setUp(self) -> None:
        self.dir = tempfile.mkdtemp()
        self.now = int(time.time())
        self.base = os.path.join(self.dir, "base")
        make_history(self.base, self.now, 12, 60)
        self.config = os.path.join(self.dir, "config.json")
        with open(self.config, "w") as f:
            json.dump({"retention": {"detail_days": 3, "hourly_days": 20}}, f)

    def tearDown(self) -> None:
        shutil.rmtree(self.dir)

    def run_with_kills(self, args: list[str], check: callable,  # type: ignore[valid-type]
                       specs: list[str] | None = None) -> dict[str, bool]:
        specs = specs or ["tmp-written:1", "tmp-written:2", "committed:1", "committed:3", "renamed:1",
                          "renamed:2", "deleted:1", "deleted:4"]
        rng = random.Random(7)
        kills: dict[str, bool] = {}
        for n, spec in enumerate(specs + [f"random:{k}" for k in range(10)]):
            work = os.path.join(self.dir, f"w{n}")
            shutil.copytree(self.base, work)
            argv = [a.replace("STORE", work) for a in args]
            if spec.startswith("random"):
                p = subprocess.Popen([PYTHON, HELPER, *argv], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                time.sleep(rng.uniform(0.05, 0.6))
                p.send_signal(signal.SIGKILL)
                rc = p.wait()
            else:
                rc = killed(argv, spec).returncode
            kills[spec] = rc == -signal.SIGKILL
            check(work, after_crash=True)
            run_helper(*argv)                          # the next run recovers, then does its work
            check(work, after_crash=False)
            leftovers = [name for name in snapshot(work) if name.endswith(".tmp") or name == "txn.json"]
            self.assertEqual(leftovers, [], spec)
            shutil.rmtree(work)
        return kills

    def test_rotate(self) -> None:
        before = per_day(self.base)

        def check(work: str, after_crash: bool) -> None:
            now = per_day(work)
            if after_crash:
                for k, v in now.items():
                    self.assertLessEqual(v, before[k])   # never counted twice
            else:
                self.assertEqual(now, before)
                self.assertEqual(storefs.read_store(work).ignored, [])

        kills = self.run_with_kills(["rotate", "--store", "STORE", "--config", self.config], check)
        # every step is reached at least once; later occurrences and random times may not be
        self.assertTrue(all(kills[p] for p in ("tmp-written:1", "committed:1", "renamed:1", "deleted:1")), kills)

    def test_rotate_closing(self) -> None:
        """rotate of a version-2 store whose files are all plain (collect did not run since they
        finished): it compresses every finished file, and deletes what expired."""
        shutil.rmtree(self.base)
        make_history(self.base, self.now, 12, 60, fmt=2)
        open_all(self.base)
        before = per_day(self.base)

        def check(work: str, after_crash: bool) -> None:
            # one output per rotate transaction, one file per closing: a reader sees every
            # day's data exactly once at any moment, killed or not
            self.assertEqual(per_day(work), before)
            if not after_crash:
                self.assertEqual(storefs.read_store(work).ignored, [])
                # upgraded to version 2 (migrate.py): only the files still appended to are plain
                self.assertEqual({f.version for f in storefs.list_files(work)}, {2})
                plain = [f for f in storefs.list_files(work) if not f.compressed]
                self.assertLessEqual(len(plain), 4)

        kills = self.run_with_kills(["rotate", "--store", "STORE", "--config", self.config], check,
                                    ["close-written:1", "close-written:3", "close-renamed:1", "close-renamed:3",
                                     "close-unlinked:1", "close-unlinked:3", "expired:1", "expired:5"])
        self.assertTrue(all(kills[p] for p in kills if not p.startswith("random")), kills)

    def test_compact(self) -> None:
        """compact --resolution whole of a version-1 store: the upgrade, then one `whole` block
        (docs/store-format.md, "Compaction"), killed at every step of both transactions."""
        frm, to = periods.hour_of(self.now - 45 * DAY)[0], self.now - DAY
        inside = window.read_window(self.base, frm, to).totals
        everything = window.read_window(self.base, 0, 2 ** 40).totals

        def check(work: str, after_crash: bool) -> None:
            got = window.read_window(work, 0, 2 ** 40).totals
            if after_crash:
                for ident, (b, p) in got.items():
                    self.assertLessEqual(b, everything[ident][0])
            else:
                self.assertEqual(window.read_window(work, frm, to).totals, inside)
                self.assertEqual(got, everything)
                whole = [b for pf in storefs.read_store(work).files if pf.tier == "whole" for b in pf.blocks]
                self.assertEqual([(b.start, b.end) for b in whole], [(frm, to)])

        kills = self.run_with_kills(["compact", "--store", "STORE", "--config", self.config, "--from", str(frm),
                                     "--to", str(to), "--resolution", "whole"], check)
        self.assertTrue(all(kills[p] for p in ("tmp-written:1", "tmp-written:2", "committed:1", "renamed:1",
                                               "renamed:2", "deleted:1")), kills)


class FullDisk(unittest.TestCase):
    def setUp(self) -> None:
        require_root(self)
        self.dir = tempfile.mkdtemp()
        self.mnt = os.path.join(self.dir, "mnt")
        os.mkdir(self.mnt)
        p = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "cta-test", self.mnt], capture_output=True)
        if p.returncode != 0:
            shutil.rmtree(self.dir)
            self.skipTest(f"cannot mount a tmpfs: {p.stderr.decode().strip()}")
        self.store = os.path.join(self.mnt, "store")

    def tearDown(self) -> None:
        subprocess.run(["umount", self.mnt], capture_output=True)
        shutil.rmtree(self.dir, ignore_errors=True)

    def fill(self) -> None:
        for name, chunk in (("filler", 4096), ("filler2", 1)):
            fd = os.open(os.path.join(self.mnt, name), os.O_WRONLY | os.O_CREAT, 0o644)
            try:
                while True:
                    os.write(fd, b"\0" * chunk)
            except OSError:
                pass
            finally:
                os.close(fd)

    def unfill(self) -> None:
        os.unlink(os.path.join(self.mnt, "filler"))
        os.unlink(os.path.join(self.mnt, "filler2"))

    def test_collect_compact_rotate_on_a_full_disk(self) -> None:
        lab = Lab()
        try:
            lab.start()
            lab.nft_b(RULES)
            lab.store = self.store
            lab.collect()
            ref0 = lab.reference()
            lab.send(20, 1000)
            lab.collect()
            lab.send(30, 1000)
            before = snapshot(self.store)
            self.fill()
            p = lab.collect(check=False)
            self.assertEqual(p.returncode, 1, p.stderr)
            self.assertIn("store was left as it was", p.stderr)
            self.assertEqual(snapshot(self.store), before)
            now = int(time.time()) + 5
            p = run_helper("compact", "--store", self.store, "--config", lab.config, "--from", "1",
                           "--to", str(now), check=False)
            self.assertEqual(p.returncode, 1, p.stderr)
            self.assertEqual(snapshot(self.store), before)
            self.unfill()
            lab.collect()                             # nothing was lost: counted by the next run
            ref = lab.reference()
            got = stored_totals(self.store)
            for key in KEYS:
                self.assertEqual(got[key], (ref[0] - ref0[0], ref[1] - ref0[1]), key)
        finally:
            lab.close()

    def test_closing_on_a_full_disk(self) -> None:
        lab = Lab()
        try:
            lab.start()
            lab.nft_b(RULES)
            lab.store = self.store
            lab.collect()
            ref0 = lab.reference()
            # about 100 KB once compressed: more than the disk will have left
            planted = plant_day(self.store, 2, seed=99, blocks=24, counters=400)   # hours of ~70 KB compressed
            old = storefs.file_for("detail", storefs.local_midnight(
                *tiers.add_days(tiers.local_date(int(time.time())), -2)) + 300, 2)
            with open(os.path.join(self.store, old.rel), "rb") as f:
                old_bytes = f.read()
            reserve = os.path.join(self.mnt, "reserve")
            with open(reserve, "wb") as f:
                f.write(b"\0" * 48 * 1024)                # room for the append and the state only
            self.fill()
            os.unlink(reserve)
            lab.send(20, 1000)
            with open(os.path.join(self.store, "state.json")) as f:
                last = json.load(f)["last_end"]
            p = lab.collect(check=False)
            self.assertEqual(p.returncode, 1, p.stderr)
            self.assertIn(f"cannot compress {old.rel}: No space left on device; the file was left as it was "
                          "(the collection was saved)", p.stderr)
            with open(os.path.join(self.store, "state.json")) as f:
                self.assertGreater(json.load(f)["last_end"], last)      # the interval is kept
            with open(os.path.join(self.store, old.rel), "rb") as f:
                self.assertEqual(f.read(), old_bytes)
            self.assertEqual([n for n in snapshot(self.store) if n.startswith("detail/") and n.endswith((".gz", ".tmp"))], [])
            got = stored_totals(self.store)
            ref = lab.reference()
            self.assertEqual(subset(got, planted), planted)
            for key in KEYS:
                self.assertEqual(got[key], (ref[0] - ref0[0], ref[1] - ref0[1]), key)
            self.unfill()
            lab.send(5, 100)
            out = json.loads(lab.collect().stdout)
            self.assertEqual(out["closed"][0], old.rel)
            ref = lab.reference()
            got = stored_totals(self.store)
            self.assertEqual(subset(got, planted), planted)
            for key in KEYS:
                self.assertEqual(got[key], (ref[0] - ref0[0], ref[1] - ref0[1]), key)
        finally:
            lab.close()

    def test_rotate_closing_on_a_full_disk(self) -> None:
        plant_day(self.store, 1, seed=98, blocks=288, counters=4)
        config = os.path.join(self.dir, "config.json")
        with open(config, "w") as f:
            json.dump({}, f)
        before = snapshot(self.store)
        self.fill()
        p = run_helper("rotate", "--store", self.store, "--config", config, check=False)
        self.assertEqual(p.returncode, 1, p.stderr)
        self.assertIn("No space left on device; the file was left as it was", p.stderr)
        self.assertEqual(snapshot(self.store), before)
        self.unfill()
        self.assertEqual(run_helper("rotate", "--store", self.store, "--config", config, "--json").returncode, 0)
        files = storefs.list_files(self.store)
        self.assertEqual(len(files), 24)                    # the day's hours, each closed
        self.assertTrue(all(f.compressed for f in files))

    def test_rotate_on_a_full_disk(self) -> None:
        make_history(self.store, int(time.time()), 12, 60, days=20)
        config = os.path.join(self.dir, "config.json")
        with open(config, "w") as f:
            json.dump({"retention": {"detail_days": 3, "hourly_days": 20}}, f)
        before = snapshot(self.store)
        self.fill()
        p = run_helper("rotate", "--store", self.store, "--config", config, check=False)
        self.assertEqual(p.returncode, 1, p.stderr)
        self.assertEqual(snapshot(self.store), before)
        self.unfill()


if __name__ == "__main__":
    unittest.main()
