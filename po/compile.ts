// SPDX-License-Identifier: LGPL-2.1-or-later
// Turns a .po file into the po.<lang>.js that Cockpit serves as "po.js" for that language: one
// call of cockpit.locale() with the translations and a plural function built from the header.
import gettextParser from "gettext-parser";

// A Plural-Forms expression is C arithmetic on n; allow nothing else into the generated code.
const SAFE_PLURAL = /^[n0-9\s!=<>&|?:%()+-]+$/;

export function pluralFunction(header: string | undefined): string {
    const match = /plural\s*=\s*([^;]+)/.exec(header ?? "");
    const expression = match?.[1]?.trim() ?? "n != 1";
    if (!SAFE_PLURAL.test(expression))
        throw new Error(`unsafe Plural-Forms expression: ${expression}`);
    return `function (n) { return Number(${expression}); }`;
}

export function compilePoFile(content: Buffer | string): string {
    const po = gettextParser.po.parse(content);
    const language = po.headers.Language ?? po.headers.language ?? "";
    const entries: string[] = [];
    for (const [context, messages] of Object.entries(po.translations)) {
        for (const [msgid, message] of Object.entries(messages)) {
            if (msgid === "" || message.msgstr.every(s => s === ""))
                continue;
            if (message.comments?.flag?.includes("fuzzy"))
                continue;
            const key = context ? `${context}\u0004${msgid}` : msgid;
            entries.push(`${JSON.stringify(key)}: ${JSON.stringify([null, ...message.msgstr])}`);
        }
    }
    const header = `"": { "plural-forms": ${pluralFunction(po.headers["Plural-Forms"])}, ` +
        `"language": ${JSON.stringify(language)}, "language-direction": "ltr" }`;
    return `cockpit.locale({\n${[header, ...entries].join(",\n")}\n});\n`;
}
