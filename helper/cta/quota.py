# SPDX-License-Identifier: LGPL-2.1-or-later
"""Quotas and alerts without a browser (docs/configuration.md, "quotas"): at each collection the
usage of every quota in its current billing cycle, kept in <store>/quota-state.json, exported
as Prometheus metrics, and `alert_command` run when a quota crosses 80 % and 100 %, once per
cycle and threshold. The command is run directly with its arguments (never by a shell); names
are passed as separate arguments and stay inert data.

Usage grows by the deltas of each collection; when the state does not continue the previous
collection (first run, a crash, a changed quota) it is summed again from the store's files of
the cycle. A record counts in the cycle that contains its end, as in every total."""

from __future__ import annotations

import calendar
import json
import os
import subprocess
import sys
import time

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Callable, Iterable

from . import storefs, window
from .config import Config
from .pattern import compile_pattern
from .plans import Quota
from .store import Identity

STATE_NAME = "quota-state.json"
THRESHOLDS = (80, 100)
ALERT_TIMEOUT = 30
PREFIX = "cockpit_traffic_accounting_quota"


def billing_cycle(t: int, day: int) -> tuple[int, int]:
    """The local billing cycle [from, to) that contains t: it starts at midnight of `day`, or
    of the month's last day when the month is shorter (src/engine/cycles.ts does the same)."""
    def start(year: int, month: int) -> int:
        year += (month - 1) // 12
        month = (month - 1) % 12 + 1
        return storefs.local_midnight(year, month, min(day, calendar.monthrange(year, month)[1]))
    lt = time.localtime(t)
    month = lt.tm_mon if t >= start(lt.tm_year, lt.tm_mon) else lt.tm_mon - 1
    return start(lt.tm_year, month), start(lt.tm_year, month + 1)


def quota_day(cfg: Config, q: Quota) -> int:
    if q.billing_day is not None:
        return q.billing_day
    plan = next((g.plan for g in cfg.groups if g.name == q.account and g.plan is not None), None) or cfg.costs
    return plan.billing_day if plan is not None else 1


def matcher(cfg: Config, q: Quota) -> Callable[[Identity], bool]:
    """Which counters a quota counts: a pattern's rules, or an account's (a rule belongs to the
    first group whose pattern matches its display name, as on the page). Each counter is
    matched once per run: a collection has many deltas of few counters."""
    if q.pattern is not None:
        p = compile_pattern(q.pattern, q.case_insensitive)
        test: Callable[[str], bool] = p.search
    else:
        groups = [(g.name, compile_pattern(g.pattern, g.case_insensitive)) for g in cfg.groups]

        def test(name: str) -> bool:
            return next((g for g, p in groups if p.search(name)), None) == q.account
    seen: dict[Identity, bool] = {}

    def counts(ident: Identity) -> bool:
        hit = seen.get(ident)
        if hit is None:
            hit = seen[ident] = test(ident.display())
        return hit
    return counts


class Usage:
    def __init__(self, key: str, cycle: tuple[int, int], used: int = 0, alerted: list[int] | None = None) -> None:
        self.key = key                      # what the usage was summed for: changes start it again
        self.cycle = cycle
        self.used = used
        self.alerted = alerted or []


def quota_key(cfg: Config, q: Quota) -> str:
    return json.dumps([q.account, q.pattern, q.case_insensitive, quota_day(cfg, q),
                       [[g.name, g.pattern, g.case_insensitive] for g in cfg.groups] if q.account else None])


def load(root: str) -> tuple[int | None, dict[str, Usage]]:
    try:
        with open(os.path.join(root, STATE_NAME), "rb") as f:
            doc = json.loads(f.read().decode("utf-8"))
        usages = {name: Usage(u["key"], (int(u["cycle"][0]), int(u["cycle"][1])), int(u["used"]),
                              [int(t) for t in u["alerted"]]) for name, u in doc["quotas"].items()}
        return (int(doc["last_end"]) if doc["last_end"] is not None else None), usages
    except (OSError, ValueError, KeyError, TypeError, IndexError, AttributeError):
        return None, {}                     # missing or damaged: everything is summed again


def save(root: str, last_end: int, usages: dict[str, Usage]) -> None:
    doc = {"version": 1, "last_end": last_end,
           "quotas": {name: {"key": u.key, "cycle": list(u.cycle), "used": str(u.used), "alerted": u.alerted}
                      for name, u in usages.items()}}
    storefs.replace_file(os.path.join(root, STATE_NAME), (json.dumps(doc, ensure_ascii=False) + "\n").encode("utf-8"))


def summed_from_store(root: str, cycle_from: int, end: int, counts: Callable[[Identity], bool]) -> int:
    """The bytes of the cycle so far, by the window reader (each period counted once)."""
    got = window.read_window(root, cycle_from, end)
    return sum(b for ident, (b, _) in got.totals.items() if counts(ident))


def run_alert(command: list[str], q: Quota, threshold: int, u: Usage, limit: int) -> str | None:
    """Runs the alert; None when it succeeded, else why not (reported, never fatal)."""
    def iso(t: int) -> str:
        return time.strftime("%Y-%m-%dT%H:%M:%S%z", time.localtime(t))
    argv = [*command, str(threshold), q.name, q.account or "", q.pattern or "", str(u.used), str(limit),
            iso(u.cycle[0]), iso(u.cycle[1])]
    try:
        p = subprocess.run(argv, shell=False, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                           stderr=subprocess.PIPE, timeout=ALERT_TIMEOUT, check=False)
    except (OSError, subprocess.TimeoutExpired) as e:
        return f"alert_command for quota {q.name!r} at {threshold} %: {e}"
    if p.returncode != 0:
        detail = p.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or [""]
        return f"alert_command for quota {q.name!r} at {threshold} % exited {p.returncode}: {detail[0]}"
    return None


def update(root: str, cfg: Config, start: int | None, end: int, deltas: Iterable[tuple[Identity, int]]) -> tuple[dict[str, Usage], list[str]]:
    """The usage after a collection over (start, end], alerts run; returns it and the problems."""
    last_end, old = load(root)
    continues = last_end is not None and start is not None and last_end == start
    delta_list = list(deltas)
    usages: dict[str, Usage] = {}
    problems: list[str] = []
    for q in cfg.quotas:
        key = quota_key(cfg, q)
        cycle = billing_cycle(end - 1, quota_day(cfg, q))
        counts = matcher(cfg, q)
        u = old.get(q.name)
        if u is not None and continues and u.key == key and u.cycle == cycle:
            u.used += sum(b for ident, b in delta_list if counts(ident))
        elif u is not None and continues and u.key == key and cycle[0] >= u.cycle[1]:
            # a new cycle began: this collection's record ends in it, so all of it counts there
            u = Usage(key, cycle, sum(b for ident, b in delta_list if counts(ident)))
        else:
            alerted = u.alerted if u is not None and u.cycle == cycle else []
            u = Usage(key, cycle, summed_from_store(root, cycle[0], end, counts), alerted)
        usages[q.name] = u
        limit = q.limit_bytes()
        for threshold in THRESHOLDS:
            if u.used * 100 >= limit * threshold and threshold not in u.alerted:
                u.alerted.append(threshold)
                if cfg.alert_command:
                    problem = run_alert(cfg.alert_command, q, threshold, u, limit)
                    if problem:
                        problems.append(problem)
    save(root, end, usages)
    return usages, problems


def label_value(value: str) -> str:
    return value.replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"')


def prometheus_lines(cfg: Config, usages: dict[str, Usage]) -> str:
    """Metrics for the textfile: used and limit bytes, and the cycle, per quota."""
    out: list[str] = []
    metrics = (("used_bytes", "Bytes counted for the quota in its current billing cycle."),
               ("limit_bytes", "The quota's limit per billing cycle, in bytes."),
               ("cycle_start_seconds", "Start of the quota's current billing cycle (Unix time)."),
               ("cycle_end_seconds", "End of the quota's current billing cycle (Unix time)."))
    for metric, text in metrics:
        out.append(f"# HELP {PREFIX}_{metric} {text}")
        out.append(f"# TYPE {PREFIX}_{metric} gauge")
        for q in cfg.quotas:
            u = usages.get(q.name)
            if u is None:
                continue
            value = {"used_bytes": u.used, "limit_bytes": q.limit_bytes(), "cycle_start_seconds": u.cycle[0],
                     "cycle_end_seconds": u.cycle[1]}[metric]
            out.append(f'{PREFIX}_{metric}{{quota="{label_value(q.name)}"}} {value}')
    return "\n".join(out) + "\n" if cfg.quotas else ""


def after_collect(root: str, cfg: Config, start: int | None, end: int, deltas: Iterable[Any]) -> str:
    """collect's hook: updates quotas and alerts; returns the Prometheus lines ("" without quotas).
    A problem here (an alert that failed) is reported on stderr and never stops counting."""
    if not cfg.quotas:
        return ""
    try:
        usages, problems = update(root, cfg, start, end, ((d.ident, d.bytes) for d in deltas))
    except (OSError, storefs.WriteError) as e:
        print(f"cta-helper: quotas not updated (the collection was saved): {e}", file=sys.stderr)
        return ""
    for p in problems:
        print(f"cta-helper: {p}", file=sys.stderr)
    return prometheus_lines(cfg, usages)
