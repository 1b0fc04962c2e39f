# SPDX-License-Identifier: LGPL-2.1-or-later
"""Version 2's overlapping roll-ups (docs/store-format.md, "Roll-ups"): every closed local hour,
day and month is appended as one `p` period block per counter to its tier, the sums of the
finer tier, while the finer records stay for their retention.

A period is closed once a collection record ends at or after its end, unless it overlaps time
that a clock step left free (clock.py: a later step back may place records there); such a
period is held back (State.unrolled) until the gap is gone. `state.json` records per tier the
end of the last period considered (State.rolled); recovery truncates the period blocks past it
(truncate_unsaved), so that a writer killed anywhere leads to the same blocks exactly once.

After a long downtime every closed period is rolled up, those without traffic as `p s e 0`,
except that a period without traffic whose end is older than its tier's retention is skipped
in that tier (rotate would delete it at once): a collect after a year off writes at most
hourly_days × 24 hourly blocks, one daily block per day (or daily_days), one monthly per month.
"""

from __future__ import annotations

import os

from . import clock, periods, storefs, testseam
from .state import State
from .store import (FORMAT_VERSION_2, Identity, ParsedFile, StoreError, counter_line, header_line, new_file_id,
                    parse, resolve)
from .tiers import Retention

DAY = 86400


def _read(root: str, f: storefs.StoreFile) -> ParsedFile | None:
    try:
        return storefs.read_file(root, f)
    except FileNotFoundError:
        return None


def period_files(root: str, f: storefs.StoreFile) -> list[ParsedFile]:
    """The files of one period of a tier (plain and .cta.gz) that count, after their x lines."""
    found = [pf for pf in (_read(root, f.plain()), _read(root, f.gz())) if pf is not None]
    return resolve(found).files


def sums(root: str, tier: str, period: tuple[int, int],
         cache: dict[str, list[ParsedFile]]) -> dict[Identity, tuple[int, int]]:
    """Per counter, the sums of every record or block of the finer tier in the period."""
    s, e = period
    finer = periods.FINER[tier]
    f = periods.file_of(finer, e)
    files = cache.get(f.rel)
    if files is None:
        files = cache[f.rel] = period_files(root, f)
    out: dict[Identity, tuple[int, int]] = {}
    seen: set[tuple[int, int]] = set()
    for pf in files:
        for block in pf.blocks:
            if not s < block.end <= e:
                continue
            if block.kind == "p":
                if (block.start, block.end) in seen:
                    continue                    # a period is used once (never counted twice)
                seen.add((block.start, block.end))
            for cid, b, p in block.rows:
                ident = pf.counters[cid]
                ob, op = out.get(ident, (0, 0))
                out[ident] = (ob + b, op + p)
    return out


def _file_ids(root: str, f: storefs.StoreFile) -> tuple[str, dict[Identity, int], int]:
    """File id, counter ids and size of a plain period file to append to (a new one if absent)."""
    path = os.path.join(root, f.rel)
    try:
        with open(path, "rb") as fh:
            data = fh.read()
    except FileNotFoundError:
        return new_file_id(), {}, 0
    if not data:
        return new_file_id(), {}, 0
    pf = parse(data, f.rel)
    if pf.file_id is None or pf.version != FORMAT_VERSION_2:
        raise StoreError(f"{f.rel}: not a version-2 file of its tier; the roll-up was not written")
    return pf.file_id, {ident: cid for cid, ident in pf.counters.items()}, len(data)


def append_periods(root: str, tier: str, f: storefs.StoreFile,
                   blocks: list[tuple[int, int, dict[Identity, tuple[int, int]]]]) -> None:
    """Append period blocks to a tier's plain file in one write (rows in identity order)."""
    file_id, ids, _ = _file_ids(root, f)
    parts: list[str] = []
    for s, e, rows in blocks:
        coded = []
        for ident in sorted(rows):
            b, p = rows[ident]
            if not (b or p):
                continue
            cid = ids.get(ident)
            if cid is None:
                cid = ids[ident] = len(ids)
                parts.append(counter_line(cid, ident))
            coded.append((cid, b, p))
        parts.append(f"p {s} {e} {len(coded)}\n")
        parts.extend(f"{cid} {b} {p}\n" for cid, b, p in coded)
    head = header_line(tier, file_id, FORMAT_VERSION_2).encode("utf-8")
    storefs.append_record(os.path.join(root, f.rel), head, "".join(parts).encode("utf-8"))
    testseam.point("period-appended")


def _keep_days(tier: str, ret: Retention) -> int | None:
    return {"hourly": ret.hourly_days, "daily": ret.daily_days, "monthly": None}[tier]


def init_markers(st: State) -> bool:
    """Markers for a state that has none yet, before a collection is placed: every period
    before the one that contains the instant last_end is taken as rolled up (the records to
    come end after last_end; a new store holds nothing before). True if any was set."""
    if st.last_end is None:
        return False
    changed = False
    for tier in periods.PERIOD_TIERS:
        if st.rolled.get(tier) is None:
            st.rolled[tier] = periods.period_of(tier, st.last_end)[0]
            changed = True
    return changed


def gaps(st: State) -> list[tuple[int, int]]:
    """Free time inside recorded time (clock.py keeps the time a step forward skipped free, so
    that a later step back can place records there): a record may still end in (g0, g1]."""
    taken = clock.spans(st)
    return [(taken[k][1], taken[k + 1][0]) for k in range(len(taken) - 1)]


def roll_up(root: str, st: State, ret: Retention, upto: int | None = None) -> list[str]:
    """Append the blocks of every period closed by `upto` (default: last_end) that is not rolled
    up yet, hour, then day, then month; advance st.rolled. The caller saves the state after it.
    Returns the files appended to.

    A period that a record may still end in (it overlaps a gap that the clock left free, or a
    finer period that is held for that reason) is not rolled up but held in st.unrolled, and
    rolled up once the gap is gone: a block is only ever written for a period that is complete.
    """
    end = st.last_end if upto is None else upto
    if end is None:
        return []
    written: list[str] = []
    cache: dict[str, list[ParsedFile]] = {}
    clock.give_up_old_gaps(st)              # else a gap would hold its periods back for ever
    free = gaps(st)
    for tier in periods.PERIOD_TIERS:
        marker = st.rolled.get(tier)
        if marker is None:
            continue
        keep = _keep_days(tier, ret)
        horizon = None if keep is None else end - keep * DAY
        finer_held = st.unrolled.get(periods.FINER[tier], [])
        held: list[list[int]] = []
        pending: dict[str, tuple[storefs.StoreFile, list[tuple[int, int, dict[Identity, tuple[int, int]]]]]] = {}

        def consider(p: tuple[int, int], retried: bool) -> None:
            if (any(max(p[0], g0) < min(p[1], g1) for g0, g1 in free)
                    or any(p[0] < fe <= p[1] for _, fe in finer_held)):
                held.append([p[0], p[1]])
                return
            rows = sums(root, tier, p, cache)
            if rows or retried or horizon is None or p[1] > horizon:
                f = periods.file_of(tier, p[1])
                pending.setdefault(f.rel, (f, []))[1].append((p[0], p[1], rows))

        for s0, e0 in st.unrolled.get(tier, []):
            consider((s0, e0), True)
        p = periods.period_of(tier, marker)
        while p[1] <= end:
            consider(p, False)
            marker = p[1]
            p = periods.period_of(tier, marker)
        for rel, (f, blocks) in sorted(pending.items()):
            append_periods(root, tier, f, blocks)
            cache.pop(rel, None)
            written.append(rel)
        st.rolled[tier] = marker
        if held or tier in st.unrolled:
            st.unrolled[tier] = held
    return written


def truncate_unsaved(root: str, st: State, files: list[storefs.StoreFile] | None = None) -> list[str]:
    """Recovery: cut the period blocks past each tier's marker (appended by a writer killed
    before it saved the state) and torn tails off the plain period files that have them."""
    fixed = []
    for f in storefs.list_files(root, periods.PERIOD_TIERS, (2,)) if files is None else files:
        if f.version != 2 or f.compressed or f.tier not in periods.PERIOD_TIERS:
            continue
        marker = st.rolled.get(f.tier)
        if marker is None or f.period()[1] <= marker:
            continue                            # no roll-up yet, or all of the file's periods before
        path = os.path.join(root, f.rel)
        with open(path, "rb") as fh:
            data = fh.read()
        try:
            pf = parse(data, f.rel)
        except StoreError:
            continue                            # not ours to repair; readers report it
        cut = pf.valid_length
        for block in pf.blocks:
            if block.end > marker:
                cut = min(cut, block.offset)
                break
        if cut < len(data):
            storefs.truncate(path, cut)
            fixed.append(f.rel)
    return fixed


def _rolled_up(root: str, f: storefs.StoreFile, pfs: list[ParsedFile]) -> bool:
    """Whether every period of a finer file that holds data has its block in the coarser tier."""
    coarser = periods.COARSER[f.tier]
    need = {periods.period_of_end(coarser, b.end) for pf in pfs for b in pf.blocks if b.rows}
    have: set[tuple[int, int]] = set()
    for target in {periods.file_of(coarser, e) for _, e in need}:
        try:
            files = period_files(root, target)
        except StoreError:
            continue                                # a damaged coarser file holds nothing we can trust
        for pf in files:
            have.update((b.start, b.end) for b in pf.blocks)
    return need <= have


def expire(root: str, st: State, ret: Retention, today: tuple[int, int, int]) -> tuple[list[str], list[str]]:
    """rotate for version 2: delete whole files past their tier's retention (detail past
    detail_days, hourly past hourly_days, daily past daily_days if set), once their periods are
    rolled up (the state's marker covers them, and the coarser tier holds a block for every
    period with data). Deleting never changes a total. Returns (deleted, kept back)."""
    from . import summary, tiers                    # summary imports storefs only; late to stay light
    deleted: list[str] = []
    kept: list[str] = []
    limits = {"detail": (ret.detail_days, "hourly"), "hourly": (ret.hourly_days, "daily"),
              "daily": (ret.daily_days, "monthly")}
    for tier, (days, coarser) in limits.items():
        if days is None:
            continue
        cutoff = storefs.local_midnight(*tiers.add_days(today, -days))
        marker = st.rolled.get(coarser)
        by_period: dict[str, list[storefs.StoreFile]] = {}
        for f in storefs.list_files(root, (tier,), (2,)):
            if f.period()[1] <= cutoff:
                by_period.setdefault(f.period_rel, []).append(f)
        for rel, members in sorted(by_period.items()):
            pfs = [pf for pf in (_read(root, f) for f in members) if pf is not None]
            if (marker is not None and members[0].period()[1] > marker) or not _rolled_up(root, members[0], pfs):
                kept.append(rel)                    # never delete what no coarser tier holds
                continue
            summary.record_absorbed(root, pfs, "rotate")    # its damage stays reported
            for f in members:
                try:
                    os.unlink(os.path.join(root, f.rel))
                except FileNotFoundError:
                    pass
                testseam.point("expired")
                deleted.append(f.rel)
            storefs.fsync_dir(os.path.join(root, tier))
    return deleted, kept
