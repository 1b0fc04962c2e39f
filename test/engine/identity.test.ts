// SPDX-License-Identifier: LGPL-2.1-or-later
// Identity fields: escaping as docs/store-format.md says, decoding of UTF-8 escapes, rejection
// of invalid tokens, display names.

import { displayName, escapeField, identityKey, unescapeField } from "../../src/engine/identity.ts";
import { prng } from "./helpers.ts";

describe("escaping", () => {
    test.each([
        ["", "-"],
        ["-", "%2D"],
        ["www", "www"],
        ["two words", "two%20words"],
        ["100%", "100%25"],
        ["line\nbreak", "line%0Abreak"],
        ["del\x7f", "del%7F"],
        ["Grüße 流量", "Grüße%20流量"],
        ["--", "--"],
    ])("%p ↔ %p", (plain, token) => {
        expect(escapeField(plain)).toBe(token);
        expect(unescapeField(token)).toBe(plain);
    });

    test.each([
        ["%C3%BC", "ü"],
        ["%e6%b5%81", "流"],
        ["%41", "A"],
    ])("UTF-8 escapes %p decode to %p", (token, plain) => {
        expect(unescapeField(token)).toBe(plain);
    });

    test.each(["", "%", "%4", "%zz", "%C3%28", "%FF", "a\tb", "a\x7fb", "%C3"])("%p is not a valid token", token => {
        expect(unescapeField(token)).toBeNull();
    });
});

describe("names", () => {
    test("interfaces are shown with their direction", () => {
        expect(displayName({ source: "iface", family: "link", table: "", chain: "rx", seq: 1, name: "eth0" })).toBe("eth0 rx");
        expect(displayName({ source: "nft-rule", family: "inet", table: "filter", chain: "input", seq: 2, name: "www" })).toBe("www");
    });
    test("the identity key is the c line's escaped fields", () => {
        expect(identityKey({ source: "nft-counter", family: "inet", table: "my table", chain: "", seq: 1, name: "x y" }))
            .toBe("nft-counter inet my%20table - 1 x%20y");
    });
});

test("random strings survive escaping, as one token without spaces or control characters", () => {
    const rnd = prng(7);
    const pool = [..."ab -%\n\t\r\x7f\x00é流🚦<>\"',=+", "%2D", "-"];
    for (let k = 0; k < 2000; k++) {
        let s = "";
        const n = Math.floor(rnd() * 8);
        for (let i = 0; i < n; i++)
            s += pool[Math.floor(rnd() * pool.length)];
        const token = escapeField(s);
        expect(token).not.toBe("");
        expect([...token].some(c => (c.codePointAt(0) ?? 0) <= 0x20 || c === "\x7f")).toBe(false);
        expect(unescapeField(token)).toBe(s);
    }
});
