# SPDX-License-Identifier: LGPL-2.1-or-later
"""The store's text format (docs/store-format.md): identities, escaping, parsing and writing.

Everything here is pure: it turns text into records and records into text. Placement of
records into files and the crash-safe file operations live in storefs.py.
"""

from __future__ import annotations

import os
import re
from collections import namedtuple

TYPE_CHECKING = False
if TYPE_CHECKING:                       # annotations only: typing is slow to import
    from typing import Iterable, Iterator

FORMAT_VERSION = 1
TIERS = ("detail", "hourly", "daily")
# Version 2 (docs/store-format.md): the same lines, more tiers, and `p` period blocks in every
# tier but detail, where `i` interval blocks stay the only kind
FORMAT_VERSION_2 = 2
TIERS_V2 = ("detail", "hourly", "daily", "monthly", "whole")
TIERS_BY_VERSION = {"1": TIERS, "2": TIERS_V2}

# Limits that both readers check the same way (docs/store-format.md, "Lines")
ID_DIGITS = 9                          # counter ids and seq: below 10^9
TIME_DIGITS = 15                       # interval times: below 10^15 (exact as a JavaScript number)
COUNT_DIGITS = 7                       # data lines of one interval block: below 10^7

_INT = re.compile(r"(?:0|[1-9][0-9]*)\Z")
_FILE_ID = re.compile(r"[0-9a-f]{16}\Z")
_HEX = "0123456789ABCDEF"


class StoreError(Exception):
    """A store file that cannot be read at all (unknown version, no header)."""


class Identity(namedtuple("Identity", "source family table chain seq name")):
    """A counter's stable identity: the same in every file, across resets and helper runs."""
    __slots__ = ()
    source: str
    family: str
    table: str
    chain: str
    seq: int
    name: str

    def key(self) -> str:
        """The escaped identity, exactly as it follows the id in a `c` line."""
        source, family, table, chain, seq, name = self
        joined = f"{source} {family} {table} {chain} {seq} {name}"
        if (_PLAIN_KEY.match(joined) and source and family and table and chain and name
                and "-" not in (source, family, table, chain, name)):
            return joined                  # the common case: nothing to escape
        return " ".join((escape(source), escape(family), escape(table), escape(chain), str(seq),
                         escape(name)))

    @staticmethod
    def from_key(key: str) -> "Identity":
        fields = key.split(" ")
        if len(fields) != 6:
            raise ValueError("an identity has 6 fields")
        return _parse_identity(fields)

    def display(self) -> str:
        return f"{self.name} {self.chain}" if self.source == "iface" else self.name


class Record(namedtuple("Record", "start end ident bytes packets")):
    """Deltas of one counter over [start, end)."""
    __slots__ = ()
    start: int
    end: int
    ident: Identity
    bytes: int
    packets: int


class Block:
    __slots__ = ("start", "end", "rows", "offset", "end_offset", "kind")

    def __init__(self, start: int, end: int, rows: list[tuple[int, int, int]], offset: int,
                 end_offset: int, kind: str = "i") -> None:
        self.kind = kind                   # "i": an interval (collection) block; "p": a period block
        self.start = start
        self.end = end
        self.rows = rows                   # (file-local id, bytes, packets)
        self.offset = offset               # byte offset of the `i` or `p` line in the file
        self.end_offset = end_offset       # byte offset just after the block's last line


class Corrupt(namedtuple("Corrupt", "file line reason")):
    __slots__ = ()
    file: str
    line: int
    reason: str


class ParsedFile:
    def __init__(self, path: str, tier: str, file_id: str | None, torn: bool = False) -> None:
        self.path = path                   # relative to the store, e.g. "detail/2025-11-21.cta"
        self.tier = tier
        self.version = 1                   # the header's format version (1 or 2)
        self.file_id = file_id             # None: no complete line, not even a header
        self.counters: dict[int, Identity] = {}
        self.counter_offsets: dict[int, int] = {}
        self.blocks: list[Block] = []
        self.supersedes: list[str] = []
        self.corrupt: list[Corrupt] = []
        self.torn = torn
        self.valid_length = 0              # bytes up to the end of the last complete line kept

    def records(self) -> Iterator[Record]:
        for block in self.blocks:
            for cid, nbytes, npackets in block.rows:
                yield Record(block.start, block.end, self.counters[cid], nbytes, npackets)


_PLAIN = re.compile(r"[^\x00-\x20%\x7f\ud800-\udfff]+\Z")
# six plain fields separated by single spaces (empty fields and "-" are checked separately)
_PLAIN_KEY = re.compile(r"(?:[^\x00-\x20%\x7f\ud800-\udfff]* ){5}[^\x00-\x20%\x7f\ud800-\udfff]*\Z")


def escape(value: str) -> str:
    if value == "":
        return "-"
    if value == "-":
        return "%2D"
    if _PLAIN.match(value):
        return value
    out: list[str] = []
    for ch in value:
        code = ord(ch)
        if ch == "%" or code <= 0x20 or code == 0x7F:
            out.append("%" + _HEX[code >> 4] + _HEX[code & 15])
        elif 0xD800 <= code <= 0xDFFF:
            out.append("\ufffd")           # a lone surrogate cannot be UTF-8: keep the token valid
        else:
            out.append(ch)
    return "".join(out)


def unescape(token: str) -> str:
    """Decode one identity field; ValueError if it is not a valid escaped token."""
    if token == "-":
        return ""
    if token == "":
        raise ValueError("empty field")
    raw = bytearray()
    i = 0
    n = len(token)
    while i < n:
        ch = token[i]
        if ch == "%":
            pair = token[i + 1:i + 3]
            if len(pair) != 2 or pair[0] not in _HEX or pair[1] not in _HEX:
                raise ValueError("invalid escape")
            raw.append(int(pair, 16))
            i += 3
            continue
        if ord(ch) <= 0x20 or ord(ch) == 0x7F:
            raise ValueError("unescaped control character")
        raw.extend(ch.encode("utf-8"))
        i += 1
    return raw.decode("utf-8")             # UnicodeDecodeError is a ValueError


def parse_int(token: str) -> int:
    if not _INT.match(token):
        raise ValueError(f"not a plain decimal integer: {token!r}")
    return int(token)


def new_file_id() -> str:
    return os.urandom(8).hex()


def header_line(tier: str, file_id: str, version: int = FORMAT_VERSION) -> str:
    return f"#cta {version} {tier} {file_id}\n"


def counter_line(cid: int, ident: Identity) -> str:
    return f"c {cid} {ident.key()}\n"


def block_text(start: int, end: int, rows: list[tuple[int, int, int]]) -> str:
    lines = [f"i {start} {end} {len(rows)}\n"]
    lines.extend(f"{cid} {b} {p}\n" for cid, b, p in rows)
    return "".join(lines)


def parse_bounded(token: str, digits: int) -> int:
    """A plain decimal integer of at most `digits` digits (the format's limit for that field)."""
    if len(token) > digits:
        raise ValueError(f"more than {digits} digits: {token[:20]!r}")
    return parse_int(token)


def _parse_identity(fields: list[str]) -> Identity:
    source, family, table, chain = (unescape(f) for f in fields[:4])
    seq = parse_bounded(fields[4], ID_DIGITS)
    if seq == 0:
        raise ValueError("counter seq 0 (seq counts from 1)")
    name = unescape(fields[5])
    return Identity(source, family, table, chain, seq, name)


def parse(data: bytes, path: str) -> ParsedFile:
    """Parse one store file. Raises StoreError only for a file that cannot be read at all."""
    torn = not data.endswith(b"\n") and len(data) > 0
    body = data if not torn else data[:data.rfind(b"\n") + 1]
    lines = body.split(b"\n")[:-1] if body else []
    if not lines:
        # no complete line: a file whose creation was interrupted (or is under way). It holds
        # nothing; a first line without its newline is a torn append like any other
        tier = path.split("/", 1)[0]
        return ParsedFile(path=path, tier=tier if tier in TIERS_V2 else "detail", file_id=None, torn=torn)
    try:
        head = lines[0].decode("utf-8").split(" ")
    except UnicodeDecodeError:
        raise StoreError(f"{path}: not a store file (no #cta header)")
    if len(head) < 2 or head[0] != "#cta":
        raise StoreError(f"{path}: not a store file (no #cta header)")
    tiers = TIERS_BY_VERSION.get(head[1])
    if tiers is None:
        raise StoreError(f"{path}: unsupported store format version {head[1]}")
    if len(head) != 4 or head[2] not in tiers or not _FILE_ID.match(head[3]):
        raise StoreError(f"{path}: malformed #cta header")
    pf = ParsedFile(path=path, tier=head[2], file_id=head[3], torn=torn)
    pf.version = int(head[1])
    # the one block kind this file may hold: `p` in version 2's period tiers, `i` everywhere else
    block_kind = "p" if pf.version == FORMAT_VERSION_2 and pf.tier != "detail" else "i"

    offset = len(lines[0]) + 1
    pf.valid_length = offset
    block: Block | None = None
    block_n = 0
    block_line = 0
    block_bad = False

    def close_block(complete: bool) -> None:
        nonlocal block
        assert block is not None
        if complete and not block_bad:
            pf.blocks.append(block)
        block = None

    for index in range(1, len(lines)):
        raw = lines[index]
        lineno = index + 1
        line_start = offset
        offset += len(raw) + 1
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            text = None
        kind = text.split(" ", 1)[0] if text is not None else ""
        if text is not None and text.startswith("# "):
            continue
        if block is not None and kind in ("i", "p", "c", "x") or (block is not None and text is not None
                                                             and text.startswith("#")):
            # another line cuts the block short: the block is corrupt, the line stands alone
            assert block is not None
            pf.corrupt.append(Corrupt(path, block_line, "interval block cut short"))
            close_block(False)
        if block is not None:
            ok = False
            if text is not None:
                parts = text.split(" ")
                try:
                    if len(parts) != 3:
                        raise ValueError("data line needs 3 fields")
                    cid = parse_int(parts[0])
                    if cid not in pf.counters:
                        raise ValueError(f"undefined counter id {cid}")
                    block.rows.append((cid, parse_int(parts[1]), parse_int(parts[2])))
                    ok = True
                except ValueError as e:
                    pf.corrupt.append(Corrupt(path, lineno, str(e)))
            else:
                pf.corrupt.append(Corrupt(path, lineno, "invalid UTF-8"))
            if not ok:
                block_bad = True
            block_n -= 1
            if block_n == 0:
                block.end_offset = offset
                close_block(True)
                pf.valid_length = offset
            continue
        if text is None:
            pf.corrupt.append(Corrupt(path, lineno, "invalid UTF-8"))
            pf.valid_length = offset
            continue
        parts = text.split(" ")
        try:
            if kind == "c":
                if len(parts) != 8:
                    raise ValueError("counter line needs 8 fields")
                cid = parse_bounded(parts[1], ID_DIGITS)
                ident = _parse_identity(parts[2:])
                if cid in pf.counters:
                    raise ValueError(f"counter id {cid} redefined")
                pf.counters[cid] = ident
                pf.counter_offsets[cid] = line_start
            elif kind in ("i", "p"):
                if kind != block_kind:
                    raise ValueError("period line outside a period tier" if kind == "p"
                                     else "interval line in a period tier")
                if len(parts) != 4:
                    raise ValueError("interval line needs 4 fields")
                start, end = parse_bounded(parts[1], TIME_DIGITS), parse_bounded(parts[2], TIME_DIGITS)
                n = parse_bounded(parts[3], COUNT_DIGITS)
                if end <= start:
                    raise ValueError("interval end not after start")
                if n > 0:
                    block = Block(start, end, [], line_start, offset, kind)
                    block_n = n
                    block_line = lineno
                    block_bad = False
                    continue                   # valid_length moves only at the block's end
                if kind == "p":
                    # an empty period block still says "this period is rolled up"
                    pf.blocks.append(Block(start, end, [], line_start, offset, kind))
            elif kind == "x":
                if len(parts) != 2 or not _FILE_ID.match(parts[1]):
                    raise ValueError("malformed supersede line")
                pf.supersedes.append(parts[1])
            else:
                raise ValueError("unknown line kind")
        except ValueError as e:
            pf.corrupt.append(Corrupt(path, lineno, str(e)))
        pf.valid_length = offset
    if block is not None:
        # the data lines stop at the end of the file: a torn append of a whole collection
        pf.torn = True
        block = None
    return pf


class StoreView(namedtuple("StoreView", "files ignored corrupt torn")):
    """Every readable file of a store after the supersede rule, with what was skipped."""
    __slots__ = ()
    files: list[ParsedFile]
    ignored: list[ParsedFile]
    corrupt: list[Corrupt]
    torn: int

    def records(self) -> Iterator[Record]:
        for pf in self.files:
            yield from pf.records()


def resolve(parsed: Iterable[ParsedFile]) -> StoreView:
    allfiles = list(parsed)
    superseded: set[str] = set()
    for pf in allfiles:
        superseded.update(x for x in pf.supersedes if x != pf.file_id)
    files = [pf for pf in allfiles if pf.file_id not in superseded]
    ignored = [pf for pf in allfiles if pf.file_id in superseded]
    corrupt = [c for pf in files for c in pf.corrupt]
    return StoreView(files, ignored, corrupt, sum(1 for pf in files if pf.torn))


def totals(records: Iterable[Record], start: int, end: int) -> dict[Identity, tuple[int, int]]:
    """Sum per counter of the records counted in [start, end): those with start < r.end <= end."""
    out: dict[Identity, tuple[int, int]] = {}
    for r in records:
        if start < r.end <= end:
            b, p = out.get(r.ident, (0, 0))
            out[r.ident] = (b + r.bytes, p + r.packets)
    return out


class FileWriter:
    """Builds the text of a whole store file (used by rotate, compact and the tools)."""

    def __init__(self, tier: str, file_id: str | None = None, version: int = FORMAT_VERSION) -> None:
        self.tier = tier
        self.file_id = file_id or new_file_id()
        self._parts: list[str] = [header_line(tier, self.file_id, version)]
        self._ids: dict[Identity, int] = {}

    def preassign(self, idents: Iterable[Identity]) -> None:
        """Define counters up front, e.g. the most frequent first so they get the shortest ids."""
        for ident in idents:
            self.counter_id(ident)

    def supersede(self, file_id: str) -> None:
        self._parts.append(f"x {file_id}\n")

    def counter_id(self, ident: Identity) -> int:
        cid = self._ids.get(ident)
        if cid is None:
            cid = len(self._ids)
            self._ids[ident] = cid
            self._parts.append(counter_line(cid, ident))
        return cid

    def block(self, start: int, end: int, rows: Iterable[tuple[Identity, int, int]]) -> None:
        coded = [(self.counter_id(ident), b, p) for ident, b, p in rows if b or p]
        if coded:
            self._parts.append(block_text(start, end, coded))

    def period(self, start: int, end: int, rows: Iterable[tuple[Identity, int, int]]) -> None:
        """A version-2 period block; written also without rows (`p s e 0`: rolled up, no traffic)."""
        coded = [(self.counter_id(ident), b, p) for ident, b, p in rows if b or p]
        self._parts.append(f"p {start} {end} {len(coded)}\n")
        self._parts.extend(f"{cid} {b} {p}\n" for cid, b, p in coded)

    def text(self) -> str:
        return "".join(self._parts)
