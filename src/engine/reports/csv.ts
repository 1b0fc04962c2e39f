// SPDX-License-Identifier: LGPL-2.1-or-later
// CSV report (RFC 4180): CRLF line ends, a header row, fields with a comma, quote, CR or LF in
// double quotes with quotes doubled. One row per rule, per group subtotal and for the total,
// each carrying the report's facts, so the file stands alone in a spreadsheet.
//
// Spreadsheet formula injection: a text field that starts with "=", "+", "-", "@", a tab or a
// carriage return would be run as a formula by spreadsheet programs, so such text gets a
// leading apostrophe ("'=cmd"). Numbers are never changed. The exact name stays available to
// programs in the "counter" column (the store's escaped identity, which never starts so) and in
// the JSON report.

import { minorToDecimal } from "../money.ts";
import { Report, isoLocal } from "./report.ts";

export function csvField(s: string): string {
    return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Text from outside (names, descriptions) made inert for spreadsheets, then quoted. */
export function csvText(s: string): string {
    return csvField(/^[=+\-@\t\r]/.test(s) ? `'${s}` : s);
}

export function renderCsv(r: Report): string {
    const money = (m: bigint | null) => (m === null || r.currency === null ? "" : minorToDecimal(m, r.currency));
    const facts = [
        csvText(r.host),
        isoLocal(r.generatedAt, r.zone),
        isoLocal(r.timeframe.from, r.zone),
        isoLocal(r.timeframe.to, r.zone),
        r.oldestData === null ? "" : isoLocal(r.oldestData, r.zone),
        r.newestData === null ? "" : isoLocal(r.newestData, r.zone),
    ];
    const lines: string[] = [[
        "type", "group", "group_kind", "name", "description", "counter", "bytes", "packets", "charged", "cost", "currency",
        "host", "generated_at", "timeframe_from", "timeframe_to", "oldest_data", "newest_data", "host_name",
    ].join(",")];
    const currency = r.currency ?? "";
    for (const g of r.groups) {
        for (const row of g.rows)
            lines.push(["rule", csvText(g.name), g.kind, csvText(row.name), csvText(row.description ?? ""), csvText(row.counter),
                row.bytes.toString(), row.packets.toString(), row.charged ? "yes" : "no", row.charged ? money(row.costMinor) : "", currency, ...facts, csvText(row.hostName ?? "")].join(","));
        lines.push(["subtotal", csvText(g.name), g.kind, csvText(g.name), "", "", g.bytes.toString(), g.packets.toString(), "",
                    g.rows.some(x => x.charged) ? money(g.costMinor) : "", currency, ...facts, ""].join(","));
    }
    lines.push(["total", "", "", "total", "", "", r.total.bytes.toString(), r.total.packets.toString(), "", money(r.total.costMinor), currency, ...facts, ""].join(","));
    return lines.join("\r\n") + "\r\n";
}
