// SPDX-License-Identifier: LGPL-2.1-or-later
// Translations: every string the page marks for translation has a German translation, and the
// compiled po.<lang>.js registers them with the right plural rule.
import { readFileSync } from "node:fs";
import gettextParser from "gettext-parser";
import { compilePoFile, pluralFunction } from "../../po/compile.ts";
import { extractMessages } from "../../po/extract.ts";

const LANGUAGES = ["de"];

test.each(LANGUAGES)("po/%s.po translates every string in src/", language => {
    const po = gettextParser.po.parse(readFileSync(`po/${language}.po`));
    const translated = po.translations[""] ?? {};
    const untranslated = [...extractMessages().values()]
            .filter(message => !(translated[message.msgid]?.msgstr ?? []).some(s => s !== ""))
            .map(message => `${message.msgid} (${message.references[0]})`);
    expect(untranslated).toEqual([]);
});

test("the extractor finds _(), ngettext() and ignores other calls", () => {
    const messages = extractMessages("test/unit/po-sample");
    expect([...messages.keys()].sort()).toEqual(["$0 rule", "Quote \" inside", "Traffic"]);
    expect(messages.get("$0 rule")?.plural).toBe("$0 rules");
});

test("po.<lang>.js calls cockpit.locale with translations and a plural rule", () => {
    const registered: Record<string, unknown>[] = [];
    const cockpit = { locale: (po: Record<string, unknown>) => registered.push(po) };
    new Function("cockpit", compilePoFile(readFileSync("po/de.po")))(cockpit);
    expect(registered).toHaveLength(1);
    const po = registered[0] as Record<string, unknown> & { "": { language: string; "plural-forms": (n: number) => number } };
    expect(po[""].language).toBe("de");
    expect(po[""]["plural-forms"](1)).toBe(0);
    expect(po[""]["plural-forms"](2)).toBe(1);
    expect(po["Traffic Accounting"]).toEqual([null, "Datenverkehrsabrechnung"]);
});

test("a Plural-Forms header with code in it is refused", () => {
    expect(() => pluralFunction("nplurals=2; plural=alert(1);")).toThrow(/unsafe/);
    expect(pluralFunction("nplurals=3; plural=(n==1 ? 0 : n%10>=2 && n%10<=4 ? 1 : 2);")).toContain("n%10");
});
