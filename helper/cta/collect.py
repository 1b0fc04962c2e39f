# SPDX-License-Identifier: LGPL-2.1-or-later
"""`collect`: read every enabled source, compute exact deltas, append one block to the store."""

from __future__ import annotations

import os
import sys
import time

from . import (clock, closing, migrate, notes as notesmod, prometheus, quota, recovery, rollups,
               state as statemod, storefs, summary, testseam)
from .config import Config
from .deltas import Computation, Delta, Note, compute
from .sources import SourceResult, Started, read_all, start_all
from .store import FORMAT_VERSION_2, Identity, StoreError, block_text, counter_line, header_line, new_file_id, parse

DEFAULT_BOOT_ID_FILE = "/proc/sys/kernel/random/boot_id"
PROMETHEUS_KEEP = 30 * 86400
CLOSE_PER_RUN = 2                  # finished files compressed per collect; rotate does the rest


def boot_id() -> str:
    # CTA_BOOT_ID_FILE is a test seam only (to simulate a reboot); never set it in production.
    path = os.environ.get("CTA_BOOT_ID_FILE") or DEFAULT_BOOT_ID_FILE
    try:
        with open(path) as f:
            return f.read().strip()
    except OSError:
        return ""


class CollectResult:
    def __init__(self, start: int | None, end: int, sources: list[SourceResult]) -> None:
        self.start = start
        self.end = end
        self.sources = sources
        self.deltas: list[Delta] = []
        self.baseline = 0                  # counters whose value starts a new baseline
        self.resets: list[str] = []
        self.notes: list[Note] = []
        self.written = False
        self.held = False                  # read, but kept in the state for the next interval
        self.step = 0                      # a wall-clock step seen since the previous run (s)
        self.clock_problem = False         # held because the clock went back: exit non-zero
        self.message = ""
        self.closing = closing.CloseResult([], [], [])

    @property
    def nothing_read(self) -> bool:
        """Every enabled source failed: nothing at all was collected."""
        enabled = [s for s in self.sources if s.status != "disabled"]
        return bool(enabled) and not any(s.collected for s in enabled)


def selection(cfg: Config) -> dict[str, str]:
    """What the configuration selects, per source key (see deltas.compute)."""
    out = {}
    for key, keys in SELECTED_BY.items():
        names = "\n".join(sorted(cfg.source(key).names))
        for sk in keys:
            out[sk] = names
    return out


SELECTED_BY = {"nft_counters": ("nft-counter", "nft-set"), "nft_rules": ("nft-rule",),
               "iptables": ("iptables:ip", "iptables-legacy:ip"),
               "ip6tables": ("iptables:ip6", "iptables-legacy:ip6"), "interfaces": ("iface",)}


def _detail_ids(root: str, rel: str, st: statemod.State) -> tuple[str, dict[str, int], int]:
    """File id, ids by identity key and size of a detail file (from the cache when unchanged)."""
    path = os.path.join(root, rel)
    try:
        size = os.path.getsize(path)
    except FileNotFoundError:
        return new_file_id(), {}, 0
    if size == 0:
        # created, then killed before its header was written: append_record writes it now
        return new_file_id(), {}, 0
    c = st.detail
    if c is not None and c.rel == rel and c.size == size and recovery.header_id(path) == c.file_id:
        return c.file_id, dict(c.ids), size
    with open(path, "rb") as f:
        pf = parse(f.read(), rel)
    return pf.file_id or new_file_id(), {ident.key(): cid for cid, ident in pf.counters.items()}, size


def collect(root: str, cfg: Config, verbose: bool = False) -> CollectResult:
    with storefs.Lock(root):
        return collect_locked(root, cfg, start_all(cfg), verbose)


def collect_locked(root: str, cfg: Config, started: Started, verbose: bool = False,
                   config_error: str = "") -> CollectResult:
    """The collection, with the lock held and the tools started (see cli.py).

    The tools must start under the lock: values read before another collect had finished
    would be older than the state it saves. They run while the state is loaded and the store
    checked.
    """
    st = statemod.load(root)
    recovery.recover(root, st)
    testseam.point("recovered")
    # a version-1 store is upgraded first (migrate.py); if it cannot be (a damaged file), the
    # collection goes on and is saved, and the error is reported after it
    upgrade_errors: list[Exception] = []
    try:
        migrate.migrate(root, st)
    except (storefs.WriteError, StoreError) as e:
        upgrade_errors.append(e)
    boot = boot_id()
    known = st.iptables_nft if st.unidentified_boot == boot else {}
    results, _warnings = read_all(cfg, started, known)
    testseam.point("read")
    now = int(time.time())
    up = clock.uptime()
    readings = [r for res in results for r in res.readings]
    collected = sorted({k for res in results for k in res.collected})
    place = clock.place(st, now, up, boot)
    # the interval what this run did not count belongs to: the one it writes (after a step
    # forward, the time that really passed, not all the time the clock skipped), else the time
    # since the previous run
    previous = st.last_end if st.last_run is None else int(st.last_run[0])
    noted_from = previous if place.start is None else place.start
    comp = compute(readings, collected, st, boot, selection(cfg),
                   {h: f"iptables:{'ip' if res.key == 'iptables' else 'ip6'}"
                    for res in results for h in res.unidentified}, noted_from or now)
    res = CollectResult(place.start, now, sources=results)
    res.baseline, res.resets, res.notes, res.step = comp.baseline, comp.resets, comp.notes, place.step
    if st.last_end is None:
        clock.first_run(st, now)
        st.last_end = now
    elif place.start is None:
        _hold(st, comp.deltas, now, res)
    else:
        res.deltas = _with_pending(comp.deltas, st.pending)
        res.notes = [Note(c, r, t) for c, r, t in st.pending_notes] + res.notes
    _write_notes(root, noted_from, now, res)
    testseam.point("noted")
    rollups.init_markers(st)               # before the block is placed: nothing before last_end is due
    target = storefs.file_for("detail", now, FORMAT_VERSION_2)
    size = _append_block(root, st, target.rel, place.start, now, res) if res.deltas else 0
    if place.start is not None:
        st.pending, st.pending_notes = {}, []
        clock.occupy(st, place.start, now)
        st.last_end = now
    _update_prometheus(st, comp, now)
    st.counters = comp.counters
    st.collected = collected
    st.selection = selection(cfg)
    st.iptables_nft = {h: c for res in results for h, c in res.identified.items()}
    st.unidentified, st.unidentified_boot = {h: (u.since, u.new) for h, u in comp.unidentified.items()}, boot
    st.config_error = config_error
    st.last_run = (float(now), up if up is not None else -1.0, boot)
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
    # the periods this collection closed are rolled up, and finished files compressed, only now
    # that the interval is saved: a failure here (full disk) loses nothing; it is reported after
    # the rest of the run, and the next run rolls up what is missing
    rollup_errors: list[Exception] = upgrade_errors
    try:
        if rollups.roll_up(root, st, cfg.retention):
            statemod.save(root, st)
            testseam.point("rolled-saved")
    except (storefs.WriteError, StoreError) as e:
        rollup_errors.append(e)
    lt = time.localtime(now)
    res.closing = closing.close_finished(root, (lt.tm_year, lt.tm_mon, lt.tm_mday), ("detail",),
                                         CLOSE_PER_RUN, st)
    res.closing.errors[:0] = rollup_errors
    # the summary that `status` reads instead of the store (summary.py); never fails the run
    summary.after_collect(root, target.rel if res.written else None,
                          st.detail.file_id if res.written and st.detail else None, size, res.start, now)
    # --- quotas and alerts (helper/cta/quota.py): usage in each quota's cycle, alert_command at
    # 80 % and 100 %, and the metric lines for the textfile; not for values held back by the
    # clock (they come with a later run); never stops the collection
    quota_lines = "" if res.held else quota.after_collect(root, cfg, place.start, now, res.deltas)
    # ---
    if cfg.prometheus_textfile:
        prometheus.write(cfg.prometheus_textfile,
                         {k: (v[0], v[1]) for k, v in st.prometheus.items() if k in comp.counters}, quota_lines)
    if verbose:
        print(f"collected [{res.start}, {now}): {len(res.deltas)} counters changed, "
              f"{res.baseline} new baselines, {len(res.resets)} resets", file=sys.stderr)
    return res


def _hold(st: statemod.State, deltas: list[Delta], now: int, res: CollectResult) -> None:
    """Keep what was read in the state: the clock stands inside time already recorded."""
    res.held = True
    for d in deltas:
        b, p = st.pending.get(d.key, (0, 0))
        st.pending[d.key] = (b + d.bytes, p + d.packets)
    # what is not counted is noted with the interval the held values are written in
    st.pending_notes.extend([n.counter, n.reason, n.since] for n in res.notes)
    res.notes = []
    assert st.last_end is not None
    if res.step == 0 and 0 <= st.last_end - now <= 1:
        res.message = "a second collection within the same second: its values are kept for the next one"
    else:
        res.clock_problem = True
        res.message = (f"the clock ({now}) stands inside time already recorded (up to "
                       f"{clock.spans(st)[-1][1]}): the values read are kept "
                       "and written with the first collection after it")


def _append_block(root: str, st: statemod.State, rel: str, start: int | None, now: int,
                  res: CollectResult) -> int:
    """Append the interval's block to the detail file; its size before, to take it back."""
    assert start is not None
    file_id, ids, size = _detail_ids(root, rel, st)
    parts: list[str] = []
    rows = []
    next_id = max(ids.values(), default=-1) + 1
    for d in res.deltas:
        cid = ids.get(d.key)
        if cid is None:
            cid = next_id
            next_id += 1
            ids[d.key] = cid
            parts.append(counter_line(cid, d.ident))
        rows.append((cid, d.bytes, d.packets))
    parts.append(block_text(start, now, rows))
    data = "".join(parts).encode("utf-8")
    head = header_line("detail", file_id, FORMAT_VERSION_2).encode("utf-8")
    storefs.append_record(os.path.join(root, rel), head, data)
    testseam.point("appended")
    st.detail = statemod.DetailCache(rel, file_id, (size or len(head)) + len(data), ids)
    res.written = True
    return size


def _update_prometheus(st: statemod.State, comp: Computation, now: int) -> None:
    """Totals only ever grow: through kernel resets, and through a counter's absence (a
    flushed rule set) for up to PROMETHEUS_KEEP seconds."""
    for d in comp.deltas:
        b, p, _ = st.prometheus.get(d.key, (0, 0, now))
        st.prometheus[d.key] = (b + d.bytes, p + d.packets, now)
    for key in comp.counters:
        b, p, _ = st.prometheus.get(key, (0, 0, now))
        st.prometheus[key] = (b, p, now)
    for key, (_, _, last) in list(st.prometheus.items()):
        if now - last > PROMETHEUS_KEEP:
            del st.prometheus[key]


def _with_pending(deltas: list[Delta], pending: dict[str, tuple[int, int]]) -> list[Delta]:
    """This run's deltas plus what earlier runs held back (clock.py)."""
    if not pending:
        return deltas
    merged = dict(pending)
    idents = {d.key: d.ident for d in deltas}
    for d in deltas:
        b, p = merged.get(d.key, (0, 0))
        merged[d.key] = (b + d.bytes, p + d.packets)
    return [Delta(idents.get(k) or Identity.from_key(k), b, p, k) for k, (b, p) in merged.items() if b or p]


def _write_notes(root: str, start: int | None, end: int, res: CollectResult) -> None:
    """One note per reason; written before the block, so a crash after it loses no note."""
    by_reason: dict[tuple[str, int | None], list[str]] = {}
    for n in res.notes:
        by_reason.setdefault((n.reason, n.since), []).append(n.counter)
    made = [notesmod.make(start, start if since is None else since, end, reason, counters)
            for (reason, since), counters in by_reason.items()]
    unidentified = sum(len(s.unidentified) for s in res.sources)
    if unidentified:
        made.append(notesmod.make(start, start, end, f"{unidentified} iptables-nft rules could not be identified "
                                  "yet (rules changed during every reading): a rule new since the previous "
                                  "collection is counted whole once identified, any other starts a new baseline", []))
    if res.step:
        made.append(notesmod.make(start, start, end, f"the wall clock stepped {'forward' if res.step > 0 else 'back'} "
                                  f"by {abs(res.step)} s between two collections", []))
    if res.held:
        made.append(notesmod.make(start, start, end, res.message, []))
    notesmod.add(root, made)
