# SPDX-License-Identifier: LGPL-2.1-or-later
"""The .rpm, read with rpm -qp (Debian cannot install it): its file list, modes, owners, config
flags, dependencies and scriptlets."""

from __future__ import annotations

import os
import subprocess
import tarfile
import unittest

from test.packaging import common
from test.packaging.common import PACKAGE, RULES_SERVICE, TIMERS, UNITS, run

# enabled by the preset and disabled on erase like the timers; never started or restarted
ENABLED = TIMERS + (RULES_SERVICE,)

UNIT_DIR = "/usr/lib/systemd/system"


def query(fmt: str, *options: str) -> str:
    return run(["rpm", "-qp", *options, "--qf", fmt, str(common.build().rpm)]).stdout


def expected_files() -> set[str]:
    """The file list the spec promises, from what the tarball carries."""
    b = common.build()
    prefix = f"{PACKAGE}-{common.version()}/"
    with tarfile.open(b.tarball) as tar:
        names = [m.name[len(prefix):] for m in tar.getmembers() if m.isfile()]
    files = {
        f"/etc/{PACKAGE}", f"/etc/{PACKAGE}/config.json",
        f"/usr/share/{PACKAGE}", f"/usr/share/{PACKAGE}/config.json",
        "/usr/share/cockpit/traffic-accounting",
        f"/usr/share/metainfo/{common.APPSTREAM_ID}.metainfo.xml",
        f"/usr/lib/systemd/system-preset/80-{PACKAGE}.preset",
        f"/var/lib/{PACKAGE}",
    }
    files |= {f"/usr/share/cockpit/traffic-accounting/{n[5:]}" for n in names if n.startswith("dist/")}
    if b.source_helper:
        files |= {f"/usr/libexec/{PACKAGE}", f"/usr/libexec/{PACKAGE}/cta", f"/usr/libexec/{PACKAGE}/cta-helper"}
        files |= {f"/usr/libexec/{PACKAGE}/cta/{n[11:]}" for n in names
                  if n.startswith("helper/cta/") and n.endswith(".py")}
    files |= {f"{UNIT_DIR}/{u}" for u in b.source_units}
    return files


def payload() -> dict[str, bytes]:
    """The rpm's files by name, read from rpm2cpio's "newc" archive (Debian has no cpio)."""
    data = subprocess.run(["rpm2cpio", str(common.build().rpm)], capture_output=True, check=True).stdout
    files: dict[str, bytes] = {}
    pos = 0
    while True:
        header = data[pos:pos + 110]
        if header[:6] != b"070701":
            raise AssertionError(f"not a newc cpio header at {pos}")
        size, namesize = int(header[54:62], 16), int(header[94:102], 16)
        name = data[pos + 110:pos + 110 + namesize - 1].decode()
        pos = (pos + 110 + namesize + 3) & ~3
        if name == "TRAILER!!!":
            return files
        files[name] = data[pos:pos + size]
        pos = (pos + size + 3) & ~3


class Rpm(unittest.TestCase):
    def test_name_arch_version(self) -> None:
        self.assertEqual(query("%{NAME} %{VERSION} %{ARCH}"), f"{PACKAGE} {common.version()} noarch")
        self.assertEqual(common.build().rpm.name, f"{PACKAGE}-{common.version()}-1.noarch.rpm")

    def test_file_list(self) -> None:
        listed = set(run(["rpm", "-qlp", str(common.build().rpm)]).stdout.split())
        # %doc and %license land in directories whose names differ between rpm builds
        licenses = {f for f in listed if f.startswith(f"/usr/share/licenses/{PACKAGE}")}
        self.assertTrue(any(f.endswith("/LICENSE") for f in licenses), listed)
        docs = {f for f in listed if f.startswith(f"/usr/share/doc/{PACKAGE}")} | licenses
        with tarfile.open(common.build().tarball) as tar:
            top = f"{PACKAGE}-{common.version()}/"
            sources = [m.name[len(top):] for m in tar.getmembers()
                       if m.name.startswith(top + "docs/") and m.name.endswith(".md")]
        self.assertEqual(sorted(f.rsplit("/", 1)[1] for f in docs - licenses if f.endswith(".md")),
                         sorted(["README.md", *(n[5:] for n in sources)]), listed)
        self.assertEqual(listed - docs, expected_files())

    def test_units(self) -> None:
        missing = [u for u in UNITS if u not in common.build().source_units]
        self.assertEqual(missing, [], "the source tarball lacks these units")
        listed = run(["rpm", "-qlp", str(common.build().rpm)]).stdout.split()
        for unit in UNITS:
            self.assertIn(f"{UNIT_DIR}/{unit}", listed)

    def test_modes_owners_and_config(self) -> None:
        rows = query("[%{FILEMODES:perms} %{FILEUSERNAME}:%{FILEGROUPNAME} %{FILEFLAGS:fflags}|%{FILENAMES}\n]")
        files: dict[str, list[str]] = {}
        for row in rows.splitlines():
            head, name = row.split("|")
            files[name] = head.split()
        self.assertEqual(files[f"/var/lib/{PACKAGE}"][:2], ["drwxr-xr-x", "root:root"])
        self.assertEqual(files[f"/etc/{PACKAGE}"][:2], ["drwxr-xr-x", "root:root"])
        # %config(noreplace): an admin's or the page's changes survive upgrades (.rpmnew)
        self.assertEqual(files[f"/etc/{PACKAGE}/config.json"], ["-rw-r--r--", "root:root", "cn"])
        for name, (mode, owner, *_) in files.items():
            with self.subTest(file=name):
                self.assertEqual(owner, "root:root")
                if name.endswith("/cta-helper"):
                    self.assertEqual(mode, "-rwxr-xr-x")
                elif not mode.startswith("d"):
                    self.assertEqual(mode, "-rw-r--r--")
        self.assertEqual(run(["rpm", "-qp", "--configfiles", str(common.build().rpm)]).stdout.split(),
                         [f"/etc/{PACKAGE}/config.json"])

    def test_dependencies(self) -> None:
        requires = run(["rpm", "-qp", "--requires", str(common.build().rpm)]).stdout.splitlines()
        self.assertIn(f"cockpit-bridge >= {common.cockpit_required()}", requires)
        self.assertIn("python3 >= 3.9", requires)
        recommends = run(["rpm", "-qp", "--recommends", str(common.build().rpm)]).stdout.split()
        self.assertEqual(recommends, ["nftables"])

    def test_reproducible(self) -> None:
        again = common.rebuild("rpm", "rpm-again")
        self.assertEqual(common.sha256(next(again.glob("*.rpm"))), common.sha256(common.build().rpm))

    def test_without_vendor_preset_and_check_validates_the_metainfo(self) -> None:
        out = common.rebuild("rpm", "rpm-without-preset", "RPMBUILD_OPTS=--without vendor_preset")
        listed = run(["rpm", "-qlp", str(next(out.glob("*.rpm")))]).stdout.split()
        self.assertEqual([f for f in listed if "preset" in f], [])
        self.assertIn(f"/usr/lib/systemd/system/{PACKAGE}-collect.timer", listed)
        log = (out / "build.log").read_text()
        self.assertRegex(log, r"appstreamcli validate --no-net \S+/org\.cockpit_project\.traffic_accounting\.metainfo\.xml")
        self.assertIn("Validation was successful", log)

    def test_preset_enables_the_timers_and_the_rules_unit(self) -> None:
        preset = payload()[f"./usr/lib/systemd/system-preset/80-{PACKAGE}.preset"].decode()
        self.assertEqual(preset.split("\n"), [f"enable {t}" for t in ENABLED] + [""])

    def test_scriptlets(self) -> None:
        scripts = run(["rpm", "-qp", "--scripts", str(common.build().rpm)]).stdout
        sections: dict[str, str] = {}
        current = ""
        for line in scripts.splitlines():
            if line.endswith("scriptlet (using /bin/sh):"):
                current = line.split()[0]
                sections[current] = ""
            elif current:
                sections[current] += line + "\n"
        self.assertEqual(sorted(sections), ["postinstall", "postuninstall", "preuninstall"])
        timers = " ".join(TIMERS)
        enabled = " ".join(ENABLED)
        # install: enable by preset, then start the timers; erase: stop and disable; upgrade: restart the timers
        self.assertRegex(sections["postinstall"], rf"preset[^\n]*{enabled}")
        self.assertRegex(sections["postinstall"], r"systemctl start")
        self.assertRegex(sections["preuninstall"], rf"(disable --now|remove-system-units)[^\n]*{enabled}")
        self.assertRegex(sections["postuninstall"], rf"(try-restart|mark-restart-system-units)[^\n]*{timers}")
        for name, body in sections.items():
            with self.subTest(scriptlet=name):
                # no service but the rules' one, enabled and disabled only; nothing that fails
                # the transaction without systemd
                self.assertNotIn(".service", body.replace(RULES_SERVICE, ""))
                self.assertNotRegex(body, rf"(start|restart)[^\n]*{RULES_SERVICE}")
                p = run(["sh", "-n", "-c", body], check=False)
                self.assertEqual(p.returncode, 0, p.stderr)


class RpmScriptletsWithSystemdRunning(unittest.TestCase):
    """The rpm's scriptlets run by sh as rpm would run them, with systemd stand-ins: on this
    Debian build they are the spec's fallbacks for the systemd-rpm-macros macros."""

    def setUp(self) -> None:
        if os.geteuid() != 0:
            self.skipTest("needs root: a private mount namespace shows /run/systemd/system (CI runs as root)")
        self.systemd = common.FakeSystemd()

    def tearDown(self) -> None:
        self.systemd.close()

    def scriptlet(self, tag: str, arg: int) -> list[str]:
        body = query(f"%{{{tag}}}")
        return self.systemd.run(["sh", "-e", "-c", body, tag, str(arg)])

    def test_install_enables_by_preset_and_starts(self) -> None:
        calls = self.scriptlet("POSTIN", 1)
        self.assertIn(f"systemctl --no-reload preset {' '.join(ENABLED)}", calls)
        self.assertEqual([c for c in calls if "start" in c and RULES_SERVICE in c], [])
        for timer in TIMERS:
            self.assertIn(f"systemctl start {timer}", calls)

    def test_upgrade_starts_nothing_new_and_restarts(self) -> None:
        self.assertEqual(self.scriptlet("POSTIN", 2), [])
        self.assertEqual(self.scriptlet("PREUN", 1), [])
        calls = self.scriptlet("POSTUN", 1)
        self.assertIn(f"systemctl try-restart {' '.join(TIMERS)}", calls)

    def test_erase_stops_and_disables(self) -> None:
        self.assertEqual(self.scriptlet("PREUN", 0), [f"systemctl --no-reload disable --now {' '.join(ENABLED)}"])
        self.assertEqual(self.scriptlet("POSTUN", 0), ["systemctl daemon-reload"])


if __name__ == "__main__":
    unittest.main()
