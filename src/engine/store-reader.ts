// SPDX-License-Identifier: LGPL-2.1-or-later
// Streaming reader of the store (docs/store-format.md, version 1). It aggregates while it parses:
// no object per record, only per-counter exact sums for each wanted window and per-counter
// typed-array buckets for a series, so that a year of 200 counters fits in a browser tab.
//
// It follows docs/store-format.md exactly as the helper's reader does (helper/cta/store.py):
// the shared fixtures and a differential fuzz of both (test/engine/differential.test.ts) hold
// them to one grammar. A file that is not a store file (first line not a `#cta` header) or has
// another format version is an error of the whole read: no totals rather than partial ones.
// Text comes from StoreTextDecoder (store-text.ts), which marks lines that are not UTF-8.

import { CounterIdentity, identityKey, unescapeField } from "./identity.ts";
import { SumArray } from "./sums.ts";
import { INVALID_LINE } from "./store-text.ts";

export type Tier = "detail" | "hourly" | "daily";
export const TIERS: readonly Tier[] = ["detail", "hourly", "daily"];

/** A half-open range [from, to) of Unix seconds. */
export interface Window {
    from: number;
    to: number;
}

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

export interface FileSummary {
    file: string;
    tier: Tier | null;
    fileId: string | null;
    supersedes: string[];
    /** True when another file read names this one with an `x` line; its data was not used. */
    superseded: boolean;
    lines: number;
    blocks: number;
    /** Text fed, in UTF-16 code units: the file's size in bytes for ASCII text (names in other
     *  scripts make it a little smaller); counting UTF-8 bytes would cost a pass over the text. */
    bytesRead: number;
}

/** What is known about the data at one edge of a window. */
export interface EdgeInfo {
    /** Coarsest tier whose records touch or straddle the edge; null when no record is near it. */
    tier: Tier | null;
    /** Longest record (seconds) touching the edge: the resolution available there. */
    resolutionSeconds: number;
    /** Seconds of a straddling record on the wrong side of the edge; 0 means the edge is exact. */
    inexactSeconds: number;
}

export interface CounterTotal {
    bytes: bigint;
    packets: bigint;
}

export interface WindowTotals {
    from: number;
    to: number;
    /** Indexed like `StoreReadResult.counters`; undefined when the counter has no record here. */
    totals: (CounterTotal | undefined)[];
    /** Smallest start and largest end of the records counted; null when none. */
    oldest: number | null;
    newest: number | null;
    startEdge: EdgeInfo;
    endEdge: EdgeInfo;
}

export interface StoreSeries {
    edges: Float64Array;
    /** Bytes per bucket, one array per counter (indexed like `counters`), records spread evenly. */
    bytes: Float64Array[];
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

const MAX_SAFE = Number.MAX_SAFE_INTEGER;
const MAX_SAFE_BIG = BigInt(MAX_SAFE);
const FILE_ID = /^[0-9a-f]{16}$/;
const DECIMAL = /^(0|[1-9][0-9]*)$/;
const TIER_RANK: Record<Tier, number> = { detail: 0, hourly: 1, daily: 2 };

// Result slots of scanNumber(): module-level so that the hot path allocates nothing.
let numValue = 0;
let numBig: bigint | null = null;

/** Scans a decimal integer at s[i..) up to b; returns the index after it, or -1 if malformed. */
function scanNumber(s: string, i: number, b: number): number {
    const start = i;
    let v = 0;
    while (i < b) {
        const c = s.charCodeAt(i) - 48;
        if (c < 0 || c > 9)
            break;
        v = v * 10 + c;
        i++;
    }
    const len = i - start;
    if (len === 0 || (len > 1 && s.charCodeAt(start) === 48))
        return -1;
    if (len <= 15) {
        // fifteen digits are always below 2^53: v is exact
        numValue = v;
        numBig = null;
    } else {
        const big = BigInt(s.slice(start, i));
        if (big <= MAX_SAFE_BIG) {
            numValue = Number(big);
            numBig = null;
        } else {
            numValue = NaN;
            numBig = big;
        }
    }
    return i;
}

function parseTime(token: string | undefined): number | null {
    // Times must stay exact as numbers; anything past 2^53 seconds is not a time.
    if (token === undefined || !DECIMAL.test(token) || token.length > 15)
        return null;
    return Number(token);
}

function emptyEdge(): EdgeInfo {
    return { tier: null, resolutionSeconds: 0, inexactSeconds: 0 };
}

function touchEdge(edge: EdgeInfo, tier: Tier | null, duration: number, inexact: number): void {
    if (tier !== null && (edge.tier === null || TIER_RANK[tier] > TIER_RANK[edge.tier]))
        edge.tier = tier;
    if (duration > edge.resolutionSeconds)
        edge.resolutionSeconds = duration;
    if (inexact > edge.inexactSeconds)
        edge.inexactSeconds = inexact;
}

function mergeEdge(into: EdgeInfo, from: EdgeInfo): void {
    touchEdge(into, from.tier, from.resolutionSeconds, from.inexactSeconds);
}

/** Per file and window: sums by the file's dense counter index, and what was seen at the edges. */
class WindowAcc {
    bytes = new SumArray();
    packets = new SumArray();
    oldest = Infinity;
    newest = -Infinity;
    startEdge = emptyEdge();
    endEdge = emptyEdge();
}

/** A growable run of buckets for one counter in one file: files cover short periods. */
class BucketRow {
    offset = -1;
    data = new Float64Array(0);

    add(bucket: number, v: number): void {
        if (this.offset < 0) {
            this.offset = bucket;
            this.data = new Float64Array(32);
        }
        let idx = bucket - this.offset;
        if (idx < 0 || idx >= this.data.length) {
            const lo = Math.min(this.offset, bucket);
            const hi = Math.max(this.offset + this.data.length, bucket + 1);
            let cap = this.data.length;
            while (cap < hi - lo)
                cap *= 2;
            const data = new Float64Array(cap);
            data.set(this.data, this.offset - lo);
            this.data = data;
            this.offset = lo;
            idx = bucket - lo;
        }
        this.data[idx] = (this.data[idx] as number) + v;
    }
}

interface FileResult {
    summary: FileSummary;
    denseGlobal: number[];
    windows: WindowAcc[];
    rows: BucketRow[];
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
        return new FileParser(this, name);
    }

    /**
     * A compressed store file could not be decompressed. Like an unknown version, it makes the
     * whole read unusable: a total without that file's records would be silently low.
     */
    damagedFile(name: string, detail: string): void {
        this.errors.push({ file: name, line: 0, code: "damaged", message: `${name}: damaged compressed file (${detail})` });
    }

    /** @internal */
    globalIndex(id: CounterIdentity): number {
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

    /** @internal */
    addCorrupt(file: string, line: number, reason: string): void {
        this.corruptCount++;
        this.corruptByFile.set(file, (this.corruptByFile.get(file) ?? 0) + 1);
        if (this.corrupt.length < this.maxCorruptListed)
            this.corrupt.push({ file, line, reason });
    }

    /** @internal */
    addResult(r: FileResult): void {
        this.results.push(r);
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
        const windows: WindowTotals[] = this.windows.map(w => ({
            from: w.from,
            to: w.to,
            totals: new Array<CounterTotal | undefined>(n).fill(undefined),
            oldest: null,
            newest: null,
            startEdge: emptyEdge(),
            endEdge: emptyEdge(),
        }));
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
            r.windows.forEach((acc, wi) => {
                const out = windows[wi] as WindowTotals;
                for (let d = 0; d < r.denseGlobal.length; d++) {
                    if (!acc.bytes.seen[d] && !acc.packets.seen[d])
                        continue;
                    const g = r.denseGlobal[d] as number;
                    const t = out.totals[g] ?? { bytes: 0n, packets: 0n };
                    t.bytes += acc.bytes.get(d);
                    t.packets += acc.packets.get(d);
                    out.totals[g] = t;
                }
                if (acc.oldest < (out.oldest ?? Infinity))
                    out.oldest = acc.oldest;
                if (acc.newest > (out.newest ?? -Infinity))
                    out.newest = acc.newest;
                mergeEdge(out.startEdge, acc.startEdge);
                mergeEdge(out.endEdge, acc.endEdge);
            });
            r.rows.forEach((row, d) => {
                if (row.offset < 0)
                    return;
                const target = seriesBytes[r.denseGlobal[d] as number] as Float64Array;
                const lo = Math.max(0, row.offset);
                const hi = Math.min(nb, row.offset + row.data.length);
                for (let b = lo; b < hi; b++)
                    target[b] = (target[b] as number) + (row.data[b - row.offset] as number);
            });
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

/** The incremental parser of one file. */
export class FileParser {
    private readonly reader: StoreReader;
    readonly name: string;
    private carry = "";
    private lineNo = 0;
    private ended = false;
    /** After a header error the rest of the file is not read. */
    private dead = false;
    private sawHeader = false;
    private tier: Tier | null = null;
    private readonly summary: FileSummary;

    // file-local id → dense index (small ids in an array, others in a map)
    private idSmall = new Int32Array(256).fill(-1);
    private readonly idLarge = new Map<number, number>();
    private readonly denseGlobal: number[] = [];
    private readonly accs: WindowAcc[];
    private readonly rows: BucketRow[] = [];
    private oldest = Infinity;
    private newest = -Infinity;

    // the interval block being read
    private inBlock = false;
    private blockStart = 0;
    private blockEnd = 0;
    private blockWant = 0;
    private blockHave = 0;
    private blockLine = 0;
    private blockBad = false;
    private blockGood = 0;
    private bufIds = new Int32Array(256);
    private bufBytes = new Float64Array(256);
    private bufPackets = new Float64Array(256);
    private bufBig: (bigint | undefined)[] = [];

    constructor(reader: StoreReader, name: string) {
        this.reader = reader;
        this.name = name;
        this.accs = reader.windows.map(() => new WindowAcc());
        this.summary = {
            file: name, tier: null, fileId: null, supersedes: [], superseded: false,
            lines: 0, blocks: 0, bytesRead: 0,
        };
    }

    feed(chunk: string): void {
        if (this.ended)
            throw new Error(`feed() after end() on ${this.name}`);
        this.summary.bytesRead += chunk.length;
        let pos = 0;
        if (this.carry !== "") {
            const nl = chunk.indexOf("\n");
            if (nl < 0) {
                this.carry += chunk;
                return;
            }
            const line = this.carry + chunk.slice(0, nl);
            this.carry = "";
            this.line(line, 0, line.length);
            pos = nl + 1;
        }
        const len = chunk.length;
        while (pos < len) {
            if (this.inBlock) {
                // most lines are data lines inside a block: parse them in one pass when they are plain
                const c0 = chunk.charCodeAt(pos);
                if (c0 >= 48 && c0 <= 57) {
                    const next = this.fastDataLine(chunk, pos, len);
                    if (next > 0) {
                        pos = next;
                        continue;
                    }
                }
            }
            const nl = chunk.indexOf("\n", pos);
            if (nl < 0) {
                this.carry = chunk.slice(pos);
                return;
            }
            this.line(chunk, pos, nl);
            pos = nl + 1;
        }
    }

    end(): void {
        if (this.ended)
            return;
        this.ended = true;
        // A last line without its "\n", or a block that the end of the file cuts short, is one
        // append that was torn (both at once are still one): not corrupt, just not there yet.
        let torn: TornAppend | null = null;
        if (this.carry !== "" && !this.dead)
            torn = { file: this.name, line: this.lineNo + 1, kind: "line" };
        this.carry = "";
        if (this.inBlock) {
            // cut by the end of the file: torn, even if one of its lines was corrupt too
            if (this.blockBad)
                this.reader.skippedLines += this.blockGood + 1;
            if (torn === null)
                torn = { file: this.name, line: this.blockLine, kind: "block" };
            this.inBlock = false;
        }
        if (torn !== null)
            this.reader.torn.push(torn);
        this.summary.lines = this.lineNo;
        this.summary.tier = this.tier;
        this.reader.addResult({
            summary: this.summary,
            denseGlobal: this.denseGlobal,
            windows: this.accs,
            rows: this.rows,
            oldest: this.oldest,
            newest: this.newest,
        });
    }

    private corrupt(reason: string): void {
        this.reader.addCorrupt(this.name, this.lineNo, reason);
    }

    private line(s: string, a: number, b: number): void {
        this.lineNo++;
        if (this.dead)
            return;
        if (!this.sawHeader) {
            this.header(s.slice(a, b));
            return;
        }
        const c0 = s.charCodeAt(a);
        if (c0 >= 48 && c0 <= 57) {
            this.dataLine(s, a, b);
            return;
        }
        if (c0 === 35 /* # */) {
            if (b - a >= 2 && s.charCodeAt(a + 1) === 32)
                return; // comment
            this.otherLine(s.slice(a, b));
            return;
        }
        this.otherLine(s.slice(a, b));
    }

    private header(text: string): void {
        this.sawHeader = true;
        const f = text.split(" ");
        if (f[0] !== "#cta") {
            this.fail("header", `${this.name}: not a store file (first line is not a #cta header)`);
            return;
        }
        if (f[1] !== "1") {
            this.fail("version", `${this.name}: unsupported store format version ${f[1] ?? ""} (this reader knows version 1)`);
            return;
        }
        const tier = f[2];
        if (f.length !== 4 || (tier !== "detail" && tier !== "hourly" && tier !== "daily") || !FILE_ID.test(f[3] ?? "")) {
            this.fail("header", `${this.name}: malformed #cta header`);
            return;
        }
        this.tier = tier;
        this.summary.fileId = f[3] as string;
    }

    private fail(code: FileError["code"], message: string): void {
        this.dead = true;
        this.reader.errors.push({ file: this.name, line: this.lineNo, code, message });
    }

    /** A block met a line that is not one of its data lines before it had all of them. */
    private cutBlock(): void {
        // reported even when one of its lines already was: a cut is a fault of its own
        this.reader.addCorrupt(this.name, this.blockLine,
                               `interval block cut short: ${this.blockHave} of ${this.blockWant} data lines`);
        this.reader.skippedLines += this.blockGood + (this.blockBad ? 1 : 0);
        this.inBlock = false;
    }

    private otherLine(text: string): void {
        if (text.startsWith(INVALID_LINE)) {
            if (this.inBlock)
                this.badDataLine("invalid UTF-8");
            else
                this.corrupt("invalid UTF-8");
            return;
        }
        const f = text.split(" ");
        const kind = f[0];
        // a `c`, `i` or `x` line, or a `#` line that is not a comment, cuts a block short
        if (this.inBlock && (kind === "c" || kind === "i" || kind === "x" || text.startsWith("#")))
            this.cutBlock();
        if (this.inBlock) {
            // not a line of another kind: it takes a data line's place and spoils the block
            this.badDataLine(`not a data line: ${JSON.stringify(text.slice(0, 40))}`);
            return;
        }
        switch (kind) {
        case "c":
            this.counterLine(f);
            return;
        case "i":
            this.intervalLine(f);
            return;
        case "x":
            if (f.length !== 2 || !FILE_ID.test(f[1] ?? ""))
                this.corrupt("malformed x line");
            else
                this.summary.supersedes.push(f[1] as string);
            return;
        default:
            this.corrupt(`unknown line: ${JSON.stringify(text.slice(0, 40))}`);
        }
    }

    private counterLine(f: string[]): void {
        if (f.length !== 8) {
            this.corrupt("counter line needs 7 fields");
            return;
        }
        const idTok = f[1] as string;
        if (!DECIMAL.test(idTok) || idTok.length > 9) {
            this.corrupt("bad counter id");
            return;
        }
        const id = Number(idTok);
        if (this.lookup(id) >= 0) {
            this.corrupt(`counter id ${id} defined again`);
            return;
        }
        const seqTok = f[6] as string;
        if (!DECIMAL.test(seqTok) || seqTok === "0" || seqTok.length > 9) {
            this.corrupt("bad counter seq");
            return;
        }
        const fields: string[] = [];
        for (const k of [2, 3, 4, 5, 7]) {
            const v = unescapeField(f[k] as string);
            if (v === null) {
                this.corrupt("bad escape in counter field");
                return;
            }
            fields.push(v);
        }
        const [source, family, table, chain, name] = fields as [string, string, string, string, string];
        const identity: CounterIdentity = { source, family, table, chain, seq: Number(seqTok), name };
        const dense = this.denseGlobal.length;
        this.denseGlobal.push(this.reader.globalIndex(identity));
        if (id < this.idSmall.length * 64 && id >= this.idSmall.length && id < 1 << 20) {
            let cap = this.idSmall.length;
            while (cap <= id)
                cap *= 2;
            const grown = new Int32Array(cap).fill(-1);
            grown.set(this.idSmall);
            this.idSmall = grown;
        }
        if (id < this.idSmall.length)
            this.idSmall[id] = dense;
        else
            this.idLarge.set(id, dense);
        for (const acc of this.accs) {
            acc.bytes.ensure(dense + 1);
            acc.packets.ensure(dense + 1);
        }
        this.rows.push(new BucketRow());
    }

    private lookup(id: number): number {
        if (id < this.idSmall.length)
            return this.idSmall[id] as number;
        return this.idLarge.get(id) ?? -1;
    }

    private intervalLine(f: string[]): void {
        if (f.length !== 4) {
            this.corrupt("interval line needs 3 fields");
            return;
        }
        const start = parseTime(f[1]);
        const end = parseTime(f[2]);
        const n = f[3] as string;
        if (start === null || end === null || end <= start) {
            this.corrupt("bad interval times");
            return;
        }
        if (!DECIMAL.test(n) || n.length > 7) {
            this.corrupt("bad interval line count");
            return;
        }
        this.blockStart = start;
        this.blockEnd = end;
        this.blockWant = Number(n);
        this.blockHave = 0;
        this.blockGood = 0;
        this.blockBad = false;
        this.blockLine = this.lineNo;
        this.bufBig = [];
        if (this.blockWant > this.bufIds.length) {
            const cap = this.blockWant;
            this.bufIds = new Int32Array(cap);
            this.bufBytes = new Float64Array(cap);
            this.bufPackets = new Float64Array(cap);
        }
        this.summary.blocks++;
        if (this.blockWant === 0)
            this.commitBlock();
        else
            this.inBlock = true;
    }

    private badDataLine(reason: string): void {
        this.corrupt(reason);
        if (!this.blockBad) {
            this.blockBad = true;
        }
        this.blockHave++;
        if (this.blockHave === this.blockWant) {
            // the whole block is dropped: its header and well-formed lines are skipped
            this.reader.skippedLines += this.blockGood + 1;
            this.inBlock = false;
        }
    }

    /**
     * Parses a well-formed data line of small numbers at s[a..) through its "\n" in one pass and
     * returns the index after it; returns -1, having changed nothing, for anything else (the
     * general path then reads the line and reports what is wrong with it).
     */
    private fastDataLine(s: string, a: number, len: number): number {
        let i = a;
        let c = 0;
        let id = 0;
        while (i < len && (c = s.charCodeAt(i) - 48) >= 0 && c <= 9) {
            id = id * 10 + c;
            i++;
        }
        let n = i - a;
        if (n > 9 || (n > 1 && s.charCodeAt(a) === 48) || i >= len || s.charCodeAt(i) !== 32)
            return -1;
        let start = ++i;
        let bytes = 0;
        while (i < len && (c = s.charCodeAt(i) - 48) >= 0 && c <= 9) {
            bytes = bytes * 10 + c;
            i++;
        }
        n = i - start;
        if (n === 0 || n > 15 || (n > 1 && s.charCodeAt(start) === 48) || i >= len || s.charCodeAt(i) !== 32)
            return -1;
        start = ++i;
        let packets = 0;
        while (i < len && (c = s.charCodeAt(i) - 48) >= 0 && c <= 9) {
            packets = packets * 10 + c;
            i++;
        }
        n = i - start;
        if (n === 0 || n > 15 || (n > 1 && s.charCodeAt(start) === 48) || i >= len || s.charCodeAt(i) !== 10)
            return -1;
        const dense = this.lookup(id);
        if (dense < 0)
            return -1;
        this.lineNo++;
        const k = this.blockHave++;
        this.blockGood++;
        this.bufIds[k] = dense;
        this.bufBytes[k] = bytes;
        this.bufPackets[k] = packets;
        if (this.blockHave === this.blockWant) {
            this.inBlock = false;
            if (this.blockBad)
                this.reader.skippedLines += this.blockGood + 1;
            else
                this.commitBlock();
        }
        return i + 1;
    }

    private dataLine(s: string, a: number, b: number): void {
        if (!this.inBlock) {
            this.corrupt("data line outside an interval block");
            return;
        }
        let i = scanNumber(s, a, b);
        if (i < 0 || i >= b || s.charCodeAt(i) !== 32) {
            this.badDataLine("bad data line");
            return;
        }
        const id = numValue;
        if (numBig !== null) {
            this.badDataLine("bad counter id");
            return;
        }
        i = scanNumber(s, i + 1, b);
        if (i < 0 || i >= b || s.charCodeAt(i) !== 32) {
            this.badDataLine("bad byte count");
            return;
        }
        const bytes = numValue;
        const bytesBig = numBig;
        i = scanNumber(s, i + 1, b);
        if (i !== b) {
            this.badDataLine("bad packet count");
            return;
        }
        const dense = this.lookup(id);
        if (dense < 0) {
            this.badDataLine(`undefined counter id ${id}`);
            return;
        }
        const k = this.blockHave++;
        this.blockGood++;
        this.bufIds[k] = dense;
        this.bufBytes[k] = bytes;
        this.bufPackets[k] = numValue;
        if (bytesBig !== null || numBig !== null) {
            this.bufBig[2 * k] = bytesBig ?? undefined;
            this.bufBig[2 * k + 1] = numBig ?? undefined;
        }
        if (this.blockHave === this.blockWant) {
            this.inBlock = false;
            if (this.blockBad)
                this.reader.skippedLines += this.blockGood + 1;
            else
                this.commitBlock();
        }
    }

    private commitBlock(): void {
        const start = this.blockStart;
        const end = this.blockEnd;
        const n = this.blockWant;
        const duration = end - start;
        const tier = this.tier;
        if (start < this.oldest)
            this.oldest = start;
        if (end > this.newest)
            this.newest = end;
        const windows = this.reader.windows;
        for (let w = 0; w < windows.length; w++) {
            const win = windows[w] as Window;
            const acc = this.accs[w] as WindowAcc;
            // edges: a record touching an edge tells the resolution there; one across it, the error
            if (start <= win.from && win.from <= end)
                touchEdge(acc.startEdge, tier, duration, start < win.from && win.from < end ? win.from - start : 0);
            if (start <= win.to && win.to <= end)
                touchEdge(acc.endEdge, tier, duration, start < win.to && win.to < end ? win.to - start : 0);
            if (!(win.from < end && end <= win.to))
                continue;
            if (start < acc.oldest)
                acc.oldest = start;
            if (end > acc.newest)
                acc.newest = end;
            const bs = acc.bytes;
            const ps = acc.packets;
            for (let k = 0; k < n; k++) {
                const d = this.bufIds[k] as number;
                const bv = this.bufBytes[k] as number;
                const pv = this.bufPackets[k] as number;
                if (bv === bv) // not NaN: a safe integer
                    bs.add(d, bv);
                else
                    bs.addBig(d, this.bufBig[2 * k] as bigint);
                if (pv === pv)
                    ps.add(d, pv);
                else
                    ps.addBig(d, this.bufBig[2 * k + 1] as bigint);
            }
        }
        const edges = this.reader.edges;
        if (edges !== null && edges.length >= 2)
            this.spread(edges, start, end, n);
    }

    /** Spreads the block evenly over the buckets it overlaps (for drawing only). */
    private spread(edges: Float64Array, start: number, end: number, n: number): void {
        const last = edges.length - 1;
        if (end <= (edges[0] as number) || start >= (edges[last] as number))
            return;
        // first bucket whose end is after start
        let lo = 0;
        let hi = last;
        while (lo < hi) {
            const mid = (lo + hi) >> 1;
            if ((edges[mid + 1] as number) <= start)
                lo = mid + 1;
            else
                hi = mid;
        }
        const duration = end - start;
        for (let b = lo; b < last && (edges[b] as number) < end; b++) {
            const overlap = Math.min(end, edges[b + 1] as number) - Math.max(start, edges[b] as number);
            if (overlap <= 0)
                continue;
            const f = overlap / duration;
            for (let k = 0; k < n; k++) {
                const bv = this.bufBytes[k] as number;
                const v = bv === bv ? bv : Number(this.bufBig[2 * k] as bigint);
                (this.rows[this.bufIds[k] as number] as BucketRow).add(b, v * f);
            }
        }
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
