// SPDX-License-Identifier: LGPL-2.1-or-later
// The shared configuration file as the page sees it (docs/configuration.md): the helper's keys
// (sources, interval, retention) with the same defaults and rules as helper/cta/config.py, and
// the engine's cost plan and groups. Pure, so the Settings form's validation is unit-tested.
import { validateCostPlan, validateGroups, type CostPlan, type GroupConfig, type ValidationError } from "./engine/costs.ts";

export const SOURCE_KEYS = ["nft_counters", "nft_rules", "iptables", "ip6tables", "interfaces"] as const;
export type SourceKey = typeof SOURCE_KEYS[number];
/** The list each source can be limited by: nft tables, iptables chains, excluded interfaces. */
export const SOURCE_LIMIT: Record<SourceKey, "tables" | "chains" | "exclude"> = {
    nft_counters: "tables", nft_rules: "tables", iptables: "chains", ip6tables: "chains", interfaces: "exclude",
};

export interface SourceSettings {
    enabled: boolean;
    names: string[];
}

export interface Settings {
    intervalSeconds: number;
    sources: Record<SourceKey, SourceSettings>;
    retention: { detailDays: number; hourlyDays: number; dailyDays: number | null };
    prometheusTextfile: string | null;
    costs: CostPlan | null;
    groups: GroupConfig[];
}

export function defaultSettings(): Settings {
    const sources = Object.fromEntries(SOURCE_KEYS.map(k => [k, { enabled: true, names: k === "interfaces" ? ["lo"] : [] }])) as Record<SourceKey, SourceSettings>;
    return {
        intervalSeconds: 300,
        sources,
        retention: { detailDays: 7, hourlyDays: 400, dailyDays: null },
        prometheusTextfile: null,
        costs: null,
        groups: [],
    };
}

export interface ParsedConfig {
    settings: Settings;
    errors: ValidationError[];
    /** The file's JSON object as read, so that saving keeps what this page does not edit. */
    raw: Record<string, unknown>;
}

function isObject(v: unknown): v is Record<string, unknown> {
    return typeof v === "object" && v !== null && !Array.isArray(v);
}

function positiveInteger(v: unknown): v is number {
    return typeof v === "number" && Number.isInteger(v) && v > 0;
}

/** Reads the file's text (null: no file, the defaults). Errors name the field path. */
export function parseConfig(text: string | null): ParsedConfig {
    const settings = defaultSettings();
    const errors: ValidationError[] = [];
    if (text === null || text.trim() === "")
        return { settings, errors, raw: {} };
    let data: unknown;
    try {
        data = JSON.parse(text);
    } catch (e) {
        return { settings, errors: [{ path: "(file)", message: `not valid JSON: ${e instanceof Error ? e.message : String(e)}` }], raw: {} };
    }
    if (!isObject(data))
        return { settings, errors: [{ path: "(top level)", message: "must be an object" }], raw: {} };
    const interval = data.interval_seconds;
    if (interval !== undefined) {
        if (positiveInteger(interval))
            settings.intervalSeconds = interval;
        else
            errors.push({ path: "interval_seconds", message: "must be a positive integer" });
    }
    if (isObject(data.sources)) {
        for (const key of SOURCE_KEYS) {
            const source = data.sources[key];
            if (source === undefined)
                continue;
            if (!isObject(source)) {
                errors.push({ path: `sources.${key}`, message: "must be an object" });
                continue;
            }
            if (typeof source.enabled === "boolean")
                settings.sources[key].enabled = source.enabled;
            const names = source[SOURCE_LIMIT[key]];
            if (Array.isArray(names) && names.every(n => typeof n === "string" && n !== ""))
                settings.sources[key].names = names as string[];
            else if (names !== undefined)
                errors.push({ path: `sources.${key}.${SOURCE_LIMIT[key]}`, message: "must be a list of non-empty strings" });
        }
    }
    if (isObject(data.retention)) {
        const r = data.retention;
        const days = (key: "detail_days" | "hourly_days", set: (n: number) => void) => {
            const v = r[key];
            if (v === undefined)
                return;
            if (positiveInteger(v))
                set(v);
            else
                errors.push({ path: `retention.${key}`, message: "must be a positive integer" });
        };
        days("detail_days", n => { settings.retention.detailDays = n });
        days("hourly_days", n => { settings.retention.hourlyDays = n });
        if (r.daily_days === null || positiveInteger(r.daily_days))
            settings.retention.dailyDays = r.daily_days;
        else if (r.daily_days !== undefined)
            errors.push({ path: "retention.daily_days", message: "must be a positive integer or null" });
    }
    if (typeof data.prometheus_textfile === "string")
        settings.prometheusTextfile = data.prometheus_textfile;
    if (data.costs !== undefined && !(isObject(data.costs) && Object.keys(data.costs).length === 0)) {
        const plan = validateCostPlan(data.costs);
        if (plan.ok)
            settings.costs = plan.value;
        else
            errors.push(...plan.errors);
    }
    if (data.groups !== undefined) {
        const groups = validateGroups(data.groups);
        if (groups.ok)
            settings.groups = groups.value;
        else
            errors.push(...groups.errors);
    }
    return { settings, errors, raw: data };
}

/** Checks settings the way the helper will, before anything is saved. */
export function validateSettings(settings: Settings): ValidationError[] {
    const errors: ValidationError[] = [];
    const { intervalSeconds, retention } = settings;
    if (!positiveInteger(intervalSeconds) || intervalSeconds < 10 || intervalSeconds > 86400)
        errors.push({ path: "interval_seconds", message: "must be a whole number of seconds from 10 to 86400" });
    if (!positiveInteger(retention.detailDays))
        errors.push({ path: "retention.detail_days", message: "must be a positive integer" });
    if (!positiveInteger(retention.hourlyDays))
        errors.push({ path: "retention.hourly_days", message: "must be a positive integer" });
    else if (retention.hourlyDays < retention.detailDays)
        errors.push({ path: "retention.hourly_days", message: "must not be less than the detail retention" });
    if (retention.dailyDays !== null && (!positiveInteger(retention.dailyDays) || retention.dailyDays < retention.hourlyDays))
        errors.push({ path: "retention.daily_days", message: "must be empty (for ever) or not less than the hourly retention" });
    if (settings.prometheusTextfile !== null && !/^\/.*\.prom$/.test(settings.prometheusTextfile))
        errors.push({ path: "prometheus_textfile", message: "must be an absolute path ending in .prom" });
    for (const key of SOURCE_KEYS)
        if (settings.sources[key].names.some(n => n.trim() === "" || /\s/.test(n)))
            errors.push({ path: `sources.${key}.${SOURCE_LIMIT[key]}`, message: "names must not be empty or contain spaces" });
    if (settings.costs) {
        const plan = validateCostPlan(settings.costs);
        if (!plan.ok)
            errors.push(...plan.errors);
    }
    const groups = validateGroups(settings.groups);
    if (!groups.ok)
        errors.push(...groups.errors);
    return errors;
}

/** The file's new text: the raw object with the page's keys replaced, stable key order. */
export function serializeConfig(settings: Settings, raw: Record<string, unknown>): string {
    const sources = Object.fromEntries(SOURCE_KEYS.map(key => [key, {
        enabled: settings.sources[key].enabled,
        [SOURCE_LIMIT[key]]: settings.sources[key].names,
    }]));
    const out: Record<string, unknown> = {
        ...raw,
        version: 1,
        interval_seconds: settings.intervalSeconds,
        sources,
        retention: {
            detail_days: settings.retention.detailDays,
            hourly_days: settings.retention.hourlyDays,
            daily_days: settings.retention.dailyDays,
        },
        prometheus_textfile: settings.prometheusTextfile,
        costs: settings.costs ?? {},
        groups: settings.groups,
    };
    return JSON.stringify(out, null, 4) + "\n";
}
