#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Writes a plausible synthetic store at the default retention layout, for benchmarks and demos.

    make-history.py --store DIR --counters N --days D [--seed S] [--interval 300] [--now T]
                    [--names iam|generic|hosts] [--detail-days 7] [--hourly-days 400] [--format 2|1]

Format 2 (the default, docs/store-format.md): detail records at the collection interval for
the last detail-days days (and today up to --now) in one file per local hour; every closed
local hour of the last hourly-days days as an hourly period block (the sums of its detail
records, or generated hourly traffic before the detail days; `p s e 0` for an hour without
traffic), every closed day as a daily block, every closed month as a monthly block: the
layout a store has right after `collect` and `rotate`. Files of finished periods are
compressed (`.cta.gz`, as the closing of finished files writes them, without `x` line); the
current hour's detail file, today's hourly file, this month's daily file and this year's
monthly file are plain.

Format 1 (`--format 1`, for migration tests and the page's "old store" path): detail day files
for the last detail-days days, hourly month files up to hourly-days, daily year files beyond,
as version 1's rotate leaves them; today's detail file is plain, the rest compressed. Traffic has a diurnal pattern, a mix of
busy, moderate and mostly idle counters, and zero deltas are not written. The same seed gives
the same files (file ids included). Files are written with the helper's own writer
(helper/cta/store.py) and compression (helper/cta/storefs.py).
"""

from __future__ import annotations

import argparse
import math
import os
import random
import sys
import time
from dataclasses import dataclass

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "helper"))

from cta import periods, storefs, tiers  # noqa: E402
from cta.store import FileWriter, Identity  # noqa: E402

IAM_NAMES = ["www", "mail", "ssh", "ftp", "cvs", "local", "dns", "ntp", "smtp", "imap", "pop3",
             "irc", "news", "https", "vpn", "backup", "nfs", "samba", "ldap", "proxy", "icmp",
             "other", "squid", "jabber", "rsync", "git", "mysql", "voip"]


@dataclass
class Profile:
    ident: Identity
    rate: float          # mean bytes per second at the daily peak
    active: float        # probability that an interval has any traffic
    packet_size: int
    phase: float         # hour of the daily peak


def identities(n: int, names: str) -> list[Identity]:
    out: list[Identity] = []
    for k in range(n):
        if names == "hosts":
            # per-host counting: set elements, IPv4 hosts and every tenth an IPv6 /64
            key = f"2001:db8:{k:x}::/64" if k % 10 == 9 else f"10.{k >> 16}.{(k >> 8) & 255}.{k & 255}"
            out.append(Identity("nft-set", "inet", "acct", "hosts", 1, key))
        elif names == "iam":
            base = IAM_NAMES[k % len(IAM_NAMES)]
            round_ = k // len(IAM_NAMES)
            name = base if round_ == 0 else f"{base}-{round_ + 1}"
            chain = "input" if k % 2 == 0 else "output"
            out.append(Identity("nft-rule", "inet", "filter", chain, 1, name))
        else:
            kind = k % 4
            if kind == 0:
                out.append(Identity("nft-counter", "inet", "acct", "", 1, f"customer-{k:04d}"))
            elif kind == 1:
                out.append(Identity("nft-rule", "inet", "filter", "forward", 1, f"host-{k:04d}"))
            elif kind == 2:
                out.append(Identity("iptables", "ip", "filter", "FORWARD", 1, f"net-{k:04d}"))
            else:
                out.append(Identity("iface", "link", "", "rx" if k % 8 == 3 else "tx", 1, f"veth{k:04d}"))
    return out


def profiles(idents: list[Identity], rng: random.Random) -> list[Profile]:
    out = []
    for ident in idents:
        kind = rng.random()
        if kind < 0.15:          # busy: tens of KB/s to a few MB/s
            rate, active = 10 ** rng.uniform(4.5, 6.5), 1.0
        elif kind < 0.55:        # moderate
            rate, active = 10 ** rng.uniform(2.0, 4.0), rng.uniform(0.6, 1.0)
        else:                    # mostly idle: a few bursts a day
            rate, active = 10 ** rng.uniform(1.0, 3.0), rng.uniform(0.01, 0.15)
        out.append(Profile(ident, rate, active, rng.choice((90, 180, 560, 1100, 1400)),
                           rng.uniform(10, 22)))
    return out


def amount(p: Profile, start: int, seconds: int, rng: random.Random) -> tuple[int, int]:
    """Bytes and packets of a profile over [start, start + seconds), never negative."""
    hour = time.localtime(start).tm_hour + time.localtime(start).tm_min / 60
    diurnal = 0.15 + 0.85 * (0.5 + 0.5 * math.cos((hour - p.phase) / 24 * 2 * math.pi))
    if seconds <= 3600:
        if rng.random() >= p.active:
            return 0, 0
        mean = p.rate * diurnal * seconds / max(p.active, 0.05)
    else:
        # a daily record: expected activity over the day
        mean = p.rate * 0.575 * seconds * (1 if p.active > 0.5 else p.active * 4)
    b = int(mean * rng.lognormvariate(0, 0.5))
    if b <= 0:
        return 0, 0
    pk = max(1, b // p.packet_size)
    return b, pk


def ordered_by_frequency(file_blocks: list[tuple[int, int, list[tuple[Identity, int, int]]]]) -> list[Identity]:
    count: dict[Identity, int] = {}
    for _, _, rows in file_blocks:
        for ident, _, _ in rows:
            count[ident] = count.get(ident, 0) + 1
    return sorted(count, key=lambda i: (-count[i], i))


def generate(store: str, counters: int, days: int, seed: int, interval: int, now: int,
             names: str, retention: tiers.Retention) -> dict[str, int]:
    rng = random.Random(seed)
    profs = profiles(identities(counters, names), rng)
    today = tiers.local_date(now)
    first = tiers.add_days(today, -days)
    blocks: dict[str, tuple[str, list[tuple[int, int, list[tuple[Identity, int, int]]]]]] = {}

    def add_block(tier: str, start: int, end: int, rows: list[tuple[Identity, int, int]]) -> None:
        f = storefs.file_for(tier, end)
        blocks.setdefault(f.rel, (tier, []))[1].append((start, end, rows))

    records = 0
    date = first
    while date <= today:
        start = storefs.local_midnight(*date)
        nxt = tiers.add_days(date, 1)
        end_of_day = min(storefs.local_midnight(*nxt), now)
        tier = tiers.tier_for_day(date, today, retention)
        step = {"detail": interval, "hourly": 3600, "daily": end_of_day - start}[tier]
        t = start
        while t < end_of_day:
            e = min(t + step, end_of_day)
            rows = []
            for p in profs:
                b, pk = amount(p, t, e - t, rng)
                if b:
                    rows.append((p.ident, b, pk))
            if rows:
                add_block(tier, t, e, rows)
                records += len(rows)
            t = e
        date = nxt
    storefs.ensure_store(store)
    total = text = 0
    today_rel = "detail/%04d-%02d-%02d.cta" % today    # collect appends here; closes the days before
    for rel, (tier, file_blocks) in sorted(blocks.items()):
        w = FileWriter(tier, "%016x" % rng.getrandbits(64))
        if tier != "detail":
            # rotate writes the most frequent counters first, as here: shorter ids
            w.preassign(ordered_by_frequency(file_blocks))
        for start, end, rows in file_blocks:
            w.block(start, end, rows)
        data = w.text().encode("utf-8")
        text += len(data)
        if rel != today_rel:
            rel += storefs.GZ
            data = storefs.gzip_bytes(data)
        storefs.replace_file(os.path.join(store, rel), data)
        total += len(data)
    return {"files": len(blocks), "records": records, "bytes": total, "text_bytes": text}


def generate_v2(store: str, counters: int, days: int, seed: int, interval: int, now: int,
                names: str, retention: tiers.Retention) -> dict[str, int]:
    rng = random.Random(seed)
    profs = profiles(identities(counters, names), rng)
    today = tiers.local_date(now)
    first = tiers.add_days(today, -days)
    detail_from = tiers.add_days(today, -retention.detail_days)
    hourly_from = tiers.add_days(today, -retention.hourly_days)
    Rows = dict  # ident -> [bytes, packets]
    files: dict[str, tuple[str, list[tuple[str, int, int, list[tuple[Identity, int, int]]]]]] = {}

    def put(tier: str, kind: str, start: int, end: int, rows: list[tuple[Identity, int, int]]) -> None:
        f = periods.file_of(tier, end)
        files.setdefault(f.rel, (tier, []))[1].append((kind, start, end, rows))

    def as_rows(acc: Rows) -> list[tuple[Identity, int, int]]:
        return [(i, b, p) for i, (b, p) in sorted(acc.items()) if b or p]

    def add(acc: Rows, rows: list[tuple[Identity, int, int]]) -> None:
        for i, b, p in rows:
            a = acc.setdefault(i, [0, 0])
            a[0] += b
            a[1] += p

    records = 0
    month_acc: Rows = {}
    month = None
    date = first
    while date <= today:
        day = (storefs.local_midnight(*date), storefs.local_midnight(*tiers.add_days(date, 1)))
        day_acc: Rows = {}
        if date < hourly_from:                      # daily blocks only (the finer tiers expired)
            rows = []
            if day[1] <= now:
                for p in profs:
                    b, pk = amount(p, day[0], day[1] - day[0], rng)
                    if b:
                        rows.append((p.ident, b, pk))
                add(day_acc, rows)
                records += len(rows)
        else:
            for hour in periods.periods("hourly", day[0], min(day[1], now)):
                hour_acc: Rows = {}
                if date >= detail_from:
                    t = hour[0]
                    while t < min(hour[1], now):
                        e = min(t + interval, hour[1], now)
                        rows = [(p.ident, *amount(p, t, e - t, rng)) for p in profs]
                        rows = [r for r in rows if r[1]]
                        if rows:
                            put("detail", "i", t, e, rows)
                            records += len(rows)
                            add(hour_acc, rows)
                        t = e
                elif hour[1] <= now:
                    rows = [(p.ident, *amount(p, hour[0], 3600, rng)) for p in profs]
                    add(hour_acc, [r for r in rows if r[1]])
                if hour[1] <= now:
                    rows = as_rows(hour_acc)
                    put("hourly", "p", hour[0], hour[1], rows)
                    records += len(rows)
                    add(day_acc, rows)
        if day[1] <= now:
            rows = as_rows(day_acc)
            put("daily", "p", day[0], day[1], rows)
            records += len(rows)
            m = periods.month_of(day[0])
            if m != month:
                month, month_acc = m, {}
            add(month_acc, rows)
            if m[1] == day[1]:
                rows = as_rows(month_acc)
                put("monthly", "p", m[0], m[1], rows)
                records += len(rows)
        date = tiers.add_days(date, 1)
    storefs.ensure_store(store)
    total = text = 0
    # the files appended to at `now`: the current hour's detail, today's hourly, this month's
    # daily, this year's monthly
    current = {periods.file_of(t, now + 1).rel for t in ("detail", "hourly", "daily", "monthly")}
    for rel, (tier, file_blocks) in sorted(files.items()):
        w = FileWriter(tier, "%016x" % rng.getrandbits(64), 2)
        if tier != "detail":
            w.preassign(ordered_by_frequency([(s, e, rows) for _, s, e, rows in file_blocks]))
        for kind, start, end, rows in file_blocks:
            (w.block if kind == "i" else w.period)(start, end, rows)
        data = w.text().encode("utf-8")
        text += len(data)
        if rel not in current:
            rel += storefs.GZ
            data = storefs.gzip_bytes(data)
        storefs.replace_file(os.path.join(store, rel), data)
        total += len(data)
    return {"files": len(files), "records": records, "bytes": total, "text_bytes": text}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--store", required=True)
    ap.add_argument("--counters", type=int, required=True)
    ap.add_argument("--days", type=int, required=True)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--interval", type=int, default=300)
    ap.add_argument("--now", type=int, default=None, help="Unix time of the last collection (default: now)")
    ap.add_argument("--names", choices=("iam", "generic", "hosts"), default="generic")
    ap.add_argument("--detail-days", type=int, default=7)
    ap.add_argument("--hourly-days", type=int, default=400)
    ap.add_argument("--format", type=int, choices=(1, 2), default=2, help="store format version (default 2)")
    args = ap.parse_args()
    now = args.now if args.now is not None else int(time.time()) // args.interval * args.interval
    stats = (generate if args.format == 1 else generate_v2)(args.store, args.counters, args.days, args.seed, args.interval, now, args.names,
                     tiers.Retention(args.detail_days, args.hourly_days, None))
    print(f"{args.store}: {stats['files']} files, {stats['records']} records, {stats['bytes']} bytes "
          f"({stats['text_bytes']} bytes uncompressed)")


if __name__ == "__main__":
    main()
