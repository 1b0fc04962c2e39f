// SPDX-License-Identifier: LGPL-2.1-or-later
// The Report value that every export renders (text, HTML, CSV, JSON): built once from a
// timeframe's totals, the report groups and the cost plan, so that all formats say the same.

import { billExactCost, type AccountBill, type Billing, type BillingNote } from "../billing.ts";
import { GroupKind, applyCosts } from "../costs.ts";
import type { CostPlan, GroupConfig } from "../plan.ts";
import { describeIdentity } from "../identity.ts";
import { Rational, ZERO, add, currencyDigits, mul, rat, roundToMinor } from "../money.ts";
import { QuantityOptions } from "../quantity.ts";
import { Timeframe } from "../timeframe.ts";
import { Totals, TotalsRow } from "../totals.ts";
import { formatLocal, formatLocalDate, zoneOffset } from "../zone.ts";

export interface ReportRow {
    name: string;
    /** The host's name for a set element keyed by a named address (`name` is the address). */
    hostName: string | null;
    /** Tells rows with the same name apart (where the counter lives); null when the name is unique. */
    description: string | null;
    /** The counter's identity key (escaped fields), stable across files. */
    counter: string;
    bytes: bigint;
    packets: bigint;
    charged: boolean;
    /** Rounded half-up from the exact cost; null without a plan or with percentile billing. */
    costMinor: bigint | null;
}

export interface ReportGroup {
    name: string;
    kind: GroupKind;
    rows: ReportRow[];
    bytes: bigint;
    packets: bigint;
    costMinor: bigint | null;
}

export interface Report {
    title: string;
    host: string;
    /** Unix seconds. */
    generatedAt: number;
    zone: string;
    /** BCP 47 locale of numbers and money. */
    locale: string;
    timeframe: { from: number; to: number; phrase: string | null };
    /** Oldest start and newest end of the data the figures come from (null: no data). */
    oldestData: number | null;
    newestData: number | null;
    currency: string | null;
    groups: ReportGroup[];
    total: { bytes: bigint; packets: bigint; costMinor: bigint | null };
    /** With 95th-percentile billing, the billed rate in bit/s. */
    percentile95BitsPerSecond: bigint | null;
    /** The bill of each account, cycle by cycle (empty without a plan or without billing). */
    bills: AccountBill[];
    quantity: QuantityOptions;
    /** Things the reader must know: skipped corrupt lines, inexact edges, store errors. */
    notes: string[];
    /** The same notes as values, for a page that words them in the user's language. */
    noteList: ReportNote[];
}

/** Something the reader of a report must know, as a value (see noteText for the words). */
export type ReportNote =
    | { code: "store-error"; message: string }
    | { code: "corrupt-lines"; count: number }
    | { code: "start-inside-interval"; seconds: number }
    | { code: "end-inside-interval"; seconds: number }
    | { code: "rounding" }
    | { code: "rounding-per-cycle" }
    | BillingNote;

/** A note in the words of the exported reports (English); times in the report's zone. */
export function noteText(note: ReportNote, zone = "UTC"): string {
    switch (note.code) {
    case "store-error":
        return `The store could not be read: ${note.message}`;
    case "corrupt-lines":
        return `${note.count} corrupt line(s) in the store were skipped: the totals are incomplete.`;
    case "start-inside-interval":
        return `The start of the timeframe falls inside a stored interval: up to ${note.seconds} s before it are counted.`;
    case "end-inside-interval":
        return `The end of the timeframe falls inside a stored interval: up to ${note.seconds} s before it are not counted.`;
    case "rounding":
        return "Costs of rows and groups are each rounded from exact amounts; the total is rounded once from the exact total.";
    case "rounding-per-cycle":
        return "Each bill is rounded once per billing cycle, half-up; rows and groups show their exact shares, each rounded on its own.";
    case "partial-cycle":
        return `The timeframe covers only part of the billing cycle ${formatLocal(note.from, zone)} – ${formatLocal(note.to, zone)}: ` +
            "that part is billed alone, with the whole included quota and bulk discounts.";
    case "too-many-cycles":
        return `The timeframe spans more than ${note.max} billing cycles: no cost is shown. Choose a shorter timeframe.`;
    case "percentile-unknown":
        return "No cost is shown: 95th-percentile billing needs 5-minute samples, and this timeframe is too long to take them. Choose a billing cycle or a shorter timeframe.";
    case "percentile-from-hourly":
        return "Part of this timeframe is stored as hourly totals only: its 5-minute rates are hourly averages, so the 95th percentile may be lower than the real one.";
    }
}

export interface ReportInput {
    host: string;
    generatedAt: number;
    locale: string;
    timeframe: Timeframe;
    totals: Totals;
    groups: readonly GroupConfig[];
    plan: CostPlan | null;
    title?: string;
    quantity?: QuantityOptions;
    percentile95BitsPerSecond?: bigint;
    /** The bills of the timeframe (billing.ts); rows then carry their share of their account's bill.
     *  null: bills are not known (yet), so no cost is shown at all. */
    billing?: Billing | null;
}

function round(r: Rational | null, currency: string | null): bigint | null {
    return r === null || currency === null ? null : roundToMinor(r, currencyDigits(currency));
}

export function buildReport(input: ReportInput): Report {
    const { totals, plan } = input;
    const nameCount = new Map<string, number>();
    for (const r of totals.rows)
        nameCount.set(r.name, (nameCount.get(r.name) ?? 0) + 1);
    const noCosts = input.billing === null;
    const costs = applyCosts<TotalsRow>(totals.rows, noCosts ? input.groups.map(g => ({ ...g, plan: undefined })) : input.groups, noCosts ? null : plan,
                                        input.percentile95BitsPerSecond === undefined ? {} : { percentile95BitsPerSecond: input.percentile95BitsPerSecond });
    const currency = costs.currency;
    let totalMinor = costs.costMinor;
    if (input.billing) {
        const share = new Map<string, Rational | null>();
        for (const bill of input.billing.bills) {
            const exact = bill.plan.percentile95 ? null : billExactCost(bill);
            for (const row of totals.rows)
                if (bill.counters.includes(row.key))
                    share.set(row.key, exact === null ? null : bill.bytes === 0n ? ZERO : mul(exact, rat(row.bytes, bill.bytes)));
        }
        for (const g of costs.groups) {
            let sum: Rational | null = ZERO;
            for (const r of g.rows) {
                r.cost = r.charged ? share.get(r.row.key) ?? null : ZERO;
                sum = sum === null || r.cost === null ? null : add(sum, r.cost);
            }
            g.cost = sum;
        }
        const bills = input.billing.bills;
        totalMinor = input.billing.notes.some(n => n.code === "too-many-cycles" || n.code === "percentile-unknown") ? null
            : bills.reduce<bigint | null>((t, b) => (t === null || b.costMinor === null ? null : t + b.costMinor), 0n);
    }
    const groups: ReportGroup[] = costs.groups.map(g => ({
        name: g.name,
        kind: g.kind,
        bytes: g.bytes,
        packets: g.packets,
        costMinor: round(g.cost, currency),
        rows: g.rows.map(c => ({
            name: c.row.name,
            hostName: c.row.hostName,
            description: (nameCount.get(c.row.name) ?? 0) > 1 ? describeIdentity(c.row.identity) : null,
            counter: c.row.key,
            bytes: c.row.bytes,
            packets: c.row.packets,
            charged: c.charged,
            costMinor: round(c.cost, currency),
        })),
    }));
    const noteList: ReportNote[] = [];
    if (totals.error !== null)
        noteList.push({ code: "store-error", message: totals.error });
    if (totals.corruptCount > 0)
        noteList.push({ code: "corrupt-lines", count: totals.corruptCount });
    const zone = input.timeframe.zone;
    if (totals.startEdge.inexactSeconds > 0)
        noteList.push({ code: "start-inside-interval", seconds: totals.startEdge.inexactSeconds });
    if (totals.endEdge.inexactSeconds > 0)
        noteList.push({ code: "end-inside-interval", seconds: totals.endEdge.inexactSeconds });
    noteList.push(...input.billing?.notes ?? []);
    if (currency !== null && costs.groups.some(g => g.rows.some(r => r.charged)) && groups.some(g => g.costMinor !== null))
        noteList.push({ code: input.billing ? "rounding-per-cycle" : "rounding" });
    const notes = noteList.map(n => noteText(n, zone));
    return {
        title: input.title ?? "IP traffic",
        host: input.host,
        generatedAt: input.generatedAt,
        zone,
        locale: input.locale,
        timeframe: { from: input.timeframe.from, to: input.timeframe.to, phrase: input.timeframe.phrase },
        oldestData: totals.oldest,
        newestData: totals.newest,
        currency,
        groups,
        total: { bytes: costs.bytes, packets: costs.packets, costMinor: totalMinor },
        percentile95BitsPerSecond: costs.percentile95BitsPerSecond,
        bills: input.billing?.bills ?? [],
        quantity: input.quantity ?? { style: "iec", decimals: 1 },
        notes,
        noteList,
    };
}

/** "IP traffic (2001-08-01..2001-08-31)": the dates of the first and the last second. */
export function reportHeading(r: Report): string {
    const first = formatLocalDate(r.timeframe.from, r.zone);
    const last = formatLocalDate(r.timeframe.to - 1, r.zone);
    return `${r.title} (${first}..${last})`;
}

/** ISO 8601 with the zone's offset at that instant: "2025-11-01T00:00:00+01:00". */
export function isoLocal(t: number, zone: string): string {
    const off = zoneOffset(t, zone);
    const sign = off < 0 ? "-" : "+";
    const a = Math.abs(off);
    const hh = String(Math.floor(a / 3600)).padStart(2, "0");
    const mm = String(Math.floor((a % 3600) / 60)).padStart(2, "0");
    return `${formatLocal(t, zone).replace(" ", "T")}${sign}${hh}:${mm}`;
}

/** Lines of facts every format carries: host, time of the report, timeframe, data used. */
export function reportFacts(r: Report): [label: string, value: string][] {
    const tf = `${formatLocal(r.timeframe.from, r.zone)} – ${formatLocal(r.timeframe.to, r.zone)}`;
    const data = r.oldestData === null || r.newestData === null
        ? "none"
        : `${formatLocal(r.oldestData, r.zone)} – ${formatLocal(r.newestData, r.zone)}`;
    const facts: [string, string][] = [
        ["host", r.host],
        ["generated", `${formatLocal(r.generatedAt, r.zone)} (${r.zone})`],
        ["timeframe", r.timeframe.phrase === null ? tf : `${r.timeframe.phrase}: ${tf}`],
        ["data used", data],
    ];
    if (r.percentile95BitsPerSecond !== null)
        facts.push(["95th percentile", `${r.percentile95BitsPerSecond} bit/s`]);
    return facts;
}

/**
 * Makes untrusted text safe for one line of plain text: control characters (a newline in a
 * rule comment) and bidirectional overrides become visible escapes instead of acting.
 */
export function oneLine(s: string): string {
    let out = "";
    for (let i = 0; i < s.length; i++) {
        const c = s.charCodeAt(i);
        const hidden = c < 0x20 || (c >= 0x7f && c <= 0x9f) || c === 0x200e || c === 0x200f ||
            (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069);
        out += hidden ? "\\u" + c.toString(16).padStart(4, "0") : s[i];
    }
    return out;
}

/** The row as one line of a report: "alice (10.0.0.7)" for a named host, the rule's name
 *  otherwise, with where it lives when two rows share a name. */
export function rowLabel(row: ReportRow): string {
    const where = [row.hostName === null ? null : row.name, row.description].filter(w => w !== null);
    return `${row.hostName ?? row.name}${where.length > 0 ? ` (${where.join(", ")})` : ""}`;
}

/** The name a person sees first: the host's name, else the rule's. */
export function shownName(row: { name: string; hostName: string | null }): string {
    return row.hostName ?? row.name;
}
