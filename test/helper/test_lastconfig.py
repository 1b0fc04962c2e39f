# SPDX-License-Identifier: LGPL-2.1-or-later
"""Issue #11 item 8: counting never stops because of a bad configuration file."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
import unittest

from test.helper.common import run_helper

ONLY_INTERFACES = {"sources": {"nft_counters": {"enabled": False}, "nft_rules": {"enabled": False},
                               "iptables": {"enabled": False}, "ip6tables": {"enabled": False}}}


class LastValidConfiguration(unittest.TestCase):
    def setUp(self) -> None:
        self.dir = tempfile.mkdtemp()
        self.store = os.path.join(self.dir, "store")
        os.mkdir(self.store)
        self.config = os.path.join(self.dir, "config.json")

    def tearDown(self) -> None:
        shutil.rmtree(self.dir)

    def write(self, text: str) -> None:
        with open(self.config, "w") as f:
            f.write(text)

    def collect(self) -> tuple[int, dict[str, object], str]:
        time.sleep(1.05)                   # one collection a second
        p = run_helper("collect", "--json", "--store", self.store, "--config", self.config, check=False)
        return p.returncode, json.loads(p.stdout), p.stderr

    def test_bad_file_collects_with_the_last_valid_one_and_exits_3(self) -> None:
        self.write(json.dumps(ONLY_INTERFACES))
        code, out, _ = self.collect()
        self.assertEqual(code, 0)
        self.write('{"colour": "blue"}')
        code, out, err = self.collect()
        self.assertEqual(code, 3, err)
        self.assertIn("colour: unknown key (collected with the last valid configuration)", err)
        self.assertEqual(out["sources"], {"nft_counters": "disabled", "nft_rules": "disabled",  # type: ignore[index]
                                          "iptables": "disabled", "ip6tables": "disabled", "interfaces": "ok"})
        status = json.loads(run_helper("status", "--json", "--store", self.store, "--config", self.config).stdout)
        self.assertIn("colour: unknown key", status["config_error"])
        # fixed: the error is gone from the status
        self.write(json.dumps(ONLY_INTERFACES))
        self.assertEqual(self.collect()[0], 0)
        status = json.loads(run_helper("status", "--json", "--store", self.store, "--config", self.config).stdout)
        self.assertEqual(status["config_error"], "")

    def test_without_a_valid_copy_the_defaults_are_used(self) -> None:
        self.write("{not json")
        code, out, err = self.collect()
        self.assertEqual(code, 3, err)
        self.assertIn("not valid JSON", err)
        self.assertEqual(out["sources"]["interfaces"], "ok")  # type: ignore[index]


if __name__ == "__main__":
    unittest.main()
