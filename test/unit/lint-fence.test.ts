// SPDX-License-Identifier: LGPL-2.1-or-later
// The import fence in eslint.config.js bites: code that breaks it, linted as if it were a file
// in the fenced directory, gets the error. (A later config block that sets the same rule for a
// wider glob silently replaces an earlier one: that hole let `window` into the engine once.)
import { spawnSync } from "node:child_process";
import { join } from "node:path";

const ROOT = join(__dirname, "..", "..");

interface Message { ruleId: string | null; message: string }

// Every probe is linted in one node process through ESLint's own API (one start-up, not one
// per probe): its input is [path, code][] and it prints the messages of each.
const LINTER = `
import { ESLint } from "eslint";
const probes = JSON.parse(process.argv[1]);
const eslint = new ESLint({ cwd: process.cwd() });
const out = [];
for (const [filePath, code] of probes)
    out.push((await eslint.lintText(code, { filePath, warnIgnored: true }))[0].messages);
console.log(JSON.stringify(out));
`;

/** The probes: file path (which need not exist) and the code to lint as that file. */
const probes: [string, string][] = [];
let linted: Message[][] | null = null;

function probe(path: string, code: string): number {
    probes.push([path, code]);
    return probes.length - 1;
}

function messages(index: number): Message[] {
    if (linted === null) {
        const p = spawnSync(process.execPath, ["--input-type=module", "-e", LINTER, JSON.stringify(probes)],
                            { cwd: ROOT, encoding: "utf8" });
        if (p.status !== 0)
            throw new Error(`linting the probes failed: ${p.stderr}`);
        linted = JSON.parse(p.stdout) as Message[][];
    }
    return linted[index] ?? [];
}

const rules = (messages: Message[]) => messages.map(m => m.ruleId);

const ENGINE = "src/engine/fence-probe.ts";
const globals = ["window.location.href", "document.title", "localStorage.getItem('x')", "cockpit.spawn(['true'])",
    "navigator.language", "globalThis.fetch"].map(e => [e, probe(ENGINE, `export const probe = () => ${e};\n`)] as const);
const imports = ["react", "@patternfly/react-core", "uplot", "../host/files.ts"]
    .map(name => [name, probe(ENGINE, `import * as m from "${name}";\nexport const probe = m;\n`)] as const);
const plainEngine = probe(ENGINE, "export const probe = (a: number): number => a + 1;\n");
const cockpitInComponent = probe("src/components/fence-probe.tsx", "export const probe = () => cockpit.user();\n");
const cockpitInHost = probe("src/host/fence-probe.ts", "export const probe = () => [cockpit.user(), window.location.href];\n");

describe("the engine is pure", () => {
    test.each(globals)("%s in src/engine/ is an error", (_expression, index) => {
        expect(rules(messages(index))).toContain("no-restricted-globals");
    });

    test.each(imports)("importing %s in src/engine/ is an error", (_name, index) => {
        expect(rules(messages(index))).toContain("no-restricted-imports");
    });

    test("plain code in src/engine/ lints clean", () => {
        expect(messages(plainEngine)).toEqual([]);
    });
});

describe("only src/host/ talks to cockpit.js", () => {
    test("cockpit in a component is an error", () => {
        expect(rules(messages(cockpitInComponent))).toContain("no-restricted-globals");
    });

    test("cockpit and window in src/host/ are allowed", () => {
        expect(messages(cockpitInHost)).toEqual([]);
    });
});
