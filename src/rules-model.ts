// SPDX-License-Identifier: LGPL-2.1-or-later
// The rules form's model (src/components/rule-dialog.tsx): a draft as typed, the rule the file
// will hold, and the whole file's text with the rules changed, checked by the same reading as
// the helper's (src/config-model.ts), so that what the form accepts the helper accepts too.
import { parseConfig, serializeConfig, type Settings } from "./config-model.ts";
import { ruleConfig, type Direction, type Hook, type Rule, type RuleConfig, type RuleKind } from "./engine/rule-spec.ts";
import type { ValidationError } from "./engine/plan.ts";

/** The form's fields, as text where the user types. */
export interface RuleDraft {
    id: string;
    name: string;
    kind: RuleKind;
    direction: Direction;
    hook: Hook;
    address: string;
    subnet: string;
    timeout: string;
    protocol: "tcp" | "udp";
    port: string;
    interface: string;
}

/** A free id: rule1, rule2, … (the id names the rule's chain or set, and never changes). */
export function freeId(rules: readonly Rule[]): string {
    const used = new Set(rules.map(r => r.id));
    let n = 1;
    while (used.has(`rule${n}`))
        n++;
    return `rule${n}`;
}

export function emptyDraft(rules: readonly Rule[], kind: RuleKind = "address"): RuleDraft {
    return {
        id: freeId(rules), name: "", kind, direction: "both", hook: "forward", address: "", subnet: "", timeout: "",
        protocol: "tcp", port: "", interface: "",
    };
}

/** The empty state's first step: each host of a subnet, both directions, routed traffic. */
export function perHostDraft(rules: readonly Rule[]): RuleDraft {
    return { ...emptyDraft(rules, "hosts"), name: "Hosts" };
}

export function draftOf(rule: Rule): RuleDraft {
    const c = ruleConfig(rule);
    return {
        id: c.id, name: c.name, kind: c.kind, direction: c.direction, hook: c.hook, address: c.address ?? "",
        subnet: c.subnet ?? "", timeout: c.timeout_seconds === undefined ? "" : String(c.timeout_seconds),
        protocol: c.protocol ?? "tcp", port: c.port === undefined ? "" : String(c.port), interface: c.interface ?? "",
    };
}

const number = (text: string): number | string => (/^\s*\d+\s*$/.test(text) ? Number(text) : text);

/** The rule as the file will hold it; what is not a number stays text, for the check to name. */
export function draftConfig(d: RuleDraft): Record<string, unknown> {
    const out: Record<string, unknown> = { id: d.id, name: d.name, kind: d.kind };
    if (d.kind === "address")
        out.address = d.address.trim();
    else if (d.kind === "hosts") {
        out.subnet = d.subnet.trim();
        if (d.timeout.trim() !== "")
            out.timeout_seconds = number(d.timeout);
    } else if (d.kind === "port") {
        out.protocol = d.protocol;
        out.port = number(d.port);
    } else
        out.interface = d.interface.trim();
    out.direction = d.direction;
    out.hook = d.hook;
    return out;
}

/** The configuration file's text with these rules. */
export function textWithRules(settings: Settings, raw: Record<string, unknown>, rules: readonly (RuleConfig | Record<string, unknown>)[]): string {
    const doc = JSON.parse(serializeConfig(settings, raw)) as Record<string, unknown>;
    doc.rules = rules;
    return JSON.stringify(doc, null, 4) + "\n";
}

export interface Checked {
    text: string;
    /** The first problem, as the helper would report it; null when the file is valid. */
    error: ValidationError | null;
    /** The field of the rule at `index` the problem is in ("subnet", "name"…), if it is there. */
    field: string | null;
}

/** The file with the rule at `index` replaced (index = length: added), checked as a whole. */
export function checkWith(settings: Settings, raw: Record<string, unknown>, index: number, draft: RuleDraft | null): Checked {
    const rules: (RuleConfig | Record<string, unknown>)[] = settings.rules.map(ruleConfig);
    if (draft === null)
        rules.splice(index, 1);
    else
        rules.splice(index, 1, draftConfig(draft));
    const text = textWithRules(settings, raw, rules);
    const error = parseConfig(text).errors[0] ?? null;
    const prefix = `rules[${index}]`;
    let field: string | null = null;
    if (error && draft !== null && (error.path === prefix || error.path.startsWith(`${prefix}.`)))
        field = error.path.slice(prefix.length + 1) || "kind";
    return { text, error, field };
}
