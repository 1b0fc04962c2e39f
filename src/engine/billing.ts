// SPDX-License-Identifier: LGPL-2.1-or-later
// Bills (docs/costs.md): each account (a charged group, or the charged traffic in no group) is
// billed on its own traffic, cycle by cycle, with its quota and bulk discounts applied in each
// cycle. A bill is a list of lines that reproduce it: the included quota, each bulk discount's
// share, the volume at the base price, or the billed 95th-percentile rate. The page and every
// export render these values; nothing here is rounded but each cycle's cost, once, half-up.

import { applyCosts, billedBitsPerSecond, percentileCost, type CostInputRow } from "./costs.ts";
import { percentile95 } from "./series.ts";
import { MAX_CYCLES, type CyclePart } from "./cycles.ts";
import { ZERO, add, cmp, currencyDigits, max, min, mul, parseDecimal, rat, roundToMinor, sub, type Rational } from "./money.ts";
import { UNIT_BYTES, type CostPlan, type GroupConfig } from "./plan.ts";

/** One line of a cycle's bill: a range of the cycle's volume (in plan units) at one price. */
export interface BillLine {
    kind: "included" | "discount" | "base";
    /** Volume range in plan units: [from, to). */
    from: Rational;
    to: Rational;
    /** Decimal price per plan unit ("0" for the included quota). */
    pricePerUnit: string;
    cost: Rational;
}

export interface PercentileFigure {
    /** Billed rate, whole bit/s (half-up). */
    bitsPerSecond: bigint;
    /** Five-minute samples in the part of the cycle. */
    samples: number;
}

export interface CycleBill {
    part: CyclePart;
    bytes: bigint;
    /** Volume in plan units, exact. */
    volume: Rational;
    lines: BillLine[];
    /** With 95th-percentile billing: the billed rate; null when it could not be measured. */
    percentile: PercentileFigure | null;
    /** Exact cost; null with percentile billing when the rate is unknown. */
    cost: Rational | null;
    /** Rounded once, half-up, to the currency's minor unit. */
    costMinor: bigint | null;
}

export interface AccountBill {
    /** The group's name, or the name given to traffic in no group. */
    account: string;
    plan: CostPlan;
    /** Keys of the counters billed to this account. */
    counters: string[];
    cycles: CycleBill[];
    bytes: bigint;
    /** The sum of the cycles' rounded costs, as the invoices add up; null if one is unknown. */
    costMinor: bigint | null;
}

/** The lines of a volume under a plan: quota first, then each bulk discount, then the base price. */
export function volumeLines(volume: Rational, plan: CostPlan): BillLine[] {
    const lines: BillLine[] = [];
    const quota = parseDecimal(plan.included_quota ?? "0") ?? ZERO;
    const included = min(quota, volume);
    if (cmp(included, ZERO) > 0)
        lines.push({ kind: "included", from: ZERO, to: included, pricePerUnit: "0", cost: ZERO });
    const segment = (kind: BillLine["kind"], from: Rational, to: Rational | null, price: string): void => {
        const a = max(from, quota);
        const b = to === null ? volume : min(to, volume);
        if (cmp(b, a) > 0)
            lines.push({ kind, from: a, to: b, pricePerUnit: price, cost: mul(sub(b, a), parseDecimal(price) ?? ZERO) });
    };
    let lo = ZERO;
    for (const d of plan.bulk_discounts ?? []) {
        const hi = d.up_to === null ? null : parseDecimal(d.up_to);
        segment("discount", lo, hi, d.price_per_unit);
        if (hi === null)
            return lines;
        lo = hi;
    }
    segment("base", lo, null, plan.price_per_unit);
    return lines;
}

export const linesCost = (lines: readonly BillLine[]): Rational => lines.reduce((sum, l) => add(sum, l.cost), ZERO);

/** The bill of one part of a cycle. `percentile` is required with percentile billing (null: unknown). */
export function billCycle(part: CyclePart, bytes: bigint, plan: CostPlan, percentile: PercentileFigure | null = null): CycleBill {
    const volume = rat(bytes, UNIT_BYTES[plan.unit]);
    const digits = currencyDigits(plan.currency);
    if (plan.percentile95) {
        const cost = percentile === null ? null : percentileCost(percentile.bitsPerSecond, plan.percentile95.price_per_mbps);
        return { part, bytes, volume, lines: [], percentile, cost, costMinor: cost === null ? null : roundToMinor(cost, digits) };
    }
    const lines = volumeLines(volume, plan);
    const cost = linesCost(lines);
    return { part, bytes, volume, lines, percentile: null, cost, costMinor: roundToMinor(cost, digits) };
}

export interface AccountInput {
    account: string;
    plan: CostPlan;
    counters: string[];
}

/**
 * The accounts of a timeframe's rows: every charged group with charged rows is one, with its own
 * plan or the default one, and so is the charged traffic in no group (default plan). A row is
 * charged as applyCosts() decides (free groups and free-of-charge patterns stay free).
 */
export function accountsOf<R extends CostInputRow>(rows: readonly R[], groups: readonly GroupConfig[], plan: CostPlan | null,
                                                   otherName = "other traffic"): AccountInput[] {
    const costed = applyCosts(rows, groups, plan, { otherName });
    const out: AccountInput[] = [];
    for (const g of costed.groups) {
        const own = g.kind === "other" ? plan : groups.find(c => c.name === g.name)?.plan ?? plan;
        const counters = g.rows.filter(r => r.charged).map(r => r.row.key);
        if (own && counters.length > 0)
            out.push({ account: g.name, plan: own, counters });
    }
    return out;
}

/**
 * Bills an account over the parts of its cycles. `bytesIn(part, counters)` gives the account's
 * bytes in a part (from the store read's window for it); `percentileIn` its billed rate, with
 * percentile billing (null: no 5-minute samples).
 */
export function billAccount(input: AccountInput, parts: readonly CyclePart[],
                            bytesIn: (part: CyclePart, counters: readonly string[]) => bigint,
                            percentileIn: (part: CyclePart, counters: readonly string[]) => PercentileFigure | null = () => null): AccountBill {
    const cycles = parts.map(part => billCycle(part, bytesIn(part, input.counters), input.plan,
                                               input.plan.percentile95 ? percentileIn(part, input.counters) : null));
    let bytes = 0n;
    let costMinor: bigint | null = 0n;
    for (const c of cycles) {
        bytes += c.bytes;
        costMinor = costMinor === null || c.costMinor === null ? null : costMinor + c.costMinor;
    }
    return { ...input, cycles, bytes, costMinor };
}

/** Something the reader of a bill must know, as a value (reports/report.ts words it). */
export type BillingNote =
    | { code: "partial-cycle"; from: number; to: number }
    | { code: "too-many-cycles"; max: number }
    | { code: "percentile-unknown" }
    | { code: "percentile-from-hourly" };

export interface Billing {
    bills: AccountBill[];
    notes: BillingNote[];
}

/**
 * Bills every account of a timeframe. `partsOf(day)` cuts the timeframe into the cycles of a
 * billing day (null: too many); `bytesIn` and `percentileIn` as for billAccount().
 */
export function billTimeframe<R extends CostInputRow>(rows: readonly R[], groups: readonly GroupConfig[], plan: CostPlan | null,
                                                      partsOf: (billingDay: number) => CyclePart[] | null,
                                                      bytesIn: (part: CyclePart, counters: readonly string[]) => bigint,
                                                      percentileIn: (part: CyclePart, counters: readonly string[]) => PercentileFigure | null,
                                                      otherName?: string): Billing {
    const notes: BillingNote[] = [];
    const bills: AccountBill[] = [];
    for (const account of accountsOf(rows, groups, plan, otherName)) {
        const parts = partsOf(account.plan.billing_day ?? 1);
        if (parts === null) {
            if (!notes.some(n => n.code === "too-many-cycles"))
                notes.push({ code: "too-many-cycles", max: MAX_CYCLES });
            continue;
        }
        const bill = billAccount(account, parts, bytesIn, percentileIn);
        bills.push(bill);
        for (const { part } of bill.cycles)
            if (part.partial && !notes.some(n => n.code === "partial-cycle" && n.from === part.cycle.from && n.to === part.cycle.to))
                notes.push({ code: "partial-cycle", from: part.cycle.from, to: part.cycle.to });
        if (bill.cycles.some(c => account.plan.percentile95 && c.percentile === null) && !notes.some(n => n.code === "percentile-unknown"))
            notes.push({ code: "percentile-unknown" });
    }
    return { bills, notes };
}

/** The exact cost of an account's bill (the sum of its cycles' exact costs); null if one is unknown. */
export function billExactCost(bill: AccountBill): Rational | null {
    let sum = ZERO;
    for (const c of bill.cycles) {
        if (c.cost === null)
            return null;
        sum = add(sum, c.cost);
    }
    return sum;
}

/**
 * The billed 95th-percentile rate of a part from five-minute rates (bytes/s, buckets starting at
 * `x`): only whole buckets inside the part count. Null when there is none.
 */
export function percentileOfPart(x: ArrayLike<number>, bytesPerSecond: ArrayLike<number>, part: CyclePart): PercentileFigure | null {
    const samples: number[] = [];
    for (let i = 0; i < x.length; i++) {
        const start = x[i] as number;
        if (start >= part.from && start + 300 <= part.to)
            samples.push((bytesPerSecond[i] as number) || 0);
    }
    if (samples.length === 0)
        return null;
    return { bitsPerSecond: billedBitsPerSecond(percentile95(samples)), samples: samples.length };
}
