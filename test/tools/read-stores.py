#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""The helper's reader over many stores, as JSON, for the differential test of the two readers
(test/engine/differential.test.ts): for each store directory, the files it could not read, the
torn appends, the corrupt lines and the totals of each window.

    echo '{"windows": [[from, to], ...], "stores": [DIR or {"dir": DIR, "windows": [...]}, ...]}' | read-stores.py
"""

from __future__ import annotations

import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "helper"))

from cta import storefs, window  # noqa: E402
from cta.store import StoreError, resolve  # noqa: E402


def read(root: str, windows: list[list[int]]) -> dict[str, object]:
    parsed = []
    errors = []
    for f in storefs.list_files(root):
        try:
            parsed.append(storefs.read_file(root, f))
        except StoreError:
            errors.append(f.rel)
    view = resolve(parsed)
    return {
        "errors": sorted(errors),
        "torn": view.torn,
        "corrupt": sorted([c.file, c.line] for c in view.corrupt),
        # version 2's tiers overlap: the window reader counts each period once
        "windows": [{} if errors else
                    {ident.key(): [str(b), str(p)] for ident, (b, p) in window.totals(root, lo, hi).items()}
                    for lo, hi in windows],
    }


def main() -> None:
    job = json.load(sys.stdin)
    json.dump([read(d, job["windows"]) if isinstance(d, str) else read(d["dir"], d["windows"])
               for d in job["stores"]], sys.stdout)


if __name__ == "__main__":
    main()
