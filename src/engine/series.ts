// SPDX-License-Identifier: LGPL-2.1-or-later
// Series for graphs, as columnar typed arrays that uPlot takes directly: bucket boundaries, the
// per-bucket bytes the store reader spread there (for drawing only, never for totals), rates,
// averages, a moving average and the 95th percentile of 5-minute rates for burstable billing.

import { StoreSeries } from "./store-reader.ts";
import { fromWall, toWall, weekdayMonday0 } from "./zone.ts";

export type SeriesMode = "bytes-per-second" | "bits-per-second" | "bytes-per-interval";

/** uPlot's data layout: x in Unix seconds, then one y column per series. */
export interface Columns {
    x: Float64Array;
    ys: Float64Array[];
}

/** Boundaries of fixed-length buckets covering [from, to); the last bucket may be shorter. */
export function fixedEdges(from: number, to: number, step: number): Float64Array {
    if (!(step > 0) || !(to > from))
        return new Float64Array(0);
    const n = Math.ceil((to - from) / step);
    const edges = new Float64Array(n + 1);
    for (let i = 0; i < n; i++)
        edges[i] = from + i * step;
    edges[n] = to;
    return edges;
}

/** Boundaries of local calendar periods (days have 23 or 25 hours across DST, months vary). */
export function calendarEdges(from: number, to: number, unit: "hour" | "day" | "week" | "month" | "year", zone: string): Float64Array {
    if (unit === "hour") {
        const out: number[] = [from];
        // local hours: align to the wall clock's hour, step in absolute seconds
        const w = toWall(from, zone);
        let t = from - w.minute * 60 - w.second + 3600;
        for (; t < to; t += 3600)
            out.push(t);
        out.push(to);
        return Float64Array.from(out);
    }
    const w = toWall(from, zone);
    const y = w.year;
    const m = unit === "year" ? 1 : w.month;
    const d = unit === "week" ? w.day - weekdayMonday0(w.year, w.month, w.day) : unit === "day" ? w.day : 1;
    const out: number[] = [from];
    for (let k = 1; ; k++) {
        const t = fromWall({
            year: unit === "year" ? y + k : y,
            month: unit === "month" ? m + k : m,
            day: unit === "day" ? d + k : unit === "week" ? d + 7 * k : d,
            hour: 0, minute: 0, second: 0,
        }, zone);
        if (t >= to)
            break;
        if (t > from)
            out.push(t);
    }
    out.push(to);
    return Float64Array.from(out);
}

/** Columns for the chosen counters: x = bucket starts, y = the rate or amount per bucket. */
export function toColumns(series: StoreSeries, counters: readonly number[], mode: SeriesMode): Columns {
    const edges = series.edges;
    const n = Math.max(0, edges.length - 1);
    const x = edges.slice(0, n);
    const ys = counters.map(c => {
        const src = series.bytes[c];
        const y = new Float64Array(n);
        if (!src)
            return y;
        for (let i = 0; i < n; i++) {
            const width = (edges[i + 1] as number) - (edges[i] as number);
            const v = src[i] as number;
            y[i] = mode === "bytes-per-interval" ? v : mode === "bits-per-second" ? (v * 8) / width : v / width;
        }
        return y;
    });
    return { x, ys };
}

/** The element-wise sum of columns (a group's or the total's curve). */
export function sumColumns(ys: readonly Float64Array[], length: number): Float64Array {
    const out = new Float64Array(length);
    for (const y of ys)
        for (let i = 0; i < length; i++)
            out[i] = (out[i] as number) + (y[i] ?? 0);
    return out;
}

/** The mean of the finite values; NaN when there are none. */
export function average(values: ArrayLike<number>): number {
    let sum = 0;
    let n = 0;
    for (let i = 0; i < values.length; i++) {
        const v = values[i] as number;
        if (Number.isFinite(v)) {
            sum += v;
            n++;
        }
    }
    return n === 0 ? NaN : sum / n;
}

/**
 * The moving average over `n` points centred on each point (ipacsum's "average curve": the
 * N dots around the current one). Near the ends the window holds the points that exist;
 * non-finite values are left out of every window.
 */
export function movingAverage(values: ArrayLike<number>, n: number): Float64Array {
    const len = values.length;
    const out = new Float64Array(len);
    const width = Math.max(1, Math.floor(n));
    const before = Math.floor((width - 1) / 2);
    const after = width - 1 - before;
    // prefix sums of finite values and of their count make every window O(1)
    const sum = new Float64Array(len + 1);
    const cnt = new Float64Array(len + 1);
    for (let i = 0; i < len; i++) {
        const v = values[i] as number;
        const ok = Number.isFinite(v);
        sum[i + 1] = (sum[i] as number) + (ok ? v : 0);
        cnt[i + 1] = (cnt[i] as number) + (ok ? 1 : 0);
    }
    for (let i = 0; i < len; i++) {
        const lo = Math.max(0, i - before);
        const hi = Math.min(len, i + after + 1);
        const c = (cnt[hi] as number) - (cnt[lo] as number);
        out[i] = c === 0 ? NaN : ((sum[hi] as number) - (sum[lo] as number)) / c;
    }
    return out;
}

/**
 * The 95th percentile as burstable billing takes it: sort the samples, drop the highest 5 %
 * (rounded down to whole samples), and take the highest remaining one. For 8640 five-minute
 * samples of 30 days, the 432 highest are dropped and the 433rd highest is billed. NaN samples
 * are left out; no samples give NaN.
 */
export function percentile95(samples: ArrayLike<number>): number {
    const finite: number[] = [];
    for (let i = 0; i < samples.length; i++) {
        const v = samples[i] as number;
        if (Number.isFinite(v))
            finite.push(v);
    }
    if (finite.length === 0)
        return NaN;
    const sorted = Float64Array.from(finite).sort();
    const drop = Math.floor(sorted.length * 5 / 100);
    return sorted[sorted.length - 1 - drop] as number;
}

/**
 * Five-minute rates (bytes/s) from a series read with 300-second buckets. Buckets that no data
 * covered count as zero: zero deltas are not stored, so a quiet interval and a missing one look
 * the same in the store, and billing must not invent traffic for either.
 */
export function fiveMinuteRates(bytesPerBucket: ArrayLike<number>, edges: Float64Array): Float64Array {
    const n = Math.max(0, edges.length - 1);
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++)
        out[i] = ((bytesPerBucket[i] as number) || 0) / ((edges[i + 1] as number) - (edges[i] as number));
    return out;
}
