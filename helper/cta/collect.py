# SPDX-License-Identifier: LGPL-2.1-or-later
"""`collect`: read every enabled source, compute exact deltas, append one block to the store."""

from __future__ import annotations

import os
import sys
import time
from collections import namedtuple

from . import closing, prometheus, quota, recovery, state as statemod, storefs, testseam
from .config import Config
from .sources import Reading, SourceResult, Started, read_all, source_key, start_all
from .store import Identity, block_text, counter_line, header_line, new_file_id, parse

DEFAULT_BOOT_ID_FILE = "/proc/sys/kernel/random/boot_id"
PROMETHEUS_KEEP = 30 * 86400
CLOSE_PER_RUN = 2                  # finished days compressed per collect; rotate does the rest


def boot_id() -> str:
    # CTA_BOOT_ID_FILE is a test seam only (to simulate a reboot); never set it in production.
    path = os.environ.get("CTA_BOOT_ID_FILE") or DEFAULT_BOOT_ID_FILE
    try:
        with open(path) as f:
            return f.read().strip()
    except OSError:
        return ""


class Delta(namedtuple("Delta", "ident bytes packets key")):
    __slots__ = ()
    ident: Identity
    bytes: int
    packets: int
    key: str                               # ident.key(), computed once


class CollectResult:
    def __init__(self, start: int | None, end: int, sources: list[SourceResult]) -> None:
        self.start = start
        self.end = end
        self.sources = sources
        self.deltas: list[Delta] = []
        self.baseline = 0                  # counters seen for the first time without a delta
        self.resets: list[str] = []
        self.written = False
        self.message = ""
        self.closing = closing.CloseResult([], [], [])


def compute(readings: list[Reading], collected: list[str], st: statemod.State, boot: str
            ) -> tuple[list[Delta], int, list[str], dict[str, statemod.CounterState]]:
    """Deltas against the previous state. Never negative: any reset counts the new value."""
    deltas: list[Delta] = []
    resets: list[str] = []
    baseline = 0
    new_counters: dict[str, statemod.CounterState] = {}
    previously = set(st.collected) if st.last_end is not None else set()
    for r in readings:
        key = r.ident.key()
        if key in new_counters:
            continue                       # the same identity twice in one reading: keep the first
        new_counters[key] = statemod.CounterState(r.bytes, r.packets, r.handle, boot)
        if source_key(r.ident) not in previously:
            baseline += 1                  # value accumulated over an unknown period
            continue
        prev = st.counters.get(key)
        if prev is None:
            b, p = r.bytes, r.packets      # new since the last collection: all of it is new
        elif (prev.boot != boot or prev.handle != r.handle
              or r.bytes < prev.bytes or r.packets < prev.packets):
            b, p = r.bytes, r.packets      # started again from zero
            resets.append(key)
        else:
            b, p = r.bytes - prev.bytes, r.packets - prev.packets
        if b or p:
            deltas.append(Delta(r.ident, b, p, key))
    return deltas, baseline, resets, new_counters


def _detail_ids(root: str, rel: str, st: statemod.State) -> tuple[str, dict[str, int], int]:
    """File id, ids by identity key and size of a detail file (from the cache when unchanged)."""
    path = os.path.join(root, rel)
    try:
        size = os.path.getsize(path)
    except FileNotFoundError:
        return new_file_id(), {}, 0
    c = st.detail
    if c is not None and c.rel == rel and c.size == size and recovery.header_id(path) == c.file_id:
        return c.file_id, dict(c.ids), size
    with open(path, "rb") as f:
        pf = parse(f.read(), rel)
    return pf.file_id, {ident.key(): cid for cid, ident in pf.counters.items()}, size


def collect(root: str, cfg: Config, verbose: bool = False) -> CollectResult:
    with storefs.Lock(root):
        return collect_locked(root, cfg, start_all(cfg), verbose)


def collect_locked(root: str, cfg: Config, started: Started, verbose: bool = False) -> CollectResult:
    """The collection, with the lock held and the tools started (see cli.py).

    The tools must start under the lock: values read before another collect had finished
    would be older than the state it saves. They run while the state is loaded and the store
    checked.
    """
    st = statemod.load(root)
    recovery.recover(root, st)
    testseam.point("recovered")
    results, _warnings = read_all(cfg, started)
    testseam.point("read")
    now = int(time.time())
    boot = boot_id()
    readings = [r for res in results for r in res.readings]
    collected = sorted({k for res in results for k in res.collected})
    res = CollectResult(st.last_end, now, sources=results)
    if st.last_end is not None and now <= st.last_end:
        res.message = (f"the clock ({now}) is not after the last collection ({st.last_end}); "
                       "nothing collected")
        return res
    deltas, res.baseline, res.resets, new_counters = compute(readings, collected, st, boot)
    res.deltas = deltas
    target = storefs.file_for("detail", now)
    size = 0
    if deltas:
        assert st.last_end is not None
        file_id, ids, size = _detail_ids(root, target.rel, st)
        parts: list[str] = []
        rows = []
        next_id = max(ids.values(), default=-1) + 1
        for d in deltas:
            key = d.key
            cid = ids.get(key)
            if cid is None:
                cid = next_id
                next_id += 1
                ids[key] = cid
                parts.append(counter_line(cid, d.ident))
            rows.append((cid, d.bytes, d.packets))
        parts.append(block_text(st.last_end, now, rows))
        data = "".join(parts).encode("utf-8")
        head = header_line("detail", file_id).encode("utf-8")
        storefs.append_record(os.path.join(root, target.rel), head, data)
        testseam.point("appended")
        new_size = (size or len(head)) + len(data)
        st.detail = statemod.DetailCache(target.rel, file_id, new_size, ids)
        res.written = True
    # Prometheus totals only ever grow: through kernel resets, and through a counter's
    # absence (a flushed rule set) for up to PROMETHEUS_KEEP seconds
    for d in deltas:
        b, p, _ = st.prometheus.get(d.key, (0, 0, now))
        st.prometheus[d.key] = (b + d.bytes, p + d.packets, now)
    seen = set(new_counters)
    for key in seen:
        b, p, _ = st.prometheus.get(key, (0, 0, now))
        st.prometheus[key] = (b, p, now)
    for key, (_, _, last) in list(st.prometheus.items()):
        if now - last > PROMETHEUS_KEEP:
            del st.prometheus[key]
    st.counters = new_counters
    st.collected = collected
    st.last_end = now
    try:
        statemod.save(root, st)
    except storefs.WriteError:
        if res.written:
            # take the block back, so that a failed run leaves the store as it was
            path = os.path.join(root, target.rel)
            if size == 0:
                os.unlink(path)
            else:
                storefs.truncate(path, size)
        raise
    testseam.point("state-saved")
    # finished days are compressed only now that the interval is saved: a failure here (full
    # disk) loses nothing; it is reported after the rest of the run
    lt = time.localtime(now)
    res.closing = closing.close_finished(root, (lt.tm_year, lt.tm_mon, lt.tm_mday), ("detail",),
                                         CLOSE_PER_RUN)
    # --- quotas and alerts (helper/cta/quota.py): usage in each quota's cycle, alert_command at
    # 80 % and 100 %, and the metric lines for the textfile; never stops the collection
    quota_lines = quota.after_collect(root, cfg, res.start, now, deltas)
    # ---
    if cfg.prometheus_textfile:
        prometheus.write(cfg.prometheus_textfile,
                         {k: (v[0], v[1]) for k, v in st.prometheus.items() if k in seen}, quota_lines)
    if verbose:
        print(f"collected [{res.start}, {now}): {len(deltas)} counters changed, "
              f"{res.baseline} new baselines, {len(res.resets)} resets", file=sys.stderr)
    return res
