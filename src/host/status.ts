// SPDX-License-Identifier: LGPL-2.1-or-later
// The helper's view of the host: `cta-helper status --json` (docs/helper.md), run without
// privileges, plus the host name for reports.
import { cockpit } from "./cockpit.ts";
import { runHelperJson } from "./helper.ts";
import type { CollectionNote } from "../engine/notes.ts";

export interface SourceStatus {
    key: string;
    /** "ok", "missing" (tool not installed), "disabled", "needs-root", "error"... */
    status: string;
    note: string;
    count: number;
}

export interface HelperStatus {
    version: number;
    store: string;
    config: string;
    privileged: boolean;
    interval_seconds: number;
    last_collection: number | null;
    sources: SourceStatus[];
    tiers: Record<string, { files: number; bytes: number; oldest: number | null; newest: number | null }>;
    store_bytes: number;
    oldest: number | null;
    newest: number | null;
    corrupt: { count: number; lines: { file: string; line: number; reason: string }[] };
    torn: number;
    superseded_files: string[];
    transaction_pending: boolean;
    offload_warnings: { family: string; table: string; flowtable: string; message: string }[];
    errors: string[];
    /** What collections did not count, newest last (docs/helper.md, "Notes"). */
    notes?: CollectionNote[];
    notes_total?: number;
    /** Values read while the clock stood inside recorded time, waiting for a later collection. */
    held?: boolean;
    /** The configuration file's error, while collect goes on with the last valid configuration. */
    config_error?: string;
}


export function helperStatus(): Promise<HelperStatus> {
    return runHelperJson<HelperStatus>("status");
}

export async function hostName(): Promise<string> {
    const file = cockpit.file("/proc/sys/kernel/hostname");
    try {
        const name = await new Promise<string | null>((resolve, reject) => file.read().then(resolve, reject));
        return name?.trim() || cockpit.transport.host;
    } catch {
        return cockpit.transport.host;
    } finally {
        file.close();
    }
}
