// SPDX-License-Identifier: LGPL-2.1-or-later
// Shared by the engine tests: reading a fixture store from disk, a seeded PRNG, and a tiny
// independent writer of store text for generated cases.

import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import type { StoreText } from "../../src/engine/store-reader.ts";
import { decodeStoreBytes } from "../../src/engine/store-text.ts";

export const STORES = join(__dirname, "..", "fixtures", "stores");

/** A store file's text; a compressed one (`.cta.gz`) decompressed, or why it could not be. */
export function storeText(name: string, path: string): StoreText {
    if (!name.endsWith(".gz"))
        return { name, text: decodeStoreBytes(readFileSync(path)) };
    try {
        return { name, text: decodeStoreBytes(gunzipSync(readFileSync(path))) };
    } catch (error) {
        return { name, damaged: (error as Error).message };
    }
}

/** Every store file of a fixture store, compressed ones decompressed (or marked damaged). */
export function storeEntries(dir: string): StoreText[] {
    const out: StoreText[] = [];
    for (const tier of ["detail", "hourly", "daily", "monthly", "whole"]) {
        const d = join(dir, tier);
        if (!existsSync(d))
            continue;
        // only regular files, as the page lists them (`find -type f`): not symbolic links
        for (const f of readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
            if (f.isFile() && (f.name.endsWith(".cta") || f.name.endsWith(".cta.gz")))
                out.push(storeText(`${tier}/${f.name}`, join(d, f.name)));
    }
    return out;
}

/** The texts of a fixture store whose files are all readable. */
export function storeFiles(dir: string): { name: string; text: string }[] {
    return storeEntries(dir).map(f => {
        if ("damaged" in f)
            throw new Error(`${f.name}: ${f.damaged}`);
        return f;
    });
}

/** The texts of a fixture store, or null when one of its compressed files is damaged. */
export function readableStoreFiles(dir: string): { name: string; text: string }[] | null {
    const entries = storeEntries(dir);
    return entries.every(f => "text" in f) ? entries as { name: string; text: string }[] : null;
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
