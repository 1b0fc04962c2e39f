// SPDX-License-Identifier: LGPL-2.1-or-later
// Reads the store without privileges: the file listing comes from one `find`, the files
// themselves through cockpit.file, a few at a time, each fed to the engine's reader as soon as
// it arrives. Progress is reported in bytes.
import { cockpit } from "./cockpit.ts";
import { hostPaths, INSTALLED_STORE } from "./helper.ts";
import { StoreReader, type ReadOptions, type StoreReadResult } from "../engine/store-reader.ts";
import type { PlannedFile, StoreFile } from "../engine/read-plan.ts";

/** The store's files: name relative to the store ("detail/2025-11-21.cta") and size in bytes. */
export interface StoreListing {
    store: string;
    files: StoreFile[];
}

/**
 * Lists the store's data files with one `find`, not the helper: the listing is on the critical
 * path of every view, and a Python start costs more than the whole listing. Which names are
 * store files is the engine's decision (classifyFile); this only reports what is there.
 */
export async function listStoreFiles(): Promise<StoreListing> {
    // The store comes from the same environment as hostPaths(), resolved here too, so that the
    // listing does not wait for that first round trip.
    const script = 'cd "${CTA_STORE:-$1}" 2>/dev/null || exit 0; find detail hourly daily -maxdepth 1 -type f -name "*.cta" -printf "%p\\t%s\\n" 2>/dev/null; exit 0';
    const [output, { store }] = await Promise.all([
        cockpit.spawn(["/bin/sh", "-c", script, "sh", INSTALLED_STORE], { err: "message" }),
        hostPaths(),
    ]);
    const files = output.split("\n").filter(line => line !== "").map(line => {
        const [name = "", size = "0"] = line.split("\t");
        return { name, size: Number(size) };
    });
    return { store, files };
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

function readText(path: string): Promise<string> {
    const file = cockpit.file(path, { max_read_size: MAX_FILE_SIZE });
    return new Promise<string>((resolve, reject) => {
        file.read().then(content => {
            file.close();
            if (content === null)
                reject(new StoreChangedError(`${path} disappeared while it was read`));
            else
                resolve(content);
        }, error => {
            file.close();
            reject(new Error(`${path}: ${(error as { message?: string }).message ?? String(error)}`));
        });
    });
}

/**
 * Reads the planned files into one aggregated result. Files are fetched up to PARALLEL_READS at a
 * time (the channel's latency hides behind the transfer) and parsed in the order they arrive;
 * the reader does not depend on file order.
 */
export async function readStore(plan: PlannedFile[], options: ReadOptions,
                                onProgress?: (progress: ReadProgress) => void): Promise<StoreReadResult> {
    const { store } = await hostPaths();
    const reader = new StoreReader(options);
    const progress: ReadProgress = {
        bytesRead: 0, bytesTotal: plan.reduce((sum, f) => sum + f.size, 0), filesRead: 0, filesTotal: plan.length,
    };
    onProgress?.({ ...progress });
    let next = 0;
    const worker = async (): Promise<void> => {
        while (next < plan.length) {
            const file = plan[next++] as PlannedFile;
            const text = await readText(`${store}/${file.name}`);
            const parser = reader.openFile(file.name);
            parser.feed(text);
            parser.end();
            progress.bytesRead += file.size;
            progress.filesRead++;
            onProgress?.({ ...progress });
        }
    };
    await Promise.all(Array.from({ length: Math.min(PARALLEL_READS, plan.length) }, worker));
    return reader.finish();
}

/** Lists, plans and reads; starts over once if the store changed under the read. */
export async function listAndRead(planFor: (files: StoreFile[]) => PlannedFile[], options: ReadOptions,
                                  onProgress?: (progress: ReadProgress) => void): Promise<{ result: StoreReadResult; listing: StoreListing; bytesRead: number }> {
    for (let attempt = 0; ; attempt++) {
        const listing = await listStoreFiles();
        const plan = planFor(listing.files);
        try {
            const result = await readStore(plan, options, onProgress);
            return { result, listing, bytesRead: plan.reduce((sum, f) => sum + f.size, 0) };
        } catch (error) {
            if (!(error instanceof StoreChangedError) || attempt > 0)
                throw error;
        }
    }
}
