// SPDX-License-Identifier: LGPL-2.1-or-later
// Jest transform: TypeScript and TSX to CommonJS through esbuild (types are checked by tsc, not here).
const { transformSync } = require("esbuild");

module.exports = {
    process(source, filename) {
        const loader = filename.endsWith(".tsx") ? "tsx" : filename.endsWith(".ts") ? "ts" : "js";
        const result = transformSync(source, {
            loader,
            format: "cjs",
            target: "node20",
            jsx: "automatic",
            sourcemap: "inline",
            sourcefile: filename,
        });
        return { code: result.code };
    },
};
