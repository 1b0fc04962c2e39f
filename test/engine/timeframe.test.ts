// SPDX-License-Identifier: LGPL-2.1-or-later
// Timeframes with a fixed "now" in a European and an American zone, across daylight-saving
// change days, year ends and leap days. Expected instants are written as UTC ISO strings.

import { parseTimeframe, formatTimeframe, parseTime, shiftTimeframe, TimeContext } from "../../src/engine/timeframe.ts";
import { fromWall, toWall, zoneOffset } from "../../src/engine/zone.ts";

const utc = (iso: string): number => {
    const ms = Date.parse(iso);
    if (Number.isNaN(ms))
        throw new Error(`bad ISO time in test: ${iso}`);
    return ms / 1000;
};

const BERLIN = "Europe/Berlin";
const NY = "America/New_York";

type Case = [zone: string, now: string, phrase: string, from: string, to: string];

const phraseCases: Case[] = [
    // Berlin, spring forward (2025-03-30 02:00 CET → 03:00 CEST): a 23-hour day
    [BERLIN, "2025-03-30T10:00:00Z", "today", "2025-03-29T23:00:00Z", "2025-03-30T22:00:00Z"],
    [BERLIN, "2025-03-30T10:00:00Z", "yesterday", "2025-03-28T23:00:00Z", "2025-03-29T23:00:00Z"],
    [BERLIN, "2025-03-30T10:00:00Z", "the day before yesterday", "2025-03-27T23:00:00Z", "2025-03-28T23:00:00Z"],
    [BERLIN, "2025-03-30T10:00:00Z", "this week", "2025-03-23T23:00:00Z", "2025-03-30T22:00:00Z"],
    [BERLIN, "2025-03-30T10:00:00Z", "last week", "2025-03-16T23:00:00Z", "2025-03-23T23:00:00Z"],
    [BERLIN, "2025-03-30T10:00:00Z", "this month", "2025-02-28T23:00:00Z", "2025-03-31T22:00:00Z"],
    [BERLIN, "2025-03-30T10:00:00Z", "last month", "2025-01-31T23:00:00Z", "2025-02-28T23:00:00Z"],
    [BERLIN, "2025-03-30T10:00:00Z", "this year", "2024-12-31T23:00:00Z", "2025-12-31T23:00:00Z"],
    [BERLIN, "2025-03-30T10:00:00Z", "this hour", "2025-03-30T10:00:00Z", "2025-03-30T11:00:00Z"],
    [BERLIN, "2025-03-30T10:20:00Z", "last hour", "2025-03-30T09:00:00Z", "2025-03-30T10:00:00Z"],
    [BERLIN, "2025-03-30T10:00:00Z", "the hour 9 hours ago", "2025-03-30T01:00:00Z", "2025-03-30T02:00:00Z"],
    [BERLIN, "2025-03-30T10:00:00Z", "the hour 10 hours ago", "2025-03-30T00:00:00Z", "2025-03-30T01:00:00Z"],
    [BERLIN, "2025-03-31T10:00:00Z", "yesterday", "2025-03-29T23:00:00Z", "2025-03-30T22:00:00Z"],
    // Berlin, fall back (2025-10-26 03:00 CEST → 02:00 CET): a 25-hour day, two 02:00 hours
    [BERLIN, "2025-10-26T12:00:00Z", "today", "2025-10-25T22:00:00Z", "2025-10-26T23:00:00Z"],
    [BERLIN, "2025-10-26T12:00:00Z", "the hour 11 hours ago", "2025-10-26T01:00:00Z", "2025-10-26T02:00:00Z"],
    [BERLIN, "2025-10-26T12:00:00Z", "the hour 12 hours ago", "2025-10-26T00:00:00Z", "2025-10-26T01:00:00Z"],
    [BERLIN, "2025-10-26T12:00:00Z", "this month", "2025-09-30T22:00:00Z", "2025-10-31T23:00:00Z"],
    [BERLIN, "2025-10-27T12:00:00Z", "last week", "2025-10-19T22:00:00Z", "2025-10-26T23:00:00Z"],
    // New York, spring forward (2025-03-09 02:00 EST → 03:00 EDT) and fall back (2025-11-02)
    [NY, "2025-03-09T17:00:00Z", "today", "2025-03-09T05:00:00Z", "2025-03-10T04:00:00Z"],
    [NY, "2025-03-09T17:00:00Z", "yesterday", "2025-03-08T05:00:00Z", "2025-03-09T05:00:00Z"],
    [NY, "2025-03-09T17:00:00Z", "this week", "2025-03-03T05:00:00Z", "2025-03-10T04:00:00Z"],
    [NY, "2025-11-02T17:00:00Z", "today", "2025-11-02T04:00:00Z", "2025-11-03T05:00:00Z"],
    [NY, "2025-11-02T17:00:00Z", "the hour 11 hours ago", "2025-11-02T06:00:00Z", "2025-11-02T07:00:00Z"],
    [NY, "2025-11-03T17:00:00Z", "the day 2 days ago", "2025-11-01T04:00:00Z", "2025-11-02T04:00:00Z"],
    // New York local date differs from the UTC date in the evening
    [NY, "2025-11-22T03:00:00Z", "today", "2025-11-21T05:00:00Z", "2025-11-22T05:00:00Z"],
    // year end: 00:30 on New Year's Day in Berlin is still the old year in UTC
    [BERLIN, "2024-12-31T23:30:00Z", "today", "2024-12-31T23:00:00Z", "2025-01-01T23:00:00Z"],
    [BERLIN, "2024-12-31T23:30:00Z", "yesterday", "2024-12-30T23:00:00Z", "2024-12-31T23:00:00Z"],
    [BERLIN, "2024-12-31T23:30:00Z", "last year", "2023-12-31T23:00:00Z", "2024-12-31T23:00:00Z"],
    [BERLIN, "2024-12-31T23:30:00Z", "this week", "2024-12-29T23:00:00Z", "2025-01-05T23:00:00Z"],
    [BERLIN, "2024-12-31T23:30:00Z", "last month", "2024-11-30T23:00:00Z", "2024-12-31T23:00:00Z"],
    [BERLIN, "2024-12-31T23:30:00Z", "the month 13 months ago", "2023-11-30T23:00:00Z", "2023-12-31T23:00:00Z"],
    [NY, "2025-01-01T03:00:00Z", "today", "2024-12-31T05:00:00Z", "2025-01-01T05:00:00Z"],
    // leap days
    [NY, "2024-02-29T12:00:00Z", "today", "2024-02-29T05:00:00Z", "2024-03-01T05:00:00Z"],
    [NY, "2024-03-01T12:00:00Z", "yesterday", "2024-02-29T05:00:00Z", "2024-03-01T05:00:00Z"],
    [NY, "2024-02-29T12:00:00Z", "the day 365 days ago", "2023-03-01T05:00:00Z", "2023-03-02T05:00:00Z"],
    [NY, "2024-02-29T12:00:00Z", "the year 4 years ago", "2020-01-01T05:00:00Z", "2021-01-01T05:00:00Z"],
    [NY, "2024-03-15T12:00:00Z", "last month", "2024-02-01T05:00:00Z", "2024-03-01T05:00:00Z"],
    [BERLIN, "2024-03-15T12:00:00Z", "the week 3 weeks ago", "2024-02-18T23:00:00Z", "2024-02-25T23:00:00Z"],
    // Santiago de Chile moves its clocks at midnight: 2025-09-07 starts at 01:00
    ["America/Santiago", "2025-09-07T15:00:00Z", "today", "2025-09-07T04:00:00Z", "2025-09-08T03:00:00Z"],
    ["America/Santiago", "2025-09-08T15:00:00Z", "yesterday", "2025-09-07T04:00:00Z", "2025-09-08T03:00:00Z"],
    // a half-hour zone: hours are local clock hours
    ["Asia/Kolkata", "2025-11-21T10:17:33Z", "this hour", "2025-11-21T09:30:00Z", "2025-11-21T10:30:00Z"],
    // case and spacing do not matter; "the year 2 years ago"
    [BERLIN, "2025-06-15T12:00:00Z", "  THE   Year 2 years AGO ", "2022-12-31T23:00:00Z", "2023-12-31T23:00:00Z"],
    [BERLIN, "2025-06-15T12:00:00Z", "the month 1 month ago", "2025-04-30T22:00:00Z", "2025-05-31T22:00:00Z"],
];

describe("phrases", () => {
    test.each(phraseCases)("%s now=%s %p", (zone, now, phrase, from, to) => {
        const r = parseTimeframe({ phrase }, { now: utc(now), zone });
        if (!r.ok)
            throw new Error(r.error);
        expect([r.timeframe.from, r.timeframe.to]).toEqual([utc(from), utc(to)]);
    });
});

type TimeCase = [zone: string, now: string, start: string | undefined, end: string | undefined, from: string, to: string];

const NOW = "2025-11-21T10:17:33Z";
const timeCases: TimeCase[] = [
    [BERLIN, NOW, "199805", undefined, "1998-04-30T22:00:00Z", NOW],
    [BERLIN, NOW, "1997", "1997", "1996-12-31T23:00:00Z", "1997-12-31T23:00:00Z"],
    [BERLIN, NOW, "1997", "19971231235959", "1996-12-31T23:00:00Z", "1997-12-31T23:00:00Z"],
    [BERLIN, NOW, "19970615", "1997061512", "1997-06-14T22:00:00Z", "1997-06-15T11:00:00Z"],
    [BERLIN, NOW, "199706151230", "19970615123045", "1997-06-15T10:30:00Z", "1997-06-15T10:30:46Z"],
    [NY, NOW, "20240229", "20240229", "2024-02-29T05:00:00Z", "2024-03-01T05:00:00Z"],
    [NY, NOW, "202402", "202402", "2024-02-01T05:00:00Z", "2024-03-01T05:00:00Z"],
    // spring-forward gap: 02:00 and 02:30 do not exist in Berlin on 2025-03-30, they map forward
    [BERLIN, NOW, "2025033002", "202503300230", "2025-03-30T01:00:00Z", "2025-03-30T01:31:00Z"],
    // fall-back overlap: 02:00 exists twice; a start takes the first one, and the end of the
    // named hour is wall 03:00, so the range holds both 02:00 hours
    [BERLIN, NOW, "2025102602", "2025102602", "2025-10-26T00:00:00Z", "2025-10-26T02:00:00Z"],
    [BERLIN, NOW, "202510260230", undefined, "2025-10-26T00:30:00Z", NOW],
    [NY, NOW, "2025110201", "2025110201", "2025-11-02T05:00:00Z", "2025-11-02T07:00:00Z"],
    // relative, 30-day months and 365-day years
    [BERLIN, NOW, "1D", undefined, "2025-11-20T10:17:33Z", NOW],
    [BERLIN, NOW, "1Y1s", undefined, "2024-11-21T10:17:32Z", NOW],
    [BERLIN, NOW, "1M", "1D", "2025-10-22T10:17:33Z", "2025-11-20T10:17:33Z"],
    [BERLIN, NOW, "2h30m", undefined, "2025-11-21T07:47:33Z", NOW],
    [BERLIN, NOW, "1W", undefined, "2025-11-14T10:17:33Z", NOW],
    [BERLIN, NOW, undefined, "2025", "1970-01-01T00:00:00Z", "2025-12-31T23:00:00Z"],
    [BERLIN, NOW, undefined, undefined, "1970-01-01T00:00:00Z", NOW],
];

describe("start and end times", () => {
    test.each(timeCases)("%s now=%s start=%p end=%p", (zone, now, start, end, from, to) => {
        const r = parseTimeframe({ start, end }, { now: utc(now), zone });
        if (!r.ok)
            throw new Error(r.error);
        expect([r.timeframe.from, r.timeframe.to]).toEqual([utc(from), utc(to)]);
        expect(r.timeframe.phrase).toBeNull();
    });
});

type ErrorCase = [input: { phrase?: string; start?: string; end?: string }, code: string, word: string, message: string | null];

const errorCases: ErrorCase[] = [
    [{ phrase: "last fortnight" }, "unknown-word", "fortnight", "unknown word 'fortnight' in 'last fortnight'"],
    [{ phrase: "next week" }, "unknown-word", "next", null],
    [{ phrase: "the day 3 weeks ago" }, "unknown-word", "weeks", null],
    [{ phrase: "the day 3 days before" }, "unknown-word", "before", null],
    [{ phrase: "today please" }, "unknown-word", "please", null],
    [{ phrase: "this weeks" }, "unknown-word", "weeks", null],
    [{ phrase: "the day before today" }, "unknown-word", "today", null],
    [{ phrase: "the day x days ago" }, "not-a-number", "x", null],
    [{ phrase: "the day 100001 days ago" }, "too-large", "100001", null],
    [{ phrase: "this" }, "incomplete", "", null],
    [{ phrase: "the hour 3 hours" }, "incomplete", "", null],
    [{ phrase: "   " , start: "" }, "empty-range", "", null],
    [{ phrase: "today", start: "1D" }, "conflict", "today", null],
    [{ start: "12345" }, "bad-date-format", "12345", null],
    [{ start: "20251301" }, "invalid-date", "20251301", null],
    [{ start: "20230229" }, "invalid-date", "20230229", null],
    [{ start: "2025112124" }, "invalid-date", "2025112124", null],
    [{ start: "5X" }, "unknown-word", "X", null],
    [{ start: "1D2q" }, "unknown-word", "q", null],
    [{ start: "yesterday" }, "unknown-word", "yesterday", null],
    [{ start: "1D", end: "2D" }, "empty-range", "2D", null],
    [{ start: "100000Y" }, "before-1970", "100000Y", null],
];

describe("errors are values naming the word", () => {
    test.each(errorCases)("%p", (input, code, word, message) => {
        // "   " is an empty phrase; with no start or end that is everything up to now... except
        // here end defaults to now and start to 0, so only the empty-range case below applies
        const ctx: TimeContext = { now: input.phrase === "   " ? 0 : utc(NOW), zone: BERLIN };
        const r = parseTimeframe(input, ctx);
        expect(r.ok).toBe(false);
        if (r.ok)
            return;
        expect(r.code).toBe(code);
        expect(r.word).toBe(word);
        if (message !== null)
            expect(r.error).toBe(message);
    });

    test("an unknown zone is an error, not an exception", () => {
        const r = parseTimeframe({ phrase: "today" }, { now: utc(NOW), zone: "Mars/Olympus_Mons" });
        expect(r.ok).toBe(false);
        expect(r.ok ? "" : r.code).toBe("bad-zone");
    });
});

describe("printing back", () => {
    test.each([
        ["THIS   Month", "this month", "2025-11-01 00:00:00 – 2025-12-01 00:00:00"],
        ["the day 1 day ago", "yesterday", "2025-11-20 00:00:00 – 2025-11-21 00:00:00"],
        ["the day 2 days ago", "the day before yesterday", "2025-11-19 00:00:00 – 2025-11-20 00:00:00"],
        ["the week 0 weeks ago", "this week", "2025-11-17 00:00:00 – 2025-11-24 00:00:00"],
        ["the hour 3 hours ago", "the hour 3 hours ago", "2025-11-21 08:00:00 – 2025-11-21 09:00:00"],
        ["last year", "last year", "2024-01-01 00:00:00 – 2025-01-01 00:00:00"],
    ])("%p", (phrase, normal, absolute) => {
        const r = parseTimeframe({ phrase }, { now: utc(NOW), zone: BERLIN });
        if (!r.ok)
            throw new Error(r.error);
        expect(formatTimeframe(r.timeframe)).toEqual({ phrase: normal, absolute });
    });

    test("a phrase printed back parses to the same range", () => {
        const ctx = { now: utc("2025-03-30T10:00:00Z"), zone: BERLIN };
        for (const [, , phrase] of phraseCases.filter(c => c[0] === BERLIN && c[1] === "2025-03-30T10:00:00Z")) {
            const a = parseTimeframe({ phrase }, ctx);
            if (!a.ok)
                throw new Error(a.error);
            const b = parseTimeframe({ phrase: a.timeframe.phrase ?? "" }, ctx);
            expect(b.ok && [b.timeframe.from, b.timeframe.to]).toEqual([a.timeframe.from, a.timeframe.to]);
        }
    });

    test("start and end print absolute local times in the timeframe's zone", () => {
        const r = parseTimeframe({ start: "2025033002", end: "20250330" }, { now: utc(NOW), zone: BERLIN });
        if (!r.ok)
            throw new Error(r.error);
        expect(formatTimeframe(r.timeframe)).toEqual({ phrase: null, absolute: "2025-03-30 03:00:00 – 2025-03-31 00:00:00" });
    });

    test("stepping to the previous and next period", () => {
        const ctx = { now: utc(NOW), zone: BERLIN };
        const r = parseTimeframe({ phrase: "last month" }, ctx);
        if (!r.ok)
            throw new Error(r.error);
        const prev = shiftTimeframe(r.timeframe, -1, ctx);
        expect(prev.phrase).toBe("the month 2 months ago");
        expect(prev.to).toBe(r.timeframe.from);
        const next = shiftTimeframe(r.timeframe, 1, ctx);
        expect(next.phrase).toBe("this month");
        expect(next.from).toBe(r.timeframe.to);
    });
});

describe("zone helpers", () => {
    test("offsets in summer and winter", () => {
        expect(zoneOffset(utc("2025-07-01T00:00:00Z"), BERLIN)).toBe(7200);
        expect(zoneOffset(utc("2025-01-01T00:00:00Z"), BERLIN)).toBe(3600);
        expect(zoneOffset(utc("2025-07-01T00:00:00Z"), NY)).toBe(-4 * 3600);
        expect(zoneOffset(utc("2025-01-01T00:00:00Z"), "Asia/Kolkata")).toBe(5.5 * 3600);
    });

    test("every second of a fall-back and a spring-forward day round-trips through wall time", () => {
        for (const [zone, day] of [[BERLIN, "2025-10-26T00:00:00Z"], [NY, "2025-03-09T00:00:00Z"]] as const) {
            const base = utc(day) - 6 * 3600;
            for (let t = base; t < base + 36 * 3600; t += 599) {
                const w = toWall(t, zone);
                const back = fromWall(w, zone);
                // an overlapped wall time maps to its first occurrence, which is t or t - 3600
                expect([t, t - 3600]).toContain(back);
                expect(toWall(back, zone)).toEqual(w);
            }
        }
    });

    test("parseTime reads a relative time as now minus the amount", () => {
        const r = parseTime("1D1h1m1s", "start", { now: 1000000, zone: "UTC" });
        expect(r.ok && r.time).toBe(1000000 - 90061);
    });
});
