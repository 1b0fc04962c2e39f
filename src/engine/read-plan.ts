// SPDX-License-Identifier: LGPL-2.1-or-later
// Which store files a view reads. Version 1 keeps each instant in exactly one tier, so its plan
// is, per tier, the files whose period can hold a record counted in the timeframe. Version 2
// keeps overlapping tiers: what a view needs follows from the coarse blocks it finds, so its
// plan is staged. The reader's window walk (StoreReader.needed(), window-cover.ts) names the
// coarse files first (the year's monthly file), then the finer files at the edges that those
// leave open; compacted ranges (`whole/`) are always read. In a store of both versions (a
// migration between its renames) every file is read: which files count depends on all of them.

import { classifyName, type NamedFile, type Tier } from "./store-names.ts";
import { toWall } from "./zone.ts";

export interface StoreFile {
    /** Path relative to the store, e.g. "detail/2025-11-21.cta". */
    name: string;
    size: number;
    /** Optional: taken from the directory in `name` when absent. */
    tier?: Tier;
}

export interface PlannedFile {
    name: string;
    tier: Tier;
    size: number;
    /** The file's local period as written in its name: "2025-11-21", "2025-11" or "2025". */
    period: string;
    /** A closed file, stored gzip-compressed (`.cta.gz`): its content is a plain store file. */
    compressed: boolean;
    version: 1 | 2;
}

export interface ReadPlan {
    /** Version 1's files of the timeframe, and version 2's files read before any question (`whole/`). */
    files: PlannedFile[];
    bytesToRead: number;
    /** Files in the listing that are not store files (temporary files, backups). */
    ignored: string[];
    /** Every version-2 file listed: the reader's walk picks from them, stage by stage. */
    version2: PlannedFile[];
}

function dateKey(t: number, zone: string): string {
    const w = toWall(t, zone);
    return `${String(w.year).padStart(4, "0")}-${String(w.month).padStart(2, "0")}-${String(w.day).padStart(2, "0")}`;
}

/** Classifies a listed file; null when it is not a store file. */
export function classifyFile(name: string): NamedFile | null {
    return classifyName(name);
}

const RANK: Record<Tier, number> = { whole: 0, monthly: 1, daily: 2, hourly: 3, detail: 4 };

/** Coarse before fine, then by period and name: the order files are read in. */
export function byReadOrder(a: PlannedFile, b: PlannedFile): number {
    return (a.version === b.version ? 0 : b.version - a.version) || RANK[a.tier] - RANK[b.tier] ||
        (a.period < b.period ? -1 : a.period > b.period ? 1 : 0) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
}

/**
 * The files to read for the records counted in [from, to) (those with from < end ≤ to). Version
 * 1's files are named by the HOST's local date of `end - 1`, and `zone` (the browser's) may differ
 * from the host's, so the range of dates is widened by one day on each side.
 */
export function planRead(listing: StoreFile[], range: { from: number; to: number }, zone: string): ReadPlan {
    const first = dateKey(range.from - 86400, zone);
    const last = dateKey(range.to - 1 + 86400, zone);
    const files: PlannedFile[] = [];
    const version2: PlannedFile[] = [];
    const ignored: string[] = [];
    let version1 = false;
    for (const f of listing) {
        const c = classifyFile(f.name);
        if (c === null || (f.tier !== undefined && f.tier !== c.tier)) {
            ignored.push(f.name);
            continue;
        }
        const planned = { name: f.name, tier: c.tier, size: f.size, period: c.period, compressed: c.compressed, version: c.version };
        if (c.version === 2) {
            version2.push(planned);
            if (c.tier === "whole")
                files.push(planned);
            continue;
        }
        version1 = true;
        // Compare periods as strings: "2025-11" covers first..last if it is between their months.
        const len = c.period.length;
        if (c.period < first.slice(0, len) || c.period > last.slice(0, len))
            continue;
        files.push(planned);
    }
    if (version1 && version2.length > 0)
        for (const f of version2)
            if (f.tier !== "whole")
                files.push(f);
    files.sort(byReadOrder);
    version2.sort(byReadOrder);
    return { files, bytesToRead: files.reduce((s, f) => s + f.size, 0), ignored, version2 };
}
