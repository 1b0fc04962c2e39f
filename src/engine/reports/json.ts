// SPDX-License-Identifier: LGPL-2.1-or-later
// JSON report: byte and packet counts and money as decimal strings, so that no value passes
// through a double on the way into another program.

import { minorToDecimal } from "../money.ts";
import { billToJson } from "./bills.ts";
import { Report, isoLocal } from "./report.ts";

export function reportToJson(r: Report): unknown {
    const money = (m: bigint | null) => (m === null || r.currency === null ? null : minorToDecimal(m, r.currency));
    const time = (t: number | null) => (t === null ? null : isoLocal(t, r.zone));
    return {
        format: "cockpit-traffic-accounting-report",
        version: 1,
        title: r.title,
        host: r.host,
        generatedAt: time(r.generatedAt),
        zone: r.zone,
        timeframe: { phrase: r.timeframe.phrase, from: time(r.timeframe.from), to: time(r.timeframe.to) },
        data: { oldest: time(r.oldestData), newest: time(r.newestData) },
        currency: r.currency,
        percentile95BitsPerSecond: r.percentile95BitsPerSecond === null ? null : r.percentile95BitsPerSecond.toString(),
        groups: r.groups.map(g => ({
            name: g.name,
            kind: g.kind,
            bytes: g.bytes.toString(),
            packets: g.packets.toString(),
            cost: money(g.costMinor),
            rows: g.rows.map(row => ({
                name: row.name,
                host_name: row.hostName,
                description: row.description,
                counter: row.counter,
                bytes: row.bytes.toString(),
                packets: row.packets.toString(),
                charged: row.charged,
                cost: row.charged ? money(row.costMinor) : null,
            })),
        })),
        total: { bytes: r.total.bytes.toString(), packets: r.total.packets.toString(), cost: money(r.total.costMinor) },
        bills: r.bills.map(b => billToJson(b, r.zone)),
        notes: r.notes,
    };
}

export function renderJson(r: Report): string {
    return JSON.stringify(reportToJson(r), null, 2) + "\n";
}
