#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# `make check`: installs what is missing, builds, then runs every check (lint, types, the lock
# file left as it was, mypy and flake8 on the Python, unit tests of the engine, the helper's
# suite with its real namespace scenarios, the integration tests in a real Cockpit and Chromium,
# the packages, and the .deb under a systemd booted with systemd-nspawn). Every step runs even if an earlier one failed, and the last
# line adds them all up.
set -uo pipefail
cd "$(dirname "$0")/.."

lock_before=$(sha256sum package-lock.json)
./tools/install-deps.sh || exit 1
npm run --silent build >/dev/null || { echo "build failed"; exit 1; }

artifacts=test/artifacts
mkdir -p "$artifacts"
rm -f "$artifacts"/*.json
steps=()

step() {
    local name=$1; shift
    echo "=== $name"
    if "$@"; then steps+=("$name=passed"); else steps+=("$name=failed"); fi
}

step lint npx eslint .
step typecheck npx tsc --noEmit -p .
step lockfile-untouched test "$(sha256sum package-lock.json)" = "$lock_before"
step mypy /usr/bin/python3 -m mypy
step flake8 flake8 --select=E9,F helper/cta helper/cta-helper tools test bench
echo "=== unit tests"
npx jest --selectProjects unit --json --outputFile="$artifacts/jest-unit.json"
echo "=== helper tests"
/usr/bin/python3 tools/run-python-tests.py test/helper "$artifacts/python-tests.json"
# The helper supports Python 3.9 (RHEL 9, Debian 11) and every newer release: its suite runs
# again on 3.9 and on the newest interpreter the machine has (pyenv's, in the machine image).
versioned=()
for version in 3.9 newest; do
    python=$(tools/find-python.sh "$version") || { echo "no Python $version found"; versioned+=("python-$version=missing.json"); continue; }
    name="python-$("$python" -c 'import sys; print("%d.%d" % sys.version_info[:2])')"
    echo "=== helper tests on $name ($python)"
    # the churn soak runs its full 200 collections once, on Debian's python3 above
    CTA_SOAK_COLLECTIONS=40 CTA_TEST_PYTHON=$python "$python" tools/run-python-tests.py test/helper "$artifacts/$name.json"
    versioned+=("$name=$artifacts/$name.json")
done
echo "=== integration tests"
npx jest --selectProjects integration --runInBand --forceExit --json --outputFile="$artifacts/jest-integration.json"

echo "=== packaging tests"
/usr/bin/python3 tools/run-python-tests.py test/packaging "$artifacts/python-packaging.json"

echo "=== the .deb under a real systemd (systemd-nspawn)"
/usr/bin/python3 tools/run-python-tests.py test/systemd "$artifacts/python-systemd.json"

echo "=== summary"
exec npx tsx tools/summary.ts "${steps[@]}" \
    "unit=$artifacts/jest-unit.json" \
    "python=$artifacts/python-tests.json" \
    "${versioned[@]}" \
    "integration=$artifacts/jest-integration.json" \
    "python-packaging=$artifacts/python-packaging.json" \
    "python-systemd=$artifacts/python-systemd.json"
