// SPDX-License-Identifier: LGPL-2.1-or-later
// The helper's collection notes (docs/helper.md, "Notes: what was not counted"): which of them
// concern a timeframe, and the counters they name, read from identity keys.
import { unescapeField, type CounterIdentity } from "./identity.ts";

export interface CollectionNote {
    start: number | null;
    end: number | null;
    reason: string;
    /** Identity keys, `source:KEY` for every counter of a source; at most 100 of `count`. */
    counters: string[];
    count: number;
}

/** A note concerns [from, to) when its interval meets it; a note without times always does. */
export function notesInRange(notes: readonly CollectionNote[], from: number, to: number): CollectionNote[] {
    return notes.filter(n => (n.end ?? Infinity) > from && (n.start ?? -Infinity) < to);
}

export type NotedCounter = { kind: "counter"; identity: CounterIdentity } | { kind: "source"; source: string } |
    { kind: "unreadable"; text: string };

/** What a note's counter entry names: one counter, every counter of a source, or (for a key
 * that does not parse) its text as it stands. */
export function notedCounter(key: string): NotedCounter {
    if (key.startsWith("source:"))
        return { kind: "source", source: key.slice("source:".length) };
    const fields = key.split(" ").map(unescapeField);
    const seq = Number(fields[4]);
    if (fields.length !== 6 || fields.some(f => f === null) || !Number.isInteger(seq) || seq < 1)
        return { kind: "unreadable", text: key };
    const [source, family, table, chain, , name] = fields as string[];
    return { kind: "counter", identity: { source: source!, family: family!, table: table!, chain: chain!, seq, name: name! } };
}
