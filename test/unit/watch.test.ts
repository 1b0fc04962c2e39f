// SPDX-License-Identifier: LGPL-2.1-or-later
// `make watch` (build.ts --watch): a development build (source maps, not minified) that copies
// the manifest, index.html and the translations again when they change. Run in a copy of the
// sources, so that the work tree's dist/ (which the integration tests serve) is left alone.
import { type ChildProcess, spawn } from "node:child_process";
import { appendFileSync, cpSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const ROOT = join(__dirname, "..", "..");
const TSX = join(ROOT, "node_modules", ".bin", "tsx");

let dir: string;
let watcher: ChildProcess;
let output = "";

async function until(what: string, check: () => boolean, seconds = 25): Promise<void> {
    const deadline = Date.now() + seconds * 1000;
    while (!check()) {
        if (Date.now() > deadline)
            throw new Error(`${what} did not happen within ${seconds} s; build.ts said:\n${output}`);
        await new Promise(resolve => setTimeout(resolve, 100));
    }
}

beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "cta-watch-"));
    for (const path of ["build.ts", "manifest.json", "package.json", "tsconfig.json", "src", "po", "tools/trim-css.ts"])
        cpSync(join(ROOT, path), join(dir, path), { recursive: true });
    symlinkSync(join(ROOT, "node_modules"), join(dir, "node_modules"));
    watcher = spawn(TSX, ["build.ts", "--watch"], { cwd: dir, env: { ...process.env, NODE_ENV: "" }, stdio: ["ignore", "pipe", "pipe"] });
    watcher.stdout?.on("data", (chunk: Buffer) => { output += chunk.toString() });
    watcher.stderr?.on("data", (chunk: Buffer) => { output += chunk.toString() });
    await until("the first build", () => existsSync(join(dir, "dist", "manifest.json")) && existsSync(join(dir, "dist", "po.de.js")));
}, 90_000);

afterAll(() => {
    watcher?.kill();
    rmSync(dir, { recursive: true, force: true });
});

test("builds for development: source maps, not minified", () => {
    expect(existsSync(join(dir, "dist", "index.js.map"))).toBe(true);
    const js = readFileSync(join(dir, "dist", "index.js"), "utf8");
    expect(js.split("\n").length).toBeGreaterThan(1000);
    expect(js).toMatch(/^\s*\/\/ src\/index\.tsx$/m);   // esbuild's file comments, gone when minified
});

test("a changed manifest is copied again", async () => {
    const manifest = JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8")) as { menu: { index: { order: number } } };
    manifest.menu.index.order = 4711;
    writeFileSync(join(dir, "manifest.json"), JSON.stringify(manifest, null, 4) + "\n");
    await until("copying manifest.json", () => readFileSync(join(dir, "dist", "manifest.json"), "utf8").includes("4711"));
}, 30_000);

test("a changed index.html is copied again", async () => {
    appendFileSync(join(dir, "src", "index.html"), "<!-- watch-probe -->\n");
    await until("copying index.html", () => readFileSync(join(dir, "dist", "index.html"), "utf8").includes("watch-probe"));
}, 30_000);

test("a changed translation is compiled again", async () => {
    const po = readFileSync(join(dir, "po", "de.po"), "utf8");
    const first = /msgstr "([^"]+)"/.exec(po.slice(po.indexOf("msgid \"", 10)));
    if (!first?.[1])
        throw new Error("po/de.po has no translated message");
    writeFileSync(join(dir, "po", "de.po"), po.replace(`msgstr "${first[1]}"`, `msgstr "${first[1]} watch-probe"`));
    await until("compiling po/de.po", () => readFileSync(join(dir, "dist", "po.de.js"), "utf8").includes("watch-probe"));
}, 30_000);
