// SPDX-License-Identifier: LGPL-2.1-or-later
// Lint rules: typescript-eslint's recommended set with type information off (tsc checks types),
// React hooks rules, and a fence that keeps cockpit.js calls inside src/host/.
import js from "@eslint/js";
import tseslint from "typescript-eslint";
import reactHooks from "eslint-plugin-react-hooks";

export default tseslint.config(
    { ignores: ["dist/", "node_modules/", "test/artifacts/", "packaging/", "**/*.cjs"] },
    js.configs.recommended,
    ...tseslint.configs.recommended,
    {
        files: ["**/*.{ts,tsx}"],
        plugins: { "react-hooks": reactHooks },
        rules: {
            "react-hooks/rules-of-hooks": "error",
            "react-hooks/exhaustive-deps": "error",
            "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
            "no-restricted-syntax": ["error", {
                selector: "CallExpression[callee.object.name='console'][callee.property.name='log']",
                message: "The page reports to the user, not to the console.",
            }],
            // Cockpit's style (`npm run lint:fix` fixes what it can): 4-space indent, with
            // continuation lines aligned to the first argument or property, as Cockpit's own
            // configuration has it; JSX and type literals are laid out by hand. `x != null`
            // (null or undefined) is the one loose comparison allowed. `curly` is not on: the
            // code leaves braces off one-statement bodies, as Cockpit's does.
            // These are ESLint 9's own formatting rules; @stylistic/eslint-plugin has them
            // for ESLint 10.
            "indent": ["error", 4, {
                SwitchCase: 0, ObjectExpression: "first", CallExpression: { arguments: "first" },
                FunctionDeclaration: { parameters: "first" }, FunctionExpression: { parameters: "first" },
                MemberExpression: "off", ignoredNodes: ["JSXElement *", "JSXElement", "JSXAttribute", "TSTypeLiteral *", "TSUnionType *", "ConditionalExpression *"],
            }],
            "eqeqeq": ["error", "always", { null: "ignore" }],
            "semi": ["error", "always", { omitLastInOneLineBlock: true }],
            "quotes": ["error", "double", { avoidEscape: true, allowTemplateLiterals: true }],
            "no-var": "error",
            "no-tabs": "error",
            "no-trailing-spaces": "error",
            "eol-last": "error",
            "no-multiple-empty-lines": ["error", { max: 2 }],
            "brace-style": ["error", "1tbs", { allowSingleLine: true }],
            "keyword-spacing": "error",
            "space-before-blocks": "error",
            "space-infix-ops": "error",
            "key-spacing": "error",
            "object-curly-spacing": ["error", "always"],
            "comma-dangle": ["error", "always-multiline"],
        },
    },
    {
        // Only src/host/ talks to cockpit.js.
        files: ["src/**/*.{ts,tsx}"],
        ignores: ["src/host/**"],
        rules: { "no-restricted-globals": ["error", "cockpit"] },
    },
    {
        // The engine is pure: no cockpit, no React, no DOM. After the block above, since a later
        // block's setting of a rule replaces an earlier one's for the files both match
        // (test/unit/lint-fence.test.ts checks that the fence holds).
        files: ["src/engine/**/*.ts"],
        rules: {
            "no-restricted-imports": ["error", { patterns: ["react", "react-*", "@patternfly/*", "*/host/*", "uplot"] }],
            "no-restricted-globals": ["error", "window", "document", "cockpit", "localStorage", "navigator", "globalThis", "self"],
        },
    },
    {
        files: ["test/**/*.ts", "bench/**/*.ts", "tools/**/*.ts", "build.ts", "po/**/*.ts"],
        rules: { "no-restricted-syntax": "off" },
    },
);
