// SPDX-License-Identifier: LGPL-2.1-or-later
// Version 2 read by the page's engine: the name tells a file's version; a window takes coarse
// blocks for its whole periods and finer records only at its edges, never a period twice; the
// files read stage by stage are few and give the totals of reading everything; the graph draws
// each period once. Stores come from the helper's own writer (test/tools/make-history.py) in
// Europe/Berlin across a daylight-saving change, and the helper's window reader is the other
// side of every comparison.

import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readStoreTexts, StoreReader, type StoreReadResult, type StoreText } from "../../src/engine/store-reader.ts";
import { planRead } from "../../src/engine/read-plan.ts";
import { readInStages } from "../../src/engine/staged-read.ts";
import { prng, storeEntries } from "./helpers.ts";

const REPO = join(__dirname, "..", "..");
const ZONE = "Europe/Berlin";
const NOW = 1761643500; // 2025-10-28 10:25 in Berlin, two days after clocks went back
const HOUR = 3600;
const DAY = 86400;

type Totals = Record<string, [string, string]>;

function totalsOf(r: StoreReadResult, w: number): Totals {
    const out: Totals = {};
    r.windows[w]?.totals.forEach((t, i) => {
        if (t)
            out[r.keys[i] as string] = [t.bytes.toString(), t.packets.toString()];
    });
    return out;
}

let dir = "";
let files: StoreText[] = [];

beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "cta-v2-"));
    execFileSync("/usr/bin/python3", [join(REPO, "test", "tools", "make-history.py"), "--store", dir, "--counters", "4", "--days", "70",
        "--now", String(NOW), "--detail-days", "3", "--hourly-days", "20"],
                 { env: { ...process.env, TZ: ZONE } });
    files = storeEntries(dir);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The helper's window reader on the same store and windows. */
function python(windows: [number, number][]): Totals[] {
    const job = JSON.stringify({ windows, stores: [dir] });
    const out = JSON.parse(execFileSync("/usr/bin/python3", [join(REPO, "test", "tools", "read-stores.py")],
                                        { input: job, env: { ...process.env, TZ: ZONE }, maxBuffer: 64 << 20 }).toString()) as
        { windows: Totals[] }[];
    return (out[0] as { windows: Totals[] }).windows;
}

/** The sums of the detail records (the collector's own records) that end in (from, to]. */
function detailSums(from: number, to: number): Totals {
    const sums = new Map<string, [bigint, bigint]>();
    for (const f of files) {
        if (!f.name.startsWith("detail/") || !("text" in f))
            continue;
        const names = new Map<string, string>();
        let end = 0;
        for (const line of f.text.split("\n")) {
            const p = line.split(" ");
            if (p[0] === "c")
                names.set(p[1] as string, p.slice(2).join(" "));
            else if (p[0] === "i")
                end = Number(p[2]);
            else if (/^[0-9]/.test(line) && from < end && end <= to) {
                const key = names.get(p[0] as string) as string;
                const s = sums.get(key) ?? [0n, 0n];
                sums.set(key, [s[0] + BigInt(p[1] as string), s[1] + BigInt(p[2] as string)]);
            }
        }
    }
    return Object.fromEntries([...sums].map(([k, [b, p]]) => [k, [b.toString(), p.toString()]]));
}

test("a file's name tells the version its header must have", () => {
    const v1Header = "#cta 1 detail 0123456789abcdef\n";
    const v2Header = "#cta 2 detail 0123456789abcdef\n";
    expect(readStoreTexts([{ name: "detail/2025-11-21T10.cta", text: v1Header }]).error)
        .toContain("detail/2025-11-21T10.cta: the header says format version 1");
    expect(readStoreTexts([{ name: "detail/2025-11-21.cta", text: v2Header }]).error)
        .toContain("detail/2025-11-21.cta: the header says format version 2");
    expect(readStoreTexts([{ name: "detail/2025-11-21T10.cta", text: v2Header }]).error).toBeNull();
    expect(readStoreTexts([{ name: "monthly/2025.cta", text: "#cta 1 monthly 0123456789abcdef\n" }]).error)
        .toContain("malformed #cta header");
    expect(readStoreTexts([{ name: "detail/x.cta", text: "#cta 3 detail 0123456789abcdef\n" }]).error)
        .toContain("unsupported store format version 3");
});

describe("a version-2 store written by the helper (Berlin, 70 days, detail 3 days, hourly 20)", () => {
    // windows: today, the last 7 and 30 days, this and last month, the DST day, the whole store,
    // and random ones (any second) in every part of it
    const rnd = prng(20251028);
    const windows: [number, number][] = [
        [1761606000, 1761692400], [NOW - 7 * DAY, NOW], [NOW - 30 * DAY, NOW],
        [1759269600, 1761951600], [1756677600, 1759269600], [1761429600, 1761519600], [1735686000, 1767222000],
    ];
    for (let k = 0; k < 40; k++) {
        const from = NOW - Math.floor(rnd() * 75 * DAY);
        windows.push([from, from + 1 + Math.floor(rnd() * (NOW + HOUR - from))]);
    }

    test("totals equal the helper's window reader in every window", () => {
        const r = readStoreTexts(files, { windows: windows.map(([from, to]) => ({ from, to })), zone: ZONE });
        expect(r.error).toBeNull();
        const py = python(windows);
        windows.forEach((w, i) => expect({ w, t: totalsOf(r, i) }).toEqual({ w, t: py[i] }));
        expect(windows.filter((_w, i) => Object.keys(totalsOf(r, i)).length === 4).length).toBeGreaterThan(30);
    });

    test("where the detail is kept, totals equal the sums of the detail records (each period once)", () => {
        const kept = windows.filter(([from]) => from > NOW - 2 * DAY);
        for (let k = 0; k < 30; k++) {
            const from = NOW - Math.floor(rnd() * 2 * DAY);
            kept.push([from, from + Math.floor(rnd() * (NOW - from + HOUR))]);
        }
        const r = readStoreTexts(files, { windows: kept.map(([from, to]) => ({ from, to })), zone: ZONE });
        kept.forEach((w, i) => expect({ w, t: totalsOf(r, i) }).toEqual({ w, t: detailSums(w[0], w[1]) }));
        expect(kept.filter((_w, i) => Object.keys(totalsOf(r, i)).length > 0).length).toBeGreaterThan(20);
    });

    test("read stage by stage, a window reads few files and gets the same totals", async () => {
        const listing = files.map(f => ({ name: f.name, size: statSync(join(dir, f.name)).size }));
        const byName = new Map(files.map(f => [f.name, f]));
        for (const [from, to] of windows.slice(0, 7)) {
            const reader = new StoreReader({ windows: [{ from, to }], zone: ZONE, listing: listing.map(f => f.name) });
            const plan = planRead(listing, { from, to }, ZONE);
            const read = await readInStages(reader, plan, {
                read: async fs => {
                    for (const f of fs) {
                        const p = reader.openFile(f.name);
                        p.feed((byName.get(f.name) as { text: string }).text);
                        p.end();
                    }
                },
            });
            const staged = reader.finish();
            const whole = readStoreTexts(files, { windows: [{ from, to }], zone: ZONE });
            expect(totalsOf(staged, 0)).toEqual(totalsOf(whole, 0));
            // the coarse tiers stand in for the middle: at most the edges' finer files are read
            const detail = read.filter(f => f.tier === "detail").length;
            const hourly = read.filter(f => f.tier === "hourly").length;
            expect({ window: [from, to], detail: detail <= 4, hourly: hourly <= 4, few: read.length < files.length / 4 })
                .toEqual({ window: [from, to], detail: true, hourly: true, few: true });
        }
    });

    test("the coarse totals drawn before the edges are never more than the final ones", async () => {
        const listing = files.map(f => ({ name: f.name, size: statSync(join(dir, f.name)).size }));
        const byName = new Map(files.map(f => [f.name, f]));
        let whole = 0;
        for (const [from, to] of windows.slice(0, 12)) {
            const reader = new StoreReader({ windows: [{ from, to }], zone: ZONE, listing: listing.map(f => f.name) });
            let coarse: StoreReadResult | null = null;
            await readInStages(reader, planRead(listing, { from, to }, ZONE), {
                read: async fs => {
                    for (const f of fs.filter(x => coarse === null || x.tier === "detail")) {
                        const p = reader.openFile(f.name);
                        p.feed((byName.get(f.name) as { text: string }).text);
                        p.end();
                    }
                },
                coarseDone: () => {
                    coarse = reader.coarseResult();
                },
            }, false);
            const final = reader.finish();
            const early = coarse as StoreReadResult | null;
            expect(early?.partial).toBe(true);
            expect(final.partial).toBe(false);
            const f = totalsOf(final, 0);
            for (const [key, [b, p]] of Object.entries(totalsOf(early as StoreReadResult, 0)))
                expect({ w: [from, to], key, more: BigInt(b) > BigInt(f[key]?.[0] ?? "0") || BigInt(p) > BigInt(f[key]?.[1] ?? "0") })
                    .toEqual({ w: [from, to], key, more: false });
            // a window of whole past days is complete from the coarse records alone
            if (JSON.stringify(totalsOf(early as StoreReadResult, 0)) === JSON.stringify(f) && Object.keys(f).length > 0)
                whole++;
        }
        expect(whole).toBeGreaterThan(0);
    });

    test("the graph draws each period once: its buckets add up to the window's total", () => {
        for (const [from, to, step] of [[NOW - 2 * DAY, NOW, 300], [NOW - 15 * DAY, NOW, HOUR], [NOW - 60 * DAY, NOW, DAY]] as const) {
            const start = Math.floor(from / step) * step;
            const edges = new Float64Array(Math.ceil((to - start) / step) + 1).map((_, i) => start + i * step);
            const r = readStoreTexts(files, { windows: [{ from: start, to: edges[edges.length - 1] as number }], seriesEdges: edges, zone: ZONE });
            const drawn = (r.series?.bytes ?? []).reduce((s, row) => s + row.reduce((a, v) => a + v, 0), 0);
            const counted = Object.values(totalsOf(r, 0)).reduce((s, [b]) => s + Number(b), 0);
            expect(counted).toBeGreaterThan(0);
            // blocks straddling the range's edges are spread in part; the rest is the same bytes
            expect(Math.abs(drawn - counted) / counted).toBeLessThan(step === DAY ? 0.05 : 0.01);
        }
    });
});
