// SPDX-License-Identifier: LGPL-2.1-or-later
// Two projects: fast unit tests (engine, logic) and integration tests in a real Cockpit and Chromium.
const shared = {
    transform: { "^.+\\.(ts|tsx|js|mjs)$": "<rootDir>/test/esbuild-transform.cjs" },
    transformIgnorePatterns: ["/node_modules/(?!(uplot|gettext-parser|encoding|content-type|safe-buffer)/)"],
    moduleFileExtensions: ["ts", "tsx", "js", "mjs", "cjs", "json"],
    testEnvironment: "node",
};

module.exports = {
    projects: [
        { ...shared, displayName: "unit", testMatch: ["<rootDir>/test/unit/**/*.test.ts", "<rootDir>/test/engine/**/*.test.ts"] },
        { ...shared, displayName: "integration", testMatch: ["<rootDir>/test/integration/**/*.test.ts"] },
    ],
};
