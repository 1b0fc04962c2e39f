// SPDX-License-Identifier: LGPL-2.1-or-later
// The page in a real Cockpit and a real Chromium, measured against its own floor in the same run
// (issue 12): the same page on an empty store, which no amount of data work can go below (the
// shell preloads Cockpit's Overview, so Overview is printed too, but it is not the yardstick).
//
// 1. On a one-year store of 200 counters at the default retention, for each of today, last 7
//    days, last 30 days, this month, last month, this year and last 365 days: navigation → the
//    totals table and navigation → the graph drawn, as ratios to the empty-store page paired per
//    round (targets 1.10x and 1.25x), and the bytes the view read (target 1 MB). Each round opens
//    a fresh browser context (cold cache) and then a second page in it (warm cache) for every
//    target, in an order that alternates. A figure that misses is printed with a trace of where
//    the time went (the page's own performance marks). Also the renderer's main-thread task time
//    and the bytes the browser received on Cockpit's WebSocket (shell included), as a cross-check.
// 2. The built bundle, gzipped, JavaScript and CSS together, against Cockpit's Metrics page.
//    Target: no larger.
//
// 3. 2,000 counters × one year: "last 30 days" and "this year", totals against the floor (target
//    1.3x). CTA_BENCH_LARGE_ROUNDS rounds (default 1; 0 leaves it out).
//
// Prints figures; asserts nothing; one target that fails is reported and the rest go on.
// `npm run bench page` (CTA_BENCH_ROUNDS rounds, default 3, after one warm-up round).
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import type { BrowserContext, Page } from "playwright-core";
import { startCockpit, type RunningCockpit } from "../test/harness/cockpit.ts";
import { ARTIFACTS, launchBrowser, newContext, PAGE_FRAME } from "../test/harness/browser.ts";
import type { StoreFile } from "../src/engine/read-plan.ts";

const ROUNDS = Number(process.env.CTA_BENCH_ROUNDS ?? 3);
const COUNTERS = 200;
const DAYS = 365;
const TIMEFRAMES = ["today", "last 7 days", "last 30 days", "this month", "last month", "this year", "last 365 days"];
const TIMEOUT_MS = 120_000;
const OVERVIEW_FRAME = 'iframe[name="cockpit1:localhost/system"]';
const METRICS = "/usr/share/cockpit/metrics";
const TARGET_TOTALS = 1.10;
const TARGET_GRAPH = 1.25;
const TARGET_BYTES = 1e6;
const TARGET_LARGE = 1.3;
const LARGE_ROUNDS = Number(process.env.CTA_BENCH_LARGE_ROUNDS ?? 1);

const checkout = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const helper = join(checkout, "helper", "cta-helper");

interface Target {
    name: string;
    path: string;
    /** "store": our page on the one-year store; "large": on the 2,000-counter one; "empty": on
     *  an empty store; "overview": Cockpit's. */
    cockpit: "store" | "large" | "empty" | "overview";
    /** Resolves when the page shows what a person came for. */
    ready(page: Page): Promise<void>;
    /** Resolves when the graph is drawn (our page on data only). */
    graph?(page: Page): Promise<void>;
    /** Resolves when the first totals are on the screen (version 2: the coarse ones, edges still read). */
    coarse?(page: Page): Promise<void>;
}

const frame = (page: Page) => page.frameLocator(PAGE_FRAME);

function ours(timeframe: string, cockpit: "store" | "large" = "store"): Target {
    return {
        name: timeframe,
        path: `/traffic-accounting#/?timeframe=${encodeURIComponent(timeframe)}`,
        cockpit,
        async ready(page) {
            // The complete totals: rows, and the card no longer marked partial (the edges are read).
            await frame(page).locator('.cta-totals-card:not([data-partial]) [aria-label="Traffic totals"] tr[data-counter]').first()
                    .waitFor({ timeout: TIMEOUT_MS });
        },
        async coarse(page) {
            // The first rows drawn: version 2's coarse totals, before the edges' detail files.
            await frame(page).locator('[aria-label="Traffic totals"] tr[data-counter]').first().waitFor({ timeout: TIMEOUT_MS });
        },
        async graph(page) {
            await frame(page).locator(".cta-graph canvas").first().waitFor({ timeout: TIMEOUT_MS });
        },
    };
}

const emptyStore: Target = {
    name: "empty store (the floor)",
    path: ours("last 30 days").path,
    cockpit: "empty",
    async ready(page) {
        await frame(page).locator(".cta-empty-store").waitFor({ timeout: TIMEOUT_MS });
    },
};

const overview: Target = {
    name: "Cockpit Overview",
    path: "/system",
    cockpit: "overview",
    async ready(page) {
        // The Usage card with its two bars, and System information with the machine id and the
        // uptime filled in: the main content (Health stays empty here without a system D-Bus).
        const f = page.frameLocator(OVERVIEW_FRAME);
        await Promise.all([
            f.locator(".system-usage .pf-c-progress").nth(1).waitFor({ timeout: TIMEOUT_MS }),
            f.locator("#system_machine_id").filter({ hasText: /\S/ }).waitFor({ timeout: TIMEOUT_MS }),
            f.locator("#system_uptime").filter({ hasText: /\S/ }).waitFor({ timeout: TIMEOUT_MS }),
        ]);
    },
};

interface Sample {
    ms: number;
    graphMs: number;
    coarseMs: number;
    /** Main-thread task time of the page's renderer (shell and every frame) until ready. */
    cpuMs: number;
    socketBytes: number;
    pageBytes: number;
    /** The page's performance marks, ms after its frame started. */
    marks: Record<string, number>;
}

const failed = (error: unknown): Sample => {
    console.log(`  ! ${error instanceof Error ? error.message.split("\n")[0] : String(error)}`);
    return { ms: NaN, graphMs: NaN, coarseMs: NaN, cpuMs: NaN, socketBytes: NaN, pageBytes: NaN, marks: {} };
};

/** The page's own marks (src/index.tsx, src/host/store.ts, src/traffic-data.ts), summarised. */
async function pageMarks(page: Page): Promise<Record<string, number>> {
    return frame(page).locator("html").evaluate(() => {
        const out: Record<string, number> = {};
        for (const m of performance.getEntriesByType("mark")) {
            if (!m.name.startsWith("cta:"))
                continue;
            const kind = m.name.split(" ")[0] as string;
            // first start, last end of each kind
            if (kind.endsWith("-start") ? !(kind in out) : true)
                out[kind] = m.startTime;
        }
        return out;
    });
}

/** The Cockpit of each kind of target, for the probe. */
const running: Partial<Record<Target["cockpit"], RunningCockpit>> = {};

/**
 * A navigation that never got ready (issue 12, item 8): keep what the browser showed and where
 * each frame was, so that the failure says where it stopped.
 */
async function probe(page: Page, target: Target): Promise<void> {
    mkdirSync(ARTIFACTS, { recursive: true });
    const shot = join(ARTIFACTS, `bench-page-timeout-${Date.now()}.png`);
    await page.screenshot({ path: shot }).catch(() => undefined);
    const bridge = running[target.cockpit]?.hasSession();
    console.log(`  ! ${target.name}: not ready after ${TIMEOUT_MS / 1000} s; screenshot ${shot}; ` +
        `its Cockpit's local-session bridge is ${bridge === undefined ? "unknown" : bridge ? "running" : "gone"}`);
    for (const f of page.frames()) {
        const text = await f.evaluate(() => `${document.readyState}: ${document.body?.innerText.slice(0, 120) ?? ""}`).catch(e => String(e));
        console.log(`    frame ${f.name() || "(top)"} ${f.url()} — ${text.replace(/\s+/g, " ")}`);
    }
}

async function navigate(context: BrowserContext, target: Target): Promise<Sample> {
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send("Performance.enable");
    let socketBytes = 0;
    page.on("websocket", ws => ws.on("framereceived", f => {
        socketBytes += typeof f.payload === "string" ? Buffer.byteLength(f.payload) : f.payload.length;
    }));
    try {
        const started = performance.now();
        let graphMs = NaN;
        let coarseMs = NaN;
        await page.goto(target.path, { waitUntil: "commit" });
        try {
            await Promise.all([
                target.ready(page),
                target.graph?.(page).then(() => { graphMs = performance.now() - started }),
                target.coarse?.(page).then(() => { coarseMs = performance.now() - started }),
            ]);
        } catch (error) {
            await probe(page, target);
            throw error;
        }
        const ms = performance.now() - started;
        const { metrics } = await cdp.send("Performance.getMetrics");
        const cpuMs = 1000 * (metrics.find(m => m.name === "TaskDuration")?.value ?? NaN);
        const ourPage = target.cockpit !== "overview";
        const pageBytes = target.cockpit === "store" || target.cockpit === "large"
            ? Number(await frame(page).locator(".cta-totals-card").getAttribute("data-bytes-read"))
            : NaN;
        return { ms, graphMs, coarseMs, cpuMs, socketBytes, pageBytes, marks: ourPage ? await pageMarks(page) : {} };
    } finally {
        await page.close();
    }
}

function median(values: number[]): number {
    const sorted = values.filter(v => !Number.isNaN(v)).sort((a, b) => a - b);
    if (sorted.length === 0)
        return NaN;
    const mid = Math.floor(sorted.length / 2);
    return sorted.length % 2 ? sorted[mid] as number : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

const ms = (v: number) => `${v.toFixed(0)} ms`;
const kb = (v: number) => `${(v / 1000).toFixed(1)} kB`;
const mb = (v: number) => `${(v / 1e6).toFixed(2)} MB`;
const verdict = (ok: boolean) => (ok ? "ok" : "MISS");

function storeListing(store: string, config: string): { file: string; size: number; tier: StoreFile["tier"] }[] {
    const run = spawnSync("/usr/bin/python3", [helper, "files", "--store", store, "--config", config, "--json"], { encoding: "utf8" });
    if (run.status !== 0)
        throw new Error(`cta-helper files failed: ${run.stderr.trim()}`);
    return (JSON.parse(run.stdout) as { files: { file: string; size: number; tier: StoreFile["tier"] }[] }).files;
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

/** Where the time of a sample went, from the page's marks (ms after its frame started). */
function trace(s: Sample): string {
    const m = s.marks;
    const at = (k: string) => (m[k] === undefined ? "–" : ms(m[k] as number));
    return `script ${at("cta:script")}, listing ${at("cta:list-start")}–${at("cta:list-end")}, ` +
        `reads ${at("cta:read-start")}–${at("cta:read-end")}, last parsed ${at("cta:parsed")}, coarse totals ${at("cta:coarse-ready")}, data ready ${at("cta:data-ready")}; ` +
        `main-thread task time ${ms(s.cpuMs)}`;
}

type Urls = Record<Target["cockpit"], string>;

/** An idle page of ours (it does not poll) that holds a Cockpit's session open. */
async function keepAlive(browser: Awaited<ReturnType<typeof launchBrowser>>, cockpit: RunningCockpit): Promise<void> {
    // Issue 12, item 8: twice in four full runs this first page never showed its h1. Not
    // reproduced since (each run prints the time it took here); a failure now says what the
    // page showed (Cockpit's login page means the session was gone) and whether the bridge ran,
    // and the page is opened once more instead of ending the whole bench.
    const url = cockpit.url;
    for (let attempt = 1; ; attempt++) {
        const context = await newContext(browser, url);
        const page = await context.newPage();
        const started = performance.now();
        try {
            await page.goto(`/cockpit/@localhost/traffic-accounting/index.html#/?timeframe=${encodeURIComponent("the hour 1 hour ago")}`);
            await page.locator("h1").first().waitFor({ timeout: TIMEOUT_MS });
            console.log(`  (keep-alive page of ${url}: h1 after ${ms(performance.now() - started)})`);
            return;
        } catch (error) {
            mkdirSync(ARTIFACTS, { recursive: true });
            const shot = join(ARTIFACTS, `bench-page-keepalive-${Date.now()}.png`);
            await page.screenshot({ path: shot }).catch(() => undefined);
            const text = await page.evaluate(() => `${document.readyState}: ${document.body?.innerText.slice(0, 200) ?? ""}`).catch(e => String(e));
            console.log(`  ! keep-alive page of ${url}, attempt ${attempt}: no h1 after ${ms(performance.now() - started)}; ` +
                `bridge ${cockpit.hasSession() ? "running" : "gone"}; screenshot ${shot}; page: ${text.replace(/\s+/g, " ")}`);
            await context.close();
            if (attempt >= 2)
                throw error;
        }
    }
}

/** Every target, a fresh context each (cold, then warm), for `rounds` rounds after a warm-up. */
async function sweep(browser: Awaited<ReturnType<typeof launchBrowser>>, targets: Target[], url: Urls, rounds: number,
): Promise<Map<Target, { cold: Sample[]; warm: Sample[] }>> {
    const samples = new Map<Target, { cold: Sample[]; warm: Sample[] }>(targets.map(t => [t, { cold: [], warm: [] }]));
    // Round 0 warms up the bridge and the disk cache; it is not counted.
    for (let round = 0; round <= rounds; round++) {
        const order = round % 2 ? [...targets].reverse() : targets;
        for (const target of order) {
            const context = await newContext(browser, url[target.cockpit]);
            try {
                const cold = await navigate(context, target).catch(failed);
                const warm = await navigate(context, target).catch(failed);
                if (round > 0) {
                    samples.get(target)?.cold.push(cold);
                    samples.get(target)?.warm.push(warm);
                }
            } finally {
                await context.close();
            }
        }
    }
    return samples;
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
    const cockpits: RunningCockpit[] = [];
    let browser: Awaited<ReturnType<typeof launchBrowser>> | null = null;
    try {
        const made = spawnSync("/usr/bin/python3", [join(checkout, "test", "tools", "make-history.py"),
            "--store", store, "--counters", String(COUNTERS), "--days", String(DAYS)], { encoding: "utf8" });
        if (made.status !== 0)
            throw new Error(`make-history.py failed: ${made.stderr.trim()}`);
        console.log(`Store: ${made.stdout.trim()}`);
        const listing = storeListing(store, config);
        const load = loadavg();
        const cpus = availableParallelism();

        // The browser first: its first start on a machine can take many seconds (font caches),
        // and a Cockpit started long before its first connection must not be what we measure.
        browser = await launchBrowser();
        const empty = join(dir, "empty-store");
        mkdirSync(empty);
        const withStore = await startCockpit({ env: { CTA_HELPER: helper, CTA_STORE: store, CTA_CONFIG: config } });
        cockpits.push(withStore);
        const withEmpty = await startCockpit({ env: { CTA_HELPER: helper, CTA_STORE: empty, CTA_CONFIG: config } });
        cockpits.push(withEmpty);
        // A Cockpit started with --local-session ends its session for good about 15 s after its
        // last browser connection closed (docs: TESTING-FOR-REAL.md), and one round of the other
        // views takes longer than that: each Cockpit keeps one idle page open for the whole run.
        await keepAlive(browser, withStore);
        await keepAlive(browser, withEmpty);
        const url = { store: withStore.url, large: "", overview: withStore.url, empty: withEmpty.url };
        Object.assign(running, { store: withStore, overview: withStore, empty: withEmpty });

        const targets = [...TIMEFRAMES.map(t => ours(t)), emptyStore, overview];
        const samples = await sweep(browser, targets, url, ROUNDS);

        const floor = samples.get(emptyStore) as { cold: Sample[]; warm: Sample[] };
        // The same round's pages ran within seconds of each other: their ratio drifts less with
        // whatever else the machine is doing.
        const paired = (target: Target, kind: "cold" | "warm", of: (s: Sample) => number) =>
            median((samples.get(target)?.[kind] ?? []).map((s, i) => of(s) / (floor[kind][i]?.ms ?? NaN)));
        const med = (target: Target, kind: "cold" | "warm", of: (s: Sample) => number) => median((samples.get(target)?.[kind] ?? []).map(of));

        console.log(`\nNavigation → totals table and → graph drawn, ${ROUNDS} rounds, medians; ratios to the empty-store page ` +
            `of the same round (targets: totals ${TARGET_TOTALS.toFixed(2)}x, graph ${TARGET_GRAPH.toFixed(2)}x, bytes ${mb(TARGET_BYTES)}):`);
        console.log(`  ${"view".padEnd(16)}${"totals cold".padStart(13)}${"ratio".padStart(8)}${"warm".padStart(9)}${"ratio".padStart(8)}` +
            `${"graph cold".padStart(12)}${"ratio".padStart(8)}${"read".padStart(10)}${"coarse cold".padStart(13)}${"ratio".padStart(8)}`);
        const misses: [Target, string][] = [];
        for (const timeframe of TIMEFRAMES) {
            const target = targets.find(t => t.name === timeframe) as Target;
            const totalsRatio = paired(target, "cold", s => s.ms);
            const warmRatio = paired(target, "warm", s => s.ms);
            const graphRatio = paired(target, "cold", s => s.graphMs);
            const bytes = med(target, "cold", s => s.pageBytes);
            const coarseRatio = paired(target, "cold", s => s.coarseMs);
            console.log(`  ${timeframe.padEnd(16)}${ms(med(target, "cold", s => s.ms)).padStart(13)}${`${totalsRatio.toFixed(2)}x`.padStart(8)}` +
                `${ms(med(target, "warm", s => s.ms)).padStart(9)}${`${warmRatio.toFixed(2)}x`.padStart(8)}` +
                `${ms(med(target, "cold", s => s.graphMs)).padStart(12)}${`${graphRatio.toFixed(2)}x`.padStart(8)}` +
                `${mb(bytes).padStart(10)}${ms(med(target, "cold", s => s.coarseMs)).padStart(13)}${`${coarseRatio.toFixed(2)}x`.padStart(8)}` +
                `   totals ${verdict(totalsRatio <= TARGET_TOTALS)}, graph ${verdict(graphRatio <= TARGET_GRAPH)}, bytes ${verdict(bytes <= TARGET_BYTES)}`);
            if (!(totalsRatio <= TARGET_TOTALS && graphRatio <= TARGET_GRAPH && bytes <= TARGET_BYTES))
                misses.push([target, timeframe]);
        }
        console.log(`  ${"empty store".padEnd(16)}${ms(median(floor.cold.map(s => s.ms))).padStart(13)}${"1.00x".padStart(8)}` +
            `${ms(median(floor.warm.map(s => s.ms))).padStart(9)}${"1.00x".padStart(8)}   (the floor: script, first render, listing, empty state)`);
        const ov = samples.get(overview) as { cold: Sample[]; warm: Sample[] };
        console.log(`  Cockpit Overview: cold ${ms(median(ov.cold.map(s => s.ms)))}, warm ${ms(median(ov.warm.map(s => s.ms)))}; ` +
            `empty-store page / Overview, paired: cold ${median(floor.cold.map((s, i) => s.ms / (ov.cold[i]?.ms ?? NaN))).toFixed(2)}x, ` +
            `"last 30 days" / Overview, paired: cold ${median((samples.get(targets[2] as Target)?.cold ?? []).map((s, i) => s.ms / (ov.cold[i]?.ms ?? NaN))).toFixed(2)}x`);
        if (misses.length > 0) {
            console.log("\nWhere the time goes in the views that miss (the page's marks in the median cold sample, ms after its frame started):");
            for (const [target, timeframe] of misses) {
                const cold = [...(samples.get(target)?.cold ?? [])].filter(s => !Number.isNaN(s.ms)).sort((a, b) => a.ms - b.ms);
                const mid = cold[Math.floor(cold.length / 2)];
                console.log(`  ${timeframe}: ${mid ? trace(mid) : "no sample"}`);
            }
            const mid = [...floor.cold].sort((a, b) => a.ms - b.ms)[Math.floor(floor.cold.length / 2)];
            console.log(`  empty store, for comparison: ${mid ? trace(mid) : "no sample"}`);
        }
        console.log(`  load average before/after: ${load.map(v => v.toFixed(2)).join(" ")} / ${loadavg().map(v => v.toFixed(2)).join(" ")} on ${cpus} cores`);
        const last30 = targets[2] as Target;
        console.log(`  WebSocket, received during "last 30 days" (median, shell included): ${mb(med(last30, "cold", s => s.socketBytes))}; ` +
            `Overview ${mb(median(ov.cold.map(s => s.socketBytes)))}`);
        console.log(`  store: ${listing.length} files, ${mb(listing.reduce((sum, f) => sum + f.size, 0))}`);

        if (LARGE_ROUNDS > 0) {
            // 2,000 counters × one year: what per-host counting will bring (issue 12)
            const large = join(dir, "large");
            const t0 = performance.now();
            const madeLarge = spawnSync("/usr/bin/python3", [join(checkout, "test", "tools", "make-history.py"),
                "--store", large, "--counters", "2000", "--days", String(DAYS)], { encoding: "utf8" });
            if (madeLarge.status !== 0)
                throw new Error(`make-history.py failed: ${madeLarge.stderr.trim()}`);
            console.log(`\n2,000 counters × one year (${madeLarge.stdout.trim()}; generated in ${((performance.now() - t0) / 1000).toFixed(0)} s), ` +
                `${LARGE_ROUNDS} round(s) after a warm-up, ratios to the empty-store page of the same round (target: totals ${TARGET_LARGE.toFixed(2)}x):`);
            const withLarge = await startCockpit({ env: { CTA_HELPER: helper, CTA_STORE: large, CTA_CONFIG: config } });
            cockpits.push(withLarge);
            url.large = withLarge.url;
            running.large = withLarge;
            await keepAlive(browser, withLarge);
            const largeTargets = [ours("last 30 days", "large"), ours("this year", "large"), emptyStore];
            const largeSamples = await sweep(browser, largeTargets, url, LARGE_ROUNDS);
            const largeFloor = largeSamples.get(emptyStore) as { cold: Sample[]; warm: Sample[] };
            const largeListing = storeListing(large, config);
            for (const target of largeTargets.slice(0, 2)) {
                const cold = largeSamples.get(target)?.cold ?? [];
                const ratio = median(cold.map((sample, i) => sample.ms / (largeFloor.cold[i]?.ms ?? NaN)));
                const mid = [...cold].sort((a, b) => a.ms - b.ms)[Math.floor(cold.length / 2)];
                console.log(`  ${target.name.padEnd(16)} totals cold ${ms(median(cold.map(x => x.ms)))} ${ratio.toFixed(2)}x ${verdict(ratio <= TARGET_LARGE)}, ` +
                    `read ${mb(median(cold.map(x => x.pageBytes)))}, first (coarse) rows ${ms(median(cold.map(x => x.coarseMs)))}` +
                    (ratio <= TARGET_LARGE || !mid ? "" : `\n    where the time goes: ${trace(mid)}`));
            }
            console.log(`  store: ${largeListing.length} files, ${mb(largeListing.reduce((sum, f) => sum + f.size, 0))}`);
        }
    } finally {
        await browser?.close();
        for (const c of cockpits)
            await c.stop();
        rmSync(dir, { recursive: true, force: true });
    }
    bundle();
}

main().catch(error => {
    console.error(`page.bench: ${error instanceof Error ? error.stack ?? error.message : String(error)}`);
    process.exit(1);
});
