# SPDX-License-Identifier: LGPL-2.1-or-later
"""The collector's state (state.json): last absolute values per counter, last_end, totals."""

from __future__ import annotations

import json
import os
from collections import namedtuple

TYPE_CHECKING = False
if TYPE_CHECKING:                       # annotations only: typing is slow to import
    from typing import Any

from . import storefs

STATE_VERSION = 3


class CounterState(namedtuple("CounterState", "bytes packets handle boot")):
    __slots__ = ()
    bytes: int
    packets: int
    handle: str
    boot: str


class DetailCache(namedtuple("DetailCache", "rel file_id size ids")):
    """Ids of the detail file that collect appended to last, so it need not re-read it."""
    __slots__ = ()
    rel: str
    file_id: str
    size: int
    ids: dict[str, int]


class State:
    def __init__(self, last_end: int | None = None, collected: list[str] | None = None) -> None:
        self.last_end = last_end
        self.collected = collected or []                      # source keys read in the last run
        self.counters: dict[str, CounterState] = {}           # by Identity.key()
        # Prometheus totals: bytes, packets, last time seen (kept a while for counters that vanish)
        self.prometheus: dict[str, tuple[int, int, int]] = {}
        self.detail: DetailCache | None = None
        # True when loaded from an older version: its handles may be of another form (deltas.py)
        self.upgraded = False
        # what the configuration selected per source key (deltas.py: a grown selection is no news)
        self.selection: dict[str, str] = {}
        # wall-clock time taken by stored records, as disjoint [start, end) spans (clock.py)
        self.busy: list[list[int]] = []
        # the previous run: wall time, seconds since boot (/proc/uptime), boot id
        self.last_run: tuple[float, float, str] | None = None
        # deltas read while the clock stood inside recorded time, written with the next interval
        self.pending: dict[str, tuple[int, int]] = {}
        # and what those runs did not count: [counter, reason, since], noted with that interval
        self.pending_notes: list[list[Any]] = []
        # iptables-nft: comments by kernel handle (None: no comment), and handles seen but not
        # identified yet with the start of the interval they were first seen in; for one boot
        self.iptables_nft: dict[str, str | None] = {}
        self.unidentified: dict[str, tuple[int, bool]] = {}     # deltas.Unidentified
        self.unidentified_boot = ""
        # the configuration file's error, if the last collect ran on the last valid copy
        self.config_error = ""
        # store format 2: per period tier, the end of the last period rolled up (rollups.py)
        self.rolled: dict[str, int] = {}
        # ... and the periods before it held back: a record may still end in them (rollups.py)
        self.unrolled: dict[str, list[list[int]]] = {}


class StateError(Exception):
    pass


def load(root: str) -> State:
    path = os.path.join(root, "state.json")
    try:
        with open(path, "rb") as f:
            raw = json.loads(f.read().decode("utf-8"))
    except FileNotFoundError:
        return State()
    except (OSError, ValueError) as e:
        raise StateError(f"{path}: unreadable ({e}); move it away to start a new baseline") from e
    try:
        version = raw.get("version")
        if version not in (1, 2, STATE_VERSION):
            raise StateError(f"{path}: unknown state version {version!r}")
        st = State(last_end=raw.get("last_end"), collected=list(raw.get("collected", [])))
        for k, v in raw.get("counters", {}).items():
            if version == 1:                                   # {"bytes":..., "packets":..., ...}
                v = (v["bytes"], v["packets"], v["handle"], v["boot"])
            b, p, handle, boot = v
            st.counters[k] = CounterState(int(b), int(p), str(handle), str(boot))
        for k, v in raw.get("prometheus", {}).items():
            st.prometheus[k] = (int(v[0]), int(v[1]), int(v[2]) if len(v) > 2 else 0)
        st.upgraded = version != STATE_VERSION
        st.config_error = str(raw.get("config_error", ""))
        st.iptables_nft = {str(h): None if c is None else str(c) for h, c in raw.get("iptables_nft", {}).items()}
        st.unidentified = {str(h): (int(u[0]), bool(u[1])) for h, u in raw.get("unidentified", {}).items()}
        st.unidentified_boot = str(raw.get("unidentified_boot", ""))
        st.selection = {str(k): str(v) for k, v in raw.get("selection", {}).items()}
        busy = raw.get("busy")
        if busy is None:
            busy = [] if st.last_end is None else [[0, int(st.last_end)]]
        st.busy = [[int(a), int(b)] for a, b in busy]
        lr = raw.get("last_run")
        if lr:
            st.last_run = (float(lr[0]), float(lr[1]), str(lr[2]))
        for k, v in raw.get("pending", {}).items():
            st.pending[k] = (int(v[0]), int(v[1]))
        st.pending_notes = [[str(c), str(r), None if t is None else int(t)] for c, r, t in raw.get("pending_notes", [])]
        st.rolled = {str(k): int(v) for k, v in (raw.get("rolled") or {}).items() if v is not None}
        st.unrolled = {str(k): [[int(a), int(b)] for a, b in v] for k, v in (raw.get("unrolled") or {}).items()}
        d = raw.get("detail")
        if d:
            st.detail = DetailCache(d["rel"], d["file_id"], int(d["size"]), {k: int(i) for k, i in d["ids"].items()})
    except (KeyError, TypeError, ValueError, AttributeError) as e:
        raise StateError(f"{path}: malformed ({e}); move it away to start a new baseline") from e
    return st


def dump(st: State) -> bytes:
    doc: dict[str, Any] = {
        "version": STATE_VERSION,
        "last_end": st.last_end,
        "collected": st.collected,
        # [bytes, packets, kernel handle, boot id] per counter: lists keep a big state quick
        "counters": {k: list(c) for k, c in st.counters.items()},
        "prometheus": {k: list(v) for k, v in st.prometheus.items()},
        "selection": st.selection,
        "config_error": st.config_error,
        "iptables_nft": st.iptables_nft,
        "unidentified": {h: list(u) for h, u in st.unidentified.items()},
        "unidentified_boot": st.unidentified_boot,
        "busy": st.busy,
        "rolled": st.rolled,
        "unrolled": st.unrolled,
        "last_run": None if st.last_run is None else list(st.last_run),
        "pending": {k: list(v) for k, v in st.pending.items()},
        "pending_notes": st.pending_notes,
        "detail": None if st.detail is None else {
            "rel": st.detail.rel, "file_id": st.detail.file_id, "size": st.detail.size, "ids": st.detail.ids},
    }
    return (json.dumps(doc, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")


def save(root: str, st: State) -> None:
    storefs.replace_file(os.path.join(root, "state.json"), dump(st))
