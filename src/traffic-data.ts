// SPDX-License-Identifier: LGPL-2.1-or-later
// Turns the view into data: resolves the timeframe, plans which store files it needs, reads them
// through src/host/ with progress, and keeps the engine's aggregated result. A newer request
// supersedes an older one still running, so fast typing never shows stale numbers.
import { useEffect, useState } from "react";
import { clampToNow, parseTimeframe, type Timeframe, type TimeframeError } from "./engine/timeframe.ts";
import { planRead } from "./engine/read-plan.ts";
import { calendarEdges, fixedEdges } from "./engine/series.ts";
import type { StoreReadResult } from "./engine/store-reader.ts";
import { listAndRead, type StoreListing, type ReadProgress } from "./host/store.ts";
import { timeframeInput, type GraphInterval } from "./view-state.ts";

export interface TrafficData {
    timeframe: Timeframe;
    /** The graph's range: the timeframe, but not past now. */
    graphRange: { from: number; to: number };
    interval: Exclude<GraphInterval, "auto">;
    result: StoreReadResult;
    listing: StoreListing;
    bytesRead: number;
    readMs: number;
}

export type TrafficState =
    | { state: "loading"; timeframe: Timeframe | null; progress: ReadProgress | null; previous: TrafficData | null;
        /** Version 2: the totals of the coarse blocks, before the edges' detail files are read (no series). */
        partial: TrafficData | null }
    | { state: "ready"; data: TrafficData }
    | { state: "bad-timeframe"; error: TimeframeError; previous: TrafficData | null }
    | { state: "failed"; message: string; previous: TrafficData | null };

const MAX_POINTS = 10_000;
const ROUGH_SECONDS: Record<Exclude<GraphInterval, "auto">, number> = {
    "5m": 300, hour: 3600, day: 86400, week: 7 * 86400, month: 30 * 86400,
};

/** The finest interval that keeps the graph under MAX_POINTS, unless the user chose one. */
export function graphInterval(choice: GraphInterval, seconds: number): Exclude<GraphInterval, "auto"> {
    if (choice !== "auto" && seconds / ROUGH_SECONDS[choice] <= MAX_POINTS)
        return choice;
    if (seconds <= 2 * 86400)
        return "5m";
    if (seconds <= 62 * 86400)
        return "hour";
    if (seconds <= 3 * 366 * 86400)
        return "day";
    return seconds / ROUGH_SECONDS.week <= MAX_POINTS ? "week" : "month";
}

/** Five-minute buckets are fixed steps; hours, days, weeks and months follow the local calendar. */
function seriesEdges(range: { from: number; to: number }, interval: Exclude<GraphInterval, "auto">, zone: string): Float64Array {
    return interval === "5m" ? fixedEdges(range.from, range.to, 300) : calendarEdges(range.from, range.to, interval, zone);
}

export function browserZone(): string {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
}

type ReadOutcome = Awaited<ReturnType<typeof listAndRead>>;

/** One read of the store for a view, with its progress for whoever listens. */
interface StartedRead {
    key: string;
    startedAt: number;
    timeframe: Timeframe;
    graphRange: { from: number; to: number };
    interval: Exclude<GraphInterval, "auto">;
    outcome: Promise<ReadOutcome>;
    progress: ReadProgress | null;
    onProgress: ((progress: ReadProgress) => void) | null;
    partial: TrafficData | null;
    onCoarse: ((partial: TrafficData) => void) | null;
}

// The billing day matters only to billing-cycle phrases; other reads do not depend on it.
function readKey(timeframeText: string, intervalChoice: GraphInterval, billingDay: number | null): string {
    return JSON.stringify([timeframeText, intervalChoice, browserZone(), billingDay]);
}

/**
 * Resolves the timeframe and starts listing and reading; a bad timeframe is returned as is, and
 * null when the timeframe is a billing cycle and the billing day is not known yet.
 */
function startRead(timeframeText: string, intervalChoice: GraphInterval, billingDay: number | null): StartedRead | TimeframeError | null {
    const zone = browserZone();
    const now = Math.floor(Date.now() / 1000);
    const parsed = parseTimeframe(timeframeInput(timeframeText), { now, zone, billingDay: billingDay ?? 1 });
    if (!parsed.ok)
        return parsed;
    const timeframe = parsed.timeframe;
    const isCycle = timeframe.period?.unit === "cycle";
    if (isCycle && billingDay === null)
        return null;
    const clamped = clampToNow(timeframe, now);
    const graphRange = { from: clamped.from, to: Math.max(clamped.to, clamped.from + 300) };
    const interval = graphInterval(intervalChoice, graphRange.to - graphRange.from);
    const read: StartedRead = {
        key: readKey(timeframeText, intervalChoice, isCycle ? billingDay : null), startedAt: performance.now(), timeframe, graphRange, interval,
        outcome: Promise.resolve() as unknown as Promise<ReadOutcome>, progress: null, onProgress: null, partial: null, onCoarse: null,
    };
    // Version 2's periods are the host's local ones (the listing says its zone); the graph's
    // buckets and the timeframe are the browser's.
    read.outcome = listAndRead(listing => planRead(listing.files, timeframe, zone),
                               listing => ({ windows: [{ from: timeframe.from, to: timeframe.to }],
                                             seriesEdges: seriesEdges(graphRange, interval, zone), zone: listing.zone ?? zone }),
                               {
                                   onProgress: progress => {
                                       read.progress = progress;
                                       read.onProgress?.(progress);
                                   },
                                   onCoarse: (result, listing) => {
                                       read.partial = { timeframe, graphRange, interval, result, listing, bytesRead: 0, readMs: performance.now() - read.startedAt };
                                       read.onCoarse?.(read.partial);
                                   },
                               });
    return read;
}

// The read started by the entry point while the page's code and first render were still being
// evaluated: the channel works while the browser is busy, so the numbers arrive sooner.
let earlyRead: StartedRead | null = null;
const EARLY_READ_MAX_AGE_MS = 10_000;
const PROGRESS_EVERY_MS = 250;

/** Starts reading the view of the URL before the page is rendered (called once, at load). */
export function startEarlyRead(timeframeText: string, intervalChoice: GraphInterval): void {
    const read = startRead(timeframeText, intervalChoice, null);
    if (read === null || "ok" in read)
        return;
    earlyRead = read;
    // A failure here is reported by the render that takes this read over.
    read.outcome.catch(() => undefined);
}

/** The early read, if it is for this view and recent; it can be taken once. */
function takeEarlyRead(timeframeText: string, intervalChoice: GraphInterval): StartedRead | null {
    const read = earlyRead;
    earlyRead = null;
    if (read && read.key === readKey(timeframeText, intervalChoice, null) && performance.now() - read.startedAt < EARLY_READ_MAX_AGE_MS)
        return read;
    return null;
}

/**
 * Reads the store for a timeframe text; `reload` changes force a fresh read of the same view.
 * `billingDay` resolves billing-cycle phrases (null until the configuration is read).
 */
export function useTrafficData(timeframeText: string, intervalChoice: GraphInterval, reload: number, billingDay: number | null = 1): TrafficState {
    // Only a billing-cycle phrase depends on the day: no other view is read again when it arrives.
    const day = /(^|\s)billing(\s|$)/i.test(timeframeText) ? billingDay : 1;
    const [state, setState] = useState<TrafficState>({ state: "loading", timeframe: null, progress: null, previous: null, partial: null });

    useEffect(() => {
        let cancelled = false;
        const previous = (s: TrafficState) => (s.state === "ready" ? s.data : s.previous);
        const read = takeEarlyRead(timeframeText, intervalChoice) ?? startRead(timeframeText, intervalChoice, day);
        if (read === null)
            return; // a billing cycle: waits for the billing day
        if ("ok" in read) {
            setState(s => ({ state: "bad-timeframe", error: read, previous: previous(s) }));
            return;
        }
        const { timeframe, graphRange, interval } = read;
        setState(s => ({ state: "loading", timeframe, progress: read.progress, previous: previous(s), partial: read.partial }));
        read.onCoarse = partial => {
            if (cancelled)
                return;
            performance.mark("cta:coarse-ready");
            setState(s => ({ state: "loading", timeframe, progress: read.progress, previous: previous(s), partial }));
        };
        // Progress is for reads a person waits for: a render per file would slow a short read down.
        let shownAt = read.startedAt;
        read.onProgress = progress => {
            const now = performance.now();
            if (cancelled || now - shownAt < PROGRESS_EVERY_MS)
                return;
            shownAt = now;
            setState(s => ({ state: "loading", timeframe, progress, previous: previous(s), partial: read.partial }));
        };
        read.outcome.then(({ result, listing, bytesRead }) => {
            if (cancelled)
                return;
            performance.mark("cta:data-ready");
            setState({
                state: "ready",
                data: { timeframe, graphRange, interval, result, listing, bytesRead, readMs: performance.now() - read.startedAt },
            });
        }, (error: unknown) => {
            if (!cancelled)
                setState(s => ({ state: "failed", message: error instanceof Error ? error.message : String(error), previous: previous(s) }));
        });
        return () => {
            cancelled = true;
            read.onProgress = null;
            read.onCoarse = null;
        };
    }, [timeframeText, intervalChoice, reload, day]);

    return state;
}
