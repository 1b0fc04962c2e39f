# SPDX-License-Identifier: LGPL-2.1-or-later
"""The configuration file: the shared fixtures (test/fixtures/config/, which the page's
test/engine/config-model.test.ts runs too), and the command line's exit code 3 with one line."""

from __future__ import annotations

import json
import os
import tempfile
import unittest

from test.helper.common import run_helper
from cta.config import Config, ConfigError, parse_text
from cta.plans import Plan

CASES = os.path.join(os.path.dirname(__file__), "..", "fixtures", "config", "cases.json")


def plan_values(plan: Plan | None) -> dict[str, object] | None:
    return None if plan is None else {
        "currency": plan.currency, "unit": plan.unit, "price_per_unit": plan.price_per_unit,
        "bulk_discounts": [[d.up_to, d.price_per_unit] for d in plan.bulk_discounts],
        "included_quota": plan.included_quota, "free_of_charge": plan.free_of_charge,
        "charge_other_traffic": plan.charge_other_traffic, "billing_day": plan.billing_day,
        "percentile95": plan.percentile95}


def normalised(cfg: Config) -> dict[str, object]:
    return {
        "interval_seconds": cfg.interval_seconds,
        "retention": [cfg.retention.detail_days, cfg.retention.hourly_days, cfg.retention.daily_days],
        "prometheus_textfile": cfg.prometheus_textfile,
        "sources": {k: [s.enabled, s.names] for k, s in cfg.sources.items()},
        "costs": plan_values(cfg.costs),
        "groups": [[g.name, g.pattern, g.charged, g.case_insensitive, plan_values(g.plan)] for g in cfg.groups],
        "quotas": [[q.name, q.account, q.pattern, q.case_insensitive, q.limit, q.unit, q.billing_day] for q in cfg.quotas],
        "alert_command": cfg.alert_command,
    }


def load_cases() -> list[dict[str, object]]:
    with open(CASES, encoding="utf-8") as f:
        return json.load(f)["cases"]


class SharedFixtures(unittest.TestCase):
    def test_every_case(self) -> None:
        cases = load_cases()
        self.assertGreater(len(cases), 50)
        for case in cases:
            with self.subTest(case=case["name"]):
                text = case["text"]
                assert isinstance(text, str)
                if case["error"] is None:
                    self.assertEqual(normalised(parse_text(text)), case["values"])
                    continue
                with self.assertRaises(ConfigError) as cm:
                    parse_text(text)
                message = str(cm.exception)
                self.assertNotIn("\n", message)
                want = f"config.json: {case['error']}"
                if case["prefix"]:
                    self.assertTrue(message.startswith(want), message)
                else:
                    self.assertEqual(message, want)


class CommandLine(unittest.TestCase):
    """Every bad file: exit 3 and one line naming the key (issue 11, item 8); collect counts on
    with the last valid configuration and status reports the error (helper/cta/lastconfig.py)."""

    def test_each_rejected_case_exits_3_with_one_line(self) -> None:
        with tempfile.TemporaryDirectory() as d:
            os.chmod(d, 0o755)
            config = os.path.join(d, "config.json")
            store = os.path.join(d, "store")
            picked = [c for c in load_cases() if c["error"] is not None and
                      c["name"] in ("groups nested 5000 deep", "retention beyond any calendar", "unknown top-level key",
                                    "NaN is not JSON", "a key with a line break stays one line")]
            self.assertEqual(len(picked), 5)
            for case in picked:
                with open(config, "w", encoding="utf-8") as f:
                    f.write(str(case["text"]))
                want = f"config.json: {case['error']}"

                def said(line: str, want: str = want) -> bool:
                    return want in line
                for command in ("rotate", "files", "compact"):
                    with self.subTest(case=case["name"], command=command):
                        extra = ("--from", "0", "--to", "1") if command == "compact" else ()
                        p = run_helper(command, "--store", store, "--config", config, *extra, check=False)
                        self.assertEqual(p.returncode, 3, p.stderr)
                        lines = p.stderr.splitlines()
                        self.assertEqual(len(lines), 1, p.stderr)
                        self.assertTrue(said(lines[0]) and lines[0].startswith("cta-helper: config.json: "), lines[0])
                # collect goes on with the last valid configuration and says why it exits 3
                with self.subTest(case=case["name"], command="collect"):
                    p = run_helper("collect", "--store", store, "--config", config, check=False)
                    self.assertEqual(p.returncode, 3, p.stderr)
                    self.assertTrue(any(said(line) for line in p.stderr.splitlines()), p.stderr)
                    self.assertNotIn("Traceback", p.stderr)
                # status reports it, in one line, for the page
                with self.subTest(case=case["name"], command="status"):
                    p = run_helper("status", "--store", store, "--config", config, check=False)
                    self.assertEqual(p.returncode, 0, p.stderr)
                    self.assertTrue(any(said(line) for line in p.stdout.splitlines()), p.stdout)

if __name__ == "__main__":
    unittest.main()
