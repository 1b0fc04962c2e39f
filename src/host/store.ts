// SPDX-License-Identifier: LGPL-2.1-or-later
// Reads the store without privileges: the file listing comes from `cta-helper files --json`,
// the files themselves through cockpit.file, a few at a time, each fed to the engine's reader
// as soon as it arrives. Progress is reported in bytes.
import { cockpit } from "./cockpit.ts";
import { hostPaths, runHelperJson } from "./helper.ts";
import { StoreReader, type ReadOptions, type StoreReadResult } from "../engine/store-reader.ts";
import type { PlannedFile, StoreFile } from "../engine/read-plan.ts";

/** `cta-helper files --json` (docs/helper.md). */
export interface FilesReport {
    store: string;
    files: { file: string; tier: "detail" | "hourly" | "daily"; size: number; mtime: number; period: { from: number; to: number } }[];
    transaction_pending: boolean;
}

export async function listStoreFiles(): Promise<{ store: string; files: StoreFile[]; report: FilesReport }> {
    const report = await runHelperJson<FilesReport>("files");
    const files = report.files.map(f => ({ name: f.file, size: f.size, tier: f.tier }));
    return { store: report.store, files, report };
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
                                  onProgress?: (progress: ReadProgress) => void): Promise<{ result: StoreReadResult; listing: FilesReport }> {
    for (let attempt = 0; ; attempt++) {
        const { files, report } = await listStoreFiles();
        try {
            return { result: await readStore(planFor(files), options, onProgress), listing: report };
        } catch (error) {
            if (!(error instanceof StoreChangedError) || attempt > 0)
                throw error;
        }
    }
}
