# SPDX-License-Identifier: LGPL-2.1-or-later
"""The "costs" and "groups" keys of the configuration file (docs/costs.md): validated here
exactly as the page validates them (src/engine/costs.ts), in the same order, with the same
messages, so that the helper and the page accept and reject the same files."""

from __future__ import annotations

import re
from decimal import Decimal

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

from .jsonvalues import ValueProblem, boolean, decimal, obj, whole

UNIT_BYTES = {"MB": 10 ** 6, "GB": 10 ** 9, "TB": 10 ** 12, "MiB": 1024 ** 2, "GiB": 1024 ** 3, "TiB": 1024 ** 4}
PLAN_KEYS = ("currency", "unit", "price_per_unit", "bulk_discounts", "included_quota", "free_of_charge",
             "charge_other_traffic", "billing_day", "percentile95")
# Names of the first file format (camelCase), read and rewritten by the page on save.
OLD_PLAN_KEYS = {"pricePerUnit": "price_per_unit", "tiers": "bulk_discounts", "includedQuota": "included_quota",
                 "freeOfCharge": "free_of_charge", "chargeOtherTraffic": "charge_other_traffic",
                 "billingDay": "billing_day"}
GROUP_KEYS = ("name", "pattern", "charged", "case_insensitive", "plan")
# An account's own plan: everything but what only the default plan can say.
ACCOUNT_PLAN_KEYS = tuple(k for k in PLAN_KEYS if k != "charge_other_traffic")
OLD_GROUP_KEYS = {"caseInsensitive": "case_insensitive"}


class BulkDiscount:
    def __init__(self, up_to: str | None, price_per_unit: str) -> None:
        self.up_to = up_to
        self.price_per_unit = price_per_unit


class Plan:
    def __init__(self, currency: str, unit: str, price_per_unit: str) -> None:
        self.currency = currency
        self.unit = unit
        self.price_per_unit = price_per_unit
        self.bulk_discounts: list[BulkDiscount] = []
        self.included_quota = "0"
        self.free_of_charge: list[str] = []
        self.charge_other_traffic = True
        self.billing_day = 1
        self.percentile95: str | None = None     # price per Mbit/s


class Group:
    def __init__(self, name: str, pattern: str, charged: bool, case_insensitive: bool, plan: Plan | None = None) -> None:
        self.name = name
        self.pattern = pattern
        self.charged = charged
        self.case_insensitive = case_insensitive
        self.plan = plan                    # the account's own plan; None: the default plan


def _pattern(v: Any, path: str) -> str:
    if not isinstance(v, str):
        raise ValueProblem(path, "must be a pattern (text)")
    from .pattern import PatternError, compile_pattern
    try:
        compile_pattern(v)
    except PatternError as e:
        raise ValueProblem(path, f"invalid pattern: {e}") from None
    return v


def parse_plan(value: Any, path: str = "costs", account: bool = False) -> Plan:
    v = obj(value, path, ACCOUNT_PLAN_KEYS if account else PLAN_KEYS, OLD_PLAN_KEYS)
    currency = v.get("currency")
    if not isinstance(currency, str) or not re.fullmatch(r"[A-Z]{3}", currency):
        raise ValueProblem(f"{path}.currency", 'must be a three-letter ISO 4217 currency code such as "EUR"')
    unit = v.get("unit")
    if not isinstance(unit, str) or unit not in UNIT_BYTES:
        raise ValueProblem(f"{path}.unit", "must be one of " + ", ".join(UNIT_BYTES))
    plan = Plan(currency, unit, decimal(v.get("price_per_unit"), f"{path}.price_per_unit"))
    if "bulk_discounts" in v:
        items = v["bulk_discounts"]
        if not isinstance(items, list):
            raise ValueProblem(f"{path}.bulk_discounts", "must be a list")
        previous: Decimal | None = None
        for i, item in enumerate(items):
            p = f"{path}.bulk_discounts[{i}]"
            d = obj(item, p, ("up_to", "price_per_unit"), {"upTo": "up_to", "pricePerUnit": "price_per_unit"})
            up_to = d.get("up_to")
            if up_to is None:
                if i != len(items) - 1:
                    raise ValueProblem(f"{p}.up_to", "only the last bulk discount may have no upper limit")
            else:
                up_to = decimal(up_to, f"{p}.up_to")
                if previous is not None and Decimal(up_to) <= previous:
                    raise ValueProblem(f"{p}.up_to", "must be larger than the previous bulk discount's")
                previous = Decimal(up_to)
            plan.bulk_discounts.append(BulkDiscount(up_to, decimal(d.get("price_per_unit"), f"{p}.price_per_unit")))
    if "included_quota" in v:
        plan.included_quota = decimal(v["included_quota"], f"{path}.included_quota")
    if "free_of_charge" in v:
        free = v["free_of_charge"]
        if not isinstance(free, list):
            raise ValueProblem(f"{path}.free_of_charge", "must be a list of patterns")
        plan.free_of_charge = [_pattern(p, f"{path}.free_of_charge[{i}]") for i, p in enumerate(free)]
    if "charge_other_traffic" in v:
        plan.charge_other_traffic = boolean(v["charge_other_traffic"], f"{path}.charge_other_traffic")
    if "billing_day" in v:
        plan.billing_day = whole(v["billing_day"], f"{path}.billing_day", 1, 31)
    if "percentile95" in v:
        p95 = obj(v["percentile95"], f"{path}.percentile95", ("price_per_mbps",), {"pricePerMbps": "price_per_mbps"})
        plan.percentile95 = decimal(p95.get("price_per_mbps"), f"{path}.percentile95.price_per_mbps")
    return plan


def parse_costs(value: Any) -> Plan | None:
    """The "costs" key: {} (no money shown) or a plan."""
    if isinstance(value, dict) and not value:
        return None
    return parse_plan(value)


def parse_groups(value: Any, path: str = "groups") -> list[Group]:
    if not isinstance(value, list):
        raise ValueProblem(path, "must be a list")
    groups: list[Group] = []
    names: set[str] = set()
    for i, item in enumerate(value):
        p = f"{path}[{i}]"
        g = obj(item, p, GROUP_KEYS, OLD_GROUP_KEYS)
        name = g.get("name")
        if not isinstance(name, str) or name.strip() == "":
            raise ValueProblem(f"{p}.name", "must be a non-empty name")
        if name in names:
            raise ValueProblem(f"{p}.name", "is used by another group")
        names.add(name)
        pattern = _pattern(g.get("pattern"), f"{p}.pattern")
        charged = boolean(g.get("charged"), f"{p}.charged")
        case_insensitive = boolean(g["case_insensitive"], f"{p}.case_insensitive") if "case_insensitive" in g else False
        plan = parse_plan(g["plan"], f"{p}.plan", account=True) if "plan" in g else None
        groups.append(Group(name, pattern, charged, case_insensitive, plan))
    return groups


def check_currencies(costs: Plan | None, groups: list[Group]) -> None:
    """One file bills in one currency: every account's plan uses the default plan's (or the first)."""
    currency = costs.currency if costs is not None else None
    for i, g in enumerate(groups):
        if g.plan is None:
            continue
        if currency is None:
            currency = g.plan.currency
        elif g.plan.currency != currency:
            raise ValueProblem(f"groups[{i}].plan.currency", f"must be {currency}, the currency of the other plans")


QUOTA_KEYS = ("name", "account", "pattern", "case_insensitive", "limit", "unit", "billing_day")


class Quota:
    def __init__(self, name: str, account: str | None, pattern: str | None, case_insensitive: bool,
                 limit: str, unit: str, billing_day: int | None) -> None:
        self.name = name
        self.account = account              # a group's name, or None
        self.pattern = pattern              # rule names, or None
        self.case_insensitive = case_insensitive
        self.limit = limit                  # decimal text, in `unit` per billing cycle
        self.unit = unit
        self.billing_day = billing_day      # None: the account's plan's, the default plan's, or 1

    def limit_bytes(self) -> int:
        """The limit in bytes, rounded down: an alert never comes later than the limit says."""
        d = Decimal(self.limit) * UNIT_BYTES[self.unit]
        return int(d)


def parse_quotas(value: Any, path: str = "quotas") -> list[Quota]:
    if not isinstance(value, list):
        raise ValueProblem(path, "must be a list")
    quotas: list[Quota] = []
    names: set[str] = set()
    for i, item in enumerate(value):
        p = f"{path}[{i}]"
        q = obj(item, p, QUOTA_KEYS)
        name = q.get("name")
        if not isinstance(name, str) or name.strip(" \t\r\n") == "":
            raise ValueProblem(f"{p}.name", "must be a non-empty name")
        if name in names:
            raise ValueProblem(f"{p}.name", "is used by another quota")
        names.add(name)
        account = q.get("account")
        if account is not None and (not isinstance(account, str) or account == ""):
            raise ValueProblem(f"{p}.account", "must be the name of a group")
        pattern = _pattern(q["pattern"], f"{p}.pattern") if "pattern" in q else None
        if (account is None) == (pattern is None):
            raise ValueProblem(p, "needs either an account or a pattern")
        case_insensitive = boolean(q["case_insensitive"], f"{p}.case_insensitive") if "case_insensitive" in q else False
        limit = decimal(q.get("limit"), f"{p}.limit")
        if Decimal(limit) == 0:
            raise ValueProblem(f"{p}.limit", "must be more than 0")
        unit = q.get("unit")
        if not isinstance(unit, str) or unit not in UNIT_BYTES:
            raise ValueProblem(f"{p}.unit", "must be one of " + ", ".join(UNIT_BYTES))
        day = whole(q["billing_day"], f"{p}.billing_day", 1, 31) if "billing_day" in q else None
        quotas.append(Quota(name, account, pattern, case_insensitive, limit, unit, day))
    return quotas


def check_accounts(quotas: list[Quota], groups: list[Group]) -> None:
    names = {g.name for g in groups}
    for i, q in enumerate(quotas):
        if q.account is not None and q.account not in names:
            raise ValueProblem(f"quotas[{i}].account", "is not the name of a group")


def parse_alert_command(value: Any, path: str = "alert_command") -> list[str] | None:
    """null, or the program and its arguments: run directly, never by a shell."""
    if value is None:
        return None
    if (not isinstance(value, list) or not value or not all(isinstance(a, str) and a for a in value)
            or not value[0].startswith("/")):
        raise ValueProblem(path, "must be null or a list of non-empty strings, the first an absolute path")
    return list(value)
