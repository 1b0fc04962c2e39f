// SPDX-License-Identifier: LGPL-2.1-or-later
// Accounting rules on the page (issue 14, item 2), in a real Cockpit and Chromium, with this
// checkout's helper loading real nftables tables: the empty state's "Count per host in subnet …",
// a rule added with its nft script previewed before it is applied, the real counter it makes
// counting real UDP exactly, the rule deleted again; and a session without administrative access
// that sees the rules but cannot change them. The helper runs inside the lab's server namespace
// (a wrapper named by CTA_HELPER), never on this machine's own rule set.
import { chmodSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { execFileSync, spawnSync } from "node:child_process";
import type { Browser, BrowserContext, FrameLocator, Page } from "playwright-core";
import { ErrorLog, launchBrowser, newContext, openByUrl, PAGE_FRAME, screenshot } from "../harness/browser.ts";
import { startCockpit, type RunningCockpit } from "../harness/cockpit.ts";
import { NetLab, UDP_OVERHEAD } from "../harness/netlab.ts";

jest.setTimeout(240_000);

const PORT = 5011;
const HOSTILE = "Web; } flush ruleset <img src=x onerror=alert(1)>";
const REFERENCE = `
table inet ref {
    counter reference { }
    chain input {
        type filter hook input priority 0; policy accept;
        udp dport ${PORT} counter name "reference"
    }
}
`;

const skipReason = NetLab.available();
const describeIfRoot = (title: string, body: () => void): void => {
    if (skipReason === null)
        describe(title, body);
    else
        describe.skip(`${title} (skipped: ${skipReason})`, body);
};
if (skipReason !== null)
    console.warn(`rules integration tests skipped: ${skipReason}`);

let browser: Browser;
let lab: NetLab;
let wrapper: string;

interface Session {
    cockpit: RunningCockpit;
    context: BrowserContext;
    page: Page;
    frame: FrameLocator;
    log: ErrorLog;
    dialogs: string[];
}

beforeAll(async () => {
    if (skipReason !== null)
        return;
    lab = new NetLab();
    lab.start(REFERENCE);
    lab.writeConfig({ version: 1 });
    // root runs the helper in the server's namespace; other users (only reading) run it as it is
    wrapper = join(lab.dir, "cta-helper");
    writeFileSync(wrapper, `#!/bin/sh
# with ${"$"}{0%/*}/refuse present, root runs it without CAP_NET_ADMIN: nft itself refuses
if [ "$(id -u)" = 0 ] && [ -e "${"$"}{0%/*}/refuse" ]; then
    exec ip netns exec ${lab.server} setpriv --bounding-set=-net_admin /usr/bin/python3 ${resolve("helper/cta-helper")} "$@"
fi
if [ "$(id -u)" = 0 ]; then exec ip netns exec ${lab.server} /usr/bin/python3 ${resolve("helper/cta-helper")} "$@"; fi
exec /usr/bin/python3 ${resolve("helper/cta-helper")} "$@"
`);
    chmodSync(wrapper, 0o755);
    browser = await launchBrowser();
});

afterAll(async () => {
    await browser?.close();
    lab?.close();
});

async function open(user: "root" | "nobody", language = "en", theme: "light" | "dark" = "light"): Promise<Session> {
    const cockpit = await startCockpit({ user, env: { CTA_STORE: lab.store, CTA_CONFIG: lab.config, CTA_HELPER: wrapper } });
    const context = await newContext(browser, cockpit.url, { language, theme });
    const page = await context.newPage();
    const log = new ErrorLog(page);
    const dialogs: string[] = [];
    page.on("dialog", dialog => {
        dialogs.push(dialog.message());
        void dialog.dismiss();
    });
    const frame = await openByUrl(page, "/traffic-accounting#/?timeframe=today&units=exact");
    return { cockpit, context, page, frame, log, dialogs };
}

async function close(session: Session): Promise<void> {
    expect(session.log.errors).toEqual([]);
    expect(session.dialogs).toEqual([]);
    await session.context.close();
    await session.cockpit.stop();
}

function table(): { chains: string[]; sets: string[]; comments: string[] } | null {
    let out: string;
    try {
        out = execFileSync("ip", ["netns", "exec", lab.server, "nft", "-j", "list", "table", "inet", "cta_accounting"],
                           { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
    } catch {
        return null;
    }
    const items = (JSON.parse(out) as { nftables: Record<string, { name?: string; comment?: string }>[] }).nftables;
    return {
        chains: items.filter(i => i.chain).map(i => i.chain?.name ?? ""),
        sets: items.filter(i => i.set).map(i => i.set?.name ?? ""),
        comments: items.filter(i => i.rule?.comment !== undefined).map(i => i.rule?.comment ?? ""),
    };
}

function configuredRules(): { id: string; name: string; kind: string }[] {
    return (JSON.parse(readFileSync(lab.config, "utf8")) as { rules?: { id: string; name: string; kind: string }[] }).rules ?? [];
}

describeIfRoot("rules on the page, with administrative access", () => {
    let session: Session;

    beforeAll(async () => {
        session = await open("root");
    });

    afterAll(async () => {
        if (session)
            await close(session);
    });

    test("the empty state's first step opens the add dialog for a per-host rule", async () => {
        const { frame, page } = session;
        await frame.getByRole("button", { name: "Count per host in subnet …" }).click();
        const dialog = frame.getByRole("dialog", { name: "Add rule" });
        await dialog.waitFor();
        await expect(dialog.locator("#cta-rule-kind").inputValue()).resolves.toBe("hosts");
        await expect(dialog.locator("#cta-rule-name").inputValue()).resolves.toBe("Hosts");
        // an incomplete rule has no script yet; a bad subnet is named under its field
        await dialog.getByText("Shown once the rule is complete.").waitFor();
        await dialog.locator("#cta-rule-subnet").fill("10.231.7.1/24");
        await dialog.getByText("has bits set after its prefix length").waitFor();
        await dialog.locator("#cta-rule-subnet").fill("10.231.7.0/24");
        await dialog.locator("#cta-rule-direction").selectOption("out");
        await dialog.locator("#cta-rule-hook").selectOption("input");
        const script = dialog.locator("pre.cta-script");
        await script.waitFor();
        await expect(script.textContent()).resolves.toContain("ip saddr 10.231.7.0/24 update @h_rule1 { ip saddr counter }");
        // nothing is loaded before "Save and apply"
        expect(table()).toBeNull();
        await screenshot(page, "rules-add-per-host");
        await dialog.getByRole("button", { name: "Save and apply" }).click();
        await frame.getByText("Rule Hosts applied").waitFor();
        expect(table()?.sets).toEqual(["h_rule1"]);
        expect(configuredRules().map(r => [r.id, r.kind])).toEqual([["rule1", "hosts"]]);
    });

    test("a port rule with a hostile name: previewed, applied, counting exactly", async () => {
        const { frame, page } = session;
        await frame.getByRole("button", { name: "Add rule…" }).click();
        const dialog = frame.getByRole("dialog", { name: "Add rule" });
        await dialog.locator("#cta-rule-name").fill('quote" here');
        await dialog.getByText("without quotes", { exact: false }).waitFor();
        await dialog.locator("#cta-rule-name").fill(HOSTILE);
        await dialog.locator("#cta-rule-kind").selectOption("port");
        await dialog.locator("#cta-rule-protocol").selectOption("udp");
        await dialog.locator("#cta-rule-port").fill(String(PORT));
        await dialog.locator("#cta-rule-direction").selectOption("in");
        await dialog.locator("#cta-rule-hook").selectOption("input");
        await expect(dialog.locator("pre.cta-script").textContent()).resolves.toContain(`counter comment "${HOSTILE}"`);
        await dialog.getByRole("button", { name: "Save and apply" }).click();
        await frame.getByText(`Rule ${HOSTILE} applied`).waitFor();
        expect(table()?.comments).toEqual([HOSTILE]);
        await frame.locator(".cta-rules-table").getByText(HOSTILE).waitFor();
        await expect(frame.locator("img").count()).resolves.toBe(0);

        // the rule's counter against the reference, through the helper's collections
        const before = lab.counter("ref", "reference").bytes;
        lab.send(9, 700, PORT);
        await lab.waitForCounter("ref", "reference", before + BigInt(9 * (700 + UDP_OVERHEAD)));
        await new Promise(r => setTimeout(r, 1100));
        lab.collect();
        await page.reload();
        const reloaded = page.frameLocator(PAGE_FRAME);
        const row = reloaded.locator(".cta-totals tr[data-counter]").filter({ hasText: HOSTILE });
        await row.waitFor();
        const shown = BigInt(((await row.locator("td.cta-number").first().textContent()) ?? "").replace(/[^0-9]/g, ""));
        expect(shown).toBe(lab.counter("ref", "reference").bytes - before);
        await reloaded.locator(".cta-rules-card").scrollIntoViewIfNeeded();
        await screenshot(page, "rules-card-light");
        session.frame = reloaded;
    });

    test("when nft refuses, its text is shown as it printed it and the file is put back", async () => {
        const { frame, page } = session;
        const before = readFileSync(lab.config, "utf8");
        writeFileSync(join(lab.dir, "refuse"), "");
        try {
            await frame.getByRole("button", { name: "Add rule…" }).click();
            const dialog = frame.getByRole("dialog", { name: "Add rule" });
            await dialog.locator("#cta-rule-name").fill("<b>uplink</b>");
            await dialog.locator("#cta-rule-kind").selectOption("interface");
            await dialog.locator("#cta-rule-interface").fill("lo");
            const previewed = await dialog.locator("pre.cta-script").textContent() ?? "";
            // what nft itself prints for the previewed script, run as the refusing helper runs it
            const nft = spawnSync("ip", ["netns", "exec", lab.server, "setpriv", "--bounding-set=-net_admin", "nft", "-f", "-"],
                                  { input: previewed, encoding: "utf8" });
            expect(nft.status).not.toBe(0);
            expect(nft.stderr).not.toBe("");
            await dialog.getByRole("button", { name: "Save and apply" }).click();
            const output = dialog.locator("pre.cta-helper-output");
            await output.waitFor();
            await expect(output.textContent()).resolves.toBe(`cta-helper: rules: nft refused the rules (the table is as it was):\n${nft.stderr.trimEnd()}`);
            await dialog.getByText("the configuration was put back as it was", { exact: false }).waitFor();
            await expect(dialog.locator("b").count()).resolves.toBe(0);
            // a second try stays possible (once whatever refused is fixed)
            await expect(dialog.getByRole("button", { name: "Save and apply" }).getAttribute("aria-disabled")).resolves.not.toBe("true");
            await screenshot(page, "rules-nft-refused");
            await dialog.getByRole("button", { name: "Cancel" }).click();
        } finally {
            rmSync(join(lab.dir, "refuse"), { force: true });
        }
        expect(readFileSync(lab.config, "utf8")).toBe(before);
        expect(table()?.chains).not.toContain("r_rule3");
    });

    test("a rule edited on the page keeps its id, and its set", async () => {
        const { frame } = session;
        await frame.getByRole("button", { name: "Edit Hosts" }).click();
        const dialog = frame.getByRole("dialog", { name: "Edit rule" });
        await expect(dialog.locator("#cta-rule-subnet").inputValue()).resolves.toBe("10.231.7.0/24");
        await dialog.locator("#cta-rule-name").fill("Hosts (lab)");
        await dialog.locator("#cta-rule-direction").selectOption("both");
        await expect(dialog.locator("pre.cta-script").textContent()).resolves.toContain("ip daddr 10.231.7.0/24 update @h_rule1 { ip daddr counter }");
        await dialog.getByRole("button", { name: "Save and apply" }).click();
        await frame.getByText("Rule Hosts (lab) applied").waitFor();
        expect(configuredRules().map(r => [r.id, r.name])).toEqual([["rule1", "Hosts (lab)"], ["rule2", HOSTILE]]);
        expect(table()?.sets).toEqual(["h_rule1"]);
    });

    test("a rule deleted from the page is gone from the file and the table", async () => {
        const { frame } = session;
        await frame.getByRole("button", { name: `Delete ${HOSTILE}` }).click();
        const dialog = frame.getByRole("dialog", { name: `Delete rule ${HOSTILE}` });
        const script = dialog.locator("pre.cta-script");
        await script.waitFor();
        await expect(script.textContent()).resolves.not.toContain("r_rule2");
        await dialog.getByRole("button", { name: "Delete and apply" }).click();
        await frame.getByText(`Rule ${HOSTILE} deleted`).waitFor();
        expect(configuredRules().map(r => r.id)).toEqual(["rule1"]);
        expect(table()?.chains).not.toContain("r_rule2");
        expect(table()?.sets).toEqual(["h_rule1"]);
    });
});

describeIfRoot("rules on the page, without administrative access", () => {
    test("the rules and their script are shown, nothing can be changed", async () => {
        const session = await open("nobody", "en", "dark");
        const { frame, page } = session;
        const card = frame.locator(".cta-rules-card");
        await card.getByText("Hosts (lab)").waitFor();
        await card.getByText("needs administrative access", { exact: false }).waitFor();
        await expect(card.getByRole("button", { name: "Add rule…" }).count()).resolves.toBe(0);
        await expect(card.getByRole("button", { name: /^(Edit|Delete) / }).count()).resolves.toBe(0);
        await card.getByRole("button", { name: "Show nft script" }).click();
        const script = frame.getByRole("dialog").locator("pre.cta-script");
        await script.waitFor();
        await expect(script.textContent()).resolves.toContain("set h_rule1 {");
        await screenshot(page, "rules-script-dark");
        await frame.getByRole("button", { name: "Close" }).first().click();
        await card.scrollIntoViewIfNeeded();
        await screenshot(page, "rules-readonly-dark");
        await close(session);
    });

    test("in German", async () => {
        const session = await open("root", "de");
        await session.frame.getByText("Abrechnungsregeln").first().waitFor();
        await session.frame.locator(".cta-rules-card").scrollIntoViewIfNeeded();
        await screenshot(session.page, "rules-card-de");
        await close(session);
    });
});
