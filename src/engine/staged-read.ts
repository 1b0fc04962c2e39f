// SPDX-License-Identifier: LGPL-2.1-or-later
// The order a view reads the store in (docs/store-format-v2.md, "Reading a window"): version
// 2's compacted ranges, then the coarse files of the window (a year's monthly file), then, round
// by round, the finer files that the blocks found so far leave open (the days at the edges of
// a month, the hours of the edge days), and last the detail files of the edges and any version-1
// files. The reading itself is the caller's (cockpit.file in the page, the file system in tests
// and the bench): this only says what to read next and tells the reader when the coarse files
// are all in, so that detail records are summed as they arrive.

import type { PlannedFile, ReadPlan } from "./read-plan.ts";
import type { StoreReader } from "./store-reader.ts";

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
    await read(plan.files.filter(f => f.version === 2));
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
