// SPDX-License-Identifier: LGPL-2.1-or-later
// Starts a real Cockpit (Debian's cockpit-ws with --local-session, so no login) on a free
// loopback port with our built package installed into a throw-away home directory, and stops it
// again by its PID. Used by every integration test and by `make demo`.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

export const COCKPIT_WS = "/usr/lib/cockpit/cockpit-ws";
export const COCKPIT_BRIDGE = "/usr/bin/cockpit-bridge";

export interface CockpitOptions {
    /** Directory of the built package (default: dist/ of this checkout). */
    packageDir?: string;
    /** "root": the bridge runs as root (superuser always granted). "nobody": unprivileged. */
    user?: "root" | "nobody";
    /**
     * Extra environment for the bridge and everything it spawns. By default the page runs this
     * checkout's helper on an empty store and no configuration file inside the throw-away home
     * (CTA_HELPER, CTA_STORE, CTA_CONFIG), never on the host's real ones.
     */
    env?: Record<string, string>;
    /** A fixed port (default: a free one). */
    port?: number;
    /** Where cockpit-ws writes its output (default: discarded unless CTA_DEBUG is set). */
    log?: "inherit" | "ignore";
}

export interface RunningCockpit {
    readonly port: number;
    readonly url: string;
    readonly pid: number;
    readonly home: string;
    readonly user: "root" | "nobody";
    /** True while a browser session (a bridge process) is attached to this cockpit-ws. */
    hasSession(): boolean;
    stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
    return new Promise((done, fail) => {
        const server = createServer();
        server.once("error", fail);
        server.listen(0, "127.0.0.1", () => {
            const address = server.address();
            const port = typeof address === "object" && address ? address.port : 0;
            server.close(() => done(port));
        });
    });
}

async function waitForLogin(url: string, child: ChildProcess, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
        if (child.exitCode !== null || child.signalCode !== null)
            throw new Error(`cockpit-ws exited early (${child.exitCode ?? child.signalCode})`);
        try {
            const response = await fetch(`${url}/cockpit/login`);
            if (response.ok || response.status === 401)
                return;
        } catch {
            // not listening yet
        }
        await new Promise(r => setTimeout(r, 50));
    }
    throw new Error(`cockpit-ws did not answer on ${url} within ${timeoutMs} ms`);
}

function makeHome(packageDir: string, user: "root" | "nobody"): string {
    const home = mkdtempSync(join(tmpdir(), "cta-cockpit-"));
    const packages = join(home, ".local", "share", "cockpit");
    mkdirSync(packages, { recursive: true });
    symlinkSync(resolve(packageDir), join(packages, "traffic-accounting"));
    mkdirSync(join(home, "store"), { mode: 0o755 });
    if (user === "nobody")
        spawnSync("chown", ["-R", "nobody:nogroup", home]);
    chmodSync(home, 0o755);
    return home;
}

export async function startCockpit(options: CockpitOptions = {}): Promise<RunningCockpit> {
    const user = options.user ?? "root";
    const packageDir = options.packageDir ?? "dist";
    const home = makeHome(packageDir, user);
    const port = options.port ?? await freePort();
    const url = `http://127.0.0.1:${port}`;
    const defaults: Record<string, string> = {
        CTA_HELPER: resolve("helper/cta-helper"),
        CTA_STORE: join(home, "store"),
        CTA_CONFIG: join(home, "config.json"),
        CTA_TIMER_DROPINS: join(home, "timer.d"),
    };
    const environment = [`HOME=${home}`, `XDG_DATA_HOME=${home}/.local/share`, "LANG=C.UTF-8",
        ...Object.entries({ ...defaults, ...options.env }).map(([k, v]) => `${k}=${v}`)];
    const wsArgs = [COCKPIT_WS, `--local-session=${COCKPIT_BRIDGE}`, "-p", String(port), "-a", "127.0.0.1"];
    const argv = user === "nobody"
        ? ["runuser", "-u", "nobody", "--", "env", ...environment, ...wsArgs]
        : ["env", ...environment, ...wsArgs];
    const debug = process.env.CTA_DEBUG !== undefined || options.log === "inherit";
    // Its own process group, so that stop() reaches cockpit-ws, runuser and the bridge at once.
    const child = spawn(argv[0] as string, argv.slice(1), {
        detached: true,
        stdio: ["ignore", debug ? "inherit" : "ignore", debug ? "inherit" : "ignore"],
    });
    const pid = child.pid;
    if (pid === undefined)
        throw new Error("could not start cockpit-ws");
    // If this process dies without stopping Cockpit (a SIGKILLed jest), nothing else would:
    // a watchdog outside both process groups ends Cockpit's group when this process is gone.
    const watchdog = spawn("/bin/sh", ["-c", 'while kill -0 "$1" 2>/dev/null; do sleep 1; done; kill -TERM "-$2" 2>/dev/null',
        "watchdog", String(process.pid), String(pid)], { detached: true, stdio: "ignore" });
    watchdog.unref();

    const stop = async (): Promise<void> => {
        if (child.exitCode === null && child.signalCode === null) {
            const exited = new Promise<void>(r => child.once("exit", () => r()));
            try {
                process.kill(-pid, "SIGTERM");
            } catch {
                // already gone
            }
            const timer = new Promise<"timeout">(r => setTimeout(() => r("timeout"), 5000));
            if (await Promise.race([exited, timer]) === "timeout") {
                try {
                    process.kill(-pid, "SIGKILL");
                } catch {
                    // already gone
                }
                await exited;
            }
        }
        watchdog.kill();
        rmSync(home, { recursive: true, force: true });
    };

    try {
        await waitForLogin(url, child, 15000);
    } catch (error) {
        await stop();
        throw error;
    }
    const hasSession = (): boolean => spawnSync("pgrep", ["-g", String(pid), "-x", "cockpit-bridge"]).status === 0;
    return { port, url, pid, home, user, hasSession, stop };
}
