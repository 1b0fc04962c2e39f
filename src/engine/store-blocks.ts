// SPDX-License-Identifier: LGPL-2.1-or-later
// What the line grammar (store-lines.ts) hands on: each complete, valid block, in buffers it
// reuses, and what it learnt about a file, through a BlockSink.

import type { CounterIdentity } from "./identity.ts";
import type { Tier } from "./store-names.ts";

/** One complete, valid interval block, in buffers that the parser reuses for the next one. */
export interface ParsedBlock {
    start: number;
    end: number;
    n: number;
    tier: Tier | null;
    /** "i": an interval (collection) block; "p": a period block of version 2 (a roll-up). */
    kind: "i" | "p";
    /** Dense counter index (per file, in order of definition) of each data line. */
    ids: Int32Array;
    /** Bytes and packets of each data line; NaN where the value is above 2^53 (then in big). */
    bytes: Float64Array;
    packets: Float64Array;
    /** big[2k] and big[2k + 1]: the exact bytes and packets of line k when above 2^53. */
    big: (bigint | undefined)[];
}

/** What a file's grammar reports, to whoever aggregates it (the StoreReader). */
export interface BlockSink {
    /** A new counter of this file: its dense index is the number of counters before it. */
    counter(identity: CounterIdentity): void;
    block(b: ParsedBlock): void;
    corrupt(file: string, line: number, reason: string): void;
    /** Well-formed lines not used because their block was corrupt. */
    skipped(lines: number): void;
    error(file: string, line: number, code: "version" | "header", message: string): void;
    torn(file: string, line: number, kind: "line" | "block"): void;
}

/** What the grammar learnt about a file as a whole. */
export interface FileFacts {
    tier: Tier | null;
    /** The header's format version (null until a valid header was read). */
    version: 1 | 2 | null;
    fileId: string | null;
    supersedes: string[];
    lines: number;
    blocks: number;
    /** Text fed, in UTF-16 code units. */
    bytesRead: number;
}
