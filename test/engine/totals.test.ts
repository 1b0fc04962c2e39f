// SPDX-License-Identifier: LGPL-2.1-or-later
// Totals: exact above 2^53 against a naive BigInt sum of generated records, a timeframe split
// in two sums to the whole, edges report straddling records, filters and read plans.

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { readStoreTexts } from "../../src/engine/store-reader.ts";
import { totalsFor } from "../../src/engine/totals.ts";
import { compileFilter } from "../../src/engine/filter.ts";
import { planRead } from "../../src/engine/read-plan.ts";
import { parseTimeframe } from "../../src/engine/timeframe.ts";
import { GenRecord, prng, storeFiles, STORES, writeStore } from "./helpers.ts";

function generate(seed: number): GenRecord[] {
    const rnd = prng(seed);
    const records: GenRecord[] = [];
    const base = 1763683200;
    for (let k = 0; k < 600; k++) {
        const start = base + k * 300;
        for (let c = 0; c < 12; c++) {
            if (rnd() < 0.3)
                continue;
            // a mix of small values, values near 2^53 and values near 2^64
            const pick = rnd();
            let bytes: bigint;
            if (pick < 0.6)
                bytes = BigInt(Math.floor(rnd() * 1e9)) + 1n;
            else if (pick < 0.9)
                bytes = 2n ** 53n - BigInt(Math.floor(rnd() * 1000));
            else
                bytes = 2n ** 64n - 1n - BigInt(Math.floor(rnd() * 1e6));
            records.push({ start, end: start + 300, counter: c, bytes, packets: BigInt(Math.floor(rnd() * 1e6)) });
        }
    }
    return records;
}

function naive(records: GenRecord[], from: number, to: number): Map<string, [bigint, bigint]> {
    const out = new Map<string, [bigint, bigint]>();
    for (const r of records) {
        if (!(from < r.end && r.end <= to))
            continue;
        const key = `c${r.counter}`;
        const s = out.get(key) ?? [0n, 0n];
        out.set(key, [s[0] + r.bytes, s[1] + r.packets]);
    }
    return out;
}

describe("exact totals", () => {
    test.each([1, 2, 3])("generated store, seed %i, sums far above 2^53 match a naive BigInt sum", seed => {
        const records = generate(seed);
        const text = writeStore("detail", records);
        const rnd = prng(seed + 100);
        const base = 1763683200;
        const windows = [{ from: 0, to: 2 ** 40 }];
        for (let k = 0; k < 8; k++) {
            const a = base + Math.floor(rnd() * 600 * 300);
            const b = a + 1 + Math.floor(rnd() * 300 * 300);
            windows.push({ from: a, to: b });
        }
        const result = readStoreTexts([{ name: "detail/2025-11-21.cta", text }], { windows });
        expect(result.corruptCount).toBe(0);
        windows.forEach((w, i) => {
            const want = naive(records, w.from, w.to);
            const got = new Map(totalsFor(result, i).rows.map(r => [r.name, [r.bytes, r.packets] as [bigint, bigint]]));
            expect(got).toEqual(want);
        });
        const whole = totalsFor(result, 0);
        expect(whole.total.bytes > 2n ** 64n).toBe(true);
        expect(whole.total.bytes).toBe(records.reduce((s, r) => s + r.bytes, 0n));
    });
});

describe("a timeframe split in two sums to the whole", () => {
    const files = storeFiles(join(STORES, "plain"));
    const T0 = 1763683200;
    const whole = { from: T0 - 60 * 86400, to: T0 + 3 * 86400 };
    const cuts = [T0 - 51 * 86400 + 100, T0 - 11 * 86400 + 1800, T0 - 11 * 86400 + 3600, T0, T0 + 150, T0 + 86400 * 2 - 150, T0 + 2 * 86400];
    test.each(cuts)("cut at %i", cut => {
        const result = readStoreTexts(files, { windows: [whole, { from: whole.from, to: cut }, { from: cut, to: whole.to }] });
        const [all, left, right] = [0, 1, 2].map(i => totalsFor(result, i));
        const sum = new Map<string, bigint>();
        for (const r of [...(left?.rows ?? []), ...(right?.rows ?? [])])
            sum.set(r.key, (sum.get(r.key) ?? 0n) + r.bytes);
        expect(all?.rows.length).toBeGreaterThan(0);
        expect(sum).toEqual(new Map(all?.rows.map(r => [r.key, r.bytes])));
        expect((left?.total.packets ?? 0n) + (right?.total.packets ?? 0n)).toBe(all?.total.packets);
    });
});

describe("edges", () => {
    const text = writeStore("hourly", [
        { start: 3600, end: 7200, counter: 0, bytes: 100n, packets: 1n },
        { start: 7200, end: 10800, counter: 0, bytes: 200n, packets: 2n },
        { start: 10800, end: 14400, counter: 0, bytes: 400n, packets: 4n },
    ]);
    test("a record straddling the start counts where it ends and makes the edge inexact", () => {
        const r = readStoreTexts([{ name: "hourly/1970-01.cta", text }], { windows: [{ from: 5400, to: 10800 }] });
        const t = totalsFor(r, 0);
        expect(t.total.bytes).toBe(300n);
        expect(t.startEdge).toEqual({ tier: "hourly", resolutionSeconds: 3600, inexactSeconds: 1800 });
        expect(t.endEdge).toEqual({ tier: "hourly", resolutionSeconds: 3600, inexactSeconds: 0 });
        expect([t.oldest, t.newest]).toEqual([3600, 10800]);
    });
    test("a record straddling the end counts in the next timeframe", () => {
        const r = readStoreTexts([{ name: "hourly/1970-01.cta", text }], { windows: [{ from: 7200, to: 12000 }] });
        const t = totalsFor(r, 0);
        expect(t.total.bytes).toBe(200n);
        expect(t.endEdge.inexactSeconds).toBe(12000 - 10800);
        expect(t.startEdge.inexactSeconds).toBe(0);
    });
    test("no data near an edge says so", () => {
        const r = readStoreTexts([{ name: "hourly/1970-01.cta", text }], { windows: [{ from: 0, to: 100000 }] });
        expect(totalsFor(r, 0).startEdge.tier).toBeNull();
        expect(totalsFor(r, 0).endEdge.tier).toBeNull();
    });
});

describe("filter", () => {
    test("matches display names, case-insensitive on request", () => {
        const f = compileFilter("^WWW");
        const g = compileFilter("^WWW", { caseInsensitive: true });
        expect(f.ok && [f.filter.test("www"), f.filter.test("WWW-out")]).toEqual([false, true]);
        expect(g.ok && [g.filter.test("www"), g.filter.test("mail")]).toEqual([true, false]);
    });
    test("testing many names does not depend on earlier names", () => {
        const f = compileFilter("a");
        expect(f.ok && ["a", "a", "a"].map(n => f.filter.test(n))).toEqual([true, true, true]);
    });
    test.each(["(", "[a-", "*", "a{2,1}", "\\"])("invalid pattern %p is an error value", p => {
        const f = compileFilter(p);
        expect(f.ok).toBe(false);
        expect(f.ok ? "" : f.error).not.toBe("");
    });
    test("filters totals", () => {
        const files = storeFiles(join(STORES, "plain"));
        const r = readStoreTexts(files, { windows: [{ from: 0, to: 2 ** 40 }] });
        const f = compileFilter("^(www|mail)$");
        if (!f.ok)
            throw new Error(f.error);
        const t = totalsFor(r, 0, f.filter);
        expect(t.rows.map(x => x.name)).toEqual(["mail", "www"]);
        expect(t.total.bytes).toBe((t.rows[0]?.bytes ?? 0n) + (t.rows[1]?.bytes ?? 0n));
    });
});

describe("read plan", () => {
    const listing = [
        { name: "daily/2024.cta", size: 1000 },
        { name: "daily/2025.cta", size: 2000 },
        { name: "hourly/2025-09.cta", size: 300 },
        { name: "hourly/2025-10.cta", size: 310 },
        { name: "hourly/2025-11.cta", size: 320 },
        { name: "detail/2025-11-19.cta", size: 10 },
        { name: "detail/2025-11-20.cta", size: 11 },
        { name: "detail/2025-11-21.cta", size: 12 },
        { name: "detail/2025-11-22.cta", size: 13 },
        { name: "detail/2025-11-22.cta.tmp", size: 99 },
        { name: "hourly/2025-11.cta~", size: 99 },
        { name: "state.json", size: 5 },
    ];
    test("a day reads its detail file and the neighbours, and the coarse files of its month and year", () => {
        // 2025-11-21 in UTC
        const p = planRead(listing, { from: 1763683200, to: 1763769600 }, "UTC");
        expect(p.files.map(f => f.name)).toEqual([
            "daily/2025.cta", "hourly/2025-11.cta", "detail/2025-11-20.cta", "detail/2025-11-21.cta", "detail/2025-11-22.cta",
        ]);
        expect(p.bytesToRead).toBe(2000 + 320 + 11 + 12 + 13);
        expect(p.ignored).toEqual(["detail/2025-11-22.cta.tmp", "hourly/2025-11.cta~", "state.json"]);
    });
    test("a month boundary widens into the neighbouring month", () => {
        // October 2025 in Berlin
        const p = planRead(listing, { from: 1759269600, to: 1761951600 }, "Europe/Berlin");
        expect(p.files.map(f => f.name)).toEqual([
            "daily/2025.cta", "hourly/2025-09.cta", "hourly/2025-10.cta", "hourly/2025-11.cta",
        ]);
    });
    test("last year reads only daily files", () => {
        const p = planRead(listing, { from: 1704067200 + 86400 * 2, to: 1735689600 - 86400 * 2 }, "UTC");
        expect(p.files.map(f => f.name)).toEqual(["daily/2024.cta"]);
    });
});

describe("timeframes and the store agree across DST (engine-dst-berlin)", () => {
    const files = storeFiles(join(STORES, "engine-dst-berlin"));
    const expected = JSON.parse(readFileSync(join(STORES, "engine-dst-berlin", "expected.json"), "utf8")) as
        { windows: { from: number; to: number; totals: Record<string, { bytes: string }> }[] };
    test.each([
        ["2025-03-31T12:00:00Z", "the day 2 days ago", 0, 24],
        ["2025-03-31T12:00:00Z", "yesterday", 1, 23],
        ["2025-03-31T12:00:00Z", "today", 2, 24],
        ["2025-10-30T12:00:00Z", "the day 5 days ago", 3, 24],
        ["2025-10-30T12:00:00Z", "the day 4 days ago", 4, 25],
        ["2025-10-30T12:00:00Z", "the day 3 days ago", 5, 24],
        ["2025-10-30T12:00:00Z", "the day before yesterday", 6, 24],
        ["2025-10-30T12:00:00Z", "yesterday", 7, 24],
    ] as const)("now=%s %p is window %i, %i hours", (now, phrase, wi, hours) => {
        const r = parseTimeframe({ phrase }, { now: Date.parse(now) / 1000, zone: "Europe/Berlin" });
        if (!r.ok)
            throw new Error(r.error);
        const w = expected.windows[wi];
        expect([r.timeframe.from, r.timeframe.to]).toEqual([w?.from, w?.to]);
        expect((r.timeframe.to - r.timeframe.from) / 3600).toBe(hours);
        // the read plan in Berlin finds the files holding that day
        const listing = files.map(f => ({ name: f.name, size: f.text.length }));
        const plan = planRead(listing, r.timeframe, "Europe/Berlin");
        const planned = files.filter(f => plan.files.some(p => p.name === f.name));
        const t = totalsFor(readStoreTexts(planned, { windows: [r.timeframe] }), 0);
        expect(Object.fromEntries(t.rows.map(x => [x.key, x.bytes.toString()])))
            .toEqual(Object.fromEntries(Object.entries(w?.totals ?? {}).map(([k, v]) => [k, v.bytes])));
    });
});
