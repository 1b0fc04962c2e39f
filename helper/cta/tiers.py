# SPDX-License-Identifier: LGPL-2.1-or-later
"""Local-time buckets and the retention policy: which file of which tier holds what."""

from __future__ import annotations

import time
from collections import namedtuple

from .storefs import StoreFile, local_midnight


class Retention(namedtuple("Retention", "detail_days hourly_days daily_days", defaults=(7, 400, None,))):
    __slots__ = ()
    detail_days: int
    hourly_days: int
    daily_days: int | None


def local_date(t: int) -> tuple[int, int, int]:
    lt = time.localtime(t)
    return lt.tm_year, lt.tm_mon, lt.tm_mday


def day_start(t: int) -> int:
    """Local midnight at or before t."""
    return local_midnight(*local_date(t))


def add_days(date: tuple[int, int, int], n: int) -> tuple[int, int, int]:
    y, m, d = date
    return local_date(int(time.mktime((y, m, d, 12, 0, 0, 0, 0, -1))) + n * 86400)


def hour_bucket(end: int) -> int:
    """Start of the local clock hour that contains end - 1 (DST-safe: by the tm fields)."""
    lt = time.localtime(end - 1)
    return end - 1 - lt.tm_min * 60 - lt.tm_sec


def day_bucket(end: int) -> int:
    """Local midnight of the day that contains end - 1."""
    return day_start(end - 1)


def last_day(f: StoreFile) -> tuple[int, int, int]:
    """The last local date a file's period covers."""
    return local_date(f.period()[1] - 1)


def detail_expired(f: StoreFile, today: tuple[int, int, int], r: Retention) -> bool:
    """A detail day file moves to hourly once its day is more than detail_days before today."""
    return (f.year, f.month, f.day) < add_days(today, -r.detail_days)


def hourly_expired(f: StoreFile, today: tuple[int, int, int], r: Retention) -> bool:
    """An hourly month file moves to daily once its last day is more than hourly_days ago."""
    return last_day(f) < add_days(today, -r.hourly_days)


def tier_for_day(date: tuple[int, int, int], today: tuple[int, int, int], r: Retention) -> str:
    """Where data of a local day lives right after a rotation on `today` (used by generators)."""
    if date >= add_days(today, -r.detail_days):
        return "detail"
    y, m, _ = date
    month_last = local_date(local_midnight(y + (m == 12), m % 12 + 1, 1) - 1)
    if month_last >= add_days(today, -r.hourly_days):
        return "hourly"
    return "daily"
