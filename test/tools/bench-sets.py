#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Per-host counting, the helper's figure (run by bench/hosts.bench.ts; prints, asserts nothing):

`collect` of a counted set of 10,000 elements against bare `nft -j list set` of the same set,
in the same run, in a network namespace of its own. The set is filled from the packet path
(`update @hosts { ip daddr counter }` in the output hook): one UDP datagram to each of 10,000
local addresses between two collections, so every element counts and every collection writes
10,000 records. Both commands run N times alternately; the ratio of the medians is printed,
and where collect's time goes (its phases, timed in-process). Needs root.

    bench-sets.py [--elements 10000] [--runs 7]
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import shutil
import statistics
import subprocess
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
HELPER = os.path.abspath(os.path.join(HERE, "..", "..", "helper", "cta-helper"))
PY = "/usr/bin/python3"
RULESET = """
table inet bench {
    set hosts { type ipv4_addr; flags dynamic; counter; size 65536; }
    chain out {
        type filter hook output priority 0; policy accept;
        ip daddr 10.200.0.0/16 udp dport 9 update @hosts { ip daddr counter }
    }
}
"""
# one datagram to each address of 10.200.0.0/16 in turn (the whole /16 is local on lo)
SEND = """
import socket, sys
n = int(sys.argv[1])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for k in range(n):
    s.sendto(b"x" * 64, ("10.200.%d.%d" % (1 + k // 250, 1 + k % 250), 9))
"""


def timed(argv: list[str]) -> float:
    t = time.perf_counter()
    subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - t


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--elements", type=int, default=10000)
    ap.add_argument("--runs", type=int, default=7)
    a = ap.parse_args()
    if os.geteuid() != 0 or shutil.which("nft") is None or shutil.which("ip") is None:
        print("collect of a counted set: skipped (needs root, nft and ip to build a namespace)")
        return
    # an installed helper is byte-compiled (as Debian does for every Python module): so here
    compileall.compile_dir(os.path.dirname(HELPER) + "/cta", quiet=1)
    ns = f"ctasets{os.getpid()}"
    d = tempfile.mkdtemp()
    try:
        subprocess.run(["ip", "netns", "add", ns], check=True)
        inside = ["ip", "netns", "exec", ns]
        subprocess.run(["ip", "-n", ns, "link", "set", "lo", "up"], check=True)
        subprocess.run(["ip", "-n", ns, "addr", "add", "10.200.0.1/16", "dev", "lo"], check=True)
        subprocess.run(inside + ["nft", "-f", "-"], input=RULESET, text=True, check=True)
        store, config = os.path.join(d, "store"), os.path.join(d, "config.json")
        with open(config, "w") as f:        # the set is what is measured: no interfaces, no iptables
            f.write('{"sources": {"nft_rules": {"enabled": false}, "iptables": {"enabled": false}, '
                    '"ip6tables": {"enabled": false}, "interfaces": {"enabled": false}}}\n')
        send = inside + [PY, "-c", SEND, str(a.elements)]
        collect = inside + [HELPER, "collect", "--store", store, "--config", config]
        nft = inside + ["nft", "-j", "list", "set", "inet", "bench", "hosts"]
        subprocess.run(send, check=True)
        out = subprocess.run(inside + ["nft", "-j", "list", "set", "inet", "bench", "hosts"], check=True,
                             capture_output=True, text=True).stdout
        doc = json.loads(out)
        elements = sum(len(i["set"].get("elem", [])) for i in doc["nftables"] if "set" in i)
        subprocess.run(collect, check=True, capture_output=True)          # baseline
        t_collect, t_nft, t_exec, lines = [], [], [], []
        for _ in range(a.runs):
            time.sleep(1.0)                                                # a new second: a new interval
            subprocess.run(send, check=True)
            t_nft.append(timed(nft))
            t0 = time.perf_counter()
            p = subprocess.run(collect + ["-v"], check=True, capture_output=True, text=True)
            t_collect.append(time.perf_counter() - t0)
            lines.append(p.stdout.strip().splitlines()[-1] if p.stdout.strip() else "")
            t_exec.append(timed(inside + ["true"]))
        c, n, e = statistics.median(t_collect), statistics.median(t_nft), statistics.median(t_exec)
        print(f"collect of a counted set of {elements} elements (every element counting), median of {a.runs} runs:")
        print(f"  nft -j list set alone:  {n * 1000:8.1f} ms")
        print(f"  cta-helper collect:     {c * 1000:8.1f} ms   ratio {c / n:.2f}x  (target <= 1.5x)")
        print(f"  (both include `ip netns exec` itself: {e * 1000:.1f} ms; without it the ratio is "
              f"{(c - e) / (n - e):.2f}x)")
        print(f"  collect's last line: {lines[-1]}")
        profile(inside, store, config, send)
    finally:
        subprocess.run(["ip", "netns", "del", ns], capture_output=True)
        shutil.rmtree(d, ignore_errors=True)


def profile(inside: list[str], store: str, config: str, send: list[str]) -> None:
    """Where collect's time goes: one more collection in-process, each phase timed in wall-clock
    time by wrapping the helper's own functions (no profiler overhead), and the rest."""
    time.sleep(1.0)
    subprocess.run(send, check=True)
    code = r"""
import os, sys, time
t0 = time.perf_counter()
sys.path.insert(0, sys.argv[3])
store, config = sys.argv[1], sys.argv[2]
from cta import cli, collect, hostnames, state, sources, storefs
spent = {}
def wrap(module, name, label):
    real = getattr(module, name)
    def timed(*a, **k):
        t = time.perf_counter()
        try:
            return real(*a, **k)
        finally:
            spent[label] = spent.get(label, 0.0) + time.perf_counter() - t
    setattr(module, name, timed)
wrap(sources, "parse_nft_json", "parse nft JSON (json.loads and the set's elements)")
wrap(collect, "read_all", "read the sources (nft -j list ruleset and parsing)")
wrap(collect, "compute", "deltas")
wrap(state, "load", "state.json load")
wrap(state, "save", "state.json save (JSON, write, fsync, rename)")
wrap(collect, "_append_block", "append the block to the detail file (write, fsync)")
wrap(collect, "_update_prometheus", "Prometheus totals in the state")
wrap(hostnames, "refresh", "host names")
wrap(os, "fsync", "fsync (files and directories)")
imported = time.perf_counter() - t0
t1 = time.perf_counter()
cli.main(["collect", "--store", store, "--config", config])
total = time.perf_counter() - t1
print("PHASE imports %.1f" % (imported * 1000))
for k, v in spent.items():
    print("PHASE %s %.1f" % (k, v * 1000))
print("PHASE collect in all %.1f" % (total * 1000))
"""
    p = subprocess.run(inside + [PY, "-c", code, store, config, os.path.dirname(HELPER)], capture_output=True, text=True)
    phases = [ln[6:] for ln in p.stdout.splitlines() if ln.startswith("PHASE ")]
    if p.returncode != 0 or not phases:
        print(f"  (timing the phases failed: {p.stderr.strip().splitlines()[-1:]})")
        return
    print("  where one collection's time goes (wall-clock, in-process; phases overlap: reading includes parsing):")
    for ln in phases:
        label, _, value = ln.rpartition(" ")
        print(f"    {label:<62}{float(value):8.1f} ms")

if __name__ == "__main__":
    main()
