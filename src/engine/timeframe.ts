// SPDX-License-Identifier: LGPL-2.1-or-later
// Timeframes as ipacsum accepts them (phrases, abbreviated absolute YYYYMMDDhhmmss, relative
// 1D / 1Y1s) turned into half-open ranges [from, to) of Unix seconds in a given local zone.
//
// Choices, documented here because the page and the reports rely on them:
// - Phrases are calendar periods in local time: "today" is [local midnight, next local midnight),
//   weeks start on Monday 00:00, "this month" ends at the month's end (not at now), as ipacsum.
// - Hours are whole hours of absolute time aligned to the local clock, so the two 02:00 hours of
//   a fall-back night are two different hours and "the hour N hours ago" steps by 3600 s.
// - An abbreviated absolute time as a START is the start of the period it names ("199805" =
//   1998-05-01 00:00:00). As an END it is the END of that period, i.e. the start of the next
//   one: end "1997" = 1998-01-01 00:00:00, end "19971231235959" = 1998-01-01 00:00:00. This is
//   ipacsum's `--endtime 19971231235959` (inclusive of that second) in half-open form.
// - Relative times are now minus the amount, with a 30-day month and a 365-day year (ipacsum);
//   `W` (7 days) is accepted as in ipacsum's --interval.
// - Only a start: the timeframe runs to now. Only an end: it starts at the beginning (0).
// - "this billing cycle", "last billing cycle", "the billing cycle N cycles ago" are cycles of
//   the context's billing day (cycles.ts); not ipacsum's, but read the same way.

import { billingCycle } from "./cycles.ts";
import { WallTime, formatLocal, fromWall, toWall, weekdayMonday0, daysInMonth, isValidZone, zoneOffset } from "./zone.ts";

export type PeriodUnit = "hour" | "day" | "week" | "month" | "year" | "cycle";

export interface TimeContext {
    /** Unix seconds; tests fix it. */
    now: number;
    /** IANA zone name, e.g. "Europe/Berlin"; the page passes the browser's. */
    zone: string;
    /** The day of the month billing cycles start on (the plan's billing_day); 1 when not given. */
    billingDay?: number;
}

export interface TimeframeInput {
    phrase?: string;
    start?: string;
    end?: string;
}

export interface Timeframe {
    from: number;
    to: number;
    zone: string;
    /** The normalised phrase when the timeframe came from one ("the day 3 days ago"). */
    phrase: string | null;
    /** The calendar period of a phrase, for stepping to the previous or next one. */
    period: { unit: PeriodUnit; ago: number } | null;
}

/** What went wrong, so that the page can say it in the user's language (`error` is English). */
export type TimeframeErrorCode =
    | "empty" | "unknown-word" | "incomplete" | "not-a-number" | "too-large" | "before-1970"
    | "bad-date-format" | "invalid-date" | "conflict" | "empty-range" | "bad-zone";

export interface TimeframeError {
    ok: false;
    code: TimeframeErrorCode;
    /** The word that could not be read ("" when something is missing). */
    word: string;
    error: string;
}

export type TimeframeResult = { ok: true; timeframe: Timeframe } | TimeframeError;
export type TimeResult = { ok: true; time: number } | TimeframeError;

const UNITS: Record<string, PeriodUnit> = {
    hour: "hour", hours: "hour",
    day: "day", days: "day",
    week: "week", weeks: "week",
    month: "month", months: "month",
    year: "year", years: "year",
    cycle: "cycle", cycles: "cycle",
};

function fail(code: TimeframeErrorCode, word: string, error: string): TimeframeError {
    return { ok: false, code, word, error };
}

/** The start of the local hour containing t, as whole seconds of absolute time. */
function hourStart(t: number, zone: string): number {
    const local = t + zoneOffset(t, zone);
    return t - (((local % 3600) + 3600) % 3600);
}

/** The [from, to) of the calendar period `ago` periods before the one containing now. */
export function periodRange(unit: PeriodUnit, ago: number, ctx: TimeContext): { from: number; to: number } {
    const { now, zone } = ctx;
    if (unit === "hour") {
        const from = hourStart(now, zone) - ago * 3600;
        return { from, to: from + 3600 };
    }
    if (unit === "cycle")
        return billingCycle(now, ctx.billingDay ?? 1, zone, -ago);
    const w = toWall(now, zone);
    const at = (year: number, month: number, day: number): number =>
        fromWall({ year, month, day, hour: 0, minute: 0, second: 0 }, zone);
    switch (unit) {
    case "day":
        return { from: at(w.year, w.month, w.day - ago), to: at(w.year, w.month, w.day - ago + 1) };
    case "week": {
        const monday = w.day - weekdayMonday0(w.year, w.month, w.day) - 7 * ago;
        return { from: at(w.year, w.month, monday), to: at(w.year, w.month, monday + 7) };
    }
    case "month":
        return { from: at(w.year, w.month - ago, 1), to: at(w.year, w.month - ago + 1, 1) };
    case "year":
        return { from: at(w.year - ago, 1, 1), to: at(w.year - ago + 1, 1, 1) };
    }
}

/** The canonical phrase of a period: "today", "last week", "the month 3 months ago". */
export function periodPhrase(unit: PeriodUnit, ago: number): string {
    if (unit === "cycle")
        return ago === 0 ? "this billing cycle" : ago === 1 ? "last billing cycle" : `the billing cycle ${ago} cycles ago`;
    if (unit === "day") {
        if (ago === 0)
            return "today";
        if (ago === 1)
            return "yesterday";
        if (ago === 2)
            return "the day before yesterday";
    }
    if (ago === 0)
        return `this ${unit}`;
    if (ago === 1)
        return `last ${unit}`;
    return `the ${unit} ${ago} ${unit}s ago`;
}

/** Parses an ipacsum timeframe phrase into its calendar period. */
export function parsePhrase(phrase: string): { ok: true; unit: PeriodUnit; ago: number } | TimeframeError {
    const words = phrase.trim().toLowerCase().split(/\s+/).filter(w => w !== "");
    if (words.length === 0)
        return fail("empty", "", "empty timeframe");
    let i = 0;
    const unreadable = (word: string) => fail("unknown-word", word, `unknown word '${word}' in '${phrase}'`);
    const missing = (after: string) => fail("incomplete", "", `'${phrase}' ends after '${after}'`);
    const done = (unit: PeriodUnit, ago: number) => {
        if (i < words.length)
            return unreadable(words[i] as string);
        return { ok: true as const, unit, ago };
    };
    // The singular unit word after `after` ("last week", "the month ..."), or why there is none.
    const unitAfter = (after: string): { unit: PeriodUnit; word: string } | TimeframeError => {
        const w = words[i++];
        if (w === undefined)
            return missing(after);
        if (w === "billing") {
            const c = words[i++];
            if (c === undefined)
                return missing(w);
            return c === "cycle" ? { unit: "cycle", word: c } : unreadable(c);
        }
        const unit = UNITS[w];
        if (unit === undefined || unit === "cycle" || w.endsWith("s")) // a cycle is a "billing cycle"
            return unreadable(w);
        return { unit, word: w };
    };
    const first = words[i++] as string;
    switch (first) {
    case "today":
        return done("day", 0);
    case "yesterday":
        return done("day", 1);
    case "this":
    case "last": {
        const read = unitAfter(first);
        return "ok" in read ? read : done(read.unit, first === "this" ? 0 : 1);
    }
    case "the": {
        const read = unitAfter(first);
        if ("ok" in read)
            return read;
        const { unit, word: w } = read;
        const n = words[i++];
        if (n === undefined)
            return missing(w);
        if (unit === "day" && n === "before") {
            const y = words[i++];
            if (y === undefined)
                return missing(n);
            if (y !== "yesterday")
                return unreadable(y);
            return done("day", 2);
        }
        if (!/^[0-9]+$/.test(n))
            return fail("not-a-number", n, `'${n}' is not a number in '${phrase}'`);
        const ago = Number(n);
        if (!Number.isSafeInteger(ago) || ago > 100000)
            return fail("too-large", n, `'${n}' is too large in '${phrase}'`);
        const u = words[i++];
        if (u === undefined)
            return missing(n);
        if (UNITS[u] !== unit)
            return unreadable(u);
        const a = words[i++];
        if (a === undefined)
            return missing(u);
        if (a !== "ago")
            return unreadable(a);
        return done(unit, ago);
    }
    default:
        return unreadable(first);
    }
}

const RELATIVE_UNIT: Record<string, number> = {
    s: 1, m: 60, h: 3600, D: 86400, W: 7 * 86400, M: 30 * 86400, Y: 365 * 86400,
};

/**
 * Reads one time as ipacsum's --starttime/--endtime do: absolute YYYYMMDDhhmmss abbreviated
 * at any two-digit position, or relative back from now ("1D", "1Y1s"). See the file comment
 * for what an abbreviated END means.
 */
export function parseTime(text: string, role: "start" | "end", ctx: TimeContext): TimeResult {
    const s = text.trim();
    if (s === "")
        return fail("empty", "", `empty ${role} time`);
    if (/^[0-9]+$/.test(s)) {
        if (s.length < 4 || s.length > 14 || s.length % 2 !== 0)
            return fail("bad-date-format", s, `'${s}' is not YYYYMMDDhhmmss or an abbreviation of it`);
        const num = (a: number, b: number) => Number(s.slice(a, b));
        const fields = [num(0, 4)];
        for (let k = 4; k < s.length; k += 2)
            fields.push(num(k, k + 2));
        const [year, month = 1, day = 1, hour = 0, minute = 0, second = 0] = fields as [number, ...number[]];
        if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month) ||
            hour > 23 || minute > 59 || second > 59)
            return fail("invalid-date", s, `'${s}' is not a valid date and time`);
        const w: WallTime = { year, month, day, hour, minute, second };
        if (role === "end") {
            // the end of the named period: step the last field given by one
            switch (fields.length) {
            case 1: w.year++; break;
            case 2: w.month++; break;
            case 3: w.day++; break;
            case 4: w.hour++; break;
            case 5: w.minute++; break;
            default: w.second++; break;
            }
        }
        return { ok: true, time: fromWall(w, ctx.zone) };
    }
    if (/^([0-9]+[smhDWMY])+$/.test(s)) {
        let total = 0;
        for (const m of s.matchAll(/([0-9]+)([smhDWMY])/g))
            total += Number(m[1]) * (RELATIVE_UNIT[m[2] as string] as number);
        if (!Number.isSafeInteger(total) || total > ctx.now)
            return fail("before-1970", s, `'${s}' reaches back before 1970`);
        return { ok: true, time: ctx.now - total };
    }
    const bad = /^[0-9]+[a-zA-Z]/.test(s) ? s.replace(/^([0-9]+[smhDWMY])*/, "").replace(/^[0-9]+/, "") : s;
    return fail("unknown-word", bad, `unknown word '${bad}' in '${s}'`);
}

/**
 * Parses a timeframe: a phrase, or a start and/or an end time. A phrase with a start or end
 * is refused rather than silently preferring one.
 */
export function parseTimeframe(input: TimeframeInput, ctx: TimeContext): TimeframeResult {
    if (!isValidZone(ctx.zone))
        return fail("bad-zone", ctx.zone, `unknown time zone '${ctx.zone}'`);
    const phrase = input.phrase?.trim() ?? "";
    const start = input.start?.trim() ?? "";
    const end = input.end?.trim() ?? "";
    if (phrase !== "") {
        if (start !== "" || end !== "")
            return fail("conflict", phrase, "give either a timeframe phrase or start and end times, not both");
        const p = parsePhrase(phrase);
        if (!p.ok)
            return p;
        const r = periodRange(p.unit, p.ago, ctx);
        return {
            ok: true,
            timeframe: { ...r, zone: ctx.zone, phrase: periodPhrase(p.unit, p.ago), period: { unit: p.unit, ago: p.ago } },
        };
    }
    let from = 0;
    let to = ctx.now;
    if (start !== "") {
        const t = parseTime(start, "start", ctx);
        if (!t.ok)
            return t;
        from = t.time;
    }
    if (end !== "") {
        const t = parseTime(end, "end", ctx);
        if (!t.ok)
            return t;
        to = t.time;
    }
    if (to <= from)
        return fail("empty-range", end || start, "the end of the timeframe is not after its start");
    return { ok: true, timeframe: { from, to, zone: ctx.zone, phrase: null, period: null } };
}

/** A timeframe for an explicit range (a calendar selection or a zoom in a graph). */
export function rangeTimeframe(from: number, to: number, zone: string): Timeframe {
    return { from, to, zone, phrase: null, period: null };
}

/** The timeframe printed back: its phrase if it has one, and always its absolute local bounds. */
export function formatTimeframe(tf: Timeframe): { phrase: string | null; absolute: string } {
    return { phrase: tf.phrase, absolute: `${formatLocal(tf.from, tf.zone)} – ${formatLocal(tf.to, tf.zone)}` };
}

/** The same kind of period one step earlier (-1) or later (+1), or the range shifted by its length. */
export function shiftTimeframe(tf: Timeframe, step: number, ctx: TimeContext): Timeframe {
    if (tf.period) {
        const ago = Math.max(0, tf.period.ago - step);
        const r = periodRange(tf.period.unit, ago, ctx);
        return { ...r, zone: ctx.zone, phrase: periodPhrase(tf.period.unit, ago), period: { unit: tf.period.unit, ago } };
    }
    const len = tf.to - tf.from;
    return rangeTimeframe(tf.from + step * len, tf.to + step * len, tf.zone);
}

/** The timeframe with its end no later than now (for display of "this month" so far). */
export function clampToNow(tf: Timeframe, now: number): Timeframe {
    return tf.to <= now ? tf : { ...tf, to: Math.max(tf.from, now) };
}
