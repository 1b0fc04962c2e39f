// SPDX-License-Identifier: LGPL-2.1-or-later
// Exact sums without a BigInt per addition: values are added as JS numbers while the running
// sum stays a safe integer, and flushed into a BigInt just before it would stop being one.

const MAX_SAFE = Number.MAX_SAFE_INTEGER;

/** A growable array of exact non-negative integer sums, indexed by a small dense integer. */
export class SumArray {
    num: Float64Array;
    big: (bigint | undefined)[] = [];
    seen: Uint8Array;

    constructor(capacity = 16) {
        this.num = new Float64Array(capacity);
        this.seen = new Uint8Array(capacity);
    }

    get length(): number {
        return this.num.length;
    }

    ensure(size: number): void {
        if (size <= this.num.length)
            return;
        let cap = this.num.length * 2;
        while (cap < size)
            cap *= 2;
        const num = new Float64Array(cap);
        num.set(this.num);
        this.num = num;
        const seen = new Uint8Array(cap);
        seen.set(this.seen);
        this.seen = seen;
    }

    /** Adds a safe integer. Both the old sum and v are safe integers, so the comparison is exact
     *  even when the float sum rounds: a true sum above 2^53-1 never rounds down to it. */
    add(i: number, v: number): void {
        const old = this.num[i] as number;
        const s = old + v;
        if (s > MAX_SAFE) {
            this.big[i] = (this.big[i] ?? 0n) + BigInt(old);
            this.num[i] = v;
        } else {
            this.num[i] = s;
        }
        this.seen[i] = 1;
    }

    addBig(i: number, v: bigint): void {
        this.big[i] = (this.big[i] ?? 0n) + v;
        this.seen[i] = 1;
    }

    get(i: number): bigint {
        const n = this.num[i];
        if (n === undefined)
            return 0n;
        const b = this.big[i];
        return b === undefined ? BigInt(n) : b + BigInt(n);
    }
}

/** Parses a decimal string of digits into a bigint, or null when it is not one. */
export function parseDecimalBig(s: string): bigint | null {
    if (!/^(0|[1-9][0-9]*)$/.test(s))
        return null;
    return BigInt(s);
}
