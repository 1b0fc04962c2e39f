// SPDX-License-Identifier: LGPL-2.1-or-later
// What a read of the store gives (store-reader.ts): the counters, each window's totals, the
// graph's series, the files read, and what was corrupt, torn or could not be read at all.

import type { CounterIdentity } from "./identity.ts";
import type { FileFacts } from "./store-blocks.ts";
import type { WindowTotals } from "./window-totals.ts";
import type { StoreSeries } from "./graph-buckets.ts";

export interface CorruptLine {
    file: string;
    line: number;
    reason: string;
}

export interface TornAppend {
    file: string;
    line: number;
    /** "line": a last line without its `\n`; "block": an interval block cut by the end of the file. */
    kind: "line" | "block";
}

export interface FileError {
    file: string;
    line: number;
    /** "damaged": a compressed file that did not decompress (found by whoever decompressed it). */
    code: "version" | "header" | "damaged";
    message: string;
}

export interface FileSummary extends FileFacts {
    file: string;
    /** True when another file read names this one with an `x` line; its data was not used. */
    superseded: boolean;
}

export interface StoreReadResult {
    counters: CounterIdentity[];
    keys: string[];
    windows: WindowTotals[];
    series: StoreSeries | null;
    files: FileSummary[];
    corrupt: CorruptLine[];
    corruptCount: number;
    /** Well-formed lines not used because their block had a corrupt line. */
    skippedLines: number;
    torn: TornAppend[];
    errors: FileError[];
    /** Set when a file could not be read at all (unknown version, not a store file): no totals then. */
    error: string | null;
    /** Smallest start and largest end of all records read from files that were not superseded. */
    oldest: number | null;
    newest: number | null;
    /** Version 2's coarse totals drawn before the edges are read (StoreReader.coarseResult()). */
    partial: boolean;
}
