// SPDX-License-Identifier: LGPL-2.1-or-later
// The graph at per-host scale: the top rules by bytes and "others", the exact sum of the rest.
import { GRAPH_TOP, perSecond, splitTop, sumBuckets, type RankedRow } from "../../src/engine/top-rules.ts";
import type { StoreSeries } from "../../src/engine/graph-buckets.ts";

/** A deterministic pseudo-random generator (no Math.random in tests). */
function lcg(seed: number): () => number {
    let s = seed >>> 0;
    return () => {
        s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
        return s;
    };
}

function hosts(count: number, buckets: number, seed: number): { rows: RankedRow[]; series: StoreSeries } {
    const next = lcg(seed);
    const edges = Float64Array.from({ length: buckets + 1 }, (_v, i) => 1_700_000_000 + i * 3600);
    const bytes: Float64Array[] = [];
    const rows: RankedRow[] = [];
    for (let c = 0; c < count; c++) {
        // whole bytes per bucket, up to about 2^40 each: large, and still exact in a double
        const col = Float64Array.from({ length: buckets }, () => (next() % 5 === 0 ? 0 : next() * 256 + (next() % 256)));
        bytes.push(col);
        rows.push({ index: c, key: `nft-set inet acct hosts 1 10.0.${c >> 8}.${c & 255}`, bytes: col.reduce((s, v) => s + BigInt(v), 0n) });
    }
    return { rows, series: { edges, bytes } };
}

describe("top rules and others", () => {
    test("the top ten by bytes, the rest summed exactly, bucket by bucket", () => {
        const { rows, series } = hosts(2000, 720, 7);
        const { top, rest } = splitTop(rows);
        expect(top).toHaveLength(GRAPH_TOP);
        expect(rest).toHaveLength(2000 - GRAPH_TOP);
        // every row is in exactly one of the two
        expect(new Set([...top, ...rest].map(r => r.key)).size).toBe(2000);
        // no rule in the rest has more bytes than the smallest of the top
        const smallestTop = top[top.length - 1]?.bytes as bigint;
        expect(rest.every(r => r.bytes <= smallestTop)).toBe(true);
        expect(top.map(r => r.bytes)).toEqual([...top.map(r => r.bytes)].sort((a, b) => (a > b ? -1 : a < b ? 1 : 0)));

        const others = sumBuckets(series, rest);
        for (let i = 0; i < 720; i++) {
            let exact = 0n;
            for (const r of rest)
                exact += BigInt(series.bytes[r.index]?.[i] as number);
            expect(BigInt(others[i] as number)).toBe(exact);
        }
        // and over the timeframe: top + others is everything
        const othersTotal = others.reduce((s, v) => s + BigInt(v), 0n);
        expect(othersTotal).toBe(rest.reduce((s, r) => s + r.bytes, 0n));
        expect(othersTotal + top.reduce((s, r) => s + r.bytes, 0n)).toBe(rows.reduce((s, r) => s + r.bytes, 0n));
    });

    test("ties keep a stable order by key; a single leftover rule keeps its own line", () => {
        const row = (key: string, bytes: bigint, index = 0): RankedRow => ({ index, key, bytes });
        const eleven = Array.from({ length: 11 }, (_v, i) => row(`k${i}`, 5n, i));
        expect(splitTop(eleven)).toEqual({ top: eleven, rest: [] });
        const twelve = [...eleven, row("a", 5n, 11)];
        const { top, rest } = splitTop(twelve);
        expect(top.map(r => r.key)).toEqual(["a", "k0", "k1", "k10", "k2", "k3", "k4", "k5", "k6", "k7"]);
        expect(rest.map(r => r.key)).toEqual(["k8", "k9"]);
        expect(splitTop([], 10)).toEqual({ top: [], rest: [] });
    });

    test("per second over each bucket's own width", () => {
        const edges = Float64Array.from([0, 10, 30, 31]);
        expect(Array.from(perSecond(Float64Array.from([100, 100, 7]), edges))).toEqual([10, 5, 7]);
    });
});
