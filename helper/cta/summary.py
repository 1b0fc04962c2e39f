# SPDX-License-Identifier: LGPL-2.1-or-later
"""The store summary (summary.json): what `status` reports, kept up to date by the writers, so
that status costs a directory listing and one small file instead of a read of the whole store.

For each store file, keyed by its (size, mtime, inode) when it was checked: its tier, file id,
`x` lines, oldest start and newest end, torn append, corrupt lines, or why it cannot be read.
`status` uses an entry only while the file still has that key; a file without a matching entry
is reported as unchecked (never parsed by status: a huge or hostile file costs it nothing).

And the damage that a writer made disappear: when rotate or compact absorbs a file with
corrupt lines or a torn append, those are no longer in any file, so they are recorded here and
reported until an admin dismisses them (`cta-helper dismiss-damage`).

Writers: collect updates its own file's entry after each append (no parse) and checks a few
unchecked files per run (CHECK_PER_COLLECT bytes at most); rotate and compact record what they
absorb before they commit and check every changed file after. Every update is best effort: a
failure to write the summary never fails the command that changed the store.
"""

from __future__ import annotations

import json
import os
import sys
import time

TYPE_CHECKING = False
if TYPE_CHECKING:                       # annotations only: typing is slow to import
    from typing import Any, Iterable

from . import storefs
from .store import ParsedFile, StoreError

SUMMARY = "summary.json"
VERSION = 1
MAX_LISTED = 100                        # corrupt lines kept per file (all are counted)
CHECK_LIMIT = 64 * 1024 * 1024          # a file larger than this is never parsed for the summary
CHECK_PER_COLLECT = 4 * 1024 * 1024     # bytes of unchecked files a collect checks


def empty() -> dict[str, Any]:
    return {"version": VERSION, "files": {}, "damage": [], "next_damage_id": 1}


def load(root: str) -> dict[str, Any]:
    """The summary, or an empty one if it is missing or unusable (it is only a cache)."""
    try:
        with open(os.path.join(root, SUMMARY), "rb") as f:
            doc = json.loads(f.read().decode("utf-8"))
    except (OSError, ValueError):
        return empty()
    if (not isinstance(doc, dict) or doc.get("version") != VERSION or not isinstance(doc.get("files"), dict)
            or not isinstance(doc.get("damage"), list) or not isinstance(doc.get("next_damage_id"), int)):
        return empty()
    return doc


def save(root: str, doc: dict[str, Any]) -> None:
    storefs.replace_file(os.path.join(root, SUMMARY),
                         json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))


def stat_key(st: os.stat_result) -> list[int]:
    return [st.st_size, st.st_mtime_ns, st.st_ino]


def entry_of(pf: ParsedFile, key: list[int]) -> dict[str, Any]:
    starts = [b.start for b in pf.blocks]
    ends = [b.end for b in pf.blocks]
    return {
        "key": key, "tier": pf.tier, "file_id": pf.file_id,
        "supersedes": [x for x in pf.supersedes if x != pf.file_id],
        "oldest": min(starts) if starts else None, "newest": max(ends) if ends else None,
        "torn": pf.torn, "corrupt_count": len(pf.corrupt),
        "corrupt": [[c.line, c.reason] for c in pf.corrupt[:MAX_LISTED]], "error": None,
    }


def check(root: str, f: storefs.StoreFile) -> dict[str, Any] | None:
    """A file's entry, from its content; None if it vanished or is too large to check."""
    path = os.path.join(root, f.rel)
    try:
        st = os.stat(path)
        if st.st_size > CHECK_LIMIT:
            return None
        with open(path, "rb") as fh:
            data = fh.read()
    except FileNotFoundError:
        return None
    key = stat_key(st)
    try:
        return entry_of(storefs.parse_file(f, data), key)
    except StoreError as e:
        return {"key": key, "tier": f.tier, "file_id": None, "supersedes": [], "oldest": None,
                "newest": None, "torn": False, "corrupt_count": 0, "corrupt": [], "error": str(e)}


def listing(root: str) -> list[tuple[storefs.StoreFile, list[int]]]:
    out = []
    for f in storefs.list_files(root):
        try:
            out.append((f, stat_key(os.stat(os.path.join(root, f.rel)))))
        except FileNotFoundError:
            continue
    return out


def refresh(doc: dict[str, Any], root: str, budget: int | None) -> bool:
    """Drop the entries of files that are gone; check files whose entry does not match, the
    smallest first, up to `budget` bytes (None: all). True if the summary changed."""
    files = doc["files"]
    present = listing(root)
    names = {f.rel for f, _ in present}
    changed = False
    for rel in [r for r in files if r not in names]:
        del files[rel]
        changed = True
    todo = sorted(((key[0], f) for f, key in present if (files.get(f.rel) or {}).get("key") != key),
                  key=lambda t: (t[0], t[1].rel))
    spent = 0
    for size, f in todo:
        if budget is not None and spent + size > budget:
            break                               # smallest first: nothing later fits either
        entry = check(root, f)
        spent += size
        if entry is not None:
            files[f.rel] = entry
            changed = True
    return changed


def _quietly(what: str, fn: Any) -> None:
    try:
        fn()
    except (OSError, storefs.WriteError, StoreError) as e:
        print(f"cta-helper: the store summary was not updated ({what}): {e}", file=sys.stderr)


def after_collect(root: str, rel: str | None, file_id: str | None, old_size: int, start: int | None,
                  end: int) -> None:
    """collect appended the block [start, end) to `rel` (None: it wrote nothing); its file had
    old_size bytes before. The file's entry follows without a parse when it matched before."""
    def update() -> None:
        doc = load(root)
        files = doc["files"]
        if rel is not None and start is not None:
            path = os.path.join(root, rel)
            key = stat_key(os.stat(path))
            entry = files.get(rel)
            if old_size == 0:
                entry = {"key": key, "tier": "detail", "file_id": file_id, "supersedes": [], "oldest": start,
                         "newest": end, "torn": False, "corrupt_count": 0, "corrupt": [], "error": None}
            elif entry is not None and entry.get("key", [None])[0] == old_size and entry.get("error") is None:
                entry["key"] = key
                entry["oldest"] = start if entry["oldest"] is None else min(entry["oldest"], start)
                entry["newest"] = end if entry["newest"] is None else max(entry["newest"], end)
            if entry is not None:
                files[rel] = entry
        refresh(doc, root, CHECK_PER_COLLECT)
        save(root, doc)
    _quietly("collect", update)


def record_absorbed(root: str, absorbed: Iterable[ParsedFile], by: str) -> None:
    """Before a transaction absorbs these files: their corrupt lines and torn appends, which
    no file will hold any more, go on the damage list (once per file id and line)."""
    def update() -> None:
        doc = load(root)
        known = {(d["file_id"], d["line"]) for d in doc["damage"]}
        now = int(time.time())
        added = False
        for pf in absorbed:
            lost = [(c.line, c.reason) for c in pf.corrupt]
            if pf.torn:
                lost.append((0, "torn append (an interrupted write)"))
            for line, reason in lost:
                if pf.file_id is None or (pf.file_id, line) in known:
                    continue
                doc["damage"].append({"id": doc["next_damage_id"], "file": pf.path, "file_id": pf.file_id,
                                      "line": line, "reason": reason, "dropped": now, "by": by})
                doc["next_damage_id"] += 1
                known.add((pf.file_id, line))
                added = True
        if added:
            save(root, doc)
    _quietly(by, update)


def after_rewrite(root: str, by: str) -> None:
    """After rotate or compact: check every file that changed."""
    def update() -> None:
        doc = load(root)
        if refresh(doc, root, None):
            save(root, doc)
    _quietly(by, update)


def dismiss(root: str, up_to: int | None) -> int:
    """Forget the damage entries with id <= up_to (all if None); how many were dismissed."""
    doc = load(root)
    keep = [d for d in doc["damage"] if up_to is not None and d["id"] > up_to]
    gone = len(doc["damage"]) - len(keep)
    if gone:
        doc["damage"] = keep
        save(root, doc)
    return gone
