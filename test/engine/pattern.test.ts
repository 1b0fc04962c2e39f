// SPDX-License-Identifier: LGPL-2.1-or-later
// Patterns on rule names (src/engine/pattern.ts): the shared fixtures of test/fixtures/patterns/
// (the helper's test/helper/test_pattern.py runs the same), their meaning next to JavaScript's
// RegExp, and the filter built on them.

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { compilePattern, PatternError } from "../../src/engine/pattern.ts";
import { compileFilter } from "../../src/engine/filter.ts";

interface Case {
    pattern: string;
    case_insensitive: boolean;
    error: string | null;
    match: string[];
    no_match: string[];
    regexp: boolean;
}

const cases = (JSON.parse(readFileSync(join(__dirname, "../fixtures/patterns/cases.json"), "utf8")) as { cases: Case[] }).cases;

test("there are enough shared cases", () => {
    expect(cases.length).toBeGreaterThan(60);
});

test.each(cases.map(c => [c.pattern.slice(0, 60), c] as const))("%s", (_label, c) => {
    if (c.error !== null) {
        expect(() => compilePattern(c.pattern)).toThrow(PatternError);
        expect(() => compilePattern(c.pattern)).toThrow(c.error);
        let message = "";
        try {
            compilePattern(c.pattern);
        } catch (e) {
            message = (e as Error).message;
        }
        expect(message).toBe(c.error);
        return;
    }
    const p = compilePattern(c.pattern, c.case_insensitive);
    for (const name of c.match)
        expect([name, p.search(name)]).toEqual([name, true]);
    for (const name of c.no_match)
        expect([name.slice(0, 60), p.search(name)]).toEqual([name.slice(0, 60), false]);
    if (c.regexp) {
        const re = new RegExp(c.pattern, c.case_insensitive ? "i" : "");
        for (const name of [...c.match, ...c.no_match])
            if (name.length < 30 && !name.includes("\n"))
                expect([name, re.test(name)]).toEqual([name, p.search(name)]);
    }
});

describe("the filter", () => {
    test("an invalid pattern is an error value, never an exception", () => {
        expect(compileFilter("(?=x)")).toEqual({ ok: false, pattern: "(?=x)", error: "at character 1: look-around and named groups are not supported" });
    });
    test("case-insensitive option", () => {
        const f = compileFilter("^WWW", { caseInsensitive: true });
        expect(f.ok && f.filter.test("www.example")).toBe(true);
    });
    test("the empty filter matches every name", () => {
        const f = compileFilter("");
        expect(f.ok && f.filter.test("")).toBe(true);
    });
});
