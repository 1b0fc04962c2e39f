// SPDX-License-Identifier: LGPL-2.1-or-later
// The shared configuration file (docs/configuration.md). Everybody may read it; saving needs
// superuser and passes the tag of what was read, so that a save over somebody else's newer
// change fails instead of silently overwriting it.
import { cockpit, type CockpitError } from "./cockpit.ts";
import { hostPaths, runHelper } from "./helper.ts";

export interface ConfigText {
    /** The file's text, or null when it does not exist (the documented defaults apply). */
    text: string | null;
    /** Cockpit's tag for this version of the file; pass it back to saveConfig(). */
    tag: string;
    path: string;
}

export async function readConfig(): Promise<ConfigText> {
    const { config: path } = await hostPaths();
    const file = cockpit.file(path);
    try {
        return await new Promise<ConfigText>((resolve, reject) => {
            file.read().then((text: string | null, tag: string) => resolve({ text, tag, path }),
                             (error: CockpitError) => reject(new Error(`${path}: ${error.message}`)));
        });
    } finally {
        file.close();
    }
}

/** Thrown when the file changed since it was read: reload, merge, and try again. */
export class ConfigChangedError extends Error {}

export async function saveConfig(text: string, tag: string): Promise<string> {
    const { config: path } = await hostPaths();
    const file = cockpit.file(path, { superuser: "require" });
    try {
        return await file.replace(text, tag);
    } catch (error) {
        const problem = (error as CockpitError).problem;
        if (problem === "change-conflict")
            throw new ConfigChangedError(path);
        throw new Error(`${path}: ${(error as CockpitError).message}`);
    } finally {
        file.close();
    }
}

/** Makes the collect timer run at the saved interval_seconds (a systemd drop-in; superuser). */
export async function applySchedule(): Promise<void> {
    await runHelper("schedule", ["apply"], { admin: true });
}
