// SPDX-License-Identifier: LGPL-2.1-or-later
// `npm run bench [NAME...]`: runs every bench/*.bench.ts (or the named ones) one after another
// and lets each print its own figures. Benchmarks print; they never assert timings.
import { readdirSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const benchDir = dirname(fileURLToPath(import.meta.url));
const wanted = process.argv.slice(2);
const files = readdirSync(benchDir)
        .filter(name => name.endsWith(".bench.ts"))
        .filter(name => wanted.length === 0 || wanted.some(w => name.startsWith(w)))
        .sort();

let failed = 0;
for (const file of files) {
    console.log(`\n=== ${file}`);
    const run = spawnSync(process.execPath, ["--import", "tsx", join(benchDir, file)], { stdio: "inherit" });
    if (run.status !== 0) {
        console.log(`!!! ${file} exited with ${run.status ?? run.signal}`);
        failed++;
    }
}
process.exit(failed === 0 ? 0 : 1);
