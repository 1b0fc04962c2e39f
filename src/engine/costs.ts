// SPDX-License-Identifier: LGPL-2.1-or-later
// Costs (docs/costs.md): the billing cycle, and the exact cost of a timeframe's totals: volume
// pricing with graduated bulk discounts and an included quota, or the 95th percentile of
// 5-minute rates priced per Mbit/s. The plan and groups themselves are read in plan.ts.

import { compileFilter, NameFilter } from "./filter.ts";
import { Rational, ZERO, add, cmp, max, min, mul, parseDecimal, rat, sub, roundToMinor, currencyDigits } from "./money.ts";
import { UNIT_BYTES, type CostPlan, type GroupConfig } from "./plan.ts";

/** Where a row sits in a report. */
export type GroupKind = "free" | "charged" | "other";

export interface CostInputRow {
    key: string;
    name: string;
    bytes: bigint;
    packets: bigint;
}

export interface CostedRow<R extends CostInputRow = CostInputRow> {
    row: R;
    charged: boolean;
    /** Exact cost in major units; null when the plan bills by percentile (no per-row cost). */
    cost: Rational | null;
}

export interface CostedGroup<R extends CostInputRow = CostInputRow> {
    name: string;
    kind: GroupKind;
    rows: CostedRow<R>[];
    bytes: bigint;
    packets: bigint;
    cost: Rational | null;
}

export interface CostResult<R extends CostInputRow = CostInputRow> {
    groups: CostedGroup<R>[];
    bytes: bigint;
    packets: bigint;
    chargedBytes: bigint;
    /** Exact cost of the whole timeframe; null without a plan. */
    cost: Rational | null;
    /** Rounded once, from the exact total, half-up; null without a plan. */
    costMinor: bigint | null;
    currency: string | null;
    /** With percentile billing: the billed rate in bit/s (rounded to whole bits per second). */
    percentile95BitsPerSecond: bigint | null;
}

/**
 * The exact cost of a charged volume under a plan: the included quota first, then the graduated
 * bulk discounts, then `price_per_unit` above the last one.
 */
export function volumeCost(bytes: bigint, plan: CostPlan): Rational {
    const unit = UNIT_BYTES[plan.unit];
    const volume = rat(bytes, unit);
    const quota = parseDecimal(plan.included_quota ?? "0") ?? ZERO;
    const base = parseDecimal(plan.price_per_unit) ?? ZERO;
    let cost = ZERO;
    let lo = ZERO;
    const segment = (from: Rational, to: Rational | null, price: Rational): void => {
        const a = max(from, quota);
        const b = to === null ? volume : min(to, volume);
        if (cmp(b, a) > 0)
            cost = add(cost, mul(sub(b, a), price));
    };
    for (const t of plan.bulk_discounts ?? []) {
        const hi = t.up_to === null ? null : parseDecimal(t.up_to);
        segment(lo, hi, parseDecimal(t.price_per_unit) ?? ZERO);
        if (hi === null)
            return cost;
        lo = hi;
    }
    segment(lo, null, base);
    return cost;
}

/** Cost of a rate billed by the 95th percentile: whole bits per second × price per Mbit/s. */
export function percentileCost(bitsPerSecond: bigint, pricePerMbps: string): Rational {
    return mul(rat(bitsPerSecond, 1000000n), parseDecimal(pricePerMbps) ?? ZERO);
}

function compileAll(patterns: readonly string[] | undefined): NameFilter[] {
    const out: NameFilter[] = [];
    for (const p of patterns ?? []) {
        const f = compileFilter(p);
        if (f.ok)
            out.push(f.filter);
    }
    return out;
}

/**
 * Sorts rows into the configured groups (first matching pattern wins; the rest is "other
 * traffic") and costs them. Tiers and the quota apply to the sum of all charged traffic, as a
 * bill does; each charged row carries its share of that cost in proportion to its bytes, so the
 * exact row costs add up to the exact total. Rounding happens once, on the total (and on each
 * figure separately when it is displayed).
 */
export function applyCosts<R extends CostInputRow>(rows: readonly R[], groups: readonly GroupConfig[], defaultPlan: CostPlan | null,
                                                   options: { percentile95BitsPerSecond?: bigint; otherName?: string } = {}): CostResult<R> {
    const filters = groups.map(g => compileFilter(g.pattern, { caseInsensitive: g.case_insensitive === true }));
    let plan = defaultPlan;
    const free = compileAll(plan?.free_of_charge);
    const groupFree = groups.map(g => compileAll(g.plan?.free_of_charge));
    const otherCharged = plan?.charge_other_traffic ?? true;
    const buckets: CostedGroup<R>[] = groups.map(g => ({ name: g.name, kind: g.charged ? "charged" : "free", rows: [], bytes: 0n, packets: 0n, cost: null }));
    const other: CostedGroup<R> = { name: options.otherName ?? "other traffic", kind: "other", rows: [], bytes: 0n, packets: 0n, cost: null };
    let chargedBytes = 0n;
    let bytes = 0n;
    let packets = 0n;
    for (const row of rows) {
        let gi = -1;
        for (let i = 0; i < groups.length; i++) {
            const f = filters[i];
            if (f && f.ok && f.filter.test(row.name)) {
                gi = i;
                break;
            }
        }
        const group = gi >= 0 ? buckets[gi] as CostedGroup<R> : other;
        const config = gi >= 0 ? groups[gi] as GroupConfig : null;
        const groupCharged = config ? config.charged : otherCharged;
        // a row is charged under its account's plan: the group's own, or the default one
        const charged = (config?.plan ?? plan) !== null && groupCharged && !free.some(f => f.test(row.name)) &&
            !(groupFree[gi] ?? []).some(f => f.test(row.name));
        group.rows.push({ row, charged, cost: null });
        group.bytes += row.bytes;
        group.packets += row.packets;
        bytes += row.bytes;
        packets += row.packets;
        if (charged)
            chargedBytes += row.bytes;
    }
    const all = [...buckets, other].filter(g => g.rows.length > 0);
    // Without bills (billing.ts), one plan prices all charged traffic together: the default
    // plan, or the first account's when there is no default.
    const pricing = plan ?? groups.find(g => g.plan)?.plan ?? null;
    if (pricing === null)
        return { groups: all, bytes, packets, chargedBytes, cost: null, costMinor: null, currency: null, percentile95BitsPerSecond: null };
    plan = pricing;

    let total: Rational;
    let p95: bigint | null = null;
    if (plan.percentile95) {
        p95 = options.percentile95BitsPerSecond ?? 0n;
        total = percentileCost(p95, plan.percentile95.price_per_mbps);
    } else {
        total = volumeCost(chargedBytes, plan);
    }
    for (const g of all) {
        let sum = ZERO;
        for (const r of g.rows) {
            if (plan.percentile95) {
                r.cost = r.charged ? null : ZERO;
                continue;
            }
            r.cost = !r.charged || chargedBytes === 0n ? ZERO : mul(total, rat(r.row.bytes, chargedBytes));
            sum = add(sum, r.cost);
        }
        if (plan.percentile95)
            g.cost = g.rows.some(r => r.charged) ? null : ZERO;
        else
            g.cost = sum;
    }
    return {
        groups: all,
        bytes,
        packets,
        chargedBytes,
        cost: total,
        costMinor: roundToMinor(total, currencyDigits(plan.currency)),
        currency: plan.currency,
        percentile95BitsPerSecond: p95,
    };
}

/** The billed rate from 5-minute samples in bytes/s: the 95th percentile in whole bit/s, half-up. */
export function billedBitsPerSecond(p95BytesPerSecond: number): bigint {
    if (!Number.isFinite(p95BytesPerSecond) || p95BytesPerSecond <= 0)
        return 0n;
    return BigInt(Math.round(p95BytesPerSecond * 8));
}
