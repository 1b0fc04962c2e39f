# SPDX-License-Identifier: LGPL-2.1-or-later
"""The .deb under a real systemd: a minimal Debian tree booted with `systemd-nspawn -b`, the
package installed with dpkg while systemd runs, its timers started by the maintainer scripts,
collect firing from its timer inside its sandbox and reading nftables and iptables (nft and
legacy back ends) counters into the store to the byte, and rotate firing from its own.

The timers' real schedules (every five minutes, daily) are checked as systemd computes them; to
see them fire within a test, a drop-in then moves both to every few seconds, as an admin's
drop-in would. Then the interval from the configuration replaces that schedule through
`cta-helper schedule apply` (a calendar and a monotonic one), and runs come that far apart.
`make check` runs this, and `make check-systemd` runs it alone; the tree is made
once with debootstrap and cached in /var/cache/cta-nspawn.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
import unittest
from pathlib import Path

from test.systemd import tree as nspawn

REPO = Path(__file__).resolve().parents[2]
PACKAGE = "cockpit-traffic-accounting"
COLLECT, ROTATE = f"{PACKAGE}-collect", f"{PACKAGE}-rotate"
STORE = f"/var/lib/{PACKAGE}"
# Traffic on loopback, counted in the container's own network namespace: per source, the
# port, how many UDP datagrams and their payload size. IPv4 adds 20 + 8 header bytes.
TRAFFIC = {
    ("nft-counter", "inet", "cta", "-", "1", "sd-counter"): (5101, 11, 100),
    ("nft-rule", "inet", "cta", "out", "1", "sd-rule"): (5102, 7, 333),
    ("iptables", "ip", "filter", "OUTPUT", "1", "sd-iptables"): (5103, 5, 1000),
    ("iptables-legacy", "ip", "filter", "OUTPUT", "1", "sd-legacy"): (5104, 3, 1400),
}
RULESET = """
table inet cta {
    counter sd-counter { }
    chain out {
        type filter hook output priority 0;
        udp dport 5101 counter name "sd-counter"
        udp dport 5102 counter comment "sd-rule"
    }
}
"""
FAST = "[Timer]\nOnCalendar=\nOnCalendar=*:*:0/5\nAccuracySec=1s\nRandomizedDelaySec=0\n"

_container: nspawn.Container | None = None
_work: Path | None = None


def setUpModule() -> None:
    if os.geteuid() != 0:
        raise unittest.SkipTest("needs root: debootstrap and systemd-nspawn")
    for tool in ("debootstrap", "systemd-nspawn", "nsenter", "dpkg-buildpackage"):
        if shutil.which(tool) is None:
            raise AssertionError(f"{tool} is missing (tools/install-deps.sh installs it)")
    base = nspawn.base_tree()
    try:
        _boot(base)
    except BaseException:
        tearDownModule()        # unittest runs no tearDownModule after a failed setUpModule
        raise


def _boot(base: Path) -> None:
    global _container, _work
    _work = Path(tempfile.mkdtemp(prefix="cta-systemd-"))
    nspawn.run(["make", "-C", str(REPO), "--no-print-directory", "deb", f"PKG_OUTPUT={_work}",
                f"TARFILE={_work}/{PACKAGE}.tar.xz"])
    (_work / "ruleset.nft").write_text(RULESET)
    (REPO / "test" / "artifacts").mkdir(exist_ok=True)
    _container = nspawn.Container(base, _work, REPO / "test" / "artifacts" / "systemd-boot.log")
    # systemctl cannot connect until systemd has made its socket: ask until it answers
    deadline = time.monotonic() + 120
    while True:
        state = _container.inside(["systemctl", "is-system-running", "--wait"], timeout=120, check=False)
        if state.stdout.strip() in ("running", "degraded") or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    if state.stdout.strip() != "running":
        failed = _container.inside(["systemctl", "--failed", "--no-pager"], check=False).stdout
        raise AssertionError(f"the container did not boot: {state.stdout}{state.stderr}{failed}")


def tearDownModule() -> None:
    if _container is not None:
        _container.stop()
    if _work is not None:
        shutil.rmtree(_work, ignore_errors=True)


def inside(*argv: str, timeout: float = 120) -> str:
    assert _container is not None
    return _container.inside(list(argv), timeout=timeout).stdout


def show(unit: str, *props: str) -> dict[str, str]:
    out = inside("systemctl", "show", unit, *(f"--property={p}" for p in props))
    return dict(line.split("=", 1) for line in out.splitlines() if "=" in line)


def wait_for_run(service: str, after: int, timeout: float = 90) -> dict[str, str]:
    """Waits until `service` has finished a run that started after the monotonic time `after`
    (microseconds), and returns its properties."""
    deadline = time.monotonic() + timeout
    props: dict[str, str] = {}
    while time.monotonic() < deadline:
        props = show(service, "ExecMainStartTimestampMonotonic", "ExecMainExitTimestampMonotonic",
                     "ActiveState", "Result", "ExecMainStatus")
        started = int(props.get("ExecMainStartTimestampMonotonic") or 0)
        finished = int(props.get("ExecMainExitTimestampMonotonic") or 0)
        if started > after and finished >= started and props["ActiveState"] in ("inactive", "failed"):
            return props
        time.sleep(1)
    raise AssertionError(f"{service} did not run within {timeout} s: {props}")


def monotonic_now() -> int:
    """The container's CLOCK_MONOTONIC in microseconds (the host's: containers share it)."""
    return int(time.clock_gettime(time.CLOCK_MONOTONIC) * 1_000_000)


def send(port: int, count: int, size: int) -> None:
    code = ("import socket; s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\n"
            f"for _ in range({count}): s.sendto(b'x' * {size}, ('127.0.0.1', {port}))")
    inside("python3", "-c", code)


# Runs inside the container: every store file of every tier, plain or gzip, as JSON lines of
# [file, identity, bytes, packets] summed per file, read as docs/store-format.md says.
READ_STORE = """
import json, sys
sys.path.insert(0, "/usr/libexec/cockpit-traffic-accounting")
from cta import storefs, window
root = sys.argv[1]
# per file, what its blocks hold (a file's own sums: the tiers overlap)
for f in storefs.list_files(root):
    pf = storefs.read_file(root, f)
    sums = {}
    for r in pf.records():
        b, p = sums.get(r.ident.key(), (0, 0))
        sums[r.ident.key()] = (b + r.bytes, p + r.packets)
    for identity, (b, p) in sums.items():
        print(json.dumps(["file", f.rel, identity, b, p]))
# and the totals as the readers count them (each period once)
for ident, (b, p) in window.read_window(root, 0, 2 ** 40).totals.items():
    print(json.dumps(["total", "", ident.key(), b, p]))
"""


def _read_store() -> tuple[dict[str, dict[tuple[str, ...], tuple[int, int]]], dict[tuple[str, ...], tuple[int, int]]]:
    files: dict[str, dict[tuple[str, ...], tuple[int, int]]] = {}
    totals: dict[tuple[str, ...], tuple[int, int]] = {}
    for line in inside("python3", "-c", READ_STORE, STORE).splitlines():
        kind, name, identity, b, p = json.loads(line)
        if kind == "file":
            files.setdefault(name, {})[tuple(identity.split(" "))] = (b, p)
        else:
            totals[tuple(identity.split(" "))] = (b, p)
    return files, totals


def store_files() -> dict[str, dict[tuple[str, ...], tuple[int, int]]]:
    """Per store file, bytes and packets per counter identity."""
    return _read_store()[0]


def store_totals() -> dict[tuple[str, ...], tuple[int, int]]:
    """Bytes and packets per counter identity over the whole store, each period once (the
    helper's window reader, as installed)."""
    return _read_store()[1]


# A detail file ten days old, past the default seven days of detail: rotate moves it to hourly.
OLD = ("nft-counter", "inet", "old", "-", "1", "sd-old")
OLD_BYTES, OLD_PACKETS = 1234567, 891
WRITE_OLD_DAY = f"""
import os, time
end = (int(time.time()) // 86400 - 10) * 86400 + 43200
name = time.strftime("%Y-%m-%d", time.localtime(end - 1)) + ".cta"
os.makedirs(os.path.join("{STORE}", "detail"), mode=0o755, exist_ok=True)
path = os.path.join("{STORE}", "detail", name)
with open(path + ".tmp", "w") as f:
    f.write("#cta 1 detail 0123456789abcdef\\n")
    f.write("c 0 {' '.join(OLD)}\\n")
    f.write(f"i {{end - 300}} {{end}} 1\\n0 {OLD_BYTES} {OLD_PACKETS}\\n")
os.rename(path + ".tmp", path)
print(name)
"""


class UnderSystemd(unittest.TestCase):
    """One story in order: install, timers started, collect fires twice around traffic, rotate
    fires, the totals are exact before and after rotate."""

    def test_install_timers_collect_rotate(self) -> None:
        # the counters exist before the package, as on a router being set up
        inside("nft", "-f", "/mnt/cta/ruleset.nft")
        for tool, (key, (port, _, _)) in zip(("iptables-nft", "iptables-legacy"), list(TRAFFIC.items())[2:]):
            inside(tool, "-A", "OUTPUT", "-p", "udp", "--dport", str(port), "-m", "comment", "--comment", key[5])

        debs = list(_work.glob(f"{PACKAGE}_*_all.deb")) if _work else []
        self.assertEqual(len(debs), 1, debs)
        inside("dpkg", "-i", f"/mnt/cta/{debs[0].name}", timeout=300)

        # postinst enabled and started the timers under the running systemd; nothing else
        for unit in (COLLECT, ROTATE):
            with self.subTest(timer=unit):
                props = show(f"{unit}.timer", "ActiveState", "UnitFileState", "NextElapseUSecRealtime")
                self.assertEqual((props["ActiveState"], props["UnitFileState"]), ("active", "enabled"), props)
                self.assertEqual(show(f"{unit}.service", "UnitFileState")["UnitFileState"], "static")
        # the real schedule: the collect timer's next elapse is on a five-minute boundary
        calendar = inside("systemd-analyze", "calendar", "--iterations=2", "*:0/5")
        self.assertIn("Next elapse", calendar)
        next_collect = show(f"{COLLECT}.timer", "NextElapseUSecRealtime")["NextElapseUSecRealtime"]
        self.assertRegex(next_collect, r" \d\d:\d[05]:00 ", next_collect)

        # history from before the package's time, for rotate to move
        old_day = inside("python3", "-c", WRITE_OLD_DAY).strip()

        # then every five seconds, as an admin's drop-in would have it
        for unit in (COLLECT, ROTATE):
            inside("mkdir", "-p", f"/etc/systemd/system/{unit}.timer.d")
            inside("sh", "-c", f"printf '{FAST}' > /etc/systemd/system/{unit}.timer.d/test.conf")
        inside("systemctl", "daemon-reload")
        inside("systemctl", "restart", f"{COLLECT}.timer", f"{ROTATE}.timer")

        # the first run records where every counter starts; the traffic comes after it
        first = wait_for_run(f"{COLLECT}.service", monotonic_now())
        self.assertEqual((first["Result"], first["ExecMainStatus"]), ("success", "0"), first)
        self.assertEqual(store_totals(), {OLD: (OLD_BYTES, OLD_PACKETS)})
        for port, count, size in TRAFFIC.values():
            send(port, count, size)
        sent = monotonic_now()
        second = wait_for_run(f"{COLLECT}.service", sent)
        self.assertEqual((second["Result"], second["ExecMainStatus"]), ("success", "0"), second)

        expected = {key: (count * (size + 28), count) for key, (_, count, size) in TRAFFIC.items()}
        expected[OLD] = (OLD_BYTES, OLD_PACKETS)
        totals = store_totals()
        self.assertEqual({k: v for k, v in totals.items() if k in expected}, expected, totals)
        # nothing counted twice under another name, and nothing else (loopback is excluded)
        self.assertEqual(set(totals), set(expected), totals)
        # files as the page reads them without privileges
        modes = inside("stat", "-c", "%a %U", STORE, *(f"{STORE}/{n}" for n in ("detail", "state.json")))
        self.assertEqual(modes.split("\n")[:3], ["755 root", "755 root", "644 root"], modes)

        # the sandbox was the unit's: the service ran with only these capabilities
        caps = show(f"{COLLECT}.service", "CapabilityBoundingSet", "ProtectSystem", "NoNewPrivileges")
        self.assertEqual(sorted(caps["CapabilityBoundingSet"].split()), ["cap_net_admin", "cap_net_raw"], caps)
        self.assertEqual((caps["ProtectSystem"], caps["NoNewPrivileges"]), ("strict", "yes"), caps)
        journal = inside("journalctl", "--no-pager", "-o", "cat", "-u", f"{COLLECT}.service")
        self.assertNotIn("failed", journal.lower(), journal)

        rotated = wait_for_run(f"{ROTATE}.service", sent)
        self.assertEqual((rotated["Result"], rotated["ExecMainStatus"]), ("success", "0"), rotated)
        # the old day (format 1, upgraded by the first collect) left the detail tier, past its
        # seven days, once rolled up: its hour's, day's and month's blocks hold the same sums
        files = store_files()
        self.assertEqual([f for f in files if f.startswith(f"detail/{old_day[:-4]}")], [], files)
        for rel in (f"hourly/{old_day[:-4]}", f"daily/{old_day[:7]}"):
            self.assertEqual([files[f].get(OLD) for f in files if f in (rel + ".cta", rel + ".cta.gz")],
                             [(OLD_BYTES, OLD_PACKETS)], (rel, files))
        self.assertEqual(store_totals(), expected)

        # The interval saved on the page is the one that runs: `cta-helper schedule apply` (what
        # the page runs with superuser after saving) replaces the schedule with a drop-in of its own.
        inside("rm", f"/etc/systemd/system/{COLLECT}.timer.d/test.conf")
        self.check_interval(20, "*:*:0/20")
        self.check_interval(25, None)
        # the default again: the drop-in goes, the packaged five minutes are back
        inside("sh", "-c", f"echo '{{\"interval_seconds\": 300}}' > /etc/{PACKAGE}/config.json")
        inside("/usr/libexec/cockpit-traffic-accounting/cta-helper", "schedule", "apply")
        self.assertNotIn(f"{COLLECT}.timer.d", inside("ls", "-A", "/etc/systemd/system/"))
        timer = show(f"{COLLECT}.timer", "TimersCalendar", "ActiveState")
        self.assertIn("OnCalendar=*-*-* *:00/5:00", timer["TimersCalendar"], timer)
        self.assertEqual(timer["ActiveState"], "active")

    def check_interval(self, seconds: int, calendar: str | None) -> None:
        """Sets interval_seconds, applies it, and sees the timer's next runs that far apart."""
        inside("sh", "-c", f"echo '{{\"interval_seconds\": {seconds}}}' > /etc/{PACKAGE}/config.json")
        inside("/usr/libexec/cockpit-traffic-accounting/cta-helper", "schedule", "apply")
        self.assertEqual(show(f"{COLLECT}.timer", "ActiveState")["ActiveState"], "active")
        # one line per timer, so not through show()
        timers = inside("systemctl", "show", f"{COLLECT}.timer", "--property=TimersCalendar", "--property=TimersMonotonic")
        if calendar is not None:
            self.assertIn(f"OnCalendar={calendar}", inside("systemctl", "cat", f"{COLLECT}.timer"))
            self.assertEqual(timers.count("OnCalendar="), 1, timers)
            self.assertNotIn("TimersMonotonic={", timers)
        else:
            self.assertNotIn("OnCalendar=", timers)
            self.assertIn(f"OnBootUSec={seconds}s", timers)
            self.assertIn(f"OnUnitActiveUSec={seconds}s", timers)
        # two runs in a row, started the interval apart (systemd's AccuracySec=1s allows a second)
        first = wait_for_run(f"{COLLECT}.service", monotonic_now(), timeout=seconds + 30)
        second = wait_for_run(f"{COLLECT}.service", int(first["ExecMainStartTimestampMonotonic"]), timeout=seconds + 30)
        for run in (first, second):
            self.assertEqual((run["Result"], run["ExecMainStatus"]), ("success", "0"), run)
        gap = (int(second["ExecMainStartTimestampMonotonic"]) - int(first["ExecMainStartTimestampMonotonic"])) / 1e6
        self.assertAlmostEqual(gap, seconds, delta=1.5)


RULES = f"{PACKAGE}-rules"
RULE_KEY = ("nft-rule", "inet", "cta_accounting", "r_sd", "1", "sd-rules")
RULES_CONFIG = json.dumps({"interval_seconds": 20, "rules": [{"id": "sd", "name": "sd-rules", "kind": "port", "protocol": "udp", "port": 5105,
                                      "direction": "in", "hook": "output"}]})


class UnderSystemdRules(unittest.TestCase):
    """Runs after UnderSystemd (unittest orders classes by name), in the same container, with
    the package installed; collect every 20 seconds (`schedule apply`). The rules' unit, enabled by the package,
    loads the configured table in its sandbox (a real reboot is not part of this test); collect
    counts it, and restores it after `nft flush ruleset`, with a note, under its own sandbox."""

    def test_rules_unit_loads_and_collect_restores(self) -> None:
        self.assertIn("Status: install ok installed", inside("dpkg", "-s", PACKAGE))
        props = show(f"{RULES}.service", "UnitFileState", "After", "WantedBy")
        self.assertEqual(props["UnitFileState"], "enabled", props)
        self.assertTrue({"nftables.service", "firewalld.service"} <= set(props["After"].split()), props)
        inside("sh", "-c", f"printf '%s' '{RULES_CONFIG}' > /etc/{PACKAGE}/config.json")
        # collect every 20 s (UnderSystemd leaves the packaged five minutes)
        inside("/usr/libexec/cockpit-traffic-accounting/cta-helper", "schedule", "apply")
        inside("systemctl", "start", f"{RULES}.service", timeout=120)
        ran = show(f"{RULES}.service", "Result", "ExecMainStatus")
        self.assertEqual((ran["Result"], ran["ExecMainStatus"]), ("success", "0"), ran)
        self.assertIn("udp dport 5105 jump r_sd", inside("nft", "list", "table", "inet", "cta_accounting"))

        send(5105, 4, 200)
        wait_for_run(f"{COLLECT}.service", monotonic_now())
        self.assertEqual(store_totals().get(RULE_KEY), (4 * 228, 4))
        # flushed: the next collect loads it again and notes the gap; what is sent meanwhile is lost
        inside("nft", "flush", "ruleset")
        restored = wait_for_run(f"{COLLECT}.service", monotonic_now())
        self.assertEqual((restored["Result"], restored["ExecMainStatus"]), ("success", "0"), restored)
        self.assertIn("udp dport 5105 jump r_sd", inside("nft", "list", "table", "inet", "cta_accounting"))
        self.assertIn("was missing", inside("cat", f"{STORE}/notes.json"))
        send(5105, 2, 300)
        wait_for_run(f"{COLLECT}.service", monotonic_now())
        self.assertEqual(store_totals().get(RULE_KEY), (4 * 228 + 2 * 328, 6))


if __name__ == "__main__":
    unittest.main()
