// SPDX-License-Identifier: LGPL-2.1-or-later
// Every store in test/fixtures/stores/ (shared with the helper's tests) read by the engine and
// checked against its expected.json: error, torn appends, corrupt lines with file and line,
// and each window's exact totals.

import { readdirSync, readFileSync, statSync } from "node:fs";
import { STORES, storeEntries, storeFiles } from "./helpers.ts";
import { join } from "node:path";
import { readStoreChunks, readStoreTexts, StoreReader, StoreReadResult } from "../../src/engine/store-reader.ts";

interface Expected {
    error: string | null;
    /** The zone the store's files were written in (version 2's periods are its local ones). */
    zone?: string;
    torn: number;
    corrupt: { file: string; line: number }[];
    windows: { from: number; to: number; totals: Record<string, { bytes: string; packets: string }> }[];
}

const root = STORES;

function totalsByKey(result: StoreReadResult, w: number): Record<string, { bytes: string; packets: string }> {
    const out: Record<string, { bytes: string; packets: string }> = {};
    const win = result.windows[w];
    if (!win)
        throw new Error(`no window ${w}`);
    win.totals.forEach((t, i) => {
        if (t)
            out[result.keys[i] as string] = { bytes: t.bytes.toString(), packets: t.packets.toString() };
    });
    return out;
}

const stores = readdirSync(root).filter(n => statSync(join(root, n)).isDirectory()).sort();

test("the fixture stores are there", () => {
    expect(stores.length).toBeGreaterThanOrEqual(10);
});

describe.each(stores)("fixture store %s", name => {
    const dir = join(root, name);
    const expected = JSON.parse(readFileSync(join(dir, "expected.json"), "utf8")) as Expected;
    const files = storeEntries(dir);
    const windows = expected.windows.map(w => ({ from: w.from, to: w.to }));
    const zone = expected.zone ?? "UTC";

    test("whole texts", () => {
        const result = readStoreTexts(files, { windows, zone });
        if (expected.error === null) {
            expect(result.error).toBeNull();
            expect(result.errors).toEqual([]);
        } else {
            expect(result.error).toContain(expected.error);
            // the message names the file it could not read
            expect(files.some(f => (result.error ?? "").includes(f.name))).toBe(true);
        }
        expect(result.torn.length).toBe(expected.torn);
        expect(result.corrupt.map(c => ({ file: c.file, line: c.line }))).toEqual(expected.corrupt);
        expect(result.corruptCount).toBe(expected.corrupt.length);
        expected.windows.forEach((w, i) => {
            expect(totalsByKey(result, i)).toEqual(w.totals);
        });
    });

    test("fed in small chunks gives the same result", () => {
        const whole = readStoreTexts(files, { windows, zone });
        for (const size of [1, 3, 17]) {
            const reader = new StoreReader({ windows, zone });
            for (const f of files) {
                if ("damaged" in f) {
                    reader.damagedFile(f.name, f.damaged);
                    continue;
                }
                const p = reader.openFile(f.name);
                for (let i = 0; i < f.text.length; i += size)
                    p.feed(f.text.slice(i, i + size));
                p.end();
            }
            const r = reader.finish();
            expect(r.error).toEqual(whole.error);
            expect(r.torn).toEqual(whole.torn);
            expect(r.corrupt).toEqual(whole.corrupt);
            expected.windows.forEach((_w, i) => expect(totalsByKey(r, i)).toEqual(totalsByKey(whole, i)));
        }
    });
});

test("readStoreChunks reads async streams of chunks like whole texts", async () => {
    const files = storeFiles(join(root, "plain"));
    const windows = [{ from: 0, to: 2 ** 40 }];
    async function* chunks(text: string): AsyncGenerator<string> {
        for (let i = 0; i < text.length; i += 1000)
            yield text.slice(i, i + 1000);
    }
    const streamed = await readStoreChunks(files.map(f => ({ name: f.name, chunks: chunks(f.text) })), { windows });
    const whole = readStoreTexts(files, { windows });
    expect(totalsByKey(streamed, 0)).toEqual(totalsByKey(whole, 0));
    expect(Object.keys(totalsByKey(whole, 0)).length).toBeGreaterThan(3);
});
