// SPDX-License-Identifier: LGPL-2.1-or-later
// Input for the extractor test; never built.
declare const _: (s: string) => string;
declare const ngettext: (a: string, b: string, n: number) => string;
declare const other: { _: (s: string) => string };
export const a = _("Traffic");
export const b = ngettext("$0 rule", "$0 rules", 2);
export const c = _("Quote \" inside");
export const d = other._("not a message");
// _("in a comment")
