// SPDX-License-Identifier: LGPL-2.1-or-later
// Streaming reader of the store (docs/store-format.md, version 1). It aggregates while it parses:
// no object per record, only per-counter exact sums for each wanted window and per-counter
// typed-array buckets for a series, so that a year of 200 counters fits in a browser tab.
//
// Three parts: the line grammar (store-lines.ts) turns text into counters and blocks; window
// totals (window-totals.ts) and graph buckets (graph-buckets.ts) sum the blocks of each file;
// this file ties them together and applies the rules that need every file (`x` lines, errors).
// A file that is not a store file (first line not a `#cta` header) or has another format
// version is an error of the whole read: no totals rather than partial ones. Text comes from
// StoreTextDecoder (store-text.ts), which marks lines that are not UTF-8.

import { CounterIdentity, identityKey } from "./identity.ts";
import { FileParser, type BlockSink, type FileFacts, type ParsedBlock } from "./store-lines.ts";
import { emptyTotals, FileWindows, type Window, type WindowTotals } from "./window-totals.ts";
import { FileBuckets, type StoreSeries } from "./graph-buckets.ts";

export { FileParser, TIERS, type Tier } from "./store-lines.ts";
export type { Window, EdgeInfo, CounterTotal, WindowTotals } from "./window-totals.ts";
export type { StoreSeries } from "./graph-buckets.ts";

export interface ReadOptions {
    /** Totals are computed for each of these windows (a record counts where it ends). */
    windows?: Window[];
    /** Bucket boundaries (ascending Unix seconds) of a series; bucket i is [edges[i], edges[i+1]). */
    seriesEdges?: Float64Array;
    /** At most this many corrupt lines are listed one by one (all are counted). */
    maxCorruptListed?: number;
}

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
}

/** What one file contributed, kept until finish() knows which files are superseded. */
interface FileResult {
    summary: FileSummary;
    denseGlobal: number[];
    windows: FileWindows;
    buckets: FileBuckets | null;
    oldest: number;
    newest: number;
}

/**
 * Reads any number of store files into one aggregated result. Use `openFile()` for each file,
 * `feed()` its text in chunks of any size, `end()` it, then call `finish()` once.
 */
export class StoreReader {
    readonly windows: Window[];
    readonly edges: Float64Array | null;
    readonly maxCorruptListed: number;
    readonly counters: CounterIdentity[] = [];
    readonly keys: string[] = [];
    private readonly keyIndex = new Map<string, number>();
    private readonly results: FileResult[] = [];
    readonly corrupt: CorruptLine[] = [];
    corruptCount = 0;
    skippedLines = 0;
    readonly torn: TornAppend[] = [];
    readonly errors: FileError[] = [];
    private readonly corruptByFile = new Map<string, number>();

    constructor(options: ReadOptions = {}) {
        this.windows = (options.windows ?? []).map(w => ({ from: w.from, to: w.to }));
        this.edges = options.seriesEdges ?? null;
        this.maxCorruptListed = options.maxCorruptListed ?? 1000;
    }

    openFile(name: string): FileParser {
        const result: FileResult = {
            summary: { file: name, superseded: false, tier: null, fileId: null, supersedes: [], lines: 0, blocks: 0, bytesRead: 0 },
            denseGlobal: [],
            windows: new FileWindows(this.windows),
            buckets: this.edges !== null ? new FileBuckets(this.edges) : null,
            oldest: Infinity,
            newest: -Infinity,
        };
        const sink: BlockSink = {
            counter: identity => {
                result.denseGlobal.push(this.globalIndex(identity));
                result.windows.ensure(result.denseGlobal.length);
                result.buckets?.ensure(result.denseGlobal.length);
            },
            block: (b: ParsedBlock) => {
                if (b.start < result.oldest)
                    result.oldest = b.start;
                if (b.end > result.newest)
                    result.newest = b.end;
                result.windows.add(b);
                result.buckets?.add(b);
            },
            corrupt: (file, line, reason) => this.addCorrupt(file, line, reason),
            skipped: lines => {
                this.skippedLines += lines;
            },
            error: (file, line, code, message) => {
                this.errors.push({ file, line, code, message });
            },
            torn: (file, line, kind) => {
                this.torn.push({ file, line, kind });
            },
        };
        const parser: FileParser = new FileParser(name, sink, () => {
            Object.assign(result.summary, parser.facts);
            this.results.push(result);
        });
        return parser;
    }

    /**
     * A compressed store file could not be decompressed. Like an unknown version, it makes the
     * whole read unusable: a total without that file's records would be silently low.
     */
    damagedFile(name: string, detail: string): void {
        this.errors.push({ file: name, line: 0, code: "damaged", message: `${name}: damaged compressed file (${detail})` });
    }

    private globalIndex(id: CounterIdentity): number {
        const key = identityKey(id);
        let idx = this.keyIndex.get(key);
        if (idx === undefined) {
            idx = this.counters.length;
            this.counters.push(id);
            this.keys.push(key);
            this.keyIndex.set(key, idx);
        }
        return idx;
    }

    private addCorrupt(file: string, line: number, reason: string): void {
        this.corruptCount++;
        this.corruptByFile.set(file, (this.corruptByFile.get(file) ?? 0) + 1);
        if (this.corrupt.length < this.maxCorruptListed)
            this.corrupt.push({ file, line, reason });
    }

    finish(): StoreReadResult {
        // A file this reader cannot read makes the whole result unusable: it does not guess.
        const fatal = this.errors.length > 0;
        const superseded = new Set<string>();
        for (const r of this.results)
            for (const id of r.summary.supersedes)
                if (id !== r.summary.fileId) // a file's `x` line naming itself has no effect
                    superseded.add(id);

        const n = this.counters.length;
        const windows = emptyTotals(this.windows, n);
        const nb = this.edges ? Math.max(0, this.edges.length - 1) : 0;
        const seriesBytes: Float64Array[] = [];
        if (this.edges)
            for (let i = 0; i < n; i++)
                seriesBytes.push(new Float64Array(nb));
        let oldest = Infinity;
        let newest = -Infinity;

        for (const r of this.results) {
            if (r.summary.fileId !== null && superseded.has(r.summary.fileId)) {
                r.summary.superseded = true;
                continue;
            }
            if (fatal)
                continue;
            oldest = Math.min(oldest, r.oldest);
            newest = Math.max(newest, r.newest);
            r.windows.mergeInto(windows, r.denseGlobal);
            r.buckets?.mergeInto(seriesBytes, r.denseGlobal);
        }
        // A superseded file contributes nothing, its damaged or torn lines included: its data
        // lives on, whole, in the file that names it.
        const ignored = new Set(this.results.filter(r => r.summary.superseded).map(r => r.summary.file));
        let corruptIgnored = 0;
        for (const file of ignored)
            corruptIgnored += this.corruptByFile.get(file) ?? 0;
        return {
            counters: this.counters,
            keys: this.keys,
            windows,
            series: this.edges ? { edges: this.edges, bytes: seriesBytes } : null,
            files: this.results.map(r => r.summary),
            corrupt: ignored.size > 0 ? this.corrupt.filter(c => !ignored.has(c.file)) : this.corrupt,
            corruptCount: this.corruptCount - corruptIgnored,
            skippedLines: this.skippedLines,
            torn: ignored.size > 0 ? this.torn.filter(t => !ignored.has(t.file)) : this.torn,
            errors: this.errors,
            error: fatal ? (this.errors[0] as FileError).message : null,
            oldest: Number.isFinite(oldest) ? oldest : null,
            newest: Number.isFinite(newest) ? newest : null,
        };
    }
}

/** A store file's content, or why a compressed one could not be decompressed. */
export type StoreText = { name: string; text: string } | { name: string; damaged: string };

/** Reads whole texts (the common case in tests and small stores). */
export function readStoreTexts(files: Iterable<StoreText>, options: ReadOptions = {}): StoreReadResult {
    const reader = new StoreReader(options);
    for (const f of files) {
        if ("damaged" in f) {
            reader.damagedFile(f.name, f.damaged);
            continue;
        }
        const p = reader.openFile(f.name);
        p.feed(f.text);
        p.end();
    }
    return reader.finish();
}

/** Reads files given as async streams of text chunks (cockpit.file or fs streams). */
export async function readStoreChunks(files: Iterable<{ name: string; chunks: AsyncIterable<string> | Iterable<string> }>,
                                      options: ReadOptions = {}): Promise<StoreReadResult> {
    const reader = new StoreReader(options);
    for (const f of files) {
        const p = reader.openFile(f.name);
        for await (const chunk of f.chunks)
            p.feed(chunk);
        p.end();
    }
    return reader.finish();
}
