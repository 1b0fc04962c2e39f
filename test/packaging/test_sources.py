# SPDX-License-Identifier: LGPL-2.1-or-later
"""The packaging sources themselves: versions that agree, the AppStream metainfo, the default
configuration, the Debian control data, and a `make dist` tarball that is the same byte for byte
when built twice."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import tempfile
import unittest
import xml.etree.ElementTree as ET
from pathlib import Path

from test.packaging import common
from test.packaging.common import PACKAGE, REPO, run

PACKAGING = REPO / "packaging"
METAINFO = PACKAGING / f"{common.APPSTREAM_ID}.metainfo.xml"
SPEC = PACKAGING / f"{PACKAGE}.spec"
DEBIAN = PACKAGING / "debian"


class Versions(unittest.TestCase):
    def test_spec_changelog_and_metainfo_follow_package_json(self) -> None:
        v = common.version()
        self.assertRegex(SPEC.read_text(), rf"(?m)^Version:\s+{re.escape(v)}$")
        first = (DEBIAN / "changelog").read_text().splitlines()[0]
        self.assertTrue(first.startswith(f"{PACKAGE} ({v}-"), first)
        releases = [r.get("version") for r in ET.parse(METAINFO).getroot().iter("release")]
        self.assertEqual(releases[:1], [v])


class Metainfo(unittest.TestCase):
    def test_validates(self) -> None:
        p = run(["appstreamcli", "validate", "--no-net", "--pedantic", str(METAINFO)], check=False)
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        self.assertNotRegex(p.stdout, r"(?m)^[EW]:", p.stdout)

    def test_is_a_cockpit_addon(self) -> None:
        root = ET.parse(METAINFO).getroot()
        self.assertEqual(root.tag, "component")
        self.assertEqual(root.get("type"), "addon")
        self.assertEqual(root.findtext("extends"), "org.cockpit_project.cockpit")
        launchable = root.find("launchable")
        assert launchable is not None
        self.assertEqual(launchable.get("type"), "cockpit-manifest")
        manifest = json.loads((REPO / "manifest.json").read_text())
        self.assertEqual(launchable.text, manifest.get("name", "traffic-accounting"))


    def test_named_by_its_id_with_homepage_and_developer(self) -> None:
        root = ET.parse(METAINFO).getroot()
        self.assertEqual(METAINFO.name, f"{root.findtext('id')}.metainfo.xml")
        developer = root.find("developer")
        assert developer is not None
        self.assertTrue(developer.get("id") and developer.findtext("name"))
        self.assertEqual(root.findtext("developer_name"), developer.findtext("name"))
        homepage = root.findtext("url[@type='homepage']")
        self.assertRegex(homepage or "", r"^https://")
        # the same homepage in the spec and in debian/control
        self.assertRegex(SPEC.read_text(), rf"(?m)^URL:\s+{re.escape(homepage or '')}$")
        self.assertRegex((DEBIAN / "control").read_text(), rf"(?m)^Homepage: {re.escape(homepage or '')}$")


class DefaultConfiguration(unittest.TestCase):
    SHIPPED = PACKAGING / "config.json"

    def test_is_the_documented_default(self) -> None:
        doc = REPO / "docs" / "configuration.md"
        block = re.search(r"```json\n(.*?)\n```", doc.read_text(), re.S)
        assert block is not None, "docs/configuration.md has no json block"
        self.assertEqual(json.loads(self.SHIPPED.read_text()), json.loads(block.group(1)))

    def test_is_written_as_the_page_writes_it(self) -> None:
        # JSON.stringify(config, null, 4) + "\n": saving unchanged settings changes no byte
        text = self.SHIPPED.read_text()
        self.assertEqual(text, json.dumps(json.loads(text), indent=4) + "\n")

    def test_the_helper_reads_it_as_no_file_at_all(self) -> None:
        code = """
import json, sys
sys.path.insert(0, "helper")
from cta import config

def plain(v):
    if isinstance(v, dict):
        return {k: plain(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [plain(x) for x in v]
    if hasattr(v, "_asdict"):
        return plain(v._asdict())
    if hasattr(v, "__dict__"):
        return plain(vars(v))
    return v

shipped = config.parse_config(json.load(open("packaging/config.json")))
print(json.dumps(plain(shipped) == plain(config.defaults())))
"""
        out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True)
        self.assertEqual(out.stdout.strip(), "true", out.stderr)


class Debian(unittest.TestCase):
    def test_control(self) -> None:
        control = (DEBIAN / "control").read_text()
        self.assertIn("debhelper-compat (= 13)", control)
        self.assertRegex(control, r"(?m)^Architecture: all$")
        depends = re.search(r"(?ms)^Depends:(.*?)^\S", control)
        assert depends is not None
        self.assertEqual([d.strip() for d in depends.group(1).split(",") if d.strip()],
                         [f"cockpit-bridge (>= {common.cockpit_required()})", "python3 (>= 3.9)", "${misc:Depends}"])
        self.assertRegex(control, r"(?m)^Recommends: nftables,?$")

    def test_built_deb_fields(self) -> None:
        deb = str(common.build().deb)
        fields = {f: run(["dpkg-deb", "-f", deb, f]).stdout.strip()
                  for f in ("Package", "Architecture", "Depends", "Recommends")}
        self.assertEqual(fields, {"Package": PACKAGE, "Architecture": "all",
                                  "Depends": f"cockpit-bridge (>= {common.cockpit_required()}), python3 (>= 3.9)",
                                  "Recommends": "nftables"})

    def test_built_deb_contents(self) -> None:
        listing = run(["dpkg-deb", "-c", str(common.build().deb)]).stdout
        rows = {line.split()[-1].lstrip("."): line.split()[:2] for line in listing.splitlines()}
        self.assertEqual(rows[f"/var/lib/{PACKAGE}/"], ["drwxr-xr-x", "root/root"])
        self.assertEqual(rows[f"/etc/{PACKAGE}/"], ["drwxr-xr-x", "root/root"])
        self.assertIn("/usr/share/cockpit/traffic-accounting/manifest.json", rows)
        self.assertIn(f"/usr/share/metainfo/{common.APPSTREAM_ID}.metainfo.xml", rows)
        self.assertIn(f"/usr/share/{PACKAGE}/config.json", rows)
        # the configuration is the admin's from the first installation on: not in the package
        self.assertNotIn(f"/etc/{PACKAGE}/config.json", rows)
        for unit in common.build().source_units:
            self.assertIn(f"{common.UNIT_DIR}/{unit}", rows)
        for name, (mode, owner) in rows.items():
            with self.subTest(file=name):
                self.assertEqual(owner, "root/root")
                if name.startswith(f"/usr/libexec/{PACKAGE}/cta/") and name.endswith(".py"):
                    self.assertEqual(mode, "-rw-r--r--")

    def test_built_deb_is_reproducible(self) -> None:
        again = common.rebuild("deb", "deb-again")
        self.assertEqual(common.sha256(next(again.glob("*.deb"))), common.sha256(common.build().deb))
        self.assertIn("Validation was successful", (again / "build.log").read_text(),
                      "dh_auto_test did not validate the metainfo")

    def test_rules_rebuild_the_page_from_source_where_node_modules_is(self) -> None:
        """As cockpit-podman does: with the locked npm packages in the tree, debian/rules builds
        dist/ again from source, and it comes out the same as the tarball's."""
        b = common.build()
        with tempfile.TemporaryDirectory() as tmp:
            run(["tar", "-xf", str(b.tarball), "-C", tmp])
            src = Path(tmp) / f"{PACKAGE}-{common.version()}"
            shipped = (src / "dist" / "index.js").read_bytes()
            shutil.rmtree(src / "dist")
            (src / "node_modules").symlink_to(REPO / "node_modules")
            run(["make", "-f", "packaging/debian/rules", "override_dh_auto_build"], cwd=src)
            self.assertEqual((src / "dist" / "index.js").read_bytes(), shipped)
            (src / "node_modules").unlink()
            # and without them, the shipped page is used as it is
            run(["make", "-f", "packaging/debian/rules", "override_dh_auto_build"], cwd=src)
        spec = SPEC.read_text()
        self.assertIn("if [ -d node_modules ]; then\n    NODE_ENV=production npm run --silent build\nfi", spec)

    def test_maintainer_scripts_are_shell_that_parses(self) -> None:
        for script in ("postinst", "postrm"):
            with self.subTest(script=script):
                path = DEBIAN / script
                self.assertTrue(path.stat().st_mode & 0o111, f"{script} is not executable")
                self.assertEqual(run(["sh", "-n", str(path)], check=False).returncode, 0)
        self.assertTrue((DEBIAN / "rules").stat().st_mode & 0o111)


class Units(unittest.TestCase):
    def test_services_are_oneshots_with_a_start_timeout(self) -> None:
        """A oneshot has no start timeout by default: a hung run would block the next forever."""
        seconds = {"min": 60, "h": 3600, "s": 1}
        for service in ("collect", "rotate"):
            with self.subTest(service=service):
                text = (REPO / "helper" / "systemd" / f"{PACKAGE}-{service}.service").read_text()
                self.assertRegex(text, r"(?m)^Type=oneshot$")
                m = re.search(r"(?m)^TimeoutStartSec=(\d+)(min|h|s)$", text)
                assert m is not None, f"{service}.service has no TimeoutStartSec"
                if service == "collect":   # ended before the next five-minute run is due
                    self.assertLess(int(m.group(1)) * seconds[m.group(2)], 300)


class Install(unittest.TestCase):
    def test_another_prefix_is_refused_and_writes_nothing(self) -> None:
        with tempfile.TemporaryDirectory() as dest:
            p = run(["make", "-C", str(REPO), "--no-print-directory", "install", "-o", "all",
                     f"DESTDIR={dest}", "PREFIX=/usr/local"], check=False)
            self.assertNotEqual(p.returncode, 0)
            self.assertIn("PREFIX=/usr/local: only /usr works", p.stderr)
            self.assertEqual(list(Path(dest).iterdir()), [])

    def test_usr_with_destdir_installs_everything_there(self) -> None:
        with tempfile.TemporaryDirectory() as dest:
            run(["make", "-C", str(REPO), "--no-print-directory", "install", "-o", "all",
                 f"DESTDIR={dest}", "UNIT_DIR=/usr/lib/systemd/system"])
            root = Path(dest)
            for path in ("usr/share/cockpit/traffic-accounting/manifest.json",
                         f"usr/libexec/{PACKAGE}/cta-helper",
                         f"usr/share/metainfo/{common.APPSTREAM_ID}.metainfo.xml",
                         f"usr/lib/systemd/system/{PACKAGE}-collect.timer"):
                self.assertTrue((root / path).is_file(), path)
            self.assertEqual(sorted(p.name for p in root.iterdir()), ["usr"])


class BundledLicenses(unittest.TestCase):
    def test_spec_and_copyright_name_what_the_lock_file_bundles(self) -> None:
        p = run(["npx", "tsx", "tools/bundled-licenses.ts", "--check"], cwd=REPO, check=False)
        self.assertEqual(p.returncode, 0, p.stderr)
        spec = SPEC.read_text()
        for name in ("react", "@patternfly/react-core", "tslib", "uplot"):
            self.assertRegex(spec, rf"(?m)^Provides:\s+bundled\(npm\({re.escape(name)}\)\) = \d")
        self.assertRegex(spec, r"(?m)^License:\s+LGPL-2\.1-or-later AND .*\bMIT\b")

    def test_copyright_has_the_text_of_every_licence_it_names(self) -> None:
        stanzas = [dict(re.findall(r"(?m)^([A-Za-z-]+):\s*(.*)$", s))
                   for s in re.split(r"\n\s*\n", (DEBIAN / "copyright").read_text())]
        texts = {s["License"] for s in stanzas if "License" in s and "Files" not in s and "Format" not in s}
        used = {name for s in stanzas if "Files" in s for name in re.split(r" and | or ", s["License"])}
        self.assertIn("Expat", used)
        self.assertEqual(used - texts, set())


class Spdx(unittest.TestCase):
    def test_every_file_that_can_carry_a_comment_has_the_line(self) -> None:
        files = [SPEC, METAINFO, DEBIAN / "rules", DEBIAN / "postinst", DEBIAN / "postrm",
                 *sorted((REPO / "test" / "packaging").glob("*.py")), *sorted((REPO / "test" / "systemd").glob("*.py")),
                 REPO / "pyproject.toml", REPO / "tools" / "bundled-licenses.ts"]
        for path in files:
            with self.subTest(file=str(path.relative_to(REPO))):
                self.assertIn("SPDX-License-Identifier: LGPL-2.1-or-later", "".join(path.read_text().splitlines(True)[:3]))


class Dist(unittest.TestCase):
    def test_reproducible(self) -> None:
        """Two builds of the tarball, under different umasks, give the same bytes."""
        b = common.build()
        for attempt in range(3):
            before = common.head()
            first, second = b.work / "dist-a.tar.xz", b.work / "dist-b.tar.xz"
            for tarball, umask in ((first, 0o022), (second, 0o077)):
                run(["make", "-C", str(REPO), "--no-print-directory", "dist", f"TARFILE={tarball}"], umask=umask)
            if common.head() == before:
                break       # otherwise someone committed in between: build again
        self.assertEqual(common.sha256(first), common.sha256(second))

    def test_carries_the_built_page_and_packaging(self) -> None:
        names = set(run(["tar", "-tf", str(common.build().tarball)]).stdout.split())
        top = f"{PACKAGE}-{common.version()}/"
        for name in ("dist/manifest.json", "dist/index.js", "packaging/config.json",
                     f"packaging/{PACKAGE}.spec", "packaging/debian/rules", "Makefile"):
            self.assertIn(top + name, names)
        self.assertFalse([n for n in names if "/node_modules/" in n])

    def test_no_build_products_in_the_work_tree(self) -> None:
        common.build()
        new = sorted(set(p.name for p in REPO.iterdir()) - common.REPO_ROOT_BEFORE)
        self.assertEqual([n for n in new if n in ("debian", ".dist-tmp", "rpmbuild") or
                          re.fullmatch(rf"{PACKAGE}[-_].*\.(deb|rpm|buildinfo|changes|tar\.xz)", n)], [])
        self.assertEqual(set(Path("/var/tmp").glob("rpm-tmp.*")) - common.RPM_SCRATCH_BEFORE, set())


if __name__ == "__main__":
    unittest.main()
