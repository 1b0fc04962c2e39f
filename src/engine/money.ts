// SPDX-License-Identifier: LGPL-2.1-or-later
// Exact money: non-negative rationals of BigInts for every intermediate step (a price per unit
// may have more decimals than the currency), rounded once, half-up, to the currency's minor unit.

import { numberFormat } from "./number-format.ts";

/** n / d with d > 0. */
export interface Rational {
    n: bigint;
    d: bigint;
}

export const ZERO: Rational = { n: 0n, d: 1n };

function gcd(a: bigint, b: bigint): bigint {
    if (a < 0n)
        a = -a;
    while (b !== 0n)
        [a, b] = [b, a % b];
    return a;
}

export function rat(n: bigint, d: bigint = 1n): Rational {
    if (d === 0n)
        throw new RangeError("zero denominator");
    if (d < 0n) {
        n = -n;
        d = -d;
    }
    const g = gcd(n, d);
    return g > 1n ? { n: n / g, d: d / g } : { n, d };
}

export const add = (a: Rational, b: Rational): Rational => rat(a.n * b.d + b.n * a.d, a.d * b.d);
export const sub = (a: Rational, b: Rational): Rational => rat(a.n * b.d - b.n * a.d, a.d * b.d);
export const mul = (a: Rational, b: Rational): Rational => rat(a.n * b.n, a.d * b.d);
export const div = (a: Rational, b: Rational): Rational => rat(a.n * b.d, a.d * b.n);
export const cmp = (a: Rational, b: Rational): number => {
    const l = a.n * b.d;
    const r = b.n * a.d;
    return l < r ? -1 : l > r ? 1 : 0;
};
export const min = (a: Rational, b: Rational): Rational => (cmp(a, b) <= 0 ? a : b);
export const max = (a: Rational, b: Rational): Rational => (cmp(a, b) >= 0 ? a : b);

const DECIMAL = /^(0|[1-9][0-9]*)(\.[0-9]+)?$/;

/** Parses a plain non-negative decimal ("0.0005", "12", "1.50"); null if it is not one. */
export function parseDecimal(text: string): Rational | null {
    if (!DECIMAL.test(text))
        return null;
    const dot = text.indexOf(".");
    if (dot < 0)
        return rat(BigInt(text));
    const frac = text.slice(dot + 1);
    return rat(BigInt(text.slice(0, dot) + frac), 10n ** BigInt(frac.length));
}

/** Rounds a non-negative amount in major units to minor units, half-up (0.005 → 0.01). */
export function roundToMinor(amount: Rational, minorDigits: number): bigint {
    const scaled = amount.n * 10n ** BigInt(minorDigits);
    const q = scaled / amount.d;
    const r = scaled % amount.d;
    return r * 2n >= amount.d ? q + 1n : q;
}

/** The number of minor-unit digits of an ISO 4217 currency (EUR 2, JPY 0, BHD 3). */
export function currencyDigits(currency: string): number {
    return numberFormat("en", { style: "currency", currency }).resolvedOptions().maximumFractionDigits ?? 2;
}

/** True when the runtime knows the currency code. */
export function isCurrency(code: string): boolean {
    if (!/^[A-Z]{3}$/.test(code))
        return false;
    try {
        new Intl.NumberFormat("en", { style: "currency", currency: code });
        return true;
    } catch {
        return false;
    }
}

/**
 * Formats minor units as money in the locale ("311,93 €", "€311.93"). The digits come from the
 * exact integer, the symbol and layout from Intl.NumberFormat.
 */
export function formatMoney(minor: bigint, currency: string, locale?: string): string {
    const digits = currencyDigits(currency);
    const scale = 10n ** BigInt(digits);
    const negative = minor < 0n;
    const abs = negative ? -minor : minor;
    const major = abs / scale;
    const frac = (abs % scale).toString().padStart(digits, "0");
    const fmt = numberFormat(locale, { style: "currency", currency, minimumFractionDigits: digits, maximumFractionDigits: digits });
    const parts = fmt.formatToParts(major);
    const out = parts.map(p => (p.type === "fraction" ? frac : p.value)).join("");
    return negative ? `-${out}` : out;
}

/** The amount as a plain decimal string in major units ("311.93"), for CSV and JSON. */
export function minorToDecimal(minor: bigint, currency: string): string {
    const digits = currencyDigits(currency);
    const negative = minor < 0n;
    const abs = negative ? -minor : minor;
    const scale = 10n ** BigInt(digits);
    const s = digits === 0 ? `${abs}` : `${abs / scale}.${(abs % scale).toString().padStart(digits, "0")}`;
    return negative ? `-${s}` : s;
}

/**
 * The exact decimal text of a rational whose denominator has no prime factors but 2 and 5 (every
 * volume in MB/GiB and every price × volume is one): "1.5", "0.000976562". Null otherwise.
 */
export function exactDecimal(r: Rational): string | null {
    let d = r.d;
    let twos = 0;
    let fives = 0;
    while (d % 2n === 0n) {
        d /= 2n;
        twos++;
    }
    while (d % 5n === 0n) {
        d /= 5n;
        fives++;
    }
    if (d !== 1n)
        return null;
    const digits = Math.max(twos, fives);
    const scaled = (r.n < 0n ? -r.n : r.n) * 10n ** BigInt(digits) / r.d;
    const text = scaled.toString().padStart(digits + 1, "0");
    const body = digits === 0 ? text : `${text.slice(0, -digits)}.${text.slice(-digits)}`;
    return r.n < 0n ? `-${body}` : body;
}

/**
 * An exact decimal text ("1234.5678") in the locale's digits grouping and decimal sign
 * ("1.234,5678" in German), keeping every digit: for bill lines that must add up by hand.
 */
export function formatExact(text: string, locale?: string): string {
    const m = /^(-?)([0-9]+)(?:\.([0-9]+))?$/.exec(text);
    if (!m)
        return text;
    const fmt = numberFormat(locale);
    const decimal = fmt.formatToParts(1.5).find(p => p.type === "decimal")?.value ?? ".";
    return `${m[1]}${fmt.format(BigInt(m[2] as string))}${m[3] ? decimal + m[3] : ""}`;
}
