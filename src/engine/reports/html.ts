// SPDX-License-Identifier: LGPL-2.1-or-later
// Standalone HTML report: one file with inline styles only (no <style>, no script, nothing
// loaded), black on white so it prints well, every piece of text escaped (rule names are
// chosen by whoever can add a firewall rule).

import { formatMoney } from "../money.ts";
import { formatBytes } from "../quantity.ts";
import { Report, reportFacts, reportHeading, rowLabel } from "./report.ts";

/** Escapes text for element content and double- or single-quoted attribute values. */
export function escapeHtml(s: string): string {
    return s.replace(/[&<>"']/g, c => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] as string);
}

const CELL = "padding:0.15em 0.6em;border:1px solid #999;";
const NUM = `${CELL}text-align:right;white-space:nowrap;font-variant-numeric:tabular-nums;`;
const SUB = "font-weight:bold;border-top:2px solid #000;";

export function renderHtml(r: Report): string {
    const e = escapeHtml;
    const bytes = (b: bigint) => e(formatBytes(b, { locale: r.locale, ...r.quantity }));
    const money = (m: bigint | null) => (m === null || r.currency === null ? "" : e(formatMoney(m, r.currency, r.locale)));
    const heading = reportHeading(r);
    const out: string[] = [];
    out.push("<!DOCTYPE html>");
    out.push(`<html lang="${e(r.locale)}">`);
    out.push("<head>");
    out.push('<meta charset="utf-8">');
    out.push(`<title>${e(heading)} – ${e(r.host)}</title>`);
    out.push("</head>");
    out.push('<body style="font-family:sans-serif;color:#000;background:#fff;margin:1.5em;">');
    out.push(`<h1 style="font-size:1.3em;margin:0 0 0.5em 0;">${e(heading)}</h1>`);
    out.push('<table style="border-collapse:collapse;margin-bottom:1em;">');
    for (const [label, value] of reportFacts(r))
        out.push(`<tr><th scope="row" style="text-align:left;padding:0 1em 0 0;font-weight:normal;color:#333;">${e(label)}</th><td>${e(value)}</td></tr>`);
    out.push("</table>");
    out.push('<table style="border-collapse:collapse;">');
    out.push(`<thead><tr><th style="${CELL}text-align:right;">traffic</th><th style="${CELL}text-align:right;">cost</th><th style="${CELL}text-align:left;">description</th></tr></thead>`);
    r.groups.forEach((g, i) => {
        out.push(`<tbody style="page-break-inside:avoid;break-inside:avoid;">`);
        if (i > 0)
            out.push(`<tr><td colspan="3" style="height:0.8em;"></td></tr>`);
        for (const row of g.rows)
            out.push(`<tr><td style="${NUM}">${bytes(row.bytes)}</td><td style="${NUM}">${row.charged ? money(row.costMinor) : ""}</td><td style="${CELL}">${e(rowLabel(row))}</td></tr>`);
        const cost = g.rows.some(x => x.charged) ? money(g.costMinor) : "";
        out.push(`<tr><td style="${NUM}${SUB}">${bytes(g.bytes)}</td><td style="${NUM}${SUB}">${cost}</td><td style="${CELL}${SUB}">${e(g.name)}</td></tr>`);
        out.push("</tbody>");
    });
    out.push("<tfoot>");
    out.push(`<tr><td colspan="3" style="height:0.8em;"></td></tr>`);
    out.push(`<tr><td style="${NUM}${SUB}border-bottom:2px solid #000;">${bytes(r.total.bytes)}</td><td style="${NUM}${SUB}border-bottom:2px solid #000;">${money(r.total.costMinor)}</td><td style="${CELL}${SUB}border-bottom:2px solid #000;">total</td></tr>`);
    out.push("</tfoot>");
    out.push("</table>");
    for (const n of r.notes)
        out.push(`<p style="margin:0.5em 0;font-size:0.9em;">${e(n)}</p>`);
    out.push("</body>");
    out.push("</html>");
    return out.join("\n") + "\n";
}
