// SPDX-License-Identifier: LGPL-2.1-or-later
// Which store files a timeframe needs. Data lives in exactly one tier (rotation moves it), so
// the plan is, per tier, the files whose period can hold a record counted in the timeframe:
// in practice coarse tiers for the middle of a long range and fine ones only near its ends.

import { Tier } from "./store-reader.ts";
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
}

export interface ReadPlan {
    files: PlannedFile[];
    bytesToRead: number;
    /** Files in the listing that are not store files (temporary files, backups). */
    ignored: string[];
}

// A period may have a plain file (appended to) and a compressed one (closed, written whole):
// both are store files and both are read.
const NAME: Record<Tier, RegExp> = {
    detail: /^detail\/([0-9]{4}-[0-9]{2}-[0-9]{2})\.cta(\.gz)?$/,
    hourly: /^hourly\/([0-9]{4}-[0-9]{2})\.cta(\.gz)?$/,
    daily: /^daily\/([0-9]{4})\.cta(\.gz)?$/,
};

function dateKey(t: number, zone: string): string {
    const w = toWall(t, zone);
    return `${String(w.year).padStart(4, "0")}-${String(w.month).padStart(2, "0")}-${String(w.day).padStart(2, "0")}`;
}

/** Classifies a listed file; null when it is not a store file. */
export function classifyFile(name: string): { tier: Tier; period: string; compressed: boolean } | null {
    for (const tier of ["detail", "hourly", "daily"] as const) {
        const m = NAME[tier].exec(name);
        if (m)
            return { tier, period: m[1] as string, compressed: m[2] !== undefined };
    }
    return null;
}

/**
 * The files to read for the records counted in [from, to) (those with from < end ≤ to). Files
 * are named by the HOST's local date of `end - 1`, and `zone` (the browser's) may differ from
 * the host's, so the range of dates is widened by one day on each side.
 */
export function planRead(listing: StoreFile[], range: { from: number; to: number }, zone: string): ReadPlan {
    const first = dateKey(range.from - 86400, zone);
    const last = dateKey(range.to - 1 + 86400, zone);
    const files: PlannedFile[] = [];
    const ignored: string[] = [];
    for (const f of listing) {
        const c = classifyFile(f.name);
        if (c === null || (f.tier !== undefined && f.tier !== c.tier)) {
            ignored.push(f.name);
            continue;
        }
        // Compare periods as strings: "2025-11" covers first..last if it is between their months.
        const len = c.period.length;
        if (c.period < first.slice(0, len) || c.period > last.slice(0, len))
            continue;
        files.push({ name: f.name, tier: c.tier, size: f.size, period: c.period, compressed: c.compressed });
    }
    const rank: Record<Tier, number> = { daily: 0, hourly: 1, detail: 2 };
    files.sort((a, b) => (a.period < b.period ? -1 : a.period > b.period ? 1 : 0) || rank[a.tier] - rank[b.tier] ||
                         (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    return { files, bytesToRead: files.reduce((s, f) => s + f.size, 0), ignored };
}
