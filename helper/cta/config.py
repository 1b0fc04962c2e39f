# SPDX-License-Identifier: LGPL-2.1-or-later
"""The configuration file shared with the page (docs/configuration.md): defaults and validation.

The page reads the same file with the same rules (src/config-model.ts); the shared fixtures in
test/fixtures/config/ prove that both accept and reject the same files with the same message.
Every problem is one ConfigError whose text is one line naming the key."""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:                       # annotations only: typing is slow to import
    from typing import Any

from .jsonvalues import ValueProblem, check_depth, loads, obj, whole
from .plans import (Group, Plan, Quota, check_accounts, check_currencies, parse_alert_command, parse_costs,
                    parse_groups, parse_quotas)
from .tiers import Retention
from . import rulespec

DEFAULT_CONFIG = "/etc/cockpit-traffic-accounting/config.json"
SOURCE_KEYS = ("nft_counters", "nft_rules", "iptables", "ip6tables", "interfaces")
_LIMIT_KEY = {"nft_counters": "tables", "nft_rules": "tables", "iptables": "chains",
              "ip6tables": "chains", "interfaces": "exclude"}
TOP_KEYS = ("version", "interval_seconds", "sources", "retention", "prometheus_textfile", "costs", "groups",
            "quotas", "alert_command", "host_names", "rules")
MAX_DAYS = 100000                       # about 270 years: more is a typing error, and dates overflow


class ConfigError(Exception):
    pass


class SourceConfig:
    def __init__(self, enabled: bool = True, names: list[str] | None = None) -> None:
        self.enabled = enabled
        self.names = names or []            # tables, chains, or excluded interfaces


class Config:
    def __init__(self) -> None:
        self.interval_seconds = 300
        self.sources: dict[str, SourceConfig] = {}
        self.retention = Retention()
        self.prometheus_textfile: str | None = None
        self.costs: Plan | None = None
        self.groups: list[Group] = []
        self.quotas: list[Quota] = []
        self.alert_command: list[str] | None = None
        self.host_names: dict[str, str] = {}        # address or prefix -> name (helper/cta/hostnames.py)
        self.rules: list[rulespec.Rule] = []        # the helper's own nft table (rules.py)

    def source(self, key: str) -> SourceConfig:
        return self.sources[key]


def defaults() -> Config:
    cfg = Config()
    for key in SOURCE_KEYS:
        cfg.sources[key] = SourceConfig(True, ["lo"] if key == "interfaces" else [])
    return cfg


def _days(v: Any, path: str, allow_null: bool = False) -> int | None:
    if v is None and allow_null:
        return None
    try:
        return whole(v, path, 1, MAX_DAYS)
    except ValueProblem:
        if allow_null:
            raise ValueProblem(path, f"must be null or a whole number from 1 to {MAX_DAYS}") from None
        raise


def _sources(value: Any, cfg: Config) -> None:
    sources = obj(value, "sources", SOURCE_KEYS)
    for key, item in sources.items():
        limit = _LIMIT_KEY[key]
        o = obj(item, f"sources.{key}", ("enabled", limit))
        sc = cfg.sources[key]
        if "enabled" in o:
            if not isinstance(o["enabled"], bool):
                raise ValueProblem(f"sources.{key}.enabled", "must be true or false")
            sc.enabled = o["enabled"]
        if limit in o:
            names = o[limit]
            if not isinstance(names, list) or not all(isinstance(n, str) and n for n in names):
                raise ValueProblem(f"sources.{key}.{limit}", "must be a list of non-empty strings")
            sc.names = list(names)


def _retention(value: Any) -> Retention:
    ret = obj(value, "retention", ("detail_days", "hourly_days", "daily_days"))
    detail = _days(ret.get("detail_days", 7), "retention.detail_days")
    hourly = _days(ret.get("hourly_days", 400), "retention.hourly_days")
    daily = _days(ret.get("daily_days"), "retention.daily_days", allow_null=True)
    assert detail is not None and hourly is not None
    if hourly < detail:
        raise ValueProblem("retention.hourly_days", "must not be less than retention.detail_days")
    if daily is not None and daily < hourly:
        raise ValueProblem("retention.daily_days", "must be null or not less than retention.hourly_days")
    return Retention(detail, hourly, daily)


def _parse(data: Any) -> Config:
    cfg = defaults()
    top = obj(data, "", TOP_KEYS)
    if "version" in top:
        try:
            whole(top["version"], "version", 1, 1)
        except ValueProblem:
            raise ValueProblem("version", "must be 1") from None
    if "interval_seconds" in top:
        cfg.interval_seconds = whole(top["interval_seconds"], "interval_seconds", 10, 86400)
    if "sources" in top:
        _sources(top["sources"], cfg)
    if "retention" in top:
        cfg.retention = _retention(top["retention"])
    if "prometheus_textfile" in top:
        p = top["prometheus_textfile"]
        if p is not None and (not isinstance(p, str) or not p.startswith("/") or not p.endswith(".prom")):
            raise ValueProblem("prometheus_textfile", "must be null or an absolute path ending in .prom")
        cfg.prometheus_textfile = p
    if "costs" in top:
        cfg.costs = parse_costs(top["costs"])
    if "groups" in top:
        cfg.groups = parse_groups(top["groups"])
    if "quotas" in top:
        cfg.quotas = parse_quotas(top["quotas"])
    if "alert_command" in top:
        cfg.alert_command = parse_alert_command(top["alert_command"])
    if "host_names" in top:
        names = top["host_names"]
        if not isinstance(names, dict) or not all(isinstance(v, str) for v in names.values()):
            raise ValueProblem("host_names", "must be an object of address: name strings")
        cfg.host_names = dict(names)
    check_currencies(cfg.costs, cfg.groups)
    check_accounts(cfg.quotas, cfg.groups)
    if "rules" in top:
        cfg.rules = rulespec.parse_rules(top["rules"], cfg.interval_seconds)
    return cfg


def parse_config(data: Any, name: str = "config.json") -> Config:
    """A parsed JSON value as a Config, or ConfigError("NAME: PATH: MESSAGE")."""
    try:
        return _parse(data)
    except ValueProblem as e:
        raise ConfigError(f"{name}: {e}") from None


def parse_text(text: str, name: str = "config.json") -> Config:
    """The file's text; an empty file, like a missing one, means the defaults."""
    if text.strip(" \t\r\n") == "":
        return defaults()
    try:
        check_depth(text)
    except ValueProblem as e:
        raise ConfigError(f"{name}: {e}") from None
    try:
        data = loads(text)
    except (ValueError, RecursionError) as e:
        message = str(e).splitlines()[0] if str(e) else type(e).__name__
        raise ConfigError(f"{name}: (file): not valid JSON: {message}") from None
    return parse_config(data, name)


def load_config(path: str) -> Config:
    name = path.rsplit("/", 1)[-1] or path
    try:
        with open(path, "rb") as f:
            raw = f.read()
    except FileNotFoundError:
        return defaults()
    except OSError as e:
        raise ConfigError(f"{path}: cannot read: {e.strerror}") from e
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        raise ConfigError(f"{name}: (file): not valid UTF-8 at byte {e.start}") from None
    return parse_text(text, name)
