// SPDX-License-Identifier: LGPL-2.1-or-later
// Byte quantities for people, computed from the exact BigInt so a displayed digit is never a
// float artefact: ipacsum's rule (K over 9999 bytes, M over 9999 K, G, T; 1024), a fixed unit,
// exact bytes, IEC (KiB, 1024) or SI (kB, 1000), in the user's locale.
//
// Fractions: ipacsum prints whole K/M/G and drops the fraction; iam prints one decimal. Both
// are available: `decimals` (default 0 for ipacsum style, 1 for IEC and SI) and `rounding`
// ("truncate", ipacsum's default, or "half-up", the default of the other styles).

import { numberFormat } from "./number-format.ts";

export type QuantityStyle = "ipacsum" | "iec" | "si";
/** "auto" picks the unit by the style's rule; "exact" is bytes; a number is a fixed power of the base. */
export type QuantityUnit = "auto" | "exact" | 0 | 1 | 2 | 3 | 4 | 5 | 6;

export interface QuantityOptions {
    style?: QuantityStyle;
    unit?: QuantityUnit;
    decimals?: number;
    rounding?: "truncate" | "half-up";
    /** BCP 47 locale for digits, grouping and the decimal sign; undefined = the runtime's. */
    locale?: string;
    /** Group thousands (default: yes for IEC and SI, no for ipacsum, whose output has none). */
    grouping?: boolean;
}

export interface Quantity {
    /** The number, formatted for the locale. */
    value: string;
    /** "", "K", "M"... (ipacsum), "B", "KiB"... (IEC), "B", "kB"... (SI). */
    unit: string;
    power: number;
}

const LABELS: Record<QuantityStyle, string[]> = {
    ipacsum: ["", "K", "M", "G", "T"],
    iec: ["B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"],
    si: ["B", "kB", "MB", "GB", "TB", "PB", "EB"],
};

function base(style: QuantityStyle): bigint {
    return style === "si" ? 1000n : 1024n;
}

/** The power of the base that the style's automatic rule picks for `bytes`. */
export function autoPower(bytes: bigint, style: QuantityStyle): number {
    const b = base(style);
    const max = LABELS[style].length - 1;
    let k = 0;
    if (style === "ipacsum") {
        // "over 9999 bytes → K; over 9999 K → M; ...": bytes / 1024^k > 9999 ⇔ bytes > 9999 · 1024^k
        let scale = 1n;
        while (k < max && bytes > 9999n * scale) {
            k++;
            scale *= b;
        }
        return k;
    }
    let scale = b;
    while (k < max && bytes >= scale) {
        k++;
        scale *= b;
    }
    return k;
}

const separators = new Map<string, string>();

function decimalSign(locale: string | undefined): string {
    const key = locale ?? "";
    let s = separators.get(key);
    if (s === undefined) {
        s = numberFormat(locale).formatToParts(1.5).find(p => p.type === "decimal")?.value ?? ".";
        separators.set(key, s);
    }
    return s;
}

/**
 * Formats a non-negative exact quotient n / d with `decimals` digits, the integer part through
 * Intl.NumberFormat (which takes a bigint, so no precision is lost).
 */
export function formatDecimal(n: bigint, d: bigint, decimals: number, options: { locale?: string; grouping?: boolean; rounding?: "truncate" | "half-up" } = {}): string {
    const negative = n < 0n !== d < 0n && n !== 0n;
    if (n < 0n)
        n = -n;
    if (d < 0n)
        d = -d;
    const scale = 10n ** BigInt(decimals);
    let scaled = (n * scale) / d;
    if (options.rounding !== "truncate" && (n * scale) % d * 2n >= d)
        scaled += 1n;
    const intPart = scaled / scale;
    const frac = scaled % scale;
    const fmt = numberFormat(options.locale, { useGrouping: options.grouping ?? true, maximumFractionDigits: 0 });
    let out = fmt.format(intPart);
    if (decimals > 0)
        out += decimalSign(options.locale) + frac.toString().padStart(decimals, "0");
    return negative && scaled !== 0n ? "-" + out : out;
}

export function quantity(bytes: bigint, options: QuantityOptions = {}): Quantity {
    const style = options.style ?? "ipacsum";
    const unit = options.unit ?? "auto";
    const labels = LABELS[style];
    let power = unit === "auto" ? autoPower(bytes, style) : unit === "exact" ? 0 : unit;
    power = Math.min(Math.max(0, power), labels.length - 1);
    const decimals = power === 0 ? 0 : (options.decimals ?? (style === "ipacsum" ? 0 : 1));
    const rounding = options.rounding ?? (style === "ipacsum" ? "truncate" : "half-up");
    const grouping = options.grouping ?? style !== "ipacsum";
    const value = formatDecimal(bytes, base(style) ** BigInt(power), decimals, { locale: options.locale, grouping, rounding });
    return { value, unit: labels[power] as string, power };
}

/** "12345K" in ipacsum style (the unit appended), "1.2 MiB" / "1.2 MB" otherwise. */
export function formatBytes(bytes: bigint, options: QuantityOptions = {}): string {
    const q = quantity(bytes, options);
    const style = options.style ?? "ipacsum";
    return style === "ipacsum" ? q.value + q.unit : `${q.value} ${q.unit}`;
}

/** ipacsum's display, exactly: bytes up to 9999, then whole K, M, G, T (1024), fraction dropped. */
export function formatIpacsum(bytes: bigint): string {
    return formatBytes(bytes, { style: "ipacsum", unit: "auto", locale: "en-US" });
}

/** A rate for graph axes and tooltips: bytes/s with IEC units or bits/s with SI units. */
export function formatRate(perSecond: number, mode: "bytes" | "bits", locale?: string): string {
    const labels = mode === "bits" ? ["bit/s", "kbit/s", "Mbit/s", "Gbit/s", "Tbit/s"] : ["B/s", "KiB/s", "MiB/s", "GiB/s", "TiB/s"];
    const b = mode === "bits" ? 1000 : 1024;
    let v = Number.isFinite(perSecond) ? Math.abs(perSecond) : 0;
    let k = 0;
    while (k < labels.length - 1 && v >= b) {
        v /= b;
        k++;
    }
    const fmt = numberFormat(locale, { maximumFractionDigits: v < 10 && k > 0 ? 2 : v < 100 && k > 0 ? 1 : 0 });
    return `${perSecond < 0 ? "-" : ""}${fmt.format(v)} ${labels[k]}`;
}
