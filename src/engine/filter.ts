// SPDX-License-Identifier: LGPL-2.1-or-later
// The rule-name filter: a pattern (docs/patterns.md) searched in display names, in time linear
// in the name, because names are chosen by whoever can add a firewall rule. A pattern the user
// is still typing is often invalid, so compiling returns an error value and never throws.

import { compilePattern, PatternError } from "./pattern.ts";

export interface NameFilter {
    pattern: string;
    caseInsensitive: boolean;
    test(name: string): boolean;
}

export type FilterResult = { ok: true; filter: NameFilter } | { ok: false; pattern: string; error: string };

/** Compiles a filter; the empty pattern matches every name. */
export function compileFilter(pattern: string, options: { caseInsensitive?: boolean } = {}): FilterResult {
    const caseInsensitive = options.caseInsensitive ?? false;
    if (pattern === "")
        return { ok: true, filter: { pattern, caseInsensitive, test: () => true } };
    try {
        const compiled = compilePattern(pattern, caseInsensitive);
        return { ok: true, filter: { pattern, caseInsensitive, test: (name: string) => compiled.search(name) } };
    } catch (e) {
        if (e instanceof PatternError)
            return { ok: false, pattern, error: e.message };
        throw e;
    }
}
