# SPDX-License-Identifier: LGPL-2.1-or-later
"""`compact` for version 2 (docs/store-format.md, "Compaction"): delete finer records that the
coarser tiers hold, or replace a range by one `whole` block, in one transaction.

- `hour`: the detail files of the local hours that lie whole inside (from, to] and are rolled up;
- `day`: also the hourly files of the local days that lie whole inside and are rolled up;
- `whole`: one block `p from to n` in `whole/<year of to>.cta.gz`, the window reader's totals of
  the range (refused unless both edges are exact), and every record ending in the range and
  every period block overlapping it removed from every tier; the finer tiers keep what lies
  outside the range.

A range that reaches past the last collection stops at it (the plan's `to` says so).

Every rewritten file is a new version that names the old one by an `x` line; deleted files are
named by the outputs too. A file that cannot be rewritten without loss (damaged) makes it refuse.
"""

from __future__ import annotations

import os

from . import periods, rollup, rollups, storefs, window
from .store import FORMAT_VERSION_2, FileWriter, ParsedFile, StoreError


def _render(pf: ParsedFile, keep: list[int], superseded: list[str]) -> bytes:
    w = FileWriter(pf.tier, None, FORMAT_VERSION_2)
    for x in sorted(set(superseded)):
        w.supersede(x)
    for i in keep:
        b = pf.blocks[i]
        rows = [(pf.counters[c], x, y) for c, x, y in b.rows]
        (w.period if b.kind == "p" else w.block)(b.start, b.end, rows)
    return w.text().encode("utf-8")


def plan(root: str, frm: int, to: int, resolution: str, last_end: int | None) -> rollup.CompactPlan:
    files = storefs.list_files(root, storefs.TIER_DIRS, (2,))
    txn = rollup.Transaction(root, "compact")
    info: list[dict[str, object]] = []
    removed = 0
    counters: set[object] = set()
    changes: list[tuple[storefs.StoreFile, ParsedFile, list[int]]] = []
    deletes: list[tuple[storefs.StoreFile, ParsedFile]] = []
    new_rows = 0
    if last_end is not None and to > last_end:
        # later collections will end in (last_end, to]: the range stops at the last one (the
        # plan's `to` says so), or their records would vanish into the compacted range
        to = max(frm, last_end)
    if resolution == "whole":
        got = window.read_window(root, frm, to)
        if got.errors:
            raise StoreError(got.errors[0])
        for name, edge in got.edges.items():
            if not edge.exact:
                raise StoreError(f"the range's {name} edge falls inside a period of {edge.resolution} s whose "
                                 "finer records are gone: choose an edge on that period's boundary")
        for f in files:
            s, e = f.period()
            if e <= frm - 86400 or s >= to + 86400:
                continue
            pf = storefs.read_file(root, f)
            keep = []
            for i, b in enumerate(pf.blocks):
                # a record ending in the range; a period block overlapping it (a compacted range
                # is a record of its own: replaced when it ends inside)
                if b.kind == "i" or pf.tier == "whole":
                    gone = frm < b.end <= to
                else:
                    gone = b.start < to and b.end > frm
                if gone:
                    removed += len(b.rows)
                    counters.update(pf.counters[c] for c, _, _ in b.rows)
                else:
                    keep.append(i)
            if len(keep) < len(pf.blocks) or pf.tier == "whole" and f.plain().rel == periods.file_of("whole", to).rel:
                if keep or pf.tier == "whole":
                    changes.append((f, pf, keep))
                else:
                    deletes.append((f, pf))
        target = periods.file_of("whole", to).gz()
        new_rows = len(got.totals)
        txn.superseded.extend(pf.file_id for _, pf, _ in changes)
        txn.superseded.extend(pf.file_id for _, pf in deletes)
        whole_old = [(f, pf, keep) for f, pf, keep in changes if f.tier == "whole" and f.plain().rel == target.plain().rel]
        w = FileWriter("whole", None, FORMAT_VERSION_2)
        for x in sorted({x for x in txn.superseded if x}):
            w.supersede(x)
        blocks = [(pf.blocks[i].start, pf.blocks[i].end, [(pf.counters[c], b, p) for c, b, p in pf.blocks[i].rows])
                  for _, pf, keep in whole_old for i in keep]
        blocks.append((frm, to, [(i, b, p) for i, (b, p) in sorted(got.totals.items())]))
        for s, e, rows in sorted(blocks, key=lambda t: (t[1], t[0])):
            w.period(s, e, rows)
        data = storefs.gzip_bytes(w.text().encode("utf-8"))
        txn.outputs.append(rollup.Output(target.rel, "whole", []))
        txn._rendered[target.rel] = data
        info.append({"file": target.rel, "tier": "whole", "action": "rewrite" if whole_old else "create",
                     "bytes_after": len(data)})
        for f, _, _ in whole_old:
            if f.rel != target.rel:
                txn.deletes.append(f.rel)             # a plain twin: its blocks are in the output
        changes = [c for c in changes if not (c[0].tier == "whole" and c[0].plain().rel == target.plain().rel)]
    else:
        tiers_gone = ("detail",) if resolution == "hour" else ("detail", "hourly")
        for f in files:
            if f.tier not in tiers_gone:
                continue
            s, e = f.period()
            if not (frm <= s and e <= to):
                continue
            pf = storefs.read_file(root, f)
            if not rollups._rolled_up(root, f, [pf]):
                continue                    # what no coarser tier holds stays
            deletes.append((f, pf))
            removed += sum(len(b.rows) for b in pf.blocks)
            counters.update(pf.counters.values())
        txn.superseded.extend(pf.file_id for _, pf in deletes)
    for f, pf, keep in changes:
        out = f.rel if not f.compressed and f.rel == periods.file_of(f.tier, (last_end or to) + 1).rel else f.gz().rel
        data = _render(pf, keep, [x for x in txn.superseded if x])
        if out.endswith(storefs.GZ):
            data = storefs.gzip_bytes(data)
        txn.outputs.append(rollup.Output(out, f.tier, []))
        txn._rendered[out] = data
        if out != f.rel:
            txn.deletes.append(f.rel)
        info.append({"file": out, "tier": f.tier, "action": "rewrite", "bytes_after": len(data)})
    for f, pf in deletes:
        txn.deletes.append(f.rel)
        info.append({"file": f.rel, "tier": f.tier, "action": "delete", "bytes_after": 0})
    touched = [(f, pf) for f, pf, _ in changes] + deletes
    txn.absorbed.extend(pf for _, pf in touched)
    before = sum(os.path.getsize(os.path.join(root, f.rel)) for f, _ in touched)
    after = sum(int(str(i["bytes_after"])) for i in info)
    info.sort(key=lambda i: str(i["file"]))
    if not removed:
        txn.outputs.clear()
        txn.deletes.clear()
    return rollup.CompactPlan(frm, to, resolution, info, removed, new_rows if removed else 0, before, after,
                              len(counters), txn)
