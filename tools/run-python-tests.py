#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
# Runs one Python unittest suite verbosely and writes its counts to a JSON file for the summary
# of `make check`: `run-python-tests.py DIR OUTPUT.json` discovers DIR/test_*.py from the repo
# root. Exit status 1 when anything failed or errored, or when no test ran at all.
import json
import sys
import time
import unittest


def main() -> int:
    if len(sys.argv) != 3:
        print("usage: run-python-tests.py TEST-DIRECTORY OUTPUT.json", file=sys.stderr)
        return 2
    directory, output = sys.argv[1], sys.argv[2]
    started = time.monotonic()
    suite = unittest.defaultTestLoader.discover(directory, top_level_dir=".")
    result = unittest.TextTestRunner(verbosity=2, stream=sys.stdout).run(suite)
    failed = len(result.failures) + len(result.errors) + len(result.unexpectedSuccesses)
    skipped = len(result.skipped)
    # A failing or skipping setUpModule (or tearDownModule) is a failure or a skip but no test
    # that ran: only the tests that ran and did not fail or skip passed.
    failed_tests = sum(1 for test, _ in result.failures + result.errors if isinstance(test, unittest.TestCase))
    skipped_tests = sum(1 for test, _ in result.skipped if isinstance(test, unittest.TestCase))
    passed = result.testsRun - failed_tests - len(result.unexpectedSuccesses) - skipped_tests
    with open(output, "w") as f:
        json.dump({"passed": passed, "failed": failed, "skipped": skipped,
                   "skipped_reasons": [f"{test.id()}: {reason}" for test, reason in result.skipped],
                   "seconds": round(time.monotonic() - started, 1)}, f, indent=2)
    return 0 if failed == 0 and result.testsRun > 0 else 1


if __name__ == "__main__":
    sys.exit(main())
