// SPDX-License-Identifier: LGPL-2.1-or-later
// Leaves out the parts of PatternFly's style sheets that this page can never use, to keep the
// package small: the theme variants Cockpit does not offer (felt, glass, high contrast, Red Hat),
// the Font Awesome and pficon icon-font classes (PatternFly React draws SVG icons), and the
// @font-face rules (src/fonts.css points at Cockpit's own fonts instead). Whole top-level rules
// are dropped by their selector; nothing inside a kept rule is touched.

const UNUSED_THEMES = /\.pf-v6-theme-(felt|glass|high-contrast|redhat)\b/;
// Responsive modifiers ("pf-m-wrap-on-lg"): the page only uses PatternFly's default breakpoint
// behaviour, never a modifier for one screen size; tree tables are not used either.
const UNUSED_MODIFIER = /\.pf-m-[a-z0-9-]+-on-(sm|md|lg|xl|2xl)\b|\.pf-m-tree-view\b/;
const ICON_FONT_CLASS = /^(\.fa\b|\.fa-|\.fas\b|\.far\b|\.fab\b|\.pf-v6-pficon|\.pf-v6-icon-)/;

/** Splits CSS text into its top-level rules (a selector or at-rule with its braces). */
export function topLevelRules(css: string): string[] {
    const rules: string[] = [];
    let depth = 0;
    let start = 0;
    let quote: string | null = null;
    for (let i = 0; i < css.length; i++) {
        const c = css[i];
        if (quote !== null) {
            if (c === "\\")
                i++;
            else if (c === quote)
                quote = null;
        } else if (c === '"' || c === "'") {
            quote = c;
        } else if (c === "/" && css[i + 1] === "*") {
            const end = css.indexOf("*/", i + 2);
            i = end < 0 ? css.length : end + 1;
        } else if (c === "{") {
            depth++;
        } else if (c === "}") {
            depth--;
            if (depth === 0) {
                rules.push(css.slice(start, i + 1));
                start = i + 1;
            }
        }
    }
    const rest = css.slice(start);
    if (rest.trim() !== "")
        rules.push(rest);
    return rules;
}

function selectorOf(rule: string): string {
    const brace = rule.indexOf("{");
    return (brace < 0 ? rule : rule.slice(0, brace)).replace(/\/\*[\s\S]*?\*\//g, "").trim();
}

function unused(selector: string, rule: string): boolean {
    if (selector.startsWith("@font-face"))
        return !rule.includes("../../static/fonts/");
    const parts = selector.split(",").map(p => p.trim());
    return parts.every(p => UNUSED_THEMES.test(p) || ICON_FONT_CLASS.test(p) || UNUSED_MODIFIER.test(p));
}

/** Trims a list of rules; @media and @supports blocks are trimmed inside and dropped when empty. */
function trimRules(css: string): string {
    return topLevelRules(css).map(rule => {
        const selector = selectorOf(rule);
        if (/^@(media|supports|layer)\b/.test(selector)) {
            const open = rule.indexOf("{");
            const inner = trimRules(rule.slice(open + 1, rule.lastIndexOf("}")));
            return inner.trim() === "" ? "" : `${rule.slice(0, open + 1)}${inner}}`;
        }
        if (selector.startsWith("@") && !selector.startsWith("@font-face"))
            return rule;
        return unused(selector, rule) ? "" : rule;
    }).join("");
}

export function trimPatternflyCss(css: string): string {
    return trimRules(css);
}

/** The declarations of one rule body, split at top-level semicolons. */
function declarations(body: string): string[] {
    const out: string[] = [];
    let depth = 0;
    let start = 0;
    for (let i = 0; i < body.length; i++) {
        const c = body[i];
        if (c === "(")
            depth++;
        else if (c === ")")
            depth--;
        else if (c === ";" && depth === 0) {
            out.push(body.slice(start, i));
            start = i + 1;
        }
    }
    if (body.slice(start).trim() !== "")
        out.push(body.slice(start));
    return out;
}

const CUSTOM_PROPERTY = /^\s*(--[A-Za-z0-9_-]+)\s*:/;

function mapDeclarations(css: string, keep: (name: string) => boolean): string {
    return topLevelRules(css).map(rule => {
        const open = rule.indexOf("{");
        if (open < 0)
            return rule;
        const selector = selectorOf(rule);
        const body = rule.slice(open + 1, rule.lastIndexOf("}"));
        if (/^@(media|supports|layer)\b/.test(selector)) {
            const inner = mapDeclarations(body, keep);
            return inner.trim() === "" ? "" : `${rule.slice(0, open + 1)}${inner}}`;
        }
        if (selector.startsWith("@"))
            return rule;
        const kept = declarations(body).filter(d => {
            const name = CUSTOM_PROPERTY.exec(d)?.[1];
            return name === undefined || keep(name);
        });
        return kept.length === 0 ? "" : `${rule.slice(0, open + 1)}${kept.join(";")}}`;
    }).join("");
}

/**
 * Drops custom properties (PatternFly's design tokens, mostly) that nothing reads: neither a
 * var() in the style sheet nor any mention in the JavaScript bundle, which reads some tokens
 * by name (graph colours). Repeated until nothing changes, since tokens refer to tokens.
 */
export function pruneUnusedCustomProperties(css: string, javascript: string): string {
    let current = css;
    for (;;) {
        const referenced = new Set<string>();
        for (const match of current.matchAll(/var\(\s*(--[A-Za-z0-9_-]+)/g))
            referenced.add(match[1] as string);
        const pruned = mapDeclarations(current, name => referenced.has(name) || javascript.includes(name));
        if (pruned === current)
            return current;
        current = pruned;
    }
}
