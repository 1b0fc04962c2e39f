// SPDX-License-Identifier: LGPL-2.1-or-later
// Streaming reader of the store (docs/store-format.md, versions 2 and 1). It
// aggregates while it parses: no object per record, only per-counter exact sums for each wanted
// window and per-counter typed-array buckets for a series, so that a year of 200 counters fits
// in a browser tab.
//
// The parts: the line grammar (store-lines.ts) turns text into counters and blocks; window
// totals (window-totals.ts) and graph buckets (graph-buckets.ts) sum the blocks of each file;
// version 2's overlapping tiers are settled by the window walk (window-cover.ts) over the
// blocks kept by period (period-index.ts); this file ties them together and applies the rules
// that need every file (`x` lines, errors).
//
// Version 2: period blocks are kept until the walk knows which of them a window takes. Detail
// records are kept too, unless the caller has read every period file the walk needs and said so
// (`periodsRead()`): then they are summed as they arrive, into the windows whose walk reached
// their file. A version-1 file counts every record where it ends, as version 1 does.
// A file that is not a store file (first line not a `#cta` header) or has another format
// version is an error of the whole read: no totals rather than partial ones. Text comes from
// StoreTextDecoder (store-text.ts), which marks lines that are not UTF-8.

import { CounterIdentity, identityKey } from "./identity.ts";
import { FileParser, type BlockSink, type ParsedBlock } from "./store-lines.ts";
import { emptyTotals, FileWindows, type Window, type WindowTotals } from "./window-totals.ts";
import { FileBuckets } from "./graph-buckets.ts";
import { classifyName, type NamedFile } from "./store-names.ts";
import { keepBlock, PeriodIndex, plainName, type KeptBlock } from "./period-index.ts";
import { coverWindow, fitLevel, pieceOf, sameDetail, typicalWidth, type Cover } from "./window-cover.ts";

import type { CorruptLine, FileError, FileSummary, StoreReadResult, TornAppend } from "./store-result.ts";

export { FileParser, TIERS, type Tier } from "./store-lines.ts";
export type { CorruptLine, FileError, FileSummary, StoreReadResult, TornAppend } from "./store-result.ts";
export type { Window, EdgeInfo, CounterTotal, WindowTotals } from "./window-totals.ts";
export type { StoreSeries } from "./graph-buckets.ts";

export interface ReadOptions {
    /** Totals are computed for each of these windows (a record counts where it ends). */
    windows?: Window[];
    /** Bucket boundaries (ascending Unix seconds) of a series; bucket i is [edges[i], edges[i+1]). */
    seriesEdges?: Float64Array;
    /** At most this many corrupt lines are listed one by one (all are counted). */
    maxCorruptListed?: number;
    /** The zone of the host that wrote the store: version 2's periods are its local hours, days, months. */
    zone?: string;
    /** Every store file listed (names relative to the store); by default the files opened. */
    listing?: readonly string[];
}

/**
 * A period file was read after `periodsRead()`, or changed which files count: the records
 * summed as they arrived may be the wrong ones. Read again without `periodsRead()`.
 */
export class ReadOrderError extends Error {}

/** What one file contributed, kept until finish() knows which files are superseded. */
interface FileResult {
    summary: FileSummary;
    named: NamedFile | null;
    /** Version 2's blocks kept until the walk settles them (all of a period file, detail ones unless streamed). */
    kept: KeptBlock[];
    /** Detail records summed as they arrived (after `periodsRead()`). */
    streamed: boolean;
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
    /** The zone of the host that wrote the store (version 2's periods). */
    readonly zone: string;
    private readonly listing: readonly string[] | null;
    private readonly opened: string[] = [];
    /** Set by periodsRead(): the walks whose detail pieces records are summed into as they arrive. */
    private settled: { windows: Cover<KeptBlock>[]; graph: Cover<KeptBlock> | null } | null = null;

    constructor(options: ReadOptions = {}) {
        this.windows = (options.windows ?? []).map(w => ({ from: w.from, to: w.to }));
        this.edges = options.seriesEdges ?? null;
        this.maxCorruptListed = options.maxCorruptListed ?? 1000;
        this.zone = options.zone ?? "UTC";
        this.listing = options.listing ?? null;
    }

    openFile(name: string): FileParser {
        this.opened.push(name);
        const named = classifyName(name);
        const result: FileResult = {
            summary: { file: name, superseded: false, tier: null, version: null, fileId: null, supersedes: [], lines: 0, blocks: 0, bytesRead: 0 },
            named,
            kept: [],
            streamed: this.settled !== null,
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
                const version = named?.version ?? parser.facts.version;
                if (version !== 2) {
                    result.windows.add(b);
                    result.buckets?.add(b);
                } else if (named === null) {
                    // a version-2 file under no store name has no period to be walked by: not counted
                } else if (named.tier === "detail" && this.settled !== null) {
                    this.addDetail(result, b, this.settled);
                } else {
                    result.kept.push(keepBlock(b));
                }
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

    private index(): PeriodIndex {
        const read = this.results.map(r => ({
            name: r.summary.file, named: r.named, fileId: r.summary.fileId, supersedes: r.summary.supersedes,
            kept: r.kept, failed: this.errors.some(e => e.file === r.summary.file),
        }));
        return new PeriodIndex(this.zone, this.listing ?? this.opened, read);
    }

    /** The level (0 monthly ... 3 detail) whose blocks fit the graph's buckets; null without a graph. */
    graphFit(): number | null {
        return this.edges === null || this.edges.length < 2 ? null : fitLevel(typicalWidth(this.edges));
    }

    private walks(index: PeriodIndex): { windows: Cover<KeptBlock>[]; graph: Cover<KeptBlock> | null } {
        const edges = this.edges;
        const fit = this.graphFit();
        const graph = edges !== null && fit !== null ? coverWindow(index, edges[0] as number, edges[edges.length - 1] as number, fit) : null;
        return { windows: this.windows.map(w => coverWindow(index, w.from, w.to)), graph };
    }

    /**
     * The listed files the walks still need (names as listed), given the files read so far:
     * version 2's coarse files first, the finer ones that their blocks leave to read next.
     */
    needed(): string[] {
        const index = this.index();
        const { windows, graph } = this.walks(index);
        const plain = new Set<string>();
        for (const c of graph ? [...windows, graph] : windows)
            for (const f of c.needed)
                plain.add(f);
        const opened = new Set(this.opened);
        return (this.listing ?? []).filter(name => !opened.has(name) && plain.has(plainName(name)));
    }

    /**
     * Every period file the walks need has been read (needed() names detail files only): from
     * now on detail records are summed as they arrive instead of being kept.
     */
    periodsRead(): void {
        this.settled = this.walks(this.index());
    }

    private addDetail(result: FileResult, b: ParsedBlock, walks: { windows: Cover<KeptBlock>[]; graph: Cover<KeptBlock> | null }): void {
        const plain = plainName(result.summary.file);
        walks.windows.forEach((c, w) => {
            const piece = pieceOf(c.detail, plain, b.end);
            if (piece !== undefined)
                result.windows.addTo(w, b, piece !== null);
        });
        if (walks.graph !== null && result.buckets !== null && pieceOf(walks.graph.detail, plain, b.end))
            result.buckets.add(b);
    }

    private lastIndex: PeriodIndex | null = null;

    /**
     * Version 2, before the detail files of the edges are read: the totals of the period blocks
     * that the walks take so far, for drawing early. `partial` is set; no series, and the
     * records at the edges are missing: a view must say the edges are still being read.
     */
    coarseResult(): StoreReadResult {
        const walks = this.walks(this.index());
        const windows = emptyTotals(this.windows, this.counters.length);
        const owner = new Map<KeptBlock, FileResult>();
        for (const r of this.results)
            for (const b of r.kept)
                owner.set(b, r);
        walks.windows.forEach((c, w) => {
            const target = windows[w] as WindowTotals;
            for (const { block, counted } of c.blocks) {
                const o = owner.get(block);
                if (!counted || o === undefined || !(target.from < block.end && block.end <= target.to))
                    continue;
                for (let k = 0; k < block.n; k++) {
                    const g = o.denseGlobal[block.ids[k] as number] as number;
                    const bv = block.bytes[k] as number;
                    const pv = block.packets[k] as number;
                    const t = target.totals[g] ?? { bytes: 0n, packets: 0n };
                    t.bytes += bv === bv ? BigInt(bv) : block.big[2 * k] as bigint;
                    t.packets += pv === pv ? BigInt(pv) : block.big[2 * k + 1] as bigint;
                    target.totals[g] = t;
                }
            }
        });
        return {
            counters: this.counters, keys: this.keys, windows, series: null, files: this.results.map(r => r.summary),
            corrupt: this.corrupt, corruptCount: this.corruptCount, skippedLines: this.skippedLines, torn: this.torn,
            errors: this.errors, error: this.errors.length > 0 ? (this.errors[0] as FileError).message : null,
            oldest: null, newest: null, partial: true,
        };
    }

    /** Walks each window and the graph over the blocks kept, and adds what they take to their files' sums. */
    private settleVersion2(): void {
        const index = this.index();
        this.lastIndex = index;
        const walks = this.walks(index);
        if (this.settled !== null && !sameDetail(this.settled, walks))
            throw new ReadOrderError("a period file was read after the detail records it settles");
        const owner = new Map<KeptBlock, FileResult>();
        for (const r of this.results) {
            for (const b of r.kept)
                owner.set(b, r);
            if (r.named?.tier === "detail" && r.named.version === 2 && !r.streamed)
                for (const b of r.kept)
                    this.addDetail(r, b, walks);
        }
        walks.windows.forEach((c, w) => {
            for (const { block, counted } of c.blocks)
                owner.get(block)?.windows.addTo(w, block, counted);
        });
        for (const { block } of walks.graph?.blocks ?? [])
            owner.get(block)?.buckets?.add(block);
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
        if (!fatal)
            this.settleVersion2();
        // version 1's `x` lines, and in a store of both versions the files a migration's output holds
        const v1Superseded = new Set<string>(this.lastIndex?.mixedSuperseded ?? []);
        for (const r of this.results)
            if ((r.named?.version ?? r.summary.version) !== 2)
                for (const id of r.summary.supersedes)
                    if (id !== r.summary.fileId)
                        v1Superseded.add(id);

        for (const r of this.results) {
            if (r.summary.fileId !== null && superseded.has(r.summary.fileId))
                r.summary.superseded = true;
            if (fatal)
                continue;
            const v2 = (r.named?.version ?? r.summary.version) === 2;
            if (v2 ? !(this.lastIndex as PeriodIndex).counts(r.summary.file)
                : r.summary.fileId !== null && v1Superseded.has(r.summary.fileId))
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
            partial: false,
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
