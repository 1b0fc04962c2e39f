# SPDX-License-Identifier: LGPL-2.1-or-later
"""`status` and `files`: read-only reports for the page. They never write and need no root."""

from __future__ import annotations

import os

TYPE_CHECKING = False
if TYPE_CHECKING:                       # annotations only: typing is slow to import
    from typing import Any

from . import notes, recovery, state as statemod, storefs
from .config import Config
from .sources import read_all
from .store import StoreError, parse, resolve

MAX_CORRUPT_LISTED = 100


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
    tiers: dict[str, dict[str, Any]] = {t: {"files": 0, "bytes": 0, "oldest": None, "newest": None}
                                        for t in storefs.TIER_DIRS}
    parsed = []
    for f in storefs.list_files(root):
        path = os.path.join(root, f.rel)
        try:
            with open(path, "rb") as fh:
                data = fh.read()
        except OSError as e:
            errors.append(f"{f.rel}: {e.strerror}")
            continue
        t = tiers[f.tier]
        t["files"] += 1
        t["bytes"] += len(data)                 # on disk: compressed for a .cta.gz
        try:
            parsed.append(parse(storefs.content(f, data), f.rel))
        except StoreError as e:
            errors.append(str(e))               # unknown version, damaged compressed file...
    view = resolve(parsed)
    for pf in view.files:
        t = tiers[pf.tier]
        for b in pf.blocks:
            if t["oldest"] is None or b.start < t["oldest"]:
                t["oldest"] = b.start
            if t["newest"] is None or b.end > t["newest"]:
                t["newest"] = b.end
    starts = [t["oldest"] for t in tiers.values() if t["oldest"] is not None]
    ends = [t["newest"] for t in tiers.values() if t["newest"] is not None]
    return {
        "version": 1,
        "store": root,
        "config": config_path,
        "privileged": os.geteuid() == 0,
        "interval_seconds": cfg.interval_seconds,
        "last_collection": last,
        "sources": sources,
        "tiers": tiers,
        "store_bytes": sum(t["bytes"] for t in tiers.values()),
        "oldest": min(starts) if starts else None,
        "newest": max(ends) if ends else None,
        "corrupt": {"count": len(view.corrupt),
                    "lines": [{"file": c.file, "line": c.line, "reason": c.reason}
                              for c in view.corrupt[:MAX_CORRUPT_LISTED]]},
        "torn": view.torn,
        "superseded_files": [pf.path for pf in view.ignored],
        "transaction_pending": os.path.exists(os.path.join(root, recovery.JOURNAL)),
        "offload_warnings": [{"family": w.family, "table": w.table, "flowtable": w.flowtable,
                              "message": w.message} for w in warnings],
        "errors": errors,
        **notes.status_fields(root, st, config_error),
    }
