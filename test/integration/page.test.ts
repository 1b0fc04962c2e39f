// SPDX-License-Identifier: LGPL-2.1-or-later
// The page against real data: the real helper collects real UDP traffic of known size through
// real nftables counters in network namespaces, and the page, in a real Cockpit and Chromium,
// must show exactly those bytes. Then the things an admin does: timeframes, the filter, the URL,
// exports, compaction and settings, as root; and reading everything without privileges.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Browser, BrowserContext, FrameLocator, Page } from "playwright-core";
import { ErrorLog, launchBrowser, newContext, openByUrl, PAGE_FRAME, screenshot } from "../harness/browser.ts";
import { startCockpit, type RunningCockpit } from "../harness/cockpit.ts";
import { NetLab, UDP_OVERHEAD } from "../harness/netlab.ts";

jest.setTimeout(180_000);

const HOSTILE = "<img src=x onerror=alert(1)>";
// nft strings cannot hold a double quote; a comma and single quotes still need CSV quoting.
const QUOTED = "mail, 'quoted'";
const RULESET = `
table inet acct {
    counter reference { }
    chain input {
        type filter hook input priority 0; policy accept;
        udp dport { 5001, 5002, 5003 } counter name "reference"
        udp dport 5001 counter comment "www"
        udp dport 5002 counter comment "${HOSTILE}"
        udp dport 5003 counter comment "${QUOTED}"
    }
}
`;
// What each rule must count: datagrams × (payload + headers).
const TRAFFIC = [
    { name: "www", port: 5001, count: 40, size: 1000 },
    { name: HOSTILE, port: 5002, count: 7, size: 333 },
    { name: QUOTED, port: 5003, count: 3, size: 1400 },
];
const expectedBytes = (t: typeof TRAFFIC[number]) => BigInt(t.count * (t.size + UDP_OVERHEAD));
const EXPECTED_TOTAL = TRAFFIC.reduce((sum, t) => sum + expectedBytes(t), 0n);

const skipReason = NetLab.available();
// Skipped blocks carry the reason in their title, where `make check`'s summary reads it.
const describeIfRoot = (title: string, body: () => void): void => {
    if (skipReason === null)
        describe(title, body);
    else
        describe.skip(`${title} (skipped: ${skipReason})`, body);
};
if (skipReason !== null)
    console.warn(`page integration tests skipped: ${skipReason}`);

let browser: Browser;
let lab: NetLab;

beforeAll(async () => {
    if (skipReason !== null)
        return;
    lab = new NetLab();
    lab.start(RULESET);
    lab.writeConfig({ version: 1 });
    lab.collect(); // the first collection only records where every counter starts
    // Two collection intervals, so that compaction has records to merge.
    let sent = 0n;
    for (const half of [1, 2]) {
        for (const t of TRAFFIC) {
            const count = half === 1 ? Math.floor(t.count / 2) : t.count - Math.floor(t.count / 2);
            lab.send(count, t.size, t.port);
            sent += BigInt(count * (t.size + UDP_OVERHEAD));
        }
        await lab.waitForCounter("acct", "reference", sent);
        await new Promise(resolve => setTimeout(resolve, 1100)); // a new interval needs a new second
        lab.collect();
    }
    browser = await launchBrowser();
});

afterAll(async () => {
    await browser?.close();
    lab?.close();
});

/** Retries `read` until it returns what `check` accepts (the page updates asynchronously). */
async function eventually<T>(read: () => Promise<T>, check: (value: T) => void, timeoutMs = 15_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
        const value = await read();
        try {
            check(value);
            return;
        } catch (error) {
            if (Date.now() > deadline)
                throw error;
        }
        await new Promise(resolve => setTimeout(resolve, 100));
    }
}

function digits(text: string | null): bigint {
    return BigInt((text ?? "").replace(/[^0-9]/g, "") || "-1");
}

interface Session {
    cockpit: RunningCockpit;
    context: BrowserContext;
    page: Page;
    log: ErrorLog;
    dialogs: string[];
}

async function open(user: "root" | "nobody", path: string, language = "en", theme: "light" | "dark" = "light"): Promise<Session & { frame: FrameLocator }> {
    const cockpit = await startCockpit({ user, env: { CTA_STORE: lab.store, CTA_CONFIG: lab.config } });
    const context = await newContext(browser, cockpit.url, { language, theme });
    const page = await context.newPage();
    const log = new ErrorLog(page);
    const dialogs: string[] = [];
    page.on("dialog", dialog => {
        dialogs.push(dialog.message());
        void dialog.dismiss();
    });
    const frame = await openByUrl(page, path);
    return { cockpit, context, page, log, dialogs, frame };
}

async function close(session: Session): Promise<void> {
    await session.context.close();
    await session.cockpit.stop();
}

async function rowBytes(frame: FrameLocator): Promise<Map<string, bigint>> {
    await frame.locator(".cta-totals tr[data-counter]").first().waitFor({ state: "attached" });
    const rows = frame.locator(".cta-totals tr[data-counter]");
    const out = new Map<string, bigint>();
    for (let i = 0; i < await rows.count(); i++) {
        const row = rows.nth(i);
        out.set(await row.locator(".cta-rule-name").textContent() ?? "", digits(await row.locator("td.cta-number").first().textContent()));
    }
    return out;
}

async function currentOptions(page: Page): Promise<URLSearchParams> {
    const hash = new URL(page.url()).hash;
    return new URLSearchParams(hash.slice(hash.indexOf("?") + 1));
}

describeIfRoot("as root, on real counters", () => {
    let session: Session & { frame: FrameLocator };

    beforeAll(async () => {
        session = await open("root", "/traffic-accounting#/?timeframe=today&units=exact");
    });

    afterAll(async () => {
        if (session) {
            expect(session.log.errors).toEqual([]);
            expect(session.dialogs).toEqual([]);
            await close(session);
        }
    });

    test("the reference counter saw exactly the traffic sent", () => {
        const reference = lab.counter("acct", "reference");
        expect(reference.bytes).toBe(EXPECTED_TOTAL);
        expect(reference.packets).toBe(BigInt(TRAFFIC.reduce((n, t) => n + t.count, 0)));
    });

    test("every rule shows its bytes exactly, hostile names as plain text", async () => {
        const { frame, page } = session;
        const rows = await rowBytes(frame);
        for (const t of TRAFFIC)
            expect(rows.get(t.name)).toBe(expectedBytes(t));
        // The name was shown as text: no element was made of it, no script ran.
        await expect(frame.locator("img").count()).resolves.toBe(0);
        expect(session.dialogs).toEqual([]);
        await screenshot(page, "page-real-traffic");
    });

    test("the sum of the rules equals the reference, and the helper agrees", async () => {
        const rows = await rowBytes(session.frame);
        const rules = TRAFFIC.reduce((sum, t) => sum + (rows.get(t.name) ?? 0n), 0n);
        expect(rules).toBe(lab.counter("acct", "reference").bytes);
        const status = lab.helperJson<{ last_collection: number | null }>("status");
        expect(status.last_collection).not.toBeNull();
    });

    test("presets and typed phrases set the timeframe and the URL", async () => {
        const { frame, page } = session;
        await frame.getByRole("button", { name: "Presets" }).click();
        await frame.getByRole("menuitem", { name: "Yesterday" }).click();
        await frame.getByText("No traffic was counted in this timeframe.").waitFor();
        expect((await currentOptions(page)).get("timeframe")).toBe("yesterday");
        await expect(frame.locator("[data-testid=resolved-range]").textContent()).resolves.toMatch(/^Yesterday: /);

        const field = frame.getByLabel("Timeframe");
        await field.fill("last fortnight");
        await field.press("Enter");
        await frame.getByText('"fortnight" is not a word of a timeframe.', { exact: false }).waitFor();

        await field.fill("the day 0 days ago");
        await field.press("Enter");
        await frame.locator(".cta-totals tr[data-counter]").first().waitFor();
        expect((await currentOptions(page)).get("timeframe")).toBe("the day 0 days ago");
        await expect(frame.locator("[data-testid=resolved-range]").textContent()).resolves.toMatch(/^Today: /);
    });

    test("the filter narrows the rows; an invalid pattern is an inline error", async () => {
        const { frame, page } = session;
        const filter = frame.getByLabel("Filter");
        await filter.fill("^WWW$");
        await expect(frame.locator("tr[data-counter]").count()).resolves.toBe(0);
        await frame.getByLabel("Ignore case").check();
        await eventually(async () => [...(await rowBytes(frame)).keys()], keys => expect(keys).toEqual(["www"]));
        expect(digits(await frame.locator("[data-testid=total-bytes]").textContent())).toBe(expectedBytes(TRAFFIC[0] as typeof TRAFFIC[number]));
        const options = await currentOptions(page);
        expect(options.get("filter")).toBe("^WWW$");
        expect(options.get("ci")).toBe("1");

        await filter.fill("(unclosed");
        await frame.getByText(/Invalid regular expression/).waitFor();
        await filter.fill("");
        await frame.getByLabel("Ignore case").uncheck();
        await eventually(async () => (await rowBytes(frame)).size, size => expect(size).toBeGreaterThanOrEqual(TRAFFIC.length));
    });

    test("a bookmarked URL restores the view after a reload", async () => {
        const { page } = session;
        await page.goto("/traffic-accounting#/?timeframe=today&filter=quoted&units=exact&rate=bytes");
        await page.reload();
        const frame = page.frameLocator(PAGE_FRAME);
        await eventually(async () => [...(await rowBytes(frame)).keys()], keys => expect(keys).toEqual([QUOTED]));
        await expect(frame.getByLabel("Timeframe").inputValue()).resolves.toBe("today");
        await expect(frame.getByLabel("Filter").inputValue()).resolves.toBe("quoted");
        await expect(frame.getByLabel("Rates").inputValue()).resolves.toBe("bytes");
        await page.goto("/traffic-accounting#/?timeframe=today&units=exact");
    });

    test("dragging across the graph zooms: the timeframe becomes that range", async () => {
        const { page } = session;
        const frame = page.frameLocator(PAGE_FRAME);
        await rowBytes(frame);
        const plot = frame.locator(".cta-graph .u-over");
        const box = await plot.boundingBox();
        if (!box)
            throw new Error("the graph has no plot area");
        try {
            await page.mouse.move(box.x + box.width * 0.3, box.y + box.height / 2);
            await page.mouse.down();
            await page.mouse.move(box.x + box.width * 0.6, box.y + box.height / 2, { steps: 8 });
            await page.mouse.up();
            await eventually(async () => (await currentOptions(page)).get("timeframe") ?? "",
                             timeframe => expect(timeframe).toMatch(/^\d{14} - \d{14}$/));
            const [from, to] = ((await currentOptions(page)).get("timeframe") ?? "").split(" - ");
            expect(Number(to)).toBeGreaterThan(Number(from));
            await eventually(() => frame.locator("[data-testid=resolved-range]").textContent(), text => expect(text).not.toMatch(/^Today/));
        } finally {
            // Back to the previous view, as an admin would with the browser's Back button.
            await page.goBack();
            await eventually(async () => (await currentOptions(page)).get("timeframe"), timeframe => expect(timeframe).toBe("today"));
        }
    });

    test("exports carry the exact totals and keep names inert", async () => {
        const { page } = session;
        const frame = page.frameLocator(PAGE_FRAME);
        await rowBytes(frame);
        const download = async (item: string): Promise<string> => {
            await frame.getByRole("button", { name: "Export" }).click();
            const [file] = await Promise.all([page.waitForEvent("download"), frame.getByRole("menuitem", { name: item }).click()]);
            expect(file.suggestedFilename()).toMatch(/^traffic-[A-Za-z0-9._-]+-\d{4}-\d{2}-\d{2}-\d{4}-\d{2}-\d{2}\.(txt|html|csv|json)$/);
            return readFileSync(await file.path(), "utf8");
        };
        const json = JSON.parse(await download("JSON")) as { groups: { rows: { name: string; bytes: string }[] }[]; total: { bytes: string } };
        const rows = json.groups.flatMap(g => g.rows);
        for (const t of TRAFFIC)
            expect(rows.find(r => r.name === t.name)?.bytes).toBe(String(expectedBytes(t)));

        const html = await download("HTML report");
        expect(html).not.toContain(HOSTILE);
        expect(html).toContain("&lt;img src=x onerror=alert(1)&gt;");

        const csv = await download("CSV");
        expect(csv).toContain(`"${QUOTED}"`);
        expect(csv).toContain(String(expectedBytes(TRAFFIC[0] as typeof TRAFFIC[number])));

        const text = await download("Plain text report");
        expect(text).toContain("IP traffic");
        expect(text).toContain("www");
    });

    test("settings are saved with superuser, read back, and a concurrent change is not overwritten", async () => {
        const { page } = session;
        const frame = page.frameLocator(PAGE_FRAME);
        await frame.getByRole("button", { name: "Settings", exact: true }).click();
        await frame.getByLabel("Calculate costs").check();
        await frame.locator("#cta-price").fill("0.5");
        await frame.getByRole("button", { name: "Save" }).click();
        await frame.getByText("Settings saved").waitFor();
        const saved = JSON.parse(readFileSync(lab.config, "utf8")) as { costs: { price_per_unit: string; currency: string } };
        expect(saved.costs.price_per_unit).toBe("0.5");
        expect(saved.costs.currency).toBe("EUR");
        await frame.locator("[data-testid=total-cost]").waitFor();

        // A new interval is the collect timer's: the page runs `cta-helper schedule apply`,
        // which writes the timer's drop-in (here into the test's stand-in for /etc/systemd).
        const dropin = join(session.cockpit.home, "timer.d", "50-interval.conf");
        expect(existsSync(dropin)).toBe(false);
        await frame.getByRole("button", { name: "Settings", exact: true }).click();
        // the dialog holds the file as the page last read it: wait for the saved version
        await eventually(() => frame.locator("#cta-price").inputValue(), price => expect(price).toBe("0.5"));
        await frame.locator("#cta-interval-seconds").fill("120");
        await frame.getByRole("button", { name: "Save" }).click();
        await frame.locator("#cta-settings-title").waitFor({ state: "detached" });
        await eventually(async () => existsSync(dropin) ? readFileSync(dropin, "utf8") : "", text => expect(text).toContain("\nOnCalendar=\nOnCalendar=*:0/2:00\n"));
        const savedAgain = JSON.parse(readFileSync(lab.config, "utf8")) as typeof saved & { interval_seconds: number };
        expect(savedAgain.interval_seconds).toBe(120);

        // Somebody else saves while this admin has the dialog open.
        await frame.getByRole("button", { name: "Settings", exact: true }).click();
        const theirs = { ...savedAgain, interval_seconds: 600 };
        lab.writeConfig(theirs);
        await frame.locator("#cta-interval-seconds").fill("120");
        await frame.getByRole("button", { name: "Save" }).click();
        await frame.getByText(/Somebody else changed the settings/).waitFor();
        expect(JSON.parse(readFileSync(lab.config, "utf8"))).toEqual(theirs);
        await frame.getByRole("button", { name: "Cancel" }).click();
    });

    test("compaction previews, merges, and keeps every total", async () => {
        const { page } = session;
        const frame = page.frameLocator(PAGE_FRAME);
        const before = await rowBytes(frame);
        const records = lab.helperJson<{ records_before: number }>("compact", "--from", "0", "--to", String(Math.floor(Date.now() / 1000) + 86400), "--dry-run");
        expect(records.records_before).toBeGreaterThan(0);

        await frame.getByRole("button", { name: "Compact…" }).click();
        const today = new Date();
        const iso = `${today.getFullYear()}-${String(today.getMonth() + 1).padStart(2, "0")}-${String(today.getDate()).padStart(2, "0")}`;
        await frame.getByLabel("First day").fill(iso);
        await frame.getByLabel("Last day").fill(iso);
        await frame.locator("#cta-compact-resolution").selectOption("whole");
        await frame.locator("[data-testid=compact-records]").waitFor();
        await screenshot(page, "page-compact-preview");
        await frame.getByRole("button", { name: "Compact", exact: true }).click();
        await frame.getByText("History compacted").waitFor();
        const after = lab.helperJson<{ records_before: number; records_after: number }>("compact", "--from", "0", "--to", String(Math.floor(Date.now() / 1000) + 86400), "--dry-run");
        expect(after.records_before).toBe(after.records_after);
        await eventually(() => rowBytes(frame), rows => expect(rows).toEqual(before));
    });
});

describeIfRoot("collecting from the page", () => {
    test("Collect now runs the helper with superuser and the page shows the new collection", async () => {
        const session = await open("root", "/traffic-accounting#/?timeframe=today&units=exact");
        try {
            const { frame } = session;
            await rowBytes(frame);
            const before = lab.helperJson<{ last_collection: number }>("status").last_collection;
            await new Promise(resolve => setTimeout(resolve, 1100));
            await frame.getByRole("button", { name: "Collect now" }).click();
            await frame.getByText("Counters collected").waitFor();
            const after = lab.helperJson<{ last_collection: number }>("status").last_collection;
            expect(after).toBeGreaterThan(before);
            // The rules of the lab live in their own namespace; their totals are untouched.
            const rows = await rowBytes(frame);
            for (const t of TRAFFIC)
                expect(rows.get(t.name)).toBe(expectedBytes(t));
            expect(session.log.errors).toEqual([]);
        } finally {
            await close(session);
        }
    });
});

describeIfRoot("without administrative access", () => {
    test("everything is readable; actions that write are disabled and say why", async () => {
        const session = await open("nobody", "/traffic-accounting#/?timeframe=today&units=exact");
        try {
            const { frame, page } = session;
            const rows = await rowBytes(frame);
            for (const t of TRAFFIC)
                expect(rows.get(t.name)).toBe(expectedBytes(t));
            for (const name of ["Collect now", "Compact…"])
                await expect(frame.getByRole("button", { name }).getAttribute("aria-disabled")).resolves.toBe("true");
            await frame.getByRole("button", { name: "Collect now" }).hover();
            await frame.getByText(/needs administrative access/).first().waitFor();
            await frame.getByRole("button", { name: "Settings", exact: true }).click();
            await frame.getByText("Read only").waitFor();
            await expect(frame.getByRole("button", { name: "Save" }).getAttribute("aria-disabled")).resolves.toBe("true");
            await screenshot(page, "page-unprivileged");
            expect(session.log.errors).toEqual([]);
        } finally {
            await close(session);
        }
    });
});

describeIfRoot("looks", () => {
    test.each([["light", "en"], ["dark", "en"], ["light", "de"]] as const)("%s theme, %s", async (theme, language) => {
        const session = await open("root", "/traffic-accounting#/?timeframe=today", language, theme);
        try {
            await rowBytes(session.frame);
            await session.page.setViewportSize({ width: 1400, height: 1300 });
            await screenshot(session.page, `page-${theme}-${language}`);
            // The typed phrase stays ipacsum's English; the period it names is in the user's language.
            await expect(session.frame.locator("[data-testid=resolved-range]").textContent())
                    .resolves.toMatch(language === "de" ? /^Heute: / : /^Today: /);
            if (language === "de") {
                const field = session.frame.getByLabel("Zeitraum", { exact: true });
                await field.fill("last fortnight");
                await field.press("Enter");
                await session.frame.getByText("„fortnight“ ist kein Wort einer Zeitraumangabe.", { exact: false }).waitFor();
            }
            expect(session.log.errors).toEqual([]);
        } finally {
            await close(session);
        }
    });
});
