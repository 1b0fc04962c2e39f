// SPDX-License-Identifier: LGPL-2.1-or-later
// Window totals: exact per-counter sums of the records that count in each wanted window (a
// record counts where it ends: from < end <= to), and what the records at each window edge say
// about the resolution there. Summed per file by dense counter index while the file is parsed,
// then merged into the store's result once the superseded files are known.

import { SumArray } from "./sums.ts";
import type { ParsedBlock, Tier } from "./store-lines.ts";

/** A half-open range [from, to) of Unix seconds. */
export interface Window {
    from: number;
    to: number;
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

const TIER_RANK: Record<Tier, number> = { detail: 0, hourly: 1, daily: 2, monthly: 3, whole: 4 };

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

/** One file's sums for one window, by the file's dense counter index. */
class WindowAcc {
    bytes = new SumArray();
    packets = new SumArray();
    oldest = Infinity;
    newest = -Infinity;
    startEdge = emptyEdge();
    endEdge = emptyEdge();
}

/** One file's sums for every window. */
export class FileWindows {
    private readonly windows: readonly Window[];
    private readonly accs: WindowAcc[];

    constructor(windows: readonly Window[]) {
        this.windows = windows;
        this.accs = windows.map(() => new WindowAcc());
    }

    /** Room for `counters` counters of this file. */
    ensure(counters: number): void {
        for (const acc of this.accs) {
            acc.bytes.ensure(counters);
            acc.packets.ensure(counters);
        }
    }

    /**
     * Adds a record to every window it counts in (from < end ≤ to) and notes the edges it
     * touches. `pick`, when given, says in which windows the record may count at all (version
     * 2's detail records count only where no coarser block took their time).
     */
    add(b: ParsedBlock, pick: ((w: number, start: number, end: number) => boolean) | null = null): void {
        for (let w = 0; w < this.windows.length; w++)
            if (pick === null || pick(w, b.start, b.end))
                this.addTo(w, b, true);
    }

    /** Adds a block to window w: its edges always, its values when `counted` and it ends inside. */
    addTo(w: number, b: ParsedBlock, counted: boolean): void {
        const { start, end, n, tier } = b;
        const duration = end - start;
        const win = this.windows[w] as Window;
        const acc = this.accs[w] as WindowAcc;
        // edges: a record touching an edge tells the resolution there; one across it, the error
        if (start <= win.from && win.from <= end)
            touchEdge(acc.startEdge, tier, duration, start < win.from && win.from < end ? win.from - start : 0);
        if (start <= win.to && win.to <= end)
            touchEdge(acc.endEdge, tier, duration, start < win.to && win.to < end ? win.to - start : 0);
        if (!counted || !(win.from < end && end <= win.to))
            return;
        if (start < acc.oldest)
            acc.oldest = start;
        if (end > acc.newest)
            acc.newest = end;
        const bs = acc.bytes;
        const ps = acc.packets;
        const { ids, bytes, packets, big } = b;
        for (let k = 0; k < n; k++) {
            const d = ids[k] as number;
            const bv = bytes[k] as number;
            const pv = packets[k] as number;
            if (bv === bv) // not NaN: a safe integer
                bs.add(d, bv);
            else
                bs.addBig(d, big[2 * k] as bigint);
            if (pv === pv)
                ps.add(d, pv);
            else
                ps.addBig(d, big[2 * k + 1] as bigint);
        }
    }

    /** Adds this file's sums into the store's totals; denseGlobal maps its counters to the store's. */
    mergeInto(out: WindowTotals[], denseGlobal: readonly number[]): void {
        this.accs.forEach((acc, wi) => {
            const target = out[wi] as WindowTotals;
            for (let d = 0; d < denseGlobal.length; d++) {
                if (!acc.bytes.seen[d] && !acc.packets.seen[d])
                    continue;
                const g = denseGlobal[d] as number;
                const t = target.totals[g] ?? { bytes: 0n, packets: 0n };
                t.bytes += acc.bytes.get(d);
                t.packets += acc.packets.get(d);
                target.totals[g] = t;
            }
            if (acc.oldest < (target.oldest ?? Infinity))
                target.oldest = acc.oldest;
            if (acc.newest > (target.newest ?? -Infinity))
                target.newest = acc.newest;
            mergeEdge(target.startEdge, acc.startEdge);
            mergeEdge(target.endEdge, acc.endEdge);
        });
    }
}

/** Empty totals for each window, for `counters` counters. */
export function emptyTotals(windows: readonly Window[], counters: number): WindowTotals[] {
    return windows.map(w => ({
        from: w.from,
        to: w.to,
        totals: new Array<CounterTotal | undefined>(counters).fill(undefined),
        oldest: null,
        newest: null,
        startEdge: emptyEdge(),
        endEdge: emptyEdge(),
    }));
}
