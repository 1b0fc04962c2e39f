// SPDX-License-Identifier: LGPL-2.1-or-later
// The page on weeks of history as a real store holds it after collect and rotate (format
// version 2): closed periods' files gzip-compressed (`.cta.gz`), the current ones plain. An
// unprivileged Cockpit reads them through cockpit.file, the browser decompresses them, and
// every row must equal the engine's totals computed here in node from the same files with
// node's own gunzip. A damaged compressed file must be an error that names it, with no totals.
// Ticking rows puts them in the URL and in the graph.
import { spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import type { Browser, FrameLocator, Page } from "playwright-core";
import { ErrorLog, launchBrowser, newContext, openByUrl, screenshot } from "../harness/browser.ts";
import { startCockpit, type RunningCockpit } from "../harness/cockpit.ts";
import { storeEntries } from "../engine/helpers.ts";
import { clampToNow, parseTimeframe } from "../../src/engine/timeframe.ts";
import { calendarEdges } from "../../src/engine/series.ts";
import { planRead } from "../../src/engine/read-plan.ts";
import { StoreReader, type StoreText } from "../../src/engine/store-reader.ts";
import { readInStages } from "../../src/engine/staged-read.ts";
import { displayName } from "../../src/engine/identity.ts";

jest.setTimeout(180_000);

const DAYS = 45;
const COUNTERS = 24;

let browser: Browser;
let dir: string;
let store: string;
let config: string;

function stamp(t: Date): string {
    const two = (n: number) => String(n).padStart(2, "0");
    return `${t.getFullYear()}${two(t.getMonth() + 1)}${two(t.getDate())}`;
}

// From 40 days ago (hourly, compressed) through today (detail: closed days compressed, today plain).
// make-history and the host's listing both use this machine's zone
const HOST_ZONE = process.env.TZ || "UTC";
const TIMEFRAME = `${stamp(new Date(Date.now() - 40 * 86400_000))} - ${stamp(new Date())}`;

beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "cta-history-"));
    chmodSync(dir, 0o755);
    store = join(dir, "store");
    config = join(dir, "config.json");
    writeFileSync(config, "{}\n", { mode: 0o644 });
    const made = spawnSync("/usr/bin/python3", ["test/tools/make-history.py", "--store", store, "--counters", String(COUNTERS),
        "--days", String(DAYS), "--names", "iam", "--seed", "7"], { encoding: "utf8" });
    if (made.status !== 0)
        throw new Error(`make-history.py failed: ${made.stderr}`);
    browser = await launchBrowser();
});

afterAll(async () => {
    await browser?.close();
    rmSync(dir, { recursive: true, force: true });
});

function listing(root: string): { name: string; size: number }[] {
    return ["detail", "hourly", "daily", "monthly", "whole"].flatMap(tier => {
        try {
            return readdirSync(join(root, tier)).map(name => ({ name: `${tier}/${name}`, size: readFileSync(join(root, tier, name)).length }));
        } catch {
            return [];
        }
    });
}

/**
 * The engine's totals per display name, read in node from the same files, stage by stage as the
 * page reads them (the host is this machine: its zone names the store's periods).
 */
async function expectedTotals(root: string, zone: string): Promise<{ names: Map<string, bigint>; plan: string[] }> {
    const parsed = parseTimeframe({ start: TIMEFRAME.split(" - ")[0], end: TIMEFRAME.split(" - ")[1] }, { now: Math.floor(Date.now() / 1000), zone });
    if (!parsed.ok)
        throw new Error(parsed.error);
    const files = listing(root);
    const texts = new Map<string, StoreText>(storeEntries(root).map(f => [f.name, f]));
    // the page's graph of 40 days has hourly buckets (traffic-data.ts, graphInterval): it reads
    // the hourly tier across the range, the totals only the edges' finer files
    const range = clampToNow(parsed.timeframe, Math.floor(Date.now() / 1000));
    const reader = new StoreReader({
        windows: [{ from: parsed.timeframe.from, to: parsed.timeframe.to }], zone: HOST_ZONE, listing: files.map(f => f.name),
        seriesEdges: calendarEdges(range.from, range.to, "hour", zone),
    });
    const read = await readInStages(reader, planRead(files, parsed.timeframe, zone), {
        read: async planned => {
            for (const f of planned) {
                const t = texts.get(f.name) as StoreText;
                if ("damaged" in t) {
                    reader.damagedFile(f.name, t.damaged);
                    continue;
                }
                const p = reader.openFile(f.name);
                p.feed(t.text);
                p.end();
            }
        },
    });
    const plan = read.map(f => f.name);
    const result = reader.finish();
    if (result.error)
        throw new Error(result.error);
    const names = new Map<string, bigint>();
    result.windows[0]?.totals.forEach((t, i) => {
        if (t)
            names.set(displayName(result.counters[i]!), t.bytes);
    });
    return { names, plan };
}

async function rows(frame: FrameLocator): Promise<Map<string, bigint>> {
    const out = new Map<string, bigint>();
    const all = frame.locator(".cta-totals tr[data-counter]");
    // the coarse totals come first (version 2); the rows are final once the edges are read
    await frame.locator(".cta-totals-card:not([data-partial])").waitFor();
    await all.first().waitFor();
    for (let i = 0; i < await all.count(); i++) {
        const row = all.nth(i);
        const bytes = (await row.locator("td.cta-number").first().textContent() ?? "").replace(/[^0-9]/g, "");
        out.set(await row.locator(".cta-rule-name").textContent() ?? "", BigInt(bytes || "-1"));
    }
    return out;
}

async function withPage(root: string, body: (page: Page, frame: FrameLocator) => Promise<void>,
                        user: "nobody" | "root" = "nobody"): Promise<void> {
    const cockpit: RunningCockpit = await startCockpit({ user, env: { CTA_STORE: root, CTA_CONFIG: config } });
    const context = await newContext(browser, cockpit.url);
    try {
        const page = await context.newPage();
        const log = new ErrorLog(page);
        const frame = await openByUrl(page, `/traffic-accounting#/?timeframe=${encodeURIComponent(TIMEFRAME)}&units=exact`);
        await body(page, frame);
        expect(log.errors).toEqual([]);
    } finally {
        await context.close();
        await cockpit.stop();
    }
}

test("the generated store has compressed and plain files, and the timeframe needs both", async () => {
    const names = listing(store).map(f => f.name);
    expect(names.some(n => /^hourly\/.*\.cta\.gz$/.test(n))).toBe(true);
    expect(names.some(n => /^detail\/.*\.cta\.gz$/.test(n))).toBe(true);
    expect(names.some(n => /^detail\/.*\.cta$/.test(n))).toBe(true);
    const { plan } = await expectedTotals(store, Intl.DateTimeFormat().resolvedOptions().timeZone);
    expect(plan.filter(n => n.endsWith(".cta.gz")).length).toBeGreaterThan(0);
    expect(plan.filter(n => n.endsWith(".cta")).length).toBeGreaterThan(0);
    // version 2: no detail file but the edges' (the graph reads the hourly files)
    expect(plan.filter(n => n.startsWith("detail/")).length).toBeLessThan(3);
});

test("every row equals the engine's total from node's own decompression, to the byte", async () => {
    await withPage(store, async (_page, frame) => {
        const zone = await frame.locator("html").evaluate(() => Intl.DateTimeFormat().resolvedOptions().timeZone);
        const expected = (await expectedTotals(store, zone)).names;
        const shown = await rows(frame);
        expect(shown.size).toBe(COUNTERS);
        expect(shown).toEqual(expected);
        const read = Number(await frame.locator(".cta-totals-card").getAttribute("data-bytes-read"));
        const plan = (await expectedTotals(store, zone)).plan;
        const planned = listing(store).filter(f => plan.includes(f.name)).reduce((s, f) => s + f.size, 0);
        expect(read).toBe(planned);
    });
});

test("ticking rows draws them and puts them in the URL", async () => {
    await withPage(store, async (page, frame) => {
        await rows(frame);
        const first = frame.locator(".cta-totals tr[data-counter]").nth(0);
        const second = frame.locator(".cta-totals tr[data-counter]").nth(1);
        const names = [await first.locator(".cta-rule-name").textContent(), await second.locator(".cta-rule-name").textContent()];
        await first.locator("input[type=checkbox]").check();
        await second.locator("input[type=checkbox]").check();
        await expect(first.locator("input[type=checkbox]").isChecked()).resolves.toBe(true);
        const legend = frame.locator(".cta-graph .u-legend");
        for (const name of names)
            await legend.getByText(name ?? "", { exact: true }).waitFor();
        const hash = new URL(page.url()).hash;
        const selected = new URLSearchParams(hash.slice(hash.indexOf("?") + 1)).getAll("rule");
        expect(selected).toEqual([await first.getAttribute("data-counter"), await second.getAttribute("data-counter")]);
        await screenshot(page, "history-selected-rows");
        await first.locator("input[type=checkbox]").uncheck();
        await legend.getByText(names[0] ?? "", { exact: true }).waitFor({ state: "detached" });
    });
});

/** A copy of the store with one compressed file that the view reads changed by `damage`. */
async function damagedCopy(name: string, damage: (bytes: Buffer) => Buffer): Promise<{ root: string; victim: string }> {
    const root = join(dir, name);
    spawnSync("cp", ["-a", store, root]);
    chmodSync(root, 0o755);
    const { plan } = await expectedTotals(store, HOST_ZONE);
    const victim = listing(root).find(f => plan.includes(f.name) && f.name.endsWith(".cta.gz"));
    if (!victim)
        throw new Error("no compressed file read by the view to damage");
    const path = join(root, victim.name);
    writeFileSync(path, damage(readFileSync(path)));
    return { root, victim: victim.name };
}

test("a damaged compressed file is an error that names it, and no totals are shown", async () => {
    const { root, victim } = await damagedCopy("truncated", bytes => bytes.subarray(0, Math.floor(bytes.length / 2)));
    await withPage(root, async (page, frame) => {
        // the page's own read says so, and so may the helper's status, as soon as it answers
        const alert = frame.getByText(/damaged compressed file/).first();
        await alert.waitFor();
        await expect(alert.textContent()).resolves.toContain(victim);
        await expect(frame.locator(".cta-totals tr[data-counter]").count()).resolves.toBe(0);
        await screenshot(page, "history-damaged-file");
    });
});

test("a second gzip member after the first is damage for the page as for the helper", async () => {
    // zcat would print both members; the format allows exactly one, and the browser's
    // DecompressionStream and the helper both refuse what follows it.
    const extra = "detail 0 300\n";
    const { root, victim } = await damagedCopy("two-members", bytes => Buffer.concat([bytes, gzipSync(extra)]));
    const status = spawnSync("/usr/bin/python3", ["helper/cta-helper", "status", "--json", "--store", root, "--config", join(dir, "none.json")],
                             { encoding: "utf8" });
    const errors = (JSON.parse(status.stdout) as { errors: string[] }).errors;
    expect(errors.some(e => e.includes(victim))).toBe(true);
    await withPage(root, async (_page, frame) => {
        // the page's own read says so, and so may the helper's status, as soon as it answers
        const alert = frame.getByText(/damaged compressed file/).first();
        await alert.waitFor();
        await expect(alert.textContent()).resolves.toContain(victim);
        await expect(frame.locator(".cta-totals tr[data-counter]").count()).resolves.toBe(0);
    });
});


function helperJson(root: string, ...args: string[]): Record<string, unknown> {
    const run = spawnSync("/usr/bin/python3", ["helper/cta-helper", ...args, "--json", "--store", root, "--config", config],
                          { encoding: "utf8" });
    if (run.status !== 0)
        throw new Error(`cta-helper ${args[0]} exited ${run.status}: ${run.stderr}`);
    return JSON.parse(run.stdout) as Record<string, unknown>;
}

test("damage that rotate dropped stays on the page until an admin dismisses it", async () => {
    const root = join(dir, "dropped");
    spawnSync("cp", ["-a", store, root]);
    chmodSync(root, 0o755);
    // a finished day past detail retention with one corrupt block: the next rotate absorbs it
    const day = new Date();
    day.setHours(0, 0, 0, 0);
    day.setDate(day.getDate() - 12);
    const start = Math.floor(day.getTime() / 1000);
    const two = (n: number) => String(n).padStart(2, "0");
    const name = `detail/${day.getFullYear()}-${two(day.getMonth() + 1)}-${two(day.getDate())}.cta`;
    writeFileSync(join(root, name), `#cta 1 detail 00000000000000d1\nc 0 nft-rule inet filter input 1 dropped\n` +
                  `i ${start} ${start + 300} 1\n0 12x 1\n`, { mode: 0o644 });
    helperJson(root, "rotate");
    const damage = (helperJson(root, "status") as { damage: { file: string; line: number }[] }).damage;
    expect(damage.map(d => [d.file, d.line])).toEqual([[name, 4]]);
    await withPage(root, async (page, frame) => {
        const alert = frame.locator(".pf-v6-c-alert", { hasText: "damaged line was dropped" });
        await alert.waitFor();
        await expect(alert.textContent()).resolves.toContain(`${name}:4`);
        await screenshot(page, "history-dropped-damage");
        await alert.getByRole("button", { name: "Dismiss" }).click();
        await alert.waitFor({ state: "detached" });
    }, "root");
    expect((helperJson(root, "status") as { damage: unknown[] }).damage).toEqual([]);
});
