#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Writes test/fixtures/config/cases.json: configuration files that the helper
(test/helper/test_config_fixtures.py) and the page (test/engine/config-model.test.ts) must both
accept, with the same values, or both reject, with the same one-line message. The expectations
are written here by hand, never computed by either implementation."""

from __future__ import annotations

import json
import os

DEC = 'must be a non-negative decimal number such as "0.05" (at most 20 digits before and after the point)'
DEFAULT_SOURCES = {"nft_counters": [True, []], "nft_rules": [True, []], "iptables": [True, []],
                   "ip6tables": [True, []], "interfaces": [True, ["lo"]]}


def valid(name: str, text: str, **expect: object) -> dict[str, object]:
    """expect: the values that differ from the defaults, in the normalised form both tests build."""
    values: dict[str, object] = {"interval_seconds": 300, "retention": [7, 400, None], "prometheus_textfile": None,
                                 "sources": DEFAULT_SOURCES, "costs": None, "groups": [], "quotas": [],
                                 "alert_command": None}
    values.update(expect)
    return {"name": name, "text": text, "error": None, "values": values}


def invalid(name: str, text: str, error: str, prefix: bool = False) -> dict[str, object]:
    return {"name": name, "text": text, "error": error, "prefix": prefix}


PLAN = '"currency": "EUR", "unit": "GB", '
BASE_PLAN = {"currency": "EUR", "unit": "GB", "price_per_unit": "1", "bulk_discounts": [], "included_quota": "0",
             "free_of_charge": [], "charge_other_traffic": True, "billing_day": 1, "percentile95": None}


def plan(**changes: object) -> dict[str, object]:
    return {**BASE_PLAN, **changes}


CASES = [
    valid("empty file", ""),
    valid("only whitespace", " \n\t\r\n"),
    valid("empty object", "{}"),
    valid("the documented example", json.dumps({
        "version": 1, "interval_seconds": 60,
        "sources": {"nft_counters": {"enabled": True, "tables": ["acct"]}, "iptables": {"enabled": False, "chains": ["ACCT"]},
                    "interfaces": {"exclude": ["lo", "veth*"]}},
        "retention": {"detail_days": 3, "hourly_days": 30, "daily_days": 3650},
        "prometheus_textfile": "/var/lib/prometheus/node-exporter/cta.prom",
        "costs": {"currency": "EUR", "unit": "GB", "price_per_unit": "0.05",
                  "bulk_discounts": [{"up_to": "1000", "price_per_unit": "0.08"}, {"up_to": None, "price_per_unit": "0.03"}],
                  "included_quota": "100", "free_of_charge": ["^backup$"], "charge_other_traffic": False, "billing_day": 15,
                  "percentile95": {"price_per_mbps": "2.5"}},
        "groups": [{"name": "free of charge", "pattern": "^(local|intevation)$", "charged": False},
                   {"name": "web", "pattern": "^WWW", "charged": True, "case_insensitive": True}]}),
        interval_seconds=60, retention=[3, 30, 3650], prometheus_textfile="/var/lib/prometheus/node-exporter/cta.prom",
        sources={**DEFAULT_SOURCES, "nft_counters": [True, ["acct"]], "iptables": [False, ["ACCT"]],
                 "interfaces": [True, ["lo", "veth*"]]},
        costs=plan(price_per_unit="0.05", bulk_discounts=[["1000", "0.08"], [None, "0.03"]], included_quota="100",
                   free_of_charge=["^backup$"], charge_other_traffic=False, billing_day=15, percentile95="2.5"),
        groups=[["free of charge", "^(local|intevation)$", False, False, None], ["web", "^WWW", True, True, None]]),
    valid("the first format's camelCase names are read", json.dumps({
        "costs": {"currency": "CHF", "unit": "MB", "pricePerUnit": "0.5", "tiers": [{"upTo": "10", "pricePerUnit": "0.7"}],
                  "includedQuota": "2", "freeOfCharge": ["x"], "chargeOtherTraffic": True, "billingDay": 31,
                  "percentile95": {"pricePerMbps": "1"}},
        "groups": [{"name": "g", "pattern": "g", "charged": True, "caseInsensitive": True}]}),
        costs=plan(currency="CHF", unit="MB", price_per_unit="0.5", bulk_discounts=[["10", "0.7"]], included_quota="2",
                   free_of_charge=["x"], billing_day=31, percentile95="1"),
        groups=[["g", "g", True, True, None]]),
    invalid("an old and a new name together", '{"costs": {' + PLAN + '"pricePerUnit": "1", "price_per_unit": "1"}}',
            "costs.pricePerUnit: is the old name of price_per_unit: give only price_per_unit"),
    invalid("unknown top-level key", '{"colour": "blue"}', "colour: unknown key"),
    invalid("unknown keys are reported in JavaScript's key order", '{"zz": 1, "5": 2}', "5: unknown key"),
    invalid("a key with a line break stays one line", '{"a\\nb\\u2028\\ud83d\\ude00": 1}',
            '"a\\u000ab\\u2028\\ud83d\\ude00": unknown key'),
    invalid("a lone surrogate in a key", '{"\\ud800": 1}', '"\\ud800": unknown key'),
    invalid("__proto__ is just an unknown key", '{"__proto__": {"interval_seconds": 60}}', "__proto__: unknown key"),
    valid("300.0 is a whole number", '{"interval_seconds": 300.0}'),
    valid("1e2 is a whole number", '{"interval_seconds": 1e2}', interval_seconds=100),
    valid("the last of two equal keys wins", '{"interval_seconds": "x", "interval_seconds": 60}', interval_seconds=60),
    invalid("NaN is not JSON", '{"interval_seconds": NaN}', "(file): not valid JSON", prefix=True),
    invalid("Infinity is not JSON", '{"retention": {"detail_days": Infinity}}', "(file): not valid JSON", prefix=True),
    invalid("a byte-order mark is not JSON", '\ufeff{}', "(file): not valid JSON", prefix=True),
    invalid("broken JSON", '{not json', "(file): not valid JSON", prefix=True),
    invalid("an interval too short", '{"interval_seconds": 5}', "interval_seconds: must be a whole number from 10 to 86400"),
    invalid("an interval with a fraction", '{"interval_seconds": 300.5}', "interval_seconds: must be a whole number from 10 to 86400"),
    invalid("an interval as text", '{"interval_seconds": "300"}', "interval_seconds: must be a whole number from 10 to 86400"),
    invalid("a boolean is not a number", '{"interval_seconds": true}', "interval_seconds: must be a whole number from 10 to 86400"),
    invalid("retention beyond any calendar", '{"retention": {"detail_days": 100000000000000000000}}',
            "retention.detail_days: must be a whole number from 1 to 100000"),
    invalid("retention with 400 digits", '{"retention": {"detail_days": ' + "9" * 400 + '}}',
            "retention.detail_days: must be a whole number from 1 to 100000"),
    invalid("hourly shorter than detail", '{"retention": {"detail_days": 10, "hourly_days": 9}}',
            "retention.hourly_days: must not be less than retention.detail_days"),
    invalid("daily as text", '{"retention": {"daily_days": "x"}}',
            "retention.daily_days: must be null or a whole number from 1 to 100000"),
    invalid("daily shorter than hourly", '{"retention": {"daily_days": 10}}',
            "retention.daily_days: must be null or not less than retention.hourly_days"),
    invalid("groups nested 5000 deep", '{"groups": ' + "[" * 5000 + "]" * 5000 + "}",
            "groups: nested more than 16 levels deep"),
    invalid("the top level nested 5000 deep", "[" * 5000 + "]" * 5000, "(top level): nested more than 16 levels deep"),
    invalid("brackets inside a string are text", '{"x": "' + "[{" * 40 + '"}', "x: unknown key"),
    invalid("version 2", '{"version": 2}', "version: must be 1"),
    valid("version 1.0", '{"version": 1.0}'),
    invalid("not an object", "[]", "(top level): must be an object"),
    invalid("iptables limits by chains", '{"sources": {"iptables": {"tables": []}}}', "sources.iptables.tables: unknown key"),
    invalid("an unknown source", '{"sources": {"pf": {}}}', "sources.pf: unknown key"),
    invalid("enabled as text", '{"sources": {"nft_rules": {"enabled": "yes"}}}', "sources.nft_rules.enabled: must be true or false"),
    invalid("exclude as text", '{"sources": {"interfaces": {"exclude": "lo"}}}',
            "sources.interfaces.exclude: must be a list of non-empty strings"),
    invalid("a relative textfile", '{"prometheus_textfile": "relative.prom"}',
            "prometheus_textfile: must be null or an absolute path ending in .prom"),
    valid("no costs", '{"costs": {}}'),
    invalid("a currency in words", '{"costs": {"currency": "euro", "unit": "GB", "price_per_unit": "1"}}',
            'costs.currency: must be a three-letter ISO 4217 currency code such as "EUR"'),
    invalid("a unit it does not know", '{"costs": {"currency": "EUR", "unit": "KB", "price_per_unit": "1"}}',
            "costs.unit: must be one of MB, GB, TB, MiB, GiB, TiB"),
    invalid("a negative price", '{"costs": {' + PLAN + '"price_per_unit": "-1"}}', "costs.price_per_unit: " + DEC),
    invalid("a missing price", '{"costs": {' + PLAN[:-2] + '}}', "costs.price_per_unit: " + DEC),
    invalid("a price in exponent form", '{"costs": {' + PLAN + '"price_per_unit": 1e-7}}', "costs.price_per_unit: " + DEC),
    valid("a price number JavaScript prints plainly", '{"costs": {' + PLAN + '"price_per_unit": 0.00001}}',
          costs=plan(price_per_unit="0.00001")),
    valid("1e16 is printed plainly too", '{"costs": {' + PLAN + '"price_per_unit": 1e16}}',
          costs=plan(price_per_unit="10000000000000000")),
    valid("12.50 is the number 12.5", '{"costs": {' + PLAN + '"price_per_unit": 12.50}}', costs=plan(price_per_unit="12.5")),
    invalid("1e21 is not printed plainly", '{"costs": {' + PLAN + '"price_per_unit": 1e21}}', "costs.price_per_unit: " + DEC),
    invalid("a 24-digit number", '{"costs": {' + PLAN + '"price_per_unit": 123456789012345678901234}}',
            "costs.price_per_unit: " + DEC),
    invalid("too many decimals", '{"costs": {' + PLAN + '"price_per_unit": "0.000000000000000000001"}}',
            "costs.price_per_unit: " + DEC),
    valid("-0 is zero", '{"costs": {' + PLAN + '"price_per_unit": -0.0}}', costs=plan(price_per_unit="0")),
    invalid("an open bulk discount before the last", '{"costs": {' + PLAN + '"price_per_unit": "1", "bulk_discounts": '
            '[{"up_to": null, "price_per_unit": "1"}, {"up_to": "5", "price_per_unit": "1"}]}}',
            "costs.bulk_discounts[0].up_to: only the last bulk discount may have no upper limit"),
    invalid("bulk discounts out of order", '{"costs": {' + PLAN + '"price_per_unit": "1", "bulk_discounts": '
            '[{"up_to": "5", "price_per_unit": "1"}, {"up_to": "5.0", "price_per_unit": "1"}]}}',
            "costs.bulk_discounts[1].up_to: must be larger than the previous bulk discount's"),
    invalid("billing day 32", '{"costs": {' + PLAN + '"price_per_unit": "1", "billing_day": 32}}',
            "costs.billing_day: must be a whole number from 1 to 31"),
    valid("billing day 15.0", '{"costs": {' + PLAN + '"price_per_unit": "1", "billing_day": 15.0}}',
          costs=plan(billing_day=15)),
    invalid("percentile without a price", '{"costs": {' + PLAN + '"price_per_unit": "1", "percentile95": {}}}',
            "costs.percentile95.price_per_mbps: " + DEC),
    invalid("free of charge as text", '{"costs": {' + PLAN + '"price_per_unit": "1", "free_of_charge": "x"}}',
            "costs.free_of_charge: must be a list of patterns"),
    valid("a pattern that backtracking engines choke on is fine here",
          '{"costs": {' + PLAN + '"price_per_unit": "1", "free_of_charge": ["(a+)+$"]}}',
          costs=plan(free_of_charge=["(a+)+$"])),
    invalid("look-ahead is not in the syntax", '{"costs": {' + PLAN + '"price_per_unit": "1", "free_of_charge": ["x", "(?=a)"]}}',
            "costs.free_of_charge[1]: invalid pattern: at character 1: look-around and named groups are not supported"),
    invalid("groups as text", '{"groups": "x"}', "groups: must be a list"),
    invalid("a group that is not an object", '{"groups": [7]}', "groups[0]: must be an object"),
    invalid("a group without a name", '{"groups": [{"name": " ", "pattern": "a", "charged": true}]}',
            "groups[0].name: must be a non-empty name"),
    invalid("two groups with one name", '{"groups": [{"name": "a", "pattern": "a", "charged": true}, '
            '{"name": "a", "pattern": "b", "charged": true}]}', "groups[1].name: is used by another group"),
    invalid("a broken pattern", '{"groups": [{"name": "a", "pattern": "(a", "charged": true}]}',
            "groups[0].pattern: invalid pattern: at character 1: missing )"),
    invalid("charged as text", '{"groups": [{"name": "a", "pattern": "a", "charged": "yes"}]}',
            "groups[0].charged: must be true or false"),
    valid("an account with its own plan", '{"costs": {' + PLAN + '"price_per_unit": "1"}, "groups": [{"name": "a", "pattern": "^a",'
          ' "charged": true, "plan": {"currency": "EUR", "unit": "TB", "price_per_unit": "3", "included_quota": "1.5",'
          ' "billingDay": 15, "percentile95": {"price_per_mbps": "0.5"}}}]}',
          costs=plan(), groups=[["a", "^a", True, False, plan(unit="TB", price_per_unit="3", included_quota="1.5", billing_day=15,
                                                              percentile95="0.5")]]),
    valid("accounts with plans and no default plan", '{"groups": [{"name": "a", "pattern": "a", "charged": true, "plan": '
          '{"currency": "USD", "unit": "GB", "price_per_unit": "1"}}, {"name": "b", "pattern": "b", "charged": true}]}',
          groups=[["a", "a", True, False, plan(currency="USD")], ["b", "b", True, False, None]]),
    invalid("only the default plan says whether other traffic is charged",
            '{"groups": [{"name": "a", "pattern": "a", "charged": true, "plan": {' + PLAN + '"price_per_unit": "1", "charge_other_traffic": true}}]}',
            "groups[0].plan.charge_other_traffic: unknown key"),
    invalid("nor by its old name", '{"groups": [{"name": "a", "pattern": "a", "charged": true, "plan": {"chargeOtherTraffic": true}}]}',
            "groups[0].plan.chargeOtherTraffic: unknown key"),
    invalid("an account plan that is not a plan", '{"groups": [{"name": "a", "pattern": "a", "charged": true, "plan": {}}]}',
            'groups[0].plan.currency: must be a three-letter ISO 4217 currency code such as "EUR"'),
    invalid("one file bills in one currency", '{"costs": {' + PLAN + '"price_per_unit": "1"}, "groups": [{"name": "a", "pattern": "a",'
            ' "charged": true}, {"name": "b", "pattern": "b", "charged": true, "plan": {"currency": "USD", "unit": "GB", "price_per_unit": "1"}}]}',
            "groups[1].plan.currency: must be EUR, the currency of the other plans"),
    valid("quotas and an alert command", '{"groups": [{"name": "acme; $(reboot)", "pattern": "^acme", "charged": true}], '
          '"quotas": [{"name": "acme", "account": "acme; $(reboot)", "limit": "500", "unit": "GB"}, '
          '{"name": "backup", "pattern": "^backup$", "case_insensitive": true, "limit": 0.5, "unit": "TiB", "billing_day": 31}], '
          '"alert_command": ["/usr/local/bin/notify", "--to", "ops"]}',
          groups=[["acme; $(reboot)", "^acme", True, False, None]],
          quotas=[["acme", "acme; $(reboot)", None, False, "500", "GB", None], ["backup", None, "^backup$", True, "0.5", "TiB", 31]],
          alert_command=["/usr/local/bin/notify", "--to", "ops"]),
    invalid("a quota for an account that is no group", '{"quotas": [{"name": "q", "account": "nobody", "limit": "1", "unit": "GB"}]}',
            "quotas[0].account: is not the name of a group"),
    invalid("a quota with an account and a pattern", '{"quotas": [{"name": "q", "account": "a", "pattern": "a", "limit": "1", "unit": "GB"}]}',
            "quotas[0]: needs either an account or a pattern"),
    invalid("a quota with neither", '{"quotas": [{"name": "q", "limit": "1", "unit": "GB"}]}', "quotas[0]: needs either an account or a pattern"),
    invalid("a quota of nothing", '{"quotas": [{"name": "q", "pattern": "a", "limit": "0.0", "unit": "GB"}]}', "quotas[0].limit: must be more than 0"),
    invalid("a quota without a unit", '{"quotas": [{"name": "q", "pattern": "a", "limit": "1"}]}',
            "quotas[0].unit: must be one of MB, GB, TB, MiB, GiB, TiB"),
    invalid("two quotas with one name", '{"quotas": [{"name": "q", "pattern": "a", "limit": "1", "unit": "GB"}, '
            '{"name": "q", "pattern": "b", "limit": "1", "unit": "GB"}]}', "quotas[1].name: is used by another quota"),
    invalid("an alert command for a shell", '{"alert_command": "mail -s quota ops < /dev/null"}',
            "alert_command: must be null or a list of non-empty strings, the first an absolute path"),
    invalid("an alert command by a relative name", '{"alert_command": ["notify"]}',
            "alert_command: must be null or a list of non-empty strings, the first an absolute path"),
    invalid("an unknown group key", '{"groups": [{"name": "a", "pattern": "a", "charged": true, "colour": 1}]}',
            "groups[0].colour: unknown key"),
]
# {"groups": [[...]]} with 15 brackets is 16 levels deep: past the depth check, into validation
CASES.append(invalid("sixteen levels pass the depth check", '{"groups": ' + "[" * 15 + "]" * 15 + "}",
                     "groups[0]: must be an object"))
CASES.append(invalid("seventeen levels do not", '{"groups": ' + "[" * 16 + "]" * 16 + "}",
                     "groups: nested more than 16 levels deep"))


def main() -> None:
    out = os.path.join(os.path.dirname(__file__), "..", "fixtures", "config", "cases.json")
    with open(out, "w", encoding="utf-8") as f:
        json.dump({"description": __doc__.strip().replace("\n", " "), "cases": CASES}, f, indent=1, ensure_ascii=True)
        f.write("\n")


if __name__ == "__main__":
    main()
