// SPDX-License-Identifier: LGPL-2.1-or-later
// The configuration's rules key as the page reads it (src/engine/rule-spec.ts): the shared cases
// of test/fixtures/config/rule-cases.json (the helper's test/helper/test_rulespec.py runs the
// same ones), and a rule written back by the page read again as the same rule.

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseConfig, serializeConfig } from "../../src/config-model.ts";
import type { Rule } from "../../src/engine/rule-spec.ts";

interface Case {
    name: string;
    text: string;
    error: string | null;
    rules?: unknown;
}

const cases = (JSON.parse(readFileSync(join(__dirname, "../fixtures/config/rule-cases.json"), "utf8")) as { cases: Case[] }).cases;

function normalised(r: Rule): unknown {
    return {
        id: r.id, name: r.name, kind: r.kind, direction: r.direction, hook: r.hook,
        network: r.network === null ? null : [r.network.family, r.network.text, r.network.length],
        protocol: r.protocol, port: r.port, interface: r.interface, timeout_seconds: r.timeoutSeconds,
    };
}

describe("shared rule cases", () => {
    test("there are enough of them", () => {
        expect(cases.length).toBeGreaterThan(50);
    });
    test.each(cases.map(c => [c.name, c] as const))("%s", (_name, c) => {
        const parsed = parseConfig(c.text);
        if (c.error === null) {
            expect(parsed.errors).toEqual([]);
            expect(parsed.settings.rules.map(normalised)).toEqual(c.rules);
            return;
        }
        expect(parsed.errors).toHaveLength(1);
        expect(`${parsed.errors[0]?.path}: ${parsed.errors[0]?.message}`).toBe(c.error);
    });
});

describe("saving", () => {
    test("every valid case's rules are written back as the same rules", () => {
        for (const c of cases.filter(c => c.error === null)) {
            const parsed = parseConfig(c.text);
            const again = parseConfig(serializeConfig(parsed.settings, parsed.raw));
            expect(again.errors).toEqual([]);
            expect(again.settings.rules).toEqual(parsed.settings.rules);
        }
    });
    test("a file without rules gets no rules key", () => {
        const parsed = parseConfig("{}");
        expect(JSON.parse(serializeConfig(parsed.settings, parsed.raw))).not.toHaveProperty("rules");
    });
});
