// SPDX-License-Identifier: LGPL-2.1-or-later
// The graph at per-host scale: of many chosen rules, the GRAPH_TOP with the most bytes in the
// timeframe get a line each, and the rest one "others" line that is their sum, bucket by
// bucket. Thousands of lines would be unreadable and slow to draw; the table and the exports
// still hold every row.
import type { StoreSeries } from "./graph-buckets.ts";

export const GRAPH_TOP = 10;

export interface RankedRow {
    /** Index into the read's counters (and its series). */
    index: number;
    key: string;
    bytes: bigint;
}

export interface TopSplit<R extends RankedRow> {
    /** The rules with a line of their own, most bytes first (ties by key, so the order is stable). */
    top: R[];
    /** The rules summed into "others"; empty when every rule gets its own line. */
    rest: R[];
}

/** Splits rows into the `n` with the most bytes and the rest. An "others" of a single rule
 *  would hide its name for nothing: then every row gets its own line. */
export function splitTop<R extends RankedRow>(rows: readonly R[], n = GRAPH_TOP): TopSplit<R> {
    if (rows.length <= n + 1)
        return { top: [...rows], rest: [] };
    const ranked = [...rows].sort((a, b) => (a.bytes !== b.bytes ? (a.bytes > b.bytes ? -1 : 1) : a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    return { top: ranked.slice(0, n), rest: ranked.slice(n) };
}

/** Bytes per bucket of the rows summed: the "others" line before it becomes a rate. */
export function sumBuckets(series: StoreSeries, rows: readonly RankedRow[]): Float64Array {
    const n = Math.max(0, series.edges.length - 1);
    const out = new Float64Array(n);
    for (const row of rows) {
        const src = series.bytes[row.index];
        if (!src)
            continue;
        for (let i = 0; i < n; i++)
            out[i] = (out[i] as number) + ((src[i] as number | undefined) ?? 0);
    }
    return out;
}

/** Bytes per bucket as bytes per second (each bucket's own width: calendar months differ). */
export function perSecond(bytes: Float64Array, edges: Float64Array): Float64Array {
    const out = new Float64Array(bytes.length);
    for (let i = 0; i < bytes.length; i++)
        out[i] = (bytes[i] as number) / ((edges[i + 1] as number) - (edges[i] as number));
    return out;
}
