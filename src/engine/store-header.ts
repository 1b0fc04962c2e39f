// SPDX-License-Identifier: LGPL-2.1-or-later
// The first line of a store file, `#cta <version> <tier> <file-id>` (docs/store-format.md,
// "Lines"), and the counter fields of a `c` line: pure
// functions that say what is wrong in words, for the grammar (store-lines.ts) to report.

import { CounterIdentity, unescapeField } from "./identity.ts";
import { tokenNumber } from "./decimal.ts";
import { classifyName, TIERS, TIERS_V1, type Tier } from "./store-names.ts";

export const FILE_ID = /^[0-9a-f]{16}$/;
/** Counter ids and seq: below 10^9, checked the same way by the helper. */
export const ID_DIGITS = 9;

export type Header =
    | { ok: true; version: 1 | 2; tier: Tier; fileId: string }
    | { ok: false; code: "version" | "header"; message: string };

/** Reads a file's first line; `name` (relative to the store) tells the version the header must have. */
export function parseHeader(name: string, text: string): Header {
    const f = text.split(" ");
    if (f[0] !== "#cta")
        return { ok: false, code: "header", message: `${name}: not a store file (first line is not a #cta header)` };
    if (f[1] !== "1" && f[1] !== "2")
        return { ok: false, code: "version", message: `${name}: unsupported store format version ${f[1] ?? ""} (this reader knows versions 1 and 2)` };
    const version = f[1] === "1" ? 1 : 2;
    const tier = (version === 1 ? TIERS_V1 : TIERS).find(t => t === f[2]);
    if (f.length !== 4 || tier === undefined || !FILE_ID.test(f[3] ?? ""))
        return { ok: false, code: "header", message: `${name}: malformed #cta header` };
    // the name tells the version a file must have (version 1's and 2's names never collide)
    const named = classifyName(name);
    if (named !== null && named.version !== version)
        return { ok: false, code: "header", message: `${name}: the header says format version ${version}, the file's name is a version ${named.version} name` };
    return { ok: true, version, tier, fileId: f[3] as string };
}

/** The id and identity of a `c` line split at spaces, or why it is corrupt. */
export function parseCounterLine(f: readonly string[]): { id: number; identity: CounterIdentity } | { error: string } {
    if (f.length !== 8)
        return { error: "counter line needs 7 fields" };
    const id = tokenNumber(f[1], ID_DIGITS);
    if (id === null)
        return { error: "bad counter id" };
    const seq = tokenNumber(f[6], ID_DIGITS);
    if (seq === null || seq === 0)
        return { error: "bad counter seq" };
    const fields: string[] = [];
    for (const k of [2, 3, 4, 5, 7]) {
        const v = unescapeField(f[k] as string);
        if (v === null)
            return { error: "bad escape in counter field" };
        fields.push(v);
    }
    const [source, family, table, chain, name] = fields as [string, string, string, string, string];
    return { id, identity: { source, family, table, chain, seq, name } };
}
