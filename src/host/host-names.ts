// SPDX-License-Identifier: LGPL-2.1-or-later
// Names for hosts (<store>/host-names.json, written by collect from the configuration,
// /etc/hosts and the DHCP leases; helper/cta/hostnames.py): read without privileges like the
// store, in parallel with it. Its text is parsed by src/engine/host-names.ts.
import { cockpit, type CockpitError } from "./cockpit.ts";
import { hostPaths } from "./helper.ts";

/** The file's text, or null when there is none (no names known, or no collection yet). */
export async function readHostNames(): Promise<string | null> {
    const { store } = await hostPaths();
    const path = `${store}/host-names.json`;
    const file = cockpit.file(path);
    try {
        return await new Promise<string | null>((resolve, reject) => {
            file.read().then((text: string | null) => resolve(text),
                             (error: CockpitError) => reject(new Error(`${path}: ${error.message}`)));
        });
    } finally {
        file.close();
    }
}
