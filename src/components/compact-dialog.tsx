// SPDX-License-Identifier: LGPL-2.1-or-later
// "Compact…": ipacsum --replace with a preview. The admin picks a range (by default everything
// older than the detail retention) and a resolution; the helper's dry run says which files and
// how many records would be merged and how much disk is saved; confirming runs it for real.
import { useEffect, useState } from "react";
import {
    Alert, Button, DescriptionList, DescriptionListDescription, DescriptionListGroup, DescriptionListTerm,
    Form, FormGroup, FormSelect, FormSelectOption, Modal, ModalBody, ModalFooter, ModalHeader, Spinner, TextInput,
} from "../pf.ts";
import { _, format, userLocale } from "../host/i18n.ts";
import { formatBytes } from "../engine/quantity.ts";
import { numberFormat } from "../engine/number-format.ts";
import { runHelperJson } from "../host/helper.ts";
import type { HelperStatus } from "../host/status.ts";

type Resolution = "whole" | "day" | "hour";

/** `cta-helper compact --json` (docs/helper.md). */
interface CompactSummary {
    from: number;
    to: number;
    resolution: Resolution;
    /** Every file the compaction touches (docs/helper.md lists their fields); the dialog counts them. */
    files: unknown[];
    records_before: number;
    records_after: number;
    bytes_before: number;
    bytes_after: number;
    bytes_saved: number;
    dry_run: boolean;
}

function isoDay(t: number): string {
    const d = new Date(t * 1000);
    return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;
}

/** Local midnight at the start of an ISO day, in Unix seconds; null if not a date. */
function dayStart(iso: string): number | null {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(iso))
        return null;
    const t = new Date(`${iso}T00:00:00`).getTime();
    return Number.isFinite(t) ? Math.floor(t / 1000) : null;
}

export interface CompactDialogProps {
    status: HelperStatus;
    retentionDays: number;
    formatTime: (t: number) => string;
    /** Called with a one-line result when compaction ran, or null when cancelled. */
    onClose: (result: string | null) => void;
}

export function CompactDialog({ status, retentionDays, formatTime, onClose }: CompactDialogProps) {
    const now = Math.floor(Date.now() / 1000);
    const [first, setFirst] = useState(isoDay(status.oldest ?? now - 365 * 86400));
    // The last day kept in full detail starts the excluded part: compact everything before it.
    const [last, setLast] = useState(isoDay(now - (retentionDays + 1) * 86400));
    const [resolution, setResolution] = useState<Resolution>("day");
    const [preview, setPreview] = useState<CompactSummary | null>(null);
    const [previewError, setPreviewError] = useState<string | null>(null);
    const [running, setRunning] = useState(false);
    const [runError, setRunError] = useState<string | null>(null);

    const from = dayStart(first);
    const lastStart = dayStart(last);
    // Through the whole last day: the range is [first 00:00, the day after last 00:00).
    const to = lastStart === null ? null : dayStart(isoDay(lastStart + 36 * 3600));
    const rangeError = from === null || to === null ? _("Choose a first and a last day.") : from >= to ? _("The last day must not be before the first.") : null;
    const args = from !== null && to !== null ? ["--from", String(from), "--to", String(to), "--resolution", resolution] : [];

    useEffect(() => {
        setPreview(null);
        setPreviewError(null);
        if (rangeError !== null)
            return;
        let cancelled = false;
        runHelperJson<CompactSummary>("compact", [...args, "--dry-run"], { admin: true })
                .then(summary => { if (!cancelled) setPreview(summary); },
                      (e: Error) => { if (!cancelled) setPreviewError(e.message); });
        return () => { cancelled = true };
        // args is derived from these three values
        // eslint-disable-next-line react-hooks/exhaustive-deps
    }, [first, last, resolution, rangeError]);

    const compact = () => {
        setRunning(true);
        setRunError(null);
        runHelperJson<CompactSummary>("compact", args, { admin: true })
                .then(done => onClose(format(_("$0 records merged into $1; $2 saved."), count(done.records_before),
                                             count(done.records_after), formatSize(done.bytes_saved))),
                      (e: Error) => { setRunError(e.message); setRunning(false) });
    };

    const nothing = preview !== null && preview.records_before === preview.records_after;
    return (
        <Modal isOpen onClose={() => onClose(null)} variant="medium" aria-labelledby="cta-compact-title">
            <ModalHeader title={_("Compact history")} labelId="cta-compact-title"
                         description={_("Like ipacsum --replace: the chosen range is merged into fewer, coarser records.")} />
            <ModalBody>
                <Form isHorizontal onSubmit={e => e.preventDefault()}>
                    <FormGroup label={_("First day")} fieldId="cta-compact-first">
                        <TextInput type="date" id="cta-compact-first" value={first} onChange={(_e, v) => setFirst(v)} />
                    </FormGroup>
                    <FormGroup label={_("Last day")} fieldId="cta-compact-last">
                        <TextInput type="date" id="cta-compact-last" value={last} onChange={(_e, v) => setLast(v)} />
                    </FormGroup>
                    <FormGroup label={_("Resolution")} fieldId="cta-compact-resolution">
                        <FormSelect id="cta-compact-resolution" value={resolution} onChange={(_e, v) => setResolution(v as Resolution)}>
                            <FormSelectOption value="hour" label={_("One record per rule and hour")} />
                            <FormSelectOption value="day" label={_("One record per rule and day")} />
                            <FormSelectOption value="whole" label={_("One record per rule for the whole range")} />
                        </FormSelect>
                    </FormGroup>
                </Form>
                {rangeError && <Alert isInline variant="danger" title={rangeError} />}
                {previewError && <Alert isInline variant="danger" title={_("The preview failed")}>{previewError}</Alert>}
                {!rangeError && !preview && !previewError && <Spinner size="md" aria-label={_("Computing the preview")} />}
                {preview &&
                    <DescriptionList isHorizontal className="cta-compact-preview" aria-label={_("Preview")}>
                        <DescriptionListGroup>
                            <DescriptionListTerm>{_("Range")}</DescriptionListTerm>
                            <DescriptionListDescription>{`${formatTime(preview.from)} – ${formatTime(preview.to)}`}</DescriptionListDescription>
                        </DescriptionListGroup>
                        <DescriptionListGroup>
                            <DescriptionListTerm>{_("Files")}</DescriptionListTerm>
                            <DescriptionListDescription data-testid="compact-files">{String(preview.files.length)}</DescriptionListDescription>
                        </DescriptionListGroup>
                        <DescriptionListGroup>
                            <DescriptionListTerm>{_("Records")}</DescriptionListTerm>
                            <DescriptionListDescription data-testid="compact-records">
                                {format(_("$0 before, $1 after"), count(preview.records_before), count(preview.records_after))}
                            </DescriptionListDescription>
                        </DescriptionListGroup>
                        <DescriptionListGroup>
                            <DescriptionListTerm>{_("Disk space saved")}</DescriptionListTerm>
                            <DescriptionListDescription data-testid="compact-saved">{formatSize(preview.bytes_saved)}</DescriptionListDescription>
                        </DescriptionListGroup>
                    </DescriptionList>}
                {preview && !nothing &&
                    <Alert isInline variant="warning" title={_("Graph resolution in this range is lost")}>
                        {_("Totals for every rule and every day stay exactly the same. This cannot be undone.")}
                    </Alert>}
                {nothing && <Alert isInline variant="info" title={_("Nothing to merge in this range.")} />}
                {runError && <Alert isInline variant="danger" title={_("Compaction failed")}>{runError}</Alert>}
            </ModalBody>
            <ModalFooter>
                <Button variant="danger" onClick={compact} isDisabled={!preview || nothing || running} isLoading={running}>
                    {_("Compact")}
                </Button>
                <Button variant="link" onClick={() => onClose(null)} isDisabled={running}>{_("Cancel")}</Button>
            </ModalFooter>
        </Modal>
    );
}

function count(n: number): string {
    return numberFormat(userLocale()).format(n);
}

function formatSize(bytes: number): string {
    return formatBytes(BigInt(Math.max(0, Math.round(bytes))), { style: "iec", locale: userLocale() });
}
