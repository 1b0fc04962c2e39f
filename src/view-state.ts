// SPDX-License-Identifier: LGPL-2.1-or-later
// What the page shows, as a value that round-trips through the URL (cockpit.location options):
// timeframe, filter, units, rate unit, graph settings and the selected rules. Pure: no cockpit,
// no React, so the URL contract is unit-tested.
import type { TimeframeInput } from "./engine/timeframe.ts";
import type { QuantityOptions } from "./engine/quantity.ts";

export type UnitsChoice = "auto" | "exact" | "K" | "M" | "G" | "T" | "iec" | "si";
export type RateUnit = "bytes" | "bits";
export type GraphInterval = "auto" | "5m" | "hour" | "day" | "week" | "month";
export type SortColumn = "name" | "bytes" | "packets" | "cost";

export interface ViewState {
    /** What the user typed or picked: a phrase ("last month"), "30D", or "START - END". */
    timeframe: string;
    filter: string;
    caseInsensitive: boolean;
    units: UnitsChoice;
    rate: RateUnit;
    interval: GraphInterval;
    stacked: boolean;
    average: boolean;
    percentile: boolean;
    /** Moving average over this many points; 0 = off. */
    movingAverage: number;
    /** Identity keys of the rules drawn in the graph; empty = the filtered total. */
    selected: string[];
    sort: SortColumn;
    descending: boolean;
}

export const DEFAULT_VIEW: ViewState = {
    timeframe: "this month",
    filter: "",
    caseInsensitive: false,
    units: "auto",
    rate: "bits",
    interval: "auto",
    stacked: false,
    average: true,
    percentile: false,
    movingAverage: 0,
    selected: [],
    sort: "bytes",
    descending: true,
};

/** The presets of the timeframe menu, in ipacsum's words (the engine reads them all). */
export const TIMEFRAME_PRESETS = [
    "today", "yesterday", "this week", "last week", "this month", "last month", "this year", "last year",
] as const;

const UNITS: readonly UnitsChoice[] = ["auto", "exact", "K", "M", "G", "T", "iec", "si"];
const INTERVALS: readonly GraphInterval[] = ["auto", "5m", "hour", "day", "week", "month"];
const SORTS: readonly SortColumn[] = ["name", "bytes", "packets", "cost"];

type LocationOptions = Record<string, string | string[] | undefined>;

function single(value: string | string[] | undefined): string | undefined {
    return Array.isArray(value) ? value[0] : value;
}

function list(value: string | string[] | undefined): string[] {
    if (value === undefined)
        return [];
    return Array.isArray(value) ? value : [value];
}

function oneOf<T extends string>(value: string | undefined, allowed: readonly T[], fallback: T): T {
    return allowed.includes(value as T) ? value as T : fallback;
}

function flag(value: string | undefined, fallback: boolean): boolean {
    if (value === "1" || value === "yes" || value === "true")
        return true;
    if (value === "0" || value === "no" || value === "false")
        return false;
    return fallback;
}

/** Reads the view from URL options; anything missing or unknown takes its default. */
export function viewFromLocation(options: LocationOptions): ViewState {
    const moving = Number(single(options.ma) ?? "0");
    return {
        timeframe: single(options.timeframe)?.trim() || DEFAULT_VIEW.timeframe,
        filter: single(options.filter) ?? "",
        caseInsensitive: flag(single(options.ci), DEFAULT_VIEW.caseInsensitive),
        units: oneOf(single(options.units), UNITS, DEFAULT_VIEW.units),
        rate: oneOf(single(options.rate), ["bytes", "bits"] as const, DEFAULT_VIEW.rate),
        interval: oneOf(single(options.interval), INTERVALS, DEFAULT_VIEW.interval),
        stacked: flag(single(options.stacked), DEFAULT_VIEW.stacked),
        average: flag(single(options.avg), DEFAULT_VIEW.average),
        percentile: flag(single(options.p95), DEFAULT_VIEW.percentile),
        movingAverage: Number.isInteger(moving) && moving >= 2 && moving <= 1000 ? moving : 0,
        selected: list(options.rule),
        sort: oneOf(single(options.sort), SORTS, DEFAULT_VIEW.sort),
        descending: flag(single(options.desc), DEFAULT_VIEW.descending),
    };
}

/** The URL options of a view: only what differs from the defaults, so links stay short. */
export function viewToLocation(view: ViewState): Record<string, string | string[]> {
    const options: Record<string, string | string[]> = {};
    const put = (key: string, value: string, fallback: string) => {
        if (value !== fallback)
            options[key] = value;
    };
    const bit = (b: boolean) => (b ? "1" : "0");
    put("timeframe", view.timeframe, DEFAULT_VIEW.timeframe);
    put("filter", view.filter, "");
    put("ci", bit(view.caseInsensitive), bit(DEFAULT_VIEW.caseInsensitive));
    put("units", view.units, DEFAULT_VIEW.units);
    put("rate", view.rate, DEFAULT_VIEW.rate);
    put("interval", view.interval, DEFAULT_VIEW.interval);
    put("stacked", bit(view.stacked), bit(DEFAULT_VIEW.stacked));
    put("avg", bit(view.average), bit(DEFAULT_VIEW.average));
    put("p95", bit(view.percentile), bit(DEFAULT_VIEW.percentile));
    put("ma", String(view.movingAverage), "0");
    put("sort", view.sort, DEFAULT_VIEW.sort);
    put("desc", bit(view.descending), bit(DEFAULT_VIEW.descending));
    if (view.selected.length > MAX_URL_RULES)
        options.sel = String(view.selected.length);   // the list itself stays in the page (useViewState)
    else if (view.selected.length > 0)
        options.rule = view.selected;
    return options;
}

/** More selected rules than this (a subnet's hosts, "select all") are not written into the URL:
 *  thousands of identities make a URL that the shell does not carry. The page keeps such a
 *  selection while it is open; a bookmark of it has none. */
export const MAX_URL_RULES = 100;

/** How many selected rules the page holds outside the URL (the `sel` option), or 0. */
export function heldSelection(options: LocationOptions): number {
    const n = Number(single(options.sel) ?? "0");
    return Number.isInteger(n) && n > MAX_URL_RULES ? n : 0;
}

/**
 * What the timeframe field means. A phrase goes to the engine as a phrase; "last 30 days"
 * (N hours, days, weeks) is the relative start "30D" up to now; "A - B" (or "A .. B", "A to B")
 * is an explicit start and end; anything else that starts with a digit is a start time
 * (absolute or relative) up to now. The engine reports what it cannot read.
 */
export function timeframeInput(text: string): TimeframeInput {
    const trimmed = text.trim();
    const lastN = /^last\s+([0-9]+)\s+(hour|day|week)s?$/i.exec(trimmed);
    if (lastN)
        return { start: `${lastN[1]}${{ hour: "h", day: "D", week: "W" }[lastN[2]?.toLowerCase() as "hour" | "day" | "week"]}` };
    const range = /^(\S+)\s*(?:\s-\s|\.\.|\sto\s|–)\s*(\S+)$/i.exec(trimmed);
    if (range)
        return { start: range[1], end: range[2] };
    if (/^[0-9]/.test(trimmed))
        return { start: trimmed };
    return { phrase: trimmed };
}

/** Engine quantity options for the units choice. */
export function quantityOptions(units: UnitsChoice, locale: string): QuantityOptions {
    switch (units) {
    case "exact":
        return { style: "ipacsum", unit: "exact", locale, grouping: true };
    case "K":
        return { style: "ipacsum", unit: 1, locale, decimals: 1, rounding: "half-up" };
    case "M":
        return { style: "ipacsum", unit: 2, locale, decimals: 1, rounding: "half-up" };
    case "G":
        return { style: "ipacsum", unit: 3, locale, decimals: 1, rounding: "half-up" };
    case "T":
        return { style: "ipacsum", unit: 4, locale, decimals: 2, rounding: "half-up" };
    case "iec":
        return { style: "iec", unit: "auto", locale };
    case "si":
        return { style: "si", unit: "auto", locale };
    default:
        return { style: "ipacsum", unit: "auto", locale };
    }
}
