// SPDX-License-Identifier: LGPL-2.1-or-later
// Builds the Cockpit package into dist/: the page bundle (esbuild), its static files, and one
// po.<lang>.js per translation. cockpit.js is never bundled: the page loads it from Cockpit at run
// time. `--watch` builds for development (not minified, with source maps, unless NODE_ENV says
// production) and rebuilds on change: esbuild watches what the bundle imports, and this script
// watches what esbuild does not see (po/, manifest.json, src/index.html).
import * as esbuild from "esbuild";
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, watch as watchPath, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { compilePoFile } from "./po/compile.ts";
import { pruneUnusedCustomProperties, trimPatternflyCss } from "./tools/trim-css.ts";

const outdir = "dist";
const watch = process.argv.includes("--watch");
const production = process.env.NODE_ENV === "production" || (!watch && process.env.NODE_ENV !== "development");

const staticFiles = ["src/index.html", "manifest.json"];

function copyStatic(): void {
    for (const file of staticFiles)
        copyFileSync(file, join(outdir, basename(file)));
}

function buildTranslations(): void {
    for (const name of readdirSync("po").filter(f => f.endsWith(".po"))) {
        const lang = basename(name, ".po");
        writeFileSync(join(outdir, `po.${lang}.js`), compilePoFile(readFileSync(join("po", name))));
    }
}

const options: esbuild.BuildOptions = {
    entryPoints: { index: "src/index.tsx" },
    outdir,
    bundle: true,
    format: "iife",
    target: ["es2022", "chrome110", "firefox115", "safari16"],
    minify: production,
    sourcemap: production ? false : "linked",
    legalComments: "external",
    define: { "process.env.NODE_ENV": JSON.stringify(production ? "production" : "development") },
    // PatternFly's own font and image files are replaced by Cockpit's fonts (see src/fonts.css),
    // so the package stays small and looks like the rest of Cockpit.
    loader: { ".woff2": "empty", ".woff": "empty", ".svg": "empty", ".png": "empty" },
    external: ["../../static/*"],
    logLevel: "info",
    plugins: [{
        // See tools/trim-css.ts: theme variants Cockpit lacks, icon fonts and @font-face rules.
        // Trimmed in the output, after esbuild has merged every imported style sheet once.
        name: "trim-patternfly-css",
        setup(build) {
            build.onEnd(result => {
                const css = join(outdir, "index.css");
                if (result.errors.length === 0 && existsSync(css)) {
                    const javascript = readFileSync(join(outdir, "index.js"), "utf8");
                    writeFileSync(css, pruneUnusedCustomProperties(trimPatternflyCss(readFileSync(css, "utf8")), javascript));
                }
            });
        },
    }, {
        name: "static-files",
        setup(build) {
            build.onEnd(result => {
                if (result.errors.length === 0) {
                    copyStatic();
                    buildTranslations();
                }
            });
        },
    }],
};

rmSync(outdir, { recursive: true, force: true });
mkdirSync(outdir, { recursive: true });

if (watch) {
    const context = await esbuild.context(options);
    await context.watch();
    // Static files and translations are copied after each bundle; a change to one of them alone
    // copies them again without rebundling. Directories are watched, not the files, because
    // editors that save by renaming would leave a watch on the old file.
    const watched = new Set(staticFiles.map(file => basename(file)));
    for (const dir of [".", "src", "po"]) {
        watchPath(dir, (_event, name) => {
            if (dir !== "po" && !(name && watched.has(name)))
                return;
            try {
                copyStatic();
                buildTranslations();
                console.error(`${join(dir, name ?? "")} changed: static files and translations copied`);
            } catch (error) {
                console.error(`${join(dir, name ?? "")} changed, copying failed: ${String(error)}`);
            }
        });
    }
} else {
    const result = await esbuild.build(options);
    if (result.errors.length > 0)
        process.exit(1);
}
