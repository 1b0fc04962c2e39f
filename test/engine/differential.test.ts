// SPDX-License-Identifier: LGPL-2.1-or-later
// One grammar, two readers: the same mutated store files, byte for byte, read by the helper's
// Python reader (test/tools/read-stores.py) and by this engine must give the same files that
// cannot be read, the same torn appends, the same corrupt lines (file and line) and the same
// totals in every window. The mutations are seeded (the same every run) and bounded; they mix
// blind byte edits with edits that aim at the grammar's corners (limits of numbers, escapes,
// file ids, comment and `#` lines, invalid UTF-8, a byte order mark, empty and torn files).

import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { gunzipSync, gzipSync } from "node:zlib";
import { readStoreTexts, StoreReadResult } from "../../src/engine/store-reader.ts";
import { prng, STORES, storeEntries } from "./helpers.ts";
import { classifyName } from "../../src/engine/store-names.ts";

const REPO = join(__dirname, "..", "..");
const WINDOWS: [number, number][] = [[0, 2 ** 40], [1763683200, 1763683200 + 86400], [1763683200 - 40 * 86400, 1763683200]];
// A store with version-2 files is read by walking its periods (window-cover.ts and the helper's
// window.py), which visit every period of a window: its windows span months, not millennia.
// September to November 2025, November 21, and the 30 days up to 10:30 on November 21.
const WINDOWS_V2: [number, number][] = [
    [1756684800, 1764547200], [1763683200, 1763683200 + 86400], [1763683200 + 37800 - 30 * 86400, 1763683200 + 37800],
];
const isV2Store = (files: { name: string }[]): boolean => files.some(f => classifyName(f.name)?.version === 2);
const SEEDS = [20251121, 12, 3];
const STORES_PER_SEED = 160;

type Rnd = () => number;
const pick = <T>(xs: readonly T[], rnd: Rnd): T => xs[Math.floor(rnd() * xs.length)] as T;
const enc = (s: string): Buffer => Buffer.from(s, "utf8");

/** Tokens that sit on the grammar's edges. */
function tokens(ids: string[]): string[] {
    return [
        "0", "00", "01", "1", "-1", "+1", "9", "999999999", "1000000000", "0999",
        "123456789012345", "999999999999999", "1000000000000000", "9007199254740993",
        "18446744073709551615", "18446744073709551616", "1763683200", "1763683500",
        "%2D", "%2d", "%41", "%4", "%", "%zz", "%C3%A9", "%C3%28", "-", "--", "",
        "c", "i", "x", "#", "#cta", "# ", "#junk", "z", "\t", "\r", "é", "流",
        // version 2: the period line, the other version, the new tiers, period bounds (UTC)
        "p", "2", "3", "monthly", "whole", "hourly", "daily", "detail",
        "1763686800", "1763690400", "1763719200", "1763600000", "1761955200", "1759276800", "1764547200",
        ...ids, ...ids.map(id => id.toUpperCase()), "0123456789abcde",
    ];
}

function lines(b: Buffer): Buffer[] {
    const out: Buffer[] = [];
    let start = 0;
    for (;;) {
        const nl = b.indexOf(10, start);
        if (nl < 0) {
            out.push(b.subarray(start));
            return out;
        }
        out.push(b.subarray(start, nl));
        start = nl + 1;
    }
}

const join_ = (ls: Buffer[]): Buffer => Buffer.concat(ls.flatMap((l, i) => (i === 0 ? [l] : [Buffer.from([10]), l])));

type Mutation = (b: Buffer, rnd: Rnd, ids: string[]) => Buffer;

const mutations: Record<string, Mutation> = {
    replaceToken: (b, rnd, ids) => {
        const ls = lines(b);
        const i = Math.floor(rnd() * ls.length);
        const fields = (ls[i] as Buffer).toString("latin1").split(" ");
        fields[Math.floor(rnd() * fields.length)] = Buffer.from(pick(tokens(ids), rnd), "utf8").toString("latin1");
        ls[i] = Buffer.from(fields.join(" "), "latin1");
        return join_(ls);
    },
    insertLine: (b, rnd, ids) => {
        const ls = lines(b);
        const t = tokens(ids);
        const made = pick([
            () => `x ${pick(ids, rnd)}`,
            () => `c ${pick(["7", "1", "0", "1000000000"], rnd)} nft-rule inet filter input ${pick(["1", "0", "2"], rnd)} ${pick(t, rnd)}`,
            () => `i ${pick(t, rnd)} ${pick(t, rnd)} ${pick(["0", "1", "2", "10000000"], rnd)}`,
            () => `p ${pick(t, rnd)} ${pick(t, rnd)} ${pick(["0", "1", "2"], rnd)}`,
            () => `${pick(["0", "1", "2"], rnd)} ${pick(t, rnd)} ${pick(t, rnd)}`,
            () => pick(["#junk", "# comment", "#", "", "#cta 1 detail 0123456789abcdef", "#cta 2 hourly 0123456789abcdef"], rnd),
        ], rnd)();
        ls.splice(Math.floor(rnd() * (ls.length + 1)), 0, enc(made));
        return join_(ls);
    },
    deleteLine: b => b, // replaced below (needs rnd)
    swapLines: (b, rnd) => {
        const ls = lines(b);
        const i = Math.floor(rnd() * ls.length);
        const j = Math.floor(rnd() * ls.length);
        [ls[i], ls[j]] = [ls[j] as Buffer, ls[i] as Buffer];
        return join_(ls);
    },
    duplicateLine: (b, rnd) => {
        const ls = lines(b);
        const i = Math.floor(rnd() * ls.length);
        ls.splice(i, 0, ls[i] as Buffer);
        return join_(ls);
    },
    flipByte: (b, rnd) => {
        if (b.length === 0)
            return b;
        const out = Buffer.from(b);
        out[Math.floor(rnd() * b.length)] = pick([0x20, 0x0a, 0x30, 0x39, 0x25, 0x23, 0xff, 0xc3, 0x80, 0xe6, 0x00, 0x7f], rnd);
        return out;
    },
    invalidUtf8: (b, rnd) => {
        const i = Math.floor(rnd() * (b.length + 1));
        return Buffer.concat([b.subarray(0, i), Buffer.from(pick([[0xff], [0xc3], [0xed, 0xa0, 0x80], [0xe6, 0xb5]], rnd)), b.subarray(i)]);
    },
    bom: b => Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), b]),
    truncate: (b, rnd) => b.subarray(0, Math.floor(rnd() * b.length)),
    empty: () => Buffer.alloc(0),
};
mutations.deleteLine = (b, rnd) => {
    const ls = lines(b);
    ls.splice(Math.floor(rnd() * ls.length), 1);
    return join_(ls);
};

interface StoreFileBytes {
    name: string;
    /** The decompressed content of a `.cta.gz`. */
    content: Buffer;
}

function fixtureStore(dir: string): StoreFileBytes[] {
    const out: StoreFileBytes[] = [];
    for (const e of storeEntries(dir)) {
        if ("damaged" in e)
            return [];
        const raw = readFileSync(join(dir, e.name));
        out.push({ name: e.name, content: e.name.endsWith(".gz") ? gunzipSync(raw) : raw });
    }
    return out;
}

function fileIds(files: StoreFileBytes[]): string[] {
    return files.flatMap(f => {
        const m = /^#cta \S+ \S+ ([0-9a-f]{16})\n/.exec(f.content.subarray(0, 64).toString("latin1"));
        return m ? [m[1] as string] : [];
    });
}

interface PythonResult {
    errors: string[];
    torn: number;
    corrupt: [string, number][];
    windows: Record<string, [string, string]>[];
}

function summarise(r: StoreReadResult): PythonResult {
    return {
        errors: [...new Set(r.errors.map(e => e.file))].sort(),
        torn: r.torn.length,
        corrupt: r.corrupt.map(c => [c.file, c.line] as [string, number]).sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] - b[1])),
        windows: r.windows.map(w => {
            const out: Record<string, [string, string]> = {};
            w.totals.forEach((t, i) => {
                if (t)
                    out[r.keys[i] as string] = [t.bytes.toString(), t.packets.toString()];
            });
            return out;
        }),
    };
}

const corpus = readdirSync(STORES)
        .filter(n => statSync(join(STORES, n)).isDirectory())
        .sort()
        .map(name => ({ name, files: fixtureStore(join(STORES, name)) }))
        .filter(s => s.files.length > 0);

let work = "";
beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), "cta-differential-"));
});
afterAll(() => {
    if (!process.env.CTA_DIFF_DEBUG)
        rmSync(work, { recursive: true, force: true });
});

test.each(SEEDS)("both readers agree on %s-seeded mutations of the fixture stores", seed => {
    const rnd = prng(seed);
    const names = Object.keys(mutations);
    const made: { dir: string; what: string; windows: [number, number][] }[] = [];
    for (let k = 0; k < STORES_PER_SEED; k++) {
        const store = pick(corpus, rnd);
        const files = store.files.map(f => ({ ...f }));
        const ids = fileIds(files);
        const what: string[] = [];
        const touched = 1 + Math.floor(rnd() * Math.min(3, files.length));
        for (let t = 0; t < touched; t++) {
            const f = pick(files, rnd);
            const rounds = 1 + Math.floor(rnd() * 3);
            for (let m = 0; m < rounds; m++) {
                const name = pick(names, rnd);
                f.content = (mutations[name] as Mutation)(f.content, rnd, ids);
                what.push(`${f.name}:${name}`);
            }
        }
        const dir = join(work, `${seed}-${k}`);
        for (const f of files) {
            const path = join(dir, f.name);
            mkdirSync(dirname(path), { recursive: true });
            writeFileSync(path, f.name.endsWith(".gz") ? gzipSync(f.content, { level: 9 }) : f.content);
        }
        made.push({ dir, what: `${store.name} ${what.join(", ")}`, windows: isV2Store(files) ? WINDOWS_V2 : WINDOWS });
    }
    const job = JSON.stringify({ windows: WINDOWS, stores: made.map(m => ({ dir: m.dir, windows: m.windows })) });
    const python = JSON.parse(execFileSync("/usr/bin/python3", [join(REPO, "test", "tools", "read-stores.py")],
                                           { input: job, maxBuffer: 256 * 1024 * 1024 }).toString()) as PythonResult[];
    let errors = 0;
    let corrupt = 0;
    let version2 = 0;
    made.forEach((m, i) => {
        const ts = summarise(readStoreTexts(storeEntries(m.dir), { windows: m.windows.map(([from, to]) => ({ from, to })), zone: "UTC" }));
        const py = python[i] as PythonResult;
        if (ts.errors.length > 0 || py.errors.length > 0) {
            // a store with a file that cannot be read has no totals in the page: compare the files
            expect({ store: m.what, errors: ts.errors }).toEqual({ store: m.what, errors: py.errors });
            errors++;
            return;
        }
        if (process.env.CTA_DIFF_DEBUG) {
            try {
                expect(ts).toEqual(py);
            } catch {
                console.log(m.what, m.dir);
            }
            return;
        }
        expect({ store: m.what, ...ts }).toEqual({ store: m.what, ...py });
        corrupt += ts.corrupt.length;
        if (m.windows === WINDOWS_V2)
            version2++;
    });
    // the mutations reach both kinds of outcome
    expect(errors).toBeGreaterThan(5);
    expect(corrupt).toBeGreaterThan(50);
    // and version 2's stores are compared on their totals too
    expect(version2).toBeGreaterThan(10);
});
