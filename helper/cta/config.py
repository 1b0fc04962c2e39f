# SPDX-License-Identifier: LGPL-2.1-or-later
"""The configuration file shared with the page (docs/configuration.md): defaults and validation."""

from __future__ import annotations

import json

TYPE_CHECKING = False
if TYPE_CHECKING:                       # annotations only: typing is slow to import
    from typing import Any

from .tiers import Retention

DEFAULT_CONFIG = "/etc/cockpit-traffic-accounting/config.json"
SOURCE_KEYS = ("nft_counters", "nft_rules", "iptables", "ip6tables", "interfaces")
_LIMIT_KEY = {"nft_counters": "tables", "nft_rules": "tables", "iptables": "chains",
              "ip6tables": "chains", "interfaces": "exclude"}


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

    def source(self, key: str) -> SourceConfig:
        return self.sources[key]


def defaults() -> Config:
    cfg = Config()
    for key in SOURCE_KEYS:
        cfg.sources[key] = SourceConfig(True, ["lo"] if key == "interfaces" else [])
    return cfg


def _fail(name: str, path: str, message: str) -> ConfigError:
    return ConfigError(f"{name}: {path}: {message}")


def _positive_int(v: Any, name: str, path: str, allow_null: bool = False) -> int | None:
    if v is None and allow_null:
        return None
    if isinstance(v, bool) or not isinstance(v, int) or v <= 0:
        raise _fail(name, path, "must be a positive integer" + (" or null" if allow_null else ""))
    return v


def _object(v: Any, name: str, path: str, allowed: tuple[str, ...]) -> dict[str, Any]:
    if not isinstance(v, dict):
        raise _fail(name, path, "must be an object")
    for k in v:
        if k not in allowed:
            raise _fail(name, f"{path}.{k}" if path else k, "unknown key")
    return v


def parse_config(data: Any, name: str = "config.json") -> Config:
    cfg = defaults()
    top = _object(data, name, "(top level)", ("version", "interval_seconds", "sources", "retention",
                                              "prometheus_textfile", "costs", "groups"))
    if "version" in top and (isinstance(top["version"], bool) or top["version"] != 1):
        raise _fail(name, "version", "must be 1")
    if "interval_seconds" in top:
        v = _positive_int(top["interval_seconds"], name, "interval_seconds")
        assert v is not None
        cfg.interval_seconds = v
    if "sources" in top:
        sources = _object(top["sources"], name, "sources", SOURCE_KEYS)
        for key, value in sources.items():
            limit = _LIMIT_KEY[key]
            obj = _object(value, name, f"sources.{key}", ("enabled", limit))
            sc = cfg.sources[key]
            if "enabled" in obj:
                if not isinstance(obj["enabled"], bool):
                    raise _fail(name, f"sources.{key}.enabled", "must be true or false")
                sc.enabled = obj["enabled"]
            if limit in obj:
                names = obj[limit]
                if not isinstance(names, list) or not all(isinstance(n, str) and n for n in names):
                    raise _fail(name, f"sources.{key}.{limit}", "must be a list of non-empty strings")
                sc.names = list(names)
    if "retention" in top:
        ret = _object(top["retention"], name, "retention", ("detail_days", "hourly_days", "daily_days"))
        detail = _positive_int(ret.get("detail_days", 7), name, "retention.detail_days")
        hourly = _positive_int(ret.get("hourly_days", 400), name, "retention.hourly_days")
        daily = _positive_int(ret.get("daily_days", None), name, "retention.daily_days", allow_null=True)
        assert detail is not None and hourly is not None
        if hourly < detail:
            raise _fail(name, "retention.hourly_days", "must not be less than retention.detail_days")
        if daily is not None and daily < hourly:
            raise _fail(name, "retention.daily_days", "must be null or not less than retention.hourly_days")
        cfg.retention = Retention(detail, hourly, daily)
    if "prometheus_textfile" in top:
        p = top["prometheus_textfile"]
        if p is not None and (not isinstance(p, str) or not p.startswith("/") or not p.endswith(".prom")):
            raise _fail(name, "prometheus_textfile", "must be null or an absolute path ending in .prom")
        cfg.prometheus_textfile = p
    # "costs" and "groups" belong to the page and the engine: accepted as any JSON value.
    return cfg


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
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as e:
        raise ConfigError(f"{name}: not valid JSON: {e}") from e
    return parse_config(data, name)
