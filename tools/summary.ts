// SPDX-License-Identifier: LGPL-2.1-or-later
// Adds up what `make check` ran (jest's JSON reports, the Python suite's counts, and the
// steps that are not test suites, such as lint) and prints one closing line:
// "check: N passed, N failed, N skipped". Exit status 1 when anything failed or nothing ran.
import { existsSync, readFileSync } from "node:fs";

interface Counts { passed: number; failed: number; skipped: number }

function jestCounts(path: string): Counts {
    const report = JSON.parse(readFileSync(path, "utf8")) as {
        numPassedTests: number; numFailedTests: number; numPendingTests: number; numTodoTests: number;
        numRuntimeErrorTestSuites: number;
    };
    return {
        passed: report.numPassedTests,
        failed: report.numFailedTests + report.numRuntimeErrorTestSuites,
        skipped: report.numPendingTests + report.numTodoTests,
    };
}

const total: Counts = { passed: 0, failed: 0, skipped: 0 };
const lines: string[] = [];
for (const argument of process.argv.slice(2)) {
    // Each argument is "name=path-to-report" or "name=passed" / "name=failed" for a plain step.
    const [name, value = ""] = argument.split("=");
    let counts: Counts;
    if (value === "passed" || value === "failed") {
        counts = { passed: value === "passed" ? 1 : 0, failed: value === "failed" ? 1 : 0, skipped: 0 };
    } else if (!existsSync(value)) {
        counts = { passed: 0, failed: 1, skipped: 0 };
        lines.push(`${name}: no report (${value}): the suite did not run to the end`);
    } else if (value.endsWith(".json") && name?.startsWith("python")) {
        const report = JSON.parse(readFileSync(value, "utf8")) as Counts & { skipped_reasons?: string[] };
        counts = { passed: report.passed, failed: report.failed, skipped: report.skipped };
        for (const reason of report.skipped_reasons ?? [])
            lines.push(`${name}: skipped ${reason}`);
    } else {
        counts = jestCounts(value);
    }
    lines.push(`${name}: ${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped`);
    total.passed += counts.passed;
    total.failed += counts.failed;
    total.skipped += counts.skipped;
}

console.log(lines.join("\n"));
console.log(`check: ${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped`);
process.exit(total.failed === 0 && total.passed > 0 ? 0 : 1);
