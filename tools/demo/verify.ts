// SPDX-License-Identifier: LGPL-2.1-or-later
// Looks at a running `make demo` as a person would: `npx tsx tools/demo/verify.ts URL`.
// Opens the page for "today", checks that totals appear, waits for two more collections (the
// page re-reads on reload), checks that the live rules grew, tries "Collect now", and leaves
// screenshots in test/artifacts/demo-*.png. Prints what it saw; exits non-zero on a problem.
import { ErrorLog, launchBrowser, newContext, PAGE_FRAME, screenshot } from "../../test/harness/browser.ts";
import type { FrameLocator } from "playwright-core";

const TOTALS = '[aria-label="Traffic totals"]';

async function totals(frame: FrameLocator): Promise<Map<string, bigint>> {
    await frame.locator(`${TOTALS} tr[data-counter]`).first().waitFor({ timeout: 60_000 });
    const out = new Map<string, bigint>();
    for (const row of await frame.locator(`${TOTALS} tr[data-counter]`).all()) {
        const name = (await row.locator(".cta-rule-name").textContent()) ?? "";
        const text = (await row.locator("td.cta-number").first().textContent()) ?? "";
        out.set(name, BigInt(text.replace(/\D/g, "") || "0"));
    }
    return out;
}

async function main(): Promise<number> {
    const url = process.argv[2];
    if (!url)
        throw new Error("usage: verify.ts http://127.0.0.1:PORT");
    const browser = await launchBrowser();
    try {
        const context = await newContext(browser, url);
        const page = await context.newPage();
        const errors = new ErrorLog(page);
        const view = "/traffic-accounting#/?timeframe=today&units=exact";
        await page.goto(view);
        const frame = page.frameLocator(PAGE_FRAME);
        const first = await totals(frame);
        console.log(`today, first look: ${first.size} rules, www ${first.get("www")} bytes`);
        await screenshot(page, "demo-today");

        const waitMs = 65_000;
        console.log(`waiting ${waitMs / 1000} s for two collections…`);
        await page.waitForTimeout(waitMs);
        await page.reload();
        const second = await totals(page.frameLocator(PAGE_FRAME));
        const grown = [...second].filter(([name, bytes]) => bytes > (first.get(name) ?? 0n)).map(([name]) => name);
        console.log(`after two collections: ${grown.length} of ${second.size} rules grew: ${grown.join(", ")}`);
        const frame2 = page.frameLocator(PAGE_FRAME);

        await frame2.getByRole("button", { name: "Collect now" }).click();
        await frame2.getByText("Counters collected").waitFor({ timeout: 30_000 });
        console.log("Collect now: the page says \"Counters collected\"");
        await frame2.locator(TOTALS).scrollIntoViewIfNeeded();
        const subtitle = await frame2.locator(".cta-subtitle").textContent();
        console.log(`subtitle: ${subtitle}`);
        await screenshot(page, "demo-live");

        await page.goto("/traffic-accounting#/?timeframe=last%2030%20days");
        await totals(page.frameLocator(PAGE_FRAME));
        await page.waitForTimeout(500);
        await screenshot(page, "demo-30-days");
        await page.frameLocator(PAGE_FRAME).locator(TOTALS).scrollIntoViewIfNeeded();
        await screenshot(page, "demo-30-days-totals");
        const total = await page.frameLocator(PAGE_FRAME).locator("[data-testid=total-bytes]").textContent();
        const cost = await page.frameLocator(PAGE_FRAME).locator("[data-testid=total-cost]").textContent();
        console.log(`last 30 days: total ${total}, cost ${cost}`);
        console.log(`console errors: ${errors.errors.length}${errors.errors.length ? "\n  " + errors.errors.join("\n  ") : ""}`);
        return grown.length > 0 && errors.errors.length === 0 ? 0 : 1;
    } finally {
        await browser.close();
    }
}

main().then(code => process.exit(code), error => {
    console.error(error);
    process.exit(1);
});
