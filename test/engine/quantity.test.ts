// SPDX-License-Identifier: LGPL-2.1-or-later
// Quantities: ipacsum's K/M/G/T rule at its thresholds, fixed units, exact bytes above 2^53,
// IEC and SI, rounding, and locale digits.

import { formatBytes, formatIpacsum, formatRate, quantity } from "../../src/engine/quantity.ts";

describe("ipacsum rule", () => {
    test.each([
        [0n, "0"],
        [9999n, "9999"],
        [10000n, "9K"],
        [10239n, "9K"],
        [10240n, "10K"],
        [9999n * 1024n, "9999K"],
        [9999n * 1024n + 1n, "9M"],
        [9999n * 1024n ** 2n, "9999M"],
        [9999n * 1024n ** 2n + 1n, "9G"],
        [9999n * 1024n ** 3n, "9999G"],
        [9999n * 1024n ** 3n + 1n, "9T"],
        [2n ** 64n - 1n, "16777215T"],
        [2n ** 80n, "1099511627776T"],
    ])("%p bytes → %p", (bytes, text) => {
        expect(formatIpacsum(bytes)).toBe(text);
    });
});

describe("fixed, exact, IEC and SI", () => {
    test.each([
        [1536n, { style: "iec" }, "1.5 KiB"],
        [1023n, { style: "iec" }, "1,023 B"],
        [1024n, { style: "iec" }, "1.0 KiB"],
        [999n, { style: "si" }, "999 B"],
        [1000n, { style: "si" }, "1.0 kB"],
        [999999n, { style: "si" }, "1,000.0 kB"],
        [1_500_000_000n, { style: "si", decimals: 2 }, "1.50 GB"],
        // iam's report: fixed MB with one decimal, rounded half-up on the exact value
        [52428n, { style: "ipacsum", unit: 2, decimals: 1, rounding: "half-up" }, "0.0M"],
        [52429n, { style: "ipacsum", unit: 2, decimals: 1, rounding: "half-up" }, "0.1M"],
        [2585049497n, { style: "iec", unit: 2 }, "2,465.3 MiB"],
        [12345n, { style: "ipacsum", unit: 1 }, "12K"],
        [12345n, { style: "ipacsum", unit: "exact" }, "12345"],
        [2n ** 53n + 1n, { style: "si", unit: "exact" }, "9,007,199,254,740,993 B"],
        [2n ** 64n + 5n, { style: "iec", unit: "exact", locale: "de-DE" }, "18.446.744.073.709.551.621 B"],
        [1536n, { style: "iec", locale: "de-DE" }, "1,5 KiB"],
        [2n ** 70n, { style: "iec" }, "1,024.0 EiB"],
    ] as const)("%p %p → %p", (bytes, options, text) => {
        expect(formatBytes(bytes, { locale: "en-US", ...options })).toBe(text);
    });

    test("the unit and power are reported separately for table columns", () => {
        expect(quantity(5n * 1024n ** 3n, { style: "iec", locale: "en-US" })).toEqual({ value: "5.0", unit: "GiB", power: 3 });
    });
});

describe("rates", () => {
    test.each([
        [0, "bytes", "0 B/s"],
        [1536, "bytes", "1.5 KiB/s"],
        [125_000_000 * 8, "bits", "1 Gbit/s"],
        [2_345_000, "bits", "2.35 Mbit/s"],
    ] as const)("%p %s → %p", (v, mode, text) => {
        expect(formatRate(v, mode, "en-US")).toBe(text);
    });
});
