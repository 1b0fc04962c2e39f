// SPDX-License-Identifier: LGPL-2.1-or-later
// The engine's report notes in the user's language; the exports keep the engine's English
// (src/engine/reports/report.ts, noteText).
import { _, format, ngettext } from "./host/i18n.ts";
import type { ReportNote } from "./engine/reports/report.ts";

/** The engine's report notes in the user's language (exports keep the engine's English). */
export function noteInUserLanguage(note: ReportNote, formatTime: (t: number) => string): string {
    switch (note.code) {
    case "store-error":
        return format(_("The store could not be read: $0"), note.message);
    case "corrupt-lines":
        return format(ngettext("$0 damaged line in the store was skipped: the totals are incomplete.",
                               "$0 damaged lines in the store were skipped: the totals are incomplete.", note.count), String(note.count));
    case "start-inside-interval":
        return format(_("The start of the timeframe falls inside a stored interval: up to $0 s before it are counted."), String(note.seconds));
    case "end-inside-interval":
        return format(_("The end of the timeframe falls inside a stored interval: up to $0 s before it are not counted."), String(note.seconds));
    case "rounding":
        return _("Costs of rows and groups are each rounded from exact amounts; the total is rounded once from the exact total.");
    case "rounding-per-cycle":
        return _("Each bill is rounded once per billing cycle, half-up; rows and groups show their exact shares, each rounded on its own.");
    case "partial-cycle":
        return format(_("The timeframe covers only part of the billing cycle $0 – $1: that part is billed alone, with the whole included quota and bulk discounts."),
                      formatTime(note.from), formatTime(note.to));
    case "too-many-cycles":
        return format(_("The timeframe spans more than $0 billing cycles: no cost is shown. Choose a shorter timeframe."), String(note.max));
    case "percentile-unknown":
        return _("No cost is shown: 95th-percentile billing needs 5-minute samples, and this timeframe is too long to take them. Choose a billing cycle or a shorter timeframe.");
    case "percentile-from-hourly":
        return _("Part of this timeframe is stored as hourly totals only: its 5-minute rates are hourly averages, so the 95th percentile may be lower than the real one.");
    }
}
