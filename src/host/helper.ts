// SPDX-License-Identifier: LGPL-2.1-or-later
// Runs the root-side helper (cta-helper) through Cockpit. Where the helper, the store and the
// configuration live comes from the bridge's environment (CTA_HELPER, CTA_STORE, CTA_CONFIG),
// with the installed paths as defaults: the demo and the tests point them at throw-away
// directories, a real host never sets them. Only explicit admin actions ask for superuser.
import { cockpit, type CockpitError } from "./cockpit.ts";

export const INSTALLED_HELPER = "/usr/libexec/cockpit-traffic-accounting/cta-helper";
export const INSTALLED_STORE = "/var/lib/cockpit-traffic-accounting";
export const INSTALLED_CONFIG = "/etc/cockpit-traffic-accounting/config.json";

export interface HostPaths {
    helper: string;
    store: string;
    config: string;
}

/** The helper's failure, with its own message (its stderr) and exit status. */
export class HelperError extends Error {
    constructor(message: string, readonly problem: string | null, readonly exitStatus: number | null) {
        super(message);
    }

}

export function toHelperError(error: CockpitError): HelperError {
    const message = (error.message || error.problem || "failed").trim();
    return new HelperError(message, error.problem ?? null, error.exit_status ?? null);
}

let pathsPromise: Promise<HostPaths> | null = null;

export function hostPaths(): Promise<HostPaths> {
    pathsPromise ??= (async () => {
        const script = 'printf "%s\\n%s\\n%s\\n" "${CTA_HELPER:-$1}" "${CTA_STORE:-$2}" "${CTA_CONFIG:-$3}"';
        const output = await cockpit.spawn(["/bin/sh", "-c", script, "sh", INSTALLED_HELPER, INSTALLED_STORE, INSTALLED_CONFIG], { err: "message" });
        const [helper = INSTALLED_HELPER, store = INSTALLED_STORE, config = INSTALLED_CONFIG] = output.split("\n");
        return { helper, store, config };
    })();
    return pathsPromise;
}

export interface HelperOptions {
    /** Run with superuser ("require"): for actions that write. */
    admin?: boolean;
}

/** Runs `cta-helper COMMAND --store … --config … ARGS…` and returns its standard output. */
export async function runHelper(command: string, args: string[] = [], options: HelperOptions = {}): Promise<string> {
    const paths = await hostPaths();
    const argv = [paths.helper, command, "--store", paths.store, "--config", paths.config, ...args];
    try {
        return await cockpit.spawn(argv, { err: "message", ...(options.admin ? { superuser: "require" as const } : {}) });
    } catch (error) {
        throw toHelperError(error as CockpitError);
    }
}

/** Runs a helper command with `--json` and parses what it prints. */
export async function runHelperJson<T>(command: string, args: string[] = [], options: HelperOptions = {}): Promise<T> {
    const output = await runHelper(command, [...args, "--json"], options);
    try {
        return JSON.parse(output) as T;
    } catch {
        throw new HelperError(`cta-helper ${command} printed something that is not JSON: ${output.slice(0, 200)}`, null, null);
    }
}
