# SPDX-License-Identifier: LGPL-2.1-or-later
"""Two network namespaces joined by a veth pair, real UDP of known size, reference counters.

A (10.231.0.1) sends to B (10.231.0.2). The helper runs inside B and accounts B's counters.
The reference is an nft counter in A's output hook: the test never touches A's rules, so it is
never reset. Only addresses inside these namespaces are used. Names include the PID.
"""

from __future__ import annotations

import itertools
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import unittest

from test.helper.common import PYTHON, run_helper

_seq = itertools.count()
PORT = 5000
HEADER = 28                  # IPv4 + UDP header bytes added to each payload

SENDER = r"""
import socket, sys
n, size, port = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
payload = b"x" * size
for _ in range(n):
    s.sendto(payload, ("10.231.0.2", port))
"""

SINK = r"""
import socket, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
s.bind(("0.0.0.0", 5000))
while True:
    s.recv(65536)
"""


def require_root(case: unittest.TestCase) -> None:
    if os.geteuid() != 0:
        case.skipTest("needs root: creates network namespaces, firewall rules and mounts (CI runs as root)")
    for tool, package in (("ip", "iproute2"), ("nft", "nftables"), ("sysctl", "procps")):
        if shutil.which(tool) is None:
            case.skipTest(f"{tool} is not installed (Debian package {package})")


def sh(*argv: str, input: str | None = None, check: bool = True) -> str:
    p = subprocess.run(list(argv), input=input, capture_output=True, text=True, timeout=60)
    if check and p.returncode != 0:
        raise AssertionError(f"{' '.join(argv)}: {p.returncode} {p.stderr}")
    return p.stdout


class Lab:
    def __init__(self) -> None:
        n = next(_seq)
        tag = f"{os.getpid()}x{n}"
        self.a = f"ctaA{tag}"
        self.b = f"ctaB{tag}"
        self.va = f"cta{tag}a"[:15]
        self.vb = f"cta{tag}b"[:15]
        self.dir = tempfile.mkdtemp(prefix="cta-netns-")
        self.store = os.path.join(self.dir, "store")
        self.config = os.path.join(self.dir, "config.json")
        self.boot_file = os.path.join(self.dir, "boot_id")
        self.set_boot("11111111-1111-1111-1111-111111111111")
        self.write_config({})
        self.sink: subprocess.Popen[bytes] | None = None
        self.sent_packets = 0
        self.sent_bytes = 0
        self.last_returncode = 0

    # ---- setup and teardown ----
    def start(self) -> "Lab":
        sh("ip", "netns", "add", self.a)
        self._make_b()
        sh("ip", "netns", "exec", self.a, "nft", "-f", "-", input=f"""
table inet ref {{
    chain out {{
        type filter hook output priority 0; policy accept;
        ip daddr 10.231.0.2 udp dport {PORT} counter
    }}
}}
""")
        return self

    def _make_b(self) -> None:
        sh("ip", "netns", "add", self.b)
        for ns in (self.a, self.b):
            sh("ip", "netns", "exec", ns, "sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=1",
               "net.ipv6.conf.default.disable_ipv6=1")
            sh("ip", "-n", ns, "link", "set", "lo", "up")
        self.make_link()
        self.sink = subprocess.Popen(["ip", "netns", "exec", self.b, PYTHON, "-c", SINK],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def make_link(self, index_b: str | None = None) -> None:
        """The veth pair; index_b: B's end gets this ifindex (a device created again under the
        same name and index)."""
        index = ["index", index_b] if index_b else []
        sh("ip", "-n", self.b, "link", "add", self.vb, *index, "type", "veth", "peer", "name", self.va,
           "netns", self.a)
        sh("ip", "-n", self.a, "addr", "add", "10.231.0.1/24", "dev", self.va)
        sh("ip", "-n", self.b, "addr", "add", "10.231.0.2/24", "dev", self.vb)
        sh("ip", "-n", self.a, "link", "set", self.va, "up")
        sh("ip", "-n", self.b, "link", "set", self.vb, "up")
        mac_a = self.mac(self.a, self.va)
        mac_b = self.mac(self.b, self.vb)
        # static neighbours: no ARP frames on the link, so interface counters see only our UDP
        sh("ip", "-n", self.a, "neigh", "replace", "10.231.0.2", "lladdr", mac_b, "dev", self.va, "nud", "permanent")
        sh("ip", "-n", self.b, "neigh", "replace", "10.231.0.1", "lladdr", mac_a, "dev", self.vb, "nud", "permanent")

    def enable_ipv6(self, extra_a: tuple[str, ...] = ()) -> None:
        """IPv6 on the link: A fd31::1, B fd31::2, and more addresses of A's (clients), with
        static neighbours both ways so that no neighbour discovery crosses the link."""
        for ns, dev, addr in ((self.a, self.va, "fd31::1/64"), (self.b, self.vb, "fd31::2/64")):
            sh("ip", "netns", "exec", ns, "sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=0",
               f"net.ipv6.conf.{dev}.disable_ipv6=0")
            sh("ip", "-n", ns, "addr", "add", addr, "dev", dev, "nodad")
        for addr in extra_a:
            sh("ip", "-n", self.a, "addr", "add", f"{addr}/64", "dev", self.va, "nodad")
        sh("ip", "-n", self.a, "neigh", "replace", "fd31::2", "lladdr", self.mac(self.b, self.vb), "dev", self.va,
           "nud", "permanent")
        for addr in ("fd31::1", *extra_a):
            sh("ip", "-n", self.b, "neigh", "replace", addr, "lladdr", self.mac(self.a, self.va), "dev", self.vb,
               "nud", "permanent")

    def delete_link(self) -> None:
        sh("ip", "-n", self.b, "link", "del", self.vb)

    def mac(self, ns: str, dev: str) -> str:
        info = json.loads(sh("ip", "-n", ns, "-j", "link", "show", dev))
        return str(info[0]["address"])

    def reboot_b(self, boot_id: str) -> None:
        """A fresh network namespace for B: like a reboot, rule handles start over from scratch."""
        self._stop_sink()
        sh("ip", "netns", "del", self.b)
        # the namespace (and with it the veth pair) is torn down asynchronously
        deadline = time.monotonic() + 10
        while subprocess.run(["ip", "-n", self.a, "link", "show", self.va], capture_output=True).returncode == 0:
            if time.monotonic() > deadline:
                raise AssertionError(f"{self.va} still exists after deleting {self.b}")
            time.sleep(0.02)
        self.set_boot(boot_id)
        self._make_b()

    def _stop_sink(self) -> None:
        if self.sink is not None:
            self.sink.kill()
            self.sink.wait()
            self.sink = None

    def close(self) -> None:
        self._stop_sink()
        for ns in (self.a, self.b):
            subprocess.run(["ip", "netns", "del", ns], capture_output=True)
        shutil.rmtree(self.dir, ignore_errors=True)

    # ---- actions ----
    def set_boot(self, boot_id: str) -> None:
        with open(self.boot_file, "w") as f:
            f.write(boot_id + "\n")

    def write_config(self, cfg: dict[str, object]) -> None:
        with open(self.config, "w") as f:
            json.dump(cfg, f)

    def b_exec(self, *argv: str, input: str | None = None, check: bool = True) -> str:
        return sh("ip", "netns", "exec", self.b, *argv, input=input, check=check)

    def nft_b(self, script: str) -> None:
        self.b_exec("nft", "-f", "-", input=script)

    def send(self, packets: int, payload: int) -> None:
        sh("ip", "netns", "exec", self.a, PYTHON, "-c", SENDER, str(packets), str(payload), str(PORT))
        self.sent_packets += packets
        self.sent_bytes += packets * (payload + HEADER)
        self.settle()

    def settle(self) -> None:
        time.sleep(0.05)

    def reference(self) -> tuple[int, int]:
        doc = json.loads(sh("ip", "netns", "exec", self.a, "nft", "-j", "list", "table", "inet", "ref"))
        for item in doc["nftables"]:
            if "rule" in item:
                for e in item["rule"]["expr"]:
                    if "counter" in e:
                        return int(e["counter"]["bytes"]), int(e["counter"]["packets"])
        raise AssertionError("no reference counter")

    def collect(self, env: dict[str, str] | None = None, check: bool = True) -> subprocess.CompletedProcess[str]:
        full = {"CTA_BOOT_ID_FILE": self.boot_file}
        full.update(env or {})
        # the clock has one-second resolution: two collections never share a second
        time.sleep(1.05)
        proc = run_helper("collect", "--store", self.store, "--config", self.config, "--json",
                          env=full, netns=self.b, check=check)
        self.last_returncode = proc.returncode
        return proc


def started_lab(case: unittest.TestCase, make: "type[Lab]" = Lab) -> Lab:
    """A running lab for a test that needs root (skipped with the reason otherwise)."""
    require_root(case)
    lab = make()
    try:
        lab.start()
    except BaseException:
        lab.close()
        raise
    return lab


def stored_totals(store: str) -> dict[str, tuple[int, int]]:
    """Every counter's total by the window reader (each period once), checked against the sums
    of the collection records themselves while the store still holds them all."""
    sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "helper"))
    from cta import storefs, window
    view = storefs.read_store(store)
    assert not view.corrupt, view.corrupt
    w = window.read_window(store, 0, 10 ** 12)
    assert not w.corrupt, w.corrupt
    out = {ident.key(): bp for ident, bp in w.totals.items()}
    finest: dict[str, tuple[int, int]] = {}
    for pf in view.files:
        if pf.tier == "detail" or pf.version == 1:
            for r in pf.records():
                b, p = finest.get(r.ident.key(), (0, 0))
                finest[r.ident.key()] = (b + r.bytes, p + r.packets)
    # while the detail records are complete (no coarse data before them, nothing compacted)
    first_detail = min((b.start for pf in view.files if pf.tier == "detail" for b in pf.blocks), default=None)
    first_period = min((b.end for pf in view.files if pf.version == 2 and pf.tier != "detail" for b in pf.blocks
                        if b.rows), default=first_detail)
    if (first_detail is not None and first_period is not None and first_period >= first_detail
            and not any(pf.tier == "whole" or (pf.version == 1 and pf.tier != "detail") for pf in view.files)):
        assert out == finest, ("the window reader and the collection records differ", out, finest)
    return out


def intervals(store: str) -> list[tuple[int, int]]:
    """Every interval block of the detail tier, in order (with repeats if any were duplicated)."""
    from cta import storefs
    out = []
    for pf in storefs.read_store(store).files:
        if pf.tier == "detail":
            out.extend((b.start, b.end) for b in pf.blocks)
    return sorted(out)
