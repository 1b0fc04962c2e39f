// SPDX-License-Identifier: LGPL-2.1-or-later
// What an admin must know before trusting the numbers: stale data (the collector stopped),
// traffic that bypasses counters (flowtable offload), skipped corrupt lines, torn appends, and
// the helper's own errors, in its own words.
import { useState } from "react";
import { Alert, AlertActionLink } from "../pf.ts";
import { _, format, ngettext } from "../host/i18n.ts";
import { dismissDamage, type DamageReport, type HelperStatus } from "../host/status.ts";
import { useAdminAccess } from "../host/privileges.ts";

export interface StatusAlertsProps {
    status: HelperStatus | null;
    statusError: string | null;
    now: number;
    /** Corrupt lines the page's own read skipped in this timeframe. */
    corruptInView: number;
    formatTime: (t: number) => string;
}

/** The collector is late when its last run is older than three intervals. */
export function isStale(status: HelperStatus, now: number): boolean {
    return status.last_collection !== null && now - status.last_collection > 3 * status.interval_seconds;
}

/**
 * Damage that rotate or compact dropped with the files that held it: no total shows it any
 * more, so it is said here until an admin dismisses it (only up to what this page showed).
 */
function DroppedDamage({ damage, formatTime }: { damage: DamageReport[]; formatTime: (t: number) => string }) {
    const access = useAdminAccess();
    const [dismissedUpTo, setDismissedUpTo] = useState(0);
    const [error, setError] = useState<string | null>(null);
    const shown = damage.filter(d => d.id > dismissedUpTo);
    if (shown.length === 0)
        return null;
    const upTo = Math.max(...shown.map(d => d.id));
    const dismiss = () => {
        setError(null);
        dismissDamage(upTo).then(() => setDismissedUpTo(upTo), (e: Error) => setError(e.message));
    };
    return (
        <Alert isInline variant="warning"
               title={format(ngettext("$0 damaged line was dropped from the store", "$0 damaged lines were dropped from the store",
                                      shown.length), String(shown.length))}
               actionLinks={access === "allowed" ? <AlertActionLink onClick={dismiss}>{_("Dismiss")}</AlertActionLink> : undefined}>
            {_("Totals skipped these lines while they were stored. A rotation or compaction has since rewritten the files that held them, so no file shows them any more.")}
            <details className="cta-corrupt">
                <summary>{_("Show dropped lines")}</summary>
                <ul className="cta-corrupt-list">
                    {shown.map(d => (
                        <li key={d.id}>
                            {`${d.file}:${d.line}: ${d.reason} (${d.by}, ${formatTime(d.dropped)})`}
                        </li>))}
                </ul>
            </details>
            {error && <p>{error}</p>}
        </Alert>);
}

export function StatusAlerts({ status, statusError, now, corruptInView, formatTime }: StatusAlertsProps) {
    const alerts = [];
    if (statusError)
        alerts.push(<Alert key="status-error" isInline variant="danger" title={_("The helper could not report its status")}>{statusError}</Alert>);
    if (status && isStale(status, now) && status.last_collection !== null) {
        alerts.push(
            <Alert key="stale" isInline variant="warning" title={_("Data is not up to date")}>
                {format(_("The last collection was at $0. Collection should run every $1 seconds: check the cockpit-traffic-accounting-collect.timer unit."),
                        formatTime(status.last_collection), String(status.interval_seconds))}
            </Alert>);
    }
    for (const warning of status?.offload_warnings ?? []) {
        alerts.push(
            <Alert key={`offload-${warning.family}-${warning.table}-${warning.flowtable}`} isInline variant="warning"
                   title={_("Some traffic bypasses the counters")}>
                {warning.message}
            </Alert>);
    }
    const corrupt = Math.max(corruptInView, 0);
    if (corrupt > 0) {
        alerts.push(
            <Alert key="corrupt" isInline variant="warning"
                   title={format(ngettext("$0 damaged line in the store was skipped", "$0 damaged lines in the store were skipped", corrupt), String(corrupt))}>
                {_("Totals leave out the records of the damaged blocks. The helper's status lists the files and lines.")}
                {status && status.corrupt.lines.length > 0 &&
                    <details className="cta-corrupt">
                        <summary>{_("Show damaged lines")}</summary>
                        <ul className="cta-corrupt-list">
                            {status.corrupt.lines.map(c => <li key={`${c.file}:${c.line}`}>{`${c.file}:${c.line}: ${c.reason}`}</li>)}
                        </ul>
                    </details>}
            </Alert>);
    }
    if (status && (status.damage ?? []).length > 0)
        alerts.push(<DroppedDamage key="dropped" damage={status.damage} formatTime={formatTime} />);
    if (status?.transaction_pending) {
        alerts.push(
            <Alert key="pending" isInline variant="info" title={_("A rotation or compaction was interrupted")}>
                {_("The helper finishes it at its next run. Until then, no data is counted twice or lost.")}
            </Alert>);
    }
    for (const error of status?.errors ?? [])
        alerts.push(<Alert key={`error-${error}`} isInline variant="danger" title={_("Store error")}>{error}</Alert>);
    return alerts.length > 0 ? <div className="cta-alerts">{alerts}</div> : null;
}
