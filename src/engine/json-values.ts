// SPDX-License-Identifier: LGPL-2.1-or-later
// The value rules of the configuration file, the same as helper/cta/jsonvalues.py so that the
// page and the helper accept and reject the same files with the same one-line message: nesting
// depth checked before parsing, whole numbers, decimals, and the text of keys in messages.
// The first problem ends the reading, as it does in the helper.

export const MAX_DEPTH = 16;
const DECIMAL = /^(0|[1-9][0-9]{0,19})(\.[0-9]{1,20})?$/;
const DECIMAL_MESSAGE = "must be a non-negative decimal number such as \"0.05\" (at most 20 digits before and after the point)";

/** A value that breaks a rule, with its path as in the file ("costs.bulk_discounts[1].up_to"). */
export class ValueProblem extends Error {
    constructor(readonly path: string, readonly problem: string) {
        super(`${path}: ${problem}`);
    }
}

export function isObject(v: unknown): v is Record<string, unknown> {
    return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** A key as it appears in a path: bare when a plain word, else quoted with every character
 *  outside printable ASCII as a \uXXXX escape, so that a message stays one line. */
export function quoteKey(key: string): string {
    if (/^[A-Za-z0-9_]+$/.test(key))
        return key;
    let out = "";
    for (let i = 0; i < key.length; i++) {
        const c = key.charCodeAt(i);
        const ch = key[i] as string;
        if (ch === "\"" || ch === "\\")
            out += "\\" + ch;
        else if (c >= 0x20 && c <= 0x7e)
            out += ch;
        else
            out += "\\u" + c.toString(16).padStart(4, "0");
    }
    return `"${out}"`;
}

export const joinPath = (path: string, key: string): string => (path === "" ? quoteKey(key) : `${path}.${quoteKey(key)}`);

/** Refuses nesting deeper than MAX_DEPTH, naming the top-level key it is under. */
export function checkDepth(text: string): void {
    let depth = 0;
    let inString = false;
    let escaped = false;
    let start = 0;
    let lastString: string | null = null;
    let topKey: string | null = null;
    for (let i = 0; i < text.length; i++) {
        const ch = text[i] as string;
        if (inString) {
            if (escaped)
                escaped = false;
            else if (ch === "\\")
                escaped = true;
            else if (ch === "\"") {
                inString = false;
                lastString = text.slice(start, i + 1);
            }
            continue;
        }
        if (ch === "\"") {
            inString = true;
            start = i;
        } else if (ch === ":" && depth === 1 && lastString !== null) {
            topKey = lastString;
        } else if (ch === "[" || ch === "{") {
            depth++;
            if (depth > MAX_DEPTH) {
                let path = "(top level)";
                if (topKey !== null) {
                    try {
                        path = quoteKey(JSON.parse(topKey) as string);
                    } catch {
                        // an invalid key: the message names the top level
                    }
                }
                throw new ValueProblem(path, `nested more than ${MAX_DEPTH} levels deep`);
            }
        } else if (ch === "]" || ch === "}") {
            depth--;
        }
        if (!" \t\r\n\"".includes(ch) && ch !== ":")
            lastString = null;
    }
}

export function whole(v: unknown, path: string, low: number, high: number): number {
    if (typeof v === "number" && Number.isInteger(v) && v >= low && v <= high)
        return v;
    throw new ValueProblem(path, `must be a whole number from ${low} to ${high}`);
}

/** A price or volume: a decimal string, or a JSON number whose text is a plain decimal. */
export function decimal(v: unknown, path: string): string {
    const text = typeof v === "number" && Number.isFinite(v) ? String(v) : v;
    if (typeof text === "string" && DECIMAL.test(text))
        return text;
    throw new ValueProblem(path, DECIMAL_MESSAGE);
}

export function boolean(v: unknown, path: string): boolean {
    if (typeof v === "boolean")
        return v;
    throw new ValueProblem(path, "must be true or false");
}

/** An object with only the allowed keys (checked in the file's order), old key names renamed. */
export function object(v: unknown, path: string, allowed: readonly string[], old: Record<string, string> = {}): Record<string, unknown> {
    if (!isObject(v))
        throw new ValueProblem(path || "(top level)", "must be an object");
    const out: Record<string, unknown> = {};
    for (const [k, value] of Object.entries(v)) {
        const renamed = Object.hasOwn(old, k) && allowed.includes(old[k] as string) ? old[k] : undefined;
        if (renamed !== undefined) {
            if (Object.hasOwn(v, renamed))
                throw new ValueProblem(joinPath(path, k), `is the old name of ${renamed}: give only ${renamed}`);
            out[renamed] = value;
        } else if (allowed.includes(k)) {
            out[k] = value;
        } else {
            throw new ValueProblem(joinPath(path, k), "unknown key");
        }
    }
    return out;
}

/** JSON.parse after the depth check; an empty text (only JSON whitespace) is null. */
export function readJson(text: string): unknown {
    if (/^[ \t\r\n]*$/.test(text))
        return null;
    checkDepth(text);
    try {
        return JSON.parse(text);
    } catch (e) {
        throw new ValueProblem("(file)", `not valid JSON: ${e instanceof Error ? e.message : String(e)}`);
    }
}
