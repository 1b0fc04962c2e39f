// SPDX-License-Identifier: LGPL-2.1-or-later
// Graph buckets: each record's bytes spread evenly over the series buckets its [start, end)
// overlaps, for drawing only (totals never prorate). Kept per file and counter in growable runs
// of buckets (a file covers a short period), then added into one array per counter of the store.

import type { ParsedBlock } from "./store-lines.ts";

export interface StoreSeries {
    edges: Float64Array;
    /** Bytes per bucket, one array per counter (indexed like `counters`), records spread evenly. */
    bytes: Float64Array[];
}

/** A growable run of buckets for one counter in one file. */
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

/** One file's records spread over the series buckets, by the file's dense counter index. */
export class FileBuckets {
    private readonly edges: Float64Array;
    private readonly rows: BucketRow[] = [];

    constructor(edges: Float64Array) {
        this.edges = edges;
    }

    /** Room for `counters` counters of this file. */
    ensure(counters: number): void {
        while (this.rows.length < counters)
            this.rows.push(new BucketRow());
    }

    /** Spreads a block over the buckets; `pick` may refuse it (no block is drawn twice). */
    add(b: ParsedBlock, pick: ((start: number, end: number) => boolean) | null = null): void {
        if (pick !== null && !pick(b.start, b.end))
            return;
        const edges = this.edges;
        const last = edges.length - 1;
        const { start, end, n } = b;
        if (last < 1 || end <= (edges[0] as number) || start >= (edges[last] as number))
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
        const { ids, bytes, big } = b;
        const rows = this.rows;
        for (let k = lo; k < last && (edges[k] as number) < end; k++) {
            const overlap = Math.min(end, edges[k + 1] as number) - Math.max(start, edges[k] as number);
            if (overlap <= 0)
                continue;
            const f = overlap / duration;
            for (let j = 0; j < n; j++) {
                const bv = bytes[j] as number;
                const v = bv === bv ? bv : Number(big[2 * j] as bigint);
                (rows[ids[j] as number] as BucketRow).add(k, v * f);
            }
        }
    }

    /** Adds this file's buckets into the store's series; denseGlobal maps its counters to the store's. */
    mergeInto(series: Float64Array[], denseGlobal: readonly number[]): void {
        const nb = Math.max(0, this.edges.length - 1);
        this.rows.forEach((row, d) => {
            if (row.offset < 0)
                return;
            const target = series[denseGlobal[d] as number] as Float64Array;
            const lo = Math.max(0, row.offset);
            const hi = Math.min(nb, row.offset + row.data.length);
            for (let b = lo; b < hi; b++)
                target[b] = (target[b] as number) + (row.data[b - row.offset] as number);
        });
    }
}
