# SPDX-License-Identifier: LGPL-2.1-or-later
"""The configuration's rules key: the shared cases of test/fixtures/config/rule-cases.json, which
the page's test/engine/rule-spec.test.ts runs too (same rules, same first message)."""

from __future__ import annotations

import json
import os
import unittest

from test.helper import common  # noqa: F401  (import path)
from cta.config import ConfigError, parse_text
from cta.rulespec import Rule

CASES = os.path.join(os.path.dirname(__file__), "..", "fixtures", "config", "rule-cases.json")


def normalised(r: Rule) -> dict[str, object]:
    net = r.network
    return {"id": r.id, "name": r.name, "kind": r.kind, "direction": r.direction, "hook": r.hook,
            "network": None if net is None else [net.family, net.text, net.length], "protocol": r.protocol,
            "port": r.port, "interface": r.interface, "timeout_seconds": r.timeout_seconds}


class SharedRuleCases(unittest.TestCase):
    def test_every_case(self) -> None:
        with open(CASES, encoding="utf-8") as f:
            cases = json.load(f)["cases"]
        self.assertGreater(len(cases), 50)
        for case in cases:
            with self.subTest(case=case["name"]):
                if case["error"] is None:
                    self.assertEqual([normalised(r) for r in parse_text(case["text"]).rules], case["rules"])
                    continue
                with self.assertRaises(ConfigError) as cm:
                    parse_text(case["text"])
                self.assertEqual(str(cm.exception), f"config.json: {case['error']}")


if __name__ == "__main__":
    unittest.main()
