// SPDX-License-Identifier: LGPL-2.1-or-later
// Reads the store without privileges: the file listing comes from one `find`, the files
// themselves through cockpit.file, a few at a time, each fed to the engine's reader as soon as
// it arrives. Closed files are gzip-compressed (`.cta.gz`): they cross the channel as raw bytes,
// about half the size of their text, and the browser decompresses them. Progress is reported in bytes
// on disk.
import { cockpit, type CockpitFile } from "./cockpit.ts";
import { INSTALLED_STORE } from "./helper.ts";
import { ReadOrderError, StoreReader, type ReadOptions, type StoreReadResult } from "../engine/store-reader.ts";
import type { PlannedFile, ReadPlan, StoreFile } from "../engine/read-plan.ts";
import { readInStages } from "../engine/staged-read.ts";
import { decodeStoreBytes, StoreTextDecoder } from "../engine/store-text.ts";
import { isValidZone } from "../engine/zone.ts";

/** The store's files: name relative to the store ("detail/2025-11-21.cta") and size in bytes. */
export interface StoreListing {
    store: string;
    /** The host's time zone (TZ, else /etc/localtime), in which the helper names periods; null if unknown. */
    zone: string | null;
    files: StoreFile[];
}

/**
 * Lists the store's data files with one `find`, not the helper: the listing is on the critical
 * path of every view, and a Python start costs more than the whole listing. The first line is
 * the store's directory (CTA_STORE or the installed one), so no second round trip is needed.
 * Which names are store files is the engine's decision (classifyFile); this only reports what
 * is there.
 */
export async function listStoreFiles(): Promise<StoreListing> {
    performance.mark("cta:list-start");
    // The zone: version 2's files and periods are the host's local hours, days and months.
    const script = 'store="${CTA_STORE:-$1}"; printf "%s\\n" "$store"; zone="${TZ#:}"; ' +
        '[ -n "$zone" ] || zone=$(readlink /etc/localtime 2>/dev/null); printf "%s\\n" "${zone#*zoneinfo/}"; ' +
        'cd "$store" 2>/dev/null || exit 0; find detail hourly daily monthly whole -maxdepth 1 -type f ' +
        '\\( -name "*.cta" -o -name "*.cta.gz" \\) -printf "%p\\t%s\\n" 2>/dev/null; exit 0';
    const output = await cockpit.spawn(["/bin/sh", "-c", script, "sh", INSTALLED_STORE], { err: "message" });
    const [store = INSTALLED_STORE, zoneLine = "", ...lines] = output.split("\n");
    const files = lines.filter(line => line !== "").map(line => {
        const [name = "", size = "0"] = line.split("\t");
        return { name, size: Number(size) };
    });
    performance.mark("cta:list-end");
    return { store, zone: zoneLine !== "" && isValidZone(zoneLine) ? zoneLine : null, files };
}

export interface ReadProgress {
    bytesRead: number;
    bytesTotal: number;
    filesRead: number;
    filesTotal: number;
}

const PARALLEL_READS = 4;
// A store file is at most a month of hourly data; leave room for unusual configurations.
const MAX_FILE_SIZE = 512 * 1024 * 1024;

/** A planned file vanished: a rotation or compaction moved its data while we read. */
export class StoreChangedError extends Error {}

/** The content of a file that must exist: null means a rotation moved it while we read. */
function contentOf<T>(path: string, file: CockpitFile<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
        file.read().then(content => {
            file.close();
            if (content === null)
                reject(new StoreChangedError(`${path} disappeared while it was read`));
            else
                resolve(content);
        }, error => {
            file.close();
            reject(new Error(`${path}: ${error.message ?? String(error)}`));
        });
    });
}

const readBytes = (path: string) => contentOf(path, cockpit.file(path, { max_read_size: MAX_FILE_SIZE, binary: true }));

/**
 * Feeds a compressed file to the reader as the browser decompresses it. A damaged stream is
 * reported to the reader (which then gives no totals), not thrown: the message names the file.
 */
async function feedCompressed(reader: StoreReader, name: string, bytes: Uint8Array<ArrayBuffer>): Promise<void> {
    const parser = reader.openFile(name);
    const decoder = new StoreTextDecoder();
    const chunks = new Blob([bytes]).stream()
            .pipeThrough(new DecompressionStream("gzip"))
            .getReader();
    try {
        for (;;) {
            const { done, value } = await chunks.read();
            if (done)
                break;
            parser.feed(decoder.push(value));
        }
    } catch (error) {
        reader.damagedFile(name, error instanceof Error ? error.message : String(error));
        return;
    }
    parser.feed(decoder.end());
    parser.end();
}

async function readInto(reader: StoreReader, store: string, file: PlannedFile): Promise<void> {
    const path = `${store}/${file.name}`;
    performance.mark(`cta:read-start ${file.name}`);
    if (file.compressed) {
        const bytes = await readBytes(path);
        performance.mark(`cta:read-end ${file.name}`);
        await feedCompressed(reader, file.name, bytes);
    } else {
        // bytes, not text: a line that is not valid UTF-8 is corrupt, never a name with U+FFFD
        const bytes = await readBytes(path);
        performance.mark(`cta:read-end ${file.name}`);
        const parser = reader.openFile(file.name);
        parser.feed(decodeStoreBytes(bytes));
        parser.end();
    }
    performance.mark(`cta:parsed ${file.name}`);
}

/** A read's moments a view shows: progress in bytes, and the coarse totals before the edges. */
export interface ReadCallbacks {
    onProgress?: (progress: ReadProgress) => void;
    /** Version 2: every coarse file is in; the totals of the whole periods, the edges still to read. */
    onCoarse?: (partial: StoreReadResult, listing: StoreListing) => void;
}

/**
 * Reads a plan into one aggregated result, stage by stage (engine/staged-read.ts): version 2's
 * coarse files first, then the finer files at the edges. Within a stage files are fetched up to
 * PARALLEL_READS at a time (the channel's latency hides behind the transfer) and parsed in the
 * order they arrive; the reader does not depend on the order within a stage.
 */
export async function readStore(listing: StoreListing, plan: ReadPlan, options: ReadOptions, callbacks: ReadCallbacks = {},
                                stream = true): Promise<{ result: StoreReadResult; bytesRead: number }> {
    const store = listing.store;
    const reader = new StoreReader(options);
    // the total grows as the stages name their files: it is what is known to be needed so far
    const progress: ReadProgress = { bytesRead: 0, bytesTotal: 0, filesRead: 0, filesTotal: 0 };
    callbacks.onProgress?.({ ...progress });
    let coarseShown = plan.version2.length === 0 || callbacks.onCoarse === undefined;
    // Version 2: once the coarse files of a stage are parsed and the walk asks for no other
    // coarse file, their totals are drawn while the edges' detail files are still arriving.
    const showCoarse = (pending: number): void => {
        if (coarseShown || pending === 0 || reader.needed().some(name => !name.startsWith("detail/")))
            return;
        coarseShown = true;
        callbacks.onCoarse?.(reader.coarseResult(), listing);
    };
    const readFiles = async (files: PlannedFile[]): Promise<void> => {
        progress.bytesTotal += files.reduce((sum, f) => sum + f.size, 0);
        progress.filesTotal += files.length;
        let coarseLeft = files.filter(f => f.tier !== "detail").length;
        let detailLeft = files.length - coarseLeft;
        let next = 0;
        const worker = async (): Promise<void> => {
            while (next < files.length) {
                const file = files[next++] as PlannedFile;
                await readInto(reader, store, file);
                progress.bytesRead += file.size;
                progress.filesRead++;
                callbacks.onProgress?.({ ...progress });
                if (file.tier === "detail")
                    detailLeft--;
                else if (--coarseLeft === 0)
                    showCoarse(detailLeft);
            }
        };
        await Promise.all(Array.from({ length: Math.min(PARALLEL_READS, files.length) }, worker));
    };
    await readInStages(reader, plan, {
        read: readFiles,
        coarseDone: pending => showCoarse(pending.length),
    }, stream);
    return { result: reader.finish(), bytesRead: progress.bytesRead };
}

/**
 * Lists, plans and reads; starts over once if the store changed under the read, and once
 * without summing records on arrival if a file turned out to change which records count.
 */
export async function listAndRead(planFor: (listing: StoreListing) => ReadPlan, options: (listing: StoreListing) => ReadOptions,
                                  callbacks: ReadCallbacks = {}): Promise<{ result: StoreReadResult; listing: StoreListing; bytesRead: number }> {
    let stream = true;
    for (let attempt = 0; ; attempt++) {
        const listing = await listStoreFiles();
        const plan = planFor(listing);
        try {
            const { result, bytesRead } = await readStore(listing, plan, { ...options(listing), listing: listing.files.map(f => f.name) },
                                                          callbacks, stream);
            return { result, listing, bytesRead };
        } catch (error) {
            if (error instanceof ReadOrderError && stream) {
                stream = false;
                continue;
            }
            if (!(error instanceof StoreChangedError) || attempt > 0)
                throw error;
        }
    }
}
