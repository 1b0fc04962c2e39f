# SPDX-License-Identifier: LGPL-2.1-or-later
"""`rotate` and `compact`: rewrite store files into coarser records without changing a total.

Both write through a Transaction: every output file is written as NAME.tmp and fsynced, then
the journal txn.json is written (the commit point), then the temporary files are renamed into
place and the absorbed files deleted. Every output names, by `x` lines, the ids of all file
versions the transaction replaces, so a reader never counts data twice; recovery.py finishes a
committed transaction that was interrupted, or removes the temporaries of one that was not.

Every output is a compressed `<period>.cta.gz`. A period may have two files (its plain file
and its .cta.gz, see closing.py): both are read, both are superseded, and the plain one is
deleted.
"""

from __future__ import annotations

import json
import os
import time
from collections import namedtuple

TYPE_CHECKING = False
if TYPE_CHECKING:                       # annotations only: typing is slow to import
    from typing import Callable, Iterable

from . import closing, periods, recovery, rollups, state as statemod, storefs, summary, testseam, tiers
from .config import Config
from .store import FileWriter, Identity, ParsedFile, Record, StoreError

def _step(name: str) -> None:
    testseam.point(name)


class Output(namedtuple("Output", "rel tier records")):
    __slots__ = ()
    rel: str                                                # "<tier>/<period>.cta.gz"
    tier: str
    records: list[Record]


class Transaction:
    def __init__(self, root: str, by: str, superseded: list[str | None] | None = None) -> None:
        self.root = root
        self.by = by                                        # "rotate" or "compact", for the damage list
        self.outputs: list[Output] = []
        self.deletes: list[str] = []
        self.superseded: list[str | None] = list(superseded or [])   # file ids replaced or absorbed
        self.absorbed: list[ParsedFile] = []                # the files replaced: their damage is recorded
        self._rendered: dict[str, bytes] = {}

    def render(self, out: Output) -> bytes:
        """An output's bytes on disk, rendered once (so a plan's sizes are what commit writes).

        Only once every superseded id is known: each output names all of them.
        """
        data = self._rendered.get(out.rel)
        if data is None:
            data = render_file(out.tier, out.records, self.superseded)
            if out.rel.endswith(storefs.GZ):
                data = storefs.gzip_bytes(data)
            self._rendered[out.rel] = data
        return data

    def commit(self) -> None:
        # what the replaced files skipped (corrupt lines, torn appends) is in no output: record
        # it first, so that a kill after the commit cannot lose the report
        summary.record_absorbed(self.root, self.absorbed, self.by)
        tmps: list[tuple[str, str]] = []
        try:
            for out in self.outputs:
                path = os.path.join(self.root, out.rel)
                tmps.append((os.path.relpath(storefs.write_tmp(path, self.render(out)), self.root), out.rel))
                _step("tmp-written")
            journal = json.dumps({"version": 1, "renames": tmps, "delete": self.deletes}).encode("utf-8")
            storefs.replace_file(os.path.join(self.root, recovery.JOURNAL), journal)
        except storefs.WriteError:
            for tmp, _ in tmps:
                try:
                    os.unlink(os.path.join(self.root, tmp))
                except OSError:
                    pass
            raise
        _step("committed")
        for tmp, final in tmps:
            os.rename(os.path.join(self.root, tmp), os.path.join(self.root, final))
            _step("renamed")
        for tier in storefs.TIER_DIRS:
            storefs.fsync_dir(os.path.join(self.root, tier))
        for rel in self.deletes:
            try:
                os.unlink(os.path.join(self.root, rel))
            except FileNotFoundError:
                pass
            _step("deleted")
        for tier in storefs.TIER_DIRS:
            storefs.fsync_dir(os.path.join(self.root, tier))
        os.unlink(os.path.join(self.root, recovery.JOURNAL))
        storefs.fsync_dir(self.root)


def render_file(tier: str, records: list[Record], superseded: Iterable[str | None]) -> bytes:
    w = FileWriter(tier)
    for fid in sorted({x for x in superseded if x is not None}):  # None: a file with no header
        w.supersede(fid)
    count: dict[Identity, int] = {}
    for r in records:
        count[r.ident] = count.get(r.ident, 0) + 1
    w.preassign(sorted(count, key=lambda i: (-count[i], i)))     # frequent counters: short ids
    blocks: dict[tuple[int, int], list[tuple[Identity, int, int]]] = {}
    for r in sorted(records, key=lambda r: (r.end, r.start, r.ident)):
        blocks.setdefault((r.start, r.end), []).append((r.ident, r.bytes, r.packets))
    for (start, end), rows in sorted(blocks.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        w.block(start, end, rows)
    return w.text().encode("utf-8")


def merge(records: Iterable[Record], bucket: Callable[[int], int]) -> list[Record]:
    """One record per counter and bucket of end - 1: sums, smallest start, largest end."""
    acc: dict[tuple[Identity, int], list[int]] = {}
    for r in records:
        k = (r.ident, bucket(r.end))
        a = acc.get(k)
        if a is None:
            acc[k] = [r.start, r.end, r.bytes, r.packets]
        else:
            a[0] = min(a[0], r.start)
            a[1] = max(a[1], r.end)
            a[2] += r.bytes
            a[3] += r.packets
    return [Record(s, e, ident, b, p) for (ident, _), (s, e, b, p) in acc.items() if b or p]


def _read(root: str, f: storefs.StoreFile) -> ParsedFile | None:
    try:
        return storefs.read_file(root, f)
    except FileNotFoundError:
        return None


def _read_period(root: str, period: storefs.StoreFile) -> list[tuple[storefs.StoreFile, ParsedFile]]:
    """The files of a period that exist (its plain file, its .cta.gz), parsed."""
    out = []
    for f in (period.plain(), period.gz()):
        pf = _read(root, f)
        if pf is not None:
            out.append((f, pf))
    return out


class RotateResult:
    def __init__(self) -> None:
        self.moved: list[str] = []                            # files absorbed into a coarser tier
        self.written: list[str] = []
        self.dropped_records = 0                              # by daily_days
        self.migrated: list[str] = []                         # version 2's files written by the upgrade
        self.expired: list[str] = []                          # version 2: files past retention, deleted
        self.kept: list[str] = []                             # ... and kept: not rolled up (yet)
        self.closing = closing.CloseResult([], [], [])


def rotate(root: str, cfg: Config, now: int | None = None) -> RotateResult:
    now = int(time.time()) if now is None else now
    today = tiers.local_date(now)
    ret = cfg.retention
    res = RotateResult()
    with storefs.Lock(root):
        st = statemod.load(root)
        recovery.recover(root, st)
        from . import migrate                       # imports rollup: late
        res.migrated = migrate.migrate(root, st)
        # version 2: roll up what collect left (a failed run), then delete what is past retention
        if st.last_end is not None:
            rollups.init_markers(st)
            if rollups.roll_up(root, st, ret):
                statemod.save(root, st)
        res.expired, res.kept = rollups.expire(root, st, ret, today)
        # version 1 (a store not migrated yet): move whole files into the coarser tier
        for src_tier, dst_tier, expired, bucket in (
                ("detail", "hourly", tiers.detail_expired, tiers.hour_bucket),
                ("hourly", "daily", tiers.hourly_expired, tiers.day_bucket)):
            groups: dict[str, list[storefs.StoreFile]] = {}
            dsts: dict[str, storefs.StoreFile] = {}
            for f in storefs.list_files(root, (src_tier,), (1,)):
                if expired(f, today, ret):
                    start, end = f.period()
                    dst = storefs.file_for(dst_tier, end)
                    groups.setdefault(dst.rel, []).append(f)
                    dsts[dst.rel] = dst
            for dst_rel, inputs in sorted(groups.items()):
                # one transaction per output file: readers see the old or the new state, never a mix
                txn = Transaction(root, "rotate")
                moved: list[Record] = []
                for f in inputs:
                    pf = _read(root, f)
                    if pf is None:
                        continue
                    txn.absorbed.append(pf)
                    txn.superseded.append(pf.file_id)
                    txn.deletes.append(f.rel)
                    moved.extend(pf.records())
                dst = dsts[dst_rel]
                kept: list[Record] = []
                for old_f, old in _read_period(root, dst):
                    kept.extend(old.records())
                    txn.absorbed.append(old)
                    txn.superseded.append(old.file_id)
                    if not old_f.compressed:
                        txn.deletes.append(old_f.rel)          # its records go into the .cta.gz
                txn.outputs.append(Output(dst.gz().rel, dst_tier, kept + merge(moved, bucket)))
                txn.commit()
                res.moved.extend(f.rel for f in inputs)
                res.written.append(dst.gz().rel)
        if ret.daily_days is not None:
            limit = tiers.add_days(today, -ret.daily_days)
            cutoff = storefs.local_midnight(*limit)
            by_period: dict[str, storefs.StoreFile] = {}
            for f in storefs.list_files(root, ("daily",), (1,)):
                if f.period()[0] < cutoff:
                    by_period.setdefault(f.period_rel, f.plain())
            for _, period in sorted(by_period.items()):
                members = _read_period(root, period)
                records = [r for _, pf in members for r in pf.records()]
                keep = [r for r in records if tiers.day_bucket(r.end) >= cutoff]
                if len(keep) == len(records):
                    continue
                txn = Transaction(root, "rotate", superseded=[pf.file_id for _, pf in members])
                txn.absorbed.extend(pf for _, pf in members)
                if keep:
                    txn.outputs.append(Output(period.gz().rel, "daily", keep))
                txn.deletes.extend(f.rel for f, _ in members if not (keep and f.compressed))
                txn.commit()
                res.dropped_records += len(records) - len(keep)
        # last, so that nothing is compressed just before it moves: the detail days before
        # today (collect did not run since midnight) and plain hourly and daily files
        # a store no collect ran on (no state): nothing appends to a file whose period has ended
        bound = st
        if st.last_end is None:
            bound = statemod.State(last_end=now)
            bound.rolled = {t: periods.period_of(t, now)[0] for t in periods.PERIOD_TIERS}
        res.closing = closing.close_finished(root, today, storefs.V1_TIERS, st=bound)
        summary.after_rewrite(root, "rotate")
    return res


class CompactPlan(namedtuple("CompactPlan", "frm to resolution files records_before records_after "
                                            "bytes_before bytes_after counters txn")):
    __slots__ = ()
    frm: int
    to: int
    resolution: str
    files: list[dict[str, object]]
    records_before: int
    records_after: int
    bytes_before: int
    bytes_after: int
    counters: int
    txn: Transaction

    def summary(self) -> dict[str, object]:
        return {
            "from": self.frm, "to": self.to, "resolution": self.resolution,
            "files": self.files,
            "records_before": self.records_before, "records_after": self.records_after,
            "bytes_before": self.bytes_before, "bytes_after": self.bytes_after,
            "bytes_saved": self.bytes_before - self.bytes_after,
            "counters": self.counters,
        }


def plan_compact(root: str, frm: int, to: int, resolution: str) -> CompactPlan:
    day = 86400
    bucket_tier: dict[str, tuple[Callable[[int], int], str]] = {
        "whole": (lambda end: 0, "daily"),
        "day": (tiers.day_bucket, "daily"),
        "hour": (tiers.hour_bucket, "hourly"),
    }
    bucket, out_tier = bucket_tier[resolution]
    # the files of every period near the range, by period (the plain file's name): a period
    # may have a plain file and a .cta.gz, and both count
    parsed: dict[str, list[tuple[storefs.StoreFile, ParsedFile]]] = {}
    if storefs.list_files(root, storefs.TIER_DIRS, (2,)):
        from . import compact2                      # imports this module: late
        return compact2.plan(root, frm, to, resolution, statemod.load(root).last_end)
    for f in storefs.list_files(root, storefs.V1_TIERS, (1,)):
        start, end = f.period()
        if start < to + day and end > frm - day:
            pf = _read(root, f)
            if pf is not None:
                parsed.setdefault(f.period_rel, []).append((f, pf))
    # a plain file that its .cta.gz supersedes (a closing killed before its unlink, seen by a
    # dry run before any recovery) counts for nothing, as for every reader; it is deleted
    gone = {x for members in parsed.values() for _, pf in members for x in pf.supersedes if x != pf.file_id}

    def records_of(pf: ParsedFile) -> list[Record]:
        return [] if pf.file_id in gone else list(pf.records())

    in_range: list[Record] = []
    outputs: dict[str, list[Record]] = {}
    for period, members in sorted(parsed.items()):
        records = [r for _, pf in members for r in records_of(pf)]
        inside = [r for r in records if frm < r.end <= to]
        if inside:
            in_range.extend(inside)
            outputs[period] = [r for r in records if not frm < r.end <= to]
    merged = merge(in_range, bucket)
    for r in merged:
        period = storefs.file_for(out_tier, r.end).rel
        if period not in outputs:
            outputs[period] = [x for _, pf in parsed.get(period, []) for x in records_of(pf)]
        outputs[period].append(r)
    # every output names every file version the transaction replaces: collect them first
    txn = Transaction(root, "compact")
    for period in outputs:
        txn.superseded.extend(pf.file_id for _, pf in parsed.get(period, []))
        txn.absorbed.extend(pf for _, pf in parsed.get(period, []))
    files_info: list[dict[str, object]] = []
    sizes = [0, 0]                                  # bytes on disk before and after, all files

    def info(rel: str, tier: str, action: str, pf: ParsedFile | None, after_records: int,
             after_size: int) -> None:
        before_size = os.path.getsize(os.path.join(root, rel)) if pf is not None else 0
        sizes[0] += before_size
        sizes[1] += after_size
        files_info.append({
            "file": rel, "tier": tier, "action": action,
            "records_before": len(records_of(pf)) if pf is not None else 0,
            "records_after": after_records,
            "records_in_range": sum(1 for r in records_of(pf) if frm < r.end <= to) if pf is not None else 0,
            "bytes_before": before_size, "bytes_after": after_size,
        })

    for period, recs in sorted(outputs.items()):
        tier = period.split("/", 1)[0]
        plain = gz = None
        for f, pf in parsed.get(period, []):
            if f.compressed:
                gz = pf
            else:
                plain = pf
        if plain is not None:
            # its records go into the period's .cta.gz (or nowhere, if none are left)
            txn.deletes.append(period)
            info(period, tier, "delete", plain, 0, 0)
        gz_rel = period + storefs.GZ
        if recs:
            out = Output(gz_rel, tier, recs)
            txn.outputs.append(out)
            info(gz_rel, tier, "rewrite" if gz is not None else "create", gz, len(recs), len(txn.render(out)))
        elif gz is not None:
            txn.deletes.append(gz_rel)
            info(gz_rel, tier, "delete", gz, 0, 0)
    files_info.sort(key=lambda i: str(i["file"]))
    return CompactPlan(frm, to, resolution, files_info, len(in_range), len(merged), sizes[0],
                       sizes[1], len({r.ident for r in in_range}), txn)


def compact(root: str, frm: int, to: int, resolution: str, dry_run: bool,
            retention: tiers.Retention = tiers.Retention()) -> CompactPlan:
    if dry_run:
        return plan_compact(root, frm, to, resolution)
    with storefs.Lock(root):
        st = statemod.load(root)
        recovery.recover(root, st)
        from . import migrate                       # imports rollup: late
        migrate.migrate(root, st)
        if st.last_end is not None:                 # every closed period rolled up first
            rollups.init_markers(st)
            if rollups.roll_up(root, st, retention):
                statemod.save(root, st)
        plan = plan_compact(root, frm, to, resolution)
        if plan.records_before:
            plan.txn.commit()
            summary.after_rewrite(root, "compact")
        return plan


__all__ = ["rotate", "compact", "plan_compact", "merge", "render_file", "StoreError"]
