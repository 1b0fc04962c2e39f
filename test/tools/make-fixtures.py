#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Writes the shared fixture stores in test/fixtures/stores/ and their expected.json.

The expected totals are computed here from the records this script *means* to be valid, not
by parsing the text back, so that the Python and TypeScript readers are both checked against
an independent answer. Run it again after changing a fixture; the output is deterministic.

    /usr/bin/python3 test/tools/make-fixtures.py [--out test/fixtures/stores]
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import shutil
import sys
from dataclasses import dataclass, field

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "helper"))

from cta.store import Identity  # noqa: E402

DAY = 86400
T0 = 1763683200                     # 2025-11-21T00:00:00Z; fixtures name files by UTC dates


@dataclass
class FixtureFile:
    path: str
    file_id: str
    tier: str
    lines: list[str] = field(default_factory=list)
    ids: dict[Identity, int] = field(default_factory=dict)
    torn_tail: str = ""
    truncate: bool = False          # a .cta.gz cut off in the middle of its gzip stream
    raw_bytes: dict[str, bytes] = field(default_factory=dict)   # placeholder in the text -> bytes
    symlink_to: str = ""            # written as a symbolic link to this path (relative to it)


class Fixture:
    def __init__(self, name: str, description: str) -> None:
        self.name = name
        self.description = description
        self.files: list[FixtureFile] = []
        self.valid: list[tuple[int, int, Identity, int, int]] = []   # records a reader must count
        self.corrupt: list[tuple[str, int]] = []
        self.torn = 0
        self.error: str | None = None
        self.windows: list[tuple[int, int]] = []
        self._counter = 0

    def file(self, path: str, tier: str, file_id: str | None = None) -> FixtureFile:
        self._counter += 1
        fid = file_id or f"{self._counter:016x}"
        f = FixtureFile(path, fid, tier, [f"#cta 1 {tier} {fid}"])
        self.files.append(f)
        return f

    def define(self, f: FixtureFile, ident: Identity) -> int:
        if ident not in f.ids:
            f.ids[ident] = len(f.ids)
            f.lines.append(f"c {f.ids[ident]} {ident.key()}")
        return f.ids[ident]

    def block(self, f: FixtureFile, start: int, end: int,
              rows: list[tuple[Identity, int, int]], counted: bool = True) -> None:
        for ident, _, _ in rows:
            self.define(f, ident)
        f.lines.append(f"i {start} {end} {len(rows)}")
        for ident, b, p in rows:
            f.lines.append(f"{f.ids[ident]} {b} {p}")
            if counted:
                self.valid.append((start, end, ident, b, p))

    def raw(self, f: FixtureFile, line: str, corrupt: bool = False) -> None:
        f.lines.append(line)
        if corrupt:
            self.corrupt.append((f.path, len(f.lines)))

    def write(self, root: str) -> None:
        d = os.path.join(root, self.name)
        shutil.rmtree(d, ignore_errors=True)
        os.makedirs(d)
        for f in self.files:
            p = os.path.join(d, f.path)
            os.makedirs(os.path.dirname(p), exist_ok=True)
            data = ("".join(line + "\n" for line in f.lines) + f.torn_tail).encode("utf-8")
            for placeholder, raw in f.raw_bytes.items():
                data = data.replace(placeholder.encode("ascii"), raw)
            if f.symlink_to:
                target = os.path.normpath(os.path.join(os.path.dirname(p), f.symlink_to))
                os.makedirs(os.path.dirname(target), exist_ok=True)
                with open(target, "wb") as out:
                    out.write(data)
                os.symlink(f.symlink_to, p)
                continue
            if f.path.endswith(".gz"):
                # as the helper writes them: one gzip member, no name, mtime 0
                data = gzip.compress(data, compresslevel=9, mtime=0)
                if f.truncate:
                    data = data[:len(data) // 2]
            with open(p, "wb") as out:
                out.write(data)
        windows = []
        for lo, hi in self.windows:
            sums: dict[str, list[int]] = {}
            if self.error is None:
                for start, end, ident, b, p in self.valid:
                    if lo < end <= hi:
                        s = sums.setdefault(ident.key(), [0, 0])
                        s[0] += b
                        s[1] += p
            windows.append({"from": lo, "to": hi, "totals": {
                k: {"bytes": str(v[0]), "packets": str(v[1])} for k, v in sorted(sums.items())}})
        expected = {
            "description": self.description,
            "error": self.error,
            "torn": self.torn,
            "corrupt": [{"file": f, "line": n} for f, n in sorted(self.corrupt)],
            "windows": windows,
        }
        with open(os.path.join(d, "expected.json"), "w", encoding="utf-8") as out:
            json.dump(expected, out, indent=2, ensure_ascii=False)
            out.write("\n")


def rule(chain: str, name: str, seq: int = 1, table: str = "filter", family: str = "inet") -> Identity:
    return Identity("nft-rule", family, table, chain, seq, name)


WWW = rule("input", "www")
MAIL = Identity("nft-counter", "inet", "acct", "", 1, "mail")
ETH0RX = Identity("iface", "link", "", "rx", 1, "eth0")
SSH4 = Identity("iptables", "ip", "filter", "INPUT", 1, "ssh")
SSH6 = Identity("iptables", "ip6", "filter", "INPUT", 1, "ssh")


def plain() -> Fixture:
    fx = Fixture("plain", "A plain store in all three tiers: two detail days, one hourly month, "
                 "one daily year; records straddling window boundaries count where they end.")
    y = fx.file("daily/2025.cta", "daily")
    for d in range(0, 10):                   # Oct 1..10 2025 daily records
        start = T0 - 51 * DAY + d * DAY
        fx.block(y, start, start + DAY, [(WWW, 1000000 + d, 1000 + d), (SSH4, 5000 * d, 10 * d)])
    h = fx.file("hourly/2025-11.cta", "hourly")
    for hour in range(0, 48):                # Nov 10..11 hourly
        start = T0 - 11 * DAY + hour * 3600
        rows = [(WWW, 40000 + hour, 40 + hour), (MAIL, 700 * hour, hour)]
        if hour % 5 == 0:
            rows.append((SSH6, 1280, 10))
        fx.block(h, start, start + 3600, rows)
    for day in (0, 1):
        f = fx.file(f"detail/2025-11-{21 + day}.cta", "detail")
        for k in range(0, 288, 7):
            start = T0 + day * DAY + k * 300
            rows = [(WWW, 1500 + k, 3), (ETH0RX, 98000 + k * 13, 70 + k)]
            if k % 3 == 0:
                rows.append((MAIL, 64, 1))
            fx.block(f, start, start + 300, rows)
    # one collection that straddles midnight: it belongs to the day of its end
    last = fx.files[-1]
    fx.block(last, T0 + 2 * DAY - 150, T0 + 2 * DAY + 0, [(WWW, 77, 1)])
    fx.windows = [(0, 2 ** 40), (T0, T0 + DAY), (T0 + DAY, T0 + 2 * DAY),
                  (T0 - 11 * DAY, T0 - 10 * DAY), (T0 + 300, T0 + 1500),
                  (T0 - 51 * DAY + 3600, T0 - 50 * DAY + 3600)]
    return fx


def bigvalues() -> Fixture:
    fx = Fixture("bigvalues", "Values above 2^53 in one record and sums above 2^64: readers must "
                 "use arbitrary-precision integers; merged records above 2^64 are valid.")
    f = fx.file("detail/2025-11-21.cta", "detail")
    big = Identity("nft-counter", "inet", "acct", "", 1, "backbone")
    small = rule("forward", "customer-a")
    fx.block(f, T0, T0 + 300, [(big, 2 ** 53 + 1, 2 ** 53 + 3), (small, 9007199254740993, 1)])
    fx.block(f, T0 + 300, T0 + 600, [(big, 2 ** 64 - 1, 2 ** 63 + 7)])
    fx.block(f, T0 + 600, T0 + 900, [(big, 2 ** 64 - 1, 2 ** 64 - 2), (small, 18446744073709551615, 3)])
    fx.block(f, T0 + 900, T0 + 1200, [(big, 12345678901234567890, 1)])
    d = fx.file("daily/2025.cta", "daily")
    fx.block(d, T0 - 30 * DAY, T0 - 2 * DAY, [(big, 3 * 2 ** 64 + 17, 2 ** 64 + 5)])
    fx.windows = [(0, 2 ** 40), (T0, T0 + 600), (T0 + 600, T0 + 1200), (T0 - 3 * DAY, T0)]
    return fx


def hostile() -> Fixture:
    fx = Fixture("hostile-names", "Names are untrusted data: markup, quotes, commas, spaces, a "
                 "newline, percent signs, non-ASCII, control characters, a name that is '-', an "
                 "empty name, and a table name with a space.")
    names = ["<img src=x onerror=alert(1)>", "\"quoted\" 'single'", "a,b;c\td", "two words",
             "line\nbreak", "100% off %41", "Grüße 流量 🚦", "-", "", "=cmd|' /C calc'!A0",
             "</script><script>alert(1)</script>", "back\\slash", "del\x7f", "%2D"]
    f = fx.file("detail/2025-11-21.cta", "detail")
    idents = [rule("input", n, seq=1) for n in names]
    idents.append(Identity("nft-counter", "inet", "my table", "", 1, "x y"))
    idents.append(Identity("iptables", "ip", "filter", "My-Chain", 2, "-"))
    fx.block(f, T0, T0 + 300, [(ident, 100 + k, 1 + k) for k, ident in enumerate(idents)])
    fx.block(f, T0 + 300, T0 + 600, [(ident, 1000 * (k + 1), 2) for k, ident in enumerate(idents)])
    fx.windows = [(0, 2 ** 40), (T0 + 300, T0 + 600)]
    return fx


def torn_line() -> Fixture:
    fx = Fixture("torn-line", "The last line has no final newline (an append torn mid-line): "
                 "it is ignored and counted as one torn append, not as corrupt.")
    f = fx.file("detail/2025-11-21.cta", "detail")
    for k in range(5):
        fx.block(f, T0 + 300 * k, T0 + 300 * (k + 1), [(WWW, 1000 + k, 2), (MAIL, 10, 1)])
    f.lines.append(f"i {T0 + 1500} {T0 + 1800} 2")
    f.lines.append(f"{f.ids[WWW]} 555 5")
    f.torn_tail = f"{f.ids[MAIL]} 12"
    fx.torn = 1
    fx.windows = [(0, 2 ** 40)]
    return fx


def torn_block() -> Fixture:
    fx = Fixture("torn-block", "The last block has fewer data lines than its header says and "
                 "the file ends (a torn collection): the block is ignored and counted as torn. "
                 "A second file has a torn last line that is a c line.")
    f = fx.file("detail/2025-11-21.cta", "detail")
    for k in range(3):
        fx.block(f, T0 + 300 * k, T0 + 300 * (k + 1), [(WWW, 1000 + k, 2), (ETH0RX, 5000, 7)])
    fx.define(f, MAIL)
    f.lines.append(f"i {T0 + 900} {T0 + 1200} 3")
    f.lines.append(f"{f.ids[WWW]} 999 9")
    f.lines.append(f"{f.ids[MAIL]} 1 1")
    g = fx.file("detail/2025-11-22.cta", "detail")
    fx.block(g, T0 + DAY, T0 + DAY + 300, [(WWW, 42, 1)])
    g.torn_tail = "c 1 nft-rule inet filter inp"
    fx.torn = 2
    fx.windows = [(0, 2 ** 40)]
    return fx


def corrupt() -> Fixture:
    fx = Fixture("corrupt", "Corrupt lines of several kinds are skipped and reported with file "
                 "and line; a block containing a corrupt line is skipped whole; a block cut short "
                 "by another line is reported at its i line; reading goes on.")
    f = fx.file("detail/2025-11-21.cta", "detail")
    t = T0
    fx.block(f, t, t + 300, [(WWW, 100, 1), (MAIL, 200, 2)])
    fx.raw(f, "z unknown kind", corrupt=True)
    fx.raw(f, f"{f.ids[WWW]} 5 5", corrupt=True)                      # data line outside a block
    fx.raw(f, "# a comment is fine")
    fx.block(f, t + 300, t + 600, [(WWW, 300, 3)])
    # block with a bad number: the whole block is skipped
    fx.raw(f, f"i {t + 600} {t + 900} 2")
    fx.raw(f, f"{f.ids[WWW]} 12a 1", corrupt=True)
    fx.raw(f, f"{f.ids[MAIL]} 50 1")
    # block with an undefined id
    fx.raw(f, f"i {t + 900} {t + 1200} 2")
    fx.raw(f, f"{f.ids[WWW]} 10 1")
    fx.raw(f, "7 10 1", corrupt=True)
    # leading zero and negative number
    fx.raw(f, f"i {t + 1200} {t + 1500} 1")
    fx.raw(f, f"{f.ids[WWW]} 0123 1", corrupt=True)
    fx.raw(f, f"i {t + 1500} {t + 1800} 1")
    fx.raw(f, f"{f.ids[MAIL]} -5 1", corrupt=True)
    # a block cut short by the next interval header: reported at its own i line
    fx.raw(f, f"i {t + 1800} {t + 2100} 3", corrupt=True)
    fx.raw(f, f"{f.ids[WWW]} 1 1")
    fx.block(f, t + 2100, t + 2400, [(WWW, 400, 4), (MAIL, 500, 5)])
    # bad counter definitions: invalid escape, too few fields, redefinition
    fx.raw(f, "c 5 nft-rule inet filter input 1 bad%zzescape", corrupt=True)
    fx.raw(f, "c 6 nft-rule inet filter input", corrupt=True)
    fx.raw(f, f"c {f.ids[WWW]} nft-rule inet filter input 1 other", corrupt=True)
    fx.raw(f, "c 8 nft-rule inet filter input 1 invalid%C3%28utf8", corrupt=True)
    fx.raw(f, "x not-a-file-id", corrupt=True)
    fx.raw(f, f"i {t + 2400} {t + 2400} 1", corrupt=True)               # end not after start
    fx.raw(f, f"{f.ids[WWW]} 9 9", corrupt=True)                         # ...so this is outside
    fx.raw(f, "", corrupt=True)                                          # empty line
    fx.raw(f, f"i {t + 2400}  {t + 2700} 1", corrupt=True)              # double space
    fx.raw(f, f"{f.ids[WWW]} 9 9", corrupt=True)
    fx.block(f, t + 2700, t + 3000, [(WWW, 600, 6)])
    fx.raw(f, f"i {t + 3000} {t + 3300} 2")
    fx.raw(f, f"{f.ids[WWW]} 1 1 1", corrupt=True)                       # four fields
    fx.raw(f, f"{f.ids[MAIL]} 1 1")
    fx.block(f, t + 3300, t + 3600, [(MAIL, 700, 7)])
    g = fx.file("detail/2025-11-22.cta", "detail")
    fx.block(g, T0 + DAY, T0 + DAY + 300, [(WWW, 800, 8)])
    fx.raw(g, "#cta 1 detail 00000000000000ff", corrupt=True)           # a second header
    fx.block(g, T0 + DAY + 300, T0 + DAY + 600, [(WWW, 900, 9)])
    fx.windows = [(0, 2 ** 40), (T0, T0 + 1800)]
    return fx


def superseded() -> Fixture:
    fx = Fixture("superseded", "A rollup was interrupted after writing its output: the daily file "
                 "names the old hourly file and an old detail file by x lines, so readers ignore "
                 "both although they are still on disk.")
    old_h = fx.file("hourly/2025-10.cta", "hourly", "aaaaaaaaaaaaaaaa")
    for hour in range(24):
        fx.block(old_h, T0 - 40 * DAY + hour * 3600, T0 - 40 * DAY + (hour + 1) * 3600,
                 [(WWW, 1000, 10)], counted=False)
    old_d = fx.file("detail/2025-11-13.cta", "detail", "bbbbbbbbbbbbbbbb")
    fx.block(old_d, T0 - 8 * DAY, T0 - 8 * DAY + 300, [(MAIL, 5, 1)], counted=False)
    y = fx.file("daily/2025.cta", "daily", "cccccccccccccccc")
    fx.raw(y, "x aaaaaaaaaaaaaaaa")
    fx.raw(y, "x bbbbbbbbbbbbbbbb")
    fx.block(y, T0 - 40 * DAY, T0 - 39 * DAY, [(WWW, 24000, 240)])
    fx.block(y, T0 - 8 * DAY, T0 - 7 * DAY, [(MAIL, 5, 1)])
    keep = fx.file("detail/2025-11-21.cta", "detail", "dddddddddddddddd")
    fx.block(keep, T0, T0 + 300, [(WWW, 7, 1)])
    fx.windows = [(0, 2 ** 40), (T0 - 40 * DAY, T0 - 39 * DAY)]
    return fx


def same_name() -> Fixture:
    fx = Fixture("same-name", "Several counters share the display name 'www' (two rules in one "
                 "chain, another chain, a named counter, iptables v4 and v6, both iptables back "
                 "ends): they stay separate identities. Ids differ between files.")
    idents = [rule("input", "www", 1), rule("input", "www", 2), rule("forward", "www", 1),
              Identity("nft-counter", "inet", "filter", "", 1, "www"),
              Identity("iptables", "ip", "filter", "INPUT", 1, "www"),
              Identity("iptables", "ip6", "filter", "INPUT", 1, "www"),
              Identity("iptables-legacy", "ip", "filter", "INPUT", 1, "www"),
              Identity("iface", "link", "", "rx", 1, "www"), Identity("iface", "link", "", "tx", 1, "www")]
    f = fx.file("detail/2025-11-21.cta", "detail")
    fx.block(f, T0, T0 + 300, [(ident, 10 * (k + 1), k + 1) for k, ident in enumerate(idents)])
    g = fx.file("detail/2025-11-22.cta", "detail")
    rev = list(reversed(idents))
    fx.block(g, T0 + DAY, T0 + DAY + 300, [(ident, 1000 * (k + 1), 1) for k, ident in enumerate(rev)])
    fx.windows = [(0, 2 ** 40)]
    return fx


def unknown_version() -> Fixture:
    fx = Fixture("unknown-version", "A file with format version 2: the reader refuses with an error "
                 "that names the file and the version instead of guessing.")
    f = fx.file("detail/2025-11-21.cta", "detail")
    fx.block(f, T0, T0 + 300, [(WWW, 1, 1)])
    g = fx.file("detail/2025-11-22.cta", "detail")
    g.lines[0] = "#cta 2 detail 1234567890abcdef"
    g.lines.append("c 0 some future syntax")
    fx.error = "unsupported store format version 2"
    fx.windows = [(0, 2 ** 40)]
    return fx


def compressed() -> Fixture:
    fx = Fixture("compressed", "Closed files are gzip-compressed (.cta.gz, one gzip member holding a "
                 "plain store file): a daily year and an hourly month; a closed detail day "
                 "(detail/2025-11-20.cta.gz, with a corrupt line kept from its plain file, reported "
                 "at its line of the decompressed text) beside a plain file of the same day with "
                 "more data that it does not supersede (the clock went back): both count; and a "
                 "plain file (detail/2025-11-19.cta, with a torn last line) that the .cta.gz of its "
                 "day supersedes by an x line (a closing killed before its unlink): it is ignored, "
                 "torn line included.")
    greet = rule("input", "Grüße 流量")
    y = fx.file("daily/2024.cta.gz", "daily")
    dec1 = 1733011200                       # 2024-12-01T00:00:00Z
    for d in range(10):
        fx.block(y, dec1 + d * DAY, dec1 + (d + 1) * DAY, [(WWW, 2000000 + d, 2000 + d), (SSH4, 777 * d, d)])
    h = fx.file("hourly/2025-10.cta.gz", "hourly")
    oct20 = T0 - 32 * DAY                   # 2025-10-20T00:00:00Z
    for hour in range(48):
        rows = [(WWW, 40000 + hour, 40 + hour), (greet, 3 * hour + 1, 1)]
        if hour % 4 == 0:
            rows.append((MAIL, 1000 * hour, hour))
        fx.block(h, oct20 + hour * 3600, oct20 + (hour + 1) * 3600, rows)
    # a closing killed between its rename and its unlink: the plain file is still there
    day19 = T0 - 2 * DAY
    old = fx.file("detail/2025-11-19.cta", "detail", "1919191919191919")
    new = fx.file("detail/2025-11-19.cta.gz", "detail", "a919191919191919")
    fx.raw(new, "x 1919191919191919")
    for k in range(0, 288, 5):
        rows = [(WWW, 1500 + k, 3), (ETH0RX, 98000 + k * 13, 70 + k)]
        fx.block(old, day19 + k * 300, day19 + (k + 1) * 300, rows, counted=False)
        fx.block(new, day19 + k * 300, day19 + (k + 1) * 300, rows)
    old.torn_tail = f"i {day19 + 86100} {day19 + DAY}"
    # a closed day, and a plain file of the same day written after the clock went back
    day20 = T0 - DAY
    closed = fx.file("detail/2025-11-20.cta.gz", "detail", "a020202020202020")
    fx.raw(closed, "x 2020202020202020")    # the plain file it replaced, long gone
    for k in range(0, 144, 3):
        fx.block(closed, day20 + k * 300, day20 + (k + 1) * 300, [(WWW, 100 + k, 1), (MAIL, 64, 1)])
        if k == 60:
            fx.raw(closed, "z kept from the plain file", corrupt=True)
    later = fx.file("detail/2025-11-20.cta", "detail", "b020202020202020")
    for k in range(100, 288, 4):            # overlaps the closed file's hours: both count
        fx.block(later, day20 + k * 300, day20 + (k + 1) * 300, [(MAIL, 10 * k, 2), (ETH0RX, 5000, 5)])
    today = fx.file("detail/2025-11-21.cta", "detail", "2121212121212121")
    fx.block(today, T0, T0 + 300, [(WWW, 7, 1)])
    fx.windows = [(0, 2 ** 40), (dec1, dec1 + 5 * DAY), (oct20, oct20 + DAY), (day19, day20),
                  (day20, T0), (day20 + 11 * 3600, day20 + 13 * 3600), (T0, T0 + DAY)]
    return fx


def damaged_gzip() -> Fixture:
    fx = Fixture("damaged-gzip", "A .cta.gz cut off in the middle of its gzip stream (a damaged copy): "
                 "the reader refuses with an error that names the file instead of counting what "
                 "it could decompress.")
    f = fx.file("detail/2025-11-21.cta", "detail")
    fx.block(f, T0, T0 + 300, [(WWW, 1, 1)])
    h = fx.file("hourly/2025-10.cta.gz", "hourly")
    for hour in range(24):
        fx.block(h, T0 - 32 * DAY + hour * 3600, T0 - 32 * DAY + (hour + 1) * 3600, [(WWW, 5000 + hour, 5)])
    g = fx.file("detail/2025-11-20.cta.gz", "detail")
    for k in range(0, 288, 2):
        fx.block(g, T0 - DAY + k * 300, T0 - DAY + (k + 1) * 300, [(WWW, 1000 + k, 2), (MAIL, 3 * k, 1)])
    g.truncate = True
    fx.error = "damaged compressed file"
    fx.windows = [(0, 2 ** 40)]
    return fx


def interrupted_creation() -> Fixture:
    fx = Fixture("interrupted-creation", "Writers killed between creating a file and writing its "
                 "header: a 0-byte detail file (nothing, not torn, not an error) and an hourly file "
                 "whose header line has no newline (one torn append). Neither stops the read.")
    f = fx.file("detail/2025-11-21.cta", "detail")
    fx.block(f, T0, T0 + 300, [(WWW, 1200, 3)])
    fx.file("detail/2025-11-22.cta", "detail").lines = []
    h = fx.file("hourly/2025-11.cta", "hourly")
    h.lines = []
    h.torn_tail = "#cta 1 hour"
    fx.torn = 1
    fx.windows = [(0, 2 ** 40)]
    return fx


# The cases where the two readers disagreed (issue 12, item 6), one store each. Each has a good
# block before the case, so that a reader that gives up on the whole file is caught too.

def _grammar(name: str, description: str) -> tuple[Fixture, FixtureFile]:
    fx = Fixture(f"grammar-{name}", description)
    f = fx.file("detail/2025-11-21.cta", "detail")
    fx.block(f, T0, T0 + 300, [(WWW, 1000, 10)])
    fx.windows = [(0, 2 ** 40)]
    return fx, f


def grammar_lowercase_escape() -> Fixture:
    fx, f = _grammar("lowercase-escape", "An escape with lowercase hex digits (%2d) is not an escape: "
                     "its c line is corrupt, and the block that uses its id is skipped whole.")
    fx.raw(f, "c 1 nft-rule inet filter input 1 a%2db", corrupt=True)
    fx.raw(f, f"i {T0 + 300} {T0 + 600} 2")
    fx.raw(f, "0 5 5")
    fx.raw(f, "1 7 7", corrupt=True)
    fx.block(f, T0 + 600, T0 + 900, [(WWW, 3, 1)])
    return fx


def grammar_invalid_utf8() -> Fixture:
    fx = Fixture("grammar-invalid-utf8", "Invalid UTF-8 in a name inside a .cta.gz and in a plain file: "
                 "the line is corrupt (never a name with U+FFFD), and a block using its id is skipped.")
    for path in ("detail/2025-11-20.cta.gz", "detail/2025-11-21.cta"):
        day = T0 - DAY if "20" in path else T0
        f = fx.file(path, "detail")
        fx.block(f, day, day + 300, [(WWW, 1000, 10)])
        fx.raw(f, "c 1 nft-rule inet filter input 1 bad@FF@name", corrupt=True)
        f.raw_bytes["@FF@"] = b"\xff\xc3"
        fx.raw(f, f"i {day + 300} {day + 600} 2")
        fx.raw(f, "0 5 5")
        fx.raw(f, "1 7 7", corrupt=True)
        fx.block(f, day + 600, day + 900, [(WWW, 3, 1)])
    fx.windows = [(0, 2 ** 40)]
    return fx


def grammar_bom() -> Fixture:
    fx = Fixture("grammar-bom", "A .cta.gz whose text starts with a UTF-8 byte order mark has no #cta "
                 "header: not a store file, an error of the whole read (no reader strips the mark).")
    f = fx.file("detail/2025-11-21.cta", "detail")
    fx.block(f, T0, T0 + 300, [(WWW, 1, 1)])
    g = fx.file("hourly/2025-10.cta.gz", "hourly")
    g.lines[0] = "\ufeff" + g.lines[0]
    fx.block(g, T0 - 32 * DAY, T0 - 32 * DAY + 3600, [(WWW, 5, 5)])
    fx.error = "not a store file"
    fx.windows = [(0, 2 ** 40)]
    return fx


def grammar_seq_zero() -> Fixture:
    fx, f = _grammar("seq-zero", "A counter with seq 0 (seq counts from 1): its c line is corrupt, "
                     "the block using its id is skipped.")
    fx.raw(f, "c 1 nft-rule inet filter input 0 zero", corrupt=True)
    fx.raw(f, f"i {T0 + 300} {T0 + 600} 1")
    fx.raw(f, "1 7 7", corrupt=True)
    return fx


def grammar_big_id() -> Fixture:
    fx, f = _grammar("big-id", "Counter ids are below 10^9: a c line with id 1000000000 is corrupt, "
                     "and so is the data line that uses it (undefined id); its block is skipped.")
    fx.raw(f, "c 1000000000 nft-rule inet filter input 1 big", corrupt=True)
    fx.raw(f, f"i {T0 + 300} {T0 + 600} 2")
    fx.raw(f, "0 5 5")
    fx.raw(f, "1000000000 7 7", corrupt=True)
    fx.raw(f, "c 999999999 nft-rule inet filter input 1 largest")
    big = rule("input", "largest")
    f.ids[big] = 999999999
    fx.block(f, T0 + 600, T0 + 900, [(big, 9, 1), (WWW, 2, 1)])
    return fx


def grammar_long_time() -> Fixture:
    fx, f = _grammar("long-time", "Interval times have at most 15 digits: an i line with a 16-digit "
                     "time is corrupt, and its data lines are then outside any block (corrupt).")
    fx.raw(f, "i 1000000000000000 1000000000000300 1", corrupt=True)
    fx.raw(f, "0 5 5", corrupt=True)
    fx.raw(f, f"i {T0 + 300} 1000000000000000 1", corrupt=True)
    fx.raw(f, "0 6 6", corrupt=True)
    fx.block(f, 999999999999000, 999999999999999, [(WWW, 8, 1)])
    fx.windows = [(0, 2 ** 40), (0, 10 ** 15)]
    return fx


def grammar_symlink() -> Fixture:
    fx, _ = _grammar("symlink", "A store file that is a symbolic link is not a store file: neither "
                     "reader reads it (the page lists with find -type f), writers leave it alone.")
    g = fx.file("detail/2025-11-22.cta", "detail")
    fx.block(g, T0 + DAY, T0 + DAY + 300, [(WWW, 555, 5)], counted=False)
    g.symlink_to = "../elsewhere/2025-11-22.cta"
    return fx


def grammar_junk_in_block() -> Fixture:
    fx, f = _grammar("junk-in-block", "A line starting with # that is not a comment cuts a block short "
                     "(reported at the block's i line), is then corrupt on its own, and the data line "
                     "after it is outside any block: 3 corrupt lines.")
    fx.raw(f, f"i {T0 + 300} {T0 + 600} 2", corrupt=True)
    fx.raw(f, "0 5 5")
    fx.raw(f, "#junk", corrupt=True)
    fx.raw(f, "0 6 6", corrupt=True)
    fx.block(f, T0 + 600, T0 + 900, [(WWW, 4, 1)])
    return fx


def grammar_x_own_id() -> Fixture:
    fx = Fixture("grammar-x-own-id", "An x line naming its own file's id has no effect: the file counts.")
    f = fx.file("detail/2025-11-21.cta", "detail", "00000000000000aa")
    fx.raw(f, "x 00000000000000aa")
    fx.block(f, T0, T0 + 300, [(WWW, 1000, 10)])
    fx.windows = [(0, 2 ** 40)]
    return fx


GRAMMAR = (grammar_lowercase_escape, grammar_invalid_utf8, grammar_bom, grammar_seq_zero, grammar_big_id,
           grammar_long_time, grammar_symlink, grammar_junk_in_block, grammar_x_own_id)


def empty() -> Fixture:
    fx = Fixture("empty", "A store with its tier directories but no files yet.")
    fx.windows = [(0, 2 ** 40)]
    return fx


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--out", default=os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                                  "..", "fixtures", "stores"))
    args = ap.parse_args()
    for make in (plain, bigvalues, hostile, torn_line, torn_block, corrupt, superseded, same_name,
                 unknown_version, compressed, damaged_gzip, interrupted_creation, *GRAMMAR, empty):
        fx = make()
        fx.write(args.out)
        if fx.name == "empty":
            for tier in ("detail", "hourly", "daily"):
                d = os.path.join(args.out, fx.name, tier)
                os.makedirs(d, exist_ok=True)
                open(os.path.join(d, ".keep"), "w").close()


if __name__ == "__main__":
    main()
