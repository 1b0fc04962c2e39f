// SPDX-License-Identifier: LGPL-2.1-or-later
// `make demo`: a real Cockpit on 127.0.0.1 with this checkout's build installed in a throw-away
// home directory, showing the real product: a year of plausible history for 20 rules, a cost
// plan with report groups, and (as root) live collection of the demo's own counters, counting
// real packets between two network namespaces of its own.
//
// It changes nothing on the host: no firewall rule, no real store, no real configuration. All of
// it lives in a temporary directory (store/, config.json) and in two network namespaces named
// after this process, which exist only while the demo runs. Ctrl-C stops it; every way out
// (signal, error, normal exit) removes the namespaces, the traffic generator, Cockpit and the
// directory. Cockpit's --local-session ends about 15 s after the last browser tab closes, so the
// demo starts a fresh one on the same port when that happens.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { startCockpit, type RunningCockpit } from "../test/harness/cockpit.ts";

const RESTART_CHECK_MS = 1000;
/** Demo speed: a real host collects every 5 minutes. */
const COLLECT_SECONDS = 30;
const PYTHON = "/usr/bin/python3";
const IP = "/usr/sbin/ip";
const NFT = "/usr/sbin/nft";

const checkout = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const helper = join(checkout, "helper", "cta-helper");
const makeHistory = join(checkout, "test", "tools", "make-history.py");
const generator = join(checkout, "tools", "demo", "traffic.py");

/**
 * The 20 rules, in the order make-history.py --names iam gives them (even: input, odd: output),
 * so that live data continues the same rows. Input rules count what the client sends to a port
 * ("push"); output rules count the server's answers from a port ("reply"). Weights share the rate.
 */
const SERVICES: { name: string; port: number; weight: number }[] = [
    { name: "www", port: 80, weight: 30 }, { name: "mail", port: 25, weight: 6 },
    { name: "ssh", port: 22, weight: 3 }, { name: "ftp", port: 21, weight: 10 },
    { name: "cvs", port: 2401, weight: 1 }, { name: "local", port: 8080, weight: 12 },
    { name: "dns", port: 53, weight: 2 }, { name: "ntp", port: 123, weight: 0.5 },
    { name: "smtp", port: 587, weight: 4 }, { name: "imap", port: 143, weight: 4 },
    { name: "pop3", port: 110, weight: 2 }, { name: "irc", port: 6667, weight: 1 },
    { name: "news", port: 119, weight: 1 }, { name: "https", port: 443, weight: 25 },
    { name: "vpn", port: 1194, weight: 8 }, { name: "backup", port: 873, weight: 8 },
    { name: "nfs", port: 2049, weight: 5 }, { name: "samba", port: 445, weight: 5 },
    { name: "ldap", port: 389, weight: 1 }, { name: "proxy", port: 3128, weight: 10 },
];
const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

function alive(pid: number): boolean {
    try {
        process.kill(pid, 0);
        return true;
    } catch (error) {
        return (error as NodeJS.ErrnoException).code === "EPERM";
    }
}
/**
 * make-history.py gives each rule a random profile (busy, moderate, mostly idle). With this seed
 * www and https are the busy ones, a few hundred KB/s at the daily peak, about what the live
 * generator sends, and ssh, ntp or dns are quiet, as on a plausible small server.
 */
const HISTORY_SEED = 660;
const LEFTOVERS = "demo-leftovers.json";
const chainOf = (index: number): "input" | "output" => (index % 2 === 0 ? "input" : "output");

const CONFIG = {
    version: 1,
    sources: {
        nft_counters: { enabled: false },
        nft_rules: { enabled: true, tables: ["inet filter"] },
        iptables: { enabled: false },
        ip6tables: { enabled: false },
        interfaces: { enabled: false },
    },
    costs: {
        currency: "EUR",
        unit: "GB",
        price_per_unit: "0.05",
        bulk_discounts: [
            { up_to: "500", price_per_unit: "0.08" },
            { up_to: "5000", price_per_unit: "0.05" },
            { up_to: null, price_per_unit: "0.03" },
        ],
        included_quota: "50",
        free_of_charge: ["^cvs$"],
        charge_other_traffic: true,
        billing_day: 1,
    },
    groups: [
        { name: "local network", pattern: "^(local|backup|nfs|samba|ldap|dns|ntp)$", charged: false },
        { name: "internet services", pattern: "^(www|https|mail|smtp|imap|pop3|ftp|proxy|news|irc|vpn)$", charged: true },
    ],
};

function ruleset(): string {
    const rules = (chain: "input" | "output") => SERVICES
            .filter((_, i) => chainOf(i) === chain)
            .map(s => `        udp ${chain === "input" ? "dport" : "sport"} ${s.port} counter comment "${s.name}"`)
            .join("\n");
    return `table inet filter {
    chain input {
        type filter hook input priority filter; policy accept;
${rules("input")}
    }
    chain output {
        type filter hook output priority filter; policy accept;
${rules("output")}
    }
}
`;
}

function run(argv: string[]): void {
    const result = spawnSync(argv[0] as string, argv.slice(1), { encoding: "utf8" });
    if (result.status !== 0)
        throw new Error(`${argv.join(" ")} failed: ${(result.stderr || result.error?.message || String(result.status)).trim()}`);
}

/** Everything the demo made, so that any way out can take it down again, synchronously too. */
class Demo {
    readonly dir = mkdtempSync(join(tmpdir(), "cta-demo-"));
    readonly store = join(this.dir, "store");
    readonly config = join(this.dir, "config.json");
    readonly server = `cta-demo-srv-${process.pid}`;
    readonly client = `cta-demo-cli-${process.pid}`;
    readonly net = `10.231.${200 + (process.pid % 50)}`;
    namespaces: string[] = [];
    generators: ChildProcess[] = [];
    /** The Cockpit in use; `cockpits` also holds one still stopping, `starting` one not up yet. */
    cockpit: RunningCockpit | null = null;
    cockpits = new Set<RunningCockpit>();
    starting: Promise<RunningCockpit> | null = null;
    timer: NodeJS.Timeout | null = null;
    collecting: ChildProcess | null = null;
    collections = 0;

    get serverAddress(): string { return `${this.net}.1` }
    get clientAddress(): string { return `${this.net}.2` }

    history(): void {
        const result = spawnSync(PYTHON, [makeHistory, "--store", this.store, "--counters", String(SERVICES.length),
            "--days", "365", "--names", "iam", "--seed", String(HISTORY_SEED), "--now", String(Math.floor(Date.now() / 1000))], { encoding: "utf8" });
        if (result.status !== 0)
            throw new Error(`make-history.py failed: ${result.stderr.trim()}`);
        console.log(`History: ${result.stdout.trim()}`);
    }

    writeConfig(live: boolean): void {
        // Without live collection there is nothing to collect: every source is off.
        const config = live
            ? { ...CONFIG, interval_seconds: COLLECT_SECONDS }
            : { ...CONFIG, sources: Object.fromEntries(Object.keys(CONFIG.sources).map(k => [k, { enabled: false }])) };
        writeFileSync(this.config, JSON.stringify(config, null, 4) + "\n");
    }

    /** What a later demo needs to clean up after this one if it is killed with SIGKILL. */
    record(): void {
        const cockpits = [...this.cockpits].map(c => ({ pid: c.pid, port: c.port, home: c.home }));
        try {
            writeFileSync(join(this.dir, LEFTOVERS), JSON.stringify({ pid: process.pid, cockpits }) + "\n");
        } catch {
            // the directory is being removed
        }
    }

    /**
     * What an earlier demo left behind because it was killed with SIGKILL (nothing else stops it
     * before it cleans up): its directory, its Cockpit and its namespaces, all named or recorded
     * with the PID of a demo process that no longer exists.
     */
    removeLeftovers(): void {
        for (const name of readdirSync(tmpdir()).filter(n => n.startsWith("cta-demo-"))) {
            const dir = join(tmpdir(), name);
            let record: { pid: number; cockpits: { pid: number; port: number; home: string }[] };
            try {
                record = JSON.parse(readFileSync(join(dir, LEFTOVERS), "utf8")) as typeof record;
            } catch {
                continue;
            }
            if (record.pid === process.pid || alive(record.pid))
                continue;
            for (const c of record.cockpits) {
                // Only if that PID is still the very cockpit-ws the demo started.
                let cmdline = "";
                try {
                    cmdline = readFileSync(`/proc/${c.pid}/cmdline`, "utf8").split("\0").join(" ");
                } catch {
                    // gone
                }
                if (cmdline.startsWith("/usr/lib/cockpit/cockpit-ws ") && cmdline.includes(` -p ${c.port} `)) {
                    try {
                        process.kill(-c.pid, "SIGTERM");
                    } catch {
                        // gone
                    }
                }
                if (c.home.startsWith(join(tmpdir(), "cta-cockpit-")))
                    rmSync(c.home, { recursive: true, force: true });
            }
            console.log(`Removing ${dir}, left behind by an earlier demo that was killed.`);
            rmSync(dir, { recursive: true, force: true });
        }
        if (process.getuid?.() !== 0)
            return;
        const list = spawnSync(IP, ["netns", "list"], { encoding: "utf8" }).stdout ?? "";
        for (const match of list.matchAll(/^(cta-demo-(?:srv|cli)-(\d+))\b/gm)) {
            const name = match[1] ?? "";
            if (Number(match[2]) !== process.pid && !alive(Number(match[2]))) {
                console.log(`Removing the network namespace ${name}, left behind by an earlier demo that was killed.`);
                spawnSync(IP, ["netns", "del", name]);
            }
        }
    }

    /** Two namespaces of our own, a veth pair between them, the accounting rules in the server. */
    network(): void {
        for (const ns of [this.server, this.client]) {
            run([IP, "netns", "add", ns]);
            this.namespaces.push(ns);
            run([IP, "-n", ns, "link", "set", "lo", "up"]);
        }
        // Created directly inside the namespaces: the host's own interfaces are never touched.
        run([IP, "link", "add", "srv0", "netns", this.server, "type", "veth", "peer", "name", "cli0", "netns", this.client]);
        run([IP, "-n", this.server, "addr", "add", `${this.serverAddress}/24`, "dev", "srv0"]);
        run([IP, "-n", this.client, "addr", "add", `${this.clientAddress}/24`, "dev", "cli0"]);
        run([IP, "-n", this.server, "link", "set", "srv0", "up"]);
        run([IP, "-n", this.client, "link", "set", "cli0", "up"]);
        const rules = join(this.dir, "demo.nft");
        writeFileSync(rules, ruleset());
        run([IP, "netns", "exec", this.server, NFT, "-f", rules]);
    }

    startTraffic(): void {
        const ports = SERVICES.map(s => s.port).join(",");
        const plan = SERVICES.map((s, i) => `${s.name}:${s.port}:${chainOf(i) === "input" ? "push" : "reply"}:${s.weight}`).join(",");
        const start = (ns: string, args: string[]) => {
            // `ip netns exec` replaces itself with Python: the child's PID is the generator's own.
            const child = spawn(IP, ["netns", "exec", ns, PYTHON, generator, ...args], { stdio: ["ignore", "ignore", "inherit"] });
            this.generators.push(child);
        };
        start(this.server, ["serve", "--address", this.serverAddress, "--peer", this.clientAddress, "--ports", ports]);
        start(this.client, ["send", "--address", this.clientAddress, "--peer", this.serverAddress, "--plan", plan]);
    }

    /** What Cockpit runs as "the helper": this checkout's, inside the server namespace. */
    helperWrapper(): string {
        const path = join(this.dir, "cta-helper");
        writeFileSync(path, `#!/bin/sh\n# make demo: the helper sees the demo's own counters, in its namespace\n` +
            `exec ${IP} netns exec ${this.server} ${PYTHON} ${helper} "$@"\n`);
        chmodSync(path, 0o755);
        return path;
    }

    collect(): void {
        if (this.collecting)
            return;
        const child = spawn(IP, ["netns", "exec", this.server, PYTHON, helper, "collect", "--store", this.store,
            "--config", this.config, "--json"], { stdio: ["ignore", "pipe", "pipe"] });
        this.collecting = child;
        let out = "";
        let err = "";
        child.stdout?.on("data", (chunk: Buffer) => { out += chunk.toString() });
        child.stderr?.on("data", (chunk: Buffer) => { err += chunk.toString() });
        child.on("close", code => {
            this.collecting = null;
            const time = new Date().toTimeString().slice(0, 8);
            if (code !== 0) {
                console.log(`${time}  collect failed (${code}): ${err.trim()}`);
                return;
            }
            this.collections++;
            try {
                const summary = JSON.parse(out) as { written: boolean; changed: number; baselines: number };
                console.log(summary.written
                    ? `${time}  collected: ${summary.changed} rules counted traffic`
                    : `${time}  collected a baseline of ${summary.baselines} counters (no data yet; that is expected)`);
            } catch {
                console.log(`${time}  collected: ${out.trim()}`);
            }
        });
    }

    startCollecting(): void {
        this.collect();
        this.timer = setInterval(() => this.collect(), COLLECT_SECONDS * 1000);
    }

    /** Synchronous and idempotent: safe from process.on("exit"). */
    cleanupSync(): void {
        if (this.timer)
            clearInterval(this.timer);
        this.timer = null;
        for (const child of [...this.generators, ...(this.collecting ? [this.collecting] : [])]) {
            if (child.exitCode === null && child.signalCode === null)
                child.kill("SIGKILL");
        }
        this.generators = [];
        for (const cockpit of this.cockpits) {
            try {
                process.kill(-cockpit.pid, "SIGKILL");
            } catch {
                // already stopped
            }
            rmSync(cockpit.home, { recursive: true, force: true });
        }
        this.cockpits.clear();
        this.cockpit = null;
        for (const ns of this.namespaces.splice(0))
            spawnSync(IP, ["netns", "del", ns]);
        rmSync(this.dir, { recursive: true, force: true });
    }

    /**
     * The orderly way down: Cockpit gets to stop by itself first. Asynchronous all the way, so
     * that the event loop stays free: tsx, which runs this script, takes a signal it relayed and
     * saw no answer to within 30 ms as a hung child and kills it with SIGKILL.
     */
    async cleanup(): Promise<void> {
        if (this.timer)
            clearInterval(this.timer);
        this.timer = null;
        const children = [...this.generators, ...(this.collecting ? [this.collecting] : [])]
                .filter(child => child.exitCode === null && child.signalCode === null);
        const exited = Promise.all(children.map(child => new Promise<void>(r => {
            child.once("exit", () => r());
            child.kill("SIGTERM");
        })));
        if (await Promise.race([exited.then(() => true), sleep(3000).then(() => false)]) === false)
            children.forEach(child => child.kill("SIGKILL"));
        this.generators = [];
        if (this.starting) {
            // A Cockpit on its way up: wait for its PID, so that it can be stopped too.
            await this.starting.catch(() => undefined);
        }
        await Promise.all([...this.cockpits].map(c => this.stopCockpit(c)));
        await Promise.all(this.namespaces.splice(0).map(ns => new Promise<void>(r => {
            spawn(IP, ["netns", "del", ns], { stdio: "ignore" }).once("close", () => r());
        })));
        await rm(this.dir, { recursive: true, force: true });
        this.cleanupSync();
    }

    async startCockpit(env: Record<string, string>, port?: number): Promise<RunningCockpit> {
        this.starting = startCockpit({ log: "ignore", env, packageDir: join(checkout, "dist"), ...(port === undefined ? {} : { port }) });
        try {
            const cockpit = await this.starting;
            this.cockpits.add(cockpit);
            this.cockpit = cockpit;
            this.record();
            return cockpit;
        } finally {
            this.starting = null;
        }
    }

    async stopCockpit(cockpit: RunningCockpit): Promise<void> {
        if (this.cockpit === cockpit)
            this.cockpit = null;
        await cockpit.stop();
        this.cockpits.delete(cockpit);
        this.record();
    }
}

function describe(demo: Demo, url: string, live: boolean): void {
    const names = SERVICES.map(s => s.name).join(", ");
    console.log(`\nCockpit with Traffic Accounting is running:\n\n    ${url}/traffic-accounting\n`);
    console.log("No login is needed (a local session). Press Ctrl-C to stop.\n");
    console.log("What the demo shows:");
    console.log(`  - a year of plausible history for ${SERVICES.length} nftables rules: ${names}`);
    console.log("  - a cost plan in EUR per GB (50 GB included, 0.08 up to 500 GB, 0.05 up to 5000 GB, then 0.03),");
    console.log('    report groups "local network" (free of charge) and "internet services" (charged)');
    if (live) {
        console.log(`  - live collection every ${COLLECT_SECONDS} s (demo speed; a real host collects every 5 minutes) of`);
        console.log(`    real UDP traffic between the demo's own network namespaces ${demo.client} (${demo.clientAddress})`);
        console.log(`    and ${demo.server} (${demo.serverAddress}), counted by "table inet filter" in ${demo.server}`);
        console.log("  - the first collection only takes a baseline; new data appears from the second one on");
    }
    console.log(`  - store and configuration in ${demo.dir} (removed when the demo stops)\n`);
}

async function main(): Promise<void> {
    const demo = new Demo();
    let stopping = false;
    // Whatever ends the demo, nothing of it (Cockpit is a separate process group) may outlive it.
    process.on("exit", () => demo.cleanupSync());
    const shutdown = async () => {
        if (stopping)
            return;
        stopping = true;
        console.log("\nStopping the demo…");
        try {
            await demo.cleanup();
            console.log("Stopped: Cockpit, the traffic generator, the namespaces and the demo's files are gone.");
        } finally {
            process.exit(0);
        }
    };
    for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const)
        process.on(signal, () => void shutdown());

    demo.removeLeftovers();
    demo.record();
    demo.history();
    let live = false;
    let env: Record<string, string> = { CTA_HELPER: helper, CTA_STORE: demo.store, CTA_CONFIG: demo.config };
    if (process.getuid?.() !== 0) {
        console.log("Not running as root: no live collection (it needs network namespaces and nftables); showing the history only.");
    } else {
        try {
            demo.network();
            live = true;
        } catch (error) {
            console.log(`No live collection: ${error instanceof Error ? error.message : String(error)}; showing the history only.`);
            for (const ns of demo.namespaces.splice(0))
                spawnSync(IP, ["netns", "del", ns]);
        }
    }
    demo.writeConfig(live);
    if (live) {
        demo.startTraffic();
        env = { ...env, CTA_HELPER: demo.helperWrapper() };
        console.log(`Collecting every ${COLLECT_SECONDS} s (demo speed).`);
        demo.startCollecting();
    }

    const first = await demo.startCockpit(env);
    if (stopping)
        return;
    describe(demo, first.url, live);

    let sawSession = false;
    for (;;) {
        await sleep(RESTART_CHECK_MS);
        if (stopping || !demo.cockpit)
            return;
        if (demo.cockpit.hasSession()) {
            sawSession = true;
        } else if (sawSession) {
            // The session ended; without a new one every URL would answer with a login page.
            await demo.stopCockpit(demo.cockpit);
            if (stopping)
                return;
            await demo.startCockpit(env, first.port);
            sawSession = false;
        }
    }
}

main().catch(error => {
    console.error(`demo: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
});
