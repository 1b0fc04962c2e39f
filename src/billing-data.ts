// SPDX-License-Identifier: LGPL-2.1-or-later
// The totals of each billing-cycle part of a timeframe, for bills that apply quota and bulk
// discounts per cycle. When the timeframe is exactly one cycle, the view's own read has them;
// otherwise a second read of the same files sums each part in a window of its own.
import { useEffect, useMemo, useState } from "react";
import type { CyclePart } from "./engine/cycles.ts";
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
        listAndRead(files => planRead(files, range, view.zone).files, { windows: wanted })
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
