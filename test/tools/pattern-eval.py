#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Reads [{"pattern", "case_insensitive", "names"}] as JSON on stdin and prints, for each, the
Python pattern engine's answer: {"error": message or null, "matches": [bool per name]}. The
page's differential test (test/engine/pattern-fuzz.test.ts) compares it with its own."""

from __future__ import annotations

import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "helper"))

from cta.pattern import PatternError, compile_pattern  # noqa: E402


def main() -> None:
    out = []
    for case in json.load(sys.stdin):
        try:
            p = compile_pattern(case["pattern"], case["case_insensitive"])
        except PatternError as e:
            out.append({"error": str(e), "matches": []})
            continue
        out.append({"error": None, "matches": [p.search(n) for n in case["names"]]})
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
