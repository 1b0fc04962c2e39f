// SPDX-License-Identifier: LGPL-2.1-or-later
// Costs: the cost plan and report groups of the shared config file (docs/costs.md), their
// validation with field paths for the Settings form, the billing cycle, and the exact cost of
// a timeframe's totals: volume pricing with graduated tiers and an included quota, or the
// 95th percentile of 5-minute rates priced per Mbit/s.

import { compileFilter, NameFilter } from "./filter.ts";
import { Rational, ZERO, add, cmp, isCurrency, max, min, mul, parseDecimal, rat, sub, roundToMinor, currencyDigits } from "./money.ts";
import { daysInMonth, fromWall, toWall } from "./zone.ts";

export type VolumeUnit = "MB" | "GB" | "TB" | "MiB" | "GiB" | "TiB";

export const UNIT_BYTES: Record<VolumeUnit, bigint> = {
    MB: 10n ** 6n,
    GB: 10n ** 9n,
    TB: 10n ** 12n,
    MiB: 1024n ** 2n,
    GiB: 1024n ** 3n,
    TiB: 1024n ** 4n,
};

/** One step of graduated pricing: the volume up to `upTo` units (from the previous step's) costs `pricePerUnit`. */
export interface PriceTier {
    /** Decimal string in plan units; null = no upper limit (only the last tier). */
    upTo: string | null;
    pricePerUnit: string;
}

/** The "costs" key of /etc/cockpit-traffic-accounting/config.json. */
export interface CostPlan {
    /** ISO 4217 code: "EUR", "USD", "CHF"... */
    currency: string;
    unit: VolumeUnit;
    /** Decimal string in major currency units per `unit` ("0.05"); may have more decimals than the currency. */
    pricePerUnit: string;
    /** Bulk discounts, graduated; volume above the last `upTo` costs `pricePerUnit`. */
    tiers?: PriceTier[];
    /** Units free of charge in each billing cycle (the first ones). */
    includedQuota?: string;
    /** Patterns (JavaScript regular expressions) of rule names that are never charged. */
    freeOfCharge?: string[];
    /** Whether traffic that matches no group is charged (default true, as iam's "other traffic"). */
    chargeOtherTraffic?: boolean;
    /** Day of the month the billing cycle starts on, 1..31 (default 1); past a month's end, its last day. */
    billingDay?: number;
    /** When set, charged traffic is billed by the 95th percentile of its 5-minute rates instead of volume. */
    percentile95?: { pricePerMbps: string };
}

/** One entry of the "groups" key: rules whose display name matches `pattern` are reported together. */
export interface GroupConfig {
    name: string;
    pattern: string;
    charged: boolean;
    caseInsensitive?: boolean;
}

export interface ValidationError {
    /** Field path as in the config file: "costs.tiers[1].pricePerUnit". */
    path: string;
    message: string;
}

export type Validated<T> = { ok: true; value: T } | { ok: false; errors: ValidationError[] };

const PLAN_KEYS = ["currency", "unit", "pricePerUnit", "tiers", "includedQuota", "freeOfCharge", "chargeOtherTraffic", "billingDay", "percentile95"];

function isObject(v: unknown): v is Record<string, unknown> {
    return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Decimal fields are strings so that no price passes through a float; plain JSON numbers are
 *  accepted when their shortest form is a plain decimal (0.05, 12), never in exponent form. */
function decimalField(v: unknown, path: string, errors: ValidationError[]): string | null {
    const text = typeof v === "number" && Number.isFinite(v) ? String(v) : v;
    if (typeof text !== "string" || parseDecimal(text) === null) {
        errors.push({ path, message: "must be a non-negative decimal number such as \"0.05\"" });
        return null;
    }
    return text;
}

export function validateCostPlan(value: unknown, path = "costs"): Validated<CostPlan> {
    const errors: ValidationError[] = [];
    if (!isObject(value))
        return { ok: false, errors: [{ path, message: "must be an object" }] };
    for (const k of Object.keys(value))
        if (!PLAN_KEYS.includes(k))
            errors.push({ path: `${path}.${k}`, message: "is not a known setting" });
    const currency = value.currency;
    if (typeof currency !== "string" || !isCurrency(currency))
        errors.push({ path: `${path}.currency`, message: "must be a three-letter ISO 4217 currency code such as \"EUR\"" });
    const unit = value.unit;
    if (typeof unit !== "string" || !(unit in UNIT_BYTES))
        errors.push({ path: `${path}.unit`, message: `must be one of ${Object.keys(UNIT_BYTES).join(", ")}` });
    const pricePerUnit = decimalField(value.pricePerUnit, `${path}.pricePerUnit`, errors);
    const plan: CostPlan = { currency: String(currency), unit: unit as VolumeUnit, pricePerUnit: pricePerUnit ?? "0" };
    if (value.tiers !== undefined) {
        if (!Array.isArray(value.tiers)) {
            errors.push({ path: `${path}.tiers`, message: "must be a list" });
        } else {
            const tiers: PriceTier[] = [];
            let previous: Rational | null = null;
            value.tiers.forEach((t: unknown, i: number) => {
                const p = `${path}.tiers[${i}]`;
                if (!isObject(t)) {
                    errors.push({ path: p, message: "must be an object with upTo and pricePerUnit" });
                    return;
                }
                const price = decimalField(t.pricePerUnit, `${p}.pricePerUnit`, errors);
                let upTo: string | null = null;
                if (t.upTo === null || t.upTo === undefined) {
                    if (i !== (value.tiers as unknown[]).length - 1)
                        errors.push({ path: `${p}.upTo`, message: "only the last tier may have no upper limit" });
                } else {
                    upTo = decimalField(t.upTo, `${p}.upTo`, errors);
                    const r = upTo === null ? null : parseDecimal(upTo);
                    if (r !== null && previous !== null && cmp(r, previous) <= 0)
                        errors.push({ path: `${p}.upTo`, message: "must be larger than the previous tier's" });
                    if (r !== null)
                        previous = r;
                }
                tiers.push({ upTo, pricePerUnit: price ?? "0" });
            });
            plan.tiers = tiers;
        }
    }
    if (value.includedQuota !== undefined) {
        const q = decimalField(value.includedQuota, `${path}.includedQuota`, errors);
        if (q !== null)
            plan.includedQuota = q;
    }
    if (value.freeOfCharge !== undefined) {
        if (!Array.isArray(value.freeOfCharge)) {
            errors.push({ path: `${path}.freeOfCharge`, message: "must be a list of patterns" });
        } else {
            plan.freeOfCharge = [];
            value.freeOfCharge.forEach((pat: unknown, i: number) => {
                const p = `${path}.freeOfCharge[${i}]`;
                if (typeof pat !== "string") {
                    errors.push({ path: p, message: "must be a pattern (text)" });
                    return;
                }
                const f = compileFilter(pat);
                if (!f.ok)
                    errors.push({ path: p, message: `invalid pattern: ${f.error}` });
                plan.freeOfCharge?.push(pat);
            });
        }
    }
    if (value.chargeOtherTraffic !== undefined) {
        if (typeof value.chargeOtherTraffic !== "boolean")
            errors.push({ path: `${path}.chargeOtherTraffic`, message: "must be true or false" });
        else
            plan.chargeOtherTraffic = value.chargeOtherTraffic;
    }
    if (value.billingDay !== undefined) {
        const d = value.billingDay;
        if (typeof d !== "number" || !Number.isInteger(d) || d < 1 || d > 31)
            errors.push({ path: `${path}.billingDay`, message: "must be a day of the month, 1 to 31" });
        else
            plan.billingDay = d;
    }
    if (value.percentile95 !== undefined) {
        const p95 = value.percentile95;
        if (!isObject(p95)) {
            errors.push({ path: `${path}.percentile95`, message: "must be an object with pricePerMbps" });
        } else {
            const price = decimalField(p95.pricePerMbps, `${path}.percentile95.pricePerMbps`, errors);
            if (price !== null)
                plan.percentile95 = { pricePerMbps: price };
        }
    }
    return errors.length > 0 ? { ok: false, errors } : { ok: true, value: plan };
}

export function validateGroups(value: unknown, path = "groups"): Validated<GroupConfig[]> {
    const errors: ValidationError[] = [];
    if (!Array.isArray(value))
        return { ok: false, errors: [{ path, message: "must be a list" }] };
    const groups: GroupConfig[] = [];
    const names = new Set<string>();
    value.forEach((g: unknown, i: number) => {
        const p = `${path}[${i}]`;
        if (!isObject(g)) {
            errors.push({ path: p, message: "must be an object with name, pattern and charged" });
            return;
        }
        for (const k of Object.keys(g))
            if (!["name", "pattern", "charged", "caseInsensitive"].includes(k))
                errors.push({ path: `${p}.${k}`, message: "is not a known setting" });
        if (typeof g.name !== "string" || g.name.trim() === "")
            errors.push({ path: `${p}.name`, message: "must be a non-empty name" });
        else if (names.has(g.name))
            errors.push({ path: `${p}.name`, message: "is used by another group" });
        else
            names.add(g.name);
        if (typeof g.pattern !== "string") {
            errors.push({ path: `${p}.pattern`, message: "must be a pattern (text)" });
        } else {
            const f = compileFilter(g.pattern, { caseInsensitive: g.caseInsensitive === true });
            if (!f.ok)
                errors.push({ path: `${p}.pattern`, message: `invalid pattern: ${f.error}` });
        }
        if (typeof g.charged !== "boolean")
            errors.push({ path: `${p}.charged`, message: "must be true or false" });
        if (g.caseInsensitive !== undefined && typeof g.caseInsensitive !== "boolean")
            errors.push({ path: `${p}.caseInsensitive`, message: "must be true or false" });
        groups.push({ name: String(g.name), pattern: String(g.pattern), charged: g.charged === true, caseInsensitive: g.caseInsensitive === true });
    });
    return errors.length > 0 ? { ok: false, errors } : { ok: true, value: groups };
}

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
 * The exact cost of a charged volume under a plan: the included quota first, then graduated
 * tiers, then `pricePerUnit` above the last tier.
 */
export function volumeCost(bytes: bigint, plan: CostPlan): Rational {
    const unit = UNIT_BYTES[plan.unit];
    const volume = rat(bytes, unit);
    const quota = parseDecimal(plan.includedQuota ?? "0") ?? ZERO;
    const base = parseDecimal(plan.pricePerUnit) ?? ZERO;
    let cost = ZERO;
    let lo = ZERO;
    const segment = (from: Rational, to: Rational | null, price: Rational): void => {
        const a = max(from, quota);
        const b = to === null ? volume : min(to, volume);
        if (cmp(b, a) > 0)
            cost = add(cost, mul(sub(b, a), price));
    };
    for (const t of plan.tiers ?? []) {
        const hi = t.upTo === null ? null : parseDecimal(t.upTo);
        segment(lo, hi, parseDecimal(t.pricePerUnit) ?? ZERO);
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
export function applyCosts<R extends CostInputRow>(rows: readonly R[], groups: readonly GroupConfig[], plan: CostPlan | null,
                                                   options: { percentile95BitsPerSecond?: bigint; otherName?: string } = {}): CostResult<R> {
    const filters = groups.map(g => compileFilter(g.pattern, { caseInsensitive: g.caseInsensitive === true }));
    const free = compileAll(plan?.freeOfCharge);
    const otherCharged = plan?.chargeOtherTraffic ?? true;
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
        const groupCharged = gi >= 0 ? (groups[gi] as GroupConfig).charged : otherCharged;
        const charged = plan !== null && groupCharged && !free.some(f => f.test(row.name));
        group.rows.push({ row, charged, cost: null });
        group.bytes += row.bytes;
        group.packets += row.packets;
        bytes += row.bytes;
        packets += row.packets;
        if (charged)
            chargedBytes += row.bytes;
    }
    const all = [...buckets, other].filter(g => g.rows.length > 0);
    if (plan === null)
        return { groups: all, bytes, packets, chargedBytes, cost: null, costMinor: null, currency: null, percentile95BitsPerSecond: null };

    let total: Rational;
    let p95: bigint | null = null;
    if (plan.percentile95) {
        p95 = options.percentile95BitsPerSecond ?? 0n;
        total = percentileCost(p95, plan.percentile95.pricePerMbps);
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
