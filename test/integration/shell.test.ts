// SPDX-License-Identifier: LGPL-2.1-or-later
// The foundation's promise: in a real Cockpit and a real Chromium, the menu has a "Traffic
// Accounting" entry that opens our page without a console error, in English and German, light
// and dark, as root and as an unprivileged user.
import type { Browser } from "playwright-core";
import { ErrorLog, launchBrowser, MENU_LINK, newContext, openFromMenu, screenshot } from "../harness/browser.ts";
import { startCockpit, type RunningCockpit } from "../harness/cockpit.ts";

jest.setTimeout(120_000);

let browser: Browser;

beforeAll(async () => {
    browser = await launchBrowser();
});

afterAll(async () => {
    await browser?.close();
});

async function withCockpit(user: "root" | "nobody", body: (cockpit: RunningCockpit) => Promise<void>): Promise<void> {
    const cockpit = await startCockpit({ user });
    try {
        await body(cockpit);
    } finally {
        await cockpit.stop();
    }
}

test("the menu entry opens the page, light theme, English", async () => {
    await withCockpit("root", async cockpit => {
        const context = await newContext(browser, cockpit.url);
        const page = await context.newPage();
        const log = new ErrorLog(page);
        await page.goto("/");
        await expectMenuEntry(page.locator(MENU_LINK), "Traffic Accounting");
        const frame = await openFromMenu(page);
        await expect(frame.locator("h1").textContent()).resolves.toBe("Traffic Accounting");
        const dark = await frame.locator("html").evaluate(html => html.classList.contains("pf-v6-theme-dark"));
        expect(dark).toBe(false);
        await screenshot(page, "shell-light-en");
        await context.close();
        expect(log.errors).toEqual([]);
    });
});

test("dark theme follows the shell", async () => {
    await withCockpit("root", async cockpit => {
        const context = await newContext(browser, cockpit.url, { theme: "dark" });
        const page = await context.newPage();
        const log = new ErrorLog(page);
        const frame = await openFromMenu(page);
        const dark = await frame.locator("html").evaluate(html => html.classList.contains("pf-v6-theme-dark"));
        expect(dark).toBe(true);
        // The card must really be dark, not only carry the class.
        const background = await frame.locator(".pf-v6-c-card").first().evaluate(card => getComputedStyle(card).backgroundColor);
        expect(luminance(background)).toBeLessThan(0.3);
        await screenshot(page, "shell-dark-en");
        await context.close();
        expect(log.errors).toEqual([]);
    });
});

test("German page shows German text", async () => {
    await withCockpit("root", async cockpit => {
        const context = await newContext(browser, cockpit.url, { language: "de" });
        const page = await context.newPage();
        const log = new ErrorLog(page);
        const frame = await openFromMenu(page);
        await expect(frame.locator("h1").textContent()).resolves.toBe("Datenverkehrsabrechnung");
        await expect(frame.locator(".pf-v6-c-empty-state").textContent()).resolves.toContain("Noch keine Verkehrsdaten");
        await screenshot(page, "shell-light-de");
        await context.close();
        expect(log.errors).toEqual([]);
    });
});

test("an unprivileged Cockpit shows the page too", async () => {
    await withCockpit("nobody", async cockpit => {
        const context = await newContext(browser, cockpit.url);
        const page = await context.newPage();
        const log = new ErrorLog(page);
        const frame = await openFromMenu(page);
        await expect(frame.locator("h1").textContent()).resolves.toBe("Traffic Accounting");
        // Proof that this really is the unprivileged mode: superuser is refused.
        const refused = await frame.locator("html").evaluate(async () => {
            const cockpit = (window as unknown as { cockpit: { spawn(a: string[], o: object): PromiseLike<string> } }).cockpit;
            try {
                await cockpit.spawn(["id", "-u"], { superuser: "require" });
                return "granted";
            } catch (error) {
                return (error as { problem?: string }).problem ?? "failed";
            }
        });
        expect(refused).toBe("access-denied");
        const uid = await frame.locator("html").evaluate(async () => {
            const cockpit = (window as unknown as { cockpit: { spawn(a: string[]): PromiseLike<string> } }).cockpit;
            return (await cockpit.spawn(["id", "-un"])).trim();
        });
        expect(uid).toBe("nobody");
        await screenshot(page, "shell-unprivileged");
        await context.close();
        expect(log.errors).toEqual([]);
    });
});

async function expectMenuEntry(link: import("playwright-core").Locator, label: string): Promise<void> {
    await link.waitFor({ state: "visible" });
    expect((await link.textContent())?.trim()).toBe(label);
}

function luminance(cssColor: string): number {
    const [r, g, b] = (cssColor.match(/\d+(\.\d+)?/g) ?? ["255", "255", "255"]).map(Number);
    return (0.2126 * (r ?? 255) + 0.7152 * (g ?? 255) + 0.0722 * (b ?? 255)) / 255;
}
