# SPDX-License-Identifier: LGPL-2.1-or-later
"""The mirror debootstrap uses is the one apt here is configured with, found in either of apt's
source formats; no mirror is named in the repository."""

from __future__ import annotations

import tempfile
import unittest
from pathlib import Path

from test.systemd.tree import TreeError, debian_mirror


class Mirror(unittest.TestCase):
    def setUp(self) -> None:
        self.apt = Path(tempfile.mkdtemp(prefix="cta-apt-"))
        (self.apt / "sources.list.d").mkdir()

    def tearDown(self) -> None:
        for p in sorted(self.apt.rglob("*"), reverse=True):
            p.rmdir() if p.is_dir() else p.unlink()
        self.apt.rmdir()

    def test_deb822_skips_other_suites_and_disabled_stanzas(self) -> None:
        (self.apt / "sources.list.d" / "debian.sources").write_text(
            "Types: deb\nURIs: http://security.invalid/debian-security\nSuites: bookworm-security\n\n"
            "Types: deb\nURIs: http://off.invalid/debian\nSuites: bookworm\nEnabled: no\n\n"
            "Types: deb-src deb\n# a comment\nURIs: http://mirror.invalid/debian\n"
            "Suites: bookworm bookworm-updates\nComponents: main\n")
        self.assertEqual(debian_mirror("bookworm", self.apt), "http://mirror.invalid/debian")

    def test_one_line_format_with_options(self) -> None:
        (self.apt / "sources.list").write_text(
            "# deb http://commented.invalid/debian bookworm main\n"
            "deb-src http://src.invalid/debian bookworm main\n"
            "deb [signed-by=/usr/share/keyrings/k.gpg arch=amd64] http://mirror.invalid/debian bookworm main\n")
        self.assertEqual(debian_mirror("bookworm", self.apt), "http://mirror.invalid/debian")

    def test_no_source_for_the_suite_is_an_error(self) -> None:
        (self.apt / "sources.list").write_text("deb http://mirror.invalid/debian trixie main\n")
        with self.assertRaisesRegex(TreeError, "no 'deb' source for bookworm"):
            debian_mirror("bookworm", self.apt)


if __name__ == "__main__":
    unittest.main()
