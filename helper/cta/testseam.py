# SPDX-License-Identifier: LGPL-2.1-or-later
"""Kill points for the crash tests. Inert unless CTA_TEST_KILL_AT is set (never in production).

CTA_TEST_KILL_AT=NAME:N makes the process SIGKILL itself at the N-th time it reaches the
point NAME (1-based), so that a test can stop a writer between any two of its steps.
"""

from __future__ import annotations

import os
import signal

_counts: dict[str, int] = {}


def point(name: str) -> None:
    spec = os.environ.get("CTA_TEST_KILL_AT")
    if not spec:
        return
    want, _, nth = spec.partition(":")
    if want != name:
        return
    _counts[name] = _counts.get(name, 0) + 1
    if _counts[name] == int(nth or "1"):
        os.kill(os.getpid(), signal.SIGKILL)
