// SPDX-License-Identifier: LGPL-2.1-or-later
// Drives Debian's Chromium through playwright-core: opens Cockpit, records every console error
// and page error (in the shell and in our frame), and keeps screenshots in test/artifacts/.
import { chromium, type Browser, type BrowserContext, type FrameLocator, type Page } from "playwright-core";
import { mkdirSync } from "node:fs";
import { join } from "node:path";

export const CHROMIUM = process.env.CTA_CHROMIUM ?? "/usr/bin/chromium";
export const ARTIFACTS = join(process.cwd(), "test", "artifacts");
export const PAGE_FRAME = 'iframe[name="cockpit1:localhost/traffic-accounting"]';
export const MENU_LINK = '#host-apps a[href="/traffic-accounting"]';

const CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-dev-shm-usage"];

export async function launchBrowser(): Promise<Browser> {
    return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
}

export interface ContextOptions {
    /** Cockpit's language: sets the CockpitLang cookie and the browser's Accept-Language. */
    language?: string;
    /** Shell style as Cockpit stores it in localStorage. */
    theme?: "light" | "dark";
}

export async function newContext(browser: Browser, baseUrl: string, options: ContextOptions = {}): Promise<BrowserContext> {
    const language = options.language ?? "en";
    const context = await browser.newContext({
        baseURL: baseUrl,
        locale: language === "en" ? "en-US" : language,
        viewport: { width: 1400, height: 900 },
        colorScheme: options.theme ?? "light",
        acceptDownloads: true,
    });
    await context.addCookies([{ name: "CockpitLang", value: language, url: baseUrl }]);
    const theme = options.theme ?? "light";
    await context.addInitScript(`(() => {
        try { window.localStorage.setItem("shell:style", ${JSON.stringify(theme)});
              window.localStorage.setItem("cockpit.lang", ${JSON.stringify(language)}); } catch (e) {}
    })()`);
    return context;
}

/** Console errors and uncaught exceptions seen by a page, including its frames. */
export class ErrorLog {
    readonly errors: string[] = [];

    constructor(page: Page) {
        page.on("console", message => {
            if (message.type() === "error")
                this.errors.push(`console: ${message.text()} (${message.location().url})`);
        });
        page.on("pageerror", error => this.errors.push(`pageerror: ${error.message}`));
    }
}

export async function screenshot(page: Page, name: string): Promise<string> {
    mkdirSync(ARTIFACTS, { recursive: true });
    const path = join(ARTIFACTS, `${name}.png`);
    await page.screenshot({ path, fullPage: false });
    return path;
}

/** Opens the shell, clicks our menu entry, and returns the page's frame once it has rendered. */
export async function openFromMenu(page: Page): Promise<FrameLocator> {
    await page.goto("/");
    await page.locator(MENU_LINK).click();
    await page.waitForURL(/\/traffic-accounting/);
    const frame = page.frameLocator(PAGE_FRAME);
    await frame.locator("h1").first().waitFor({ state: "visible" });
    return frame;
}

/** Opens our page in the shell by URL (a bookmark), e.g. "/traffic-accounting#/?filter=www". */
export async function openByUrl(page: Page, path = "/traffic-accounting"): Promise<FrameLocator> {
    await page.goto(path);
    const frame = page.frameLocator(PAGE_FRAME);
    await frame.locator("h1").first().waitFor({ state: "visible" });
    return frame;
}
