# SPDX-License-Identifier: LGPL-2.1-or-later
"""Issue #11 item 5: collection never stops because of the clock, and records never overlap."""

from __future__ import annotations

import unittest

from test.helper import common  # noqa: F401  (import path)
from cta import clock
from cta.state import State

T = 1_800_000_000
BOOT = "b1"
DAY = 86400


def after_run(st: State, start: int | None, now: int, up: float) -> None:
    """What collect does with a placement: occupy the interval and remember the run."""
    if start is not None:
        clock.occupy(st, start, now)
        st.last_end = now
        st.pending = {}
    st.last_run = (float(now), up, BOOT)


def started(now: int = T, up: float = 1000.0) -> State:
    st = State()
    clock.first_run(st, now)
    st.last_end = now
    st.last_run = (float(now), up, BOOT)
    return st


class Placement(unittest.TestCase):
    def test_no_step(self) -> None:
        st = started()
        p = clock.place(st, T + 300, 1300.0, BOOT)
        self.assertEqual((p.start, p.end, p.step), (T, T + 300, 0))

    def test_thirty_days_ahead_and_back(self) -> None:
        st = started()
        # 300 s really passed, the clock says 30 days and 300 s
        p = clock.place(st, T + 30 * DAY + 300, 1300.0, BOOT)
        self.assertEqual((p.start, p.step), (T + 30 * DAY, 30 * DAY))
        after_run(st, p.start, p.end, 1300.0)
        self.assertEqual(st.busy, [[0, T], [T + 30 * DAY, T + 30 * DAY + 300]])
        # the real clock again, 300 s later: the time skipped is free, collection goes on
        p = clock.place(st, T + 600, 1600.0, BOOT)
        self.assertEqual((p.start, p.end, p.step), (T, T + 600, -30 * DAY))
        after_run(st, p.start, p.end, 1600.0)
        p = clock.place(st, T + 900, 1900.0, BOOT)
        self.assertEqual((p.start, p.step), (T + 600, 0))
        after_run(st, p.start, p.end, 1900.0)
        # thirty days on, the records made under the wrong clock are stepped over, not overlapped
        st.last_run = (float(T + 30 * DAY + 100), 1900.0 + 30 * DAY - 800, BOOT)
        st.busy[0][1] = st.last_end = T + 30 * DAY + 100
        self.assertIsNone(clock.place(st, T + 30 * DAY + 200, 1900.0 + 30 * DAY - 700, BOOT).start)
        p = clock.place(st, T + 30 * DAY + 400, 1900.0 + 30 * DAY - 500, BOOT)
        self.assertEqual(p.start, T + 30 * DAY + 300)

    def test_an_hour_back_is_held_not_lost(self) -> None:
        st = started()
        p = clock.place(st, T - 3600 + 300, 1300.0, BOOT)
        self.assertEqual((p.start, p.step), (None, -3600))
        after_run(st, p.start, p.end, 1300.0)
        st.pending = {"k": (5, 1)}
        # the clock passes the recorded time again: one interval from the end of the records
        p = clock.place(st, T + 60, 1000.0 + 3600 + 60, BOOT)
        self.assertEqual((p.start, p.end), (T, T + 60))

    def test_same_second(self) -> None:
        st = started()
        self.assertEqual(clock.place(st, T, 1000.4, BOOT).start, None)

    def test_clock_before_the_first_collection(self) -> None:
        st = started()
        st.last_run = None                    # another boot: no common clock
        self.assertIsNone(clock.place(st, 86400, 5.0, "b2").start)

    def test_without_uptime_or_after_a_reboot_no_step_is_claimed(self) -> None:
        st = started()
        p = clock.place(st, T + 40 * DAY, None, BOOT)
        self.assertEqual((p.start, p.step), (T, 0))
        p = clock.place(st, T + 40 * DAY, 20.0, "b2")
        self.assertEqual((p.start, p.step), (T, 0))

    def test_spans_stay_few(self) -> None:
        st = started()
        for n in range(40):
            clock.occupy(st, T + 1000 * (n + 1), T + 1000 * (n + 1) + 10)
        self.assertLessEqual(len(st.busy), clock.MAX_SPANS)
        self.assertTrue(all(a[1] < b[0] for a, b in zip(st.busy, st.busy[1:])))
        self.assertTrue(clock.committed(st, T + 40000, T + 40010))

    def test_old_gaps_are_given_up_recent_ones_kept(self) -> None:
        st = started()
        clock.occupy(st, T + 3 * DAY, T + 3 * DAY + 300)          # a step forward: [T, T+3d) free
        st.last_end = T + 3 * DAY + 300
        self.assertFalse(clock.give_up_old_gaps(st))
        self.assertEqual(clock.place(st, T + 600, None, BOOT).start, T)     # a step back lands in it
        clock.occupy(st, T + 5 * DAY, T + 5 * DAY + 300)          # another step, two days later
        st.last_end = T + 5 * DAY + 300
        self.assertTrue(clock.give_up_old_gaps(st))
        self.assertEqual(st.busy, [[0, T + 3 * DAY + 300], [T + 5 * DAY, T + 5 * DAY + 300]])
        # a run whose clock lands in the given-up gap is held, not placed
        self.assertIsNone(clock.place(st, T + 600, None, BOOT).start)
        self.assertEqual(clock.place(st, T + 4 * DAY, None, BOOT).start, T + 3 * DAY + 300)

    def test_committed(self) -> None:
        st = started()
        clock.occupy(st, T + 5000, T + 5300)
        self.assertTrue(clock.committed(st, T - 300, T))
        self.assertTrue(clock.committed(st, T + 5000, T + 5300))
        self.assertFalse(clock.committed(st, T, T + 300))
        self.assertFalse(clock.committed(st, T + 5300, T + 5600))


if __name__ == "__main__":
    unittest.main()
