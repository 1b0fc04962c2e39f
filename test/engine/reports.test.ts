// SPDX-License-Identifier: LGPL-2.1-or-later
// Reports in four formats against golden files, and hostile rule names in every format.
//
// Golden files live in test/fixtures/golden/ and are compared exactly. After an intended change
// of a layout, regenerate them with:   UPDATE_GOLDEN=1 npx jest --selectProjects unit test/engine/reports
// and review the diff before committing it.

import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { readStoreTexts } from "../../src/engine/store-reader.ts";
import { totalsFor, Totals, TotalsRow } from "../../src/engine/totals.ts";
import { parseTimeframe, Timeframe } from "../../src/engine/timeframe.ts";
import { buildReport, Report } from "../../src/engine/reports/report.ts";
import { renderText } from "../../src/engine/reports/text.ts";
import { renderHtml } from "../../src/engine/reports/html.ts";
import { renderCsv } from "../../src/engine/reports/csv.ts";
import { renderJson } from "../../src/engine/reports/json.ts";
import type { GroupConfig } from "../../src/engine/plan.ts";
import { identityKey } from "../../src/engine/identity.ts";
import { storeFiles, STORES } from "./helpers.ts";

const GOLDEN = join(__dirname, "..", "fixtures", "golden");
const update = process.env.UPDATE_GOLDEN === "1";

function golden(name: string, actual: string): void {
    const path = join(GOLDEN, name);
    if (update) {
        mkdirSync(GOLDEN, { recursive: true });
        writeFileSync(path, actual);
    }
    if (!existsSync(path))
        throw new Error(`golden file ${name} is missing: run with UPDATE_GOLDEN=1 to create it`);
    expect(actual).toBe(readFileSync(path, "utf8"));
}

function tf(phrase: string, now: number, zone: string): Timeframe {
    const r = parseTimeframe({ phrase }, { now, zone });
    if (!r.ok)
        throw new Error(r.error);
    return r.timeframe;
}

/** The rows of iam's sample report, as totals of nft rules (MB = 10^6 bytes, as iam's one-decimal MB). */
function iamTotals(t: Timeframe): Totals {
    const sample: [string, bigint][] = [
        ["local", 2_465_300_000n], ["intevation", 586_400_000n],
        ["www", 1_770_800_000n], ["cvs", 1_531_700_000n], ["ip_local_port_range", 1_423_800_000n],
        ["ftp", 1_307_300_000n], ["mail", 203_800_000n], ["misc", 700_000n], ["outgoing", 600_000n],
        ["rsync", 10_000n], ["related", 200_000n], ["unknown", 200_000n], ["fragment", 1_000n],
    ];
    const rows: TotalsRow[] = sample.map(([name, bytes], index) => {
        const identity = { source: "nft-rule", family: "inet", table: "filter", chain: "forward", seq: 1, name };
        return { index, key: identityKey(identity), identity, name, hostName: null, bytes, packets: bytes / 700n };
    });
    return {
        from: t.from, to: t.to, rows,
        total: { bytes: rows.reduce((s, r) => s + r.bytes, 0n), packets: rows.reduce((s, r) => s + r.packets, 0n) },
        oldest: t.from, newest: t.to - 300,
        startEdge: { tier: "hourly", resolutionSeconds: 3600, inexactSeconds: 0 },
        endEdge: { tier: "detail", resolutionSeconds: 300, inexactSeconds: 0 },
        corruptCount: 0, tornCount: 0, error: null,
    };
}

const IAM_GROUPS: GroupConfig[] = [
    { name: "free of charge", pattern: "^(local|intevation)$", charged: false },
    { name: "internet services", pattern: "^(www|cvs|ip_local_port_range|ftp|mail|misc|outgoing|rsync)$", charged: true },
];

function iamReport(): Report {
    const now = Date.parse("2001-09-01T06:00:00Z") / 1000;
    const t = tf("last month", now, "Europe/Berlin");
    return buildReport({
        host: "gate.intevation.example", generatedAt: now, locale: "en-US", timeframe: t, totals: iamTotals(t),
        groups: IAM_GROUPS, plan: { currency: "EUR", unit: "MB", price_per_unit: "0.05" },
        quantity: { style: "si", unit: 2, decimals: 1 },
    });
}

const HOSTILE_GROUPS: GroupConfig[] = [
    { name: "<b>markup</b> & \"quotes\", commas", pattern: "^[<\"'=]", charged: true },
    { name: "=SUM(A1:A9)", pattern: "^(-|)$", charged: false },
];

function hostileReport(): Report {
    const T0 = 1763683200;
    const result = readStoreTexts(storeFiles(join(STORES, "hostile-names")), { windows: [{ from: T0, to: T0 + 86400 }] });
    const t = tf("the day 0 days ago", T0 + 3600, "UTC");
    return buildReport({
        host: "<script>alert('host')</script>", generatedAt: T0 + 3600, locale: "de-DE", timeframe: t,
        totals: totalsFor(result, 0), groups: HOSTILE_GROUPS,
        plan: { currency: "EUR", unit: "MB", price_per_unit: "1000" },
        quantity: { style: "ipacsum", unit: "exact" },
    });
}

describe("golden reports", () => {
    const cases: [string, () => Report][] = [["iam-sample", iamReport], ["hostile-names", hostileReport]];
    test.each(cases)("%s", (name, make) => {
        const r = make();
        golden(`${name}.txt`, renderText(r));
        golden(`${name}.html`, renderHtml(r));
        golden(`${name}.csv`, renderCsv(r));
        golden(`${name}.json`, renderJson(r));
    });

    test("the iam sample's figures come out as iam printed them", () => {
        const text = renderText(iamReport());
        for (const line of [
            "| 2,465.3 MB |         | local               |",
            "| 1,770.8 MB |  €88.54 | www                 |",
            "| 1,531.7 MB |  €76.59 | cvs                 |",
            "| 3,051.7 MB |         | free of charge      |",
            "| 6,238.7 MB | €311.94 | internet services   |",
            "|     0.4 MB |   €0.02 | other traffic       |",
        ])
            expect(text).toContain(line);
        // iam's own sample has 76.58 for cvs and 311.93 for the subtotal: it cut 76.585 down. Here
        // every figure is rounded half-up from its exact amount, the subtotal from the exact sum of
        // 6238.71 MB at 0.05 = 311.9355 (documented in docs/costs.md)
        expect(text).toContain("IP traffic (2001-08-01..2001-08-31):");
    });
});

/** A small RFC 4180 reader: enough to check what we write. */
function parseCsv(text: string): string[][] {
    const records: string[][] = [];
    let field = "";
    let record: string[] = [];
    let i = 0;
    let quoted = false;
    while (i < text.length) {
        const c = text[i] as string;
        if (quoted) {
            if (c === '"' && text[i + 1] === '"') {
                field += '"';
                i += 2;
                continue;
            }
            if (c === '"') {
                quoted = false;
                i++;
                continue;
            }
            field += c;
            i++;
            continue;
        }
        if (c === '"' && field === "") {
            quoted = true;
            i++;
        } else if (c === ",") {
            record.push(field);
            field = "";
            i++;
        } else if (c === "\r" && text[i + 1] === "\n") {
            record.push(field);
            records.push(record);
            record = [];
            field = "";
            i += 2;
        } else {
            if (c === "\n" || c === "\r" || c === '"')
                throw new Error(`bare ${JSON.stringify(c)} at ${i}`);
            field += c;
            i++;
        }
    }
    if (field !== "" || record.length > 0)
        throw new Error("last record without CRLF");
    return records;
}

describe("hostile names in every format", () => {
    const r = hostileReport();
    const names = r.groups.flatMap(g => g.rows.map(x => x.name));

    test("the fixture really has hostile names", () => {
        expect(names).toContain("<img src=x onerror=alert(1)>");
        expect(names).toContain("</script><script>alert(1)</script>");
        expect(names).toContain("line\nbreak");
        expect(names).toContain("=cmd|' /C calc'!A0");
        expect(names.length).toBe(16);
    });

    test("HTML: only our own tags, and every name is there escaped", () => {
        const html = renderHtml(r);
        const allowed = new Set(["html", "head", "meta", "title", "body", "h1", "table", "thead", "tbody", "tfoot", "tr", "th", "td", "p"]);
        for (const m of html.matchAll(/<\/?([a-zA-Z][a-zA-Z0-9]*)([^>]*)>/g)) {
            expect(allowed.has((m[1] as string).toLowerCase())).toBe(true);
            expect(m[2]).not.toMatch(/\son[a-z]+=/i);
        }
        expect(html).not.toContain("<script");
        expect(html).not.toContain("<img");
        expect(html).toContain("&lt;img src=x onerror=alert(1)&gt;");
        expect(html).toContain("&lt;script&gt;alert(&#39;host&#39;)&lt;/script&gt;");
        expect(html).toContain("&quot;quoted&quot; &#39;single&#39;");
        expect(html).not.toMatch(/<style|<link|<script|src=["']/i);
    });

    test("CSV: RFC 4180 records, one per row, subtotal and total, names intact or neutralised", () => {
        const records = parseCsv(renderCsv(r));
        const header = records[0] as string[];
        expect(records.length).toBe(1 + names.length + r.groups.length + 1);
        for (const rec of records)
            expect(rec.length).toBe(header.length);
        const nameCol = header.indexOf("name");
        const csvNames = records.filter(x => x[0] === "rule").map(x => x[nameCol] as string);
        expect(csvNames.map(n => (n.startsWith("'") ? n.slice(1) : n)).sort()).toEqual([...names].sort());
        for (const n of csvNames)
            expect(n).not.toMatch(/^[=+\-@\t\r]/);
        expect(csvNames).toContain("'=cmd|' /C calc'!A0");
        expect(csvNames).toContain("line\nbreak");
        expect(csvNames).toContain("'-");
        const groupCol = header.indexOf("group");
        expect(records.some(x => x[groupCol] === "'=SUM(A1:A9)")).toBe(true);
    });

    test("text: a name cannot break the layout", () => {
        const text = renderText(r);
        const lines = text.split("\n");
        const table = lines.filter(l => l.startsWith("|") || l.startsWith("+"));
        // terminal columns: CJK ideographs and emoji take two
        const cols = (l: string) => [...l].length + (l.match(/[\u4e00-\u9fff\u{1F300}-\u{1FAFF}]/gu)?.length ?? 0);
        const widths = new Set(table.map(cols));
        // every table line has the same width (trailing blanks trimmed only on empty rows)
        expect(table.every(l => l.endsWith("|") || l.endsWith("+"))).toBe(true);
        expect(widths.size).toBe(1);
        expect(text).toContain("line\\u000abreak");
        expect(text).not.toContain("line\nbreak");
        expect(text).toContain("del\\u007f");
    });

    test("JSON: names exact, counts as decimal strings", () => {
        const j = JSON.parse(renderJson(r)) as { groups: { rows: { name: string; bytes: string }[] }[]; host: string; total: { bytes: string } };
        expect(j.groups.flatMap(g => g.rows.map(x => x.name)).sort()).toEqual([...names].sort());
        expect(j.host).toBe("<script>alert('host')</script>");
        expect(j.total.bytes).toBe(r.total.bytes.toString());
        expect(typeof j.groups[0]?.rows[0]?.bytes).toBe("string");
    });
});

describe("facts every report carries", () => {
    test.each([["text", renderText], ["html", renderHtml], ["csv", renderCsv], ["json", renderJson]] as const)("%s", (_name, render) => {
        const out = render(iamReport());
        expect(out).toContain("gate.intevation.example");
        // generated at, timeframe start and end, oldest and newest data, in some spelling
        expect(out).toMatch(/2001-09-01.08:00:00/);
        expect(out).toMatch(/2001-08-01.00:00:00/);
        expect(out).toMatch(/2001-08-31.23:55:00/);
    });
});
