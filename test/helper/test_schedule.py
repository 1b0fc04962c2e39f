# SPDX-License-Identifier: LGPL-2.1-or-later
"""`cta-helper schedule`: the collect timer's drop-in for interval_seconds. Every calendar
expression it writes is checked by systemd's own parser (`systemd-analyze calendar`): each of
its next firings is exactly the interval after the one before. The drop-in under a running
systemd is tested in test/systemd/test_boot.py."""

from __future__ import annotations

import calendar
import json
import os
import shutil
import subprocess
import tempfile
import unittest
from datetime import datetime

from test.helper.common import run_helper
from cta import schedule


def firings(expression: str, n: int) -> list[datetime]:
    out = subprocess.run(["systemd-analyze", "calendar", f"--iterations={n}", expression],
                         capture_output=True, text=True, check=True, env={**os.environ, "TZ": "UTC"}).stdout
    stamps = []
    for line in out.splitlines():
        if "Next elapse" in line or "Iter." in line:
            # "   Next elapse: Wed 2026-12-02 00:35:00 UTC" / "      Iter. #2: Wed ..."
            words = line.split(":", 1)[1].split()
            stamps.append(datetime.strptime(f"{words[1]} {words[2]}", "%Y-%m-%d %H:%M:%S"))
    return stamps


class Calendar(unittest.TestCase):
    def test_even_intervals_are_calendars_that_systemd_reads_as_meant(self) -> None:
        if shutil.which("systemd-analyze") is None:
            self.skipTest("systemd-analyze is not installed (Debian package systemd)")
        for seconds in (10, 15, 20, 30, 60, 120, 240, 600, 900, 1800, 3600, 7200, 21600, 86400):
            with self.subTest(seconds=seconds):
                expression = schedule.calendar(seconds)
                assert expression is not None
                stamps = firings(expression, 30)
                self.assertEqual(len(stamps), 30)
                gaps = {int((b - a).total_seconds()) for a, b in zip(stamps, stamps[1:])}
                self.assertEqual(gaps, {seconds}, expression)
                self.assertEqual(calendar.timegm(stamps[0].timetuple()) % seconds, 0)

    def test_uneven_intervals_run_from_the_last_collection(self) -> None:
        for seconds in (45, 420, 1000, 5400, 50000):
            with self.subTest(seconds=seconds):
                self.assertIsNone(schedule.calendar(seconds))
                text = schedule.dropin_text(seconds) or ""
                self.assertIn(f"\nOnCalendar=\nOnBootSec={seconds}s\nOnUnitActiveSec={seconds}s\n", text)

    def test_cron_lines(self) -> None:
        self.assertEqual(schedule.cron_line(300), f"*/5 * * * *  root  {schedule.CRON_HELPER}")
        self.assertEqual(schedule.cron_line(60), f"* * * * *  root  {schedule.CRON_HELPER}")
        self.assertIsNone(schedule.cron_line(30))       # cron counts minutes
        self.assertIsNone(schedule.cron_line(420))      # 7 does not divide the hour


class Apply(unittest.TestCase):
    def setUp(self) -> None:
        self.dir = tempfile.mkdtemp(prefix="cta-schedule-")
        self.dropins = os.path.join(self.dir, "timer.d")

    def tearDown(self) -> None:
        shutil.rmtree(self.dir)

    def test_write_replace_and_remove_for_the_default(self) -> None:
        path = os.path.join(self.dropins, schedule.DROPIN_NAME)
        done = schedule.apply(60, self.dropins, reload=False)
        self.assertTrue(done.changed)
        with open(path) as f:
            self.assertIn("\n[Timer]\nOnCalendar=\nOnCalendar=*:0/1:00\n", f.read())
        self.assertEqual(os.stat(path).st_mode & 0o777, 0o644)
        self.assertFalse(schedule.apply(60, self.dropins, reload=False).changed)
        self.assertTrue(schedule.apply(20, self.dropins, reload=False).changed)
        with open(path) as f:
            self.assertIn("OnCalendar=*:*:0/20\n", f.read())
        # the default: the packaged timer as it is, and the empty directory gone with the file
        self.assertTrue(schedule.apply(300, self.dropins, reload=False).changed)
        self.assertFalse(os.path.exists(self.dropins))
        # an admin's own drop-in beside ours stays
        schedule.apply(60, self.dropins, reload=False)
        with open(os.path.join(self.dropins, "override.conf"), "w") as f:
            f.write("[Timer]\n")
        schedule.apply(300, self.dropins, reload=False)
        self.assertEqual(os.listdir(self.dropins), ["override.conf"])

    def test_show_on_the_command_line(self) -> None:
        cfg = os.path.join(self.dir, "config.json")
        with open(cfg, "w") as f:
            json.dump({"interval_seconds": 900}, f)
        p = run_helper("schedule", "show", "--config", cfg, "--store", self.dir, "--json")
        out = json.loads(p.stdout)
        self.assertEqual((out["interval_seconds"], out["cron"]), (900, f"*/15 * * * *  root  {schedule.CRON_HELPER}"))
        self.assertIn("OnCalendar=*:0/15:00\n", out["dropin"])
        # the action word may come after the options, as the page passes them
        after = json.loads(run_helper("schedule", "--config", cfg, "--store", self.dir, "show", "--json").stdout)
        self.assertEqual(after, out)
        p = run_helper("schedule", "show", "apply", "--config", cfg, check=False)
        self.assertEqual(p.returncode, 2)
        self.assertIn("schedule: unknown argument 'apply'", p.stderr)
        p = run_helper("schedule", "--config", cfg, check=False)
        self.assertEqual(p.returncode, 2)
        self.assertIn("schedule: needs one of show, apply", p.stderr)
        with open(cfg, "w") as f:
            f.write('{"interval_seconds": 5}')
        p = run_helper("schedule", "show", "--config", cfg, check=False)
        self.assertEqual(p.returncode, 3, p.stderr)
        self.assertIn("interval_seconds", p.stderr)


if __name__ == "__main__":
    unittest.main()
