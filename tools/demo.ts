// SPDX-License-Identifier: LGPL-2.1-or-later
// `make demo`: a real Cockpit on 127.0.0.1 with this checkout's build installed in a throw-away
// home directory. It changes nothing on the host: no firewall rule, no real store, no real
// configuration. Ctrl-C stops it. Cockpit's --local-session ends about 15 s after the last
// browser tab closes, so the demo starts a fresh one on the same port when that happens.
import { startCockpit, type RunningCockpit } from "../test/harness/cockpit.ts";

const RESTART_CHECK_MS = 1000;

async function main(): Promise<void> {
    let cockpit: RunningCockpit = await startCockpit({ log: "ignore" });
    const port = cockpit.port;
    let sawSession = false;
    let stopping = false;

    console.log(`\nCockpit with Traffic Accounting is running:\n\n    ${cockpit.url}/traffic-accounting\n`);
    console.log("No login is needed (a local session). Press Ctrl-C to stop.\n");

    const shutdown = async () => {
        if (stopping)
            return;
        stopping = true;
        console.log("\nStopping Cockpit…");
        await cockpit.stop();
        process.exit(0);
    };
    // Whatever ends the demo, its Cockpit (a separate process group) must not outlive it.
    process.on("exit", () => {
        try {
            process.kill(-cockpit.pid, "SIGTERM");
        } catch {
            // already stopped
        }
    });
    process.on("SIGINT", () => void shutdown());
    process.on("SIGTERM", () => void shutdown());

    for (;;) {
        await new Promise(resolve => setTimeout(resolve, RESTART_CHECK_MS));
        if (stopping)
            return;
        const active = cockpit.hasSession();
        if (active) {
            sawSession = true;
        } else if (sawSession) {
            // The session ended; without a new one every URL would answer with a login page.
            await cockpit.stop();
            cockpit = await startCockpit({ log: "ignore", port });
            sawSession = false;
        }
    }
}

main().catch(error => {
    console.error(`demo: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
});
