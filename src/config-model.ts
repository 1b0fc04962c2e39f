// SPDX-License-Identifier: LGPL-2.1-or-later
// The shared configuration file as the page sees it (docs/configuration.md): the helper's keys
// (sources, interval, retention) with the same defaults and rules as helper/cta/config.py, and
// the engine's cost plan and groups. Pure, so the Settings form's validation is unit-tested
// (test/engine/config-model.test.ts), and read by the same rules as the helper's: both run
// the shared fixture files of test/fixtures/config/.
import { boolean, isObject, object, readJson, ValueProblem, whole } from "./engine/json-values.ts";
import { parseRules, ruleConfig, type Rule } from "./engine/rule-spec.ts";
import { checkAccounts, checkCurrencies, parseAlertCommand, parseCosts, parseGroups, parseQuotas, type Quota, type CostPlan, type GroupConfig, type ValidationError } from "./engine/plan.ts";

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
    /** Read here for the page's usage bars; kept as they are in the file when the form saves. */
    quotas: Quota[];
    alertCommand: string[] | null;
    /** The helper's own nft table (src/engine/rule-spec.ts, helper/cta/rules.py). */
    rules: Rule[];
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
        quotas: [],
        alertCommand: null,
        rules: [],
    };
}

export interface ParsedConfig {
    settings: Settings;
    /** The first problem, as the helper reports it (it refuses the whole file); empty when valid. */
    errors: ValidationError[];
    /** The file's JSON object as read, so that saving keeps what this page does not edit. */
    raw: Record<string, unknown>;
}

export const TOP_KEYS = ["version", "interval_seconds", "sources", "retention", "prometheus_textfile", "costs", "groups", "quotas", "alert_command", "host_names", "rules"];
/** About 270 years: more is a typing error, and dates would overflow. */
export const MAX_DAYS = 100000;

function days(v: unknown, path: string, allowNull = false): number | null {
    if (v === null && allowNull)
        return null;
    try {
        return whole(v, path, 1, MAX_DAYS);
    } catch (e) {
        if (allowNull && e instanceof ValueProblem)
            throw new ValueProblem(path, `must be null or a whole number from 1 to ${MAX_DAYS}`);
        throw e;
    }
}

function readSources(value: unknown, settings: Settings): void {
    const sources = object(value, "sources", SOURCE_KEYS);
    for (const [key, item] of Object.entries(sources) as [SourceKey, unknown][]) {
        const limit = SOURCE_LIMIT[key];
        const o = object(item, `sources.${key}`, ["enabled", limit]);
        if ("enabled" in o)
            settings.sources[key].enabled = boolean(o.enabled, `sources.${key}.enabled`);
        if (limit in o) {
            const names = o[limit];
            if (!Array.isArray(names) || !names.every(n => typeof n === "string" && n !== ""))
                throw new ValueProblem(`sources.${key}.${limit}`, "must be a list of non-empty strings");
            settings.sources[key].names = [...names] as string[];
        }
    }
}

function readRetention(value: unknown): Settings["retention"] {
    const r = object(value, "retention", ["detail_days", "hourly_days", "daily_days"]);
    const detail = days("detail_days" in r ? r.detail_days : 7, "retention.detail_days") as number;
    const hourly = days("hourly_days" in r ? r.hourly_days : 400, "retention.hourly_days") as number;
    const daily = days("daily_days" in r ? r.daily_days : null, "retention.daily_days", true);
    if (hourly < detail)
        throw new ValueProblem("retention.hourly_days", "must not be less than retention.detail_days");
    if (daily !== null && daily < hourly)
        throw new ValueProblem("retention.daily_days", "must be null or not less than retention.hourly_days");
    return { detailDays: detail, hourlyDays: hourly, dailyDays: daily };
}

/** The file's JSON value as settings, in the helper's order (helper/cta/config.py); throws ValueProblem. */
function readSettings(data: unknown): Settings {
    const settings = defaultSettings();
    const top = object(data, "", TOP_KEYS);
    if ("version" in top) {
        try {
            whole(top.version, "version", 1, 1);
        } catch {
            throw new ValueProblem("version", "must be 1");
        }
    }
    if ("interval_seconds" in top)
        settings.intervalSeconds = whole(top.interval_seconds, "interval_seconds", 10, 86400);
    if ("sources" in top)
        readSources(top.sources, settings);
    if ("retention" in top)
        settings.retention = readRetention(top.retention);
    if ("prometheus_textfile" in top) {
        const p = top.prometheus_textfile;
        if (p !== null && (typeof p !== "string" || !p.startsWith("/") || !p.endsWith(".prom")))
            throw new ValueProblem("prometheus_textfile", "must be null or an absolute path ending in .prom");
        settings.prometheusTextfile = p;
    }
    if ("costs" in top)
        settings.costs = parseCosts(top.costs);
    if ("groups" in top)
        settings.groups = parseGroups(top.groups);
    if ("quotas" in top)
        settings.quotas = parseQuotas(top.quotas);
    if ("alert_command" in top)
        settings.alertCommand = parseAlertCommand(top.alert_command);
    // host_names: checked for shape only; entries that name no address are skipped (helper/cta/hostnames.py)
    if ("host_names" in top && (!isObject(top.host_names) || !Object.values(top.host_names).every(v => typeof v === "string")))
        throw new ValueProblem("host_names", "must be an object of address: name strings");
    checkCurrencies(settings.costs, settings.groups);
    checkAccounts(settings.quotas, settings.groups);
    if ("rules" in top)
        settings.rules = parseRules(top.rules, settings.intervalSeconds);
    return settings;
}

/**
 * Reads the file's text (null: no file; empty: the defaults too). Like the helper, the first
 * problem rejects the whole file: the settings are then the defaults and `errors` names it.
 */
export function parseConfig(text: string | null): ParsedConfig {
    let data: unknown = null;
    try {
        data = text === null ? null : readJson(text);
        if (data === null)
            return { settings: defaultSettings(), errors: [], raw: {} };
        return { settings: readSettings(data), errors: [], raw: data as Record<string, unknown> };
    } catch (e) {
        if (!(e instanceof ValueProblem))
            throw e;
        return { settings: defaultSettings(), errors: [{ path: e.path, message: e.problem }], raw: isObject(data) ? data : {} };
    }
}

/** Checks settings exactly as the helper will read them once saved: the problem, or nothing. */
export function validateSettings(settings: Settings, raw: Record<string, unknown> = {}): ValidationError[] {
    return parseConfig(serializeConfig(settings, raw)).errors;
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
    if (settings.rules.length > 0 || "rules" in raw)
        out.rules = settings.rules.map(ruleConfig);
    return JSON.stringify(out, null, 4) + "\n";
}
