// SPDX-License-Identifier: LGPL-2.1-or-later
// The page at per-host scale, in a real Cockpit and Chromium: a store of 2,000 set-element
// counters (IPv4 hosts and IPv6 /64s), with names for some of them that collect gathered from
// the configuration and an /etc/hosts stand-in, one of them `<img src=x onerror=alert(1)>`.
// Every row is in the table a page at a time, sort, filter, select and paging keep working
// (their times are printed, never asserted), the graph draws the top ten and "Others", every export holds every row, and
// the hostile name stays text everywhere.
import { spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { Browser, BrowserContext, FrameLocator, Page } from "playwright-core";
import { ARTIFACTS, ErrorLog, launchBrowser, newContext, openByUrl, screenshot } from "../harness/browser.ts";
import { startCockpit, type RunningCockpit } from "../harness/cockpit.ts";

jest.setTimeout(300_000);

const HOSTS = 2000;
const EVIL = "<img src=x onerror=alert(1)>";
const HELPER = resolve("helper/cta-helper");
// names: the configuration's wins over /etc/hosts for 10.0.0.3
const CONFIG_NAMES = { "10.0.0.1": EVIL, "10.0.0.3": "carol-config", "2001:db8:13::/64": "lab-net" };
const ETC_HOSTS = "10.0.0.2 alice alice.lan\n10.0.0.3 carol-hosts\nnot-an-address bob\n";

const isRoot = process.getuid?.() === 0;
const describeIfRoot = isRoot ? describe : describe.skip;
if (!isRoot)
    console.warn("hosts integration tests skipped: collect needs root (skipped: needs root)");

let dir: string;
let store: string;
let config: string;
let browser: Browser;
let cockpit: RunningCockpit;
let context: BrowserContext;
let page: Page;
let frame: FrameLocator;
let log: ErrorLog;
const dialogs: string[] = [];

function helper(...args: string[]): string {
    const run = spawnSync("/usr/bin/python3", [HELPER, ...args, "--store", store, "--config", config],
                          { encoding: "utf8", env: { ...process.env, CTA_HOST_NAMES_DIR: join(dir, "etc") } });
    if (run.status !== 0)
        throw new Error(`cta-helper ${args.join(" ")}: exit ${run.status}: ${run.stderr}`);
    return run.stdout;
}

const rows = (f: FrameLocator) => f.locator(".cta-totals tr[data-counter]");

async function timed(what: string, action: () => Promise<unknown>): Promise<void> {
    const started = performance.now();
    await action();
    console.log(`hosts: ${what}: ${(performance.now() - started).toFixed(0)} ms`);
}

beforeAll(async () => {
    if (!isRoot)
        return;
    dir = mkdtempSync(join(tmpdir(), "cta-hosts-"));
    chmodSync(dir, 0o755);
    store = join(dir, "store");
    config = join(dir, "config.json");
    const made = spawnSync("/usr/bin/python3", [resolve("test/tools/make-history.py"), "--store", store,
        "--counters", String(HOSTS), "--days", "2", "--names", "hosts"], { encoding: "utf8" });
    if (made.status !== 0)
        throw new Error(`make-history.py: ${made.stderr}`);
    spawnSync("mkdir", ["-p", join(dir, "etc")]);
    writeFileSync(join(dir, "etc", "hosts"), ETC_HOSTS);
    // only the interfaces source, in a namespace of our own that has nothing but lo: collect
    // reads nothing new and writes host-names.json, as it does at every run
    writeFileSync(config, JSON.stringify({ version: 1, host_names: CONFIG_NAMES, sources: {
        nft_counters: { enabled: false }, nft_rules: { enabled: false }, iptables: { enabled: false },
        ip6tables: { enabled: false }, interfaces: { enabled: true } } }));
    const ns = `ctaHosts${process.pid}`;
    spawnSync("ip", ["netns", "add", ns]);
    try {
        const run = spawnSync("ip", ["netns", "exec", ns, "/usr/bin/python3", HELPER, "collect", "--store", store, "--config", config],
                              { encoding: "utf8", env: { ...process.env, CTA_HOST_NAMES_DIR: join(dir, "etc") } });
        // exit 6 (nothing could be read: lo is excluded) still writes the names
        if (run.status !== 0 && run.status !== 6)
            throw new Error(`collect: exit ${run.status}: ${run.stderr}`);
    } finally {
        spawnSync("ip", ["netns", "del", ns]);
    }
    browser = await launchBrowser();
    cockpit = await startCockpit({ env: { CTA_STORE: store, CTA_CONFIG: config } });
    context = await newContext(browser, cockpit.url);
    page = await context.newPage();
    log = new ErrorLog(page);
    page.on("dialog", dialog => {
        dialogs.push(dialog.message());
        void dialog.dismiss();
    });
    await timed("navigation to the first page of 2,000 rows", async () => {
        frame = await openByUrl(page, `/traffic-accounting#/?timeframe=${encodeURIComponent("last 7 days")}&units=exact`);
        await rows(frame).first().waitFor({ timeout: 120_000 });
    });
});

afterAll(async () => {
    if (!isRoot)
        return;
    try {
        expect(log?.errors ?? []).toEqual([]);
        expect(dialogs).toEqual([]);
    } finally {
        await context?.close();
        await cockpit?.stop();
        await browser?.close();
        if (dir)
            rmSync(dir, { recursive: true, force: true });
    }
});

describeIfRoot("2,000 hosts", () => {
    test("collect gathered the names by precedence", () => {
        const names = JSON.parse(readFileSync(join(store, "host-names.json"), "utf8")) as { names: Record<string, string> };
        expect(names.names).toEqual({ ...CONFIG_NAMES, "10.0.0.2": "alice" });
        const report = JSON.parse(helper("names", "--json")) as { sources: { hosts: { skipped: number } } };
        expect(report.sources.hosts.skipped).toBe(1);
    });

    test("every host is a row, a page at a time; a name shows with its address, the hostile one as text", async () => {
        await expect(rows(frame).count()).resolves.toBe(100);
        await expect(frame.locator(".cta-totals-card .pf-v6-c-pagination").first().textContent()).resolves.toMatch(/of\s*2000/);
        await frame.locator("#cta-filter-input").fill("^10\\.0\\.0\\.[1-4]$|lab-net");
        await frame.locator('tr[data-counter$=" 10.0.0.4"]').waitFor();
        await expect(rows(frame).count()).resolves.toBe(5);
        const evil = frame.locator('tr[data-counter$=" 10.0.0.1"]');
        await expect(evil.locator(".cta-rule-name").textContent()).resolves.toBe(EVIL);
        await expect(evil.locator(".cta-rule-name").getAttribute("title")).resolves.toBe("10.0.0.1");
        await expect(evil.locator(".cta-rule-where").first().textContent()).resolves.toBe("10.0.0.1");
        await expect(frame.locator('tr[data-counter$=" 10.0.0.3"] .cta-rule-name').textContent()).resolves.toBe("carol-config");
        await expect(frame.locator('tr[data-counter$=" 2001:db8:13::/64"] .cta-rule-name').textContent()).resolves.toBe("lab-net");
        // an address without a name shows the address, and nothing under it
        const plain = frame.locator('tr[data-counter$=" 10.0.0.4"]');
        await expect(plain.locator(".cta-rule-name").textContent()).resolves.toBe("10.0.0.4");
        await expect(plain.locator(".cta-rule-where").count()).resolves.toBe(0);
        await expect(frame.locator("img").count()).resolves.toBe(0);
        expect(dialogs).toEqual([]);
        await screenshot(page, "hosts-names");
        await frame.locator("#cta-filter-input").fill("");
        await rows(frame).nth(99).waitFor();
        await expect(rows(frame).count()).resolves.toBe(100);
    });

    test("sort, filter, select and paging keep working at 2,000 rows", async () => {
        const firstName = () => rows(frame).first().locator(".cta-rule-name").textContent();
        const header = frame.getByRole("button", { name: "Traffic", exact: true });
        const sorted = frame.locator("th[aria-sort]").filter({ hasText: "Traffic" });
        const bytesOf = async (i: number) => BigInt((await rows(frame).nth(i).locator("td").nth(2).textContent() ?? "").replace(/[^0-9]/g, ""));
        await timed("sort by traffic (a page of 100)", async () => {
            await header.click();
            await sorted.waitFor();
        });
        // the page's first row is the largest of all 2,000: the sort is over every row
        const order = await sorted.getAttribute("aria-sort");
        const first = await bytesOf(0);
        await frame.getByRole("button", { name: "Last page" }).first().click();
        await frame.locator("tr[data-counter]").nth(99).waitFor();
        const last = await bytesOf(99);
        expect(order === "descending" ? first >= last : first <= last).toBe(true);

        await timed("2,000 rows per page", async () => {
            await frame.locator(".cta-totals-card .pf-v6-c-pagination .pf-v6-c-menu-toggle").first().click();
            await frame.getByRole("menuitem", { name: /2000/ }).click();
            await rows(frame).nth(HOSTS - 1).waitFor({ state: "attached" });
        });
        await timed("sort by traffic (2,000 rows on the page)", async () => {
            await header.click();
            await frame.locator("th[aria-sort]").filter({ hasText: "Traffic" }).waitFor();
        });
        for (const i of [1, 10, 500, HOSTS - 1]) {
            const [a, b] = [await bytesOf(i - 1), await bytesOf(i)];
            expect((await sorted.getAttribute("aria-sort")) === "descending" ? a >= b : a <= b).toBe(true);
        }

        const filter = frame.locator("#cta-filter-input");
        await timed("filter by a host's name", async () => {
            await filter.fill("^alice$");
            await rows(frame).nth(1).waitFor({ state: "detached" });
        });
        await expect(rows(frame).count()).resolves.toBe(1);
        await expect(firstName()).resolves.toBe("alice");
        await filter.fill("^10\\.0\\.0\\.2$");
        await frame.locator('tr[data-counter$=" 10.0.0.2"]').waitFor();
        await expect(rows(frame).count()).resolves.toBe(1);
        await expect(firstName()).resolves.toBe("alice");
        await timed("filter cleared", async () => {
            await filter.fill("");
            await rows(frame).nth(99).waitFor({ state: "attached" });
        });

        const selectAll = frame.locator(".cta-totals thead input[type=checkbox]");
        await timed("select all", async () => {
            await selectAll.click();
            await frame.getByText(`Others (${HOSTS - 10} rules)`).first().waitFor();
        });
        await expect(selectAll.isChecked()).resolves.toBe(true);
        const onPage = await rows(frame).count();
        await expect(frame.locator(".cta-totals tbody input[type=checkbox]:checked").count()).resolves.toBe(onPage);
        await screenshot(page, "hosts-graph-others");
        await timed("select none", async () => {
            await selectAll.click();
            await frame.getByText(`Others (${HOSTS - 10} rules)`).first().waitFor({ state: "detached" });
        });
    });

    test.each([["light", "en"], ["dark", "en"], ["dark", "de"]] as const)("names, pages and Others in the %s theme, %s", async (theme, language) => {
        const other = await newContext(browser, cockpit.url, { language, theme });
        try {
            const p = await other.newPage();
            const errors = new ErrorLog(p);
            const f = await openByUrl(p, `/traffic-accounting#/?timeframe=${encodeURIComponent("last 7 days")}&sort=bytes&desc=1`);
            await rows(f).first().waitFor();
            await f.locator(".cta-totals thead input[type=checkbox]").click();
            const others = language === "de" ? `Übrige (${HOSTS - 10} Regeln)` : `Others (${HOSTS - 10} rules)`;
            await f.getByText(others).first().waitFor();
            await f.locator(".cta-graph").screenshot({ path: join(ARTIFACTS, `hosts-graph-${theme}-${language}.png`) });
            await f.locator(".cta-totals-card .pf-v6-c-pagination").last().screenshot({ path: join(ARTIFACTS, `hosts-pages-${theme}-${language}.png`) });
            await expect(f.locator(".cta-totals-card .pf-v6-c-pagination").last().textContent())
                    .resolves.toMatch(language === "de" ? /von\s*2000/ : /of\s*2000/);
            await f.locator("#cta-filter-input").fill("^10\\.0\\.0\\.[1-4]$|lab-net");
            await f.locator('tr[data-counter$=" 10.0.0.4"]').waitFor();
            await f.locator(".cta-totals").screenshot({ path: join(ARTIFACTS, `hosts-names-${theme}-${language}.png`) });
            await expect(f.locator("img").count()).resolves.toBe(0);
            expect(errors.errors).toEqual([]);
        } finally {
            await other.close();
        }
    });

    test("every export holds every row, the names escaped", async () => {
        const download = async (item: string): Promise<string> => {
            await frame.getByRole("button", { name: "Export" }).click();
            const [file] = await Promise.all([page.waitForEvent("download"), frame.getByRole("menuitem", { name: item }).click()]);
            return readFileSync(await file.path(), "utf8");
        };
        const csv = (await download("CSV")).split("\r\n").filter(l => l.startsWith("rule,"));
        expect(csv).toHaveLength(HOSTS);
        expect(csv.find(l => l.includes(",nft-set inet acct hosts 1 10.0.0.1,"))?.endsWith(`,${EVIL}`)).toBe(true);
        const json = JSON.parse(await download("JSON")) as { groups: { rows: { name: string; host_name: string | null }[] }[] };
        const jsonRows = json.groups.flatMap(g => g.rows);
        expect(jsonRows).toHaveLength(HOSTS);
        expect(jsonRows.find(r => r.name === "10.0.0.1")?.host_name).toBe(EVIL);
        const html = await download("HTML report");
        expect(html).not.toContain("<img");
        expect(html).toContain("&lt;img src=x onerror=alert(1)&gt; (10.0.0.1)");
        expect(html.split("<tr>").length - 1).toBeGreaterThanOrEqual(HOSTS);
        const text = await download("Plain text report");
        expect(text).toContain(`${EVIL} (10.0.0.1)`);
        expect(dialogs).toEqual([]);
    });
});
