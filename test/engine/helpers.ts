// SPDX-License-Identifier: LGPL-2.1-or-later
// Shared by the engine tests: reading a fixture store from disk, a seeded PRNG, and a tiny
// independent writer of store text for generated cases.

import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

export const STORES = join(__dirname, "..", "fixtures", "stores");

export function storeFiles(dir: string): { name: string; text: string }[] {
    const out: { name: string; text: string }[] = [];
    for (const tier of ["detail", "hourly", "daily"]) {
        const d = join(dir, tier);
        if (!existsSync(d))
            continue;
        for (const f of readdirSync(d).sort())
            if (f.endsWith(".cta"))
                out.push({ name: `${tier}/${f}`, text: readFileSync(join(d, f), "utf8") });
    }
    return out;
}

/** mulberry32: small, seeded, good enough to pick mutations and values reproducibly. */
export function prng(seed: number): () => number {
    let a = seed >>> 0;
    return () => {
        a = (a + 0x6d2b79f5) >>> 0;
        let t = a;
        t = Math.imul(t ^ (t >>> 15), t | 1);
        t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
        return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
}

export interface GenRecord {
    start: number;
    end: number;
    counter: number;
    bytes: bigint;
    packets: bigint;
}

/** Writes records (grouped by interval, in order) as one store file with counters c0, c1, ... */
export function writeStore(tier: string, records: GenRecord[]): string {
    const lines = [`#cta 1 ${tier} 0123456789abcdef`];
    const ids = new Map<number, number>();
    let i = 0;
    while (i < records.length) {
        const first = records[i] as GenRecord;
        let j = i;
        while (j < records.length && (records[j] as GenRecord).start === first.start && (records[j] as GenRecord).end === first.end)
            j++;
        const block = records.slice(i, j);
        for (const r of block) {
            if (!ids.has(r.counter)) {
                ids.set(r.counter, ids.size);
                lines.push(`c ${ids.get(r.counter)} nft-rule inet filter input 1 c${r.counter}`);
            }
        }
        lines.push(`i ${first.start} ${first.end} ${block.length}`);
        for (const r of block)
            lines.push(`${ids.get(r.counter)} ${r.bytes} ${r.packets}`);
        i = j;
    }
    return lines.join("\n") + "\n";
}
