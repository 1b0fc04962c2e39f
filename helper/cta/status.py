# SPDX-License-Identifier: LGPL-2.1-or-later
"""`status` and `files`: read-only reports for the page. They never write and need no root."""

from __future__ import annotations

import os

TYPE_CHECKING = False
if TYPE_CHECKING:                       # annotations only: typing is slow to import
    from typing import Any

from . import notes, recovery, state as statemod, storefs, summary
from .config import Config
from .sources import read_all

MAX_CORRUPT_LISTED = 100
STATUS_CHECK_BYTES = 4 * 1024 * 1024    # of unchecked files, checked by one status (not saved)


def files_report(root: str) -> dict[str, Any]:
    out = []
    for f in storefs.list_files(root):
        try:
            st = os.stat(os.path.join(root, f.rel))
        except FileNotFoundError:
            continue
        start, end = f.period()
        out.append({"file": f.rel, "tier": f.tier, "size": st.st_size, "mtime": int(st.st_mtime),
                    "period": {"from": start, "to": end}})
    return {
        "store": root,
        "files": out,
        "transaction_pending": os.path.exists(os.path.join(root, recovery.JOURNAL)),
    }


def store_summary(root: str) -> dict[str, Any]:
    """What the store holds, from summary.json and a listing, not from the store's files. A
    file that no writer has checked since it changed is checked here if it is small enough, or
    else listed in `unchecked`."""
    doc = summary.load(root)
    # files no writer has checked since they changed (a store of an earlier version, files
    # copied in): the smallest are checked here, in memory, up to a bound; the rest wait for
    # the next writer and are listed as unchecked
    summary.refresh(doc, root, STATUS_CHECK_BYTES)
    tiers: dict[str, dict[str, Any]] = {t: {"files": 0, "bytes": 0, "oldest": None, "newest": None}
                                        for t in storefs.TIER_DIRS}
    entries = []
    unchecked = []
    versions: set[int] = set()
    for f, key in summary.listing(root):
        versions.add(f.version)
        t = tiers[f.tier]
        t["files"] += 1
        t["bytes"] += key[0]                    # on disk: compressed for a .cta.gz
        entry = doc["files"].get(f.rel)
        if entry is None or entry.get("key") != key:
            unchecked.append({"file": f.rel, "size": key[0]})
        else:
            entries.append((f.rel, entry))
    superseded = {x for _, e in entries for x in e["supersedes"]}
    live = [(rel, e) for rel, e in entries if e["file_id"] is None or e["file_id"] not in superseded]
    corrupt: list[dict[str, Any]] = []
    count = 0
    for rel, e in live:
        tier = tiers.get(e["tier"])
        if tier is not None and e["oldest"] is not None:
            tier["oldest"] = e["oldest"] if tier["oldest"] is None else min(tier["oldest"], e["oldest"])
            tier["newest"] = e["newest"] if tier["newest"] is None else max(tier["newest"], e["newest"])
        count += e["corrupt_count"]
        corrupt.extend({"file": rel, "line": line, "reason": reason} for line, reason in e["corrupt"])
    live_ids = {e["file_id"] for _, e in live}
    starts = [t["oldest"] for t in tiers.values() if t["oldest"] is not None]
    ends = [t["newest"] for t in tiers.values() if t["newest"] is not None]
    return {
        # the format versions of the store's files (docs/store-format.md): [1] until the first
        # writer of this version runs, [1, 2] while a migration's renames are under way
        "format_versions": sorted(versions),
        "tiers": tiers,
        "store_bytes": sum(t["bytes"] for t in tiers.values()),
        "oldest": min(starts) if starts else None,
        "newest": max(ends) if ends else None,
        "corrupt": {"count": count, "lines": corrupt[:MAX_CORRUPT_LISTED]},
        "torn": sum(1 for _, e in live if e["torn"]),
        "superseded_files": sorted(rel for rel, e in entries if e["file_id"] in superseded),
        # what rotate or compact dropped with the files that held it, until an admin dismisses it
        "damage": [{k: d[k] for k in ("id", "file", "line", "reason", "dropped", "by")}
                   for d in doc["damage"] if d["file_id"] not in live_ids],
        "unchecked": unchecked,
        "transaction_pending": os.path.exists(os.path.join(root, recovery.JOURNAL)),
        "errors": [e["error"] for _, e in entries if e["error"]],
    }


def _identity_json(key: str, b: int, p: int) -> dict[str, Any]:
    from .store import Identity
    ident = Identity.from_key(key)
    return {"identity": key, "source": ident.source, "family": ident.family, "table": ident.table,
            "chain": ident.chain, "seq": ident.seq, "name": ident.name, "display": ident.display(),
            "bytes": str(b), "packets": str(p)}


def status_report(root: str, config_path: str, cfg: Config, config_error: str = "") -> dict[str, Any]:
    errors: list[str] = []
    try:
        st: statemod.State | None = statemod.load(root)
    except statemod.StateError as e:
        errors.append(str(e))
        st = None
    results, warnings = read_all(cfg, known=st.iptables_nft if st is not None else None)
    sources = []
    for res in results:
        sources.append({
            "key": res.key, "status": res.status, "note": res.note,
            "backends": sorted({k.split(":")[0] for k in res.collected}),
            "count": len(res.readings),
            "counters": [_identity_json(r.ident.key(), r.bytes, r.packets) for r in res.readings],
        })
    last = st.last_end if st is not None else None
    store = store_summary(root)
    errors.extend(store.pop("errors"))
    return {
        "version": 1,
        "store": root,
        "config": config_path,
        "privileged": os.geteuid() == 0,
        "interval_seconds": cfg.interval_seconds,
        "last_collection": last,
        "sources": sources,
        **store,
        "offload_warnings": [{"family": w.family, "table": w.table, "flowtable": w.flowtable,
                              "message": w.message} for w in warnings],
        "errors": errors,
        **notes.status_fields(root, st, config_error),
    }
