# SPDX-License-Identifier: LGPL-2.1-or-later
"""Issue #11 item 7: root never writes through a link, nor into a file it did not create."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
import time
import unittest

from test.helper.common import run_helper
from cta import storefs

# loopback included: a ping makes sure a collection has something to write
ONLY_INTERFACES = {"sources": {"nft_counters": {"enabled": False}, "nft_rules": {"enabled": False},
                               "iptables": {"enabled": False}, "ip6tables": {"enabled": False},
                               "interfaces": {"exclude": []}}}
SECRET = b"root's secret\n"


class Links(unittest.TestCase):
    def setUp(self) -> None:
        self.dir = tempfile.mkdtemp()
        self.store = os.path.join(self.dir, "store")
        self.textdir = os.path.join(self.dir, "textfile")
        os.mkdir(self.textdir)
        os.chmod(self.textdir, 0o1777)             # a directory anybody can write
        self.secret = os.path.join(self.dir, "secret")
        with open(self.secret, "wb") as f:
            f.write(SECRET)
        os.chmod(self.secret, 0o600)
        self.prom = os.path.join(self.textdir, "cta.prom")
        self.config = os.path.join(self.dir, "config.json")
        with open(self.config, "w") as f:
            json.dump({**ONLY_INTERFACES, "prometheus_textfile": self.prom}, f)

    def tearDown(self) -> None:
        shutil.rmtree(self.dir)

    def collect(self, check: bool = True) -> int:
        time.sleep(1.05)
        return run_helper("collect", "--store", self.store, "--config", self.config, check=check).returncode

    def assert_secret_untouched(self) -> None:
        with open(self.secret, "rb") as f:
            self.assertEqual(f.read(), SECRET)
        self.assertEqual(os.stat(self.secret).st_mode & 0o777, 0o600)

    def test_textfile_tmp_and_textfile_links(self) -> None:
        os.symlink(self.secret, self.prom + ".tmp")
        self.collect()
        self.assert_secret_untouched()
        self.assertFalse(os.path.islink(self.prom))
        os.unlink(self.prom)
        os.symlink(self.secret, self.prom)             # the textfile itself is a link
        self.collect()
        self.assert_secret_untouched()
        with open(self.prom) as f:
            self.assertIn("# TYPE cockpit_traffic_accounting_bytes_total counter", f.read())

    def test_store_files_that_are_links(self) -> None:
        self.collect()
        for name in ("state.json.tmp", "notes.json.tmp", "config.valid.json.tmp"):
            os.symlink(self.secret, os.path.join(self.store, name))
        self.collect()
        self.assert_secret_untouched()
        # today's detail file replaced by a link: collect refuses, says why, writes nothing
        today = storefs.file_for("detail", int(time.time()) + 2, 2).rel
        path = os.path.join(self.store, today)
        if os.path.exists(path):
            os.unlink(path)
        os.symlink(self.secret, path)
        subprocess.run(["ping", "-c", "2", "-i", "0.2", "127.0.0.1"], capture_output=True, check=True)
        code = self.collect(check=False)
        self.assert_secret_untouched()
        self.assertNotEqual(code, 0)

    def test_empty_detail_file_left_by_a_kill_at_its_creation(self) -> None:
        """Issue #11 item 6: a 0-byte file never stops collection."""
        self.collect()
        today = storefs.file_for("detail", int(time.time()) + 2, 2).rel
        path = os.path.join(self.store, today)
        if os.path.exists(path):
            os.unlink(path)
        open(path, "wb").close()
        subprocess.run(["ping", "-c", "2", "-i", "0.2", "127.0.0.1"], capture_output=True, check=True)
        self.collect()
        with open(path, "rb") as f:
            self.assertTrue(f.read().startswith(b"#cta 2 detail "))

    def test_lock_that_is_a_link(self) -> None:
        self.collect()
        os.unlink(os.path.join(self.store, "lock"))
        os.symlink(self.secret, os.path.join(self.store, "lock"))
        p = run_helper("collect", "--store", self.store, "--config", self.config, check=False)
        self.assertEqual(p.returncode, 1, p.stderr)
        self.assertIn("lock", p.stderr)
        self.assert_secret_untouched()


if __name__ == "__main__":
    unittest.main()
