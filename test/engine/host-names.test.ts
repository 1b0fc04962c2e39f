// SPDX-License-Identifier: LGPL-2.1-or-later
// Host names: host-names.json read tolerantly, names only for set elements keyed by an address,
// a row filtered by either its address or its name, and every export showing both, escaped.
import { hostNameOf, parseHostNames } from "../../src/engine/host-names.ts";
import { buildReport, rowLabel, type ReportRow } from "../../src/engine/reports/report.ts";
import { renderCsv } from "../../src/engine/reports/csv.ts";
import { renderHtml } from "../../src/engine/reports/html.ts";
import { renderJson } from "../../src/engine/reports/json.ts";
import { renderText } from "../../src/engine/reports/text.ts";
import { readStoreTexts } from "../../src/engine/store-reader.ts";
import { totalsFor, type Totals } from "../../src/engine/totals.ts";
import { compileFilter } from "../../src/engine/filter.ts";
import { parseConfig, serializeConfig } from "../../src/config-model.ts";
import { parseTimeframe } from "../../src/engine/timeframe.ts";

const EVIL = "<img src=x onerror=alert(1)>";
const T0 = 1763683200;
const element = (name: string) => ({ source: "nft-set", family: "inet", table: "acct", chain: "hosts", seq: 1, name });

describe("host names", () => {
    test("the file, and what names what", () => {
        const names = parseHostNames(JSON.stringify({ version: 1, names: { "10.0.0.7": "alice", "2001:db8:1:2::/64": EVIL, "10.0.0.8": 5 } }));
        expect(hostNameOf(element("10.0.0.7"), names)).toBe("alice");
        expect(hostNameOf(element("2001:db8:1:2::/64"), names)).toBe(EVIL);
        expect(hostNameOf(element("10.0.0.8"), names)).toBeNull();           // not a string: no name
        expect(hostNameOf(element("10.0.0.9"), names)).toBeNull();
        expect(hostNameOf({ ...element("10.0.0.7"), source: "nft-counter" }, names)).toBeNull();
        for (const bad of [null, "", "{", "[]", '{"version": 2, "names": {"10.0.0.7": "x"}}', '{"version": 1, "names": []}'])
            expect(parseHostNames(bad).size).toBe(0);
    });

    test("a report row names the host and keeps the address", () => {
        const row: ReportRow = { name: "10.0.0.7", hostName: EVIL, description: null, counter: "k", bytes: 1n, packets: 1n, charged: false, costMinor: null };
        expect(rowLabel(row)).toBe(`${EVIL} (10.0.0.7)`);
        expect(rowLabel({ ...row, description: "nft-set inet acct hosts" })).toBe(`${EVIL} (10.0.0.7, nft-set inet acct hosts)`);
        expect(rowLabel({ ...row, hostName: null })).toBe("10.0.0.7");
    });
});

describe("host names in every export", () => {
    const hostsStore = (): Totals => {
        const result = readStoreTexts([{ name: "detail/2025-11-21.cta", text:
            "#cta 1 detail 0123456789abcdef\n" +
            "c 0 nft-set inet acct hosts 1 10.0.0.7\nc 1 nft-set inet acct hosts 1 10.0.0.8\nc 2 nft-set inet acct hosts 1 2001:db8:1:2::/64\n" +
            `i ${T0} ${T0 + 300} 3\n0 1000 10\n1 2000 20\n2 3000 30\n` }], { windows: [{ from: T0, to: T0 + 86400 }] });
        const names = parseHostNames(JSON.stringify({ version: 1, names: { "10.0.0.7": EVIL, "2001:db8:1:2::/64": "=cmd|' /C calc'!A0" } }));
        return totalsFor(result, 0, undefined, names);
    };
    const report = () => {
        const totals = hostsStore();
        const timeframe = parseTimeframe({ phrase: "the day 0 days ago" }, { now: T0 + 3600, zone: "UTC" });
        if (!timeframe.ok)
            throw new Error("timeframe");
        return buildReport({ host: "h", generatedAt: T0 + 3600, locale: "en-US", timeframe: timeframe.timeframe, totals, groups: [], plan: null });
    };

    test("the filter finds a row by its address and by its name", () => {
        const result = hostsStore();
        expect(result.rows.map(r => [r.name, r.hostName])).toEqual([
            ["10.0.0.7", EVIL], ["10.0.0.8", null], ["2001:db8:1:2::/64", "=cmd|' /C calc'!A0"]]);
        const names = parseHostNames(JSON.stringify({ version: 1, names: { "10.0.0.7": "alice" } }));
        const raw = readStoreTexts([{ name: "detail/2025-11-21.cta", text:
            `#cta 1 detail 0123456789abcdef\nc 0 nft-set inet acct hosts 1 10.0.0.7\nc 1 nft-set inet acct hosts 1 10.0.0.8\ni ${T0} ${T0 + 300} 2\n0 1 1\n1 2 2\n` }],
                                   { windows: [{ from: T0, to: T0 + 86400 }] });
        const only = (pattern: string) => {
            const f = compileFilter(pattern, { caseInsensitive: false });
            if (!f.ok)
                throw new Error(pattern);
            return totalsFor(raw, 0, f.filter, names).rows.map(r => r.name);
        };
        expect(only("^alice$")).toEqual(["10.0.0.7"]);
        expect(only("^10\\.0\\.0\\.7$")).toEqual(["10.0.0.7"]);
        expect(only("10\\.0\\.0")).toEqual(["10.0.0.7", "10.0.0.8"]);
    });

    test("HTML escapes the name, text keeps it literal, CSV neutralises formulas, JSON has both", () => {
        const r = report();
        const html = renderHtml(r);
        expect(html).not.toContain("<img");
        expect(html).toContain("&lt;img src=x onerror=alert(1)&gt; (10.0.0.7)");
        const text = renderText(r);
        expect(text).toContain(`${EVIL} (10.0.0.7)`);
        const csv = renderCsv(r).split("\r\n");
        const header = (csv[0] as string).split(",");
        expect(header[header.length - 1]).toBe("host_name");
        const alice = csv.find(l => l.includes(",10.0.0.7,")) as string;
        expect(alice.endsWith(`,${EVIL}`)).toBe(true);
        expect(csv.find(l => l.includes("2001:db8:1:2::/64,"))?.endsWith(",'=cmd|' /C calc'!A0")).toBe(true);
        const json = JSON.parse(renderJson(r)) as { groups: { rows: { name: string; host_name: string | null }[] }[] };
        expect(json.groups.flatMap(g => g.rows.map(x => [x.name, x.host_name]))).toEqual([
            ["10.0.0.7", EVIL], ["10.0.0.8", null], ["2001:db8:1:2::/64", "=cmd|' /C calc'!A0"]]);
    });
});

describe("host_names in the configuration", () => {
    test("read alike by the page and the helper: an object of strings, or the one-line error", () => {
        expect(parseConfig(JSON.stringify({ host_names: { "10.0.0.7": "alice", "not an address": EVIL } })).errors).toEqual([]);
        for (const bad of [[], "x", { "10.0.0.7": 7 }, { "10.0.0.7": null }])
            expect(parseConfig(JSON.stringify({ host_names: bad })).errors)
                    .toEqual([{ path: "host_names", message: "must be an object of address: name strings" }]);
        // what the form does not edit stays in the file as it was
        const parsed = parseConfig(JSON.stringify({ host_names: { "10.0.0.7": EVIL } }));
        expect(JSON.parse(serializeConfig(parsed.settings, parsed.raw)).host_names).toEqual({ "10.0.0.7": EVIL });
    });
});
