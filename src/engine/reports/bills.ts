// SPDX-License-Identifier: LGPL-2.1-or-later
// The bills of a report as data for other programs (JSON, CSV) and as one printable invoice per
// account (standalone HTML, in the words the page passes: the engine does not translate; numbers
// in the locale's form, every digit kept). In JSON and CSV every amount is an exact decimal
// string: a line's cost is exact, a cycle's cost is rounded once.
// Account and rule names are untrusted text: escaped in HTML, made inert in CSV.

import type { AccountBill, BillLine, CycleBill } from "../billing.ts";
import { exactDecimal, formatExact, formatMoney, minorToDecimal, sub, type Rational } from "../money.ts";
import { formatLocalDate } from "../zone.ts";
import { csvField, csvText } from "./csv.ts";
import { escapeHtml } from "./html.ts";
import { Report, isoLocal } from "./report.ts";

/** Exact: volumes and line costs are finite decimals (units are powers of 10 or 2). */
const dec = (r: Rational): string => exactDecimal(r) ?? `${r.n}/${r.d}`;

const lineUnits = (l: BillLine): string => dec(sub(l.to, l.from));

function cycleToJson(c: CycleBill, currency: string, zone: string): unknown {
    return {
        cycle: { from: isoLocal(c.part.cycle.from, zone), to: isoLocal(c.part.cycle.to, zone) },
        from: isoLocal(c.part.from, zone),
        to: isoLocal(c.part.to, zone),
        partial: c.part.partial,
        bytes: c.bytes.toString(),
        volume: dec(c.volume),
        lines: c.lines.map(l => ({
            kind: l.kind, from: dec(l.from), to: dec(l.to), units: lineUnits(l),
            price_per_unit: l.pricePerUnit, cost: dec(l.cost),
        })),
        percentile95: c.percentile === null ? null : { bits_per_second: c.percentile.bitsPerSecond.toString(), samples: c.percentile.samples },
        cost_exact: c.cost === null ? null : dec(c.cost),
        cost: c.costMinor === null ? null : minorToDecimal(c.costMinor, currency),
    };
}

export function billToJson(b: AccountBill, zone: string): unknown {
    return {
        account: b.account,
        plan: b.plan,
        counters: b.counters,
        bytes: b.bytes.toString(),
        cycles: b.cycles.map(c => cycleToJson(c, b.plan.currency, zone)),
        cost: b.costMinor === null ? null : minorToDecimal(b.costMinor, b.plan.currency),
        currency: b.plan.currency,
    };
}


/** One CSV row per bill line (and one per cycle without lines), every figure exact. */
export function renderBillsCsv(r: Report): string {
    const header = ["account", "currency", "unit", "cycle_from", "cycle_to", "from", "to", "partial", "bytes", "volume",
        "line", "line_from", "line_to", "line_units", "price_per_unit", "line_cost", "percentile95_bits_per_second", "cycle_cost"];
    const lines = [header.join(",")];
    for (const b of r.bills) {
        for (const c of b.cycles) {
            const cycle = [csvText(b.account), b.plan.currency, b.plan.unit, isoLocal(c.part.cycle.from, r.zone), isoLocal(c.part.cycle.to, r.zone),
                isoLocal(c.part.from, r.zone), isoLocal(c.part.to, r.zone), c.part.partial ? "yes" : "no", c.bytes.toString(), dec(c.volume)];
            const p95 = c.percentile === null ? "" : c.percentile.bitsPerSecond.toString();
            const cost = c.costMinor === null ? "" : minorToDecimal(c.costMinor, b.plan.currency);
            if (c.lines.length === 0)
                lines.push([...cycle, "", "", "", "", "", "", p95, cost].join(","));
            for (const l of c.lines)
                lines.push([...cycle, l.kind, dec(l.from), dec(l.to), lineUnits(l), csvField(l.pricePerUnit), dec(l.cost), p95, cost].join(","));
        }
    }
    return lines.join("\r\n") + "\r\n";
}

/** The words of an invoice, in the user's language (the page translates them). */
export interface InvoiceWords {
    title: string;
    account: string;
    host: string;
    period: string;
    generated: string;
    partial: string;
    traffic: string;
    included: string;
    discount: string;
    base: string;
    percentile: string;
    unknown: string;
    total: string;
    /** "$0 to $1" style range of units. */
    units: (from: string, to: string, unit: string) => string;
    /** "$0 × $1" quantity at a price. */
    atPrice: (units: string, price: string) => string;
}

const CELL = "padding:0.2em 0.6em;border-bottom:1px solid #999;vertical-align:top;";
const NUM = `${CELL}text-align:right;white-space:nowrap;font-variant-numeric:tabular-nums;`;

/** A printable invoice for one account: every cycle of the timeframe with its lines. */
export function renderInvoice(r: Report, bill: AccountBill, words: InvoiceWords, formatBytes: (b: bigint) => string): string {
    const e = escapeHtml;
    const num = (text: string) => formatExact(text, r.locale);
    const currency = bill.plan.currency;
    const money = (m: bigint | null) => (m === null ? e(words.unknown) : e(formatMoney(m, currency, r.locale)));
    const exactMoney = (x: Rational) => e(`${num(dec(x))} ${currency}`);
    const day = (t: number) => formatLocalDate(t, r.zone);
    const out: string[] = [];
    out.push("<!DOCTYPE html>", `<html lang="${e(r.locale)}">`, "<head>", '<meta charset="utf-8">');
    out.push(`<title>${e(words.title)} – ${e(bill.account)}</title>`, "</head>");
    out.push('<body style="font-family:sans-serif;color:#000;background:#fff;max-width:50em;margin:2em auto;">');
    out.push(`<h1 style="font-size:1.4em;">${e(words.title)}</h1>`);
    out.push('<table style="border-collapse:collapse;margin-bottom:1.5em;">');
    const fact = (label: string, value: string) => out.push(`<tr><th style="${CELL}text-align:left;">${e(label)}</th><td style="${CELL}">${e(value)}</td></tr>`);
    fact(words.account, bill.account);
    fact(words.host, r.host);
    fact(words.period, `${day(r.timeframe.from)} – ${day(r.timeframe.to - 1)}`);
    fact(words.generated, `${isoLocal(r.generatedAt, r.zone)}`);
    out.push("</table>");
    for (const c of bill.cycles) {
        const title = `${day(c.part.from)} – ${day(c.part.to - 1)}${c.part.partial ? ` (${words.partial})` : ""}`;
        out.push(`<h2 style="font-size:1.1em;">${e(title)}</h2>`);
        out.push('<table style="border-collapse:collapse;width:100%;">');
        out.push(`<tr><td style="${CELL}">${e(words.traffic)}</td><td style="${NUM}">${e(formatBytes(c.bytes))}</td><td style="${NUM}">${e(`${num(dec(c.volume))} ${bill.plan.unit}`)}</td><td style="${NUM}"></td></tr>`);
        for (const l of c.lines) {
            const label = l.kind === "included" ? words.included : l.kind === "discount" ? words.discount : words.base;
            const range = words.units(num(dec(l.from)), num(dec(l.to)), bill.plan.unit);
            out.push(`<tr><td style="${CELL}">${e(label)}<br><small>${e(range)}</small></td><td style="${NUM}"></td>` +
                     `<td style="${NUM}">${e(words.atPrice(num(lineUnits(l)), `${num(l.pricePerUnit)} ${currency}`))}</td><td style="${NUM}">${exactMoney(l.cost)}</td></tr>`);
        }
        if (c.percentile !== null)
            out.push(`<tr><td style="${CELL}">${e(words.percentile)}</td><td style="${NUM}"></td><td style="${NUM}">${e(`${c.percentile.bitsPerSecond} bit/s`)}</td><td style="${NUM}">${c.cost === null ? "" : exactMoney(c.cost)}</td></tr>`);
        out.push(`<tr><th style="${CELL}text-align:left;">${e(words.total)}</th><td style="${NUM}"></td><td style="${NUM}"></td><th style="${NUM}">${money(c.costMinor)}</th></tr>`);
        out.push("</table>");
    }
    out.push(`<p style="font-size:1.2em;margin-top:1.5em;"><strong>${e(words.total)}: ${money(bill.costMinor)}</strong></p>`);
    out.push("</body>", "</html>");
    return out.join("\n") + "\n";
}
