// SPDX-License-Identifier: LGPL-2.1-or-later
// Quota usage from the helper's state file: exact bytes, the projection at the rate so far,
// and a damaged or foreign file that shows nothing rather than a wrong bar.

import { limitBytes, percentOf, quotaViews } from "../../src/engine/quota.ts";
import type { Quota } from "../../src/engine/plan.ts";

const Q: Quota[] = [
    { name: "acme", account: "acme", limit: "500", unit: "GB" },
    { name: "x", pattern: "^x", limit: "0.5", unit: "GiB" },
];
const state = (quotas: unknown, last_end: unknown = 1_000_000 + 10 * 86400) => JSON.stringify({ version: 1, last_end, quotas });

test("limits in bytes, rounded down", () => {
    expect(limitBytes(Q[0] as Quota)).toBe(500n * 10n ** 9n);
    expect(limitBytes(Q[1] as Quota)).toBe(1024n ** 3n / 2n);
    expect(limitBytes({ name: "odd", pattern: "a", limit: "0.0000001", unit: "MiB" })).toBe(0n);
});

test("usage, percent and projection", () => {
    const from = 1_000_000;
    const views = quotaViews(Q, state({ acme: { key: "k", cycle: [from, from + 30 * 86400], used: "100000000000", alerted: [] } }));
    const u = views[0]?.usage;
    expect(u?.used).toBe(100n * 10n ** 9n);
    expect(u?.projected).toBe(300n * 10n ** 9n); // 10 days of 30 at this rate
    expect(percentOf(u?.used ?? 0n, u?.limit ?? 0n)).toBe(20);
    expect(views[1]?.usage).toBeNull(); // no state for this quota yet
});

test("above 2^53 bytes stays exact", () => {
    const views = quotaViews(Q, state({ acme: { key: "k", cycle: [1_000_000, 1_000_000 + 20 * 86400], used: "9007199254740993", alerted: [80] } }));
    expect(views[0]?.usage?.used).toBe(9007199254740993n);
    expect(views[0]?.usage?.alerted).toEqual([80]);
    expect(percentOf(9007199254740993n, 500n * 10n ** 9n)).toBe(1801439);
});

test("a projection needs an hour of the cycle", () => {
    const views = quotaViews(Q, state({ acme: { key: "k", cycle: [1_000_000, 1_000_000 + 86400], used: "5", alerted: [] } }, 1_000_000 + 3599));
    expect(views[0]?.usage?.projected).toBeNull();
});

test.each([
    ["not JSON", "{"],
    ["no file", null],
    ["used as a number", state({ acme: { cycle: [1, 2], used: 5 } })],
    ["a negative figure", state({ acme: { cycle: [1, 2], used: "-5" } })],
    ["a cycle backwards", state({ acme: { cycle: [2, 1], used: "5" } })],
    ["no last collection", state({ acme: { cycle: [1, 2], used: "5" } }, null)],
    ["a prototype key", JSON.stringify({ last_end: 5, quotas: JSON.parse("{\"__proto__\": {\"cycle\": [1, 2], \"used\": \"5\"}}") })],
])("%s: no usage shown", (_label, text) => {
    expect(quotaViews(Q, text).map(v => v.usage)).toEqual([null, null]);
});
