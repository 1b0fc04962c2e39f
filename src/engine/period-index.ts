// SPDX-License-Identifier: LGPL-2.1-or-later
// Version 2's files as the window walk (window-cover.ts) asks for them: every block of a
// version-2 file kept by the file's plain name and exact period, the `x` lines that settle which
// of a period's plain and compressed files counts, and, in a store that holds both versions
// (a migration between its renames), the version-1 files that a version-2 file already holds.
// The helper's window reader (helper/cta/window.py) settles the same questions the same way.

import type { ParsedBlock } from "./store-lines.ts";
import type { CoverIndex } from "./window-cover.ts";
import { classifyName, type NamedFile } from "./store-names.ts";

/** A kept copy of a parsed block (the parser reuses its buffers). */
export type KeptBlock = ParsedBlock;

export function keepBlock(b: ParsedBlock): KeptBlock {
    const big: (bigint | undefined)[] = [];
    for (let k = 0; k < 2 * b.n; k++)
        if (b.big[k] !== undefined)
            big[k] = b.big[k];
    return {
        start: b.start, end: b.end, n: b.n, tier: b.tier, kind: b.kind,
        ids: b.ids.slice(0, b.n), bytes: b.bytes.slice(0, b.n), packets: b.packets.slice(0, b.n), big,
    };
}

/** What the index needs to know of one file read. */
export interface IndexedFile {
    name: string;
    named: NamedFile | null;
    fileId: string | null;
    supersedes: readonly string[];
    /** Blocks kept, in file order (version-2 files only). */
    kept: KeptBlock[];
    failed: boolean;
}

export const plainName = (name: string): string => (name.endsWith(".gz") ? name.slice(0, -3) : name);

const bySortKey = (a: { tier: string; name: string }, b: { tier: string; name: string }): number =>
    a.tier < b.tier ? -1 : a.tier > b.tier ? 1 : a.name < b.name ? -1 : a.name > b.name ? 1 : 0;

/** The blocks of the files read so far, by plain name and exact period. */
export class PeriodIndex implements CoverIndex<KeptBlock> {
    readonly zone: string;
    readonly wholes: KeptBlock[] = [];
    /** Version-1 and version-2 files that a version-2 file's `x` lines name, in a store of both. */
    readonly mixedSuperseded = new Set<string>();
    private readonly listed: Set<string>;
    private readonly listedByPlain = new Map<string, string[]>();
    private readonly files = new Map<string, IndexedFile>();
    private readonly byPlain = new Map<string, Map<string, KeptBlock>>();
    private readonly keys = new Set<string>();
    readonly years: readonly [number, number] | null = null;

    constructor(zone: string, listing: readonly string[], read: readonly IndexedFile[]) {
        this.zone = zone;
        this.listed = new Set(listing);
        let lo = Infinity;
        let hi = -Infinity;
        for (const name of listing) {
            const named = classifyName(name);
            if (named?.version === 2) {
                for (const len of [4, 7, 10, 13])
                    if (named.period.length >= len)
                        this.keys.add(named.period.slice(0, len));
                lo = Math.min(lo, Number(named.period.slice(0, 4)));
                hi = Math.max(hi, Number(named.period.slice(0, 4)));
            }
            const plain = plainName(name);
            const names = this.listedByPlain.get(plain) ?? [];
            names.push(name);
            this.listedByPlain.set(plain, names);
        }
        if (lo <= hi)
            this.years = [lo, hi];
        for (const f of read)
            this.files.set(f.name, f);
        this.settleMixed(listing);
        for (const [plain, names] of this.listedByPlain) {
            const counted = this.periodFiles(plain, names);
            if (counted === null)
                continue;
            const periods = new Map<string, KeptBlock>();
            for (const f of counted) {
                for (const b of f.kept) {
                    const key = `${b.start} ${b.end}`;
                    if (!periods.has(key)) // a period is taken once, whatever number of files hold it
                        periods.set(key, b);
                    if (f.named?.tier === "whole")
                        this.wholes.push(b);
                }
            }
            this.byPlain.set(plain, periods);
        }
    }

    /** The files of one period that count (plain first, then compressed), or null when one is unread. */
    private periodFiles(plain: string, names: readonly string[]): IndexedFile[] | null {
        const ordered = [...names].sort();
        const got: IndexedFile[] = [];
        for (const name of ordered) {
            const f = this.files.get(name);
            if (f === undefined)
                return null;
            if (!f.failed && f.named?.version === 2)
                got.push(f);
        }
        const superseded = new Set<string>();
        for (const f of got)
            for (const x of f.supersedes)
                if (x !== f.fileId)
                    superseded.add(x);
        return got.filter(f => f.fileId === null || (!superseded.has(f.fileId) && !this.mixedSuperseded.has(f.fileId)));
    }

    /**
     * In a store of both versions, the first version-2 file (in the helper's listing order)
     * whose `x` lines name other files settles which files are held by the migration's outputs.
     */
    private settleMixed(listing: readonly string[]): void {
        const named = listing.map(name => ({ name, n: this.files.get(name)?.named ?? null }));
        const v2 = named.filter(f => f.n?.version === 2).map(f => ({ tier: (f.n as NamedFile).tier, name: f.name.slice(f.name.indexOf("/") + 1), full: f.name }));
        if (v2.length === 0 || !named.some(f => f.n?.version === 1))
            return;
        for (const f of v2.sort(bySortKey)) {
            const counted = this.periodFiles(plainName(f.full), this.listedByPlain.get(plainName(f.full)) ?? []);
            for (const pf of counted ?? [])
                for (const x of pf.supersedes)
                    if (x !== pf.fileId)
                        this.mixedSuperseded.add(x);
            if (this.mixedSuperseded.size > 0)
                return;
        }
    }

    hasUnder(key: string): boolean {
        return this.keys.has(key);
    }

    present(plain: string): boolean {
        return this.listedByPlain.has(plain);
    }

    isListed(name: string): boolean {
        return this.listed.has(name);
    }

    block(plain: string, s: number, e: number): KeptBlock | null | "unread" {
        if (!this.listedByPlain.has(plain))
            return null;
        const periods = this.byPlain.get(plain);
        if (periods === undefined)
            return "unread";
        return periods.get(`${s} ${e}`) ?? null;
    }

    /** A version-2 file read counts: not superseded within its period, nor by a migration's output. */
    counts(name: string): boolean {
        const plain = plainName(name);
        const f = this.files.get(name);
        const counted = this.periodFiles(plain, this.listedByPlain.get(plain) ?? [name]);
        return f !== undefined && (counted ?? [f]).includes(f);
    }

    detailRead(plain: string): boolean {
        return (this.listedByPlain.get(plain) ?? []).every(name => this.files.has(name));
    }
}
