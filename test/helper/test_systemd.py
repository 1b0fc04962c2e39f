# SPDX-License-Identifier: LGPL-2.1-or-later
"""The systemd units: `systemd-analyze verify` prints nothing, sandboxing is in place."""

from __future__ import annotations

import configparser
import os
import shutil
import subprocess
import tempfile
import unittest

from test.helper.common import HELPER, HELPER_DIR

UNITS = os.path.join(HELPER_DIR, "systemd")
INSTALLED = "/usr/libexec/cockpit-traffic-accounting/cta-helper"
NAMES = ["cockpit-traffic-accounting-collect.service", "cockpit-traffic-accounting-collect.timer",
         "cockpit-traffic-accounting-rotate.service", "cockpit-traffic-accounting-rotate.timer",
         "cockpit-traffic-accounting-rules.service"]


def unit(name: str) -> configparser.ConfigParser:
    cp = configparser.ConfigParser(strict=False, interpolation=None, delimiters=("=",))
    cp.optionxform = str  # type: ignore[assignment,method-assign]
    cp.read(os.path.join(UNITS, name))
    return cp


class Units(unittest.TestCase):
    def test_verify_prints_nothing(self) -> None:
        if shutil.which("systemd-analyze") is None:
            self.skipTest("systemd-analyze is not installed (Debian package systemd)")
        with tempfile.TemporaryDirectory() as d:
            # verify checks that ExecStart exists: point it at this checkout unless installed
            for name in NAMES:
                with open(os.path.join(UNITS, name)) as f:
                    text = f.read()
                if not os.path.exists(INSTALLED):
                    text = text.replace(INSTALLED, HELPER)
                with open(os.path.join(d, name), "w") as f:
                    f.write(text)
            p = subprocess.run(["systemd-analyze", "verify", *[os.path.join(d, n) for n in NAMES]],
                               capture_output=True, text=True, cwd=d, timeout=120)
            self.assertEqual((p.returncode, p.stdout, p.stderr), (0, "", ""))

    def test_services_are_sandboxed(self) -> None:
        for name, verb in (("cockpit-traffic-accounting-collect.service", "collect"),
                           ("cockpit-traffic-accounting-rotate.service", "rotate"),
                           ("cockpit-traffic-accounting-rules.service", "rules apply")):
            s = unit(name)["Service"]
            self.assertEqual(s["ExecStart"], f"{INSTALLED} {verb}")
            self.assertEqual(s["Type"], "oneshot")
            self.assertEqual(s["ProtectSystem"], "strict")
            self.assertEqual(s["NoNewPrivileges"], "yes")
            self.assertIn("/var/lib/cockpit-traffic-accounting", s["ReadWritePaths"])
            self.assertNotIn("PrivateNetwork", s)
        caps = unit("cockpit-traffic-accounting-collect.service")["Service"]["CapabilityBoundingSet"]
        self.assertEqual(set(caps.split()), {"CAP_NET_ADMIN", "CAP_NET_RAW"})
        self.assertEqual(unit("cockpit-traffic-accounting-rotate.service")["Service"]["CapabilityBoundingSet"], "")
        rules = unit("cockpit-traffic-accounting-rules.service")
        self.assertEqual(set(rules["Service"]["CapabilityBoundingSet"].split()), {"CAP_NET_ADMIN", "CAP_NET_RAW"})

    def test_rules_load_after_the_firewall_at_boot(self) -> None:
        rules = unit("cockpit-traffic-accounting-rules.service")
        # the firewall's own load usually starts with `flush ruleset`: the rules come after it
        self.assertTrue({"nftables.service", "firewalld.service"} <= set(rules["Unit"]["After"].split()))
        self.assertEqual(rules["Install"]["WantedBy"], "multi-user.target")

    def test_timers(self) -> None:
        collect = unit("cockpit-traffic-accounting-collect.timer")["Timer"]
        self.assertEqual((collect["OnCalendar"], collect["Persistent"]), ("*:0/5", "true"))
        rotate = unit("cockpit-traffic-accounting-rotate.timer")["Timer"]
        self.assertEqual(rotate["Persistent"], "true")
        self.assertTrue(rotate["OnCalendar"].startswith("*-*-* "))


if __name__ == "__main__":
    unittest.main()
