// SPDX-License-Identifier: LGPL-2.1-or-later
// The small part of gettext-parser's API that po/compile.ts uses (the package ships no types).
declare module "gettext-parser" {
    interface PoMessage {
        msgctxt?: string;
        msgid: string;
        msgid_plural?: string;
        msgstr: string[];
        comments?: { flag?: string; reference?: string; translator?: string; extracted?: string };
    }
    interface PoData {
        charset: string;
        headers: Record<string, string | undefined>;
        translations: Record<string, Record<string, PoMessage>>;
    }
    const gettextParser: {
        po: { parse(input: Buffer | string, defaultCharset?: string): PoData };
    };
    export default gettextParser;
}
