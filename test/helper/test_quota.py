# SPDX-License-Identifier: LGPL-2.1-or-later
"""Quotas and alerts (helper/cta/quota.py): billing cycles in local time as the page cuts them,
usage summed at each collection, the alert command run once per cycle at 80 % and 100 % with a
hostile account name as inert data, and the Prometheus lines; end to end with real packets
counted by nft in a network namespace."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
import unittest

from test.helper.common import PYTHON
from test.helper.netlab import Lab, require_root
from cta import quota
from cta.config import parse_config
from cta.store import FileWriter, Identity

ACME = "Acme; $(touch {dir}/pwned) `touch {dir}/pwned2` <b>"
RECORDER = r"""
import json, sys
with open(sys.argv[1], "a") as f:
    f.write(json.dumps(sys.argv[2:]) + "\n")
"""


def utc(iso: str) -> int:
    return int(time.mktime(time.strptime(iso, "%Y-%m-%dT%H:%M:%SZ")) - time.timezone)


class Zone:
    def __init__(self, zone: str) -> None:
        self.zone = zone

    def __enter__(self) -> None:
        self.old = os.environ.get("TZ")
        os.environ["TZ"] = self.zone
        time.tzset()

    def __exit__(self, *exc: object) -> None:
        if self.old is None:
            del os.environ["TZ"]
        else:
            os.environ["TZ"] = self.old
        time.tzset()


class Cycles(unittest.TestCase):
    def test_the_same_cycles_as_the_page(self) -> None:
        # the cases of test/engine/costs.test.ts ("billing cycle")
        cases = [
            ("UTC", "2025-11-21T12:00:00Z", 15, "2025-11-15T00:00:00Z", "2025-12-15T00:00:00Z"),
            ("UTC", "2025-11-14T23:59:59Z", 15, "2025-10-15T00:00:00Z", "2025-11-15T00:00:00Z"),
            ("UTC", "2025-02-15T00:00:00Z", 31, "2025-01-31T00:00:00Z", "2025-02-28T00:00:00Z"),
            ("UTC", "2025-03-01T12:00:00Z", 31, "2025-02-28T00:00:00Z", "2025-03-31T00:00:00Z"),
            ("UTC", "2024-02-29T12:00:00Z", 30, "2024-02-29T00:00:00Z", "2024-03-30T00:00:00Z"),
            ("UTC", "2025-01-10T00:00:00Z", 20, "2024-12-20T00:00:00Z", "2025-01-20T00:00:00Z"),
            ("Europe/Berlin", "2025-03-10T12:00:00Z", 30, "2025-02-27T23:00:00Z", "2025-03-29T23:00:00Z"),
            ("Europe/Berlin", "2025-03-31T12:00:00Z", 30, "2025-03-29T23:00:00Z", "2025-04-29T22:00:00Z"),
        ]
        for zone, now, day, start, end in cases:
            with self.subTest(zone=zone, now=now, day=day):
                with Zone("UTC"):
                    t, a, b = utc(now), utc(start), utc(end)
                with Zone(zone):
                    self.assertEqual(quota.billing_cycle(t, day), (a, b))


class Usage(unittest.TestCase):
    def setUp(self) -> None:
        self.dir = tempfile.mkdtemp()
        self.store = os.path.join(self.dir, "store")
        os.makedirs(os.path.join(self.store, "detail"))
        self.log = os.path.join(self.dir, "alerts.log")
        self.script = os.path.join(self.dir, "record.py")
        with open(self.script, "w") as f:
            f.write(RECORDER)
        self.acme = ACME.format(dir=self.dir)
        self.cfg = parse_config({
            "costs": {"currency": "EUR", "unit": "GB", "price_per_unit": "1", "billing_day": 15},
            "groups": [{"name": "free", "pattern": "^local$", "charged": False},
                       {"name": self.acme, "pattern": "^a", "charged": True}],
            "quotas": [{"name": "acme; quota", "account": self.acme, "limit": "1", "unit": "MB"},
                       {"name": "locals", "pattern": "^LOCAL$", "case_insensitive": True, "limit": "2", "unit": "MB",
                        "billing_day": 1}],
            "alert_command": [PYTHON, self.script, self.log]})
        self.web = Identity("nft-rule", "inet", "filter", "input", 1, "acme-web")
        self.local = Identity("nft-rule", "inet", "filter", "input", 1, "local")
        self.zone = Zone("UTC")
        self.zone.__enter__()

    def tearDown(self) -> None:
        self.zone.__exit__()
        shutil.rmtree(self.dir)

    def alerts(self) -> list[list[str]]:
        if not os.path.exists(self.log):
            return []
        with open(self.log) as f:
            return [json.loads(line) for line in f]

    def test_usage_from_the_store_then_by_deltas_and_alerts_once_per_cycle(self) -> None:
        t0 = utc("2025-11-20T10:00:00Z")
        w = FileWriter("detail")
        w.block(utc("2025-11-14T23:00:00Z"), utc("2025-11-15T00:00:00Z"), [(self.web, 999_999, 1)])   # the cycle before
        w.block(utc("2025-11-15T00:00:00Z"), t0, [(self.web, 500_000, 1), (self.local, 1_000_000, 1)])
        with open(os.path.join(self.store, "detail", "2025-11-20.cta"), "w") as f:
            f.write(w.text())
        usages, problems = quota.update(self.store, self.cfg, None, t0, [])
        self.assertEqual(problems, [])
        self.assertEqual(usages["acme; quota"].used, 500_000)
        self.assertEqual(usages["locals"].used, 1_000_000)
        self.assertEqual(self.alerts(), [])
        # +300,000: 80 % of 1 MB reached, alert once
        usages, _ = quota.update(self.store, self.cfg, t0, t0 + 300, [(self.web, 300_000), (self.local, 5)])
        self.assertEqual(usages["acme; quota"].used, 800_000)
        self.assertEqual(usages["locals"].used, 1_000_005)
        usages, _ = quota.update(self.store, self.cfg, t0 + 300, t0 + 600, [(self.web, 100_000)])
        cycle = ("2025-11-15T00:00:00+0000", "2025-12-15T00:00:00+0000")
        self.assertEqual(self.alerts(), [["80", "acme; quota", self.acme, "", "800000", "1000000", *cycle]])
        # 100 %: the second alert, and never again in this cycle
        quota.update(self.store, self.cfg, t0 + 600, t0 + 900, [(self.web, 200_000)])
        quota.update(self.store, self.cfg, t0 + 900, t0 + 1200, [(self.web, 1)])
        self.assertEqual([a[:2] for a in self.alerts()], [["80", "acme; quota"], ["100", "acme; quota"]])
        self.assertEqual(self.alerts()[1][4], "1100000")
        # the name was an argument, never a command
        self.assertFalse(os.path.exists(os.path.join(self.dir, "pwned")))
        self.assertFalse(os.path.exists(os.path.join(self.dir, "pwned2")))
        # the next cycle starts from this collection's record, with no alert yet
        t1 = utc("2025-12-15T00:03:00Z")
        usages, _ = quota.update(self.store, self.cfg, t0 + 1200, t1, [(self.web, 900_000)])
        self.assertEqual(usages["acme; quota"].cycle, (utc("2025-12-15T00:00:00Z"), utc("2026-01-15T00:00:00Z")))
        self.assertEqual(usages["acme; quota"].used, 900_000)
        self.assertEqual(len(self.alerts()), 3)
        self.assertEqual(self.alerts()[2][:5], ["80", "acme; quota", self.acme, "", "900000"])
        lines = quota.prometheus_lines(self.cfg, usages)
        self.assertIn('cockpit_traffic_accounting_quota_used_bytes{quota="acme; quota"} 900000', lines)
        self.assertIn('cockpit_traffic_accounting_quota_limit_bytes{quota="locals"} 2000000', lines)

    def test_a_gap_sums_again_from_the_store(self) -> None:
        t0 = utc("2025-11-20T10:00:00Z")
        w = FileWriter("detail")
        w.block(utc("2025-11-15T00:00:00Z"), t0, [(self.web, 100, 1)])
        with open(os.path.join(self.store, "detail", "2025-11-20.cta"), "w") as f:
            f.write(w.text())
        quota.update(self.store, self.cfg, None, t0, [])
        # a collection whose start is not the last end (a crash lost one): the store decides
        usages, _ = quota.update(self.store, self.cfg, t0 + 600, t0 + 900, [(self.web, 5)])
        self.assertEqual(usages["acme; quota"].used, 100)

    def test_a_failing_alert_is_reported_and_counting_goes_on(self) -> None:
        cfg = parse_config({"quotas": [{"name": "q", "pattern": "a", "limit": "1", "unit": "MB"}],
                            "alert_command": ["/nonexistent/alert"]})
        usages, problems = quota.update(self.store, cfg, None, utc("2025-11-20T10:00:00Z"), [])
        usages, problems = quota.update(self.store, cfg, utc("2025-11-20T10:00:00Z"), utc("2025-11-20T10:05:00Z"),
                                        [(self.web, 2_000_000)])
        self.assertEqual(usages["q"].used, 2_000_000)
        self.assertEqual(len(problems), 2)
        self.assertIn("alert_command for quota 'q' at 80 %", problems[0])


class Collect(unittest.TestCase):
    """Real packets, real nft counters, the real helper: usage, textfile and alerts."""

    def setUp(self) -> None:
        require_root(self)
        self.lab = Lab().start()

    def tearDown(self) -> None:
        self.lab.close()

    def test_collect_counts_the_quota_and_alerts(self) -> None:
        lab = self.lab
        lab.nft_b("""
table inet acct {
    chain input {
        type filter hook input priority 0; policy accept;
        udp dport 5000 counter comment "acme-in"
    }
}
""")
        acme = ACME.format(dir=lab.dir)
        log = os.path.join(lab.dir, "alerts.log")
        script = os.path.join(lab.dir, "record.py")
        with open(script, "w") as f:
            f.write(RECORDER)
        prom = os.path.join(lab.dir, "metrics.prom")
        lab.write_config({
            "sources": {"nft_counters": {"enabled": False}, "iptables": {"enabled": False},
                        "ip6tables": {"enabled": False}, "interfaces": {"enabled": False}},
            "groups": [{"name": acme, "pattern": "^acme-", "charged": True}],
            "quotas": [{"name": "acme", "account": acme, "limit": "0.12", "unit": "MB"}],
            "alert_command": [PYTHON, script, log],
            "prometheus_textfile": prom})
        lab.collect()
        lab.send(100, 972)                      # 100 x 1000 bytes: 83 % of 120,000
        lab.collect()
        lab.send(30, 972)                       # 130,000: 108 %
        lab.collect()
        lab.send(10, 972)
        lab.collect()
        with open(log) as f:
            alerts = [json.loads(line) for line in f]
        self.assertEqual([a[:6] for a in alerts], [["80", "acme", acme, "", "100000", "120000"],
                                                  ["100", "acme", acme, "", "130000", "120000"]])
        self.assertFalse(os.path.exists(os.path.join(lab.dir, "pwned")))
        self.assertFalse(os.path.exists(os.path.join(lab.dir, "pwned2")))
        with open(prom) as f:
            text = f.read()
        self.assertIn('cockpit_traffic_accounting_quota_used_bytes{quota="acme"} 140000', text)
        self.assertIn("cockpit_traffic_accounting_bytes_total", text)
        self.assertEqual(lab.sent_bytes, 140000)


if __name__ == "__main__":
    unittest.main()
