# SPDX-License-Identifier: LGPL-2.1-or-later
"""What every writer does first, under the lock: finish or undo what a killed writer left.

- A rotate/compact transaction whose journal (txn.json) was written is rolled forward: its
  remaining renames are done and its absorbed files deleted. Without a journal, its temporary
  files are removed (the transaction never committed and the store is as it was).
- A closing (closing.py) killed after its rename left a plain file beside the .cta.gz that
  supersedes it: the plain file is unlinked. One killed before its rename left only a
  temporary file, removed as above.
- A plain file without one complete line (a writer killed between creating it and writing its
  header) is unlinked: it holds nothing.
- Period blocks past the end of the last period the state records as rolled up (State.rolled)
  were appended by a writer that died before it saved its state: they are truncated away, and
  the next collect rolls those periods up again (rollups.py).
- Detail blocks outside the time the state records as taken (State.busy: normally everything
  up to state.last_end) were appended by a collect that died before it saved its state: they
  are truncated away, so that time is counted once, by the next collect.
"""

from __future__ import annotations

import json
import os

from . import clock, closing, rollups, storefs
from .state import State
from .store import StoreError, parse

JOURNAL = "txn.json"


def header_id(path: str) -> str | None:
    try:
        with open(path, "rb") as f:
            head = f.readline(200).decode("utf-8", "replace").split()
    except OSError:
        return None
    return head[3] if len(head) == 4 and head[0] == "#cta" else None


def finish_journal(root: str) -> bool:
    """Roll a committed transaction forward, or drop uncommitted temporaries. True if it acted."""
    path = os.path.join(root, JOURNAL)
    acted = False
    try:
        with open(path, "rb") as f:
            txn = json.loads(f.read().decode("utf-8"))
    except FileNotFoundError:
        txn = None
    if txn is not None:
        for tmp, final in txn["renames"]:
            t = os.path.join(root, tmp)
            if os.path.exists(t):
                os.rename(t, os.path.join(root, final))
        for tier in storefs.TIER_DIRS:
            storefs.fsync_dir(os.path.join(root, tier))
        for rel in txn["delete"]:
            try:
                os.unlink(os.path.join(root, rel))
            except FileNotFoundError:
                pass
        for tier in storefs.TIER_DIRS:
            storefs.fsync_dir(os.path.join(root, tier))
        os.unlink(path)
        storefs.fsync_dir(root)
        acted = True
    for tier in storefs.TIER_DIRS:
        d = os.path.join(root, tier)
        try:
            names = os.listdir(d)
        except FileNotFoundError:
            continue
        for name in names:
            if name.endswith((".cta.tmp", ".cta.gz.tmp")):
                os.unlink(os.path.join(d, name))
                acted = True
    try:
        os.unlink(os.path.join(root, JOURNAL + ".tmp"))
    except FileNotFoundError:
        pass
    return acted


def truncate_orphans(root: str, st: State, files: list[storefs.StoreFile] | None = None) -> list[str]:
    """Cut uncommitted detail blocks (and torn tails) off the files that have them.

    Only plain files: a .cta.gz is written after the state that covers its blocks was saved.
    """
    if st.last_end is None:
        return []
    free = clock.first_free(st) or st.last_end
    first = {v: storefs.file_for("detail", free, v).name for v in (1, 2)}
    fixed = []
    for f in storefs.list_files(root) if files is None else files:
        if f.tier != "detail" or f.compressed or f.name < first[f.version]:
            continue
        path = os.path.join(root, f.rel)
        size = os.path.getsize(path)
        c = st.detail
        if c is not None and c.rel == f.rel and c.size == size and header_id(path) == c.file_id:
            continue                       # exactly as the last collect left it
        with open(path, "rb") as fh:
            data = fh.read()
        try:
            pf = parse(data, f.rel)
        except StoreError:
            continue                       # not ours to repair; readers report it
        cut = pf.valid_length
        for block in pf.blocks:
            if not clock.committed(st, block.start, block.end):
                cut = min(cut, block.offset)
                break
        if cut < len(data):
            storefs.truncate(path, cut)
            fixed.append(f.rel)
    return fixed


def has_complete_line(path: str) -> bool:
    """Whether a file has a newline anywhere (for a store file: its header line is whole)."""
    with open(path, "rb") as fh:
        while True:
            chunk = fh.read(4096)
            if not chunk:
                return False
            if b"\n" in chunk:
                return True


def remove_unfinished(root: str, files: list[storefs.StoreFile]) -> list[str]:
    """Unlink plain files without one complete line: a writer killed between creating a file
    and writing its header left it. It holds nothing a reader counts, and a writer could not
    append to it (collect writes the header only into an empty file). A .cta.gz is always
    renamed into place whole, so it is never in this state; a damaged one is left to readers."""
    removed = []
    for f in files:
        if f.compressed:
            continue
        path = os.path.join(root, f.rel)
        try:
            if has_complete_line(path):
                continue
            os.unlink(path)
        except FileNotFoundError:
            continue
        storefs.fsync_dir(os.path.dirname(path))
        removed.append(f.rel)
    return removed


def recover(root: str, st: State) -> None:
    finish_journal(root)
    files = storefs.list_files(root)
    gone = set(remove_unfinished(root, files))
    gone.update(closing.finish_interrupted(root, [f for f in files if f.rel not in gone]))
    truncate_orphans(root, st, [f for f in files if f.rel not in gone])
    rollups.truncate_unsaved(root, st, [f for f in files if f.rel not in gone])
