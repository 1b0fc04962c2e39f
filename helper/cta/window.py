# SPDX-License-Identifier: LGPL-2.1-or-later
"""The helper's window reader (docs/store-format.md, "Reading a window"): the totals of the
records with `frm < end <= to`, read from version 2's overlapping tiers so that no period is
ever counted twice, and from version-1 files as version 1 counts them.

Version 2: the window is cut into local periods, coarsest first. A month, day or hour that lies
whole inside the window and has a period block in its tier takes that block; the rest is cut
into the next finer tier's periods, down to the detail records. At an edge whose finer tier
holds nothing any more (its files are past their retention), the period block that straddles
the edge counts where it ends, as version 1 counts a merged record, and the edge is reported
inexact with that block's length. Compacted ranges (`whole/`) take the time they cover: a
period block that overlaps one is never used (compact removes them; one rolled up later from
what was left is a partial sum).

A mixed store (a migration between its renames) counts the version-1 files that no version-2
file supersedes by their x lines, by version 1's rules: the migration's outputs name every
version-1 file, so the two never hold the same time.
"""

from __future__ import annotations

from . import periods, storefs
from .store import Corrupt, Identity, ParsedFile, StoreError, resolve

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Iterable

LEVELS = ("monthly", "daily", "hourly", "detail")        # coarsest first
DAY = 86400


class Edge:
    def __init__(self) -> None:
        self.exact = True
        self.resolution = 0                # seconds of the longest straddling block counted or left out

    def straddled(self, length: int) -> None:
        self.exact = False
        self.resolution = max(self.resolution, length)


class Window:
    def __init__(self, frm: int, to: int) -> None:
        self.frm = frm
        self.to = to
        self.totals: dict[Identity, tuple[int, int]] = {}
        self.edges = {"from": Edge(), "to": Edge()}
        self.corrupt: list[Corrupt] = []
        self.torn = 0
        self.errors: list[str] = []
        self.files_read: list[str] = []

    def add(self, ident: Identity, b: int, p: int) -> None:
        ob, op = self.totals.get(ident, (0, 0))
        self.totals[ident] = (ob + b, op + p)


class _Reader:
    def __init__(self, root: str, w: Window, listing: list[storefs.StoreFile]) -> None:
        self.root = root
        self.w = w
        self.present = {f.rel for f in listing}
        self.superseded: set[str] = set()
        self.cache: dict[str, list[ParsedFile]] = {}
        self.blocks: dict[str, dict[tuple[int, int], tuple[ParsedFile, list[tuple[int, int, int]]]]] = {}
        self.whole: list[tuple[int, int]] = []

    def _parse(self, f: storefs.StoreFile) -> ParsedFile | None:
        if f.rel not in self.present:
            return None
        try:
            pf = storefs.read_file(self.root, f)
        except FileNotFoundError:
            return None
        except StoreError as e:
            self.w.errors.append(str(e))
            return None
        self.w.files_read.append(f.rel)
        return pf

    def files(self, f: storefs.StoreFile) -> list[ParsedFile]:
        """The files of one period that count (plain and .cta.gz, after x lines)."""
        got = self.cache.get(f.rel)
        if got is None:
            found = [pf for pf in (self._parse(f.plain()), self._parse(f.gz())) if pf is not None]
            view = resolve(found)
            got = [pf for pf in view.files if pf.file_id not in self.superseded]
            self.w.corrupt.extend(c for pf in got for c in pf.corrupt)
            self.w.torn += sum(1 for pf in got if pf.torn)
            self.cache[f.rel] = got
        return got

    def held(self, tier: str, end: int) -> bool:
        f = periods.file_of(tier, end)
        return f.rel in self.present or f.gz().rel in self.present

    def block(self, tier: str, p: tuple[int, int]) -> tuple[ParsedFile, list[tuple[int, int, int]]] | None:
        f = periods.file_of(tier, p[1])
        index = self.blocks.get(f.rel)
        if index is None:
            index = {}
            for pf in self.files(f):
                for b in pf.blocks:
                    # a period is taken once, whatever number of files hold a block for it
                    index.setdefault((b.start, b.end), (pf, b.rows))
            self.blocks[f.rel] = index
        return index.get(p)

    def overlaps_whole(self, p: tuple[int, int]) -> bool:
        return any(p[0] < e and s < p[1] for s, e in self.whole)

    def count(self, pf: ParsedFile, rows: list[tuple[int, int, int]]) -> None:
        for cid, b, pk in rows:
            self.w.add(pf.counters[cid], b, pk)

    def cover(self, a: int, b: int, level: int) -> None:
        """Count the records ending in (a, b] from LEVELS[level] and finer."""
        tier = LEVELS[level]
        if tier == "detail":
            for f in periods.detail_files(a, b):
                for pf in self.files(f):
                    for blk in pf.blocks:
                        if a < blk.end <= b:
                            self.count(pf, blk.rows)
            return
        finer = LEVELS[level + 1]
        for p in periods.periods(tier, a, b):
            lo, hi = max(a, p[0]), min(b, p[1])
            found = None if self.overlaps_whole(p) else self.block(tier, p)
            if found is not None and lo == p[0] and hi == p[1]:
                self.count(*found)
            elif found is not None and not self.held(finer, p[1]):
                # the finer tier holds nothing of this period any more: the block counts
                # where it ends, and the edge it straddles is inexact
                if a < p[1] <= b:
                    self.count(*found)
                for name, t in (("from", self.w.frm), ("to", self.w.to)):
                    if p[0] < t < p[1] and found[1]:         # an empty period is exact anywhere
                        self.w.edges[name].straddled(p[1] - p[0])
            else:
                self.cover(lo, hi, level + 1)


def read_window(root: str, frm: int, to: int, listing: list[storefs.StoreFile] | None = None) -> Window:
    """Totals per counter of the records a reader counts in [frm, to) (frm < end <= to)."""
    w = Window(frm, to)
    files = storefs.list_files(root) if listing is None else listing
    r = _Reader(root, w, files)
    v1 = [f for f in files if f.version == 1]
    v2 = [f for f in files if f.version == 2]
    if v1 and v2:
        # a migration between its renames: any version-2 output names every version-1 file
        for f in v2:
            for pf in r.files(f):
                r.superseded.update(x for x in pf.supersedes if x != pf.file_id)
            if r.superseded:
                break
        r.cache.clear()                     # read again below, with the x lines applied
        w.corrupt.clear()
        w.torn = 0
        w.files_read.clear()
    # version 2: compacted ranges first, then the period tiers and the detail records
    # one entry per year: files() reads a year's plain and compressed file together, so a year
    # listed twice (a closing killed before it removed the plain file) must be read once
    whole_years = {f.plain().rel: f.plain() for f in v2 if f.tier == "whole"}
    for f in whole_years.values():
        for pf in r.files(f):
            for blk in pf.blocks:
                r.whole.append((blk.start, blk.end))
                if frm < blk.end <= to:
                    r.count(pf, blk.rows)
                for name, t in (("from", frm), ("to", to)):
                    if blk.start < t < blk.end:
                        w.edges[name].straddled(blk.end - blk.start)
    if v2:
        # only where files are: a window from 1970 must not walk every month since
        lo = min(f.period()[0] for f in v2)
        hi = max(f.period()[1] for f in v2)
        pieces = [(max(frm, lo), min(to, hi))] if max(frm, lo) < min(to, hi) else []
        for s, e in sorted(r.whole):
            nxt = []
            for a, b in pieces:
                if e <= a or s >= b:
                    nxt.append((a, b))
                    continue
                if a < s:
                    nxt.append((a, s))
                if e < b:
                    nxt.append((e, b))
            pieces = nxt
        for a, b in pieces:
            r.cover(a, b, 0)
    if v1:
        _version1(r, [f for f in v1 if f.period()[0] < to + DAY and f.period()[1] > frm - DAY])
    return w


def _version1(r: _Reader, files: Iterable[storefs.StoreFile]) -> None:
    """Version-1 files: every record counts where it ends (each instant is in one tier)."""
    parsed = [pf for f in files for pf in [r._parse(f)] if pf is not None]
    view = resolve(parsed)
    w = r.w
    for pf in view.files:
        if pf.file_id in r.superseded:
            continue
        w.corrupt.extend(pf.corrupt)
        w.torn += 1 if pf.torn else 0
        for blk in pf.blocks:
            if w.frm < blk.end <= w.to:
                r.count(pf, blk.rows)
            for name, t in (("from", w.frm), ("to", w.to)):
                if blk.start < t < blk.end and blk.end - blk.start > 3600:
                    w.edges[name].straddled(blk.end - blk.start)


def totals(root: str, frm: int, to: int) -> dict[Identity, tuple[int, int]]:
    return read_window(root, frm, to).totals
