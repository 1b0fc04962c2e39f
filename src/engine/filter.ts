// SPDX-License-Identifier: LGPL-2.1-or-later
// The rule-name filter: a JavaScript regular expression over display names. A pattern the user
// is still typing is often invalid, so compiling returns an error value and never throws.

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
    let re: RegExp;
    try {
        re = new RegExp(pattern, caseInsensitive ? "i" : "");
    } catch (e) {
        return { ok: false, pattern, error: e instanceof Error ? e.message : String(e) };
    }
    // No "g" flag: test() must not carry lastIndex from one name to the next.
    return { ok: true, filter: { pattern, caseInsensitive, test: (name: string) => re.test(name) } };
}
