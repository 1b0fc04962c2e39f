// SPDX-License-Identifier: LGPL-2.1-or-later
// The helper's quota usage (<store>/quota-state.json, written at each collection): read without
// privileges like the store. Its text is parsed by src/engine/quota.ts.
import { cockpit, type CockpitError } from "./cockpit.ts";
import { hostPaths } from "./helper.ts";

/** The file's text, or null when there is none yet (no quota, or no collection since). */
export async function readQuotaState(): Promise<string | null> {
    const { store } = await hostPaths();
    const file = cockpit.file(`${store}/quota-state.json`);
    try {
        return await new Promise<string | null>((resolve, reject) => {
            file.read().then((text: string | null) => resolve(text),
                             (error: CockpitError) => reject(new Error(`${store}/quota-state.json: ${error.message}`)));
        });
    } finally {
        file.close();
    }
}
