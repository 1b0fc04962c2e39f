# SPDX-License-Identifier: LGPL-2.1-or-later
"""A crash at file creation (issue 11, item 6): kill -9 between creating a new day's detail file
and writing its first line leaves a file with no complete line. No such file may stop
collection, rotation or compaction: a writer removes it (it holds nothing), and readers read it
as nothing (a 0-byte file) or as one torn append (a first line without its newline)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
import time
import unittest

from test.helper.common import HELPER, PYTHON, run_helper
from test.helper.netlab import Lab, require_root, stored_totals
from cta import storefs, tiers
from cta.store import FileWriter, Identity

RULES = """
table inet acct {
    chain input {
        type filter hook input priority 0; policy accept;
        udp dport 5000 counter comment "udp5000"
    }
}
"""
KEY = "nft-rule inet acct input 1 udp5000"


def day_file(days_ago: int) -> storefs.StoreFile:
    start = storefs.local_midnight(*tiers.add_days(tiers.local_date(int(time.time())), -days_ago))
    return storefs.file_for("detail", start + 1)


class KilledAtCreation(unittest.TestCase):
    """The real crash: strace kills collect at its first write(2) to the new day's file."""

    def setUp(self) -> None:
        require_root(self)
        if shutil.which("strace") is None:
            self.skipTest("strace is not installed (Debian package strace)")
        self.lab = Lab()
        try:
            self.lab.start()
            self.lab.nft_b(RULES)
        except BaseException:
            self.lab.close()
            raise

    def tearDown(self) -> None:
        self.lab.close()

    def test_collect_goes_on_after_a_kill_between_create_and_header(self) -> None:
        lab = self.lab
        lab.collect()                                   # the baseline: no file written yet
        ref0 = lab.reference()
        lab.send(5, 100)
        target = os.path.join(lab.store, storefs.file_for("detail", int(time.time()) + 2, 2).rel)
        time.sleep(1.05)
        proc = subprocess.run(
            ["ip", "netns", "exec", lab.b, "strace", "-qq", "-f", "-o", "/dev/null", "-e", "trace=write",
             "-e", "inject=write:signal=KILL:when=1", "-P", target,
             PYTHON, HELPER, "collect", "--store", lab.store, "--config", lab.config],
            env={**os.environ, "CTA_BOOT_ID_FILE": lab.boot_file}, capture_output=True, text=True, timeout=60)
        self.assertNotEqual(proc.returncode, 0, proc.stderr)
        self.assertEqual(os.path.getsize(target), 0, "the kill came after the first write")
        # a reader at this moment: nothing counted, nothing broken
        self.assertEqual(stored_totals(lab.store).get(KEY, (0, 0)), (0, 0))
        status = json.loads(run_helper("status", "--store", lab.store, "--config", lab.config, "--json").stdout)
        self.assertEqual(status["errors"], [])
        for n in range(3):
            lab.send(2 + n, 200)
            out = lab.collect(check=False)
            self.assertEqual(out.returncode, 0, out.stderr)
        ref = lab.reference()
        self.assertEqual(stored_totals(lab.store)[KEY], (ref[0] - ref0[0], ref[1] - ref0[1]))


class LeftByACrash(unittest.TestCase):
    """Files with no complete line, on any day, in front of every writer and reader."""

    def setUp(self) -> None:
        self.root = tempfile.mkdtemp()
        self.config = os.path.join(self.root, "config.json")
        with open(self.config, "w") as f:
            json.dump({}, f)
        self.store = os.path.join(self.root, "store")
        storefs.ensure_store(self.store)

    def tearDown(self) -> None:
        shutil.rmtree(self.root)

    def plant(self, f: storefs.StoreFile, data: bytes) -> str:
        path = os.path.join(self.store, f.rel)
        with open(path, "wb") as fh:
            fh.write(data)
        return path

    def plant_day(self, days_ago: int, total: int) -> None:
        f = day_file(days_ago)
        start, _ = f.period()
        w = FileWriter("detail", "%016x" % (1000 + days_ago))
        w.block(start, start + 300, [(Identity("nft-counter", "inet", "t", "", 1, "kept"), total, 1)])
        self.plant(f, w.text().encode())

    def test_readers_read_nothing_from_them(self) -> None:
        self.plant_day(3, 1234)
        self.plant(day_file(0), b"")
        self.plant(day_file(1), b"#cta 1 det")
        view = storefs.read_store(self.store)
        self.assertEqual(view.corrupt, [])
        self.assertEqual(view.torn, 1)                  # the torn header; the empty file is nothing
        self.assertEqual(stored_totals(self.store), {"nft-counter inet t - 1 kept": (1234, 1)})

    def test_rotate_and_compact_remove_them(self) -> None:
        self.plant_day(3, 1234)
        self.plant_day(40, 99)
        planted = [self.plant(day_file(d), data)
                   for d, data in ((0, b""), (1, b""), (2, b"#cta 1 detail 0123"), (30, b""))]
        out = run_helper("rotate", "--store", self.store, "--config", self.config, check=False)
        self.assertEqual(out.returncode, 0, out.stderr)
        for path in planted:
            self.assertFalse(os.path.exists(path), path)
        self.assertEqual(stored_totals(self.store), {"nft-counter inet t - 1 kept": (1333, 2)})
        again = self.plant(day_file(1), b"")
        now = int(time.time())
        out = run_helper("compact", "--store", self.store, "--config", self.config,
                         "--from", str(now - 10 * 86400), "--to", str(now), "--resolution", "whole", check=False)
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertFalse(os.path.exists(again))
        self.assertEqual(stored_totals(self.store), {"nft-counter inet t - 1 kept": (1333, 2)})


if __name__ == "__main__":
    unittest.main()
