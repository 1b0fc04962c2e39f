// SPDX-License-Identifier: LGPL-2.1-or-later
// The page in a real Cockpit and a real Chromium, against Cockpit's own pages on this machine:
//
// 1. Time from navigation to the rendered totals table for "last 30 days" on a one-year store
//    of 200 counters at the default retention, against Cockpit's Overview page (/system) in the
//    same browser run. Target: at most 1.0x. Each round opens a fresh browser context (cold
//    cache) and then a second page in it (warm cache), for both pages, alternating which goes
//    first. The same page on an empty store is measured too: its ratio is the page's floor,
//    what no amount of data work can go below. So is the renderer's main-thread task time, since
//    the shell, Cockpit's preloaded pages and ours share one main thread and it is busy
//    throughout. Also the bytes the view read: the read plan's files (what the page fetches through
//    cockpit.file) and, as a cross-check, every byte the browser received on Cockpit's WebSocket
//    during the navigation (the shell's own traffic included).
// 2. The built bundle, gzipped, JavaScript and CSS together, against Cockpit's Metrics page.
//    Target: no larger.
//
// Prints figures; asserts nothing. `npm run bench page`.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import type { BrowserContext, Page } from "playwright-core";
import { startCockpit, type RunningCockpit } from "../test/harness/cockpit.ts";
import { launchBrowser, newContext, PAGE_FRAME } from "../test/harness/browser.ts";
import { planRead, type StoreFile } from "../src/engine/read-plan.ts";
import { parseTimeframe } from "../src/engine/timeframe.ts";
import { timeframeInput } from "../src/view-state.ts";

const ROUNDS = Number(process.env.CTA_BENCH_ROUNDS ?? 5);
const COUNTERS = 200;
const DAYS = 365;
const TIMEFRAME = "last 30 days";
const TIMEOUT_MS = 120_000;
const OVERVIEW_FRAME = 'iframe[name="cockpit1:localhost/system"]';
const METRICS = "/usr/share/cockpit/metrics";

const checkout = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const helper = join(checkout, "helper", "cta-helper");

interface Target {
    name: string;
    path: string;
    /** Resolves when the page's frame has drawn its first element (a breakdown, not the figure). */
    started(page: Page): Promise<void>;
    /** Resolves when the page shows what a person came for. */
    ready(page: Page): Promise<void>;
    /** The bytes of store files the page says it read (our page only). */
    bytesRead?(page: Page): Promise<number>;
}

const ours: Target = {
    name: "Traffic Accounting, last 30 days",
    path: `/traffic-accounting#/?timeframe=${encodeURIComponent(TIMEFRAME)}`,
    async started(page) {
        await page.frameLocator(PAGE_FRAME).locator("h1").first().waitFor({ timeout: TIMEOUT_MS });
    },
    async ready(page) {
        // Rows exist only once the store was read, aggregated and rendered.
        await page.frameLocator(PAGE_FRAME).locator('[aria-label="Traffic totals"] tr[data-counter]').first()
                .waitFor({ timeout: TIMEOUT_MS });
    },
    async bytesRead(page) {
        return Number(await page.frameLocator(PAGE_FRAME).locator(".cta-totals-card").getAttribute("data-bytes-read"));
    },
};

// The same page on an empty store: its own cost before any data (script, first render, the
// listing, the empty state). Not a target; it shows how much of the ratio any data can affect.
const emptyStore: Target = {
    name: "Traffic Accounting, empty store",
    path: ours.path,
    started: ours.started,
    async ready(page) {
        await page.frameLocator(PAGE_FRAME).locator(".cta-empty-store").waitFor({ timeout: TIMEOUT_MS });
    },
};

const overview: Target = {
    name: "Cockpit Overview",
    path: "/system",
    async started(page) {
        await page.frameLocator(OVERVIEW_FRAME).locator("article.pf-c-card").first().waitFor({ timeout: TIMEOUT_MS });
    },
    async ready(page) {
        // The Usage card with its two bars, and System information with the machine id and the
        // uptime filled in: the main content (Health stays empty here without a system D-Bus).
        const frame = page.frameLocator(OVERVIEW_FRAME);
        await Promise.all([
            frame.locator(".system-usage .pf-c-progress").nth(1).waitFor({ timeout: TIMEOUT_MS }),
            frame.locator("#system_machine_id").filter({ hasText: /\S/ }).waitFor({ timeout: TIMEOUT_MS }),
            frame.locator("#system_uptime").filter({ hasText: /\S/ }).waitFor({ timeout: TIMEOUT_MS }),
        ]);
    },
};

interface Sample {
    ms: number;
    /** Main-thread task time of the page's renderer (shell and every frame) until ready. */
    cpuMs: number;
    startedMs: number;
    socketBytes: number;
    pageBytes: number;
}

async function navigate(context: BrowserContext, target: Target): Promise<Sample> {
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send("Performance.enable");
    let socketBytes = 0;
    page.on("websocket", ws => ws.on("framereceived", frame => {
        socketBytes += typeof frame.payload === "string" ? Buffer.byteLength(frame.payload) : frame.payload.length;
    }));
    try {
        const started = performance.now();
        let startedMs = NaN;
        await page.goto(target.path, { waitUntil: "commit" });
        await Promise.all([
            target.started(page).then(() => { startedMs = performance.now() - started }),
            target.ready(page),
        ]);
        const ms = performance.now() - started;
        const { metrics } = await cdp.send("Performance.getMetrics");
        const cpuMs = 1000 * (metrics.find(m => m.name === "TaskDuration")?.value ?? NaN);
        return { ms, cpuMs, startedMs, socketBytes, pageBytes: await target.bytesRead?.(page) ?? NaN };
    } finally {
        await page.close();
    }
}

function median(values: number[]): number {
    const sorted = [...values].sort((a, b) => a - b);
    const mid = Math.floor(sorted.length / 2);
    return sorted.length % 2 ? sorted[mid] as number : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

const ms = (v: number) => `${v.toFixed(0)} ms`;
const kb = (v: number) => `${(v / 1000).toFixed(1)} kB`;
const mb = (v: number) => `${(v / 1e6).toFixed(2)} MB`;

/** The files the page plans to read for the timeframe, as the page computes it (same zone). */
function plannedBytes(store: string, config: string): { files: number; bytes: number; storeBytes: number; storeFiles: number } {
    const run = spawnSync("/usr/bin/python3", [helper, "files", "--store", store, "--config", config, "--json"], { encoding: "utf8" });
    if (run.status !== 0)
        throw new Error(`cta-helper files failed: ${run.stderr.trim()}`);
    const listing = JSON.parse(run.stdout) as { files: { file: string; size: number; tier: StoreFile["tier"] }[] };
    const zone = Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
    const parsed = parseTimeframe(timeframeInput(TIMEFRAME), { now: Math.floor(Date.now() / 1000), zone });
    if (!parsed.ok)
        throw new Error(`cannot parse ${TIMEFRAME}`);
    const plan = planRead(listing.files.map(f => ({ name: f.file, size: f.size, tier: f.tier })), parsed.timeframe, zone);
    return {
        files: plan.files.length, bytes: plan.bytesToRead,
        storeFiles: listing.files.length, storeBytes: listing.files.reduce((s, f) => s + f.size, 0),
    };
}

function bundle(): void {
    const gz = (path: string) => gzipSync(readFileSync(path), { level: 9 }).length;
    const js = gz(join(checkout, "dist", "index.js"));
    const css = gz(join(checkout, "dist", "index.css"));
    // Debian ships Cockpit's pages gzipped already: their sizes count as they are.
    const mjs = statSync(join(METRICS, "index.js.gz")).size;
    const mcss = statSync(join(METRICS, "index.css.gz")).size;
    console.log("\nBundle, gzip -9, JavaScript + CSS:");
    console.log(`  Traffic Accounting: ${kb(js + css)} (index.js ${kb(js)}, index.css ${kb(css)})`);
    console.log(`  Cockpit Metrics:    ${kb(mjs + mcss)} (index.js.gz ${kb(mjs)}, index.css.gz ${kb(mcss)}, as shipped, already gzipped)`);
    console.log(`  ratio: ${((js + css) / (mjs + mcss)).toFixed(2)}x (target: at most 1.00x)`);
}

async function main(): Promise<void> {
    if (!existsSync(join(checkout, "dist", "index.js"))) {
        const build = spawnSync("npm", ["run", "--silent", "build"], { cwd: checkout, stdio: "inherit" });
        if (build.status !== 0)
            throw new Error("npm run build failed");
    }
    const dir = mkdtempSync(join(tmpdir(), "cta-bench-page-"));
    const store = join(dir, "store");
    const config = join(dir, "config.json");
    let cockpit: RunningCockpit | null = null;
    let emptyCockpit: RunningCockpit | null = null;
    let browser: Awaited<ReturnType<typeof launchBrowser>> | null = null;
    try {
        const made = spawnSync("/usr/bin/python3", [join(checkout, "test", "tools", "make-history.py"),
            "--store", store, "--counters", String(COUNTERS), "--days", String(DAYS)], { encoding: "utf8" });
        if (made.status !== 0)
            throw new Error(`make-history.py failed: ${made.stderr.trim()}`);
        console.log(`Store: ${made.stdout.trim()}`);
        const planned = plannedBytes(store, config);
        const load = loadavg();
        const cpus = availableParallelism();

        cockpit = await startCockpit({ env: { CTA_HELPER: helper, CTA_STORE: store, CTA_CONFIG: config } });
        const empty = join(dir, "empty-store");
        mkdirSync(empty);
        emptyCockpit = await startCockpit({ env: { CTA_HELPER: helper, CTA_STORE: empty, CTA_CONFIG: config } });
        browser = await launchBrowser();
        const times = new Map<Target, { cold: Sample[]; warm: Sample[] }>(
            [ours, overview, emptyStore].map(t => [t, { cold: [], warm: [] }]));
        const urls = new Map<Target, string>([[ours, cockpit.url], [overview, cockpit.url], [emptyStore, emptyCockpit.url]]);

        // Round 0 warms up the bridge and the disk cache; it is not counted.
        for (let round = 0; round <= ROUNDS; round++) {
            const order = round % 2 ? [overview, emptyStore, ours] : [ours, emptyStore, overview];
            for (const target of order) {
                const context = await newContext(browser, urls.get(target) as string);
                try {
                    const cold = await navigate(context, target);
                    const warm = await navigate(context, target);
                    if (round > 0) {
                        times.get(target)?.cold.push(cold);
                        times.get(target)?.warm.push(warm);
                    }
                } finally {
                    await context.close();
                }
            }
        }

        console.log(`\nNavigation to rendered content, ${ROUNDS} rounds (median; cold = fresh browser context, warm = second page in it):`);
        for (const [target, t] of times) {
            console.log(`  ${target.name.padEnd(34)} cold ${ms(median(t.cold.map(s => s.ms))).padStart(8)}` +
                `   warm ${ms(median(t.warm.map(s => s.ms))).padStart(8)}` +
                `   all cold: ${t.cold.map(s => s.ms.toFixed(0)).join(" ")}`);
            console.log(`  ${"".padEnd(34)} (first element of its frame drawn: cold ${ms(median(t.cold.map(s => s.startedMs)))}, ` +
                `warm ${ms(median(t.warm.map(s => s.startedMs)))}; main-thread task time until ready: ` +
                `cold ${ms(median(t.cold.map(s => s.cpuMs)))}, warm ${ms(median(t.warm.map(s => s.cpuMs)))})`);
        }
        const ratio = (target: Target, kind: "cold" | "warm") =>
            median(times.get(target)?.[kind].map(s => s.ms) ?? []) / median(times.get(overview)?.[kind].map(s => s.ms) ?? []);
        // The same round's pages ran within seconds of each other: their ratio drifts less
        // with whatever else the machine is doing.
        const paired = (target: Target, kind: "cold" | "warm") => {
            const a = times.get(target)?.[kind] ?? [];
            const b = times.get(overview)?.[kind] ?? [];
            return median(a.map((s, i) => s.ms / (b[i]?.ms ?? NaN)));
        };
        console.log(`  ratio page/overview: cold ${ratio(ours, "cold").toFixed(2)}x, warm ${ratio(ours, "warm").toFixed(2)}x (target: at most 1.0x); ` +
            `median of each round's ratio: cold ${paired(ours, "cold").toFixed(2)}x, warm ${paired(ours, "warm").toFixed(2)}x`);
        console.log(`  ratio empty-store page/overview (the page's floor, not a target): cold ${ratio(emptyStore, "cold").toFixed(2)}x, ` +
            `warm ${ratio(emptyStore, "warm").toFixed(2)}x; median of each round's ratio: cold ${paired(emptyStore, "cold").toFixed(2)}x, ` +
            `warm ${paired(emptyStore, "warm").toFixed(2)}x`);
        console.log(`  load average before/after: ${load.map(v => v.toFixed(2)).join(" ")} / ${loadavg().map(v => v.toFixed(2)).join(" ")} on ${cpus} cores`);

        console.log(`\nBytes the view read ("${TIMEFRAME}"):`);
        console.log(`  read plan: ${planned.files} of ${planned.storeFiles} files, ${mb(planned.bytes)} of ${mb(planned.storeBytes)} in the store`);
        console.log(`  WebSocket, received during the navigation (median, shell included): Traffic Accounting ${mb(median(times.get(ours)?.cold.map(s => s.socketBytes) ?? []))}, ` +
            `Overview ${mb(median(times.get(overview)?.cold.map(s => s.socketBytes) ?? []))}`);
        console.log(`  the page's own count (data-bytes-read on its totals card): ${mb(median(times.get(ours)?.cold.map(s => s.pageBytes) ?? []))}`);
    } finally {
        await browser?.close();
        await cockpit?.stop();
        await emptyCockpit?.stop();
        rmSync(dir, { recursive: true, force: true });
    }
    bundle();
}

main().catch(error => {
    console.error(`page.bench: ${error instanceof Error ? error.stack ?? error.message : String(error)}`);
    process.exit(1);
});
