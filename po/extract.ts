// SPDX-License-Identifier: LGPL-2.1-or-later
// Finds the translatable strings in src/: the arguments of _("…"), ngettext("…", "…", n) and
// cockpit.gettext("…"). Used to write po/traffic-accounting.pot (`make pot`) and by the test
// that checks every .po file translates every string.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";

export interface SourceMessage {
    msgid: string;
    plural?: string;
    references: string[];
}

const STRING = String.raw`"((?:[^"\\]|\\.)*)"`;
const SINGULAR = new RegExp(String.raw`(?<![\w.])(?:_|gettext)\(\s*${STRING}\s*\)`, "g");
const PLURAL = new RegExp(String.raw`(?<![\w.])ngettext\(\s*${STRING}\s*,\s*${STRING}`, "g");

function sourceFiles(dir: string): string[] {
    return readdirSync(dir).flatMap(name => {
        const path = join(dir, name);
        if (statSync(path).isDirectory())
            return sourceFiles(path);
        return /\.(ts|tsx)$/.test(name) ? [path] : [];
    });
}

function unescape(literal: string): string {
    return JSON.parse(`"${literal}"`) as string;
}

export function extractMessages(root = "src"): Map<string, SourceMessage> {
    const messages = new Map<string, SourceMessage>();
    const add = (msgid: string, reference: string, plural?: string) => {
        const known = messages.get(msgid);
        if (known)
            known.references.push(reference);
        else
            messages.set(msgid, { msgid, plural, references: [reference] });
    };
    for (const file of sourceFiles(root)) {
        const text = readFileSync(file, "utf8");
        const lineOf = (index: number) => text.slice(0, index).split("\n").length;
        // Examples in comments are not messages.
        const inComment = (index: number) => /^\s*(\/\/|\*|\/\*)/.test(text.slice(text.lastIndexOf("\n", index) + 1, index));
        for (const match of text.matchAll(SINGULAR)) {
            if (!inComment(match.index))
                add(unescape(match[1] ?? ""), `${file}:${lineOf(match.index)}`);
        }
        for (const match of text.matchAll(PLURAL)) {
            if (!inComment(match.index))
                add(unescape(match[1] ?? ""), `${file}:${lineOf(match.index)}`, unescape(match[2] ?? ""));
        }
    }
    return messages;
}

function poString(value: string): string {
    return JSON.stringify(value);
}

export function renderPot(messages: Map<string, SourceMessage>): string {
    const header = [
        'msgid ""',
        'msgstr ""',
        '"Project-Id-Version: cockpit-traffic-accounting\\n"',
        '"Content-Type: text/plain; charset=UTF-8\\n"',
        '"Plural-Forms: nplurals=2; plural=(n != 1);\\n"',
        "",
    ];
    const entries = [...messages.values()].sort((a, b) => a.msgid.localeCompare(b.msgid)).map(m => [
        `#: ${m.references.join(" ")}`,
        `msgid ${poString(m.msgid)}`,
        ...(m.plural ? [`msgid_plural ${poString(m.plural)}`, 'msgstr[0] ""', 'msgstr[1] ""'] : ['msgstr ""']),
        "",
    ].join("\n"));
    return [header.join("\n"), ...entries].join("\n");
}

if (process.argv[1]?.endsWith("extract.ts"))
    process.stdout.write(renderPot(extractMessages()));
