# SPDX-License-Identifier: LGPL-2.1-or-later
"""Migration from store format 1 to 2 (docs/store-format.md, "Migration from version 1"): at
the first writer run under the lock, in one transaction (rollup.Transaction: outputs as
NAME.tmp and fsynced, the journal, then the renames and the deletions).

- version 1's detail records go, unchanged, into version 2's detail file of their local hour;
- version 1's hourly records become hourly period blocks (they were grouped by the same local
  hours), its daily records daily blocks; a daily-tier record longer than its day (compacted
  "whole") becomes a block of `whole/` with its own start and end;
- the coarser periods are rolled up from those, up to the last collection (the hours of a day,
  the days of a month; a compacted range's records are in no roll-up);
- every output names every file it replaces by an `x` line, so a reader that finds a mix
  (killed between two renames) ignores the version-1 files: less, never more, until the next
  writer finishes the journal (recovery.py).
"""

from __future__ import annotations


from . import periods, rollup, state as statemod, storefs, summary, testseam
from .store import FORMAT_VERSION_2, FileWriter, Identity, ParsedFile

def _add(acc: dict[tuple[int, int], dict[Identity, list[int]]], p: tuple[int, int], ident: Identity,
         b: int, pk: int) -> None:
    a = acc.setdefault(p, {}).setdefault(ident, [0, 0])
    a[0] += b
    a[1] += pk


def needed(root: str) -> bool:
    return bool(storefs.list_files(root, storefs.V1_TIERS, (1,)))


def migrate(root: str, st: statemod.State) -> list[str]:
    """Upgrade a store that has version-1 files; returns the files written ([]: nothing to do).
    Called under the lock, after recovery (no journal, no uncommitted block left)."""
    inputs = storefs.list_files(root, storefs.TIER_DIRS)
    if not any(f.version == 1 for f in inputs):
        return []
    parsed: list[tuple[storefs.StoreFile, ParsedFile]] = [(f, storefs.read_file(root, f)) for f in inputs]
    superseded = {x for _, pf in parsed for x in pf.supersedes if x != pf.file_id}
    live = [(f, pf) for f, pf in parsed if pf.file_id not in superseded]
    testseam.point("migrate-read")
    detail: dict[str, list[tuple[int, int, list[tuple[Identity, int, int]]]]] = {}
    tiers: dict[str, dict[tuple[int, int], dict[Identity, list[int]]]] = {"hourly": {}, "daily": {}, "monthly": {}}
    whole: dict[tuple[int, int], dict[Identity, list[int]]] = {}
    last = 0
    for f, pf in live:
        for blk in pf.blocks:
            last = max(last, blk.end)
            rows = [(pf.counters[c], b, p) for c, b, p in blk.rows]
            if f.tier == "detail":
                rel = periods.file_of("detail", blk.end).rel
                detail.setdefault(rel, []).append((blk.start, blk.end, rows))
                continue
            tier = f.tier
            if f.tier == "whole" or (f.tier == "daily" and blk.start < periods.day_of(blk.end - 1)[0] - 86400):
                acc, p = whole, (blk.start, blk.end)
            else:
                acc, p = tiers[tier], periods.period_of_end(tier, blk.end)
            for ident, b, pk in rows:
                _add(acc, p, ident, b, pk)
    bound = st.last_end if st.last_end is not None else last
    # roll the coarser periods up from the finer ones, closed periods only
    for tier in periods.PERIOD_TIERS:
        finer = periods.FINER[tier]
        sums: dict[tuple[int, int], dict[Identity, list[int]]] = {}
        if finer == "detail":
            for blocks in detail.values():
                for s, e, rows in blocks:
                    for ident, b, pk in rows:
                        _add(sums, periods.period_of_end(tier, e), ident, b, pk)
        else:
            for (s, e), rows2 in tiers[finer].items():
                for ident, (b, pk) in rows2.items():
                    _add(sums, periods.period_of_end(tier, e), ident, b, pk)
        for p, rows2 in sums.items():
            if p[1] <= bound:
                # a period may hold version-1 records of its own tier too (the edge of a compaction)
                for ident, (b, pk) in rows2.items():
                    _add(tiers[tier], p, ident, b, pk)
    # the files: every output names every file it replaces
    ids = sorted({pf.file_id for _, pf in parsed if pf.file_id is not None})
    current = {periods.file_of(t, bound + 1).rel for t in ("detail", "hourly", "daily", "monthly")}
    outputs: dict[str, bytes] = {}

    def writer(tier: str) -> FileWriter:
        w = FileWriter(tier, None, FORMAT_VERSION_2)
        for x in ids:
            w.supersede(x)
        return w

    for rel, blocks in detail.items():
        w = writer("detail")
        for s, e, rows in sorted(blocks, key=lambda t: (t[1], t[0])):
            w.block(s, e, rows)
        outputs[rel] = w.text().encode("utf-8")
    for tier, acc in (*tiers.items(), ("whole", whole)):
        files: dict[str, FileWriter] = {}
        for (s, e), rows2 in sorted(acc.items(), key=lambda kv: (kv[0][1], kv[0][0])):
            rel = periods.file_of(tier, e).rel
            w = files.get(rel) or files.setdefault(rel, writer(tier))
            w.period(s, e, [(i, b, pk) for i, (b, pk) in sorted(rows2.items())])
        for rel, w in files.items():
            outputs[rel] = w.text().encode("utf-8")
    txn = rollup.Transaction(root, "migrate", [pf.file_id for _, pf in parsed])
    txn.absorbed.extend(pf for _, pf in parsed)
    # finest first: while the renames go on, a reader that finds a coarse block finds every finer
    # file of the final store too, so it never counts a straddling block where the final store
    # would count finer records (less, never more: what is not renamed yet is missing)
    order = {t: n for n, t in enumerate(storefs.TIER_DIRS)}
    for rel, data in sorted(outputs.items(), key=lambda kv: (order[kv[0].split("/")[0]], kv[0])):
        out_rel = rel if rel in current else rel + storefs.GZ
        txn.outputs.append(rollup.Output(out_rel, rel.split("/")[0], []))
        txn._rendered[out_rel] = data if rel in current else storefs.gzip_bytes(data)
    written = {o.rel for o in txn.outputs}
    txn.deletes.extend(f.rel for f, _ in parsed if f.rel not in written)
    txn.commit()
    summary.after_rewrite(root, "migrate")          # status then reads no file it knows
    # the markers say what was rolled up above (every period with e <= bound), also without a
    # state yet (a version-1 store copied to a new host): else collect would take every period
    # before its first run as rolled up, and the upgraded records' days and months would get no
    # blocks of their own
    if bound > 0:
        for tier in periods.PERIOD_TIERS:
            st.rolled[tier] = periods.period_of(tier, bound)[0]
        statemod.save(root, st)
    return sorted(written)
