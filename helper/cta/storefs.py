# SPDX-License-Identifier: LGPL-2.1-or-later
"""The store on disk: file names per tier, listing, reading, locking and atomic writes."""

from __future__ import annotations

import errno
import fcntl
import os
import stat
import re
import time
from collections import namedtuple

from . import early, testseam
from .store import ParsedFile, StoreError, StoreView, parse, resolve

DEFAULT_STORE = early.DEFAULT_STORE
TIER_DIRS = ("detail", "hourly", "daily", "monthly", "whole")
V1_TIERS = ("detail", "hourly", "daily")
GZ = ".gz"                       # a closed store file: one gzip member holding a plain store file

# a period's plain file (the only kind ever appended to) and, optionally, its compressed twin.
# Version 1 and version 2 name their files differently (docs/store-format.md), so a file's name
# tells the version its header must have
_NAMES = {
    ("detail", 1): re.compile(r"(\d{4})-(\d{2})-(\d{2})\.cta(?:\.gz)?\Z"),
    ("hourly", 1): re.compile(r"(\d{4})-(\d{2})\.cta(?:\.gz)?\Z"),
    ("daily", 1): re.compile(r"(\d{4})\.cta(?:\.gz)?\Z"),
    ("detail", 2): re.compile(r"(\d{4})-(\d{2})-(\d{2})T(\d{2})\.cta(?:\.gz)?\Z"),
    ("hourly", 2): re.compile(r"(\d{4})-(\d{2})-(\d{2})\.cta(?:\.gz)?\Z"),
    ("daily", 2): re.compile(r"(\d{4})-(\d{2})\.cta(?:\.gz)?\Z"),
    ("monthly", 2): re.compile(r"(\d{4})\.cta(?:\.gz)?\Z"),
    ("whole", 2): re.compile(r"(\d{4})\.cta(?:\.gz)?\Z"),
}
# version 2: the period one file of a tier covers (one period of the next coarser tier)
FILE_SPAN_V2 = {"detail": "hour", "hourly": "day", "daily": "month", "monthly": "year", "whole": "year"}


class WriteError(Exception):
    """A write to the store failed (full disk, read-only file system...): nothing was changed."""


class NotRoot(Exception):
    pass


class StoreFile(namedtuple("StoreFile", "tier name year month day hour version", defaults=(0, 1))):
    __slots__ = ()
    tier: str
    name: str                        # e.g. "2025-11-21.cta" or "2025-11-21.cta.gz"
    year: int
    month: int                       # 1 for files of a year
    day: int                         # 1 for files of a month or a year
    hour: int                        # version 2's detail files: the local hour; else 0
    version: int                     # the format version its name belongs to

    @property
    def rel(self) -> str:
        return f"{self.tier}/{self.name}"

    @property
    def compressed(self) -> bool:
        return self.name.endswith(GZ)

    @property
    def period_rel(self) -> str:
        """The plain file's name, the same for both files of a period: what groups them."""
        return self.plain().rel

    def plain(self) -> "StoreFile":
        return self._replace(name=self.name[:-len(GZ)]) if self.compressed else self

    def gz(self) -> "StoreFile":
        return self if self.compressed else self._replace(name=self.name + GZ)

    def period(self) -> tuple[int, int]:
        """[start, end) in Unix seconds of the local period this file covers."""
        if self.version == 2:
            span = FILE_SPAN_V2[self.tier]
            if span == "hour":
                # both hours of a repeated (daylight-saving) hour share the file
                found = [t for t in (int(time.mktime((self.year, self.month, self.day, self.hour, 0, 0, 0, 0, dst)))
                                     for dst in (-1, 0, 1))
                         if time.localtime(t)[:4] == (self.year, self.month, self.day, self.hour)]
                first = min(found, default=local_midnight(self.year, self.month, self.day) + 3600 * self.hour)
                return first, max(found, default=first) + 3600
            if span == "day":
                return (local_midnight(self.year, self.month, self.day),
                        local_midnight(*_add_days(self.year, self.month, self.day, 1)))
            if span == "month":
                return (local_midnight(self.year, self.month, 1),
                        local_midnight(self.year + (self.month == 12), self.month % 12 + 1, 1))
            return local_midnight(self.year, 1, 1), local_midnight(self.year + 1, 1, 1)
        if self.tier == "detail":
            begin = (self.year, self.month, self.day)
            nxt = _add_days(self.year, self.month, self.day, 1)
        elif self.tier == "hourly":
            begin = (self.year, self.month, 1)
            nxt = (self.year + (self.month == 12), self.month % 12 + 1, 1)
        else:
            begin = (self.year, 1, 1)
            nxt = (self.year + 1, 1, 1)
        return local_midnight(*begin), local_midnight(*nxt)


def _add_days(y: int, m: int, d: int, n: int) -> tuple[int, int, int]:
    t = time.mktime((y, m, d, 12, 0, 0, 0, 0, -1)) + n * 86400
    lt = time.localtime(t)
    return lt.tm_year, lt.tm_mon, lt.tm_mday


def local_midnight(y: int, m: int, d: int) -> int:
    return int(time.mktime((y, m, d, 0, 0, 0, 0, 0, -1)))


def file_for(tier: str, end: int, version: int = 1) -> StoreFile:
    """The file of a tier that holds a record ending at `end` (by the local date of end - 1)."""
    lt = time.localtime(end - 1)
    if version == 2:
        return file_v2(tier, lt.tm_year, lt.tm_mon, lt.tm_mday, lt.tm_hour)
    if tier == "detail":
        return StoreFile(tier, f"{lt.tm_year:04d}-{lt.tm_mon:02d}-{lt.tm_mday:02d}.cta",
                         lt.tm_year, lt.tm_mon, lt.tm_mday)
    if tier == "hourly":
        return StoreFile(tier, f"{lt.tm_year:04d}-{lt.tm_mon:02d}.cta", lt.tm_year, lt.tm_mon, 1)
    return StoreFile(tier, f"{lt.tm_year:04d}.cta", lt.tm_year, 1, 1)


def file_v2(tier: str, y: int, m: int, d: int, h: int = 0) -> StoreFile:
    """Version 2's file of a tier for the local date and hour (the parts its span ignores are dropped)."""
    span = FILE_SPAN_V2[tier]
    if span == "hour":
        return StoreFile(tier, f"{y:04d}-{m:02d}-{d:02d}T{h:02d}.cta", y, m, d, h, 2)
    if span == "day":
        return StoreFile(tier, f"{y:04d}-{m:02d}-{d:02d}.cta", y, m, d, 0, 2)
    if span == "month":
        return StoreFile(tier, f"{y:04d}-{m:02d}.cta", y, m, 1, 0, 2)
    return StoreFile(tier, f"{y:04d}.cta", y, 1, 1, 0, 2)


def list_files(root: str, tiers: tuple[str, ...] = TIER_DIRS,
               versions: tuple[int, ...] = (1, 2)) -> list[StoreFile]:
    """The store files of some tiers and format versions, both kinds, sorted by tier and name
    (plain before gz)."""
    out: list[StoreFile] = []
    for tier in tiers:
        patterns = [(v, _NAMES[(tier, v)]) for v in versions if (tier, v) in _NAMES]
        if not patterns:
            continue
        try:
            entries = list(os.scandir(os.path.join(root, tier)))
        except FileNotFoundError:
            continue
        for entry in entries:
            name = entry.name
            for version, pattern in patterns:
                m = pattern.match(name)
                if m:
                    break
            # only regular files are store files: a symbolic link or a directory is not (the
            # page lists with `find -type f`, and a writer must not follow a link)
            if not m or not entry.is_file(follow_symlinks=False):
                continue
            g = [int(x) for x in m.groups()]
            y, mo, d = g[0], g[1] if len(g) > 1 else 1, g[2] if len(g) > 2 else 1
            out.append(StoreFile(tier, name, y, mo, d, g[3] if len(g) > 3 else 0, version))
    out.sort(key=lambda f: (f.tier, f.name))
    return out


def gunzip(data: bytes, rel: str) -> bytes:
    """The content of a .cta.gz: exactly one whole gzip member, its CRC and length checked.

    Anything else (truncated, damaged, bytes after the member) is a StoreError naming the file:
    a file that cannot be read must never pass for one with less data in it.
    """
    import zlib                                 # not loaded by a collect that reads no .cta.gz
    d = zlib.decompressobj(wbits=31)            # 16 + 15: gzip wrapper, the largest window
    try:
        out = d.decompress(data)
    except zlib.error as e:
        raise StoreError(f"{rel}: damaged compressed file ({e})") from e
    if not d.eof:
        raise StoreError(f"{rel}: damaged compressed file (the gzip stream is truncated)")
    if d.unused_data:
        raise StoreError(f"{rel}: damaged compressed file (data after the end of the gzip stream)")
    return out


def gzip_bytes(data: bytes) -> bytes:
    """Deterministic compression: no name, mtime 0, so the same content gives the same bytes."""
    import gzip                                 # only writers of closed files need it
    return gzip.compress(data, compresslevel=9, mtime=0)


def content(f: StoreFile, raw: bytes) -> bytes:
    """The store text of a file's bytes on disk."""
    return gunzip(raw, f.rel) if f.compressed else raw


def parse_file(f: StoreFile, raw: bytes) -> ParsedFile:
    """A store file's raw bytes (compressed or not) parsed; raises StoreError as parse() does,
    and for a header whose version is not the one the file's name has."""
    pf = parse(content(f, raw), f.rel)
    if pf.file_id is not None and pf.version != f.version:
        # version 1's and version 2's names never collide: the name says which header is right
        raise StoreError(f"{f.rel}: a version-{pf.version} header in a version-{f.version} file name")
    return pf


def read_file(root: str, f: StoreFile) -> ParsedFile:
    with open(os.path.join(root, f.tier, f.name), "rb") as fh:
        return parse_file(f, fh.read())


def read_store(root: str, files: list[StoreFile] | None = None) -> StoreView:
    return resolve(read_file(root, f) for f in (files if files is not None else list_files(root)))


class Lock:
    """The writers' exclusive flock on <store>/lock, held for a whole run."""

    def __init__(self, root: str) -> None:
        self.root = root
        self.fd = -1

    def __enter__(self) -> "Lock":
        ensure_store(self.root)
        fd = early.take_lock(self.root)
        if fd is None:
            path = os.path.join(self.root, "lock")
            try:
                fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC | os.O_NOFOLLOW, 0o644)
                _require_regular(fd, path)
            except OSError as e:
                raise WriteError(f"cannot open {path}: {e.strerror}") from e
            fcntl.flock(fd, fcntl.LOCK_EX)
        self.fd = fd
        return self

    def __exit__(self, *exc: object) -> None:
        os.close(self.fd)
        self.fd = -1


def ensure_store(root: str) -> None:
    try:
        os.makedirs(root, mode=0o755, exist_ok=True)
        for tier in TIER_DIRS:
            os.makedirs(os.path.join(root, tier), mode=0o755, exist_ok=True)
    except PermissionError as e:
        raise NotRoot(f"cannot write the store {root}: {e.strerror}; run as root") from e
    except OSError as e:
        raise WriteError(f"cannot create the store {root}: {e.strerror}") from e
    if not os.access(root, os.W_OK):
        raise NotRoot(f"cannot write the store {root}: permission denied; run as root")


def fsync_dir(path: str) -> None:
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        n = os.write(fd, view)
        view = view[n:]


# Every file the helper writes as root is opened without following a symbolic link, and a new
# file is created exclusively: a link or file that someone else placed in a directory they can
# write (a textfile collector's directory, say) is never written through.
_NEW = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC


def _require_regular(fd: int, path: str) -> None:
    """Refuse to write anything but a plain file (a FIFO or device placed there by someone)."""
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise OSError(errno.EINVAL, f"{path} is not a regular file")


def write_tmp(path: str, data: bytes) -> str:
    """Write `data` to a new path + ".tmp" and fsync it; return the temporary name.

    A leftover temporary file (or a link in its place) is removed first, never written through.
    """
    tmp = path + ".tmp"
    try:
        _unlink_quiet(tmp)
        fd = os.open(tmp, _NEW, 0o644)
        try:
            write_all(fd, data)
            os.fsync(fd)
        finally:
            os.close(fd)
    except OSError as e:
        _unlink_quiet(tmp)
        raise WriteError(f"cannot write {path}: {e.strerror}") from e
    return tmp


def replace_file(path: str, data: bytes) -> None:
    """tmp + fsync + rename + fsync(dir): the file is either the old or the new version."""
    tmp = write_tmp(path, data)
    try:
        os.rename(tmp, path)
        fsync_dir(os.path.dirname(path) or ".")
    except OSError as e:
        _unlink_quiet(tmp)
        raise WriteError(f"cannot replace {path}: {e.strerror}") from e


def append_record(path: str, header: bytes, data: bytes) -> None:
    """Append one whole block in a single write(2); create the file with `header` if new.

    On a short or failed write the file is truncated back to its old length, so the store is
    left as it was.
    """
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_CLOEXEC | os.O_NOFOLLOW, 0o644)
        _require_regular(fd, path)
    except OSError as e:
        raise WriteError(f"cannot open {path}: {e.strerror}") from e
    try:
        size = os.lseek(fd, 0, os.SEEK_END)
        if size == 0:
            testseam.point("created")      # a kill here leaves an empty file (collect copes)
        payload = (header if size == 0 else b"") + data
        try:
            n = os.write(fd, payload)
            if n != len(payload):
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
            os.fsync(fd)
        except OSError as e:
            try:
                os.ftruncate(fd, size)
                os.fsync(fd)
            except OSError:
                pass
            if size == 0:
                _unlink_quiet(path)
            raise WriteError(f"cannot append to {path}: {e.strerror}") from e
    finally:
        os.close(fd)
    if size == 0:
        fsync_dir(os.path.dirname(path))


def truncate(path: str, length: int) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CLOEXEC | os.O_NOFOLLOW)
    _require_regular(fd, path)
    try:
        os.ftruncate(fd, length)
        os.fsync(fd)
    finally:
        os.close(fd)


def _unlink_quiet(path: str) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass
