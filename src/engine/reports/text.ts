// SPDX-License-Identifier: LGPL-2.1-or-later
// Plain-text report laid out like iam's: a centred, underlined heading, then a boxed table of
// traffic | cost | description with one section per group and its subtotal, then the total.

import { formatMoney } from "../money.ts";
import { formatBytes } from "../quantity.ts";
import { Report, oneLine, reportFacts, reportHeading, rowLabel } from "./report.ts";

/** Terminal columns of one code point: 0 for combining marks, 2 for wide East Asian and emoji. */
function columns(cp: number): number {
    if ((cp >= 0x300 && cp <= 0x36f) || cp === 0x200d || (cp >= 0xfe00 && cp <= 0xfe0f))
        return 0;
    if ((cp >= 0x1100 && cp <= 0x115f) || (cp >= 0x2e80 && cp <= 0xa4cf) || (cp >= 0xac00 && cp <= 0xd7a3) ||
        (cp >= 0xf900 && cp <= 0xfaff) || (cp >= 0xfe30 && cp <= 0xfe4f) || (cp >= 0xff00 && cp <= 0xff60) ||
        (cp >= 0xffe0 && cp <= 0xffe6) || (cp >= 0x1f300 && cp <= 0x1faff) || (cp >= 0x20000 && cp <= 0x3fffd))
        return 2;
    return 1;
}

/** Width in a monospaced terminal, so that names in CJK or with emoji keep the box aligned. */
function width(s: string): number {
    let w = 0;
    for (const ch of s)
        w += columns(ch.codePointAt(0) ?? 0);
    return w;
}

function padRight(s: string, w: number): string {
    return s + " ".repeat(Math.max(0, w - width(s)));
}

function padLeft(s: string, w: number): string {
    return " ".repeat(Math.max(0, w - width(s))) + s;
}

export function renderText(r: Report): string {
    const bytes = (b: bigint) => formatBytes(b, { locale: r.locale, ...r.quantity });
    const money = (m: bigint | null) => (m === null || r.currency === null ? "" : formatMoney(m, r.currency, r.locale));
    type Line = { kind: "row"; cells: [string, string, string] } | { kind: "rule" } | { kind: "blank" };
    const lines: Line[] = [];
    r.groups.forEach((g, i) => {
        if (i > 0)
            lines.push({ kind: "blank" });
        for (const row of g.rows)
            lines.push({ kind: "row", cells: [bytes(row.bytes), row.charged ? money(row.costMinor) : "", oneLine(rowLabel(row))] });
        lines.push({ kind: "rule" });
        // a group with nothing charged shows no cost, as iam's "free of charge"
        lines.push({ kind: "row", cells: [bytes(g.bytes), g.rows.some(x => x.charged) ? money(g.costMinor) : "", oneLine(g.name)] });
        lines.push({ kind: "rule" });
    });
    lines.push({ kind: "blank" });
    lines.push({ kind: "row", cells: [bytes(r.total.bytes), money(r.total.costMinor), "total"] });
    lines.push({ kind: "rule" });

    const head: [string, string, string] = ["traffic", "cost", "description"];
    const w = [0, 1, 2].map(c => Math.max(width(head[c] as string), ...lines.map(l => (l.kind === "row" ? width(l.cells[c] as string) : 0))));
    const [w0, w1, w2] = w as [number, number, number];
    const rule = `+${"-".repeat(w0 + 2)}+${"-".repeat(w1 + 2)}+${"-".repeat(w2 + 2)}+`;
    const row = (a: string, b: string, c: string) => `| ${padLeft(a, w0)} | ${padLeft(b, w1)} | ${padRight(c, w2)} |`;

    const tableWidth = width(rule);
    const heading = oneLine(`${reportHeading(r)}:`);
    const centre = (s: string) => {
        const left = Math.max(0, Math.floor((tableWidth - width(s)) / 2));
        return padRight(" ".repeat(left) + s, tableWidth);
    };
    const out: string[] = [centre(heading), centre("=".repeat(width(heading)))];
    const facts = reportFacts(r);
    const lw = Math.max(...facts.map(([l]) => width(l))) + 1;
    for (const [label, value] of facts)
        out.push(`${padRight(label + ":", lw)} ${oneLine(value)}`);
    out.push("");
    out.push(`| ${padRight(head[0], w0)} | ${padRight(head[1], w1)} | ${padRight(head[2], w2)} |`);
    out.push(rule);
    for (const l of lines) {
        if (l.kind === "rule")
            out.push(rule);
        else if (l.kind === "blank")
            out.push(row("", "", ""));
        else
            out.push(row(...l.cells));
    }
    for (const n of r.notes)
        out.push(`note: ${oneLine(n)}`);
    return out.map(l => l.replace(/ +$/, "")).join("\n") + "\n";
}
