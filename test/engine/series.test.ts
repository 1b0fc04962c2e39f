// SPDX-License-Identifier: LGPL-2.1-or-later
// Series: records spread evenly over the buckets they overlap, rates per mode, calendar buckets
// across DST, moving average, average and the burstable-billing 95th percentile.

import { readStoreTexts } from "../../src/engine/store-reader.ts";
import { average, calendarEdges, fiveMinuteRates, fixedEdges, movingAverage, percentile95, toColumns } from "../../src/engine/series.ts";
import { writeStore } from "./helpers.ts";

describe("spreading and columns", () => {
    const text = writeStore("detail", [
        { start: 0, end: 600, counter: 0, bytes: 6000n, packets: 6n },
        { start: 600, end: 900, counter: 0, bytes: 300n, packets: 1n },
        { start: 600, end: 900, counter: 1, bytes: 900n, packets: 1n },
    ]);
    const edges = fixedEdges(0, 1200, 300);
    const r = readStoreTexts([{ name: "detail/1970-01-01.cta", text }], { seriesEdges: edges });

    test("a record is spread evenly over its buckets; buckets without data stay zero", () => {
        expect(Array.from(edges)).toEqual([0, 300, 600, 900, 1200]);
        const c = toColumns(r.series!, [0, 1], "bytes-per-interval");
        expect(Array.from(c.x)).toEqual([0, 300, 600, 900]);
        expect(c.ys.map(y => Array.from(y))).toEqual([[3000, 3000, 300, 0], [0, 0, 900, 0]]);
    });

    test("bytes/s and bits/s", () => {
        expect(Array.from(toColumns(r.series!, [0], "bytes-per-second").ys[0]!)).toEqual([10, 10, 1, 0]);
        expect(Array.from(toColumns(r.series!, [0], "bits-per-second").ys[0]!)).toEqual([80, 80, 8, 0]);
    });

    test("a record partly outside the series range adds only its overlapping part", () => {
        const r2 = readStoreTexts([{ name: "detail/1970-01-01.cta", text }], { seriesEdges: fixedEdges(450, 750, 150) });
        expect(Array.from(toColumns(r2.series!, [0], "bytes-per-interval").ys[0]!)).toEqual([1500, 150]);
    });

    test("a record spanning many files' worth of buckets, in an uneven last bucket", () => {
        const big = writeStore("daily", [{ start: 0, end: 86400, counter: 0, bytes: 86400n, packets: 1n }]);
        const r3 = readStoreTexts([{ name: "daily/1970.cta", text: big }], { seriesEdges: fixedEdges(0, 86400, 7000) });
        const y = toColumns(r3.series!, [0], "bytes-per-second").ys[0]!;
        expect(y.length).toBe(13);
        for (const v of y)
            expect(v).toBeCloseTo(1, 9);
    });
});

describe("calendar buckets", () => {
    test("days across the Berlin spring-forward have 23 hours on that day", () => {
        const from = Date.parse("2025-03-28T23:00:00Z") / 1000;
        const to = Date.parse("2025-03-31T22:00:00Z") / 1000;
        const e = calendarEdges(from, to, "day", "Europe/Berlin");
        const widths = Array.from(e).slice(1).map((t, i) => (t - (e[i] as number)) / 3600);
        expect(widths).toEqual([24, 23, 24]);
    });
    test("months of a year in New York", () => {
        const from = Date.parse("2024-01-01T05:00:00Z") / 1000;
        const to = Date.parse("2025-01-01T05:00:00Z") / 1000;
        const e = calendarEdges(from, to, "month", "America/New_York");
        expect(e.length).toBe(13);
        expect(e[2]).toBe(Date.parse("2024-03-01T05:00:00Z") / 1000);
        expect(e[3]).toBe(Date.parse("2024-04-01T04:00:00Z") / 1000);
    });
    test("weeks start on Monday", () => {
        const from = Date.parse("2025-11-01T00:00:00Z") / 1000; // a Saturday
        const e = calendarEdges(from, from + 20 * 86400, "week", "UTC");
        expect(new Date((e[1] as number) * 1000).getUTCDay()).toBe(1);
        expect((e[2] as number) - (e[1] as number)).toBe(7 * 86400);
    });
});

describe("statistics", () => {
    test("average skips missing values", () => {
        expect(average([1, 2, NaN, 3])).toBe(2);
        expect(average([])).toBeNaN();
    });
    test("moving average over N centred points", () => {
        expect(Array.from(movingAverage([1, 2, 3, 4, 5], 3))).toEqual([1.5, 2, 3, 4, 4.5]);
        expect(Array.from(movingAverage([0, 10, 0, 10], 2))).toEqual([5, 5, 5, 10]);
        expect(Array.from(movingAverage([4, NaN, 8], 3))).toEqual([4, 6, 8]);
        expect(Array.from(movingAverage([1, 2, 3], 1))).toEqual([1, 2, 3]);
    });
    test("95th percentile drops the top 5 % and takes the highest remaining", () => {
        const samples = Array.from({ length: 100 }, (_, i) => i + 1); // 1..100, shuffled below
        samples.reverse();
        expect(percentile95(samples)).toBe(95);
        expect(percentile95([7])).toBe(7);
        expect(percentile95(Array.from({ length: 19 }, (_, i) => i))).toBe(18);
        expect(percentile95(Array.from({ length: 20 }, (_, i) => i))).toBe(18);
        expect(percentile95([])).toBeNaN();
        // 30 days of 5-minute samples: the 433rd highest is billed
        const month = Array.from({ length: 8640 }, (_, i) => i);
        expect(percentile95(month)).toBe(8640 - 433);
    });
    test("five-minute rates", () => {
        expect(Array.from(fiveMinuteRates([300, 0, 600], fixedEdges(0, 900, 300)))).toEqual([1, 0, 2]);
    });
});
