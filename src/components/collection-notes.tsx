// SPDX-License-Identifier: LGPL-2.1-or-later
// What the collector did not count, and why (the helper's notes: docs/helper.md), for the
// timeframe on the screen; a configuration the collector cannot use; values held back by a
// clock that went back. Rule names in notes are untrusted text: React renders them as text.
import { Alert } from "../pf.ts";
import { _, format, ngettext } from "../host/i18n.ts";
import type { HelperStatus } from "../host/status.ts";
import { describeIdentity, displayName } from "../engine/identity.ts";
import { notedCounter, notesInRange, type CollectionNote } from "../engine/notes.ts";

export interface CollectionNotesProps {
    status: HelperStatus | null;
    /** The timeframe shown, [from, to) in Unix seconds; null shows every recent note. */
    range: { from: number; to: number } | null;
    formatTime: (t: number) => string;
}

function counterLabel(key: string): string {
    const noted = notedCounter(key);
    if (noted.kind === "source")
        return format(_("every counter of $0"), noted.source);
    if (noted.kind === "unreadable")
        return noted.text;
    return `${displayName(noted.identity)} (${describeIdentity(noted.identity)})`;
}

function NoteItem({ note, formatTime }: { note: CollectionNote; formatTime: (t: number) => string }) {
    const when = note.start !== null && note.end !== null ? `${formatTime(note.start)} – ${formatTime(note.end)}: ` : "";
    const more = note.count - note.counters.length;
    return (
        <li>
            {when}{note.reason}
            {note.counters.length > 0 &&
                <ul className="cta-note-counters">
                    {note.counters.map(c => <li key={c}>{counterLabel(c)}</li>)}
                    {more > 0 && <li>{format(ngettext("and $0 more", "and $0 more", more), String(more))}</li>}
                </ul>}
        </li>
    );
}

export function CollectionNotes({ status, range, formatTime }: CollectionNotesProps) {
    if (!status)
        return null;
    const alerts = [];
    if (status.config_error) {
        alerts.push(
            <Alert key="config" isInline variant="warning" title={_("The configuration file has an error")}>
                {format(_("$0. Collection goes on with the last valid configuration until the file is fixed."), status.config_error)}
            </Alert>);
    }
    if (status.held) {
        alerts.push(
            <Alert key="held" isInline variant="warning" title={_("The clock went back")}>
                {_("The counters are still read, and what they counted is kept; it is written to the store as soon as the clock is past the time already recorded.")}
            </Alert>);
    }
    const notes = range ? notesInRange(status.notes ?? [], range.from, range.to) : status.notes ?? [];
    if (notes.length > 0) {
        alerts.push(
            <Alert key="notes" isInline variant="info"
                   title={format(ngettext("$0 collection note for this timeframe", "$0 collection notes for this timeframe", notes.length), String(notes.length))}>
                {_("When the collector cannot be sure which kernel counter a value belongs to, it counts nothing for that interval rather than risk a total that is too high, and says so here.")}
                <details className="cta-notes">
                    <summary>{_("Show what was not counted")}</summary>
                    <ul className="cta-notes-list">
                        {notes.slice().reverse().map((n, i) => <NoteItem key={`${n.start}-${n.end}-${i}`} note={n} formatTime={formatTime} />)}
                    </ul>
                </details>
            </Alert>);
    }
    return alerts.length > 0 ? <div className="cta-alerts">{alerts}</div> : null;
}
