// SPDX-License-Identifier: LGPL-2.1-or-later
// Adds up what `make check` ran (jest's JSON reports, the Python suite's counts, and the
// steps that are not test suites, such as lint, or that could not run here and say why) and
// prints a line per skip with its reason, a line per suite, and one closing line:
// "check: N passed, N failed, N skipped". Exit status 1 when anything failed or nothing ran.
import { existsSync, readFileSync } from "node:fs";
import { relative } from "node:path";

interface Counts { passed: number; failed: number; skipped: number; skippedReasons: string[] }

interface JestReport {
    numPassedTests: number; numFailedTests: number; numPendingTests: number; numTodoTests: number;
    numRuntimeErrorTestSuites: number;
    testResults?: { name: string; assertionResults?: { status: string; ancestorTitles?: string[] }[] }[];
}

/** One line per test file with skipped tests: how many, and why where a block's title says
 * "(skipped: why)". */
function jestSkips(report: JestReport): string[] {
    const lines: string[] = [];
    for (const file of report.testResults ?? []) {
        const skipped = (file.assertionResults ?? []).filter(a => a.status === "pending" || a.status === "todo");
        if (skipped.length === 0)
            continue;
        const reasons = new Set<string>();
        for (const a of skipped)
            for (const title of a.ancestorTitles ?? [])
                reasons.add(/\(skipped: (.*)\)$/.exec(title)?.[1] ?? "");
        reasons.delete("");
        const why = reasons.size > 0 ? `: ${[...reasons].join("; ")}` : "";
        lines.push(`${skipped.length} in ${relative(process.cwd(), file.name)}${why}`);
    }
    return lines;
}

function jestCounts(path: string): Counts {
    const report = JSON.parse(readFileSync(path, "utf8")) as JestReport;
    return {
        passed: report.numPassedTests,
        failed: report.numFailedTests + report.numRuntimeErrorTestSuites,
        skipped: report.numPendingTests + report.numTodoTests,
        skippedReasons: jestSkips(report),
    };
}

const total = { passed: 0, failed: 0, skipped: 0 };
const lines: string[] = [];
for (const argument of process.argv.slice(2)) {
    // Each argument is "name=path-to-report", "name=passed" / "name=failed" for a plain step, or
    // "name=skipped:why" for a step that could not run here.
    const cut = argument.indexOf("=");
    const [name, value] = cut < 0 ? [argument, ""] : [argument.slice(0, cut), argument.slice(cut + 1)];
    let counts: Counts;
    if (value === "passed" || value === "failed") {
        counts = { passed: value === "passed" ? 1 : 0, failed: value === "failed" ? 1 : 0, skipped: 0, skippedReasons: [] };
    } else if (value === "skipped" || value.startsWith("skipped:")) {
        // a step that could not run here, with why after the colon
        counts = { passed: 0, failed: 0, skipped: 1, skippedReasons: [value.slice("skipped:".length) || "(no reason given)"] };
    } else if (!existsSync(value)) {
        counts = { passed: 0, failed: 1, skipped: 0, skippedReasons: [] };
        lines.push(`${name}: no report (${value}): the suite did not run to the end`);
    } else if (value.endsWith(".json") && name.startsWith("python")) {
        const report = JSON.parse(readFileSync(value, "utf8")) as Omit<Counts, "skippedReasons"> & { skipped_reasons?: string[] };
        counts = { passed: report.passed, failed: report.failed, skipped: report.skipped, skippedReasons: report.skipped_reasons ?? [] };
    } else {
        counts = jestCounts(value);
    }
    for (const reason of counts.skippedReasons)
        lines.push(`${name}: skipped ${reason}`);
    lines.push(`${name}: ${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped`);
    total.passed += counts.passed;
    total.failed += counts.failed;
    total.skipped += counts.skipped;
}

console.log(lines.join("\n"));
console.log(`check: ${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped`);
process.exit(total.failed === 0 && total.passed > 0 ? 0 : 1);
