// SPDX-License-Identifier: LGPL-2.1-or-later
// The words for a rule's kind, direction and hook, and a rule in one line, in the user's language.
import { _, format } from "../host/i18n.ts";
import type { Direction, Hook, Rule, RuleKind } from "../engine/rule-spec.ts";

export function kindLabel(kind: RuleKind): string {
    switch (kind) {
    case "address": return _("An address or subnet");
    case "hosts": return _("Each host in a subnet");
    case "port": return _("A port");
    default: return _("An interface");
    }
}

export function directionLabel(direction: Direction): string {
    switch (direction) {
    case "in": return _("Incoming (to it)");
    case "out": return _("Outgoing (from it)");
    default: return _("Both directions");
    }
}

export function hookLabel(hook: Hook): string {
    switch (hook) {
    case "input": return _("To this host (input)");
    case "output": return _("From this host (output)");
    default: return _("Routed through this host (forward)");
    }
}

/** What a rule counts, in a few words: "each host in 10.0.0.0/24 (per /64)". */
export function ruleSummary(rule: Rule): string {
    const net = rule.network?.text ?? "";
    switch (rule.kind) {
    case "address": return format(_("address $0"), net);
    case "hosts": return rule.network?.family === "ip6" ? format(_("each /64 in $0"), net) : format(_("each host in $0"), net);
    case "port": return format(_("$0 port $1"), rule.protocol.toUpperCase(), String(rule.port));
    default: return format(_("interface $0"), rule.interface);
    }
}
