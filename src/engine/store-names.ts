// SPDX-License-Identifier: LGPL-2.1-or-later
// Store file names (docs/store-format.md, "Directory" and
// "Version 1"): which tier and format version a name stands for, and the local period it names.
// Version 1's names and version 2's never collide, so the name tells the version a file must
// have: the grammar checks the header against it.

/** A storage resolution. Version 1 knows the first three; version 2 adds monthly and whole. */
export type Tier = "detail" | "hourly" | "daily" | "monthly" | "whole";
export const TIERS: readonly Tier[] = ["detail", "hourly", "daily", "monthly", "whole"];
export const TIERS_V1: readonly Tier[] = ["detail", "hourly", "daily"];

export interface NamedFile {
    tier: Tier;
    version: 1 | 2;
    /** The local period as written in the name: "2025-11-21T09", "2025-11-21", "2025-11", "2025". */
    period: string;
    /** A closed file, stored gzip-compressed (`.cta.gz`): its content is a plain store file. */
    compressed: boolean;
}

// A period may have a plain file (appended to) and a compressed one (closed, written whole):
// both are store files and both are read.
const NAMES: { tier: Tier; version: 1 | 2; pattern: RegExp }[] = [
    { tier: "detail", version: 2, pattern: /^detail\/([0-9]{4}-[0-9]{2}-[0-9]{2}T(?:[01][0-9]|2[0-3]))\.cta(\.gz)?$/ },
    { tier: "detail", version: 1, pattern: /^detail\/([0-9]{4}-[0-9]{2}-[0-9]{2})\.cta(\.gz)?$/ },
    { tier: "hourly", version: 2, pattern: /^hourly\/([0-9]{4}-[0-9]{2}-[0-9]{2})\.cta(\.gz)?$/ },
    { tier: "hourly", version: 1, pattern: /^hourly\/([0-9]{4}-[0-9]{2})\.cta(\.gz)?$/ },
    { tier: "daily", version: 2, pattern: /^daily\/([0-9]{4}-[0-9]{2})\.cta(\.gz)?$/ },
    { tier: "daily", version: 1, pattern: /^daily\/([0-9]{4})\.cta(\.gz)?$/ },
    { tier: "monthly", version: 2, pattern: /^monthly\/([0-9]{4})\.cta(\.gz)?$/ },
    { tier: "whole", version: 2, pattern: /^whole\/([0-9]{4})\.cta(\.gz)?$/ },
];

/** The tier, version and period a store file's name stands for; null when it is not a store file's name. */
export function classifyName(name: string): NamedFile | null {
    for (const n of NAMES) {
        const m = n.pattern.exec(name);
        if (m)
            return { tier: n.tier, version: n.version, period: m[1] as string, compressed: m[2] !== undefined };
    }
    return null;
}
