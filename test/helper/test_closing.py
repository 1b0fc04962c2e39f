# SPDX-License-Identifier: LGPL-2.1-or-later
"""Compressed store files: closing finished days, rotate and compact reading and writing
.cta.gz, deterministic bytes, and damaged compressed files reported by name, never overwritten."""

from __future__ import annotations

import gzip
import json
import os
import shutil
import tempfile
import unittest
from unittest import mock

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Callable

from test.helper.common import FIXTURES, run_helper
from cta import closing, periods, recovery, rollup, storefs, testseam, tiers, window
from cta.config import defaults
from cta.state import State
from cta.store import FileWriter, Identity, StoreError

NOW = 1763769600 + 12 * 3600            # 2025-11-22 12:00 UTC
DAY = 86400
WWW = Identity("nft-rule", "inet", "filter", "input", 1, "www")
MAIL = Identity("nft-counter", "inet", "acct", "", 1, "mail")


def day_start(n: int) -> int:
    """Local midnight n days before NOW's day."""
    return storefs.local_midnight(*tiers.add_days(tiers.local_date(NOW), -n))


def plain_text(start: int, file_id: str, count: int = 12, scale: int = 1) -> bytes:
    w = FileWriter("detail", file_id)
    for k in range(count):
        t = start + k * 300
        w.block(t, t + 300, [(WWW, scale * (100 + k), 1), (MAIL, scale * 7 * k, k)])
    return w.text().encode()


def write(root: str, rel: str, data: bytes) -> None:
    with open(os.path.join(root, rel), "wb") as f:
        f.write(data)


def read(root: str, rel: str) -> bytes:
    with open(os.path.join(root, rel), "rb") as f:
        return f.read()


def everything(root: str) -> dict[Identity, tuple[int, int]]:
    """Every counter's total by the window reader (version 1, 2 or both)."""
    return window.read_window(root, 0, 2 ** 40).totals


def in_window(root: str, frm: int, to: int) -> dict[Identity, tuple[int, int]]:
    return window.read_window(root, frm, to).totals


def die_at(point: str) -> Callable[[str], None]:
    """A stand-in for testseam.point: the process 'dies' (KeyboardInterrupt) at `point`."""
    def hook(name: str) -> None:
        if name == point:
            raise KeyboardInterrupt
    return hook


def names(root: str) -> list[str]:
    """The store's files but the lock and the summary (summary.py), which every writer keeps."""
    return sorted(os.path.relpath(os.path.join(d, n), root) for d, _, files in os.walk(root) for n in files
                  if n not in ("lock", "summary.json"))


class Closing(unittest.TestCase):
    def setUp(self) -> None:
        self.root = tempfile.mkdtemp()
        storefs.ensure_store(self.root)
        self.today = tiers.local_date(NOW)
        self.yesterday = storefs.file_for("detail", day_start(1) + 1)

    def tearDown(self) -> None:
        shutil.rmtree(self.root)

    def test_content_x_line_torn_line_dropped_corrupt_kept(self) -> None:
        body = plain_text(day_start(1), "00000000000000aa")
        t = day_start(1) + 7200
        data = body + b"z a corrupt line\n" + f"i {t} {t + 300} 1\n0 5 1\n".encode()
        write(self.root, self.yesterday.rel, data + b"i 1 2 3")          # and a torn last line
        before = storefs.read_store(self.root)
        self.assertEqual((before.torn, [c.line for c in before.corrupt]), (1, [body.count(b"\n") + 1]))
        want = everything(self.root)
        res = closing.close_finished(self.root, self.today)
        self.assertEqual((res.closed, res.unlinked, res.errors), ([self.yesterday.rel], [], []))
        self.assertEqual(names(self.root), [self.yesterday.gz().rel])
        content = gzip.decompress(read(self.root, self.yesterday.gz().rel))
        head, x, rest = content.split(b"\n", 2)
        self.assertRegex(head.decode(), r"\A#cta 1 detail [0-9a-f]{16}\Z")
        self.assertNotEqual(head, b"#cta 1 detail 00000000000000aa")
        self.assertEqual(x, b"x 00000000000000aa")
        self.assertEqual(rest, data.split(b"\n", 1)[1])                 # unchanged, torn line dropped
        after = storefs.read_store(self.root)
        self.assertEqual(everything(self.root), want)
        self.assertEqual(after.torn, 0)
        # the corrupt line is still reported, by the compressed file's name, one line further down
        self.assertEqual([(c.file, c.line) for c in after.corrupt],
                         [(self.yesterday.gz().rel, body.count(b"\n") + 2)])

    def test_today_is_not_closed_and_limit(self) -> None:
        today = storefs.file_for("detail", day_start(0) + 1)
        write(self.root, today.rel, plain_text(day_start(0), "00000000000000b0"))
        for n in (1, 2, 3):
            f = storefs.file_for("detail", day_start(n) + 1)
            write(self.root, f.rel, plain_text(day_start(n), f"00000000000000b{n}"))
        want = everything(self.root)
        res = closing.close_finished(self.root, self.today, limit=2)
        self.assertEqual(len(res.closed), 2)
        self.assertEqual(res.closed, sorted(res.closed))                 # oldest first
        res = closing.close_finished(self.root, self.today, limit=2)
        self.assertEqual(len(res.closed), 1)
        self.assertEqual([f.rel for f in storefs.list_files(self.root) if not f.compressed], [today.rel])
        self.assertEqual(everything(self.root), want)

    def test_header_we_do_not_write_is_left_alone(self) -> None:
        write(self.root, self.yesterday.rel, b"#cta 2 detail 1234567890abcdef\nc 0 future\n")
        res = closing.close_finished(self.root, self.today)
        self.assertEqual((res.closed, res.errors), ([], []))
        self.assertEqual(names(self.root), [self.yesterday.rel])

    def test_superseded_plain_is_unlinked_by_the_next_pass(self) -> None:
        write(self.root, self.yesterday.rel, plain_text(day_start(1), "00000000000000c1"))
        want = everything(self.root)
        # the process dies between the rename and the unlink
        with mock.patch.object(testseam, "point", die_at("close-renamed")), self.assertRaises(KeyboardInterrupt):
            closing.close_finished(self.root, self.today)
        self.assertEqual(names(self.root), [self.yesterday.rel, self.yesterday.gz().rel])
        view = storefs.read_store(self.root)
        self.assertEqual([pf.path for pf in view.ignored], [self.yesterday.rel])
        self.assertEqual(everything(self.root), want)
        res = closing.close_finished(self.root, self.today)
        self.assertEqual((res.closed, res.unlinked), ([], [self.yesterday.rel]))
        self.assertEqual(names(self.root), [self.yesterday.gz().rel])
        self.assertEqual(everything(self.root), want)

    def test_recovery_unlinks_a_superseded_plain_file(self) -> None:
        write(self.root, self.yesterday.rel, plain_text(day_start(1), "00000000000000c2"))
        with mock.patch.object(testseam, "point", die_at("close-renamed")), self.assertRaises(KeyboardInterrupt):
            closing.close_finished(self.root, self.today)
        recovery.recover(self.root, State())
        self.assertEqual(names(self.root), [self.yesterday.gz().rel])

    def test_plain_file_beside_a_gz_that_does_not_supersede_it_is_kept(self) -> None:
        write(self.root, self.yesterday.rel, plain_text(day_start(1), "00000000000000d1"))
        closing.close_finished(self.root, self.today)
        # the clock went back: collect appended to the closed day, in a new plain file
        write(self.root, self.yesterday.rel, plain_text(day_start(1) + 7200, "00000000000000d2", 4, 1000))
        want = everything(self.root)
        self.assertEqual(want[WWW][0], sum(100 + k for k in range(12)) + 1000 * sum(100 + k for k in range(4)))
        gz_before = read(self.root, self.yesterday.gz().rel)
        for _ in range(2):
            res = closing.close_finished(self.root, self.today)
            self.assertEqual((res.closed, res.unlinked, res.errors), ([], [], []))
            recovery.recover(self.root, State())
        self.assertEqual(names(self.root), [self.yesterday.rel, self.yesterday.gz().rel])
        self.assertEqual(read(self.root, self.yesterday.gz().rel), gz_before)
        self.assertEqual(everything(self.root), want)
        # rotate's upgrade to version 2 takes both: they count once each, as before
        cfg = defaults()
        cfg.retention = tiers.Retention(0, 400, None)
        res = rollup.rotate(self.root, cfg, now=NOW)
        self.assertTrue(res.migrated)
        self.assertEqual({f.version for f in storefs.list_files(self.root)}, {2})
        self.assertEqual(everything(self.root), want)

    def test_damaged_twin_is_reported_and_nothing_is_touched(self) -> None:
        write(self.root, self.yesterday.rel, plain_text(day_start(1), "00000000000000e1"))
        packed = storefs.gzip_bytes(plain_text(day_start(1), "00000000000000e2", 50))
        write(self.root, self.yesterday.gz().rel, packed[:len(packed) // 2])
        before = {n: read(self.root, n) for n in names(self.root)}
        res = closing.close_finished(self.root, self.today)
        self.assertEqual((res.closed, res.unlinked), ([], []))
        self.assertEqual(len(res.errors), 1)
        self.assertIsInstance(res.errors[0], StoreError)
        self.assertIn(f"{self.yesterday.gz().rel}: damaged compressed file", str(res.errors[0]))
        recovery.recover(self.root, State())                             # quiet, and touches nothing
        self.assertEqual({n: read(self.root, n) for n in names(self.root)}, before)

    def test_deterministic_bytes(self) -> None:
        data = plain_text(day_start(1), "00000000000000f1", 100)
        a, b = storefs.gzip_bytes(data), storefs.gzip_bytes(data)
        self.assertEqual(a, b)
        self.assertEqual(a, gzip.compress(data, compresslevel=9, mtime=0))
        self.assertEqual(a[:2], b"\x1f\x8b")
        self.assertEqual(a[3], 0)                                        # no flags: no file name
        self.assertEqual(a[4:8], b"\0\0\0\0")                            # mtime 0
        # closing the same file twice with the same new id gives the same bytes
        out = []
        for _ in range(2):
            write(self.root, self.yesterday.rel, data)
            with mock.patch.object(closing, "new_file_id", lambda: "0123456789abcdef"):
                closing.close_finished(self.root, self.today)
            out.append(read(self.root, self.yesterday.gz().rel))
            os.unlink(os.path.join(self.root, self.yesterday.gz().rel))
        self.assertEqual(out[0], out[1])

    def test_gunzip_is_strict(self) -> None:
        packed = storefs.gzip_bytes(b"#cta 1 detail 0123456789abcdef\n")
        self.assertEqual(storefs.gunzip(packed, "x"), b"#cta 1 detail 0123456789abcdef\n")
        crc = bytearray(packed)
        crc[-6] ^= 1
        for bad, why in ((packed[:-3], "truncated"), (bytes(crc), "incorrect data check"),
                         (packed + packed, "data after the end"), (b"#cta 1 detail", "incorrect header")):
            with self.subTest(why=why), self.assertRaises(StoreError) as cm:
                storefs.gunzip(bad, "detail/2025-11-21.cta.gz")
            self.assertIn("detail/2025-11-21.cta.gz: damaged compressed file", str(cm.exception))
            self.assertIn(why, str(cm.exception))

    def test_recovery_removes_compressed_temporaries(self) -> None:
        tmp = os.path.join(self.root, "detail", self.yesterday.gz().name + ".tmp")
        with open(tmp, "wb") as f:
            f.write(b"\x1f\x8b partial")
        self.assertTrue(recovery.finish_journal(self.root))
        self.assertFalse(os.path.exists(tmp))


class RollupCompressed(unittest.TestCase):
    """rotate and compact read both kinds of every period they rewrite and write .cta.gz."""

    def setUp(self) -> None:
        self.dir = tempfile.mkdtemp()
        self.root = os.path.join(self.dir, "s")
        storefs.ensure_store(self.root)
        # expired detail days: one plain, one closed, one with both (not superseded)
        for n, kinds in ((12, "p"), (11, "g"), (10, "pg")):
            f = storefs.file_for("detail", day_start(n) + 1)
            if "g" in kinds:
                write(self.root, f.gz().rel, storefs.gzip_bytes(plain_text(day_start(n), f"{n:014x}a1", 20)))
            if "p" in kinds:
                write(self.root, f.rel, plain_text(day_start(n) + 6 * 3600, f"{n:014x}b1", 20, 3))
        # an hourly month of an earlier version (plain), and today's plain detail file
        w = FileWriter("hourly", "00000000000000a5")
        for h in range(30):
            t = day_start(40) + h * 3600
            w.block(t, t + 3600, [(WWW, 5000 + h, 5)])
        write(self.root, storefs.file_for("hourly", day_start(40) + 1).rel, w.text().encode())
        self.today = storefs.file_for("detail", day_start(0) + 1)
        write(self.root, self.today.rel, plain_text(day_start(0), "00000000000000ff", 6))

    def tearDown(self) -> None:
        shutil.rmtree(self.dir)

    def per_day(self) -> dict[tuple[Identity, int], tuple[int, int]]:
        days = {tiers.day_bucket(r.end) for r in storefs.read_store(self.root).records()}
        out: dict[tuple[Identity, int], tuple[int, int]] = {}
        for d in sorted(days):
            for ident, bp in in_window(self.root, d, periods.day_of(d)[1]).items():
                out[(ident, d)] = bp
        return out

    def test_rotate_consumes_both_kinds_and_writes_gz(self) -> None:
        before = self.per_day()
        cfg = defaults()
        cfg.retention = tiers.Retention(7, 400, None)
        res = rollup.rotate(self.root, cfg, now=NOW)
        # the upgrade to version 2 reads both kinds of every period; each counts once
        self.assertTrue(res.migrated)
        self.assertEqual({f.version for f in storefs.list_files(self.root)}, {2})
        self.assertEqual(self.per_day(), before)
        view = storefs.read_store(self.root)
        self.assertEqual((view.corrupt, view.torn, view.ignored), ([], 0, []))
        # nothing else is left, but the state with the upgrade's roll-up markers (migrate.py)
        self.assertEqual(names(self.root), sorted([f.rel for f in storefs.list_files(self.root)] + ["state.json"]))

    def test_compact_consumes_both_kinds_and_writes_gz(self) -> None:
        frm, to = day_start(11) + 3 * 3600, day_start(10) + 7 * 3600
        inside = in_window(self.root, frm, to)
        all_before = everything(self.root)
        plan = rollup.compact(self.root, frm, to, "hour", dry_run=False)
        day10 = storefs.file_for("detail", day_start(10) + 1)
        self.assertTrue(plan.files)
        self.assertEqual({f.version for f in storefs.list_files(self.root)}, {2})
        for f in plan.files:
            path = os.path.join(self.root, str(f["file"]))
            self.assertEqual(os.path.exists(path), f["action"] != "delete", f)
            if f["action"] != "delete":
                self.assertEqual(os.path.getsize(path), f["bytes_after"])
        self.assertEqual(in_window(self.root, frm, to), inside)
        self.assertEqual(everything(self.root), all_before)
        self.assertFalse(os.path.exists(os.path.join(self.root, day10.rel)))

    def test_compact_counts_a_superseded_plain_file_for_nothing(self) -> None:
        f = storefs.file_for("detail", day_start(12) + 1)
        with mock.patch.object(testseam, "point", die_at("close-renamed")), self.assertRaises(KeyboardInterrupt):
            closing.close_file(self.root, f)
        frm, to = day_start(13), day_start(11)
        inside = in_window(self.root, frm, to)
        dry = rollup.compact(self.root, frm, to, "whole", dry_run=True)
        self.assertEqual(dry.records_before, sum(1 for r in storefs.read_store(self.root).records() if frm < r.end <= to))
        rollup.compact(self.root, frm, to, "whole", dry_run=False)      # upgrades, then compacts
        self.assertEqual(in_window(self.root, frm, to), inside)
        self.assertFalse(os.path.exists(os.path.join(self.root, f.rel)))

    def test_damaged_input_is_refused_and_kept(self) -> None:
        f = storefs.file_for("detail", day_start(11) + 1).gz()
        path = os.path.join(self.root, f.rel)
        damaged = read(self.root, f.rel)[:-20]
        write(self.root, f.rel, damaged)
        config = os.path.join(self.dir, "config.json")
        with open(config, "w") as fh:
            json.dump({"retention": {"detail_days": 7}}, fh)
        for args in (["rotate"], ["compact", "--from", str(day_start(12)), "--to", str(day_start(9))],
                     ["compact", "--dry-run", "--from", str(day_start(12)), "--to", str(day_start(9))]):
            with self.subTest(args=args):
                p = run_helper(*args, "--store", self.root, "--config", config, check=False)
                self.assertEqual(p.returncode, 5, p.stderr)
                self.assertIn(f"{f.rel}: damaged compressed file", p.stderr)
                with open(path, "rb") as fh:
                    self.assertEqual(fh.read(), damaged)
        p = run_helper("status", "--json", "--store", self.root, "--config", config)
        rep = json.loads(p.stdout)
        self.assertTrue(any(e.startswith(f"{f.rel}: damaged compressed file") for e in rep["errors"]), rep["errors"])


class Reports(unittest.TestCase):
    def setUp(self) -> None:
        self.dir = tempfile.mkdtemp()
        self.store = os.path.join(self.dir, "store")
        shutil.copytree(os.path.join(FIXTURES, "compressed"), self.store)
        os.remove(os.path.join(self.store, "expected.json"))
        self.config = os.path.join(self.dir, "config.json")
        with open(self.config, "w") as f:
            json.dump({"sources": {"nft_counters": {"enabled": False}, "nft_rules": {"enabled": False},
                                   "iptables": {"enabled": False}, "ip6tables": {"enabled": False},
                                   "interfaces": {"enabled": False}}}, f)

    def tearDown(self) -> None:
        shutil.rmtree(self.dir)

    def test_files_and_status_count_bytes_on_disk(self) -> None:
        rep = json.loads(run_helper("files", "--json", "--store", self.store, "--config", self.config).stdout)
        self.assertIn("hourly/2025-10.cta.gz", [f["file"] for f in rep["files"]])
        self.assertIn("detail/2025-11-20.cta", [f["file"] for f in rep["files"]])
        for f in rep["files"]:
            self.assertEqual(f["size"], os.path.getsize(os.path.join(self.store, f["file"])))
            self.assertEqual(f["tier"], f["file"].split("/")[0])
        rep = json.loads(run_helper("status", "--json", "--store", self.store, "--config", self.config).stdout)
        for tier in storefs.TIER_DIRS:
            d = os.path.join(self.store, tier)
            on_disk = sum(os.path.getsize(os.path.join(d, n)) for n in (os.listdir(d) if os.path.isdir(d) else []))
            self.assertEqual(rep["tiers"][tier]["bytes"], on_disk, tier)
        self.assertEqual(rep["tiers"]["detail"]["files"], 5)
        self.assertEqual(rep["superseded_files"], ["detail/2025-11-19.cta"])
        self.assertEqual([(c["file"], c["line"]) for c in rep["corrupt"]["lines"]], [("detail/2025-11-20.cta.gz", 68)])
        self.assertEqual(rep["errors"], [])

    def test_damaged_fixture(self) -> None:
        store = os.path.join(FIXTURES, "damaged-gzip")
        rep = json.loads(run_helper("status", "--json", "--store", store, "--config", self.config).stdout)
        self.assertEqual(len(rep["errors"]), 1)
        self.assertTrue(rep["errors"][0].startswith("detail/2025-11-20.cta.gz: damaged compressed file"))
        p = run_helper("compact", "--dry-run", "--store", store, "--config", self.config, "--from", "1",
                       "--to", "2000000000", check=False)
        self.assertEqual(p.returncode, 5, p.stderr)
        self.assertIn("detail/2025-11-20.cta.gz: damaged compressed file", p.stderr)


class CollectCloses(unittest.TestCase):
    """collect closes finished days after it saved its interval (host interfaces only: reading
    /sys/class/net sends nothing)."""

    def setUp(self) -> None:
        self.dir = tempfile.mkdtemp()
        self.store = os.path.join(self.dir, "store")
        storefs.ensure_store(self.store)
        self.config = os.path.join(self.dir, "config.json")
        with open(self.config, "w") as f:
            json.dump({"sources": {"nft_counters": {"enabled": False}, "nft_rules": {"enabled": False},
                                   "iptables": {"enabled": False}, "ip6tables": {"enabled": False},
                                   "interfaces": {"exclude": []}}}, f)
        import time
        self.start = storefs.local_midnight(*tiers.add_days(tiers.local_date(int(time.time())), -2))
        self.old = storefs.file_for("detail", self.start + 1)

    def tearDown(self) -> None:
        shutil.rmtree(self.dir)

    def collect(self) -> dict[str, object]:
        p = run_helper("collect", "--json", "--store", self.store, "--config", self.config)
        return json.loads(p.stdout)  # type: ignore[no-any-return]

    def test_collect_closes_the_days_before_today(self) -> None:
        write(self.store, self.old.rel, plain_text(self.start, "00000000000000a1"))
        want = everything(self.store)
        self.collect()
        # upgraded to version 2 (its files closed as they finished): counted once, as before
        self.assertFalse(os.path.exists(os.path.join(self.store, self.old.rel)))
        self.assertEqual({f.version for f in storefs.list_files(self.store)}, {2})
        got = everything(self.store)
        self.assertEqual({k: got[k] for k in want}, want)
        self.collect()
        self.assertEqual([f.rel for f in storefs.list_files(self.store, ("detail",)) if f.period()[1] <= self.start
                          and not f.compressed], [])

    def test_damaged_twin_fails_collect_after_saving_the_collection(self) -> None:
        write(self.store, self.old.rel, plain_text(self.start, "00000000000000a1"))
        write(self.store, self.old.gz().rel, b"\x1f\x8b\x08\x00 not really")
        p = run_helper("collect", "--store", self.store, "--config", self.config, check=False)
        self.assertEqual(p.returncode, 5, p.stderr)
        self.assertIn(f"{self.old.gz().rel}: damaged compressed file", p.stderr)
        self.assertIn("(the collection was saved)", p.stderr)
        with open(os.path.join(self.store, "state.json")) as f:
            self.assertIsNotNone(json.load(f)["last_end"])
        self.assertEqual(read(self.store, self.old.gz().rel), b"\x1f\x8b\x08\x00 not really")
        self.assertTrue(os.path.exists(os.path.join(self.store, self.old.rel)))


if __name__ == "__main__":
    unittest.main()
