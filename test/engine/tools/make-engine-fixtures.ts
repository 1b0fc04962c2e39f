// SPDX-License-Identifier: LGPL-2.1-or-later
// Writes the engine's own fixture stores, test/fixtures/stores/engine-*/, in the format and with
// the expected.json of the shared fixtures (so the helper's reader checks them too). Expected
// totals are summed here from the records this script means to write, not parsed back.
//
//   npx tsx test/engine/tools/make-engine-fixtures.ts

import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const OUT = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "fixtures", "stores");
const ZONE = "Europe/Berlin";

interface Ident { source: string; family: string; table: string; chain: string; seq: number; name: string }
interface Rec { start: number; end: number; ident: Ident; bytes: bigint; packets: bigint }

const esc = (s: string): string => {
    if (s === "" || s === "-")
        return s === "" ? "-" : "%2D";
    return [...s].map(c => {
        const code = c.codePointAt(0) ?? 0;
        return code <= 0x20 || code === 0x7f || c === "%" ? "%" + code.toString(16).toUpperCase().padStart(2, "0") : c;
    }).join("");
};
const key = (i: Ident): string => [esc(i.source), esc(i.family), esc(i.table), esc(i.chain), String(i.seq), esc(i.name)].join(" ");

const WWW: Ident = { source: "nft-rule", family: "inet", table: "filter", chain: "forward", seq: 1, name: "www" };
const ETH: Ident = { source: "iface", family: "link", table: "", chain: "tx", seq: 1, name: "eth0" };

/** The Berlin local date (and month, year) of a Unix second, as the helper names files. */
function localDate(t: number): string {
    const p = new Intl.DateTimeFormat("en-CA", { timeZone: ZONE, year: "numeric", month: "2-digit", day: "2-digit" }).format(new Date(t * 1000));
    return p; // en-CA formats as YYYY-MM-DD
}

function fileOf(tier: string, end: number): string {
    const d = localDate(end - 1);
    return tier === "detail" ? `detail/${d}.cta` : tier === "hourly" ? `hourly/${d.slice(0, 7)}.cta` : `daily/${d.slice(0, 4)}.cta`;
}

function write(name: string, description: string, tiers: { tier: string; recs: Rec[] }[], windows: [number, number][]): void {
    const dir = join(OUT, name);
    rmSync(dir, { recursive: true, force: true });
    const files = new Map<string, { tier: string; lines: string[]; ids: Map<string, number> }>();
    let n = 0;
    const all: Rec[] = [];
    for (const { tier, recs } of tiers) {
        // one block per interval, records of the same interval together
        const byInterval = new Map<string, Rec[]>();
        for (const r of recs) {
            const k = `${r.start} ${r.end}`;
            byInterval.set(k, [...(byInterval.get(k) ?? []), r]);
        }
        for (const block of byInterval.values()) {
            const first = block[0] as Rec;
            const path = fileOf(tier, first.end);
            let f = files.get(path);
            if (!f) {
                n++;
                f = { tier, lines: [`#cta 1 ${tier} ${(0xe0000 + n).toString(16).padStart(16, "0")}`], ids: new Map() };
                files.set(path, f);
            }
            for (const r of block) {
                if (!f.ids.has(key(r.ident))) {
                    f.ids.set(key(r.ident), f.ids.size);
                    f.lines.push(`c ${f.ids.get(key(r.ident))} ${key(r.ident)}`);
                }
            }
            f.lines.push(`i ${first.start} ${first.end} ${block.length}`);
            for (const r of block)
                f.lines.push(`${f.ids.get(key(r.ident))} ${r.bytes} ${r.packets}`);
            all.push(...block);
        }
    }
    for (const [path, f] of files) {
        mkdirSync(dirname(join(dir, path)), { recursive: true });
        writeFileSync(join(dir, path), f.lines.join("\n") + "\n");
    }
    const expected = {
        description,
        error: null,
        torn: 0,
        corrupt: [],
        windows: windows.map(([from, to]) => {
            const sums = new Map<string, [bigint, bigint]>();
            for (const r of all)
                if (from < r.end && r.end <= to) {
                    const s = sums.get(key(r.ident)) ?? [0n, 0n];
                    sums.set(key(r.ident), [s[0] + r.bytes, s[1] + r.packets]);
                }
            return {
                from, to,
                totals: Object.fromEntries([...sums.entries()].sort(([a], [b]) => (a < b ? -1 : 1))
                    .map(([k, [b, p]]) => [k, { bytes: b.toString(), packets: p.toString() }])),
            };
        }),
    };
    writeFileSync(join(dir, "expected.json"), JSON.stringify(expected, null, 2) + "\n");
}

const utc = (iso: string) => Date.parse(iso) / 1000;

function hourly(from: number, to: number, seed: number): Rec[] {
    const out: Rec[] = [];
    for (let t = from, k = 0; t < to; t += 3600, k++) {
        out.push({ start: t, end: t + 3600, ident: WWW, bytes: BigInt(1000 * seed + k), packets: 1n });
        if (k % 3 === 0)
            out.push({ start: t, end: t + 3600, ident: ETH, bytes: 2n ** 50n + BigInt(k), packets: 2n });
    }
    return out;
}

function detail(from: number, to: number): Rec[] {
    const out: Rec[] = [];
    for (let t = from, k = 0; t < to; t += 300, k++)
        out.push({ start: t, end: t + 300, ident: WWW, bytes: BigInt(10 + k), packets: 1n });
    return out;
}

// Berlin, fall back on 2025-10-26 (a 25-hour day) and spring forward on 2025-03-30 (23 hours):
// hourly records of whole UTC hours, detail records on the fall-back night, one collection that
// straddles local midnight. Windows are the local days around both changes.
write("engine-dst-berlin",
      "Hourly records across both daylight-saving changes of 2025 in Europe/Berlin, files named by " +
      "Berlin local dates; windows are Berlin local days (23, 24 and 25 hours long) and a record " +
      "straddling local midnight counts in the day of its end.",
      [
          { tier: "hourly", recs: [...hourly(utc("2025-03-28T23:00:00Z"), utc("2025-04-01T22:00:00Z"), 1),
              ...hourly(utc("2025-10-24T22:00:00Z"), utc("2025-10-26T00:00:00Z"), 2),
              ...hourly(utc("2025-10-26T03:00:00Z"), utc("2025-10-28T23:00:00Z"), 3)] },
          { tier: "detail", recs: [...detail(utc("2025-10-26T00:00:00Z"), utc("2025-10-26T03:00:00Z")),
              { start: utc("2025-10-28T22:58:00Z"), end: utc("2025-10-28T23:03:00Z"), ident: WWW, bytes: 777n, packets: 7n }] },
      ],
      [
          [utc("2025-03-28T23:00:00Z"), utc("2025-03-29T23:00:00Z")],
          [utc("2025-03-29T23:00:00Z"), utc("2025-03-30T22:00:00Z")],
          [utc("2025-03-30T22:00:00Z"), utc("2025-03-31T22:00:00Z")],
          [utc("2025-10-24T22:00:00Z"), utc("2025-10-25T22:00:00Z")],
          [utc("2025-10-25T22:00:00Z"), utc("2025-10-26T23:00:00Z")],
          [utc("2025-10-26T23:00:00Z"), utc("2025-10-27T23:00:00Z")],
          [utc("2025-10-27T23:00:00Z"), utc("2025-10-28T23:00:00Z")],
          [utc("2025-10-28T23:00:00Z"), utc("2025-10-29T23:00:00Z")],
          [0, 2 ** 40],
      ]);
