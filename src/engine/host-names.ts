// SPDX-License-Identifier: LGPL-2.1-or-later
// Host names as display names of set elements whose key is an address (docs/helper.md, "Host
// names"). The helper wrote the map with addresses spelled as nft prints set elements, so a
// lookup is by the element key as it is. Names are untrusted text: only ever rendered as text.
import type { CounterIdentity } from "./identity.ts";

export type HostNames = ReadonlyMap<string, string>;

export const NO_HOST_NAMES: HostNames = new Map();

/** host-names.json's text as a map; anything unexpected gives no names rather than an error
 *  (names are a convenience: the numbers never depend on them). */
export function parseHostNames(text: string | null): HostNames {
    if (text === null)
        return NO_HOST_NAMES;
    let doc: unknown;
    try {
        doc = JSON.parse(text);
    } catch {
        return NO_HOST_NAMES;
    }
    if (typeof doc !== "object" || doc === null || (doc as { version?: unknown }).version !== 1)
        return NO_HOST_NAMES;
    const names = (doc as { names?: unknown }).names;
    if (typeof names !== "object" || names === null || Array.isArray(names))
        return NO_HOST_NAMES;
    const out = new Map<string, string>();
    for (const [address, name] of Object.entries(names as Record<string, unknown>))
        if (typeof name === "string" && name !== "")
            out.set(address, name);
    return out;
}

/** The host's name for a set element keyed by an address, or null (no name, or not a host). */
export function hostNameOf(identity: CounterIdentity, names: HostNames): string | null {
    if (identity.source !== "nft-set" || names.size === 0)
        return null;
    return names.get(identity.name) ?? null;
}
