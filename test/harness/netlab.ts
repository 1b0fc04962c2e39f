// SPDX-License-Identifier: LGPL-2.1-or-later
// Real counters counting real packets for the page's tests: two network namespaces joined by a
// veth pair, an nftables ruleset in the receiving one, UDP datagrams of known size sent from
// the other, and this checkout's helper collecting inside the receiver into a throw-away store.
// Only addresses inside these namespaces are used; everything is removed by close().
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync, chmodSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

export const UDP_OVERHEAD = 28; // IPv4 and UDP headers, counted by the kernel on top of the payload
const CLIENT_ADDRESS = "10.231.7.1";
const SERVER_ADDRESS = "10.231.7.2";
const HELPER = resolve("helper/cta-helper");
let labs = 0;

function run(argv: string[], input?: string): string {
    return execFileSync(argv[0] as string, argv.slice(1), { input, encoding: "utf8", stdio: ["pipe", "pipe", "pipe"] });
}

const SENDER = `
import socket, sys
count, size, port = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for _ in range(count):
    s.sendto(b"x" * size, ("${SERVER_ADDRESS}", port))
`;

export class NetLab {
    readonly client: string;
    readonly server: string;
    readonly dir: string;
    readonly store: string;
    readonly config: string;
    private readonly clientLink: string;
    private readonly serverLink: string;

    constructor() {
        const tag = `${process.pid}p${labs++}`;
        this.client = `ctaPC${tag}`;
        this.server = `ctaPS${tag}`;
        this.clientLink = `ctc${tag}`.slice(0, 15);
        this.serverLink = `cts${tag}`.slice(0, 15);
        this.dir = mkdtempSync(join(tmpdir(), "cta-page-lab-"));
        chmodSync(this.dir, 0o755);
        this.store = join(this.dir, "store");
        this.config = join(this.dir, "config.json");
    }

    static available(): string | null {
        if (process.getuid?.() !== 0)
            return "needs root to create network namespaces";
        for (const tool of ["/usr/bin/ip", "/usr/sbin/nft"])
            if (spawnSync(tool, ["-V"]).error)
                return `${tool} is missing`;
        return null;
    }

    /** Creates the namespaces and the link, and loads `ruleset` (nft syntax) into the server. */
    start(ruleset: string): this {
        run(["ip", "netns", "add", this.client]);
        run(["ip", "netns", "add", this.server]);
        run(["ip", "link", "add", this.clientLink, "type", "veth", "peer", "name", this.serverLink]);
        run(["ip", "link", "set", this.clientLink, "netns", this.client]);
        run(["ip", "link", "set", this.serverLink, "netns", this.server]);
        run(["ip", "-n", this.client, "addr", "add", `${CLIENT_ADDRESS}/24`, "dev", this.clientLink]);
        run(["ip", "-n", this.server, "addr", "add", `${SERVER_ADDRESS}/24`, "dev", this.serverLink]);
        for (const [ns, link] of [[this.client, this.clientLink], [this.server, this.serverLink]] as const) {
            run(["ip", "-n", ns, "link", "set", link, "up"]);
            run(["ip", "-n", ns, "link", "set", "lo", "up"]);
        }
        run(["ip", "netns", "exec", this.server, "nft", "-f", "-"], ruleset);
        this.waitReachable();
        return this;
    }

    /**
     * A fresh veth pair takes a moment to carry packets, and the first datagrams also wait for
     * ARP; datagrams sent before that may arrive after the collection meant to count them.
     * ICMP echo is not UDP, so it touches no rule the tests look at.
     */
    private waitReachable(): void {
        for (let attempt = 0; attempt < 50; attempt++) {
            const ping = spawnSync("ip", ["netns", "exec", this.client, "ping", "-c", "1", "-W", "1", SERVER_ADDRESS]);
            if (ping.status === 0)
                return;
        }
        throw new Error(`${SERVER_ADDRESS} is not reachable from ${this.client}`);
    }

    writeConfig(config: object): void {
        writeFileSync(this.config, JSON.stringify(config, null, 4));
        chmodSync(this.config, 0o644);
    }

    /** Sends `count` UDP datagrams of `size` payload bytes to the server's `port`. */
    send(count: number, size: number, port: number): void {
        run(["ip", "netns", "exec", this.client, "/usr/bin/python3", "-c", SENDER, String(count), String(size), String(port)]);
    }

    /** Waits until an nft named counter has counted `bytes`: every datagram sent has arrived. */
    async waitForCounter(table: string, name: string, bytes: bigint): Promise<void> {
        for (let attempt = 0; attempt < 100; attempt++) {
            if (this.counter(table, name).bytes >= bytes)
                return;
            await new Promise(resolve => setTimeout(resolve, 50));
        }
        throw new Error(`counter ${name} did not reach ${bytes} bytes`);
    }

    /** Runs the helper inside the server namespace, as a timer would. */
    collect(): string {
        return run(["ip", "netns", "exec", this.server, "/usr/bin/python3", HELPER, "collect", "--store", this.store, "--config", this.config]);
    }

    /** The helper's own JSON output of a command (status, files, compact...). */
    helperJson<T>(command: string, ...args: string[]): T {
        return JSON.parse(run(["/usr/bin/python3", HELPER, command, "--store", this.store, "--config", this.config, ...args, "--json"])) as T;
    }

    /** Bytes and packets of an nft named counter in the server: the reference that is never reset. */
    counter(table: string, name: string): { bytes: bigint; packets: bigint } {
        const out = run(["ip", "netns", "exec", this.server, "nft", "list", "counter", "inet", table, name]);
        const match = /packets (\d+) bytes (\d+)/.exec(out);
        if (!match)
            throw new Error(`no counter ${name} in ${out}`);
        return { packets: BigInt(match[1] as string), bytes: BigInt(match[2] as string) };
    }

    close(): void {
        spawnSync("ip", ["netns", "del", this.client]);
        spawnSync("ip", ["netns", "del", this.server]);
        rmSync(this.dir, { recursive: true, force: true });
    }
}
