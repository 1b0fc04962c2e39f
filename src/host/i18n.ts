// SPDX-License-Identifier: LGPL-2.1-or-later
// Translation and locale: `_("…")` marks a string for po/ and translates it at run time.
import { cockpit } from "./cockpit.ts";

export const _ = (message: string): string => cockpit.gettext(message);
export const ngettext = (singular: string, plural: string, n: number): string => cockpit.ngettext(singular, plural, n);
export const format = (template: string, ...args: (string | number)[]): string => cockpit.format(template, ...args);

/** The BCP 47 tag for Intl formatting, from Cockpit's language ("de", "pt_BR"). */
export function userLocale(): string {
    return (cockpit.language || "en").replace("_", "-");
}
