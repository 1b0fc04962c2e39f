// SPDX-License-Identifier: LGPL-2.1-or-later
// Helper benchmark: `collect` with 1,000 nft counters against `nft -j list ruleset` alone, and
// `rotate` of a one-year store of 200 counters with that store's size on disk, measured in the
// same run by test/tools/bench-helper.py (Python, like the helper). Prints figures; asserts nothing.
//
//   npm run bench helper          (the collect figures need root: they build a network namespace)

import { spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const run = spawnSync("/usr/bin/python3", [join(root, "test/tools/bench-helper.py")],
                      { stdio: "inherit" });
if (run.status !== 0)
    throw new Error(`bench-helper.py failed with ${run.status ?? run.signal}`);
