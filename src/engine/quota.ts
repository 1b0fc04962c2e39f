// SPDX-License-Identifier: LGPL-2.1-or-later
// Quota usage as the page shows it: read from the helper's <store>/quota-state.json (written at
// each collection by helper/cta/quota.py, untrusted text like every file), with the projection
// to the end of the cycle at the rate so far. Exact bytes as BigInt.

import { UNIT_BYTES, type Quota } from "./plan.ts";
import { parseDecimal } from "./money.ts";

export interface QuotaUsage {
    /** Bytes counted in the cycle up to `asOf`. */
    used: bigint;
    /** The limit in bytes (rounded down, as the helper's alerts take it). */
    limit: bigint;
    cycle: { from: number; to: number };
    /** The end of the last collection that the usage includes. */
    asOf: number;
    /** Bytes at the end of the cycle if the rate so far goes on; null in the first hour of a cycle. */
    projected: bigint | null;
    /** Alerts the helper has run in this cycle (80, 100). */
    alerted: number[];
}

export type QuotaView = { quota: Quota; usage: QuotaUsage | null };

const MIN_ELAPSED = 3600;

export function limitBytes(q: Quota): bigint {
    const r = parseDecimal(q.limit);
    return r === null ? 0n : (r.n * UNIT_BYTES[q.unit]) / r.d;
}

function isRecord(v: unknown): v is Record<string, unknown> {
    return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** The usage of each configured quota from the state file's text (null: no file yet). */
export function quotaViews(quotas: readonly Quota[], text: string | null): QuotaView[] {
    let doc: unknown = null;
    try {
        doc = text === null ? null : JSON.parse(text);
    } catch {
        doc = null;
    }
    const states = isRecord(doc) && isRecord(doc.quotas) ? doc.quotas : {};
    const asOf = isRecord(doc) && typeof doc.last_end === "number" ? doc.last_end : null;
    return quotas.map((quota): QuotaView => {
        const s = Object.hasOwn(states, quota.name) ? states[quota.name] : undefined;
        if (asOf === null || !isRecord(s) || !Array.isArray(s.cycle) || typeof s.used !== "string" || !/^[0-9]+$/.test(s.used))
            return { quota, usage: null };
        const [from, to] = s.cycle as unknown[];
        if (typeof from !== "number" || typeof to !== "number" || !(from < to))
            return { quota, usage: null };
        const used = BigInt(s.used);
        const elapsed = asOf - from;
        const projected = elapsed >= MIN_ELAPSED ? (used * BigInt(to - from)) / BigInt(elapsed) : null;
        const alerted = Array.isArray(s.alerted) ? s.alerted.filter((a): a is number => typeof a === "number") : [];
        return { quota, usage: { used, limit: limitBytes(quota), cycle: { from, to }, asOf, projected, alerted } };
    });
}

/** Whole percent of the limit, rounded down (a bar never shows 100 % before the limit is reached). */
export function percentOf(bytes: bigint, limit: bigint): number {
    return limit === 0n ? 0 : Number((bytes * 100n) / limit);
}
