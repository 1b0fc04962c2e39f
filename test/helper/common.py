# SPDX-License-Identifier: LGPL-2.1-or-later
"""Shared helpers for the helper's tests: import path, paths, running the helper."""

from __future__ import annotations

import os
import subprocess
import sys

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
HELPER_DIR = os.path.join(REPO, "helper")
HELPER = os.path.join(HELPER_DIR, "cta-helper")
FIXTURES = os.path.join(REPO, "test", "fixtures", "stores")
DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data")
# the interpreter the helper runs on in these tests: Debian's, or another (make check runs 3.9 and the newest)
PYTHON = os.environ.get("CTA_TEST_PYTHON", "/usr/bin/python3")

if HELPER_DIR not in sys.path:
    sys.path.insert(0, HELPER_DIR)


def run_helper(*args: str, env: dict[str, str] | None = None, netns: str | None = None,
               check: bool = True, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    argv = [PYTHON, HELPER, *args]
    if netns:
        argv = ["ip", "netns", "exec", netns, *argv]
    full_env = dict(os.environ)
    if env:
        full_env.update(env)
    proc = subprocess.run(argv, capture_output=True, text=True, env=full_env, timeout=timeout)
    if check and proc.returncode != 0:
        raise AssertionError(f"{' '.join(args)} exited {proc.returncode}: {proc.stderr}{proc.stdout}")
    return proc
