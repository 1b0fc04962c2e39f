// SPDX-License-Identifier: LGPL-2.1-or-later
// The helper's rules commands (docs/helper.md, "Rules"): the nft script of a draft configuration
// (no privileges: the helper only prints it) and applying the saved one (superuser: it collects,
// then loads the table). A refusal carries nft's own text as the helper passed it on.
import { cockpit, type CockpitError } from "./cockpit.ts";
import { hostPaths, runHelperJson, toHelperError } from "./helper.ts";

/** The script `cta-helper rules show` prints for this configuration text (a draft, not saved). */
export async function previewScript(configText: string): Promise<string> {
    const paths = await hostPaths();
    const argv = [paths.helper, "rules", "show", "--store", paths.store, "--config", "-"];
    try {
        return await cockpit.spawn(argv, { err: "message" }).input(configText);
    } catch (error) {
        throw toHelperError(error as CockpitError);
    }
}

export interface ApplyResult {
    applied: boolean;
    rules: number;
    table?: string;
}

/** `cta-helper rules apply` on the saved configuration, as root. */
export function applyRules(): Promise<ApplyResult> {
    return runHelperJson<ApplyResult>("rules", ["apply"], { admin: true });
}
