// SPDX-License-Identifier: LGPL-2.1-or-later
// Bills: cycles cut at the billing day (day 31 in February, daylight-saving changes), quota and
// bulk discounts applied in each cycle, partial cycles marked, accounts billed on their own
// traffic, lines that reproduce each bill, and the billing-cycle timeframe phrases.

import { accountsOf, billAccount, billCycle, billTimeframe, linesCost, percentileOfPart, volumeLines } from "../../src/engine/billing.ts";
import { volumeCost } from "../../src/engine/costs.ts";
import { cyclesIn, MAX_CYCLES, type CyclePart } from "../../src/engine/cycles.ts";
import { exactDecimal, rat, roundToMinor } from "../../src/engine/money.ts";
import type { CostPlan, GroupConfig } from "../../src/engine/plan.ts";
import { parseTimeframe, shiftTimeframe } from "../../src/engine/timeframe.ts";

const utc = (iso: string) => Date.parse(iso) / 1000;
const GB = 10n ** 9n;
const plan = (extra: Partial<CostPlan> = {}): CostPlan => ({ currency: "EUR", unit: "GB", price_per_unit: "1", ...extra });
const span = (p: CyclePart) => [new Date(p.from * 1000).toISOString(), new Date(p.to * 1000).toISOString(), p.partial];

describe("cycles of a timeframe", () => {
    test("three whole cycles with billing day 15", () => {
        const parts = cyclesIn({ from: utc("2025-10-15T00:00:00Z"), to: utc("2026-01-15T00:00:00Z") }, 15, "UTC");
        expect(parts?.map(span)).toEqual([
            ["2025-10-15T00:00:00.000Z", "2025-11-15T00:00:00.000Z", false],
            ["2025-11-15T00:00:00.000Z", "2025-12-15T00:00:00.000Z", false],
            ["2025-12-15T00:00:00.000Z", "2026-01-15T00:00:00.000Z", false],
        ]);
    });
    test("a calendar month with billing day 15 is two partial cycles", () => {
        const parts = cyclesIn({ from: utc("2025-11-01T00:00:00Z"), to: utc("2025-12-01T00:00:00Z") }, 15, "UTC") ?? [];
        expect(parts.map(span)).toEqual([
            ["2025-11-01T00:00:00.000Z", "2025-11-15T00:00:00.000Z", true],
            ["2025-11-15T00:00:00.000Z", "2025-12-01T00:00:00.000Z", true],
        ]);
        expect(parts[0]?.cycle).toEqual({ from: utc("2025-10-15T00:00:00Z"), to: utc("2025-11-15T00:00:00Z") });
    });
    test("day 31: February's cycle starts on its last day, in a leap year too", () => {
        const parts = cyclesIn({ from: utc("2024-01-31T00:00:00Z"), to: utc("2024-04-15T00:00:00Z") }, 31, "UTC") ?? [];
        expect(parts[2]?.cycle.to).toBe(utc("2024-04-30T00:00:00Z")); // April has 30 days
        expect(parts.map(p => [new Date(p.cycle.from * 1000).toISOString().slice(0, 10), p.partial])).toEqual([
            ["2024-01-31", false], ["2024-02-29", false], ["2024-03-31", true],
        ]);
    });
    test("local midnights across daylight-saving changes (Berlin)", () => {
        const parts = cyclesIn({ from: utc("2025-03-15T00:00:00Z"), to: utc("2025-11-20T00:00:00Z") }, 27, "Europe/Berlin") ?? [];
        const starts = parts.map(p => new Date(p.cycle.from * 1000).toISOString());
        expect(starts[0]).toBe("2025-02-26T23:00:00.000Z"); // CET
        expect(starts[1]).toBe("2025-03-26T23:00:00.000Z"); // still CET: the change is on the 30th
        expect(starts[2]).toBe("2025-04-26T22:00:00.000Z"); // CEST
        expect(starts[8]).toBe("2025-10-26T23:00:00.000Z"); // CET again, on the day of the change
        expect(parts[2]?.cycle.to).toBe(utc("2025-05-26T22:00:00Z"));
    });
    test("too many cycles are refused, not billed", () => {
        expect(cyclesIn({ from: 0, to: utc("2025-01-01T00:00:00Z") }, 1, "UTC")).toBeNull();
        expect(MAX_CYCLES).toBe(480);
    });
});

describe("a cycle's bill, line by line", () => {
    const tiered = plan({ price_per_unit: "0.01", included_quota: "10",
                          bulk_discounts: [{ up_to: "100", price_per_unit: "0.10" }, { up_to: "1000", price_per_unit: "0.05" }] });
    test.each([0n, 5n, 10n, 50n, 100n, 999n, 1000n, 1500n, 123456n])("%p GB: the lines add up to the plan's cost", gb => {
        const lines = volumeLines(rat(gb * GB, GB), tiered);
        expect(linesCost(lines)).toEqual(volumeCost(gb * GB, tiered));
    });
    test("1500 GB: quota, two discounts, base", () => {
        const lines = volumeLines(rat(1500n * GB, GB), tiered);
        expect(lines.map(l => [l.kind, exactDecimal(l.from), exactDecimal(l.to), l.pricePerUnit, exactDecimal(l.cost)])).toEqual([
            ["included", "0", "10", "0", "0"],
            ["discount", "10", "100", "0.10", "9"],
            ["discount", "100", "1000", "0.05", "45"],
            ["base", "1000", "1500", "0.01", "5"],
        ]);
    });
    test("binary units give exact decimal volumes", () => {
        const lines = volumeLines(rat(1536n * 1024n ** 2n + 1n, 1024n ** 3n), plan({ unit: "GiB", price_per_unit: "0.5" }));
        expect(exactDecimal(lines[0]?.to ?? rat(0n))).toBe("1.500000000931322574615478515625");
    });
    test("cost rounded once per cycle, half-up", () => {
        const part = { cycle: { from: 0, to: 10 }, from: 0, to: 10, partial: false };
        expect(billCycle(part, 5n * 10n ** 6n, plan({ price_per_unit: "1" })).costMinor).toBe(1n); // 0.005 → 0.01
        expect(billCycle(part, 4999999n, plan({ price_per_unit: "1" })).costMinor).toBe(0n);
    });
});

describe("accounts, billed cycle by cycle", () => {
    const groups: GroupConfig[] = [
        { name: "free", pattern: "^local$", charged: false },
        { name: "customer a", pattern: "^a-", charged: true },
        { name: "customer b", pattern: "^b-", charged: true },
    ];
    const rows = ["local", "a-web", "a-mail", "b-web", "x"].map(name => ({ key: `k:${name}`, name, bytes: 1n, packets: 1n }));
    const three = cyclesIn({ from: utc("2025-10-15T00:00:00Z"), to: utc("2026-01-15T00:00:00Z") }, 15, "UTC") ?? [];

    test("each charged group is an account; free groups are not; traffic in no group is one", () => {
        const accounts = accountsOf(rows, groups, plan());
        expect(accounts.map(a => [a.account, a.counters])).toEqual([
            ["customer a", ["k:a-web", "k:a-mail"]], ["customer b", ["k:b-web"]], ["other traffic", ["k:x"]],
        ]);
        expect(accountsOf(rows, groups, plan({ charge_other_traffic: false })).map(a => a.account)).toEqual(["customer a", "customer b"]);
        expect(accountsOf(rows, groups, null)).toEqual([]);
    });

    test("an account with its own plan is billed by it; the others by the default plan", () => {
        const own = plan({ unit: "MB", price_per_unit: "3", billing_day: 15, free_of_charge: ["mail"] });
        const withPlan = groups.map(g => (g.name === "customer a" ? { ...g, plan: own } : g));
        const accounts = accountsOf(rows, withPlan, plan());
        expect(accounts.map(a => [a.account, a.plan.unit, a.counters])).toEqual([
            ["customer a", "MB", ["k:a-web"]], ["customer b", "GB", ["k:b-web"]], ["other traffic", "GB", ["k:x"]],
        ]);
        // without a default plan only the accounts with their own are billed
        expect(accountsOf(rows, withPlan, null).map(a => a.account)).toEqual(["customer a"]);
    });

    test("a three-cycle timeframe applies the quota three times", () => {
        const p = plan({ included_quota: "100" });
        const bill = billAccount({ account: "a", plan: p, counters: ["k"] }, three, () => 150n * GB);
        expect(bill.cycles.map(c => c.costMinor)).toEqual([5000n, 5000n, 5000n]);
        expect(bill.costMinor).toBe(15000n);
        expect(bill.bytes).toBe(450n * GB);
        // the same traffic as one cycle would have had the quota once: 350 EUR
        expect(roundToMinor(volumeCost(450n * GB, p), 2)).toBe(35000n);
    });

    test("one customer's volume does not discount another's", () => {
        const p = plan({ bulk_discounts: [{ up_to: "100", price_per_unit: "2" }], price_per_unit: "1" });
        const bytes: Record<string, bigint> = { a: 100n * GB, b: 100n * GB };
        const billOf = (account: string) => billAccount({ account, plan: p, counters: [account] }, three.slice(0, 1),
                                                        (_part, counters) => bytes[counters[0] as string] as bigint);
        expect([billOf("a").costMinor, billOf("b").costMinor]).toEqual([20000n, 20000n]);
    });

    test("bytes come from each part's own window", () => {
        const perCycle = [10n * GB, 20n * GB, 30n * GB];
        const bill = billAccount({ account: "a", plan: plan(), counters: ["k"] }, three, part => perCycle[three.indexOf(part)] as bigint);
        expect(bill.cycles.map(c => c.costMinor)).toEqual([1000n, 2000n, 3000n]);
    });

    test("95th percentile per cycle; an unknown rate makes the cost unknown, never zero", () => {
        const p = plan({ percentile95: { price_per_mbps: "2" } });
        const known = billAccount({ account: "a", plan: p, counters: ["k"] }, three, () => 0n, () => ({ bitsPerSecond: 5_000_000n, samples: 8928 }));
        expect(known.cycles.map(c => c.costMinor)).toEqual([1000n, 1000n, 1000n]);
        const unknown = billAccount({ account: "a", plan: p, counters: ["k"] }, three, () => 0n, () => null);
        expect(unknown.costMinor).toBeNull();
    });
});

describe("notes as values, and the 95th percentile of a part", () => {
    const rows = [{ key: "k:a", name: "a", bytes: 10n * GB, packets: 1n }, { key: "k:b", name: "b", bytes: 10n * GB, packets: 1n }];
    const groups: GroupConfig[] = [{ name: "A", pattern: "^a$", charged: true }, { name: "B", pattern: "^b$", charged: true }];
    const month = { from: utc("2025-11-01T00:00:00Z"), to: utc("2025-12-01T00:00:00Z") };

    test("partial cycles: one note per cycle, whatever the number of accounts", () => {
        const b = billTimeframe(rows, groups, plan({ billing_day: 15 }), day => cyclesIn(month, day, "UTC"), () => 5n * GB, () => null);
        expect(b.bills.map(x => x.cycles.map(c => c.part.partial))).toEqual([[true, true], [true, true]]);
        expect(b.notes).toEqual([
            { code: "partial-cycle", from: utc("2025-10-15T00:00:00Z"), to: utc("2025-11-15T00:00:00Z") },
            { code: "partial-cycle", from: utc("2025-11-15T00:00:00Z"), to: utc("2025-12-15T00:00:00Z") },
        ]);
    });
    test("too many cycles: no bill, a note", () => {
        const b = billTimeframe(rows, groups, plan(), () => null, () => 0n, () => null);
        expect(b).toEqual({ bills: [], notes: [{ code: "too-many-cycles", max: MAX_CYCLES }] });
    });
    test("a percentile that cannot be measured: a note, and no cost", () => {
        const b = billTimeframe(rows, groups, plan({ percentile95: { price_per_mbps: "1" } }), day => cyclesIn(month, day, "UTC"), () => 0n, () => null);
        expect(b.notes).toEqual([{ code: "percentile-unknown" }]);
        expect(b.bills.map(x => x.costMinor)).toEqual([null, null]);
    });
    test("only whole five-minute buckets inside the part count", () => {
        const part = { cycle: { from: 0, to: 3000 }, from: 600, to: 2100, partial: true };
        const x = Float64Array.from({ length: 10 }, (_v, i) => i * 300);
        // buckets at 600..1800 are inside (5 of them); 20 bytes/s everywhere but one burst outside
        const rates = Float64Array.from(x, t => (t === 0 ? 1e9 : t === 1200 ? 100 : 20));
        // 5 samples: none dropped (5 % of 5 rounds down to 0), the highest is billed: 100 B/s = 800 bit/s
        expect(percentileOfPart(x, rates, part)).toEqual({ bitsPerSecond: 800n, samples: 5 });
        expect(percentileOfPart(x, rates, { ...part, from: 610, to: 890 })).toBeNull();
    });
});

describe("billing-cycle timeframes", () => {
    const ctx = { now: utc("2025-12-03T10:00:00Z"), zone: "UTC", billingDay: 15 };
    test.each([
        ["this billing cycle", "2025-11-15T00:00:00Z", "2025-12-15T00:00:00Z", "this billing cycle"],
        ["last billing cycle", "2025-10-15T00:00:00Z", "2025-11-15T00:00:00Z", "last billing cycle"],
        ["the billing cycle 2 cycles ago", "2025-09-15T00:00:00Z", "2025-10-15T00:00:00Z", "the billing cycle 2 cycles ago"],
        ["The  Billing Cycle 1 cycles ago", "2025-10-15T00:00:00Z", "2025-11-15T00:00:00Z", "last billing cycle"],
    ])("%s", (phrase, from, to, canonical) => {
        const r = parseTimeframe({ phrase }, ctx);
        expect(r.ok && [r.timeframe.from, r.timeframe.to, r.timeframe.phrase]).toEqual([utc(from), utc(to), canonical]);
    });
    test("without a billing day, cycles start on the 1st", () => {
        const r = parseTimeframe({ phrase: "last billing cycle" }, { now: ctx.now, zone: "UTC" });
        expect(r.ok && [r.timeframe.from, r.timeframe.to]).toEqual([utc("2025-11-01T00:00:00Z"), utc("2025-12-01T00:00:00Z")]);
    });
    test("day 31 in February, and a step back", () => {
        const c = { now: utc("2025-03-10T10:00:00Z"), zone: "UTC", billingDay: 31 };
        const r = parseTimeframe({ phrase: "this billing cycle" }, c);
        expect(r.ok && [r.timeframe.from, r.timeframe.to]).toEqual([utc("2025-02-28T00:00:00Z"), utc("2025-03-31T00:00:00Z")]);
        if (!r.ok)
            return;
        const before = shiftTimeframe(r.timeframe, -1, c);
        expect([before.from, before.to, before.phrase]).toEqual([utc("2025-01-31T00:00:00Z"), utc("2025-02-28T00:00:00Z"), "last billing cycle"]);
    });
    test.each([["this cycle", "cycle"], ["last billing", ""], ["last billing month", "month"], ["the billing cycle 2 months ago", "months"]])(
        "%s is refused", (phrase, word) => {
            const r = parseTimeframe({ phrase }, ctx);
            expect(r.ok ? null : r.word).toBe(word);
        });
});
