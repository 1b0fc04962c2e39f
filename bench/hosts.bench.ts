// SPDX-License-Identifier: LGPL-2.1-or-later
// Per-host counting (issue 14), measured against floors in the same run; prints, asserts nothing.
//
// 1. The helper: `collect` of a counted set of 10,000 elements against bare `nft -j list set`
//    of the same set (test/tools/bench-sets.py; needs root). Target: at most 1.5x.
// 2. The page, in a real Cockpit and Chromium: 2,000 host rows (set elements, IPv4 hosts and
//    IPv6 /64s, a month and a few days of history, names for a quarter of them), "last 30
//    days", navigation → the totals table and → the graph drawn, against the same page on an
//    empty store, paired per round (each round a fresh browser context for each, in an order
//    that alternates). Then, on the hosts page, how long sort, filter and "select all" take.
//
//   npm run bench hosts        (CTA_BENCH_ROUNDS rounds, default 3, after one warm-up round)
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Browser, BrowserContext, FrameLocator, Page } from "playwright-core";
import { startCockpit, type RunningCockpit } from "../test/harness/cockpit.ts";
import { launchBrowser, newContext, PAGE_FRAME } from "../test/harness/browser.ts";

const ROUNDS = Number(process.env.CTA_BENCH_ROUNDS ?? 3);
const HOSTS = 2000;
const DAYS = 35;
const TIMEOUT_MS = 120_000;
const TARGET_TOTALS = 1.3;
const checkout = join(dirname(fileURLToPath(import.meta.url)), "..");
const helper = join(checkout, "helper", "cta-helper");
const PATH = `/traffic-accounting#/?timeframe=${encodeURIComponent("last 30 days")}`;

const frame = (page: Page): FrameLocator => page.frameLocator(PAGE_FRAME);
const rows = (f: FrameLocator) => f.locator('[aria-label="Traffic totals"] tr[data-counter]');

function median(values: number[]): number {
    const sorted = values.filter(v => !Number.isNaN(v)).sort((a, b) => a - b);
    if (sorted.length === 0)
        return NaN;
    const mid = Math.floor(sorted.length / 2);
    return sorted.length % 2 ? sorted[mid] as number : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

const ms = (v: number) => `${v.toFixed(0)} ms`;

function helperFigure(): void {
    console.log("\n1. collect of a counted set against nft alone:");
    const run = spawnSync("/usr/bin/python3", [join(checkout, "test", "tools", "bench-sets.py")], { stdio: "inherit" });
    if (run.status !== 0)
        console.log(`  ! bench-sets.py exited with ${run.status ?? run.signal}`);
}

/** Names for every fourth host, one of them hostile: what collect writes (host-names.json). */
function writeNames(store: string): void {
    const names: Record<string, string> = {};
    for (let k = 0; k < HOSTS; k += 4) {
        const address = k % 10 === 9 ? `2001:db8:${k.toString(16)}::/64` : `10.${k >> 16}.${(k >> 8) & 255}.${k & 255}`;
        names[address] = k === 4 ? "<img src=x onerror=alert(1)>" : `host-${k}.example`;
    }
    writeFileSync(join(store, "host-names.json"), JSON.stringify({ version: 1, names }) + "\n");
}

interface Sample { totals: number; graph: number; marks: Record<string, number> }

/** The page's own performance marks (src/index.tsx, src/host/store.ts, src/traffic-data.ts): the
 *  first start and the last end of each kind, ms after its frame started. */
async function pageMarks(page: Page): Promise<Record<string, number>> {
    return frame(page).locator("html").evaluate(() => {
        const out: Record<string, number> = {};
        for (const m of performance.getEntriesByType("mark")) {
            const kind = m.name.split(" ")[0] as string;
            if (kind.startsWith("cta:") && (kind.endsWith("-start") ? !(kind in out) : true))
                out[kind] = m.startTime;
        }
        return out;
    });
}

async function navigate(context: BrowserContext, ready: (page: Page) => Promise<void>, graph: boolean): Promise<Sample> {
    const page = await context.newPage();
    try {
        const started = performance.now();
        let graphMs = NaN;
        await page.goto(PATH, { waitUntil: "commit" });
        await Promise.all([
            ready(page),
            graph ? frame(page).locator(".cta-graph canvas").first().waitFor({ timeout: TIMEOUT_MS }).then(() => { graphMs = performance.now() - started }) : null,
        ]);
        const totals = performance.now() - started;
        return { totals, graph: graphMs, marks: graph ? await pageMarks(page) : {} };
    } finally {
        await page.close();
    }
}

async function keepAlive(browser: Browser, url: string): Promise<void> {
    const context = await newContext(browser, url);
    const page = await context.newPage();
    await page.goto(`/cockpit/@localhost/traffic-accounting/index.html#/?timeframe=${encodeURIComponent("the hour 1 hour ago")}`);
    await page.locator("h1").first().waitFor({ timeout: TIMEOUT_MS });
}

/** Interactions on the hosts page, each timed from the click to what it shows. */
async function interactions(browser: Browser, url: string): Promise<Record<string, number>> {
    const context = await newContext(browser, url);
    const page = await context.newPage();
    const out: Record<string, number> = {};
    const time = async (name: string, action: () => Promise<unknown>) => {
        const started = performance.now();
        await action();
        out[name] = performance.now() - started;
    };
    try {
        await page.goto(PATH);
        const f = frame(page);
        await rows(f).first().waitFor({ timeout: TIMEOUT_MS });
        await time("sort by traffic", async () => {
            await f.getByRole("button", { name: "Traffic", exact: true }).click();
            await f.locator("th[aria-sort]").filter({ hasText: "Traffic" }).waitFor();
        });
        await time("next page", async () => {
            const first = await rows(f).first().getAttribute("data-counter");
            await f.getByRole("button", { name: "Next page" }).first().click();
            await f.locator(`tr[data-counter]:first-child:not([data-counter="${first}"])`).first().waitFor();
        });
        await time("filter to one host", async () => {
            await f.locator("#cta-filter-input").fill("^host-8\\.example$");
            await rows(f).nth(1).waitFor({ state: "detached" });
        });
        await time("filter cleared", async () => {
            await f.locator("#cta-filter-input").fill("");
            await rows(f).nth(99).waitFor();
        });
        await time("select all (graph: top 10 and Others)", async () => {
            await f.locator(".cta-totals thead input[type=checkbox]").click();
            await f.getByText(`Others (${HOSTS - 10} rules)`).first().waitFor({ timeout: TIMEOUT_MS });
        });
        await time("select none", async () => {
            await f.locator(".cta-totals thead input[type=checkbox]").click();
            await f.getByText(`Others (${HOSTS - 10} rules)`).first().waitFor({ state: "detached", timeout: TIMEOUT_MS });
        });
    } finally {
        await context.close();
    }
    return out;
}

async function pageFigure(): Promise<void> {
    if (!existsSync(join(checkout, "dist", "index.js"))) {
        const build = spawnSync("npm", ["run", "--silent", "build"], { cwd: checkout, stdio: "inherit" });
        if (build.status !== 0)
            throw new Error("npm run build failed");
    }
    const dir = mkdtempSync(join(tmpdir(), "cta-bench-hosts-"));
    const store = join(dir, "store");
    const empty = join(dir, "empty");
    const config = join(dir, "config.json");
    const cockpits: RunningCockpit[] = [];
    let browser: Browser | null = null;
    try {
        const t0 = performance.now();
        const made = spawnSync("/usr/bin/python3", [join(checkout, "test", "tools", "make-history.py"), "--store", store,
            "--counters", String(HOSTS), "--days", String(DAYS), "--names", "hosts"], { encoding: "utf8" });
        if (made.status !== 0)
            throw new Error(`make-history.py failed: ${made.stderr.trim()}`);
        writeNames(store);
        mkdirSync(empty);
        writeFileSync(config, "{}\n");
        console.log(`\n2. The page with ${HOSTS} host rows, "last 30 days" (${made.stdout.trim()}; generated in ` +
            `${((performance.now() - t0) / 1000).toFixed(0)} s), ${ROUNDS} rounds after a warm-up, ratios to the ` +
            `empty-store page of the same round (target: totals ${TARGET_TOTALS.toFixed(2)}x, as the store issue's 2,000 counters):`);
        const load = loadavg();
        browser = await launchBrowser();
        const withHosts = await startCockpit({ env: { CTA_HELPER: helper, CTA_STORE: store, CTA_CONFIG: config } });
        cockpits.push(withHosts);
        const withEmpty = await startCockpit({ env: { CTA_HELPER: helper, CTA_STORE: empty, CTA_CONFIG: config } });
        cockpits.push(withEmpty);
        await keepAlive(browser, withHosts.url);
        await keepAlive(browser, withEmpty.url);

        const hostsReady = (page: Page) => rows(frame(page)).first().waitFor({ timeout: TIMEOUT_MS });
        const emptyReady = (page: Page) => frame(page).locator(".cta-empty-store").waitFor({ timeout: TIMEOUT_MS });
        const hosts: Sample[] = [];
        const floor: Sample[] = [];
        for (let round = 0; round <= ROUNDS; round++) {
            const order = round % 2 ? ["empty", "hosts"] : ["hosts", "empty"];
            const got: Record<string, Sample> = {};
            for (const which of order) {
                const context = await newContext(browser, which === "hosts" ? withHosts.url : withEmpty.url);
                try {
                    got[which] = await navigate(context, which === "hosts" ? hostsReady : emptyReady, which === "hosts")
                            .catch((e: unknown) => {
                                console.log(`  ! ${which}: ${e instanceof Error ? e.message.split("\n")[0] : String(e)}`);
                                return { totals: NaN, graph: NaN, marks: {} };
                            });
                } finally {
                    await context.close();
                }
            }
            if (round > 0) {
                hosts.push(got.hosts as Sample);
                floor.push(got.empty as Sample);
            }
        }
        const ratio = median(hosts.map((s, i) => s.totals / (floor[i]?.totals ?? NaN)));
        const graphRatio = median(hosts.map((s, i) => s.graph / (floor[i]?.totals ?? NaN)));
        console.log(`  hosts page:  totals ${ms(median(hosts.map(s => s.totals)))} (${ratio.toFixed(2)}x, ` +
            `${ratio <= TARGET_TOTALS ? "ok" : "MISS"}), graph ${ms(median(hosts.map(s => s.graph)))} (${graphRatio.toFixed(2)}x)`);
        console.log(`  empty store: ${ms(median(floor.map(s => s.totals)))} (the floor: script, first render, listing, empty state)`);
        const mid = [...hosts].filter(x => !Number.isNaN(x.totals)).sort((a, b) => a.totals - b.totals)[Math.floor(hosts.length / 2)];
        if (mid) {
            const at = (k: string) => (mid.marks[k] === undefined ? "–" : ms(mid.marks[k] as number));
            console.log(`  where the time goes (median hosts sample, ms after its frame started): script ${at("cta:script")}, ` +
                `listing ${at("cta:list-start")}–${at("cta:list-end")}, reads ${at("cta:read-start")}–${at("cta:read-end")}, ` +
                `last parsed ${at("cta:parsed")}, data ready ${at("cta:data-ready")}`);
        }
        const acts = await interactions(browser, withHosts.url);
        console.log("  on the hosts page (100 rows a page), from the click to what it shows:");
        for (const [name, value] of Object.entries(acts))
            console.log(`    ${name.padEnd(40)}${ms(value).padStart(9)}`);
        console.log(`  load average before/after: ${load.map(v => v.toFixed(2)).join(" ")} / ${loadavg().map(v => v.toFixed(2)).join(" ")} ` +
            `on ${availableParallelism()} cores`);
    } finally {
        await browser?.close();
        for (const c of cockpits)
            await c.stop();
        rmSync(dir, { recursive: true, force: true });
    }
}

async function main(): Promise<void> {
    helperFigure();
    await pageFigure();
}

main().catch(error => {
    console.error(`hosts.bench: ${error instanceof Error ? error.stack ?? error.message : String(error)}`);
    process.exit(1);
});
