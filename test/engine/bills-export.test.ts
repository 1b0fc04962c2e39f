// SPDX-License-Identifier: LGPL-2.1-or-later
// Bills in the report and its exports: two accounts with different plans over three billing
// cycles (day 15), every figure an exact decimal string in JSON and CSV, and a printable invoice
// per account with hostile account names escaped.

import { billTimeframe } from "../../src/engine/billing.ts";
import { cyclesIn, type CyclePart } from "../../src/engine/cycles.ts";
import { identityKey } from "../../src/engine/identity.ts";
import type { GroupConfig } from "../../src/engine/plan.ts";
import { renderBillsCsv, renderInvoice, type InvoiceWords } from "../../src/engine/reports/bills.ts";
import { reportToJson } from "../../src/engine/reports/json.ts";
import { buildReport } from "../../src/engine/reports/report.ts";
import type { Totals, TotalsRow } from "../../src/engine/totals.ts";

const utc = (iso: string) => Date.parse(iso) / 1000;
const FROM = utc("2025-10-15T00:00:00Z");
const TO = utc("2026-01-15T00:00:00Z");
const HOSTILE = "=cmd;$(rm -rf /)<script>x</script>";
const GROUPS: GroupConfig[] = [
    { name: "customer <a>", pattern: "^a", charged: true,
      plan: { currency: "EUR", unit: "GB", price_per_unit: "0.10", included_quota: "10", billing_day: 15 } },
    { name: HOSTILE, pattern: "^b", charged: true },
];
const DEFAULT = { currency: "EUR", unit: "MB" as const, price_per_unit: "0.001", billing_day: 15,
                  bulk_discounts: [{ up_to: "1000", price_per_unit: "0.002" }], charge_other_traffic: false };
const GB = 10n ** 9n;
// bytes of each counter in each of the three cycles
const PER_CYCLE: Record<string, bigint[]> = { a1: [15n * GB, 5n * GB, 30n * GB], b1: [1500n * 10n ** 6n, 0n, 999_999_999n] };

function totals(): Totals {
    const rows: TotalsRow[] = Object.entries(PER_CYCLE).map(([name, bytes], index) => {
        const identity = { source: "nft-rule", family: "inet", table: "filter", chain: "forward", seq: 1, name };
        return { index, key: identityKey(identity), identity, name, hostName: null, bytes: bytes.reduce((s, b) => s + b, 0n), packets: 1n };
    });
    return {
        from: FROM, to: TO, rows, total: { bytes: rows.reduce((s, r) => s + r.bytes, 0n), packets: 2n }, oldest: FROM, newest: TO,
        startEdge: { tier: "detail", resolutionSeconds: 300, inexactSeconds: 0 }, endEdge: { tier: "detail", resolutionSeconds: 300, inexactSeconds: 0 },
        corruptCount: 0, tornCount: 0, error: null,
    };
}

function report() {
    const t = totals();
    const parts = cyclesIn({ from: FROM, to: TO }, 15, "UTC") as CyclePart[];
    const nameOf = new Map(t.rows.map(r => [r.key, r.name]));
    const billing = billTimeframe(t.rows, GROUPS, DEFAULT, () => parts,
                                  (part, counters) => counters.reduce((s, c) => s + (PER_CYCLE[nameOf.get(c) as string]?.[parts.indexOf(part)] ?? 0n), 0n),
                                  () => null);
    return buildReport({ host: "gw", generatedAt: TO, locale: "de-DE", timeframe: { from: FROM, to: TO, zone: "UTC", phrase: null, period: null },
                         totals: t, groups: GROUPS, plan: DEFAULT, billing });
}

test("each account by its own plan, cycle by cycle; the total is the sum of the bills", () => {
    const r = report();
    // a: (15-10)*0.10 = 0.50; 5 GB under the quota = 0; (30-10)*0.10 = 2.00
    // b: 1000 MB * 0.002 + 500 * 0.001 = 2.50; 0; 999.999999 MB * 0.002 = 1.999999998 → 2.00
    expect(r.bills.map(b => [b.account, b.cycles.map(c => c.costMinor), b.costMinor])).toEqual([
        ["customer <a>", [50n, 0n, 200n], 250n],
        [HOSTILE, [250n, 0n, 200n], 450n],
    ]);
    expect(r.total.costMinor).toBe(700n);
    // rows carry their account's exact cost: here one row per account
    expect(r.groups.map(g => g.costMinor)).toEqual([250n, 450n]);
});

test("JSON: exact decimal strings, line by line", () => {
    const json = reportToJson(report()) as { bills: { account: string; cost: string; cycles: { cost: string; cost_exact: string; volume: string; partial: boolean; lines: unknown[] }[] }[] };
    const b = json.bills[1];
    expect(b?.account).toBe(HOSTILE);
    expect(b?.cost).toBe("4.50");
    expect(b?.cycles.map(c => [c.volume, c.cost_exact, c.cost, c.partial])).toEqual([
        ["1500", "2.5", "2.50", false], ["0", "0", "0.00", false], ["999.999999", "1.999999998", "2.00", false],
    ]);
    expect(b?.cycles[0]?.lines).toEqual([
        { kind: "discount", from: "0", to: "1000", units: "1000", price_per_unit: "0.002", cost: "2" },
        { kind: "base", from: "1000", to: "1500", units: "500", price_per_unit: "0.001", cost: "0.5" },
    ]);
    expect(json.bills[0]?.cycles[0]?.lines).toEqual([
        { kind: "included", from: "0", to: "10", units: "10", price_per_unit: "0", cost: "0" },
        { kind: "base", from: "10", to: "15", units: "5", price_per_unit: "0.10", cost: "0.5" },
    ]);
});

test("CSV: one row per line, names inert for spreadsheets", () => {
    const csv = renderBillsCsv(report()).split("\r\n");
    expect(csv[0]).toBe("account,currency,unit,cycle_from,cycle_to,from,to,partial,bytes,volume,line,line_from,line_to,line_units,price_per_unit,line_cost,percentile95_bits_per_second,cycle_cost");
    expect(csv).toContain("customer <a>,EUR,GB,2025-10-15T00:00:00+00:00,2025-11-15T00:00:00+00:00,2025-10-15T00:00:00+00:00,2025-11-15T00:00:00+00:00,no,15000000000,15,base,10,15,5,0.10,0.5,,0.50");
    const hostile = csv.filter(l => l.includes("cmd"));
    expect(hostile.length).toBe(4);
    for (const line of hostile)
        expect(line.startsWith("'=cmd;$(rm -rf /)<script>x</script>,EUR,MB,")).toBe(true);
});

test("invoice: the user's words, every name escaped, the bill's figures", () => {
    const r = report();
    const words: InvoiceWords = {
        title: "Rechnung", account: "Konto", host: "Rechner", period: "Zeitraum", generated: "Erstellt", partial: "Teil",
        traffic: "Datenverkehr", included: "Inklusivvolumen", discount: "Mengenrabatt", base: "Grundpreis", percentile: "95. Perzentil",
        unknown: "unbekannt", total: "Summe", units: (a, b, u) => `von ${a} bis ${b} ${u}`, atPrice: (u, p) => `${u} × ${p}`,
    };
    const html = renderInvoice(r, r.bills[1] as (typeof r.bills)[number], words, b => `${b} B`);
    expect(html).not.toContain("<script>x");
    expect(html).toContain("=cmd;$(rm -rf /)&lt;script&gt;x&lt;/script&gt;");
    expect(html).toContain('<html lang="de-DE">');
    expect(html).toContain("Mengenrabatt");
    expect(html).toContain("von 0 bis 1.000 MB"); // German digits, every one kept
    expect(html).toContain("999,999999 MB");
    expect(html).toContain("1,999999998 EUR");
    expect(html).toContain("Summe: 4,50\u00a0€");
    expect(html).not.toMatch(/<script|on\w+=/i);
});
