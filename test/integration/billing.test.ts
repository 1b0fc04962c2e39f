// SPDX-License-Identifier: LGPL-2.1-or-later
// Bills in a real Cockpit and Chromium: a store with daily traffic over the three billing cycles
// (billing day 15) before the current one, two accounts with different plans (one with a name
// made to break things), and a free group. "last billing cycle" must be the 15th to the 15th;
// the three-cycle timeframe must apply quota and bulk discounts three times; the JSON export and
// each invoice are checked to the cent against amounts computed here from the bytes the
// generator wrote (test/tools/make-billing-store.py), not by the engine. Screenshots in German
// and in the dark theme are kept in test/artifacts/.
import { spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, FrameLocator, Page } from "playwright-core";
import { ErrorLog, launchBrowser, newContext, openByUrl, screenshot } from "../harness/browser.ts";
import { startCockpit } from "../harness/cockpit.ts";

jest.setTimeout(240_000);

const ACME = "Acme; $(touch /tmp/cta-pwned) <b>x</b>";
const CONFIG = {
    costs: {
        currency: "EUR", unit: "GB", price_per_unit: "0.05", included_quota: "20", billing_day: 15, charge_other_traffic: false,
        bulk_discounts: [{ up_to: "100", price_per_unit: "0.08" }],
    },
    groups: [
        { name: "free", pattern: "^local$", charged: false },
        { name: ACME, pattern: "^acme-", charged: true,
          plan: { currency: "EUR", unit: "GB", price_per_unit: "0.10", included_quota: "100", billing_day: 15 } },
        { name: "beta", pattern: "^beta-", charged: true },
    ],
    quotas: [{ name: "acme quota", account: ACME, limit: "1000", unit: "GB" }],
    // the helper runs here with no source: it only sums the quota from the store
    sources: { nft_counters: { enabled: false }, nft_rules: { enabled: false }, iptables: { enabled: false },
               ip6tables: { enabled: false }, interfaces: { enabled: false } },
};

interface Written {
    cycles: { from: number; to: number; first: string; last: string }[];
    bytes: Record<string, string[]>;
    current: { from: number; bytes: Record<string, string> };
}

let browser: Browser;
let dir: string;
let written: Written;
let config: string;
let store: string;

beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "cta-billing-"));
    chmodSync(dir, 0o755);
    store = join(dir, "store");
    config = join(dir, "config.json");
    writeFileSync(config, JSON.stringify(CONFIG), { mode: 0o644 });
    const made = spawnSync("/usr/bin/python3", ["test/tools/make-billing-store.py", "--store", store], { encoding: "utf8" });
    if (made.status !== 0)
        throw new Error(`make-billing-store.py failed: ${made.stderr}`);
    written = JSON.parse(made.stdout) as Written;
    browser = await launchBrowser();
});

afterAll(async () => {
    await browser?.close();
    rmSync(dir, { recursive: true, force: true });
});

/** Half-up cents from an amount in cents × 10^9 (plan units are GB = 10^9 bytes). */
const halfUp = (nanoCents: bigint): bigint => (nanoCents * 2n + 1_000_000_000n) / 2_000_000_000n;
const G = 1_000_000_000n;
const min = (a: bigint, b: bigint) => (a < b ? a : b);
const max = (a: bigint, b: bigint) => (a > b ? a : b);

/** The account's bytes in cycle c, summed from what the generator wrote. */
function bytesOf(prefix: string, c: number): bigint {
    return Object.entries(written.bytes).filter(([name]) => name.startsWith(prefix)).reduce((s, [, v]) => s + BigInt(v[c] as string), 0n);
}

/** ACME: the first 100 GB of each cycle free, then 0.10 EUR per GB. */
const acmeCents = (b: bigint) => halfUp(max(0n, b - 100n * G) * 10n);
/** Default plan: 20 GB free, up to 100 GB at 0.08, above at 0.05. */
const betaCents = (b: bigint) => halfUp(max(0n, min(b, 100n * G) - 20n * G) * 8n + max(0n, b - 100n * G) * 5n);
const euros = (cents: bigint) => `${cents / 100n}.${String(cents % 100n).padStart(2, "0")}`;

async function withPage(timeframe: string, options: { language?: string; theme?: "light" | "dark"; user?: "root" | "nobody"; config?: string },
                        body: (page: Page, frame: FrameLocator) => Promise<void>): Promise<void> {
    const cockpit = await startCockpit({ user: options.user ?? "nobody", env: { CTA_STORE: store, CTA_CONFIG: options.config ?? config } });
    const context = await newContext(browser, cockpit.url, options);
    try {
        const page = await context.newPage();
        const log = new ErrorLog(page);
        const frame = await openByUrl(page, `/traffic-accounting#/?timeframe=${encodeURIComponent(timeframe)}&units=exact`);
        await frame.locator(".cta-bills [data-testid=bill-total]").first().waitFor();
        await body(page, frame);
        expect(log.errors).toEqual([]);
    } finally {
        await context.close();
        await cockpit.stop();
    }
}

async function download(page: Page, frame: FrameLocator, open: () => Promise<void>): Promise<{ name: string; text: string }> {
    const [file] = await Promise.all([page.waitForEvent("download"), open()]);
    return { name: file.suggestedFilename(), text: readFileSync(await file.path(), "utf8") };
}

interface JsonBills {
    bills: { account: string; cost: string; cycles: { cycle: { from: string; to: string }; partial: boolean; bytes: string; cost: string }[] }[];
    total: { cost: string };
}

async function exportJson(page: Page, frame: FrameLocator): Promise<JsonBills> {
    const file = await download(page, frame, async () => {
        await frame.getByRole("button", { name: "Export" }).click();
        await frame.getByRole("menuitem", { name: "JSON" }).click();
    });
    return JSON.parse(file.text) as JsonBills;
}

test("the generator wrote three cycles from the 15th to the 15th", () => {
    expect(written.cycles.map(c => [c.first.slice(6), c.last.slice(6)])).toEqual([["15", "14"], ["15", "14"], ["15", "14"]]);
    for (let c = 0; c < 3; c++)
        expect(acmeCents(bytesOf("acme-", c))).toBeGreaterThan(0n);
});

test("\"last billing cycle\" is the 15th to the 15th, billed to the cent", async () => {
    await withPage("last billing cycle", {}, async (page, frame) => {
        const last = written.cycles[2] as Written["cycles"][number];
        await expect(frame.locator("[data-testid=resolved-range]").textContent()).resolves.toMatch(/^Last billing cycle: /);
        const json = await exportJson(page, frame);
        expect(json.bills.map(b => [b.account, b.cycles.length, b.cycles[0]?.partial, b.cycles[0]?.bytes])).toEqual([
            [ACME, 1, false, String(bytesOf("acme-", 2))],
            ["beta", 1, false, String(bytesOf("beta-", 2))],
        ]);
        expect(Date.parse(json.bills[0]?.cycles[0]?.cycle.from ?? "") / 1000).toBe(last.from);
        expect(Date.parse(json.bills[0]?.cycles[0]?.cycle.to ?? "") / 1000).toBe(last.to);
        const acme = acmeCents(bytesOf("acme-", 2));
        const beta = betaCents(bytesOf("beta-", 2));
        expect(json.bills.map(b => b.cost)).toEqual([euros(acme), euros(beta)]);
        expect(json.total.cost).toBe(euros(acme + beta));
        await screenshot(page, "billing-last-cycle");
    });
});

test("three cycles: quota and bulk discounts three times; invoices to the cent; names stay data", async () => {
    const first = written.cycles[0] as Written["cycles"][number];
    const last = written.cycles[2] as Written["cycles"][number];
    await withPage(`${first.first} - ${last.last}`, {}, async (page, frame) => {
        const json = await exportJson(page, frame);
        const acme = [0, 1, 2].map(c => acmeCents(bytesOf("acme-", c)));
        const beta = [0, 1, 2].map(c => betaCents(bytesOf("beta-", c)));
        expect(json.bills.map(b => [b.account, b.cycles.map(c => c.cost), b.cycles.map(c => c.partial)])).toEqual([
            [ACME, acme.map(euros), [false, false, false]],
            ["beta", beta.map(euros), [false, false, false]],
        ]);
        const sum = (xs: bigint[]) => xs.reduce((s, x) => s + x, 0n);
        expect(json.total.cost).toBe(euros(sum(acme) + sum(beta)));
        // the quota once for the whole timeframe would have been a different (higher) bill
        expect(acmeCents(bytesOf("acme-", 0) + bytesOf("acme-", 1) + bytesOf("acme-", 2))).toBeGreaterThan(sum(acme));

        const invoices = frame.locator(".cta-bill").getByRole("button", { name: "Invoice" });
        await expect(invoices.count()).resolves.toBe(2);
        for (const [i, cents] of [[0, sum(acme)], [1, sum(beta)]] as const) {
            const invoice = await download(page, frame, () => invoices.nth(i).click());
            expect(invoice.name).toMatch(/^traffic-[A-Za-z0-9._-]+-\d{4}-\d{2}-\d{2}-\d{4}-\d{2}-\d{2}\.invoice-\d\.html$/);
            expect(invoice.text).toContain(`Total: €${Number(cents / 100n).toLocaleString("en-US")}.${String(cents % 100n).padStart(2, "0")}`);
            expect(invoice.text).not.toMatch(/<b>x|<script/);
            if (i === 0)
                expect(invoice.text).toContain("Acme; $(touch /tmp/cta-pwned) &lt;b&gt;x&lt;/b&gt;");
        }
        // the account name is shown as text, never as markup
        await expect(frame.locator(".cta-bill h3").first().textContent()).resolves.toBe(ACME);
        await expect(frame.locator(".cta-bill b").count()).resolves.toBe(0);
        await frame.locator(".cta-bills").scrollIntoViewIfNeeded();
        await screenshot(page, "billing-three-cycles");
    });
});

test("the quota as the real helper counted it: a bar and the projection", async () => {
    // the helper reads the same configuration file as the page, and sums the current cycle
    const collect = spawnSync("/usr/bin/python3", ["helper/cta-helper", "collect", "--store", store, "--config", config], { encoding: "utf8" });
    expect(collect.stderr).toBe("");
    expect(collect.status).toBe(0);
    const state = JSON.parse(readFileSync(join(store, "quota-state.json"), "utf8")) as { quotas: Record<string, { used: string; cycle: number[] }> };
    const used = Object.entries(written.current.bytes).filter(([n]) => n.startsWith("acme-")).reduce((s, [, b]) => s + BigInt(b), 0n);
    expect(state.quotas["acme quota"]?.used).toBe(String(used));
    expect(state.quotas["acme quota"]?.cycle[0]).toBe(written.current.from);
    await withPage("last billing cycle", {}, async (page, frame) => {
        const bar = frame.locator("[data-testid=quota]");
        await bar.waitFor();
        await expect(bar.locator(".pf-v6-c-progress__measure").first().textContent()).resolves.toBe(`${used * 100n / (1000n * G)} %`);
        await expect(bar.textContent()).resolves.toMatch(/acme quota/);
        await expect(bar.textContent()).resolves.toMatch(/(At the rate so far|needs an hour)/);
        await bar.scrollIntoViewIfNeeded();
        await screenshot(page, "billing-quota");
    });
});

test("a file in the first format's names bills the same, and saving writes the new names the helper reads", async () => {
    const old = join(dir, "old-names.json");
    const camel = {
        costs: { currency: "EUR", unit: "GB", pricePerUnit: "0.05", includedQuota: "20", billingDay: 15, chargeOtherTraffic: false,
                 tiers: [{ upTo: "100", pricePerUnit: "0.08" }] },
        groups: CONFIG.groups.map(g => ({ ...g, ...(g.plan ? { plan: { currency: "EUR", unit: "GB", pricePerUnit: "0.10", includedQuota: "100", billingDay: 15 } } : {}) })),
    };
    writeFileSync(old, JSON.stringify(camel), { mode: 0o644 });
    await withPage("last billing cycle", { user: "root", config: old }, async (page, frame) => {
        const json = await exportJson(page, frame);
        expect(json.bills.map(b => b.cost)).toEqual([euros(acmeCents(bytesOf("acme-", 2))), euros(betaCents(bytesOf("beta-", 2)))]);
        // an account gets its own plan in the form; saving rewrites every old name
        await frame.getByRole("button", { name: "Settings", exact: true }).click();
        await frame.locator("#cta-group-2-own-plan").check();
        await frame.locator("#cta-group-2-price").fill("0.07");
        await frame.locator("#cta-group-2-price").scrollIntoViewIfNeeded();
        await screenshot(page, "billing-settings-account-plan");
        await frame.getByRole("button", { name: "Save" }).click();
        await frame.getByText("Settings saved").waitFor();
        const saved = readFileSync(old, "utf8");
        expect(saved).not.toMatch(/pricePerUnit|includedQuota|billingDay|chargeOtherTraffic|upTo|"tiers"/);
        const doc = JSON.parse(saved) as { costs: { price_per_unit: string; bulk_discounts: unknown[] }; groups: { plan?: { price_per_unit: string; charge_other_traffic?: boolean } }[] };
        expect(doc.costs.bulk_discounts).toEqual([{ up_to: "100", price_per_unit: "0.08" }]);
        expect(doc.groups[1]?.plan?.price_per_unit).toBe("0.10");
        expect(doc.groups[2]?.plan?.price_per_unit).toBe("0.07");
        expect(doc.groups[2]?.plan?.charge_other_traffic).toBeUndefined();
        // the helper reads what the page wrote
        const status = spawnSync("/usr/bin/python3", ["helper/cta-helper", "status", "--json", "--store", store, "--config", old], { encoding: "utf8" });
        expect(status.stderr).toBe("");
        expect(status.status).toBe(0);
        // and beta is now billed by its own plan: a copy of the default one with 0.07 above 100 GB
        const b = bytesOf("beta-", 2);
        const beta = halfUp(max(0n, min(b, 100n * G) - 20n * G) * 8n + max(0n, b - 100n * G) * 7n);
        expect(beta).not.toBe(betaCents(b));
        await eventually(async () => (await exportJson(page, frame)).bills.map(b => b.cost), costs => expect(costs[1]).toBe(euros(beta)));
    });
});

async function eventually<T>(read: () => Promise<T>, check: (value: T) => void, ms = 15_000): Promise<void> {
    const until = Date.now() + ms;
    for (;;) {
        const value = await read();
        try {
            check(value);
            return;
        } catch (e) {
            if (Date.now() > until)
                throw e;
            await new Promise(r => setTimeout(r, 300));
        }
    }
}

test("bills in German and in the dark theme", async () => {
    await withPage("last billing cycle", { language: "de", theme: "dark" }, async (page, frame) => {
        await frame.getByText("Rechnungen", { exact: true }).waitFor();
        await expect(frame.locator("[data-testid=resolved-range]").textContent()).resolves.toMatch(/^Letzter Abrechnungszeitraum: /);
        const beta = betaCents(bytesOf("beta-", 2));
        const shown = await frame.locator(".cta-bill [data-testid=bill-total]").nth(1).textContent();
        expect((shown ?? "").replace(/\s/g, " ")).toBe(`${Number(beta / 100n).toLocaleString("de-DE")},${String(beta % 100n).padStart(2, "0")} €`);
        await frame.locator(".cta-bills").scrollIntoViewIfNeeded();
        await screenshot(page, "billing-german-dark");
    });
});
