# SPDX-License-Identifier: LGPL-2.1-or-later
"""Where a collection's interval lies on the wall clock, through clock steps in either direction.

The state keeps the wall-clock time that stored records take as disjoint spans (State.busy),
and the previous run's wall time with the seconds since boot at that moment (/proc/uptime,
which no time-faking library rewrites and NTP never steps). Within one boot, the two together
tell a step of the wall clock from the time that really passed:

- no step: the interval is [end of the last record, now), as always;
- a step forward: the interval is the time that really passed, ending now; the time skipped
  stays free, so that a later step back can still place records there;
- now inside time already recorded (a step back, or a second run in the same second): the
  values read are held in the state and written with the next interval that fits, so nothing
  is lost and no two records ever overlap.
"""

from __future__ import annotations

from collections import namedtuple

from .state import State

STEP = 60                  # seconds of disagreement that count as a step, not as drift
MAX_SPANS = 16             # beyond this the oldest gap is given up (treated as recorded)
# A gap that ended this long before the last record is given up too: a step back that far is
# rare, and while a gap is free the periods around it cannot be rolled up (rollups.py).
GAP_KEEP = 2 * 86400
UPTIME = "/proc/uptime"


def uptime() -> float | None:
    try:
        with open(UPTIME, "rb") as f:
            return float(f.read().split()[0])
    except (OSError, ValueError, IndexError):
        return None


class Placement(namedtuple("Placement", "start end step")):
    __slots__ = ()
    start: int | None      # None: nothing can be written now (first run, or held)
    end: int
    step: int              # seconds the wall clock jumped since the previous run (0: none seen)


def spans(st: State) -> list[list[int]]:
    """The recorded time; a state without spans (older, or made by hand) has recorded everything
    up to its last_end."""
    if st.busy:
        return st.busy
    return [[0, st.last_end]] if st.last_end is not None else []


def measured_step(st: State, now: int, up: float | None, boot: str) -> int:
    if st.last_run is None or up is None:
        return 0
    wall, up0, boot0 = st.last_run
    if boot0 != boot or up0 < 0 or up < up0:
        return 0                           # another boot, or no uptime then: nothing to compare with
    step = round(now - (wall + (up - up0)))
    return step if abs(step) >= STEP else 0


def free_region(busy: list[list[int]], now: int) -> tuple[int, int | None] | None:
    """(start, end) of the free time that holds now (end None: open), or None if now is taken."""
    before: int | None = None
    for start, end in busy:
        if now <= start:
            return None if before is None else (before, start)
        if now <= end:
            return None                    # inside recorded time (its end belongs to it too)
        before = end
    return None if before is None else (before, None)


def place(st: State, now: int, up: float | None, boot: str) -> Placement:
    step = measured_step(st, now, up, boot)
    if st.last_end is None:
        return Placement(None, now, step)
    region = free_region(spans(st), now)
    if region is None:
        return Placement(None, now, step)
    start = region[0]
    if step > 0 and not st.pending and st.last_run is not None and up is not None:
        passed = up - st.last_run[1]
        start = max(start, int(now - passed))
    return Placement(start, now, step)


def occupy(st: State, start: int, end: int) -> None:
    """Record [start, end) as taken, merging spans that touch."""
    merged: list[list[int]] = []
    for s, e in sorted(spans(st) + [[start, end]]):
        if merged and s <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], e)
        else:
            merged.append([s, e])
    while len(merged) > MAX_SPANS:
        merged[0:2] = [[merged[0][0], merged[1][1]]]
    st.busy = merged


def give_up_old_gaps(st: State) -> bool:
    """Treat as recorded every gap that ended GAP_KEEP before the last record; True if any was.
    A run whose clock lands there later is held like one inside recorded time: nothing is lost."""
    if st.last_end is None or len(st.busy) < 2:
        return False
    limit = st.last_end - GAP_KEEP
    merged = [list(st.busy[0])]
    for start, end in st.busy[1:]:
        if start <= limit:
            merged[-1][1] = end
        else:
            merged.append([start, end])
    changed = len(merged) != len(st.busy)
    st.busy = merged
    return changed


def first_run(st: State, now: int) -> None:
    """Everything before the first collection is out of bounds for records."""
    st.busy = [[0, now]]


def committed(st: State, start: int, end: int) -> bool:
    """Whether a stored block [start, end) lies in recorded time (else a killed run wrote it)."""
    return any(s <= start and end <= e for s, e in spans(st))


def first_free(st: State) -> int | None:
    taken = spans(st)
    return taken[0][1] if taken else None
