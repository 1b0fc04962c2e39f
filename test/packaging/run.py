#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
# Runs the packaging suite (test/packaging/test_*.py) verbosely and writes its counts to a JSON
# file for the summary of `make check`. Exit status 1 when anything failed or errored.
import json
import sys
import time
import unittest


def main() -> int:
    output = sys.argv[1] if len(sys.argv) > 1 else "test/artifacts/python-packaging.json"
    started = time.monotonic()
    suite = unittest.defaultTestLoader.discover("test/packaging", top_level_dir=".")
    result = unittest.TextTestRunner(verbosity=2, stream=sys.stdout).run(suite)
    failed = len(result.failures) + len(result.errors) + len(result.unexpectedSuccesses)
    skipped = len(result.skipped)
    passed = result.testsRun - failed - skipped
    with open(output, "w") as f:
        json.dump({"passed": passed, "failed": failed, "skipped": skipped,
                   "skipped_reasons": [f"{test.id()}: {reason}" for test, reason in result.skipped],
                   "seconds": round(time.monotonic() - started, 1)}, f, indent=2)
    return 0 if failed == 0 and result.testsRun > 0 else 1


if __name__ == "__main__":
    sys.exit(main())
