# SPDX-License-Identifier: LGPL-2.1-or-later
"""What the packaging tests share: the packages built once per run, commands, and the guard that
lets them install a package on this machine only when nothing of a real installation is there.

The packages are built from `make dist` into a temporary directory, never into the work tree.
Installing the .deb writes to the real /usr, /etc and /var/lib of this machine (test machines are
throw-away); every test that installs purges again, and the module's teardown checks that the
machine is left as it was.
"""

from __future__ import annotations

import atexit
import hashlib
import json
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
PACKAGE = "cockpit-traffic-accounting"
PAGE_DIR = Path("/usr/share/cockpit/traffic-accounting")
HELPER_DIR = Path(f"/usr/libexec/{PACKAGE}")
HELPER = HELPER_DIR / "cta-helper"
DEFAULTS_DIR = Path(f"/usr/share/{PACKAGE}")
APPSTREAM_ID = "org.cockpit_project.traffic_accounting"
METAINFO = Path(f"/usr/share/metainfo/{APPSTREAM_ID}.metainfo.xml")
STORE = Path(f"/var/lib/{PACKAGE}")
CONFIG_DIR = Path(f"/etc/{PACKAGE}")
CONFIG = CONFIG_DIR / "config.json"


def _unit_dir() -> Path:
    """Where this Debian's packages put units, as packaging/debian/rules asks pkg-config."""
    p = subprocess.run(["pkg-config", "--variable=systemdsystemunitdir", "systemd"],
                       capture_output=True, text=True)
    return Path(p.stdout.strip() or "/lib/systemd/system")


UNIT_DIR = _unit_dir()
WANTS = Path("/etc/systemd/system/timers.target.wants")
DSH_STATE = Path("/var/lib/systemd/deb-systemd-helper-enabled")
TIMERS = (f"{PACKAGE}-collect.timer", f"{PACKAGE}-rotate.timer")
SERVICES = (f"{PACKAGE}-collect.service", f"{PACKAGE}-rotate.service")
# enabled (multi-user.target) to load the configured rules' table at boot; never started by the package
RULES_SERVICE = f"{PACKAGE}-rules.service"
BOOT_WANTS = Path("/etc/systemd/system/multi-user.target.wants")
UNITS = SERVICES + TIMERS + (RULES_SERVICE,)
# What the top of the work tree and rpm's scratch directory held before this run built anything.
REPO_ROOT_BEFORE = frozenset(p.name for p in REPO.iterdir())
RPM_SCRATCH_BEFORE = frozenset(Path("/var/tmp").glob("rpm-tmp.*"))
# Left behind by a run that was killed before its teardown; a new run may purge what it finds.
MARKER = Path(f"/var/tmp/{PACKAGE}-packaging-test.running")


class CommandFailed(AssertionError):
    pass


def run(argv: list[str], check: bool = True, cwd: Path | None = None, umask: int | None = None,
        env: dict[str, str] | None = None, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    full_env = dict(os.environ, LC_ALL="C.UTF-8", DEBIAN_FRONTEND="noninteractive")
    full_env.update(env or {})
    preexec = (lambda: os.umask(umask)) if umask is not None else None  # noqa: E731
    proc = subprocess.run(argv, capture_output=True, text=True, cwd=cwd, env=full_env,
                          preexec_fn=preexec, timeout=timeout)
    if check and proc.returncode != 0:
        tail = "\n".join((proc.stdout + proc.stderr).splitlines()[-40:])
        raise CommandFailed(f"{' '.join(argv)} exited {proc.returncode}:\n{tail}")
    return proc


def cockpit_required() -> str:
    """The Cockpit version manifest.json requires, which the packages depend on."""
    return str(json.loads((REPO / "manifest.json").read_text())["requires"]["cockpit"])


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def version() -> str:
    return str(json.loads((REPO / "package.json").read_text())["version"])


def head() -> str:
    return run(["git", "rev-parse", "HEAD"], cwd=REPO).stdout.strip()


@dataclass
class Build:
    work: Path
    tarball: Path
    deb: Path
    next_deb: Path           # the same source as version N+1 (Debian revision 2)
    rpm: Path
    source_units: tuple[str, ...]      # helper/systemd/ units the tarball carries
    source_helper: bool                # whether the tarball carries helper/cta-helper


_build: Build | None = None


def build() -> Build:
    """Builds the tarball, the .deb, the .rpm and a .deb of the next version, once per run."""
    global _build
    if _build is not None:
        return _build
    work = Path(tempfile.mkdtemp(prefix="cta-packaging-"))
    tarball = work / f"{PACKAGE}-{version()}.tar.xz"
    run(["make", "-C", str(REPO), "--no-print-directory", "deb", "rpm", f"PKG_OUTPUT={work}",
         f"TARFILE={tarball}"])
    debs = sorted(work.glob(f"{PACKAGE}_*_all.deb"))
    rpms = sorted(work.glob(f"{PACKAGE}-*.noarch.rpm"))
    if len(debs) != 1 or len(rpms) != 1:
        raise AssertionError(f"make deb rpm made {debs} and {rpms} in {work}")
    names = run(["tar", "-tf", str(tarball)]).stdout.split()
    prefix = f"{PACKAGE}-{version()}/"
    units = tuple(sorted(n[len(prefix + "helper/systemd/"):] for n in names
                         if n.startswith(prefix + "helper/systemd/") and not n.endswith("/")))
    _build = Build(work, tarball, debs[0], _next_deb(work, tarball), rpms[0], units,
                   prefix + "helper/cta-helper" in names)
    return _build


def _next_deb(work: Path, tarball: Path) -> Path:
    """The .deb of this source with the Debian revision bumped, as the next release would be."""
    top = work / "next"
    top.mkdir()
    run(["tar", "-xf", str(tarball), "-C", str(top)])
    src = top / f"{PACKAGE}-{version()}"
    shutil.copytree(src / "packaging" / "debian", src / "debian")
    changelog = src / "debian" / "changelog"
    old = changelog.read_text()
    date = run(["date", "-R", "-u"]).stdout.strip()
    entry = (f"{PACKAGE} ({version()}-2) unstable; urgency=medium\n\n"
             "  * Test upgrade built by test/packaging.\n\n"
             f" -- Packaging tests <packaging-tests@localhost>  {date}\n\n")
    changelog.write_text(entry + old)
    run(["dpkg-buildpackage", "-us", "-uc", "-b"], cwd=src)
    return top / f"{PACKAGE}_{version()}-2_all.deb"


def rebuild(target: str, name: str, *make_args: str) -> Path:
    """`make deb` or `make rpm` again from the same tarball (not remade) into a new directory."""
    b = build()
    out = Path(tempfile.mkdtemp(prefix=f"{name}-", dir=b.work))
    proc = run(["make", "-C", str(REPO), "--no-print-directory", target, "-o", str(b.tarball),
                f"TARFILE={b.tarball}", f"PKG_OUTPUT={out}", *make_args])
    (out / "build.log").write_text(proc.stdout + proc.stderr)
    return out


@atexit.register
def cleanup_build() -> None:
    if _build is not None:
        shutil.rmtree(_build.work, ignore_errors=True)


# ---- the machine ----

def dpkg_status() -> str | None:
    """dpkg's status of the package ("install ok installed", "deinstall ok config-files"), or None."""
    p = run(["dpkg-query", "-W", "-f=${Status}", PACKAGE], check=False)
    return p.stdout.strip() if p.returncode == 0 and p.stdout.strip() else None


def dpkg_version() -> str:
    return run(["dpkg-query", "-W", "-f=${Version}", PACKAGE]).stdout.strip()


def real_installation() -> str | None:
    """Why this machine must not get the package installed by a test, or None if it may."""
    if MARKER.exists():
        return None             # whatever is there was left by a killed run of this suite
    if dpkg_status() is not None:
        return (f"{PACKAGE} is installed here ({dpkg_status()}); the suite would purge it. "
                f"Run `dpkg -P {PACKAGE}` to let it install its own")
    for path in (PAGE_DIR, HELPER_DIR, STORE, CONFIG_DIR):
        if path.exists():
            return f"{path} exists without the package (a `make install`?); the suite would delete it"
    return None


def purge() -> None:
    if dpkg_status() is not None:
        run(["dpkg", "--purge", PACKAGE])


def install(deb: Path) -> subprocess.CompletedProcess[str]:
    return run(["dpkg", "-i", str(deb)])


def machine_state() -> dict[str, list[str]]:
    """What the package may touch outside its own files, to compare before and after the suite."""
    def listing(d: Path) -> list[str]:
        return sorted(str(p.relative_to(d)) for p in d.rglob("*")) if d.exists() else []
    return {
        "wants": listing(WANTS),
        "boot_wants": [p for p in listing(BOOT_WANTS) if PACKAGE in p],
        "dsh": [p for p in listing(DSH_STATE) if PACKAGE in p],
        "paths": [str(p) for p in (PAGE_DIR, HELPER_DIR, DEFAULTS_DIR, METAINFO, STORE, CONFIG_DIR)
                  if p.exists()],
        "units": [u for u in UNITS if (UNIT_DIR / u).exists()],
        "rpm_scratch": sorted(str(p) for p in Path("/var/tmp").glob("rpm-tmp.*")),
    }


STUB = """#!/bin/sh
echo "$(basename "$0") $*" >> "{log}"
"""
# A private mount namespace in which /run/systemd/system exists: what the maintainer scripts test
# to learn that systemd runs. Nothing outside the namespace sees it.
SYSTEMD_RUNS = 'mount -t tmpfs cta-test /run/systemd && mkdir /run/systemd/system && exec "$@"'


class FakeSystemd:
    """systemctl and deb-systemd-invoke stand-ins that record what scripts ask of them."""

    def __init__(self) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="cta-fake-systemd-"))
        self.log = self.dir / "calls"
        self.log.write_text("")
        for name in ("systemctl", "deb-systemd-invoke"):
            stub = self.dir / name
            stub.write_text(STUB.format(log=self.log))
            stub.chmod(0o755)

    def run(self, argv: list[str], env: dict[str, str] | None = None) -> list[str]:
        """Runs argv as if systemd ran; returns the calls it made to systemd."""
        before = self.log.read_text()
        full = {"PATH": f"{self.dir}:{os.environ.get('PATH', '/usr/sbin:/usr/bin:/sbin:/bin')}"}
        full.update(env or {})
        run(["unshare", "--mount", "--propagation", "private", "sh", "-c", SYSTEMD_RUNS, "sh",
             "env", *(f"{k}={v}" for k, v in full.items()), *argv])
        return self.log.read_text()[len(before):].splitlines()

    def close(self) -> None:
        shutil.rmtree(self.dir, ignore_errors=True)


def installed_units() -> list[str]:
    return [u for u in UNITS if (UNIT_DIR / u).exists()]


def bridge_packages() -> str:
    # A throw-away HOME: a developer's `make devel-install` link must not answer for the package.
    home = tempfile.mkdtemp(prefix="cta-home-")
    try:
        return run(["cockpit-bridge", "--packages"], env={"HOME": home, "XDG_DATA_HOME": f"{home}/.local/share"}).stdout
    finally:
        shutil.rmtree(home, ignore_errors=True)


def lists_page(packages: str) -> bool:
    return any(line.split()[:1] == ["traffic-accounting"] and line.rstrip().endswith(str(PAGE_DIR))
               for line in packages.splitlines())
