// SPDX-License-Identifier: LGPL-2.1-or-later
// What the collector did not count reaches the page: the helper's notes (notes.json, read by a
// real `cta-helper status --json` in an unprivileged Cockpit) for the timeframe shown, with
// hostile rule names as inert text; a bad configuration file that collect works around.
import { spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser } from "playwright-core";
import { ErrorLog, launchBrowser, newContext, openByUrl, screenshot } from "../harness/browser.ts";
import { startCockpit } from "../harness/cockpit.ts";

jest.setTimeout(180_000);

const HOSTILE = "<img src=x onerror=alert(1)>";
let browser: Browser;
let dir: string;
let store: string;
let config: string;

beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "cta-notes-"));
    chmodSync(dir, 0o755);
    store = join(dir, "store");
    config = join(dir, "config.json");
    writeFileSync(config, '{"colour": "blue"}\n', { mode: 0o644 });
    const made = spawnSync("/usr/bin/python3", ["test/tools/make-history.py", "--store", store, "--counters", "4",
        "--days", "3", "--seed", "3"], { encoding: "utf8" });
    if (made.status !== 0)
        throw new Error(`make-history.py failed: ${made.stderr}`);
    const now = Math.floor(Date.now() / 1000);
    const key = `iptables-legacy ip filter INPUT 1 ${HOSTILE.replace(/ /g, "%20")}`;
    const notes = [
        { start: now - 40 * 86400, end: now - 40 * 86400 + 300, reason: "an old note outside the timeframe", counters: [], count: 0 },
        { start: now - 600, end: now - 300, reason: "several rules of its chain share its comment and one of them was removed",
          counters: [key, "source:iptables:ip"], count: 3 },
    ];
    writeFileSync(join(store, "notes.json"), JSON.stringify({ version: 1, notes, dropped: 0 }), { mode: 0o644 });
    browser = await launchBrowser();
});

afterAll(async () => {
    await browser?.close();
    rmSync(dir, { recursive: true, force: true });
});

test.each([["dark", "de"]] as const)("the notes in %s theme, %s", async (theme, language) => {
    const cockpit = await startCockpit({ user: "nobody", env: { CTA_STORE: store, CTA_CONFIG: config } });
    const context = await newContext(browser, cockpit.url, { language, theme });
    try {
        const page = await context.newPage();
        const frame = await openByUrl(page, "/traffic-accounting#/?timeframe=today");
        await frame.getByText("1 Hinweis der Erfassung für diesen Zeitraum").waitFor();
        await frame.getByText("Zeigen, was nicht gezählt wurde").click();
        await frame.getByText("alle Zähler von iptables:ip").waitFor();
        await screenshot(page, `collection-notes-${theme}-${language}`);
    } finally {
        await context.close();
        await cockpit.stop();
    }
});

test("notes of the timeframe, a bad configuration, and hostile names as text", async () => {
    const cockpit = await startCockpit({ user: "nobody", env: { CTA_STORE: store, CTA_CONFIG: config } });
    const context = await newContext(browser, cockpit.url);
    try {
        const page = await context.newPage();
        const log = new ErrorLog(page);
        let dialogs = 0;
        page.on("dialog", d => { dialogs++; void d.dismiss() });
        const frame = await openByUrl(page, "/traffic-accounting#/?timeframe=today");
        await frame.getByText("1 collection note for this timeframe").waitFor();
        await frame.getByText("The configuration file has an error").waitFor();
        await expect(frame.getByText(/colour: unknown key/).first().textContent()).resolves.toContain("last valid configuration");
        await frame.getByText("Show what was not counted").click();
        const list = frame.locator(".cta-notes-list");
        await expect(list.textContent()).resolves.toContain(`${HOSTILE} (iptables-legacy ip filter INPUT)`);
        await expect(list.textContent()).resolves.toContain("every counter of iptables:ip");
        await expect(list.textContent()).resolves.toContain("and 1 more");
        await expect(list.textContent()).resolves.not.toContain("an old note");
        await expect(frame.locator(".cta-notes-list img").count()).resolves.toBe(0);
        await screenshot(page, "collection-notes");
        expect(dialogs).toBe(0);
        expect(log.errors).toEqual([]);
    } finally {
        await context.close();
        await cockpit.stop();
    }
});
