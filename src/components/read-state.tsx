// SPDX-License-Identifier: LGPL-2.1-or-later
// What the page says while it reads the store and about the store's format: progress in bytes,
// the coarse totals drawn before the edges of the timeframe are read, the graph still to come,
// and a store of format version 1 that its writers have not upgraded yet.
import { Alert, Flex, Spinner } from "../pf.ts";
import { _, format } from "../host/i18n.ts";
import { classifyFile, type StoreFile } from "../engine/read-plan.ts";

export interface ReadProgressView {
    bytesRead: number;
    bytesTotal: number;
}

const kib = (bytes: number): string => (bytes / 1024).toFixed(bytes < 10 * 1024 ? 1 : 0);

/** Long reads show how far they are, in bytes of the files known to be needed so far. */
export function LoadingProgress({ progress }: { progress: ReadProgressView | null }) {
    const text = progress && progress.bytesTotal > 0
        ? format(_("Reading the store: $0 of $1 KiB"), kib(progress.bytesRead), kib(progress.bytesTotal))
        : _("Reading the store…");
    return (
        <Flex className="cta-loading" alignItems={{ default: "alignItemsCenter" }} spaceItems={{ default: "spaceItemsSm" }}
              role="status" aria-live="polite">
            <Spinner size="md" aria-hidden="true" />
            <span>{text}</span>
        </Flex>
    );
}

/** The totals table shows whole periods; the records at the timeframe's edges are still being read. */
export function EdgesPending() {
    return (
        <Flex className="cta-edges-pending" alignItems={{ default: "alignItemsCenter" }} spaceItems={{ default: "spaceItemsSm" }}
              role="status" aria-live="polite">
            <Spinner size="sm" aria-hidden="true" />
            <span>{_("Whole hours, days and months so far: the edges of the timeframe are still being read.")}</span>
        </Flex>
    );
}

export function GraphPending() {
    return (
        <Flex className="cta-graph-pending" alignItems={{ default: "alignItemsCenter" }} spaceItems={{ default: "spaceItemsSm" }}>
            <Spinner size="md" aria-hidden="true" />
            <span>{_("The graph is drawn when the edges are read.")}</span>
        </Flex>
    );
}

/** Only format version 1's files: the helper upgrades the store at its next writer run. */
export function isVersion1Store(files: readonly StoreFile[]): boolean {
    let v1 = false;
    for (const f of files) {
        const c = classifyFile(f.name);
        if (c?.version === 2)
            return false;
        v1 = v1 || c?.version === 1;
    }
    return v1;
}

export function StoreUpgradeHint() {
    return (
        <Alert isInline isPlain variant="info" title={_("This store has format version 1")}>
            {_("The page reads it, but each view reads more of it than needed. The helper upgrades it in place at its next run; to do it now, run as root:")}
            {" "}<code>/usr/libexec/cockpit-traffic-accounting/cta-helper rotate</code>
        </Alert>
    );
}
