// SPDX-License-Identifier: LGPL-2.1-or-later
// The page's reading of the configuration file (src/config-model.ts): the shared fixtures of
// test/fixtures/config/ (the helper's test/helper/test_config.py runs the same cases), old
// names rewritten on save, and the Settings form checked by the rules the helper will apply.

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { defaultSettings, parseConfig, serializeConfig, validateSettings, type Settings } from "../../src/config-model.ts";
import type { CostPlan } from "../../src/engine/plan.ts";

interface Case {
    name: string;
    text: string;
    error: string | null;
    prefix?: boolean;
    values?: unknown;
}

const cases = (JSON.parse(readFileSync(join(__dirname, "../fixtures/config/cases.json"), "utf8")) as { cases: Case[] }).cases;

function planValues(plan: CostPlan | null | undefined): unknown {
    return plan ? {
        currency: plan.currency, unit: plan.unit, price_per_unit: plan.price_per_unit,
        bulk_discounts: (plan.bulk_discounts ?? []).map(d => [d.up_to, d.price_per_unit]),
        included_quota: plan.included_quota ?? "0", free_of_charge: plan.free_of_charge ?? [],
        charge_other_traffic: plan.charge_other_traffic ?? true, billing_day: plan.billing_day ?? 1,
        percentile95: plan.percentile95?.price_per_mbps ?? null,
    } : null;
}

function normalised(s: Settings): unknown {
    return {
        interval_seconds: s.intervalSeconds,
        retention: [s.retention.detailDays, s.retention.hourlyDays, s.retention.dailyDays],
        prometheus_textfile: s.prometheusTextfile,
        sources: Object.fromEntries(Object.entries(s.sources).map(([k, v]) => [k, [v.enabled, v.names]])),
        costs: planValues(s.costs),
        groups: s.groups.map(g => [g.name, g.pattern, g.charged, g.case_insensitive ?? false, planValues(g.plan)]),
        quotas: s.quotas.map(q => [q.name, q.account ?? null, q.pattern ?? null, q.case_insensitive ?? false, q.limit, q.unit, q.billing_day ?? null]),
        alert_command: s.alertCommand,
    };
}

describe("shared fixture configurations", () => {
    test("there are enough of them", () => {
        expect(cases.length).toBeGreaterThan(50);
    });
    test.each(cases.map(c => [c.name, c] as const))("%s", (_name, c) => {
        const parsed = parseConfig(c.text);
        if (c.error === null) {
            expect(parsed.errors).toEqual([]);
            expect(normalised(parsed.settings)).toEqual(c.values);
            return;
        }
        expect(parsed.errors).toHaveLength(1);
        const message = `${parsed.errors[0]?.path}: ${parsed.errors[0]?.message}`;
        expect(message).not.toContain("\n");
        if (c.prefix)
            expect(message.startsWith(c.error)).toBe(true);
        else
            expect(message).toBe(c.error);
        // A rejected file is not half used: the page falls back to the defaults, as a whole.
        expect(parsed.settings).toEqual(defaultSettings());
    });
});

describe("saving", () => {
    test("old names are read and written back in the new ones, other keys kept", () => {
        const text = JSON.stringify({
            interval_seconds: 60,
            costs: { currency: "EUR", unit: "GB", pricePerUnit: "0.05", tiers: [{ upTo: "10", pricePerUnit: "0.1" }], billingDay: 15 },
            groups: [{ name: "g", pattern: "^g", charged: true, caseInsensitive: true }],
        });
        const parsed = parseConfig(text);
        expect(parsed.errors).toEqual([]);
        const saved = JSON.parse(serializeConfig(parsed.settings, parsed.raw));
        expect(saved.costs).toEqual({
            currency: "EUR", unit: "GB", price_per_unit: "0.05", bulk_discounts: [{ up_to: "10", price_per_unit: "0.1" }], billing_day: 15,
        });
        expect(saved.groups).toEqual([{ name: "g", pattern: "^g", charged: true, case_insensitive: true }]);
        expect(saved.interval_seconds).toBe(60);
        expect(JSON.stringify(saved)).not.toMatch(/[a-z][A-Z]/);
        // and what was written reads back to the same settings
        expect(parseConfig(serializeConfig(parsed.settings, parsed.raw)).settings).toEqual(parsed.settings);
    });
    test("the defaults written out are a valid file", () => {
        const text = serializeConfig(defaultSettings(), {});
        expect(parseConfig(text)).toEqual({ settings: defaultSettings(), errors: [], raw: JSON.parse(text) });
    });
});

describe("the Settings form is checked by the helper's rules", () => {
    test("a value the helper would refuse is named", () => {
        const s = defaultSettings();
        expect(validateSettings(s)).toEqual([]);
        expect(validateSettings({ ...s, intervalSeconds: Number.NaN })).toEqual([{ path: "interval_seconds", message: "must be a whole number from 10 to 86400" }]);
        expect(validateSettings({ ...s, retention: { detailDays: 10, hourlyDays: 5, dailyDays: null } }))
            .toEqual([{ path: "retention.hourly_days", message: "must not be less than retention.detail_days" }]);
        expect(validateSettings({ ...s, costs: { currency: "EUR", unit: "GB", price_per_unit: "1,5" } })[0]?.path).toBe("costs.price_per_unit");
        expect(validateSettings({ ...s, groups: [{ name: "x", pattern: "(?<n>a)", charged: true }] })[0])
            .toEqual({ path: "groups[0].pattern", message: "invalid pattern: at character 1: look-around and named groups are not supported" });
    });
});
