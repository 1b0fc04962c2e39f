#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Prints the path of a Python interpreter: `find-python.sh 3.9` for that release, `newest` for
# the newest one installed. Looks in pyenv's versions (the machine image has 3.6 to 3.13 there)
# and on PATH. Exit 1 when there is none.
set -euo pipefail
want=$1
candidates=()
for dir in "${PYENV_ROOT:-$HOME/.pyenv}"/versions/*/; do
    [ -x "${dir%/}/bin/python3" ] && candidates+=("${dir%/}/bin/python3")
done
for name in python3.9 python3.10 python3.11 python3.12 python3.13 python3.14; do
    path=$(command -v "$name" 2>/dev/null) && candidates+=("$path")
done
best="" best_version=""
for python in "${candidates[@]}"; do
    version=$("$python" -c 'import sys; print("%d.%02d" % sys.version_info[:2])' 2>/dev/null) || continue
    if [ "$want" = newest ]; then
        [[ "$version" > "$best_version" ]] && best=$python best_version=$version
    elif [ "$version" = "$(printf '%d.%02d' "${want%%.*}" "${want#*.}")" ]; then
        best=$python
        break
    fi
done
[ -n "$best" ] || exit 1
echo "$best"
