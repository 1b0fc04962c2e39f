// SPDX-License-Identifier: LGPL-2.1-or-later
// Timeframes in the user's language. People type ipacsum's English phrases ("last month",
// "the day 3 days ago"), and the engine answers in English; the page says the resolved period
// and what could not be read in the user's language, from the engine's values.
import type { PeriodUnit, TimeframeError } from "./engine/timeframe.ts";
import { _, format, ngettext } from "./host/i18n.ts";

/** "Today", "Last week", "The month 3 months ago": a calendar period named for people. */
export function periodLabel(unit: PeriodUnit, ago: number): string {
    const n = String(ago);
    switch (unit) {
    case "hour":
        return ago === 0 ? _("This hour") : ago === 1 ? _("Last hour")
            : format(ngettext("The hour $0 hour ago", "The hour $0 hours ago", ago), n);
    case "day":
        return ago === 0 ? _("Today") : ago === 1 ? _("Yesterday") : ago === 2 ? _("The day before yesterday")
            : format(ngettext("The day $0 day ago", "The day $0 days ago", ago), n);
    case "week":
        return ago === 0 ? _("This week") : ago === 1 ? _("Last week")
            : format(ngettext("The week $0 week ago", "The week $0 weeks ago", ago), n);
    case "month":
        return ago === 0 ? _("This month") : ago === 1 ? _("Last month")
            : format(ngettext("The month $0 month ago", "The month $0 months ago", ago), n);
    case "year":
        return ago === 0 ? _("This year") : ago === 1 ? _("Last year")
            : format(ngettext("The year $0 year ago", "The year $0 years ago", ago), n);
    case "cycle":
        return ago === 0 ? _("This billing cycle") : ago === 1 ? _("Last billing cycle")
            : format(ngettext("The billing cycle $0 cycle ago", "The billing cycle $0 cycles ago", ago), n);
    }
}

/** Why a typed timeframe cannot be read, naming the word at fault. */
export function timeframeErrorText(error: TimeframeError): string {
    const word = error.word;
    switch (error.code) {
    case "empty":
        return _("Enter a timeframe, for example \"last month\" or \"20250101 - 20250131\".");
    case "unknown-word":
        return format(_("\"$0\" is not a word of a timeframe. Try \"today\", \"last week\", \"the month 2 months ago\", \"last billing cycle\", \"30D\" or \"20250101 - 20250131\"."), word);
    case "incomplete":
        return _("The timeframe is incomplete, for example \"the day 3 days ago\".");
    case "not-a-number":
        return format(_("\"$0\" is not a number."), word);
    case "too-large":
        return format(_("\"$0\" is too large."), word);
    case "before-1970":
        return format(_("\"$0\" reaches back before 1970."), word);
    case "bad-date-format":
        return format(_("\"$0\" is not a time as YYYYMMDDhhmmss or a shorter form of it (YYYY, YYYYMM, YYYYMMDD…)."), word);
    case "invalid-date":
        return format(_("\"$0\" is not a valid date and time."), word);
    case "conflict":
        return _("Give either a timeframe phrase or start and end times, not both.");
    case "empty-range":
        return _("The end of the timeframe is not after its start.");
    case "bad-zone":
        return format(_("The time zone \"$0\" is unknown."), word);
    }
}
