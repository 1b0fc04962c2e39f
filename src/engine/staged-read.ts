// SPDX-License-Identifier: LGPL-2.1-or-later
// The order a view reads the store in (docs/store-format.md, "Reading a window"): version
// 2's compacted ranges, then the coarse files of the window (a year's monthly file), then, round
// by round, the finer files that the blocks found so far leave open (the days at the edges of
// a month, the hours of the edge days), and last the detail files of the edges and any version-1
// files. The reading itself is the caller's (cockpit.file in the page, the file system in tests
// and the bench): this only says what to read next and tells the reader when the coarse files
// are all in, so that detail records are summed as they arrive.

import type { PlannedFile, ReadPlan } from "./read-plan.ts";
import type { StoreReader } from "./store-reader.ts";
import { detailFilesIn, fileOf, periodOf, periodsIn, type PeriodTier } from "./periods.ts";

const COARSER: Record<"daily" | "hourly" | "detail", PeriodTier> = { daily: "monthly", hourly: "daily", detail: "hourly" };

/**
 * The files at a window's edges that the walk will almost surely ask for (the days of the edge
 * month, the hours of the edge day, the edge hour's records), where an edge cuts a period: read
 * with the coarse files, they save a round trip per tier. A guess that turns out unneeded costs
 * one small file; one that is missing is asked for by the walk as usual.
 */
function edgeGuesses(reader: StoreReader): string[] {
    const out: string[] = [];
    const ranges = reader.windows.map(w => [w.from, w.to] as const);
    const edges = reader.edges;
    if (edges !== null && edges.length >= 2)
        ranges.push([edges[0] as number, edges[edges.length - 1] as number]);
    // the graph takes its fitting tier wherever it is kept: every file of it in the range
    const fit = reader.graphFit();
    if (edges !== null && fit !== null && fit > 0) {
        const tier = (["monthly", "daily", "hourly", "detail"] as const)[fit] as "daily" | "hourly" | "detail";
        const [a, b] = [edges[0] as number, edges[edges.length - 1] as number];
        if (tier === "detail")
            out.push(...detailFilesIn(a, b, reader.zone));
        else
            for (const p of periodsIn(COARSER[tier], a, b, reader.zone))
                out.push(fileOf(tier, p[1], reader.zone));
    }
    const now = Math.floor(Date.now() / 1000);
    for (const [from, to] of ranges) {
        for (const tier of ["daily", "hourly", "detail"] as const) {
            const coarser = COARSER[tier];
            // from cuts the period that contains it: the first record counted ends just after it
            if (periodOf(coarser, from, reader.zone)[0] < from)
                out.push(fileOf(tier, from + 1, reader.zone));
            // to cuts the period of the last record counted (the one that ends at to)
            if (to < periodOf(coarser, to - 1, reader.zone)[1])
                out.push(fileOf(tier, to, reader.zone));
            // a window that reaches now ends where the data ends: in the current files
            if (from < now && now <= to)
                out.push(fileOf(tier, now, reader.zone));
        }
    }
    return out;
}

export interface StagedReadHooks {
    /** Reads these files into the reader (in any order, all before the promise resolves). */
    read(files: PlannedFile[]): Promise<void>;
    /** Every coarse file is in: what is left are the detail files of the edges. */
    coarseDone?(pending: PlannedFile[]): void;
}

/**
 * Reads a plan into `reader` stage by stage. `stream`: sum detail records as they arrive (the
 * default); false keeps them until finish(), for a second try after a ReadOrderError.
 */
export async function readInStages(reader: StoreReader, plan: ReadPlan, hooks: StagedReadHooks, stream = true): Promise<PlannedFile[]> {
    const all: PlannedFile[] = [];
    const read = async (files: PlannedFile[]): Promise<void> => {
        if (files.length === 0)
            return;
        all.push(...files);
        await hooks.read(files);
    };
    const byName = new Map(plan.version2.map(f => [f.name, f]));
    const guessed = new Set(edgeGuesses(reader));
    const first = plan.files.filter(f => f.version === 2);
    if (stream)
        for (const f of plan.version2)
            if (!first.includes(f) && guessed.has(f.name.endsWith(".gz") ? f.name.slice(0, -3) : f.name))
                first.push(f);
    // the coarse files the walk asks for first come with the guesses, in one stage
    const firstNeeded = reader.needed().map(name => byName.get(name)).filter((f): f is PlannedFile => f !== undefined);
    await read([...first, ...firstNeeded.filter(f => !first.includes(f))]);
    for (;;) {
        const needed = reader.needed().map(name => byName.get(name)).filter((f): f is PlannedFile => f !== undefined);
        const coarse = needed.filter(f => f.tier !== "detail");
        if (coarse.length > 0) {
            await read(coarse);
            continue;
        }
        const last = [...needed, ...plan.files.filter(f => f.version === 1)];
        hooks.coarseDone?.(last);
        if (stream)
            reader.periodsRead();
        await read(last);
        return all;
    }
}
