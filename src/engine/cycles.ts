// SPDX-License-Identifier: LGPL-2.1-or-later
// Billing cycles (docs/costs.md): a cycle starts at local midnight of the billing day of a month
// (the month's last day when it is shorter), so it is DST-safe and "day 31" works in February.
// A timeframe is billed cycle by cycle: cyclesIn() cuts it at every cycle start and marks the
// parts that do not cover a whole cycle.

import { daysInMonth, fromWall, toWall } from "./zone.ts";

/**
 * The billing cycle containing `now` (offset 0), or `offset` cycles before (-1) or after it.
 * A cycle starts at local midnight of day `day` of a month; a month shorter than that starts
 * its cycle on its last day.
 */
export function billingCycle(now: number, day: number, zone: string, offset = 0): { from: number; to: number } {
    const w = toWall(now, zone);
    const startOf = (year: number, month: number): number => {
        const norm = new Date(Date.UTC(2000, month - 1, 1));
        const y = year + Math.floor((month - 1) / 12);
        const m = norm.getUTCMonth() + 1;
        return fromWall({ year: y, month: m, day: Math.min(day, daysInMonth(y, m)), hour: 0, minute: 0, second: 0 }, zone);
    };
    let month = w.month;
    if (now < startOf(w.year, month))
        month--;
    month += offset;
    return { from: startOf(w.year, month), to: startOf(w.year, month + 1) };
}

/** A part of a timeframe inside one billing cycle. */
export interface CyclePart {
    /** The whole cycle. */
    cycle: { from: number; to: number };
    /** The part of it inside the timeframe: [from, to). */
    from: number;
    to: number;
    /** True when the part is not the whole cycle: quota and bulk discounts still apply in full. */
    partial: boolean;
}

/** More cycles than this in one timeframe (40 years) are not billed one by one. */
export const MAX_CYCLES = 480;

/** The cycles a timeframe touches, in order; null when there are more than MAX_CYCLES. */
export function cyclesIn(range: { from: number; to: number }, day: number, zone: string): CyclePart[] | null {
    const parts: CyclePart[] = [];
    let cycle = billingCycle(range.from, day, zone);
    while (cycle.from < range.to) {
        if (parts.length === MAX_CYCLES)
            return null;
        const from = Math.max(cycle.from, range.from);
        const to = Math.min(cycle.to, range.to);
        parts.push({ cycle, from, to, partial: from !== cycle.from || to !== cycle.to });
        cycle = billingCycle(cycle.to, day, zone);
    }
    return parts;
}
