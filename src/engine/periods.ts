// SPDX-License-Identifier: LGPL-2.1-or-later
// Local periods of version 2's tiers (docs/store-format.md, "Roll-ups, tiers and retention"): hours, days, months, in the
// zone of the host that wrote the store. A period is [start, end) in Unix seconds; a record (or
// a finer period block) [s, e) belongs to the period that contains e - 1. A day is 23 or 25 hours
// long across a daylight-saving change, and a repeated hour is two hourly periods that share one
// detail file. The helper computes the same periods (helper/cta/periods.py).

import { fromWall, toWall } from "./zone.ts";
import type { Tier } from "./store-names.ts";

export type PeriodTier = "hourly" | "daily" | "monthly";
export type Period = readonly [number, number];

const pad = (n: number, w = 2): string => String(n).padStart(w, "0");

function midnight(year: number, month: number, day: number, zone: string): number {
    return fromWall({ year, month, day, hour: 0, minute: 0, second: 0 }, zone);
}

/** The local hour that contains t (by the clock's fields, so a repeated hour is two hours). */
export function hourOf(t: number, zone: string): Period {
    const w = toWall(t, zone);
    const start = t - w.minute * 60 - w.second;
    const next = start + 3600;
    const n = toWall(next, zone);
    return [start, n.minute !== 0 || n.second !== 0 ? next - n.minute * 60 - n.second : next];
}

export function dayOf(t: number, zone: string): Period {
    const w = toWall(t, zone);
    const start = midnight(w.year, w.month, w.day, zone);
    const noon = toWall(start + 36 * 3600, zone);
    return [start, midnight(noon.year, noon.month, noon.day, zone)];
}

export function monthOf(t: number, zone: string): Period {
    const w = toWall(t, zone);
    return [midnight(w.year, w.month, 1, zone), midnight(w.month === 12 ? w.year + 1 : w.year, w.month % 12 + 1, 1, zone)];
}

/** The period of a period tier that contains the instant t. */
export function periodOf(tier: PeriodTier, t: number, zone: string): Period {
    return tier === "hourly" ? hourOf(t, zone) : tier === "daily" ? dayOf(t, zone) : monthOf(t, zone);
}

/** The periods of a tier that hold records ending in (a, b], in order. */
export function periodsIn(tier: PeriodTier, a: number, b: number, zone: string): Period[] {
    const out: Period[] = [];
    if (b <= a)
        return out;
    let p = periodOf(tier, a, zone);
    while (p[0] < b) {
        out.push(p);
        p = periodOf(tier, p[1], zone);
    }
    return out;
}

/** Version 2's (plain) file of a tier that holds a record or period block ending at `end`. */
export function fileOf(tier: Tier, end: number, zone: string): string {
    const w = toWall(end - 1, zone);
    const y = pad(w.year, 4);
    switch (tier) {
    case "detail": return `detail/${y}-${pad(w.month)}-${pad(w.day)}T${pad(w.hour)}.cta`;
    case "hourly": return `hourly/${y}-${pad(w.month)}-${pad(w.day)}.cta`;
    case "daily": return `daily/${y}-${pad(w.month)}.cta`;
    default: return `${tier}/${y}.cta`;
    }
}

/** The key of the local period a record ending at `end` belongs to, as file names write it ("2025-11"). */
export function periodKey(tier: PeriodTier, end: number, zone: string): string {
    const name = fileOf(tier === "monthly" ? "daily" : tier === "daily" ? "hourly" : "detail", end, zone);
    return name.slice(name.indexOf("/") + 1, -".cta".length);
}

/** The detail files that may hold records ending in (a, b]. */
export function detailFilesIn(a: number, b: number, zone: string): string[] {
    const seen = new Set<string>();
    for (const [, e] of periodsIn("hourly", a, b, zone))
        seen.add(fileOf("detail", e, zone));
    return [...seen];
}
