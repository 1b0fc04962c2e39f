// SPDX-License-Identifier: LGPL-2.1-or-later
// Costs: exact money with prices finer than the currency, rounding once and half-up, bulk discounts and
// quota, groups and free-of-charge rules, the billing cycle, 95th-percentile billing, validation.

import { billingCycle } from "../../src/engine/cycles.ts";
import { applyCosts, billedBitsPerSecond, percentileCost, volumeCost } from "../../src/engine/costs.ts";
import type { CostPlan, GroupConfig } from "../../src/engine/plan.ts";
import { add, formatMoney, minorToDecimal, rat, roundToMinor, ZERO } from "../../src/engine/money.ts";

const EUR = (price_per_unit: string, unit: CostPlan["unit"] = "MB", extra: Partial<CostPlan> = {}): CostPlan =>
    ({ currency: "EUR", unit, price_per_unit, ...extra });

const row = (name: string, bytes: bigint) => ({ key: `k-${name}`, name, bytes, packets: bytes / 1000n });

describe("volume cost", () => {
    test.each([
        // iam's sample: 1770.8 MB at 0.05 per MB is 88.54
        [1_770_800_000n, EUR("0.05"), 8854n],
        [203_800_000n, EUR("0.05"), 1019n],
        // a price with more decimals than the currency: rounded once, at the end, half-up
        [1_234_567_891n, EUR("0.0005"), 62n],
        [1_230_000_000n, EUR("0.0005"), 62n],
        [1_229_999_999n, EUR("0.0005"), 61n],
        [0n, EUR("0.05"), 0n],
        // binary units
        [1024n ** 3n * 3n, EUR("1.5", "GiB"), 450n],
    ])("%p bytes with %p → %p minor units", (bytes, plan, minor) => {
        expect(roundToMinor(volumeCost(bytes, plan), 2)).toBe(minor);
    });

    const tiered = EUR("0.01", "GB", {
        included_quota: "10",
        bulk_discounts: [{ up_to: "100", price_per_unit: "0.10" }, { up_to: "1000", price_per_unit: "0.05" }],
    });
    test.each([
        [5n, 0n],
        [10n, 0n],
        [50n, 400n],
        [100n, 900n],
        [1000n, 900n + 4500n],
        [1500n, 900n + 4500n + 500n],
    ])("tiers with a quota: %p GB → %p cents", (gb, cents) => {
        expect(roundToMinor(volumeCost(gb * 10n ** 9n, tiered), 2)).toBe(cents);
    });

    test("a last tier without a limit ends the price list", () => {
        const plan = EUR("99", "GB", { bulk_discounts: [{ up_to: "1", price_per_unit: "2" }, { up_to: null, price_per_unit: "1" }] });
        expect(roundToMinor(volumeCost(3n * 10n ** 9n, plan), 2)).toBe(400n);
    });

    test("2^70 bytes at 0.01 per TB", () => {
        // 2^70 / 10^12 TB = 1180591620.717411303424 TB → 11805916.20717... EUR
        expect(roundToMinor(volumeCost(2n ** 70n, EUR("0.01", "TB")), 2)).toBe(1180591621n);
    });
});

describe("groups and rows", () => {
    const groups: GroupConfig[] = [
        { name: "free of charge", pattern: "^(local|intevation)$", charged: false },
        { name: "internet services", pattern: "^(www|mail|cvs)$", charged: true },
    ];
    const rows = [row("local", 2_465_300_000n), row("www", 1_770_800_000n), row("mail", 203_800_000n),
        row("cvs", 1n), row("unknown", 200_000n), row("related", 200_000n)];

    test("rows fall into the first matching group, the rest into other traffic", () => {
        const r = applyCosts(rows, groups, EUR("0.05"));
        expect(r.groups.map(g => [g.name, g.kind, g.rows.map(x => x.row.name)])).toEqual([
            ["free of charge", "free", ["local"]],
            ["internet services", "charged", ["www", "mail", "cvs"]],
            ["other traffic", "other", ["unknown", "related"]],
        ]);
        expect(r.groups[0]?.cost).toEqual(ZERO);
        expect(r.chargedBytes).toBe(1_770_800_000n + 203_800_000n + 1n + 400_000n);
        expect(r.costMinor).toBe(8854n + 1019n + 0n + 2n);
    });

    test("exact row costs add up to the exact total", () => {
        const plan = EUR("0.07", "GB", { included_quota: "0.5", bulk_discounts: [{ up_to: "1", price_per_unit: "0.3" }] });
        const r = applyCosts(rows, groups, plan);
        let sum = ZERO;
        for (const g of r.groups)
            sum = add(sum, g.cost ?? ZERO);
        expect(sum).toEqual(r.cost);
        let rowSum = ZERO;
        for (const g of r.groups)
            for (const x of g.rows)
                rowSum = add(rowSum, x.cost ?? ZERO);
        expect(rowSum).toEqual(r.cost);
    });

    test("free-of-charge rules and uncharged other traffic", () => {
        const r = applyCosts(rows, groups, EUR("0.05", "MB", { free_of_charge: ["^mail$"], charge_other_traffic: false }));
        expect(r.chargedBytes).toBe(1_770_800_000n + 1n);
        expect(r.groups[1]?.rows.find(x => x.row.name === "mail")?.charged).toBe(false);
        expect(r.costMinor).toBe(8854n);
    });

    test("without a plan there are groups but no money", () => {
        const r = applyCosts(rows, groups, null);
        expect(r.cost).toBeNull();
        expect(r.groups.length).toBe(3);
        expect(r.bytes).toBe(rows.reduce((s, x) => s + x.bytes, 0n));
    });

    test("95th percentile billing: whole bit/s times price per Mbit/s", () => {
        expect(billedBitsPerSecond(15_432_098.6)).toBe(123_456_789n);
        expect(roundToMinor(percentileCost(123_456_789n, "2.50"), 2)).toBe(30864n);
        const r = applyCosts(rows, groups, EUR("0.05", "MB", { percentile95: { price_per_mbps: "2.50" } }), { percentile95BitsPerSecond: 123_456_789n });
        expect(r.costMinor).toBe(30864n);
        expect(r.groups[1]?.cost).toBeNull();
        expect(r.groups[0]?.cost).toEqual(ZERO);
    });
});

describe("billing cycle", () => {
    const utc = (iso: string) => Date.parse(iso) / 1000;
    test.each([
        ["UTC", "2025-11-21T12:00:00Z", 1, 0, "2025-11-01T00:00:00Z", "2025-12-01T00:00:00Z"],
        ["UTC", "2025-11-21T12:00:00Z", 15, 0, "2025-11-15T00:00:00Z", "2025-12-15T00:00:00Z"],
        ["UTC", "2025-11-14T23:59:59Z", 15, 0, "2025-10-15T00:00:00Z", "2025-11-15T00:00:00Z"],
        ["UTC", "2025-11-21T12:00:00Z", 15, -1, "2025-10-15T00:00:00Z", "2025-11-15T00:00:00Z"],
        ["UTC", "2025-02-15T00:00:00Z", 31, 0, "2025-01-31T00:00:00Z", "2025-02-28T00:00:00Z"],
        ["UTC", "2025-03-01T12:00:00Z", 31, 0, "2025-02-28T00:00:00Z", "2025-03-31T00:00:00Z"],
        ["UTC", "2024-02-29T12:00:00Z", 30, 0, "2024-02-29T00:00:00Z", "2024-03-30T00:00:00Z"],
        ["UTC", "2025-01-10T00:00:00Z", 20, 0, "2024-12-20T00:00:00Z", "2025-01-20T00:00:00Z"],
        ["Europe/Berlin", "2025-03-10T12:00:00Z", 30, 0, "2025-02-27T23:00:00Z", "2025-03-29T23:00:00Z"],
        ["Europe/Berlin", "2025-03-31T12:00:00Z", 30, 0, "2025-03-29T23:00:00Z", "2025-04-29T22:00:00Z"],
    ] as const)("%s now=%s day %i offset %i", (zone, now, day, offset, from, to) => {
        expect(billingCycle(utc(now), day, zone, offset)).toEqual({ from: utc(from), to: utc(to) });
    });
});

describe("money formatting", () => {
    test.each([
        [31193n, "EUR", "en-US", "€311.93"],
        [31193n, "EUR", "de-DE", "311,93 €"],
        [123456789012345678901n, "EUR", "en-US", "€1,234,567,890,123,456,789.01"],
        [1234n, "JPY", "en-US", "¥1,234"],
        [5n, "USD", "en-US", "$0.05"],
    ])("%p %s %s → %p", (minor, currency, locale, text) => {
        expect(formatMoney(minor, currency, locale).replace(/\s/g, " ")).toBe(text);
    });
    test("decimal strings for exports", () => {
        expect(minorToDecimal(31193n, "EUR")).toBe("311.93");
        expect(minorToDecimal(5n, "EUR")).toBe("0.05");
        expect(minorToDecimal(1234n, "JPY")).toBe("1234");
    });
    test("half-up rounding", () => {
        expect(roundToMinor(rat(5n, 1000n), 2)).toBe(1n);
        expect(roundToMinor(rat(4999n, 1000000n), 2)).toBe(0n);
        expect(roundToMinor(rat(1n, 3n), 2)).toBe(33n);
        expect(roundToMinor(rat(2n, 3n), 2)).toBe(67n);
    });
});
