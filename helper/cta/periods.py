# SPDX-License-Identifier: LGPL-2.1-or-later
"""Local periods of version 2's period tiers (docs/store-format.md): hours, days, months.

A period is `(start, end)` in Unix seconds; a record (or a finer period block) `[s, e)` belongs
to the period that contains `e - 1`. Periods follow the host's local clock: a day is 23 or 25
hours long across a daylight-saving change, and a repeated hour is two periods of the hourly
tier that share one detail file.
"""

from __future__ import annotations

import time

from .storefs import StoreFile, file_v2, local_midnight

PERIOD_TIERS = ("hourly", "daily", "monthly")          # finest first
FINER = {"hourly": "detail", "daily": "hourly", "monthly": "daily"}
COARSER = {"detail": "hourly", "hourly": "daily", "daily": "monthly"}


def hour_of(t: int) -> tuple[int, int]:
    """The local hour that contains t (by the clock fields, so a repeated hour is two hours)."""
    lt = time.localtime(t)
    start = t - lt.tm_min * 60 - lt.tm_sec
    nxt = start + 3600
    ln = time.localtime(nxt)
    return start, nxt - ln.tm_min * 60 - ln.tm_sec if ln.tm_min or ln.tm_sec else nxt


def day_of(t: int) -> tuple[int, int]:
    lt = time.localtime(t)
    start = local_midnight(lt.tm_year, lt.tm_mon, lt.tm_mday)
    noon = time.localtime(start + 36 * 3600)
    return start, local_midnight(noon.tm_year, noon.tm_mon, noon.tm_mday)


def month_of(t: int) -> tuple[int, int]:
    lt = time.localtime(t)
    y, m = lt.tm_year, lt.tm_mon
    return local_midnight(y, m, 1), local_midnight(y + (m == 12), m % 12 + 1, 1)


_OF = {"hourly": hour_of, "daily": day_of, "monthly": month_of}


def period_of(tier: str, t: int) -> tuple[int, int]:
    """The period of a period tier that contains the instant t."""
    return _OF[tier](t)


def period_of_end(tier: str, end: int) -> tuple[int, int]:
    """The period a record ending at `end` belongs to (the one that contains end - 1)."""
    return _OF[tier](end - 1)


def periods(tier: str, a: int, b: int) -> list[tuple[int, int]]:
    """The periods of a tier that hold records ending in (a, b], in order."""
    out: list[tuple[int, int]] = []
    if b <= a:
        return out
    p = period_of_end(tier, a + 1)
    while p[0] < b:
        out.append(p)
        p = period_of(tier, p[1])
    return out


def file_of(tier: str, end: int) -> StoreFile:
    """Version 2's file of a tier that holds a record or period block ending at `end`."""
    lt = time.localtime(end - 1)
    return file_v2(tier, lt.tm_year, lt.tm_mon, lt.tm_mday, lt.tm_hour)


def detail_files(a: int, b: int) -> list[StoreFile]:
    """The detail files that may hold records ending in (a, b]."""
    seen: dict[str, StoreFile] = {}
    for s, e in periods("hourly", a, b):
        f = file_of("detail", e)
        seen.setdefault(f.rel, f)
    return list(seen.values())
