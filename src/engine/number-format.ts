// SPDX-License-Identifier: LGPL-2.1-or-later
// Intl.NumberFormat objects, made once per locale and options: building one costs far more than
// formatting with it, and a totals table formats a thousand numbers at a time.

const cache = new Map<string, Intl.NumberFormat>();

export function numberFormat(locale: string | undefined, options: Intl.NumberFormatOptions = {}): Intl.NumberFormat {
    const key = JSON.stringify([locale ?? null, options]);
    let fmt = cache.get(key);
    if (fmt === undefined) {
        fmt = new Intl.NumberFormat(locale, options);
        cache.set(key, fmt);
    }
    return fmt;
}
