// SPDX-License-Identifier: LGPL-2.1-or-later
// The style sheet trimming of build.ts: only rules that can never apply are dropped, and only
// custom properties that nothing reads.
import { pruneUnusedCustomProperties, topLevelRules, trimPatternflyCss } from "../../tools/trim-css.ts";

test("top-level rules are split with nested blocks, strings and comments intact", () => {
    const css = `a{color:red}@media (min-width:1px){b{c:"}"}}/* { */d{e:f}`;
    expect(topLevelRules(css)).toEqual(["a{color:red}", `@media (min-width:1px){b{c:"}"}}`, "/* { */d{e:f}"]);
});

test("unused themes, icon fonts, responsive modifiers and foreign fonts go; the rest stays", () => {
    const css = [
        ":root:where(.pf-v6-theme-high-contrast){--x:1}",
        ":root:where(.pf-v6-theme-dark){--x:2}",
        ".fa-glass:before{content:\"a\"}",
        ".pf-v6-c-button,.fa-x{color:red}",
        "@media (min-width:768px){.pf-v6-l-flex.pf-m-column-on-md{display:flex}}",
        "@media (min-width:768px){.pf-v6-l-flex.pf-m-column-on-md{display:flex}.pf-v6-c-table.pf-m-grid-md td{display:grid}}",
        "@font-face{font-family:A;src:url(data:x)}",
        "@font-face{font-family:B;src:url(../../static/fonts/B.woff2)}",
    ].join("");
    expect(trimPatternflyCss(css)).toBe([
        ":root:where(.pf-v6-theme-dark){--x:2}",
        ".pf-v6-c-button,.fa-x{color:red}",
        "@media (min-width:768px){.pf-v6-c-table.pf-m-grid-md td{display:grid}}",
        "@font-face{font-family:B;src:url(../../static/fonts/B.woff2)}",
    ].join(""));
});

test("custom properties that nothing reads are pruned, through chains of tokens", () => {
    const css = ":root{--used:var(--base);--base:1px;--orphan:var(--orphan-base);--orphan-base:2px;--by-js:red}a{width:var(--used)}";
    expect(pruneUnusedCustomProperties(css, 'getPropertyValue("--by-js")'))
            .toBe(":root{--used:var(--base);--base:1px;--by-js:red}a{width:var(--used)}");
});
