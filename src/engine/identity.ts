// SPDX-License-Identifier: LGPL-2.1-or-later
// Counter identity as the store names it: the six escaped fields of a `c` line, their escaping
// (docs/store-format.md, "Escaping") and the display name shown to people.

export type CounterSource = "nft-counter" | "nft-rule" | "iptables" | "iface" | string;

/** The stable identity of one counter; the same in every file (file-local ids are not). */
export interface CounterIdentity {
    source: CounterSource;
    family: string;
    table: string;
    chain: string;
    seq: number;
    name: string;
}

const HEX = "0123456789ABCDEF";
const utf8Encoder = new TextEncoder();
// fatal: an invalid byte sequence must make the line corrupt rather than turn into U+FFFD.
const utf8Decoder = new TextDecoder("utf-8", { fatal: true });

function needsEscape(code: number): boolean {
    return code < 0x21 || code === 0x7f || code === 0x25 /* % */;
}

/** Escapes one identity field into a non-empty token without spaces. */
export function escapeField(value: string): string {
    if (value === "")
        return "-";
    if (value === "-")
        return "%2D";
    let out = "";
    for (const ch of value) {
        const code = ch.codePointAt(0) ?? 0;
        if (needsEscape(code)) {
            // every such character is a single UTF-8 byte
            out += "%" + HEX[code >> 4] + HEX[code & 15];
        } else if (code >= 0xd800 && code <= 0xdfff) {
            out += "\ufffd"; // a lone surrogate has no UTF-8 form; the helper writes U+FFFD too
        } else {
            out += ch;
        }
    }
    return out;
}

function hexValue(code: number): number {
    if (code >= 48 && code <= 57)
        return code - 48;
    if (code >= 65 && code <= 70)
        return code - 55;
    // Uppercase only, as the format says: `%2d` is not an escape (the helper agrees).
    return -1;
}

/**
 * Decodes one escaped token. Returns null when the token is not a valid escaped field:
 * empty, a raw character that must have been escaped, a bad `%XX`, or invalid UTF-8.
 */
export function unescapeField(token: string): string | null {
    if (token === "")
        return null;
    if (token === "-")
        return "";
    if (token.indexOf("%") < 0) {
        for (let i = 0; i < token.length; i++) {
            const code = token.charCodeAt(i);
            if (code < 0x21 || code === 0x7f)
                return null;
        }
        return token;
    }
    // Escapes are UTF-8 bytes, possibly several making one character: decode bytes.
    const raw = utf8Encoder.encode(token);
    const bytes = new Uint8Array(raw.length);
    let n = 0;
    for (let i = 0; i < raw.length; i++) {
        const b = raw[i] as number;
        if (b === 0x25) {
            if (i + 2 >= raw.length)
                return null;
            const hi = hexValue(raw[i + 1] as number);
            const lo = hexValue(raw[i + 2] as number);
            if (hi < 0 || lo < 0)
                return null;
            bytes[n++] = hi * 16 + lo;
            i += 2;
        } else {
            if (b < 0x21 || b === 0x7f)
                return null;
            bytes[n++] = b;
        }
    }
    try {
        return utf8Decoder.decode(bytes.subarray(0, n));
    } catch {
        return null;
    }
}

/** The name shown to people: the rule's comment or counter name; interfaces get rx/tx. */
export function displayName(id: CounterIdentity): string {
    if (id.source === "iface")
        return `${id.name} ${id.chain}`;
    return id.name;
}

/** A string key that is equal for equal identities and different otherwise (the escaped fields). */
export function identityKey(id: CounterIdentity): string {
    return [id.source, id.family, id.table, id.chain, String(id.seq), id.name].map(escapeField).join(" ");
}

/** A short description of where a counter lives, to tell rows with the same name apart. */
export function describeIdentity(id: CounterIdentity): string {
    if (id.source === "iface")
        return `interface ${id.name}`;
    if (id.source === "nft-counter")
        return `nft counter ${id.family} ${id.table}`;
    const seq = id.seq > 1 ? ` #${id.seq}` : "";
    return `${id.source} ${id.family} ${id.table} ${id.chain}${seq}`;
}
