// SPDX-License-Identifier: LGPL-2.1-or-later
// The bills of the view (src/engine/billing.ts), and the totals of each billing-cycle part of a
// timeframe that they need: when the timeframe is exactly one cycle, the view's own read has
// them; otherwise a second read of the same files sums each part in a window of its own.
import { useEffect, useMemo, useState } from "react";
import { accountsOf, billTimeframe, percentileOfPart, type Billing } from "./engine/billing.ts";
import { cyclesIn, type CyclePart } from "./engine/cycles.ts";
import type { CostPlan, GroupConfig } from "./engine/plan.ts";
import { sumColumns, toColumns } from "./engine/series.ts";
import type { Totals } from "./engine/totals.ts";
import type { TrafficData } from "./traffic-data.ts";
import { planRead } from "./engine/read-plan.ts";
import type { StoreReadResult } from "./engine/store-reader.ts";
import { listAndRead } from "./host/store.ts";

export type CycleTotals =
    | { state: "ready"; bytesIn: (part: CyclePart, counters: readonly string[]) => bigint }
    | { state: "loading" }
    | { state: "failed"; message: string };

/** Bytes of the given counters in window `w` of a read. */
function windowBytes(result: StoreReadResult, w: number): Map<string, bigint> {
    const out = new Map<string, bigint>();
    result.windows[w]?.totals.forEach((t, index) => {
        if (t !== undefined)
            out.set(result.keys[index] as string, t.bytes);
    });
    return out;
}

const partKey = (p: { from: number; to: number }) => `${p.from}-${p.to}`;

function reader(byPart: Map<string, Map<string, bigint>>): CycleTotals {
    return {
        state: "ready",
        bytesIn: (part, counters) => {
            const bytes = byPart.get(partKey(part));
            if (bytes === undefined)
                throw new RangeError(`no totals were read for the part ${partKey(part)}`);
            return counters.reduce((sum, c) => sum + (bytes.get(c) ?? 0n), 0n);
        },
    };
}

/**
 * `view` is the view's own read and its timeframe; `parts` every part that bills need (of all
 * billing days in use). Null parts: nothing to bill.
 */
export function useCycleTotals(view: { result: StoreReadResult; from: number; to: number; zone: string } | null,
                               parts: readonly CyclePart[] | null): CycleTotals {
    const wanted = useMemo(() => {
        const seen = new Map<string, { from: number; to: number }>();
        for (const p of parts ?? [])
            seen.set(partKey(p), { from: p.from, to: p.to });
        return [...seen.values()];
    }, [parts]);
    const single = view !== null && wanted.length === 1 && wanted[0]?.from === view.from && wanted[0]?.to === view.to;
    const [read, setRead] = useState<CycleTotals>({ state: "loading" });

    useEffect(() => {
        if (view === null || single || wanted.length === 0)
            return;
        let cancelled = false;
        setRead({ state: "loading" });
        const range = { from: Math.min(...wanted.map(w => w.from)), to: Math.max(...wanted.map(w => w.to)) };
        listAndRead(listing => planRead(listing.files, range, view.zone), listing => ({ windows: wanted, zone: listing.zone ?? view.zone }))
                .then(({ result }) => {
                    if (!cancelled)
                        setRead(reader(new Map(wanted.map((w, i) => [partKey(w), windowBytes(result, i)]))));
                }, (error: unknown) => {
                    if (!cancelled)
                        setRead({ state: "failed", message: error instanceof Error ? error.message : String(error) });
                });
        return () => {
            cancelled = true;
        };
    }, [view, single, wanted]);

    return useMemo(() => {
        if (view !== null && single)
            return reader(new Map([[partKey(view), windowBytes(view.result, 0)]]));
        if (wanted.length === 0)
            return reader(new Map());
        return read;
    }, [view, single, wanted, read]);
}

/**
 * Each account's bill for the view (null: no plan, or the cycles' totals are still being read).
 * With 95th-percentile plans the view's read has 5-minute samples (the page asks for them).
 */
export function useBilling(data: TrafficData | null, totals: Totals | null, plan: CostPlan | null, groups: readonly GroupConfig[]): Billing | null {
    const hasPlans = plan !== null || groups.some(g => g.plan);
    const cycleParts = useMemo(() => {
        if (!data || !totals || !hasPlans)
            return null;
        const days = new Set(accountsOf(totals.rows, groups, plan).map(a => a.plan.billing_day ?? 1));
        return new Map([...days].map(day => [day, cyclesIn(data.timeframe, day, data.timeframe.zone)]));
    }, [data, totals, groups, plan, hasPlans]);
    const allParts = useMemo(() => (cycleParts ? [...cycleParts.values()].flatMap(p => p ?? []) : null), [cycleParts]);
    const cycleView = useMemo(() => (data ? { result: data.result, from: data.timeframe.from, to: data.timeframe.to, zone: data.timeframe.zone } : null), [data]);
    const cycleTotals = useCycleTotals(cycleView, allParts);

    return useMemo(() => {
        if (!data || !totals || !cycleParts || cycleTotals.state !== "ready")
            return null;
        const series = data.result.series;
        const fiveMinutes = series && data.interval === "5m" ? series : null;
        const indexOf = new Map(totals.rows.map(r => [r.key, r.index]));
        const percentileIn = (part: CyclePart, counters: readonly string[]) => {
            if (fiveMinutes === null)
                return null;
            const columns = toColumns(fiveMinutes, counters.map(c => indexOf.get(c) as number), "bytes-per-second");
            return percentileOfPart(columns.x, sumColumns(columns.ys, columns.x.length), part);
        };
        const built = billTimeframe(totals.rows, groups, plan, day => cycleParts.get(day) ?? null, cycleTotals.bytesIn, percentileIn);
        // Tiers move by age: when the oldest data in the timeframe is in detail, all of it is.
        if (built.bills.some(b => b.plan.percentile95) && fiveMinutes !== null && totals.startEdge.tier !== null && totals.startEdge.tier !== "detail")
            built.notes.push({ code: "percentile-from-hourly" });
        return built;
    }, [data, totals, plan, groups, cycleParts, cycleTotals]);
}
