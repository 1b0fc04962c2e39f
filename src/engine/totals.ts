// SPDX-License-Identifier: LGPL-2.1-or-later
// Totals per counter for one timeframe, from what the store reader aggregated: exact bytes and
// packets (BigInt), where a record counts in the timeframe that contains its end, and what is
// known about the data at the timeframe's two edges.

import { CounterIdentity, displayName } from "./identity.ts";
import { hostNameOf, NO_HOST_NAMES, type HostNames } from "./host-names.ts";
import { NameFilter } from "./filter.ts";
import { EdgeInfo, StoreReadResult } from "./store-reader.ts";

export interface TotalsRow {
    /** Index into `StoreReadResult.counters`. */
    index: number;
    key: string;
    identity: CounterIdentity;
    name: string;
    /** The host's name when the counter is a set element keyed by a named address; `name`
     *  stays the address (groups, costs and quotas match on it, as the helper does). */
    hostName: string | null;
    bytes: bigint;
    packets: bigint;
}

export interface Totals {
    from: number;
    to: number;
    rows: TotalsRow[];
    total: { bytes: bigint; packets: bigint };
    /** Oldest start and newest end of the records counted (null: none). */
    oldest: number | null;
    newest: number | null;
    /** Resolution at each edge; `inexactSeconds > 0` when a record straddles it. */
    startEdge: EdgeInfo;
    endEdge: EdgeInfo;
    corruptCount: number;
    tornCount: number;
    /** A store error (unknown format version): the rows are then empty and must not be shown as zero. */
    error: string | null;
}

/** Sorts rows by display name, then by identity key, so that equal names keep a stable order. */
function byName(a: TotalsRow, b: TotalsRow): number {
    if (a.name !== b.name)
        return a.name < b.name ? -1 : 1;
    return a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
}

/** The totals of window `windowIndex` of a read, optionally filtered by display name (a row
 *  matches by its name or by its host's name). */
export function totalsFor(result: StoreReadResult, windowIndex = 0, filter?: NameFilter, names: HostNames = NO_HOST_NAMES): Totals {
    const win = result.windows[windowIndex];
    if (win === undefined)
        throw new RangeError(`the read has no window ${windowIndex}`);
    const rows: TotalsRow[] = [];
    let bytes = 0n;
    let packets = 0n;
    win.totals.forEach((t, index) => {
        if (t === undefined)
            return;
        const identity = result.counters[index] as CounterIdentity;
        const name = displayName(identity);
        const hostName = hostNameOf(identity, names);
        if (filter && !filter.test(name) && !(hostName !== null && filter.test(hostName)))
            return;
        rows.push({ index, key: result.keys[index] as string, identity, name, hostName, bytes: t.bytes, packets: t.packets });
        bytes += t.bytes;
        packets += t.packets;
    });
    rows.sort(byName);
    return {
        from: win.from,
        to: win.to,
        rows,
        total: { bytes, packets },
        oldest: win.oldest,
        newest: win.newest,
        startEdge: win.startEdge,
        endEdge: win.endEdge,
        corruptCount: result.corruptCount,
        tornCount: result.torn.length,
        error: result.error,
    };
}
