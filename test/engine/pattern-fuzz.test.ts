// SPDX-License-Identifier: LGPL-2.1-or-later
// The two pattern engines on the same random patterns and names: the page's (TypeScript) and
// the helper's (Python, run here as a process) must give the same errors, word for word, and
// the same matches. Seeded, so a failure can be replayed.

import { spawnSync } from "node:child_process";
import { compilePattern, PatternError } from "../../src/engine/pattern.ts";
import { prng } from "./helpers.ts";

const PIECES = ["a", "b", "A", "é", "-", " ", ".", "*", "+", "?", "|", "(", ")", "(?:", "[", "]", "^", "[^", "$", "\\", "\\d", "\\w",
    "\\s", "\\b", "\\B", "{", "}", "{2}", "{1,3}", "{0,}", ",", "1", "\\.", "\\x41", "\\u00e9", "a-z", "\\]", "ß", "\u{1F600}", "(?=", "\\1"];
const NAME_CHARS = ["a", "b", "A", "B", "é", "É", "-", " ", "_", "1", "2", ".", "ß", "\u{1F600}", "\n"];

function randomCases(seed: number, count: number): { pattern: string; case_insensitive: boolean; names: string[] }[] {
    const rnd = prng(seed);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)] as T;
    return Array.from({ length: count }, () => {
        const pattern = Array.from({ length: 1 + Math.floor(rnd() * 8) }, () => pick(PIECES)).join("");
        const names = Array.from({ length: 6 }, () => Array.from({ length: Math.floor(rnd() * 7) }, () => pick(NAME_CHARS)).join(""));
        return { pattern, case_insensitive: rnd() < 0.3, names };
    });
}

function typescriptAnswer(c: { pattern: string; case_insensitive: boolean; names: string[] }): { error: string | null; matches: boolean[] } {
    try {
        const p = compilePattern(c.pattern, c.case_insensitive);
        return { error: null, matches: c.names.map(n => p.search(n)) };
    } catch (e) {
        if (e instanceof PatternError)
            return { error: e.message, matches: [] };
        throw e;
    }
}

test.each([1, 2, 3])("seed %i: 1500 random patterns, the same answers from both engines", seed => {
    const cases = randomCases(seed, 1500);
    const python = spawnSync("/usr/bin/python3", ["test/tools/pattern-eval.py"], { input: JSON.stringify(cases), encoding: "utf8", maxBuffer: 64 << 20 });
    expect(python.stderr).toBe("");
    const answers = JSON.parse(python.stdout) as { error: string | null; matches: boolean[] }[];
    expect(answers).toHaveLength(cases.length);
    let valid = 0;
    cases.forEach((c, i) => {
        const ts = typescriptAnswer(c);
        if (ts.error === null)
            valid++;
        expect([c.pattern, c.case_insensitive, ts]).toEqual([c.pattern, c.case_insensitive, answers[i]]);
    });
    // the generator must exercise matching too, not only errors
    expect(valid).toBeGreaterThan(300);
});
