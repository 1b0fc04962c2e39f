# SPDX-License-Identifier: LGPL-2.1-or-later
"""A minimal Debian tree to boot with systemd-nspawn, made once with debootstrap and cached
outside the repository, and a booted container around a throw-away copy of it.

The tree comes from the Debian mirror that apt on this machine uses, read at run time from apt's
sources (never written into the repository): the release is this machine's own.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import re
import shutil
import subprocess
import time
from pathlib import Path

CACHE = Path(os.environ.get("CTA_NSPAWN_CACHE", "/var/cache/cta-nspawn"))
# What the tree holds besides debootstrap's minimal base: systemd to boot, the firewall tools
# whose counters the helper reads, and what the package depends on (installed before the
# package, as apt would, since the container has no network while the package is installed).
BOOT = ["systemd", "systemd-sysv", "dbus", "nftables", "iptables", "python3"]
DEPENDS = ["cockpit-bridge"]


class TreeError(Exception):
    pass


def run(argv: list[str], timeout: float = 900, env: dict[str, str] | None = None,
        check: bool = True) -> subprocess.CompletedProcess[str]:
    full = dict(os.environ, LC_ALL="C.UTF-8", DEBIAN_FRONTEND="noninteractive")
    full.update(env or {})
    p = subprocess.run(argv, capture_output=True, text=True, timeout=timeout, env=full)
    if check and p.returncode != 0:
        tail = "\n".join((p.stdout + p.stderr).splitlines()[-30:])
        raise TreeError(f"{' '.join(argv)} exited {p.returncode}:\n{tail}")
    return p


def codename() -> str:
    text = Path("/etc/os-release").read_text()
    m = re.search(r"(?m)^VERSION_CODENAME=\"?([a-z]+)\"?$", text)
    if not m:
        raise TreeError("/etc/os-release names no VERSION_CODENAME: not a Debian release")
    return m.group(1)


def _one_line_sources(text: str) -> list[tuple[list[str], list[str], list[str]]]:
    """`deb [options] URI SUITE COMPONENT...` lines as (types, URIs, suites)."""
    entries = []
    for line in text.splitlines():
        words = re.sub(r"\[[^]]*\]", " ", line.split("#", 1)[0]).split()
        if len(words) >= 3:
            entries.append(([words[0]], [words[1]], [words[2]]))
    return entries


def _deb822_sources(text: str) -> list[tuple[list[str], list[str], list[str]]]:
    entries = []
    for stanza in re.split(r"\n\s*\n", text):
        fields: dict[str, str] = {}
        for line in stanza.splitlines():
            if line.startswith("#") or ":" not in line or line[:1].isspace():
                continue
            key, value = line.split(":", 1)
            fields[key.strip().lower()] = value.strip()
        if fields.get("enabled", "yes").lower() == "no":
            continue
        entries.append((fields.get("types", "").split(), fields.get("uris", "").split(),
                        fields.get("suites", "").split()))
    return entries


def debian_mirror(suite: str, apt_dir: Path = Path("/etc/apt")) -> str:
    """The first mirror apt is configured with for `suite` itself (not its -security or
    -updates suites), from sources.list and sources.list.d/*.list and *.sources."""
    entries = []
    files = [apt_dir / "sources.list", *sorted((apt_dir / "sources.list.d").glob("*"))]
    for path in files:
        if not path.is_file():
            continue
        if path.name == "sources.list" or path.suffix == ".list":
            entries += _one_line_sources(path.read_text())
        elif path.suffix == ".sources":
            entries += _deb822_sources(path.read_text())
    for types, uris, suites in entries:
        if "deb" in types and suite in suites and uris:
            return uris[0]
    raise TreeError(f"apt has no 'deb' source for {suite} in {apt_dir}/sources.list or sources.list.d/")


def base_tree() -> Path:
    """The cached tree, made now if it is missing. Several runs at once wait for one another."""
    suite = codename()
    key = hashlib.sha256(" ".join([suite, *BOOT, "|", *DEPENDS]).encode()).hexdigest()[:12]
    tree = CACHE / f"{suite}-{key}"
    CACHE.mkdir(parents=True, exist_ok=True)
    with open(CACHE / "lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if (tree / "etc" / "os-release").exists():
            return tree
        scratch = CACHE / f"{tree.name}.tmp"
        shutil.rmtree(scratch, ignore_errors=True)
        # The package's dependencies are installed with apt inside the tree rather than by
        # debootstrap's --include, which resolves dependencies too simply for cockpit-bridge's.
        run(["debootstrap", "--variant=minbase", f"--include={','.join(BOOT)}", suite, str(scratch),
             debian_mirror(suite)], timeout=1800)
        run(["systemd-nspawn", "-D", str(scratch), "--register=no", "--keep-unit", "--quiet", "sh", "-c",
             "apt-get update -q && apt-get install -y -q --no-install-recommends \"$@\" && apt-get clean",
             "sh", *DEPENDS], timeout=1800)
        scratch.rename(tree)
        return tree


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            # the fields after the command name, which is in parentheses and may hold spaces
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


class Container:
    """A booted throw-away copy of the tree (`--ephemeral`), in a network namespace of its own
    that holds only loopback. `inside()` runs a command in its namespaces."""

    def __init__(self, tree: Path, bind: Path, log: Path) -> None:
        self.log = open(log, "w")
        self.process = subprocess.Popen(
            ["systemd-nspawn", "-D", str(tree), "--ephemeral", "--register=no", "--keep-unit",
             "--private-network", f"--bind-ro={bind}:/mnt/cta", "--console=pipe", "-b"],
            stdin=subprocess.DEVNULL, stdout=self.log, stderr=subprocess.STDOUT)
        try:
            self.leader = self._find_leader()
        except BaseException:
            self.process.terminate()
            self.process.wait(timeout=30)
            self.log.close()
            raise

    def _find_leader(self) -> int:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise TreeError(f"systemd-nspawn exited {self.process.returncode}; see {self.log.name}")
            for child in _children(self.process.pid):
                try:
                    if Path(f"/proc/{child}/comm").read_text().strip() == "systemd":
                        return child
                except OSError:
                    pass
            time.sleep(0.2)
        raise TreeError("no systemd inside the container after 60 s")

    def inside(self, argv: list[str], timeout: float = 120, check: bool = True) -> subprocess.CompletedProcess[str]:
        return run(["nsenter", "-t", str(self.leader), "-a", "--", *argv], timeout=timeout, check=check)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.inside(["systemctl", "poweroff", "--no-block"], check=False)
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.process.terminate()
                self.process.wait(timeout=30)
        self.log.close()
