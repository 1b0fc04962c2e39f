// SPDX-License-Identifier: LGPL-2.1-or-later
// The line grammar of a store file (docs/store-format.md, "Lines" and "Reading rules"), read
// incrementally from text chunks of any size: the header, counter definitions, interval (`i`)
// and period (`p`) blocks and their data lines, `x` lines, comments, what is corrupt and what is
// torn. It knows nothing of windows or graphs: each complete, valid block goes to a BlockSink,
// in one reused buffer.
// The helper's reader (helper/cta/store.py) follows the same grammar; the shared fixtures and
// test/engine/differential.test.ts keep the two the same.

import { INVALID_LINE } from "./store-text.ts";
import { scanDecimal, scannedBig, tokenNumber, VALUE } from "./decimal.ts";
import { FILE_ID, ID_DIGITS, parseCounterLine, parseHeader } from "./store-header.ts";
import type { BlockSink, FileFacts, ParsedBlock } from "./store-blocks.ts";

export type { BlockSink, FileFacts, ParsedBlock } from "./store-blocks.ts";

export { TIERS, type Tier } from "./store-names.ts";

// The format's limits on numbers (digits), checked the same way by the helper.
const TIME_DIGITS = 15;
const COUNT_DIGITS = 7;
const NO_LIMIT = Infinity;

/** The incremental parser of one file. */
export class FileParser {
    readonly name: string;
    readonly facts: FileFacts = { tier: null, version: null, fileId: null, supersedes: [], lines: 0, blocks: 0, bytesRead: 0 };
    private readonly sink: BlockSink;
    private readonly onEnd: () => void;
    private carry = "";
    private lineNo = 0;
    private ended = false;
    /** After a header error the rest of the file is not read. */
    private dead = false;
    private sawHeader = false;
    /** The one block kind this file may hold: `p` in version 2's period tiers, `i` everywhere else. */
    private blockKind: "i" | "p" = "i";

    // file-local id → dense index (small ids in an array, others in a map)
    private idSmall = new Int32Array(256).fill(-1);
    private readonly idLarge = new Map<number, number>();
    private counters = 0;

    // the interval block being read
    private inBlock = false;
    private blockWant = 0;
    private blockHave = 0;
    private blockLine = 0;
    private blockBad = false;
    private blockGood = 0;
    private readonly block: ParsedBlock = {
        start: 0, end: 0, n: 0, tier: null, kind: "i",
        ids: new Int32Array(256), bytes: new Float64Array(256), packets: new Float64Array(256), big: [],
    };

    constructor(name: string, sink: BlockSink, onEnd: () => void) {
        this.name = name;
        this.sink = sink;
        this.onEnd = onEnd;
    }

    feed(chunk: string): void {
        if (this.ended)
            throw new Error(`feed() after end() on ${this.name}`);
        this.facts.bytesRead += chunk.length;
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
                // most lines are data lines inside a block: read them in one pass when they are plain
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
        let tornLine = 0;
        let tornKind: "line" | "block" = "line";
        if (this.carry !== "" && !this.dead)
            tornLine = this.lineNo + 1;
        this.carry = "";
        if (this.inBlock) {
            // cut by the end of the file: torn, even if one of its lines was corrupt too
            if (this.blockBad)
                this.sink.skipped(this.blockGood + 1);
            if (tornLine === 0) {
                tornLine = this.blockLine;
                tornKind = "block";
            }
            this.inBlock = false;
        }
        if (tornLine > 0)
            this.sink.torn(this.name, tornLine, tornKind);
        this.facts.lines = this.lineNo;
        this.onEnd();
    }

    private corrupt(reason: string): void {
        this.sink.corrupt(this.name, this.lineNo, reason);
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
        if (c0 === 35 /* # */ && b - a >= 2 && s.charCodeAt(a + 1) === 32)
            return; // comment
        this.otherLine(s.slice(a, b));
    }

    private header(text: string): void {
        this.sawHeader = true;
        const h = parseHeader(this.name, text);
        if (!h.ok) {
            this.fail(h.code, h.message);
            return;
        }
        this.facts.tier = h.tier;
        this.facts.version = h.version;
        this.facts.fileId = h.fileId;
        this.block.tier = h.tier;
        this.blockKind = h.version === 2 && h.tier !== "detail" ? "p" : "i";
        this.block.kind = this.blockKind;
    }

    private fail(code: "version" | "header", message: string): void {
        this.dead = true;
        this.sink.error(this.name, this.lineNo, code, message);
    }

    /** A block met a line that is not one of its data lines before it had all of them. */
    private cutBlock(): void {
        // reported even when one of its lines already was: a cut is a fault of its own
        this.sink.corrupt(this.name, this.blockLine, `interval block cut short: ${this.blockHave} of ${this.blockWant} data lines`);
        this.sink.skipped(this.blockGood + (this.blockBad ? 1 : 0));
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
        // a `c`, `i`, `p` or `x` line, or a `#` line that is not a comment, cuts a block short
        if (this.inBlock && (kind === "c" || kind === "i" || kind === "p" || kind === "x" || text.startsWith("#")))
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
        case "p":
            if (kind !== this.blockKind)
                this.corrupt(kind === "p" ? "period line outside a period tier" : "interval line in a period tier");
            else
                this.intervalLine(f);
            return;
        case "x":
            if (f.length !== 2 || !FILE_ID.test(f[1] ?? ""))
                this.corrupt("malformed x line");
            else
                this.facts.supersedes.push(f[1] as string);
            return;
        default:
            this.corrupt(`unknown line: ${JSON.stringify(text.slice(0, 40))}`);
        }
    }

    private counterLine(f: string[]): void {
        const c = parseCounterLine(f);
        if ("error" in c) {
            this.corrupt(c.error);
            return;
        }
        // a redefinition is corrupt even when the rest of the line is not
        const id = c.id;
        if (this.lookup(id) >= 0) {
            this.corrupt(`counter id ${id} defined again`);
            return;
        }
        const dense = this.counters++;
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
        this.sink.counter(c.identity);
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
        const start = tokenNumber(f[1], TIME_DIGITS);
        const end = tokenNumber(f[2], TIME_DIGITS);
        if (start === null || end === null || end <= start) {
            this.corrupt("bad interval times");
            return;
        }
        const n = tokenNumber(f[3], COUNT_DIGITS);
        if (n === null) {
            this.corrupt("bad interval line count");
            return;
        }
        const block = this.block;
        block.start = start;
        block.end = end;
        block.n = n;
        block.big = [];
        this.blockWant = n;
        this.blockHave = 0;
        this.blockGood = 0;
        this.blockBad = false;
        this.blockLine = this.lineNo;
        if (n > block.ids.length) {
            block.ids = new Int32Array(n);
            block.bytes = new Float64Array(n);
            block.packets = new Float64Array(n);
        }
        this.facts.blocks++;
        // `p s e 0` says "this period is rolled up" and must reach the sink; so does `i s e 0`
        if (n === 0)
            this.sink.block(block);
        else
            this.inBlock = true;
    }

    private badDataLine(reason: string): void {
        this.corrupt(reason);
        this.blockBad = true;
        this.blockHave++;
        if (this.blockHave === this.blockWant) {
            // the whole block is dropped: its header and well-formed lines are skipped
            this.sink.skipped(this.blockGood + 1);
            this.inBlock = false;
        }
    }

    /** A well-formed data line's values are in; the block is done when it has all of them. */
    private take(dense: number, bytes: number, packets: number, bytesBig: bigint | null, packetsBig: bigint | null): void {
        const block = this.block;
        const k = this.blockHave++;
        this.blockGood++;
        block.ids[k] = dense;
        block.bytes[k] = bytes;
        block.packets[k] = packets;
        if (bytesBig !== null || packetsBig !== null) {
            block.big[2 * k] = bytesBig ?? undefined;
            block.big[2 * k + 1] = packetsBig ?? undefined;
        }
        if (this.blockHave === this.blockWant) {
            this.inBlock = false;
            if (this.blockBad)
                this.sink.skipped(this.blockGood + 1);
            else
                this.sink.block(block);
        }
    }

    /**
     * Reads a well-formed data line of numbers below 2^53 at s[a..) through its "\n" in one pass
     * and returns the index after it; returns -1, having changed nothing, for anything else (the
     * general path then reads the line and reports what is wrong with it).
     */
    private fastDataLine(s: string, a: number, len: number): number {
        let i = scanDecimal(s, a, len, ID_DIGITS);
        if (i < 0 || i >= len || s.charCodeAt(i) !== 32)
            return -1;
        const dense = this.lookup(VALUE[0] as number);
        if (dense < 0)
            return -1;
        i = scanDecimal(s, i + 1, len, 15);
        if (i < 0 || i >= len || s.charCodeAt(i) !== 32)
            return -1;
        const bytes = VALUE[0] as number;
        i = scanDecimal(s, i + 1, len, 15);
        if (i < 0 || i >= len || s.charCodeAt(i) !== 10)
            return -1;
        this.lineNo++;
        this.take(dense, bytes, VALUE[0] as number, null, null);
        return i + 1;
    }

    private dataLine(s: string, a: number, b: number): void {
        if (!this.inBlock) {
            this.corrupt("data line outside an interval block");
            return;
        }
        let i = scanDecimal(s, a, b, NO_LIMIT);
        if (i < 0 || i >= b || s.charCodeAt(i) !== 32) {
            this.badDataLine("bad data line");
            return;
        }
        const id = VALUE[0] as number;
        if (id !== id) {
            this.badDataLine("bad counter id");
            return;
        }
        i = scanDecimal(s, i + 1, b, NO_LIMIT);
        if (i < 0 || i >= b || s.charCodeAt(i) !== 32) {
            this.badDataLine("bad byte count");
            return;
        }
        const bytes = VALUE[0] as number;
        const bytesBig = scannedBig();
        i = scanDecimal(s, i + 1, b, NO_LIMIT);
        if (i !== b) {
            this.badDataLine("bad packet count");
            return;
        }
        const dense = this.lookup(id);
        if (dense < 0) {
            this.badDataLine(`undefined counter id ${id}`);
            return;
        }
        this.take(dense, bytes, VALUE[0] as number, bytesBig, scannedBig());
    }
}
