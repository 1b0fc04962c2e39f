// SPDX-License-Identifier: LGPL-2.1-or-later
// The cost plan and report groups of the shared configuration file (docs/costs.md), and their
// validation: the same rules, order and messages as helper/cta/plans.py, so that the page and
// the helper accept and reject the same files (test/fixtures/config/ proves it on both sides).
// Keys are snake_case as in the file; the first format's camelCase names are still read.

import { compileFilter } from "./filter.ts";
import { ValueProblem, boolean, decimal, isObject, object, whole } from "./json-values.ts";
import { cmp, parseDecimal, type Rational } from "./money.ts";

export type VolumeUnit = "MB" | "GB" | "TB" | "MiB" | "GiB" | "TiB";

export const UNIT_BYTES: Record<VolumeUnit, bigint> = {
    MB: 10n ** 6n,
    GB: 10n ** 9n,
    TB: 10n ** 12n,
    MiB: 1024n ** 2n,
    GiB: 1024n ** 3n,
    TiB: 1024n ** 4n,
};

/** One step of graduated pricing: the volume up to `up_to` units (from the previous step's) costs `price_per_unit`. */
export interface BulkDiscount {
    /** Decimal string in plan units; null = no upper limit (only the last one). */
    up_to: string | null;
    price_per_unit: string;
}

/** A cost plan: the "costs" key of /etc/cockpit-traffic-accounting/config.json. */
export interface CostPlan {
    /** ISO 4217 code: "EUR", "USD", "CHF"... */
    currency: string;
    unit: VolumeUnit;
    /** Decimal string in major currency units per `unit` ("0.05"); may have more decimals than the currency. */
    price_per_unit: string;
    /** Graduated; volume above the last `up_to` costs `price_per_unit`. */
    bulk_discounts?: BulkDiscount[];
    /** Units free of charge in each billing cycle (the first ones). */
    included_quota?: string;
    /** Patterns (docs/patterns.md) of rule names that are never charged. */
    free_of_charge?: string[];
    /** Whether traffic that matches no group is charged (default true, as iam's "other traffic"). */
    charge_other_traffic?: boolean;
    /** Day of the month the billing cycle starts on, 1..31 (default 1); past a month's end, its last day. */
    billing_day?: number;
    /** When set, charged traffic is billed by the 95th percentile of its 5-minute rates instead of volume. */
    percentile95?: { price_per_mbps: string };
}

/** One entry of the "groups" key: rules whose display name matches `pattern` are reported together. */
export interface GroupConfig {
    name: string;
    pattern: string;
    charged: boolean;
    case_insensitive?: boolean;
    /** The account's own plan (docs/costs.md); without it, the default plan ("costs") applies. */
    plan?: CostPlan;
}

export interface ValidationError {
    /** Field path as in the config file: "costs.bulk_discounts[1].price_per_unit". */
    path: string;
    message: string;
}

export type Validated<T> = { ok: true; value: T } | { ok: false; errors: ValidationError[] };

const PLAN_KEYS = ["currency", "unit", "price_per_unit", "bulk_discounts", "included_quota", "free_of_charge",
    "charge_other_traffic", "billing_day", "percentile95"];
const OLD_PLAN_KEYS: Record<string, string> = {
    pricePerUnit: "price_per_unit", tiers: "bulk_discounts", includedQuota: "included_quota",
    freeOfCharge: "free_of_charge", chargeOtherTraffic: "charge_other_traffic", billingDay: "billing_day",
};
const GROUP_KEYS = ["name", "pattern", "charged", "case_insensitive", "plan"];
/** An account's own plan: everything but what only the default plan can say. */
const ACCOUNT_PLAN_KEYS = PLAN_KEYS.filter(k => k !== "charge_other_traffic");
const OLD_GROUP_KEYS: Record<string, string> = { caseInsensitive: "case_insensitive" };

function pattern(v: unknown, path: string): string {
    if (typeof v !== "string")
        throw new ValueProblem(path, "must be a pattern (text)");
    const f = compileFilter(v);
    if (!f.ok)
        throw new ValueProblem(path, `invalid pattern: ${f.error}`);
    return v;
}

/** Reads a plan; throws ValueProblem on the first problem. */
export function parsePlan(value: unknown, path = "costs", account = false): CostPlan {
    const v = object(value, path, account ? ACCOUNT_PLAN_KEYS : PLAN_KEYS, OLD_PLAN_KEYS);
    const currency = v.currency;
    if (typeof currency !== "string" || !/^[A-Z]{3}$/.test(currency))
        throw new ValueProblem(`${path}.currency`, "must be a three-letter ISO 4217 currency code such as \"EUR\"");
    const unit = v.unit;
    if (typeof unit !== "string" || !Object.hasOwn(UNIT_BYTES, unit))
        throw new ValueProblem(`${path}.unit`, `must be one of ${Object.keys(UNIT_BYTES).join(", ")}`);
    const plan: CostPlan = { currency, unit: unit as VolumeUnit, price_per_unit: decimal(v.price_per_unit, `${path}.price_per_unit`) };
    if ("bulk_discounts" in v) {
        const items = v.bulk_discounts;
        if (!Array.isArray(items))
            throw new ValueProblem(`${path}.bulk_discounts`, "must be a list");
        let previous: Rational | null = null;
        plan.bulk_discounts = items.map((item: unknown, i: number) => {
            const p = `${path}.bulk_discounts[${i}]`;
            const d = object(item, p, ["up_to", "price_per_unit"], { upTo: "up_to", pricePerUnit: "price_per_unit" });
            let upTo: string | null = null;
            if (d.up_to === null || d.up_to === undefined) {
                if (i !== items.length - 1)
                    throw new ValueProblem(`${p}.up_to`, "only the last bulk discount may have no upper limit");
            } else {
                upTo = decimal(d.up_to, `${p}.up_to`);
                const r = parseDecimal(upTo) as Rational;
                if (previous !== null && cmp(r, previous) <= 0)
                    throw new ValueProblem(`${p}.up_to`, "must be larger than the previous bulk discount's");
                previous = r;
            }
            return { up_to: upTo, price_per_unit: decimal(d.price_per_unit, `${p}.price_per_unit`) };
        });
    }
    if ("included_quota" in v)
        plan.included_quota = decimal(v.included_quota, `${path}.included_quota`);
    if ("free_of_charge" in v) {
        const free = v.free_of_charge;
        if (!Array.isArray(free))
            throw new ValueProblem(`${path}.free_of_charge`, "must be a list of patterns");
        plan.free_of_charge = free.map((p: unknown, i: number) => pattern(p, `${path}.free_of_charge[${i}]`));
    }
    if ("charge_other_traffic" in v)
        plan.charge_other_traffic = boolean(v.charge_other_traffic, `${path}.charge_other_traffic`);
    if ("billing_day" in v)
        plan.billing_day = whole(v.billing_day, `${path}.billing_day`, 1, 31);
    if ("percentile95" in v) {
        const p95 = object(v.percentile95, `${path}.percentile95`, ["price_per_mbps"], { pricePerMbps: "price_per_mbps" });
        plan.percentile95 = { price_per_mbps: decimal(p95.price_per_mbps, `${path}.percentile95.price_per_mbps`) };
    }
    return plan;
}

/** The "costs" key: {} (no money shown) or a plan. */
export function parseCosts(value: unknown): CostPlan | null {
    return isObject(value) && Object.keys(value).length === 0 ? null : parsePlan(value);
}

export function parseGroups(value: unknown, path = "groups"): GroupConfig[] {
    if (!Array.isArray(value))
        throw new ValueProblem(path, "must be a list");
    const names = new Set<string>();
    return value.map((item: unknown, i: number) => {
        const p = `${path}[${i}]`;
        const g = object(item, p, GROUP_KEYS, OLD_GROUP_KEYS);
        const name = g.name;
        if (typeof name !== "string" || name.trim() === "")
            throw new ValueProblem(`${p}.name`, "must be a non-empty name");
        if (names.has(name))
            throw new ValueProblem(`${p}.name`, "is used by another group");
        names.add(name);
        const group: GroupConfig = { name, pattern: pattern(g.pattern, `${p}.pattern`), charged: boolean(g.charged, `${p}.charged`) };
        if ("case_insensitive" in g)
            group.case_insensitive = boolean(g.case_insensitive, `${p}.case_insensitive`);
        if ("plan" in g)
            group.plan = parsePlan(g.plan, `${p}.plan`, true);
        return group;
    });
}

/** One file bills in one currency: every account's plan uses the default plan's (or the first). */
export function checkCurrencies(costs: CostPlan | null, groups: readonly GroupConfig[]): void {
    let currency = costs?.currency ?? null;
    groups.forEach((g, i) => {
        if (!g.plan)
            return;
        if (currency === null)
            currency = g.plan.currency;
        else if (g.plan.currency !== currency)
            throw new ValueProblem(`groups[${i}].plan.currency`, `must be ${currency}, the currency of the other plans`);
    });
}

function validated<T>(read: () => T): Validated<T> {
    try {
        return { ok: true, value: read() };
    } catch (e) {
        if (e instanceof ValueProblem)
            return { ok: false, errors: [{ path: e.path, message: e.problem }] };
        throw e;
    }
}

export const validateCostPlan = (value: unknown, path = "costs"): Validated<CostPlan> => validated(() => parsePlan(value, path));
export const validateGroups = (value: unknown, path = "groups"): Validated<GroupConfig[]> => validated(() => parseGroups(value, path));

/** A volume limit per billing cycle, for an account (a group's name) or for the rules a pattern selects. */
export interface Quota {
    name: string;
    account?: string;
    pattern?: string;
    case_insensitive?: boolean;
    /** Decimal text in `unit` per billing cycle. */
    limit: string;
    unit: VolumeUnit;
    /** Default: the account's plan's billing day, else the default plan's, else 1. */
    billing_day?: number;
}

const QUOTA_KEYS = ["name", "account", "pattern", "case_insensitive", "limit", "unit", "billing_day"];

/** The "quotas" key, read as helper/cta/plans.py reads it. */
export function parseQuotas(value: unknown, path = "quotas"): Quota[] {
    if (!Array.isArray(value))
        throw new ValueProblem(path, "must be a list");
    const names = new Set<string>();
    return value.map((item: unknown, i: number) => {
        const p = `${path}[${i}]`;
        const q = object(item, p, QUOTA_KEYS);
        const name = q.name;
        if (typeof name !== "string" || /^[ \t\r\n]*$/.test(name))
            throw new ValueProblem(`${p}.name`, "must be a non-empty name");
        if (names.has(name))
            throw new ValueProblem(`${p}.name`, "is used by another quota");
        names.add(name);
        const account = q.account;
        if (account !== undefined && account !== null && (typeof account !== "string" || account === ""))
            throw new ValueProblem(`${p}.account`, "must be the name of a group");
        const patternText = "pattern" in q ? pattern(q.pattern, `${p}.pattern`) : null;
        const hasAccount = account !== undefined && account !== null;
        if (hasAccount === (patternText !== null))
            throw new ValueProblem(p, "needs either an account or a pattern");
        const quota: Quota = { name, limit: "0", unit: "GB" };
        if (hasAccount)
            quota.account = account as string;
        if (patternText !== null)
            quota.pattern = patternText;
        if ("case_insensitive" in q)
            quota.case_insensitive = boolean(q.case_insensitive, `${p}.case_insensitive`);
        quota.limit = decimal(q.limit, `${p}.limit`);
        if (cmp(parseDecimal(quota.limit) as Rational, { n: 0n, d: 1n }) === 0)
            throw new ValueProblem(`${p}.limit`, "must be more than 0");
        const unit = q.unit;
        if (typeof unit !== "string" || !Object.hasOwn(UNIT_BYTES, unit))
            throw new ValueProblem(`${p}.unit`, `must be one of ${Object.keys(UNIT_BYTES).join(", ")}`);
        quota.unit = unit as VolumeUnit;
        if ("billing_day" in q)
            quota.billing_day = whole(q.billing_day, `${p}.billing_day`, 1, 31);
        return quota;
    });
}

export function checkAccounts(quotas: readonly Quota[], groups: readonly GroupConfig[]): void {
    const names = new Set(groups.map(g => g.name));
    quotas.forEach((q, i) => {
        if (q.account !== undefined && !names.has(q.account))
            throw new ValueProblem(`quotas[${i}].account`, "is not the name of a group");
    });
}

/** null, or the program and its arguments: run directly by the helper, never by a shell. */
export function parseAlertCommand(value: unknown, path = "alert_command"): string[] | null {
    if (value === null)
        return null;
    if (!Array.isArray(value) || value.length === 0 || !value.every(a => typeof a === "string" && a !== "") || !(value[0] as string).startsWith("/"))
        throw new ValueProblem(path, "must be null or a list of non-empty strings, the first an absolute path");
    return [...value] as string[];
}
