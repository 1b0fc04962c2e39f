# SPDX-License-Identifier: LGPL-2.1-or-later
"""`rotate` and `compact`: rewrite store files into coarser records without changing a total.

Both write through a Transaction: every output file is written as NAME.tmp and fsynced, then
the journal txn.json is written (the commit point), then the temporary files are renamed into
place and the absorbed files deleted. Every output names, by `x` lines, the ids of all file
versions the transaction replaces, so a reader never counts data twice; recovery.py finishes a
committed transaction that was interrupted, or removes the temporaries of one that was not.
"""

from __future__ import annotations

import json
import os
import time
from collections import namedtuple

TYPE_CHECKING = False
if TYPE_CHECKING:                       # annotations only: typing is slow to import
    from typing import Callable, Iterable

from . import recovery, state as statemod, storefs, testseam, tiers
from .config import Config
from .store import FileWriter, Identity, ParsedFile, Record, StoreError

def _step(name: str) -> None:
    testseam.point(name)


class Output(namedtuple("Output", "rel tier records")):
    __slots__ = ()
    rel: str
    tier: str
    records: list[Record]


class Transaction:
    def __init__(self, root: str, superseded: list[str] | None = None) -> None:
        self.root = root
        self.outputs: list[Output] = []
        self.deletes: list[str] = []
        self.superseded = superseded or []                  # file ids replaced or absorbed

    def render(self, out: Output) -> bytes:
        return render_file(out.tier, out.records, self.superseded)

    def commit(self) -> None:
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


def render_file(tier: str, records: list[Record], superseded: Iterable[str]) -> bytes:
    w = FileWriter(tier)
    for fid in sorted(set(superseded)):
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


class RotateResult:
    def __init__(self) -> None:
        self.moved: list[str] = []                            # files absorbed into a coarser tier
        self.written: list[str] = []
        self.dropped_records = 0                              # by daily_days


def rotate(root: str, cfg: Config, now: int | None = None) -> RotateResult:
    now = int(time.time()) if now is None else now
    today = tiers.local_date(now)
    ret = cfg.retention
    res = RotateResult()
    with storefs.Lock(root):
        recovery.recover(root, statemod.load(root))
        for src_tier, dst_tier, expired, bucket in (
                ("detail", "hourly", tiers.detail_expired, tiers.hour_bucket),
                ("hourly", "daily", tiers.hourly_expired, tiers.day_bucket)):
            groups: dict[str, list[storefs.StoreFile]] = {}
            for f in storefs.list_files(root):
                if f.tier == src_tier and expired(f, today, ret):
                    start, end = f.period()
                    groups.setdefault(storefs.file_for(dst_tier, end).rel, []).append(f)
            for dst_rel, inputs in sorted(groups.items()):
                # one transaction per output file: readers see the old or the new state, never a mix
                txn = Transaction(root)
                moved: list[Record] = []
                for f in inputs:
                    pf = _read(root, f)
                    if pf is None:
                        continue
                    txn.superseded.append(pf.file_id)
                    txn.deletes.append(f.rel)
                    moved.extend(pf.records())
                dst = storefs.StoreFile(dst_tier, dst_rel.split("/", 1)[1], 0, 0, 0)
                old = _read(root, dst)
                kept = list(old.records()) if old is not None else []
                if old is not None:
                    txn.superseded.append(old.file_id)
                txn.outputs.append(Output(dst_rel, dst_tier, kept + merge(moved, bucket)))
                txn.commit()
                res.moved.extend(f.rel for f in inputs)
                res.written.append(dst_rel)
        if ret.daily_days is not None:
            limit = tiers.add_days(today, -ret.daily_days)
            cutoff = storefs.local_midnight(*limit)
            for f in storefs.list_files(root):
                if f.tier != "daily" or f.period()[0] >= cutoff:
                    continue
                pf = _read(root, f)
                if pf is None:
                    continue
                records = list(pf.records())
                keep = [r for r in records if tiers.day_bucket(r.end) >= cutoff]
                if len(keep) == len(records):
                    continue
                txn = Transaction(root, superseded=[pf.file_id])
                if keep:
                    txn.outputs.append(Output(f.rel, "daily", keep))
                else:
                    txn.deletes.append(f.rel)
                txn.commit()
                res.dropped_records += len(records) - len(keep)
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
    parsed: dict[str, ParsedFile] = {}
    for f in storefs.list_files(root):
        start, end = f.period()
        if start < to + day and end > frm - day:
            pf = _read(root, f)
            if pf is not None:
                parsed[f.rel] = pf
    txn = Transaction(root)
    in_range: list[Record] = []
    inside_count: dict[str, int] = {}
    outputs: dict[str, list[Record]] = {}
    for rel, pf in sorted(parsed.items()):
        records = list(pf.records())
        inside = [r for r in records if frm < r.end <= to]
        if inside:
            in_range.extend(inside)
            inside_count[rel] = len(inside)
            outputs[rel] = [r for r in records if not frm < r.end <= to]
    merged = merge(in_range, bucket)
    for r in merged:
        rel = storefs.file_for(out_tier, r.end).rel
        if rel not in outputs:
            outputs[rel] = list(parsed[rel].records()) if rel in parsed else []
        outputs[rel].append(r)
    files_info: list[dict[str, object]] = []
    bytes_before = 0
    bytes_after = 0
    for rel, recs in sorted(outputs.items()):
        tier = rel.split("/", 1)[0]
        before_size = 0
        before_records = 0
        if rel in parsed:
            txn.superseded.append(parsed[rel].file_id)
            before_size = os.path.getsize(os.path.join(root, rel))
            before_records = sum(len(b.rows) for b in parsed[rel].blocks)
        after_size = 0
        if recs:
            out = Output(rel, tier, recs)
            txn.outputs.append(out)
            after_size = len(txn.render(out))
        else:
            txn.deletes.append(rel)
        bytes_before += before_size
        bytes_after += after_size
        files_info.append({
            "file": rel, "tier": tier,
            "action": "delete" if not recs else ("rewrite" if rel in parsed else "create"),
            "records_before": before_records, "records_after": len(recs),
            "records_in_range": inside_count.get(rel, 0),
            "bytes_before": before_size, "bytes_after": after_size,
        })
    return CompactPlan(frm, to, resolution, files_info, len(in_range), len(merged), bytes_before,
                       bytes_after, len({r.ident for r in in_range}), txn)


def compact(root: str, frm: int, to: int, resolution: str, dry_run: bool) -> CompactPlan:
    if dry_run:
        return plan_compact(root, frm, to, resolution)
    with storefs.Lock(root):
        recovery.recover(root, statemod.load(root))
        plan = plan_compact(root, frm, to, resolution)
        if plan.records_before:
            plan.txn.commit()
        return plan


__all__ = ["rotate", "compact", "plan_compact", "merge", "render_file", "StoreError"]
