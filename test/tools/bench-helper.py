#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Figures for the helper, printed (run by bench/helper.bench.ts; no assertions):

1. `collect` with 1,000 nft counters against `nft -j list ruleset` alone, in the same run, in
   a network namespace of its own (500 named counters and 500 commented rules, all counting
   every packet, so every collection writes 1,000 data lines). Needs root.
2. `rotate` of a one-year store of 200 counters (the daily rotation: one detail day into
   hourly, and a month of hourly into daily when one expires, and yesterday's detail file
   compressed), and that store's size on disk at the default retention, with bytes per stored
   counter-interval per tier and kind of file (plain `.cta`, compressed `.cta.gz`).
"""

from __future__ import annotations

import compileall
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, "..", ".."))
HELPER = os.path.join(REPO, "helper", "cta-helper")
PY = "/usr/bin/python3"
RUNS = 9
_BLOCK = re.compile(rb"^[ip] [0-9]+ [0-9]+ ([0-9]+)$", re.M)

sys.path.insert(0, os.path.join(REPO, "helper"))


def timed(argv: list[str]) -> float:
    t = time.perf_counter()
    subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - t


def ruleset(n: int) -> str:
    half = n // 2
    lines = ["table inet bench {"]
    lines += [f"    counter c{k:04d} {{ }}" for k in range(half)]
    lines.append("    chain input {")
    lines.append("        type filter hook input priority 0; policy accept;")
    lines += [f'        meta l4proto udp counter name "c{k:04d}"' for k in range(half)]
    lines += [f'        meta l4proto udp counter comment "rule-{k:04d}"' for k in range(n - half)]
    lines += ["    }", "}"]
    return "\n".join(lines) + "\n"


def bench_collect() -> None:
    if os.geteuid() != 0 or shutil.which("nft") is None or shutil.which("ip") is None:
        print("collect: skipped (needs root, nft and ip to build a namespace with 1,000 counters)")
        return
    ns = f"ctabench{os.getpid()}"
    d = tempfile.mkdtemp()
    try:
        subprocess.run(["ip", "netns", "add", ns], check=True)
        subprocess.run(["ip", "-n", ns, "link", "set", "lo", "up"], check=True)
        subprocess.run(["ip", "-n", ns, "addr", "add", "10.231.9.1/24", "dev", "lo"], check=True)
        subprocess.run(["ip", "netns", "exec", ns, "nft", "-f", "-"], input=ruleset(1000), text=True, check=True)
        store, config = os.path.join(d, "store"), os.path.join(d, "config.json")
        with open(config, "w") as f:
            f.write("{}\n")
        inside = ["ip", "netns", "exec", ns]
        send = inside + [PY, "-c", "import socket; s=socket.socket(2,2); s.sendto(b'x'*100, ('10.231.9.1', 9))"]
        collect = inside + [HELPER, "collect", "--store", store, "--config", config]   # by its #! line
        nft = inside + ["nft", "-j", "list", "ruleset"]
        subprocess.run(collect, check=True, capture_output=True)          # baseline
        t_collect, t_nft, t_exec = [], [], []
        for _ in range(RUNS):
            time.sleep(1.0)                                                # a new second: a new interval
            subprocess.run(send, check=True)
            t_nft.append(timed(nft))
            t_collect.append(timed(collect))
            t_exec.append(timed(inside + ["true"]))
        written = sum(os.path.getsize(os.path.join(store, "detail", n)) for n in os.listdir(os.path.join(store, "detail")))
        c, n, e = statistics.median(t_collect), statistics.median(t_nft), statistics.median(t_exec)
        print(f"collect, 1,000 nft counters (500 named, 500 rules), median of {RUNS} runs, each writing 1,000 records:")
        print(f"  nft -j list ruleset alone: {n * 1000:8.1f} ms")
        print(f"  cta-helper collect:        {c * 1000:8.1f} ms   ratio {c / n:.2f}x  (target <= 1.5x)")
        print(f"  (both include `ip netns exec` itself: {e * 1000:.1f} ms; without it the ratio is "
              f"{(c - e) / (n - e):.2f}x)")
        print(f"  detail written: {written} bytes in {RUNS} collections")
    finally:
        subprocess.run(["ip", "netns", "del", ns], capture_output=True)
        shutil.rmtree(d, ignore_errors=True)


def measured(argv: list[str]) -> tuple[float, int]:
    """Wall seconds (median of 5) and peak resident kB of a command, in a process of its own."""
    probe = ("import resource, subprocess, sys, time; t = time.perf_counter(); "
             "subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL); "
             "print(time.perf_counter() - t, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")
    runs = []
    for _ in range(5):
        out = subprocess.run([PY, "-c", probe, *argv], check=True, capture_output=True, text=True).stdout.split()
        runs.append((float(out[0]), int(out[1])))
    return statistics.median(r[0] for r in runs), max(r[1] for r in runs)


def du(path: str) -> tuple[int, int]:
    apparent = blocks = 0
    for dirpath, _, files in os.walk(path):
        for name in files:
            st = os.stat(os.path.join(dirpath, name))
            apparent += st.st_size
            blocks += st.st_blocks * 512
    return apparent, blocks


def layout(store: str) -> tuple[int, int]:
    """Print files, records, bytes on disk and per record for each tier and kind of file;
    return the store's records and bytes on disk."""
    from cta import storefs
    rows: dict[tuple[str, str], list[int]] = {}
    for f in storefs.list_files(store):
        with open(os.path.join(store, f.rel), "rb") as fh:
            raw = fh.read()
        text = storefs.content(f, raw)
        row = rows.setdefault((f.tier, "gz" if f.compressed else "plain"), [0, 0, 0, 0])
        row[0] += 1
        row[1] += sum(int(n) for n in _BLOCK.findall(text))      # data lines: stored records
        row[2] += len(raw)
        row[3] += len(text)
    print(f"  {'tier':<8}{'kind':<7}{'files':>6}{'records':>11}{'on disk':>13}{'B/record':>10}{'text B/rec':>12}")
    total = [0, 0, 0, 0]
    for tier in storefs.TIER_DIRS:
        for kind in ("plain", "gz"):
            if (tier, kind) not in rows:
                continue
            n, recs, disk, text = rows[(tier, kind)]
            total = [a + b for a, b in zip(total, (n, recs, disk, text))]
            print(f"  {tier:<8}{kind:<7}{n:>6}{recs:>11}{disk:>13}{disk / max(recs, 1):>10.2f}{text / max(recs, 1):>12.2f}")
    n, recs, disk, text = total
    print(f"  {'all':<15}{n:>6}{recs:>11}{disk:>13}{disk / max(recs, 1):>10.2f}{text / max(recs, 1):>12.2f}")
    return recs, disk


def finest_records(store: str) -> int:
    """Counter-intervals counted once: detail records, and per period the rows of the coarsest
    tier that holds it where no finer tier does (the window reader's (0, now] over whole periods)."""
    from cta import storefs
    count = 0
    view = storefs.read_store(store)
    detail_hours = set()
    hourly_days = set()
    from cta import periods
    for pf in view.files:
        for b in pf.blocks:
            if pf.tier == "detail":
                count += len(b.rows)
                detail_hours.add(periods.hour_of(b.end - 1))
            elif pf.tier == "hourly":
                hourly_days.add(periods.day_of(b.end - 1))
    for pf in view.files:
        for b in pf.blocks:
            if pf.tier == "hourly" and (b.start, b.end) not in detail_hours:
                count += len(b.rows)
            elif pf.tier == "daily" and (b.start, b.end) not in hourly_days:
                count += len(b.rows)
    return count


def bench_rollup(d: str) -> None:
    """What the roll-ups add to a collect: the hour's block at each hour's first collection,
    the day's at midnight, for 1,000 counters (in process; the collect bench crosses no hour)."""
    from cta import periods, rollups, state as statemod, tiers as tiersmod
    store = os.path.join(d, "rollup")
    now = int(time.time()) // 300 * 300
    subprocess.run([PY, os.path.join(HERE, "make-history.py"), "--store", store, "--counters", "1000",
                    "--days", "2", "--seed", "3", "--now", str(now)], check=True, capture_output=True)
    for tier, label in (("hourly", "an hour (12 collection blocks)"), ("daily", "a day (24 hourly blocks)")):
        # the last closed period of the tier, rolled up again into a scratch copy
        work = os.path.join(d, f"rollup-{tier}")
        shutil.copytree(store, work)
        st = statemod.State(last_end=now)
        p = periods.period_of(tier, periods.period_of(tier, now)[0] - 1)
        st.rolled = {t: periods.period_of(t, now)[0] for t in periods.PERIOD_TIERS}
        st.rolled[tier] = p[0]
        for t in periods.PERIOD_TIERS:
            f = periods.file_of(t, p[1])
            for x in (f, f.gz()):
                if t == tier and os.path.exists(os.path.join(work, x.rel)):
                    os.unlink(os.path.join(work, x.rel))      # written again below
        t0 = time.perf_counter()
        rollups.roll_up(work, st, tiersmod.Retention())
        print(f"roll-up of {label}, 1,000 counters: {(time.perf_counter() - t0) * 1000:.0f} ms "
              "(once per hour / per day, after that collection is saved)")


def bench_rotate() -> None:
    d = tempfile.mkdtemp()
    try:
        store = os.path.join(d, "store")
        now = int(time.time()) // 300 * 300
        t = time.perf_counter()
        out = subprocess.run([PY, os.path.join(HERE, "make-history.py"), "--store", store, "--counters", "200",
                              "--days", "365", "--seed", "1", "--now", str(now - 86400)],
                             check=True, capture_output=True, text=True).stdout.strip()
        gen = time.perf_counter() - t
        records = int(out.split(" records")[0].rsplit(" ", 1)[1])
        apparent, blocks = du(store)
        print(f"store of 200 counters over one year at the default retention (7 days detail at 300 s, "
              f"hourly to 400 days; closed files compressed): generated in {gen:.1f} s")
        print(f"  {records} records, {apparent / 1e6:.1f} MB ({apparent / 2**20:.1f} MiB), "
              f"{blocks / 1e6:.1f} MB on disk (target < 40 MB)")
        print(f"  {apparent / records:.1f} bytes per stored counter-interval on average, overlap included "
              "(every record of every tier, the roll-ups too)")
        finest = finest_records(store)
        print(f"  {apparent / finest:.1f} bytes per counter-interval counted once ({finest} records: detail, and "
              "the coarsest tier where no finer one is kept; the overlap's bytes included; target <= 10, issue 12)")
        layout(store)
        config = os.path.join(d, "config.json")
        with open(config, "w") as f:
            f.write("{}\n")
        t = time.perf_counter()
        p = subprocess.run([PY, HELPER, "rotate", "--store", store, "--config", config, "--json"],
                           check=True, capture_output=True, text=True)
        rot = time.perf_counter() - t
        moved = json.loads(p.stdout)
        print(f"rotate (the daily run, a day later): {rot:.2f} s, deleted {len(moved['expired'])} files past "
              f"retention, kept {len(moved['kept'])}; compressed {len(moved['closed'])} files")
        records, on_disk = layout(store)
        print(f"  after it: {on_disk / records:.1f} bytes per stored record, overlap included; "
              f"{on_disk / finest_records(store):.1f} per counter-interval counted once (target <= 10, issue 12)")
        # the worst case: a month of detail (rotation did not run for 23 days) into hourly
        backlog = os.path.join(d, "backlog")
        subprocess.run([PY, os.path.join(HERE, "make-history.py"), "--store", backlog, "--counters", "200",
                        "--days", "30", "--seed", "2", "--now", str(now), "--detail-days", "30"],
                       check=True, capture_output=True)
        n_detail = len(os.listdir(os.path.join(backlog, "detail")))
        size_before = du(backlog)[0]
        t = time.perf_counter()
        subprocess.run([PY, HELPER, "rotate", "--store", backlog, "--config", config], check=True, capture_output=True)
        rot = time.perf_counter() - t
        print(f"rotate of a backlog: {n_detail - len(os.listdir(os.path.join(backlog, 'detail')))} of {n_detail} "
              f"detail hour files ({size_before / 1e6:.1f} MB store) deleted past retention: {rot:.2f} s, "
              f"store now {du(backlog)[0] / 1e6:.1f} MB")
        shutil.rmtree(backlog)
        status = [PY, HELPER, "status", "--json", "--store", store, "--config", config]
        secs, rss = measured(status)
        print(f"status --json on that store (its summary kept by rotate): {secs:.3f} s, {rss / 1024:.0f} MB "
              "(target <= 0.2 s)")
        junk = os.path.join(store, "detail", "2000-01-01.cta")
        with open(junk, "wb") as f:
            f.write(b"junk " * (200 * 1024 * 1024 // 5))
        secs, rss = measured(status)
        print(f"  with a 200 MB junk file beside it: {secs:.3f} s, {rss / 1024:.0f} MB")
        os.unlink(junk)
        secs, base_rss = measured([PY, "-c", "pass"])
        print(f"  (a bare python3 start: {secs:.3f} s, {base_rss / 1024:.0f} MB)")
        t = time.perf_counter()
        from cta import periods
        subprocess.run([PY, HELPER, "compact", "--dry-run", "--json", "--store", store, "--config", config,
                        "--from", str(periods.day_of(now - 200 * 86400)[0]),
                        "--to", str(periods.day_of(now - 100 * 86400)[0]), "--resolution", "whole"],
                       check=True, capture_output=True)
        print(f"compact --dry-run --json --resolution whole over 100 days of hourly data: {time.perf_counter() - t:.2f} s")
        bench_rollup(d)
    finally:
        shutil.rmtree(d, ignore_errors=True)


def main() -> None:
    which = sys.argv[1:] or ["collect", "rotate"]
    # an installed helper is byte-compiled (as Debian does for every Python module): so here
    compileall.compile_dir(os.path.join(REPO, "helper", "cta"), quiet=1)
    if "collect" in which:
        bench_collect()
    if "rotate" in which:
        bench_rotate()


if __name__ == "__main__":
    main()
