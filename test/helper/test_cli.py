# SPDX-License-Identifier: LGPL-2.1-or-later
"""The command line: configuration errors, exit codes, privileges, JSON reports, Prometheus."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
import unittest

from test.helper.common import FIXTURES, HELPER, PYTHON, run_helper
from cta import prometheus
from cta.config import parse_config
from cta.store import Identity


class ConfigFile(unittest.TestCase):
    def test_defaults_and_full_example(self) -> None:
        cfg = parse_config({})
        self.assertEqual((cfg.interval_seconds, cfg.retention.detail_days, cfg.retention.hourly_days,
                          cfg.retention.daily_days), (300, 7, 400, None))
        self.assertEqual(cfg.source("interfaces").names, ["lo"])
        cfg = parse_config({
            "version": 1, "interval_seconds": 60,
            "sources": {"nft_counters": {"enabled": True, "tables": ["acct"]},
                        "nft_rules": {"enabled": False, "tables": []},
                        "iptables": {"enabled": True, "chains": ["ACCT"]},
                        "ip6tables": {"enabled": False, "chains": []},
                        "interfaces": {"enabled": True, "exclude": ["lo", "veth*"]}},
            "retention": {"detail_days": 3, "hourly_days": 30, "daily_days": 3650},
            "prometheus_textfile": "/var/lib/prometheus/node-exporter/cta.prom",
            "costs": {}, "groups": []})
        self.assertFalse(cfg.source("nft_rules").enabled)
        self.assertEqual(cfg.source("iptables").names, ["ACCT"])
        self.assertEqual(cfg.retention.daily_days, 3650)


class CommandLine(unittest.TestCase):
    def setUp(self) -> None:
        self.dir = tempfile.mkdtemp()
        os.chmod(self.dir, 0o755)
        self.store = os.path.join(self.dir, "store")
        shutil.copytree(os.path.join(FIXTURES, "plain"), self.store)
        os.remove(os.path.join(self.store, "expected.json"))
        self.config = os.path.join(self.dir, "config.json")
        with open(self.config, "w") as f:
            json.dump({"sources": {"nft_counters": {"enabled": False}, "nft_rules": {"enabled": False},
                                   "iptables": {"enabled": False}, "ip6tables": {"enabled": False}}}, f)
        for d, dirs, files in os.walk(self.dir):
            for name in dirs:
                os.chmod(os.path.join(d, name), 0o755)
            for name in files:
                os.chmod(os.path.join(d, name), 0o644)

    def tearDown(self) -> None:
        shutil.rmtree(self.dir)

    def helper(self, *args: str) -> subprocess.CompletedProcess[str]:
        return run_helper(*args, "--store", self.store, "--config", self.config, check=False)

    def test_bad_config_exit_code_and_message(self) -> None:
        with open(self.config, "w") as f:
            json.dump({"retention": {"hourly_days": 0}}, f)
        p = self.helper("collect")
        self.assertEqual(p.returncode, 3)
        self.assertIn("config.json: retention.hourly_days: must be a whole number from 1 to 100000", p.stderr)
        p = self.helper("rotate")
        self.assertEqual(p.returncode, 3)
        self.assertIn("config.json: retention.hourly_days: must be a whole number from 1 to 100000", p.stderr)
        with open(self.config, "w") as f:
            f.write("{not json")
        # status reports the error (the page shows it) and what collect does meanwhile
        p = self.helper("status")
        self.assertEqual(p.returncode, 0)
        self.assertIn("not valid JSON", p.stdout)
        self.assertIn("collect goes on with the last valid configuration", p.stdout)

    def test_runs_by_its_own_interpreter_line(self) -> None:
        with open(HELPER) as f:
            self.assertEqual(f.readline(), "#!/usr/bin/python3 -IS\n")
        self.assertTrue(os.access(HELPER, os.X_OK))
        p = subprocess.run([HELPER, "files", "--json", "--store", self.store, "--config", self.config],
                           capture_output=True, text=True, timeout=60)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(len(json.loads(p.stdout)["files"]), 4)

    def test_missing_config_means_defaults(self) -> None:
        p = run_helper("files", "--json", "--store", self.store, "--config", os.path.join(self.dir, "none.json"))
        self.assertEqual(p.returncode, 0)

    def test_usage_errors(self) -> None:
        self.assertEqual(self.helper("compact", "--from", "10", "--to", "5").returncode, 2)
        self.assertEqual(self.helper("compact", "--from", "yesterday", "--to", "5").returncode, 2)
        self.assertEqual(run_helper("frobnicate", check=False).returncode, 2)

    def test_files_json(self) -> None:
        p = self.helper("files", "--json")
        self.assertEqual(p.returncode, 0, p.stderr)
        rep = json.loads(p.stdout)
        names = [f["file"] for f in rep["files"]]
        self.assertEqual(names, ["daily/2025.cta", "detail/2025-11-21.cta", "detail/2025-11-22.cta",
                                 "hourly/2025-11.cta"])
        for f in rep["files"]:
            self.assertEqual(f["size"], os.path.getsize(os.path.join(self.store, f["file"])))
            self.assertLess(f["period"]["from"], f["period"]["to"])
            self.assertIsInstance(f["mtime"], int)
        self.assertFalse(rep["transaction_pending"])

    def read(self, rel: str) -> bytes:
        with open(os.path.join(self.store, rel), "rb") as f:
            return f.read()

    def test_compact_dry_run_json_changes_nothing(self) -> None:
        before = {n: self.read(n) for n in ("daily/2025.cta", "detail/2025-11-21.cta", "hourly/2025-11.cta")}
        p = self.helper("compact", "--from", "1763683200", "--to", "1763769600", "--dry-run", "--json")
        self.assertEqual(p.returncode, 0, p.stderr)
        rep = json.loads(p.stdout)
        self.assertTrue(rep["dry_run"])
        self.assertGreater(rep["records_before"], rep["records_after"])
        self.assertEqual(rep["bytes_saved"], rep["bytes_before"] - rep["bytes_after"])
        # the plain daily file is rewritten as daily/2025.cta.gz; the detail day is merged whole
        self.assertEqual({f["file"]: f["action"] for f in rep["files"]},
                         {"detail/2025-11-21.cta": "delete", "daily/2025.cta": "delete",
                          "daily/2025.cta.gz": "create"})
        after = {n: self.read(n) for n in before}
        self.assertEqual(before, after)

    def test_unknown_version_is_an_error(self) -> None:
        store = os.path.join(FIXTURES, "unknown-version")
        p = run_helper("compact", "--store", store, "--config", self.config, "--from", "1", "--to", "2000000000",
                       "--dry-run", check=False)
        self.assertEqual(p.returncode, 5)
        self.assertIn("unsupported store format version 9", p.stderr)
        p = run_helper("status", "--json", "--store", store, "--config", self.config, check=False)
        self.assertEqual(p.returncode, 0)
        self.assertTrue(any("version 9" in e for e in json.loads(p.stdout)["errors"]))

    def test_status_json_on_a_fixture(self) -> None:
        store = os.path.join(FIXTURES, "corrupt")
        rep = json.loads(run_helper("status", "--json", "--store", store, "--config", self.config).stdout)
        with open(os.path.join(store, "expected.json")) as f:
            expected = json.load(f)
        self.assertEqual(rep["corrupt"]["count"], len(expected["corrupt"]))
        self.assertEqual(rep["tiers"]["detail"]["files"], 2)
        self.assertEqual(rep["store_bytes"], sum(os.path.getsize(os.path.join(store, "detail", n))
                                                 for n in os.listdir(os.path.join(store, "detail"))))
        keys = {s["key"]: s["status"] for s in rep["sources"]}
        self.assertEqual(keys["nft_rules"], "disabled")
        self.assertIn(keys["interfaces"], ("ok", "missing"))

    def unprivileged(self, *args: str) -> subprocess.CompletedProcess[str]:
        if os.geteuid() != 0 or shutil.which("setpriv") is None:
            self.skipTest("needs root to switch to an unprivileged user (setpriv, Debian util-linux)")
        # an interpreter under root's home (pyenv's, for the run on Python 3.9) is out of the
        # unprivileged user's reach: these two tests then run the helper on Debian's python3
        python = "/usr/bin/python3" if PYTHON.startswith(os.path.expanduser("~") + os.sep) else PYTHON
        return subprocess.run(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", python, HELPER,
                               *args, "--store", self.store, "--config", self.config],
                              capture_output=True, text=True, timeout=60)

    def test_writing_without_root_says_so(self) -> None:
        for cmd in (["collect"], ["rotate"], ["compact", "--from", "1", "--to", "2000000000"]):
            p = self.unprivileged(*cmd)
            self.assertEqual(p.returncode, 4, p.stderr)
            self.assertIn("run as root", p.stderr)

    def test_status_and_files_without_root_write_nothing(self) -> None:
        with open(self.config, "w") as f:
            json.dump({}, f)
        before = sorted(os.listdir(self.store))
        p = self.unprivileged("status", "--json")
        self.assertEqual(p.returncode, 0, p.stderr)
        rep = json.loads(p.stdout)
        self.assertFalse(rep["privileged"])
        nft = next(s for s in rep["sources"] if s["key"] == "nft_rules")
        if shutil.which("nft"):
            self.assertEqual((nft["status"], nft["note"]), ("needs-root", "needs administrative access"))
        p = self.unprivileged("files", "--json")
        self.assertEqual(p.returncode, 0, p.stderr)
        p = self.unprivileged("compact", "--from", "1", "--to", "2000000000", "--dry-run", "--json")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(sorted(os.listdir(self.store)), before)


class Prometheus(unittest.TestCase):
    def test_render_escapes_labels(self) -> None:
        ident = Identity("nft-rule", "inet", "filter", "input", 2, 'a "b" \\ c\nd')
        text = prometheus.render({ident.key(): (2 ** 64 + 5, 7)})
        self.assertIn('cockpit_traffic_accounting_bytes_total{source="nft-rule",family="inet",table="filter",'
                      'chain="input",seq="2",name="a \\"b\\" \\\\ c\\nd"} 18446744073709551621', text)
        self.assertIn("# TYPE cockpit_traffic_accounting_packets_total counter", text)
        self.assertTrue(text.endswith("\n"))


if __name__ == "__main__":
    unittest.main()


class MissingTools(unittest.TestCase):
    """A source whose tool is not installed is skipped with a note; the collection goes on."""

    def test_collect_without_nft_and_iptables(self) -> None:
        import contextlib
        import io
        from unittest import mock
        from cta import cli, early
        real_which = early.which

        def which(tool: str) -> str | None:
            return None if tool.startswith(("nft", "iptables", "ip6tables")) else real_which(tool)

        with tempfile.TemporaryDirectory() as d:
            config = os.path.join(d, "config.json")
            with open(config, "w") as f:
                json.dump({"sources": {"interfaces": {"exclude": []}}}, f)
            err = io.StringIO()
            with mock.patch.object(early, "which", which), mock.patch("cta.sources._which", which), \
                    contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()) as out:
                code = cli.main(["collect", "--store", os.path.join(d, "s"), "--config", config, "--json"])
            self.assertEqual(code, 0, err.getvalue())
            summary = json.loads(out.getvalue())
            self.assertEqual(summary["sources"], {"nft_counters": "missing", "nft_rules": "missing",
                                                  "iptables": "missing", "ip6tables": "missing",
                                                  "interfaces": "ok"})
            self.assertIn("cta-helper: nft_rules: nft is not installed; skipped", err.getvalue())
            self.assertIn("cta-helper: iptables: iptables-save is not installed; skipped", err.getvalue())
            self.assertGreater(summary["baselines"], 0)       # lo at least: the interfaces were read
