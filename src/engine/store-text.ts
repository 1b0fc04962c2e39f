// SPDX-License-Identifier: LGPL-2.1-or-later
// A store file's bytes → the text its reader parses, line by line as the format defines it
// (docs/store-format.md, "Lines"): UTF-8, and a line that is not valid UTF-8 is corrupt. A
// forgiving decoder would turn such a line into a name with U+FFFD and count it; a strict one
// over the whole file would lose every line. So whole runs of lines are decoded strictly (the
// common, fast case) and only a run that fails is decoded line by line, each invalid line
// replaced by INVALID_LINE, which the reader reports as corrupt at the same line number.
// A byte order mark is kept as U+FEFF: a file that starts with one has no `#cta` header.

/** Stands for a line that is not valid UTF-8; no valid line starts with U+0000. */
export const INVALID_LINE = "\u0000invalid UTF-8";

const strict = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
const loose = new TextDecoder("utf-8", { ignoreBOM: true });
const NL = 10;

function decodeLines(bytes: Uint8Array): string {
    try {
        return strict.decode(bytes);
    } catch {
        // at least one line is invalid: find which
    }
    const parts: string[] = [];
    let start = 0;
    while (start < bytes.length) {
        let end = bytes.indexOf(NL, start);
        if (end < 0)
            end = bytes.length;
        try {
            parts.push(strict.decode(bytes.subarray(start, end)));
        } catch {
            parts.push(INVALID_LINE);
        }
        start = end + 1;
        if (end < bytes.length)
            parts.push("\n");
    }
    return parts.join("");
}

/**
 * Decodes a store file given in chunks of bytes of any size. `push()` returns the text of the
 * complete lines so far (each with its "\n"); `end()` returns the last line if it has no "\n"
 * (a torn append: its content does not matter, only that it is there).
 */
export class StoreTextDecoder {
    private carry: Uint8Array | null = null;

    push(chunk: Uint8Array): string {
        let bytes = chunk;
        if (this.carry !== null) {
            bytes = new Uint8Array(this.carry.length + chunk.length);
            bytes.set(this.carry);
            bytes.set(chunk, this.carry.length);
            this.carry = null;
        }
        const last = bytes.lastIndexOf(NL);
        if (last < bytes.length - 1)
            this.carry = bytes.slice(last + 1);
        return last < 0 ? "" : decodeLines(bytes.subarray(0, last + 1));
    }

    end(): string {
        const tail = this.carry;
        this.carry = null;
        return tail === null ? "" : loose.decode(tail);
    }
}

/** The text of a whole store file's bytes. */
export function decodeStoreBytes(bytes: Uint8Array): string {
    const d = new StoreTextDecoder();
    return d.push(bytes) + d.end();
}
