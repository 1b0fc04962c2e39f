// SPDX-License-Identifier: LGPL-2.1-or-later
// The store's one decimal scanner: plain decimal integers (no sign, no leading zero), exact as a
// number up to 2^53 and as a BigInt above, without allocating on the common path.

const MAX_SAFE_BIG = BigInt(Number.MAX_SAFE_INTEGER);

// Result slots of scanDecimal(), so that the hot path allocates nothing: the value, exact up to
// 2^53, is VALUE[0]; above that VALUE[0] is NaN and the value is in bigValue (written only then).
export const VALUE = new Float64Array(1);
let bigValue = 0n;

/**
 * The one digit scanner: a plain decimal integer (no sign, no leading zero) at s[i..end) of at
 * most `maxDigits` digits. Returns the index after its digits, or -1 if there is none or it is
 * malformed. Its value is left in VALUE[0] (see there).
 */
export function scanDecimal(s: string, i: number, end: number, maxDigits: number): number {
    const start = i;
    let v = 0;
    let c = 0;
    while (i < end && (c = s.charCodeAt(i) - 48) >= 0 && c <= 9) {
        v = v * 10 + c;
        i++;
    }
    const len = i - start;
    if (len === 0 || len > maxDigits || (len > 1 && s.charCodeAt(start) === 48))
        return -1;
    if (len <= 15) {
        VALUE[0] = v; // fifteen digits are always below 2^53: v is exact
    } else {
        const big = BigInt(s.slice(start, i));
        if (big <= MAX_SAFE_BIG) {
            VALUE[0] = Number(big);
        } else {
            VALUE[0] = NaN;
            bigValue = big;
        }
    }
    return i;
}

/** The exact value of the last scan when it was above 2^53 (VALUE[0] is NaN), else null. */
export function scannedBig(): bigint | null {
    const v = VALUE[0] as number;
    return v === v ? null : bigValue;
}

/** A whole token that is a plain decimal of at most `maxDigits` digits below 2^53, or null. */
export function tokenNumber(token: string | undefined, maxDigits: number): number | null {
    if (token === undefined || scanDecimal(token, 0, token.length, maxDigits) !== token.length)
        return null;
    const v = VALUE[0] as number;
    return v === v ? v : null;
}
