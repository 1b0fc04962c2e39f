# SPDX-License-Identifier: LGPL-2.1-or-later
"""The .deb on this machine: install, what it puts where, the page in Cockpit, the installed helper
collecting into the installed store, upgrade to the next version, remove and purge.

This machine runs no systemd, so nothing here can see a timer start: the tests check what the
maintainer scripts leave on disk (the enable links under timers.target.wants), and that the
scripts do not fail without a running systemd.
"""

from __future__ import annotations

import json
import os
import stat
import tarfile
import time
import unittest
from pathlib import Path

from test.packaging import common
from test.packaging.common import (CONFIG, CONFIG_DIR, DEFAULTS_DIR, DSH_STATE, HELPER, HELPER_DIR,
                                   METAINFO, PACKAGE, PAGE_DIR, STORE, TIMERS, UNIT_DIR, UNITS, WANTS, run)

_before: dict[str, list[str]] = {}
_refusal: str | None = None


def setUpModule() -> None:
    global _before, _refusal
    if os.geteuid() != 0:
        raise unittest.SkipTest("needs root: dpkg -i writes to /usr, /etc and /var/lib (CI runs as root)")
    _refusal = common.real_installation()
    if _refusal:
        raise unittest.SkipTest(_refusal)
    common.build()
    common.MARKER.write_text(f"{os.getpid()}\n")
    common.purge()
    _before = common.machine_state()


def tearDownModule() -> None:
    if _refusal is not None or not common.MARKER.exists():
        return
    common.purge()
    after = common.machine_state()
    common.MARKER.unlink()
    if after != _before:
        raise AssertionError(f"the machine was not left as it was: before {_before}, after {after}")


def require_units(case: unittest.TestCase) -> None:
    """A unit missing from the source is a broken package, never a reason to skip."""
    missing = [u for u in UNITS if u not in common.build().source_units]
    if missing:
        case.fail(f"the source tarball lacks helper/systemd/{', '.join(missing)}")


def require_helper(case: unittest.TestCase) -> None:
    if not common.build().source_helper:
        case.fail("the source tarball lacks helper/cta-helper")


def tree(path: Path) -> dict[str, str]:
    """Every file under path with its SHA-256, by relative name."""
    return {str(p.relative_to(path)): common.sha256(p) for p in sorted(path.rglob("*")) if p.is_file()}


def tarball_member(name: str) -> bytes:
    b = common.build()
    with tarfile.open(b.tarball) as tar:
        member = tar.extractfile(f"{PACKAGE}-{common.version()}/{name}")
        assert member is not None, name
        return member.read()


class Traffic:
    """Two network namespaces joined by a veth pair, so that the installed helper, run in B with
    its default store and configuration, sees an interface whose counters certainly move."""

    def __init__(self) -> None:
        tag = f"{os.getpid()}"
        self.a, self.b = f"ctapkgA{tag}", f"ctapkgB{tag}"
        self.va, self.vb = f"ctp{tag}a"[:15], f"ctp{tag}b"[:15]

    def __enter__(self) -> "Traffic":
        for ns in (self.a, self.b):
            run(["ip", "netns", "add", ns])
            run(["ip", "-n", ns, "link", "set", "lo", "up"])
        run(["ip", "link", "add", self.va, "netns", self.a, "type", "veth", "peer", "name", self.vb,
             "netns", self.b])
        run(["ip", "-n", self.a, "addr", "add", "10.232.0.1/24", "dev", self.va])
        run(["ip", "-n", self.b, "addr", "add", "10.232.0.2/24", "dev", self.vb])
        run(["ip", "-n", self.a, "link", "set", self.va, "up"])
        run(["ip", "-n", self.b, "link", "set", self.vb, "up"])
        return self

    def __exit__(self, *exc: object) -> None:
        for ns in (self.a, self.b):
            run(["ip", "netns", "del", ns], check=False)

    def send(self, packets: int = 20, size: int = 1000) -> None:
        code = ("import socket\ns = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\n"
                f"for _ in range({packets}): s.sendto(b'x' * {size}, ('10.232.0.2', 9))\n")
        run(["ip", "netns", "exec", self.a, "/usr/bin/python3", "-c", code])

    def collect(self) -> dict[str, object]:
        # the helper's clock has one-second resolution: two collections never share a second
        time.sleep(1.1)
        out = run(["ip", "netns", "exec", self.b, str(HELPER), "collect", "--json"]).stdout
        return dict(json.loads(out))


def collect_twice() -> dict[str, object]:
    """A baseline, traffic, and a collection that writes it: what the timer does every 5 minutes."""
    with Traffic() as t:
        t.collect()
        t.send()
        return t.collect()


class FreshInstall(unittest.TestCase):
    """One installation of version N, inspected by every test of this class."""

    dpkg: str

    @classmethod
    def setUpClass(cls) -> None:
        common.purge()
        p = common.install(common.build().deb)
        cls.dpkg = p.stdout + p.stderr

    @classmethod
    def tearDownClass(cls) -> None:
        common.purge()

    def test_installed(self) -> None:
        self.assertEqual(common.dpkg_status(), "install ok installed")
        self.assertEqual(common.dpkg_version(), f"{common.version()}-1")
        # deb-systemd-helper reports the links it makes; nothing else belongs on stderr
        for line in self.dpkg.splitlines():
            self.assertNotRegex(line, r"(?i)warning|error|fail", self.dpkg)

    def test_page_is_the_built_page(self) -> None:
        self.assertTrue((PAGE_DIR / "manifest.json").is_file())
        for name in ("manifest.json", "index.html", "index.js"):
            with self.subTest(name=name):
                self.assertEqual((PAGE_DIR / name).read_bytes(), tarball_member(f"dist/{name}"))
        manifest = json.loads((PAGE_DIR / "manifest.json").read_text())
        self.assertEqual(manifest["menu"]["index"]["label"], "Traffic Accounting")

    def test_cockpit_bridge_lists_the_page(self) -> None:
        packages = common.bridge_packages()
        self.assertTrue(common.lists_page(packages), packages)

    def test_helper_files_and_modes(self) -> None:
        require_helper(self)
        self.assertEqual(stat.S_IMODE(HELPER.stat().st_mode), 0o755)
        modules = sorted((HELPER_DIR / "cta").glob("*.py"))
        self.assertIn(HELPER_DIR / "cta" / "cli.py", modules)
        for m in modules:
            with self.subTest(module=m.name):
                self.assertEqual(stat.S_IMODE(m.stat().st_mode), 0o644)
                self.assertEqual(m.read_bytes(), tarball_member(f"helper/cta/{m.name}"))
        self.assertEqual(list(HELPER_DIR.rglob("__pycache__")), [])

    def test_store_directory(self) -> None:
        st = STORE.stat()
        self.assertTrue(stat.S_ISDIR(st.st_mode))
        self.assertEqual((stat.S_IMODE(st.st_mode), st.st_uid, st.st_gid), (0o755, 0, 0))
        owners = run(["dpkg", "-S", str(STORE)]).stdout
        self.assertIn(PACKAGE, owners)

    def test_default_configuration(self) -> None:
        self.assertEqual((stat.S_IMODE(CONFIG_DIR.stat().st_mode), CONFIG_DIR.stat().st_uid), (0o755, 0))
        self.assertEqual(stat.S_IMODE(CONFIG.stat().st_mode), 0o644)
        self.assertEqual(CONFIG.read_bytes(), tarball_member("packaging/config.json"))
        self.assertEqual(CONFIG.read_bytes(), (DEFAULTS_DIR / "config.json").read_bytes())
        # created by postinst, not a conffile: the page rewrites it, and upgrades must not ask
        conffiles = run(["dpkg-query", "-W", "-f=${Conffiles}", PACKAGE]).stdout
        self.assertNotIn(str(CONFIG), conffiles)

    def test_metainfo_installed_and_valid(self) -> None:
        self.assertEqual(METAINFO.read_bytes(), tarball_member(f"packaging/{common.APPSTREAM_ID}.metainfo.xml"))
        p = run(["appstreamcli", "validate", "--no-net", str(METAINFO)], check=False)
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)

    def test_documentation(self) -> None:
        docs = Path(f"/usr/share/doc/{PACKAGE}")
        with tarfile.open(common.build().tarball) as tar:
            top = f"{PACKAGE}-{common.version()}/"
            sources = [m.name[len(top):] for m in tar.getmembers()
                       if m.name.startswith(top + "docs/") and m.name.endswith(".md")]
        for name in ["README.md", *sources]:
            with self.subTest(doc=name):
                self.assertEqual((docs / Path(name).name).read_bytes(), tarball_member(name))
        # what the units' Documentation= points at is there, uncompressed
        for unit in common.installed_units():
            for line in (UNIT_DIR / unit).read_text().splitlines():
                if not line.startswith("Documentation=file:"):
                    continue
                target = Path(line.split(":", 1)[1])
                with self.subTest(unit=unit, documentation=str(target)):
                    self.assertIn(f"docs/{target.name}", sources,
                                  f"Documentation= in {unit} names a document the source lacks")
                    self.assertTrue(target.is_file())

    def test_units_installed_and_verify_clean(self) -> None:
        require_units(self)
        paths = [str(UNIT_DIR / u) for u in UNITS]
        for path in paths:
            self.assertTrue(Path(path).is_file(), path)
        p = run(["systemd-analyze", "verify", *paths], check=False)
        self.assertEqual(p.stderr, "", "systemd-analyze verify complained")
        self.assertEqual(p.returncode, 0, p.stdout)

    def test_timers_enabled_services_not(self) -> None:
        require_units(self)
        for timer in TIMERS:
            link = WANTS / timer
            with self.subTest(timer=timer):
                self.assertTrue(link.is_symlink(), f"{link} missing: the timer is not enabled")
                self.assertEqual(Path(os.readlink(link)).name, timer)
                self.assertTrue(link.exists(), f"{link} dangles")
        # the services run when their timers fire; nothing enables them on their own
        for service in common.SERVICES:
            self.assertEqual(list(Path("/etc/systemd/system").rglob(service)), [])
        # the rules' table is loaded at boot
        link = common.BOOT_WANTS / common.RULES_SERVICE
        self.assertTrue(link.is_symlink() and link.exists(), f"{link} missing: the rules are not loaded at boot")

    def test_installed_helper_collects_into_installed_store(self) -> None:
        require_helper(self)
        summary = collect_twice()
        self.assertTrue(summary["written"], summary)
        self.assertGreaterEqual(int(str(summary["changed"])), 1, summary)
        files = sorted((STORE / "detail").glob("*.cta"))
        self.assertTrue(files, f"no detail file in {STORE}: {sorted(STORE.rglob('*'))}")
        text = "".join(f.read_text() for f in files)
        self.assertIn("ctp", text, "the veth interface's counter is not in the store")
        for f in files:
            self.assertEqual(stat.S_IMODE(f.stat().st_mode), 0o644, f)
        status = run([str(HELPER), "status", "--json"]).stdout
        self.assertIsNotNone(json.loads(status)["last_collection"])


class Lifecycle(unittest.TestCase):
    """Upgrade, remove and purge, each from a fresh installation of version N."""

    def setUp(self) -> None:
        common.purge()
        common.install(common.build().deb)

    def tearDown(self) -> None:
        common.purge()

    def admin_changes(self) -> tuple[dict[str, str], bytes]:
        """Collected history and a configuration an admin saved: what must survive."""
        if common.build().source_helper:
            collect_twice()
        # a file of the admin's own, whatever the helper writes
        (STORE / "detail").mkdir(exist_ok=True)
        (STORE / "detail" / "2000-01-01.cta").write_text("kept by the packaging tests\n")
        config = json.loads(CONFIG.read_text())
        config["interval_seconds"] = 600
        config["retention"]["detail_days"] = 14
        CONFIG.write_text(json.dumps(config, indent=2) + "\n")
        return tree(STORE), CONFIG.read_bytes()

    def test_upgrade_keeps_store_configuration_and_timers(self) -> None:
        store, config = self.admin_changes()
        p = common.install(common.build().next_deb)
        self.assertNotRegex(p.stdout + p.stderr, r"(?i)conffile|warning|error")
        self.assertEqual(common.dpkg_version(), f"{common.version()}-2")
        self.assertEqual(tree(STORE), store)
        self.assertEqual(CONFIG.read_bytes(), config)
        self.assertTrue((PAGE_DIR / "manifest.json").is_file())
        if common.build().source_units:
            for timer in TIMERS:
                self.assertTrue((WANTS / timer).exists(), f"{timer} no longer enabled after the upgrade")

    def test_upgrade_does_not_recreate_a_deleted_configuration(self) -> None:
        CONFIG.unlink()     # the admin chose the documented defaults
        common.install(common.build().next_deb)
        self.assertFalse(CONFIG.exists())

    def test_remove_keeps_store_and_configuration_purge_deletes_them(self) -> None:
        store, config = self.admin_changes()
        had_units = common.installed_units()

        run(["dpkg", "--remove", PACKAGE])
        self.assertEqual(common.dpkg_status(), "deinstall ok config-files")
        for gone in (PAGE_DIR, HELPER_DIR, DEFAULTS_DIR, METAINFO, *(UNIT_DIR / u for u in UNITS)):
            self.assertFalse(gone.exists(), f"{gone} is left after remove")
        self.assertFalse(common.lists_page(common.bridge_packages()))
        self.assertEqual(tree(STORE), store)
        self.assertEqual(CONFIG.read_bytes(), config)
        # Debian keeps the enable links until purge, so that a reinstall keeps an admin's choice;
        # with the unit files gone they point nowhere, and systemd cannot start the timers.
        for timer in TIMERS:
            self.assertFalse((WANTS / timer).exists(), f"{timer} can still be started after remove")
        if had_units:
            for timer in TIMERS:
                self.assertTrue((WANTS / timer).is_symlink(), f"{timer}: the enable link went at remove")

        run(["dpkg", "--purge", PACKAGE])
        self.assertIsNone(common.dpkg_status())
        self.assertFalse(STORE.exists(), "purge left the store")
        self.assertFalse(CONFIG_DIR.exists(), "purge left the configuration")
        for timer in TIMERS:
            self.assertFalse((WANTS / timer).is_symlink(), f"purge left the enable link of {timer}")
        self.assertEqual([p for p in DSH_STATE.rglob("*") if PACKAGE in p.name], [])

    def test_reinstall_after_remove_enables_the_timers_again(self) -> None:
        require_units(self)
        run(["dpkg", "--remove", PACKAGE])
        common.install(common.build().deb)
        for timer in TIMERS:
            self.assertTrue((WANTS / timer).exists(), f"{timer} not enabled after reinstall")


class WithSystemdRunning(unittest.TestCase):
    """The maintainer scripts as they behave on a host where systemd runs: they start the timers
    on install, restart them on upgrade, stop them on remove, and never touch the services.
    (Stand-ins record the calls; no real systemd is there to start anything.)"""

    def setUp(self) -> None:
        require_units(self)
        common.purge()
        self.systemd = common.FakeSystemd()

    def tearDown(self) -> None:
        common.purge()
        self.systemd.close()

    def test_start_on_install_restart_on_upgrade_stop_on_remove(self) -> None:
        timers = " ".join(TIMERS)
        calls = self.systemd.run(["dpkg", "-i", str(common.build().deb)])
        self.assertIn(f"deb-systemd-invoke start {timers}", calls)
        calls += (upgrade := self.systemd.run(["dpkg", "-i", str(common.build().next_deb)]))
        self.assertIn(f"deb-systemd-invoke restart {timers}", upgrade)
        calls += (remove := self.systemd.run(["dpkg", "--remove", PACKAGE]))
        self.assertIn(f"deb-systemd-invoke stop {timers}", remove)
        calls += self.systemd.run(["dpkg", "--purge", PACKAGE])
        # the services are never started by the package; the rules' one is only enabled (a preset)
        # and stopped on remove
        starts = {"start", "restart", "try-restart", "reload-or-restart", "reload"}
        self.assertEqual([c for c in calls if ".service" in c and starts & set(c.split())], [])
        self.assertEqual({c.split()[-1] for c in calls if ".service" in c}, {common.RULES_SERVICE})
        self.assertIsNone(common.dpkg_status())


if __name__ == "__main__":
    unittest.main()
