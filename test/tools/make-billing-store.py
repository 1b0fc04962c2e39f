#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Writes a store with daily records over the three billing cycles (billing day 15) before the
current one and the current one up to today, for the page's billing test (test/integration/billing.test.ts), and prints what it
wrote as JSON: the cycles' local bounds and each counter's bytes in each cycle, summed from the
values written, never read back.

    make-billing-store.py --store DIR [--now T]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "helper"))

from cta import storefs  # noqa: E402
from cta.store import FileWriter, Identity  # noqa: E402

COUNTERS = ["acme-web", "acme-mail", "beta-www", "local"]
DAY = 15


def cycle_start(y: int, m: int) -> tuple[int, int, int]:
    while m < 1:
        y, m = y - 1, m + 12
    while m > 12:
        y, m = y + 1, m - 12
    return y, m, DAY


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--store", required=True)
    ap.add_argument("--now", type=int, default=int(time.time()))
    a = ap.parse_args()
    lt = time.localtime(a.now)
    # the current cycle starts on the 15th of this month, or of the last one before the 15th
    y, m = lt.tm_year, lt.tm_mon if lt.tm_mday >= DAY else lt.tm_mon - 1
    starts = [cycle_start(y, m - k) for k in (3, 2, 1, 0)]
    bounds = [storefs.local_midnight(*s) for s in starts]
    idents = {name: Identity("nft-rule", "inet", "filter", "forward", 1, name) for name in COUNTERS}
    writers: dict[str, FileWriter] = {}
    per_cycle = {name: [0, 0, 0] for name in COUNTERS}
    for c in range(3):
        day = starts[c]
        start = bounds[c]
        i = 0
        while start < bounds[c + 1]:
            nxt = storefs.local_midnight(*storefs._add_days(*day, 1))
            rows = []
            for k, name in enumerate(COUNTERS):
                # a few GB a day, different every day and counter, odd byte counts
                b = (k + 1) * 1_000_000_007 * (1 + (i * 7 + k * 3) % 5) + 13 * i
                rows.append((idents[name], b, b // 1400 + 1))
                per_cycle[name][c] += b
            f = storefs.file_for("daily", nxt)
            w = writers.setdefault(f.rel, FileWriter("daily"))
            w.block(start, nxt, rows)
            day = storefs._add_days(*day, 1)
            start = nxt
            i += 1
    # the current cycle up to today's midnight: what the quota counts
    current = {name: 0 for name in COUNTERS}
    day, start, i = starts[3], bounds[3], 0
    today = storefs.local_midnight(lt.tm_year, lt.tm_mon, lt.tm_mday)
    while start < today:
        nxt = storefs.local_midnight(*storefs._add_days(*day, 1))
        rows = []
        for k, name in enumerate(COUNTERS):
            b = (k + 1) * 3_000_000_011 + 7 * i
            rows.append((idents[name], b, b // 1400 + 1))
            current[name] += b
        writers.setdefault(storefs.file_for("daily", nxt).rel, FileWriter("daily")).block(start, nxt, rows)
        day = storefs._add_days(*day, 1)
        start = nxt
        i += 1
    os.makedirs(os.path.join(a.store, "daily"), exist_ok=True)
    os.chmod(a.store, 0o755)
    for rel, w in writers.items():
        path = os.path.join(a.store, rel)
        with open(path, "w", encoding="utf-8") as fh:
            fh.write(w.text())
        os.chmod(path, 0o644)
    os.chmod(os.path.join(a.store, "daily"), 0o755)
    print(json.dumps({"cycles": [{"from": bounds[c], "to": bounds[c + 1],
                                  "first": "%04d%02d%02d" % starts[c],
                                  "last": time.strftime("%Y%m%d", time.localtime(bounds[c + 1] - 1))} for c in range(3)],
                      "bytes": {name: [str(v) for v in values] for name, values in per_cycle.items()},
                      "current": {"from": bounds[3], "bytes": {name: str(v) for name, v in current.items()}}}))


if __name__ == "__main__":
    main()
