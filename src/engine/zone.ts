// SPDX-License-Identifier: LGPL-2.1-or-later
// Local wall-clock time in a named IANA zone, without a global: the zone is always an argument,
// so tests can pin Europe/Berlin or America/New_York and the page passes the browser's own.

/** A local wall-clock time; fields may be out of range (month 13, day 0) and are normalised. */
export interface WallTime {
    year: number;
    month: number; // 1..12
    day: number;
    hour: number;
    minute: number;
    second: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(zone: string): Intl.DateTimeFormat {
    let f = formatters.get(zone);
    if (!f) {
        f = new Intl.DateTimeFormat("en-US", {
            timeZone: zone,
            hourCycle: "h23",
            year: "numeric",
            month: "numeric",
            day: "numeric",
            hour: "numeric",
            minute: "numeric",
            second: "numeric",
            era: "short",
        });
        formatters.set(zone, f);
    }
    return f;
}

/** True when `zone` is a time zone name this JavaScript engine knows. */
export function isValidZone(zone: string): boolean {
    try {
        formatter(zone);
        return true;
    } catch {
        return false;
    }
}

const DAY = 86400;
// zone → UTC day → the zone's offset during all of that day, or null when it changes in it
const dayOffsets = new Map<string, Map<number, number | null>>();

/**
 * The local wall-clock time at Unix second t in zone. Asking Intl is slow and the store's
 * period walk asks for thousands of instants: a day whose offset is the same at its first and
 * last second (every day but the two of a daylight-saving change) is answered by arithmetic.
 */
export function toWall(t: number, zone: string): WallTime {
    if (Number.isInteger(t) && t >= 0) {
        let days = dayOffsets.get(zone);
        if (days === undefined) {
            days = new Map();
            dayOffsets.set(zone, days);
        }
        const d = Math.floor(t / DAY);
        let offset = days.get(d);
        if (offset === undefined) {
            const first = wallAsUtc(intlWall(d * DAY, zone)) - d * DAY;
            const last = wallAsUtc(intlWall(d * DAY + DAY - 1, zone)) - (d * DAY + DAY - 1);
            offset = first === last ? first : null;
            if (days.size > 100_000)
                days.clear();
            days.set(d, offset);
        }
        if (offset !== null) {
            const w = new Date((t + offset) * 1000);
            return {
                year: w.getUTCFullYear(), month: w.getUTCMonth() + 1, day: w.getUTCDate(),
                hour: w.getUTCHours(), minute: w.getUTCMinutes(), second: w.getUTCSeconds(),
            };
        }
    }
    return intlWall(t, zone);
}

function intlWall(t: number, zone: string): WallTime {
    const parts = formatter(zone).formatToParts(new Date(t * 1000));
    const w: WallTime = { year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0 };
    let bc = false;
    for (const p of parts) {
        switch (p.type) {
        case "year": w.year = Number(p.value); break;
        case "month": w.month = Number(p.value); break;
        case "day": w.day = Number(p.value); break;
        case "hour": w.hour = Number(p.value); break;
        case "minute": w.minute = Number(p.value); break;
        case "second": w.second = Number(p.value); break;
        case "era": bc = p.value.startsWith("B"); break;
        }
    }
    if (bc)
        w.year = 1 - w.year;
    return w;
}

/** Wall time read as if it were UTC, in seconds: the arithmetic base for calendar steps. */
export function wallAsUtc(w: WallTime): number {
    const d = new Date(0);
    d.setUTCFullYear(w.year, w.month - 1, w.day);
    d.setUTCHours(w.hour, w.minute, w.second, 0);
    return Math.floor(d.getTime() / 1000);
}

/** Normalises out-of-range fields (month 13 → January of the next year, and so on). */
export function normalizeWall(w: WallTime): WallTime {
    const d = new Date(wallAsUtc(w) * 1000);
    return {
        year: d.getUTCFullYear(),
        month: d.getUTCMonth() + 1,
        day: d.getUTCDate(),
        hour: d.getUTCHours(),
        minute: d.getUTCMinutes(),
        second: d.getUTCSeconds(),
    };
}

/** Seconds the zone is ahead of UTC at Unix second t. */
export function zoneOffset(t: number, zone: string): number {
    return wallAsUtc(toWall(t, zone)) - t;
}

/**
 * The Unix second at which the wall clock in zone shows w. Deterministic at transitions:
 * a time that does not exist (the spring-forward gap) maps forward by the gap, so 02:30 on the
 * day clocks go from 02:00 to 03:00 is 03:30; a time that exists twice (fall back) is the first.
 */
export function fromWall(w: WallTime, zone: string): number {
    const local = wallAsUtc(w);
    // At most one transition lies within a day of any instant in real zones, so the offsets a
    // day before and a day after are the only candidates.
    const before = zoneOffset(local - 86400, zone);
    const after = zoneOffset(local + 86400, zone);
    const candidates: number[] = [];
    for (const off of before === after ? [before] : [before, after]) {
        const t = local - off;
        if (zoneOffset(t, zone) === off)
            candidates.push(t);
    }
    if (candidates.length > 0)
        return Math.min(...candidates);
    // In a gap: the clock jumped over w; keep the offset in force before the jump, which lands
    // as far past the jump as w was past its start.
    return local - before;
}

/** Day of the week of a calendar date, Monday = 0 ... Sunday = 6. */
export function weekdayMonday0(year: number, month: number, day: number): number {
    const d = new Date(0);
    d.setUTCFullYear(year, month - 1, day);
    return (d.getUTCDay() + 6) % 7;
}

export function daysInMonth(year: number, month: number): number {
    const d = new Date(0);
    d.setUTCFullYear(year, month, 0);
    return d.getUTCDate();
}

function pad(n: number, width = 2): string {
    return String(n).padStart(width, "0");
}

/** `YYYY-MM-DD HH:MM:SS` in zone. */
export function formatLocal(t: number, zone: string): string {
    const w = toWall(t, zone);
    return `${pad(w.year, 4)}-${pad(w.month)}-${pad(w.day)} ${pad(w.hour)}:${pad(w.minute)}:${pad(w.second)}`;
}

/** `YYYY-MM-DD` in zone. */
export function formatLocalDate(t: number, zone: string): string {
    const w = toWall(t, zone);
    return `${pad(w.year, 4)}-${pad(w.month)}-${pad(w.day)}`;
}
