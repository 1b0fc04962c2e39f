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

STATE_VERSION = 2


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
        if version not in (1, STATE_VERSION):
            raise StateError(f"{path}: unknown state version {version!r}")
        st = State(last_end=raw.get("last_end"), collected=list(raw.get("collected", [])))
        for k, v in raw.get("counters", {}).items():
            if version == 1:                                   # {"bytes":..., "packets":..., ...}
                v = (v["bytes"], v["packets"], v["handle"], v["boot"])
            b, p, handle, boot = v
            st.counters[k] = CounterState(int(b), int(p), str(handle), str(boot))
        for k, v in raw.get("prometheus", {}).items():
            st.prometheus[k] = (int(v[0]), int(v[1]), int(v[2]) if len(v) > 2 else 0)
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
        "detail": None if st.detail is None else {
            "rel": st.detail.rel, "file_id": st.detail.file_id, "size": st.detail.size, "ids": st.detail.ids},
    }
    return (json.dumps(doc, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")


def save(root: str, st: State) -> None:
    storefs.replace_file(os.path.join(root, "state.json"), dump(st))
