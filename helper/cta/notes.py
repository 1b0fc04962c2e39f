# SPDX-License-Identifier: LGPL-2.1-or-later
"""notes.json: what collections did not count and why, for `status` and the page.

One note per collection and reason: the interval [start, end), the reason, and the counters it
names (identity keys; `source:KEY` stands for every counter of a source, "" for none in
particular, as for a clock step). A run that is repeated after a crash replaces its own notes
(same start of its own interval, `run`, and reason) instead of adding them twice. The newest
KEEP notes are kept.
"""

from __future__ import annotations

import json
import os

TYPE_CHECKING = False
if TYPE_CHECKING:                       # annotations only: typing is slow to import
    from typing import Any

    from .state import State

from . import storefs

FILE = "notes.json"
KEEP = 1000
RECENT = 50                # notes in `status --json`
LISTED = 100               # counters named in one note; `count` says how many there were


def load(root: str) -> dict[str, Any]:
    """The notes file, or an empty one; a damaged file is reported as a note of its own."""
    path = os.path.join(root, FILE)
    try:
        with open(path, "rb") as f:
            doc = json.loads(f.read().decode("utf-8"))
        if isinstance(doc, dict) and isinstance(doc.get("notes"), list):
            return doc
        raise ValueError("not a notes file")
    except FileNotFoundError:
        return {"version": 1, "notes": [], "dropped": 0}
    except (OSError, ValueError) as e:
        return {"version": 1, "dropped": 0,
                "notes": [{"start": None, "end": None, "reason": f"{FILE} was unreadable ({e}) and "
                           "was started again: earlier notes are lost", "counters": [], "count": 0}]}


def make(run: int | None, start: int | None, end: int, reason: str, counters: list[str]) -> dict[str, Any]:
    """run: the start of the collection's own interval, which a repeated run has too (start may
    reach back further, to when what was not counted began)."""
    if start is not None and start >= end:
        start = None                       # the clock stepped back: since the previous collection
    return {"run": run, "start": start, "end": end, "reason": reason, "counters": counters[:LISTED],
            "count": len(counters)}


def add(root: str, new: list[dict[str, Any]]) -> None:
    if not new:
        return
    doc = load(root)
    replaced = {(n["run"], n["reason"]) for n in new}
    kept = [n for n in doc["notes"] if (n.get("run", n.get("start")), n.get("reason")) not in replaced]
    kept.extend(new)
    dropped = max(0, len(kept) - KEEP)
    doc = {"version": 1, "notes": kept[dropped:], "dropped": int(doc.get("dropped", 0)) + dropped}
    data = json.dumps(doc, ensure_ascii=False, separators=(",", ":")) + "\n"
    storefs.replace_file(os.path.join(root, FILE), data.encode("utf-8"))


def status_fields(root: str, st: State | None, config_error: str) -> dict[str, Any]:
    """What `status --json` says about collecting: recent notes, a held interval, the config."""
    doc = load(root)
    recent = doc["notes"][-RECENT:]
    held = bool(st and st.pending)
    return {"notes": recent, "notes_total": len(doc["notes"]) + int(doc.get("dropped", 0)),
            "held": held, "config_error": config_error}
