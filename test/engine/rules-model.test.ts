// SPDX-License-Identifier: LGPL-2.1-or-later
// The rules form's model (src/rules-model.ts): a draft becomes the rule the file holds, the
// whole file is checked by the helper's reading, and a problem lands under its field.
import { parseConfig } from "../../src/config-model.ts";
import { checkWith, draftOf, emptyDraft, freeId, perHostDraft } from "../../src/rules-model.ts";

const FILE = JSON.stringify({
    interval_seconds: 60,
    costs: { currency: "EUR", unit: "GB", price_per_unit: "0.05" },
    rules: [
        { id: "rule1", name: "LAN", kind: "hosts", subnet: "10.0.0.0/24", direction: "both", hook: "forward" },
        { id: "rule3", name: "Web", kind: "port", protocol: "tcp", port: 443, direction: "in", hook: "input" },
    ],
});

const parsed = parseConfig(FILE);

test("the file parses", () => {
    expect(parsed.errors).toEqual([]);
});

test("a new rule gets the first free id, and the empty state's draft counts per host", () => {
    expect(freeId(parsed.settings.rules)).toBe("rule2");
    expect(perHostDraft(parsed.settings.rules)).toMatchObject({ id: "rule2", kind: "hosts", direction: "both", hook: "forward", name: "Hosts" });
});

test("an added rule is checked with the whole file, and its problem is under its field", () => {
    const draft = { ...emptyDraft(parsed.settings.rules, "hosts"), name: "Office", subnet: "192.168.1.1/24" };
    const bad = checkWith(parsed.settings, parsed.raw, 2, draft);
    expect(bad.error).toEqual({ path: "rules[2].subnet", message: "has bits set after its prefix length" });
    expect(bad.field).toBe("subnet");
    const good = checkWith(parsed.settings, parsed.raw, 2, { ...draft, subnet: "192.168.1.0/24", timeout: "7200" });
    expect(good.error).toBeNull();
    const again = parseConfig(good.text);
    expect(again.settings.rules.map(r => [r.id, r.name, r.timeoutSeconds])).toEqual([["rule1", "LAN", 3600], ["rule3", "Web", 0], ["rule2", "Office", 7200]]);
    // what the form does not edit is kept
    expect(again.settings.costs?.price_per_unit).toBe("0.05");
    expect(again.settings.intervalSeconds).toBe(60);
});

test("text in a number field is named, not turned into NaN or 0", () => {
    const draft = { ...draftOf(parsed.settings.rules[1]!), port: "https" };
    const checked = checkWith(parsed.settings, parsed.raw, 1, draft);
    expect(checked.error).toEqual({ path: "rules[1].port", message: "must be a whole number from 1 to 65535" });
    expect(checked.field).toBe("port");
});

test("a name that would end nft's string is refused under the name", () => {
    const draft = { ...draftOf(parsed.settings.rules[1]!), name: "x\"; flush ruleset" };
    const checked = checkWith(parsed.settings, parsed.raw, 1, draft);
    expect(checked.field).toBe("name");
});

test("editing keeps the id; deleting removes exactly that rule", () => {
    const edited = checkWith(parsed.settings, parsed.raw, 0, { ...draftOf(parsed.settings.rules[0]!), name: "LAN 2" });
    expect(parseConfig(edited.text).settings.rules.map(r => [r.id, r.name])).toEqual([["rule1", "LAN 2"], ["rule3", "Web"]]);
    const deleted = checkWith(parsed.settings, parsed.raw, 0, null);
    expect(deleted.error).toBeNull();
    expect(parseConfig(deleted.text).settings.rules.map(r => r.id)).toEqual(["rule3"]);
});

test("a default element timeout stays a default: it follows a longer interval later", () => {
    const saved = parseConfig(checkWith(parsed.settings, parsed.raw, 0, draftOf(parsed.settings.rules[0]!)).text);
    expect(saved.raw.rules).toEqual([
        { id: "rule1", name: "LAN", kind: "hosts", direction: "both", hook: "forward", subnet: "10.0.0.0/24" },
        { id: "rule3", name: "Web", kind: "port", direction: "in", hook: "input", protocol: "tcp", port: 443 },
    ]);
    const longer = parseConfig(JSON.stringify({ ...saved.raw, interval_seconds: 3600 }));
    expect(longer.errors).toEqual([]);
    expect(longer.settings.rules[0]?.timeoutSeconds).toBe(7200);
});
