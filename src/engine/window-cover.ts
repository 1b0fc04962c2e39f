// SPDX-License-Identifier: LGPL-2.1-or-later
// Which tier counts which part of a window in a version-2 store (docs/store-format.md,
// "Reading a window"), the same way the helper's window reader does (helper/cta/window.py):
// the window is cut into the host's local periods, coarsest first. A month, day or hour that lies
// whole inside the window and has a period block takes that block; the rest is cut into the
// next finer tier's periods, down to the detail records. Where the finer tier holds nothing any
// more (its file is not in the listing), the period block that straddles an edge counts where
// it ends, as version 1 counts a merged record. Compacted ranges (`whole/`) take the time they
// cover: a period block that overlaps one is never used. No period is ever counted twice.
//
// The same walk tells which files a view needs: a period whose file is listed but not read yet
// is reported as needed and not descended into, so a caller reads the coarse files first and
// asks again (read-plan.ts). The graph walks the same way, but takes the blocks of the tier that
// fits its bucket width wherever they are, and coarser ones only where nothing finer is kept.

import { detailFilesIn, fileOf, periodKey, periodsIn, type Period, type PeriodTier } from "./periods.ts";
import { fromWall } from "./zone.ts";

/** A block as the walk sees it: its period, whatever it holds. */
export interface Span {
    start: number;
    end: number;
}

/** What the walk may ask about the store. Names are plain names ("daily/2025-11.cta"). */
export interface CoverIndex<B extends Span> {
    zone: string;
    /** The listing holds this file, plain or compressed. */
    present(plain: string): boolean;
    /**
     * The block of exactly [s, e) in the file (the first one, after the `x` lines of the
     * period's plain and compressed files); null when there is none; "unread" when the file is
     * listed but was not read yet.
     */
    block(plain: string, s: number, e: number): B | null | "unread";
    /** The detail file (or its compressed twin) was read, or is not listed. */
    detailRead(plain: string): boolean;
    /** Every compacted range (`whole/` blocks) read. */
    wholes: readonly B[];
    /** Some listed version-2 file's period starts with this key ("2025", "2025-11", "2025-11-21"...). */
    hasUnder(key: string): boolean;
    /** The first and last year of the listed version-2 files; null when there is none. */
    years: readonly [number, number] | null;
}

/** The detail records that count: those with a < end ≤ b in one of `files`. */
export interface DetailPiece {
    a: number;
    b: number;
    files: ReadonlySet<string>;
}

export interface Cover<B extends Span> {
    /** Period and `whole` blocks used: counted where they end when `counted`, else only drawn or edges. */
    blocks: { block: B; counted: boolean }[];
    detail: DetailPiece[];
    /** Listed files the walk needs and has not got yet (plain names). */
    needed: Set<string>;
    /** Length of the longest used block straddling each edge (0: the edge is exact). */
    startStraddle: number;
    endStraddle: number;
}

const LEVELS = ["monthly", "daily", "hourly", "detail"] as const;

/** The pieces of (from, to] outside every compacted range. */
function outsideWholes(from: number, to: number, wholes: readonly Span[]): [number, number][] {
    let pieces: [number, number][] = [[from, to]];
    for (const { start: s, end: e } of [...wholes].sort((x, y) => x.start - y.start || x.end - y.end)) {
        const next: [number, number][] = [];
        for (const [a, b] of pieces) {
            if (e <= a || s >= b) {
                next.push([a, b]);
                continue;
            }
            if (a < s)
                next.push([a, s]);
            if (e < b)
                next.push([e, b]);
        }
        pieces = next;
    }
    return pieces;
}

/**
 * The walk over (from, to]. `fit`: null for totals (whole periods take their block, coarsest
 * first); for a graph, the level whose blocks fit the bucket width (0 monthly ... 3 detail).
 */
export function coverWindow<B extends Span>(index: CoverIndex<B>, from: number, to: number, fit: number | null = null): Cover<B> {
    const out: Cover<B> = { blocks: [], detail: [], needed: new Set(), startStraddle: 0, endStraddle: 0 };
    const zone = index.zone;
    const straddle = (s: number, e: number): void => {
        if (s < from && from < e)
            out.startStraddle = Math.max(out.startStraddle, e - s);
        if (s < to && to < e)
            out.endStraddle = Math.max(out.endStraddle, e - s);
    };
    for (const w of index.wholes) {
        if (fit === null ? from < w.end && w.end <= to : w.end > from && w.start < to) {
            out.blocks.push({ block: w, counted: true });
            straddle(w.start, w.end);
        } else if (fit === null) {
            straddle(w.start, w.end);
        }
    }
    const overlapsWhole = (p: Period): boolean => index.wholes.some(w => p[0] < w.end && w.start < p[1]);

    const walk = (a: number, b: number, level: number): void => {
        const tier = LEVELS[level] as (typeof LEVELS)[number];
        if (tier === "detail") {
            const files = new Set<string>();
            for (const f of detailFilesIn(a, b, zone)) {
                if (!index.present(f))
                    continue;
                files.add(f);
                if (!index.detailRead(f))
                    out.needed.add(f);
            }
            out.detail.push({ a, b, files });
            return;
        }
        const finer = LEVELS[level + 1] as (typeof LEVELS)[number];
        for (const p of periodsIn(tier as PeriodTier, a, b, zone)) {
            const lo = Math.max(a, p[0]);
            const hi = Math.min(b, p[1]);
            const file = fileOf(tier, p[1], zone);
            const found = overlapsWhole(p) ? null : index.block(file, p[0], p[1]);
            if (found === "unread") {
                out.needed.add(file);
                continue;
            }
            const finerKept = index.present(fileOf(finer, p[1], zone));
            if (found !== null && (fit === null ? lo === p[0] && hi === p[1] : level >= fit || !finerKept)) {
                out.blocks.push({ block: found, counted: true });
            } else if (found !== null && !finerKept) {
                // the finer tier holds nothing of this period any more: the block counts where it ends
                out.blocks.push({ block: found, counted: a < p[1] && p[1] <= b });
                straddle(p[0], p[1]);
            } else if (index.hasUnder(periodKey(tier as PeriodTier, p[1], zone))) {
                // (no file holds anything of a period without a listed file under its name)
                walk(lo, hi, level + 1);
            }
        }
    };
    if (index.years === null)
        return out;
    // Nothing lies outside the years of the listed files; their bounds are every tier's bounds,
    // so cutting the window there changes no period's choice.
    const first = fromWall({ year: index.years[0], month: 1, day: 1, hour: 0, minute: 0, second: 0 }, zone);
    const last = fromWall({ year: index.years[1] + 1, month: 1, day: 1, hour: 0, minute: 0, second: 0 }, zone);
    for (const [a, b] of outsideWholes(from, to, index.wholes))
        if (Math.max(a, first) < Math.min(b, last))
            walk(Math.max(a, first), Math.min(b, last), 0);
    return out;
}

/** The buckets' typical width (the median): the first and last may be cut short by the range. */
export function typicalWidth(edges: Float64Array): number {
    const widths = Array.from({ length: edges.length - 1 }, (_, i) => (edges[i + 1] as number) - (edges[i] as number)).sort((x, y) => x - y);
    return widths[Math.floor(widths.length / 2)] as number;
}

/** The graph's level for a bucket width: the coarsest tier whose periods fit in one bucket. */
export function fitLevel(bucketSeconds: number): number {
    if (bucketSeconds >= 28 * 86400)
        return 0;
    if (bucketSeconds >= 23 * 3600)
        return 1;
    if (bucketSeconds >= 3600)
        return 2;
    return 3;
}

/**
 * Where a detail record of a file counts: undefined when no piece reaches its file; the piece
 * when it ends inside one; null when it only touches the window's edges.
 */
export function pieceOf(pieces: readonly DetailPiece[], plain: string, end: number): DetailPiece | null | undefined {
    let found: DetailPiece | null | undefined;
    for (const p of pieces) {
        if (!p.files.has(plain))
            continue;
        if (p.a < end && end <= p.b)
            return p;
        found = null;
    }
    return found;
}

const detailKey = (c: Cover<Span>): string => JSON.stringify(c.detail.map(p => [p.a, p.b, [...p.files].sort()]));

export function sameDetail(a: { windows: Cover<Span>[]; graph: Cover<Span> | null },
                           b: { windows: Cover<Span>[]; graph: Cover<Span> | null }): boolean {
    return a.windows.every((c, i) => detailKey(c) === detailKey(b.windows[i] as Cover<Span>)) &&
        (a.graph === null ? b.graph === null : b.graph !== null && detailKey(a.graph) === detailKey(b.graph));
}
