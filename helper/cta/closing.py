# SPDX-License-Identifier: LGPL-2.1-or-later
"""Closing: a plain store file that nothing will append to again becomes `<period>.cta.gz`.

See docs/store-format.md, "Compressed files". collect closes the detail days before today
right after it has saved its interval (so a failure here loses nothing); rotate closes them too
(for stores where collect did not run since midnight) and also plain hourly and daily files,
which only earlier versions wrote.

The compressed file is a new version of the plain one: a new file id in its header and
`x <old id>` on its second line, then the old file's complete lines unchanged. It is written
whole (tmp, fsync, rename, fsync dir) before the plain file is unlinked, so a reader that finds
both (the writer was killed in between) ignores the plain one, and the next writer's recovery
(finish_interrupted) unlinks it.
"""

from __future__ import annotations

import os
from collections import namedtuple

from . import storefs, testseam
from .store import TIERS_BY_VERSION, StoreError, header_line, new_file_id

TYPE_CHECKING = False
if TYPE_CHECKING:
    from .state import State

_HEX = frozenset("0123456789abcdef")


class CloseResult(namedtuple("CloseResult", "closed unlinked errors")):
    __slots__ = ()
    closed: list[str]                  # plain files replaced by their .cta.gz
    unlinked: list[str]                # plain files an interrupted closing had left behind
    errors: list[Exception]            # storefs.WriteError or StoreError, one per file left as it was


def plain_header(data: bytes, version: int | None = None) -> tuple[str, str] | None:
    """(tier, file id) of a `#cta` header line we write (of `version`, the one the file's name
    gives, if set), or None: such a file is left to readers."""
    nl = data.find(b"\n")
    if nl < 0:
        return None
    try:
        head = data[:nl].decode("ascii").split(" ")
    except UnicodeDecodeError:
        return None
    if (len(head) != 4 or head[0] != "#cta" or head[2] not in TIERS_BY_VERSION.get(head[1], ())
            or len(head[3]) != 16 or not set(head[3]) <= _HEX or (version is not None and head[1] != str(version))):
        return None
    return head[2], head[3]


def closed_content(data: bytes, tier: str, old_id: str, new_id: str) -> bytes:
    """New header, `x <old id>`, then every complete line after the old header, unchanged.

    A torn last line (no final newline) is dropped: readers ignore it anyway. Corrupt lines are
    kept, so that they are still reported.
    """
    body = data[data.find(b"\n") + 1:data.rfind(b"\n") + 1]
    version = int(data.split(b" ", 2)[1])       # the header's version is kept (plain_header checked it)
    return (header_line(tier, new_id, version) + f"x {old_id}\n").encode("ascii") + body


def superseded_by_twin(root: str, plain: storefs.StoreFile, file_id: str) -> bool:
    """Whether the period's .cta.gz names `file_id` by an x line. StoreError if it is damaged.

    A line `x <id>` supersedes wherever it stands (even inside a block it is read on its own),
    so a search of the decompressed text is exact and much cheaper than parsing it.
    """
    twin = plain.gz()
    try:
        with open(os.path.join(root, twin.rel), "rb") as fh:
            text = storefs.gunzip(fh.read(), twin.rel)
    except FileNotFoundError:
        return False
    if plain_header(text, plain.version) is None:
        return False                   # not a file we can trust to supersede; readers report it
    return b"\nx " + file_id.encode("ascii") + b"\n" in text


def _head(path: str) -> bytes:
    with open(path, "rb") as fh:
        return fh.readline(100)


def _unlink(root: str, f: storefs.StoreFile) -> None:
    os.unlink(os.path.join(root, f.rel))
    storefs.fsync_dir(os.path.join(root, f.tier))


def finish_interrupted(root: str, files: list[storefs.StoreFile]) -> list[str]:
    """Recovery: unlink plain files that their .cta.gz supersedes (a closing killed before its
    unlink). A damaged .cta.gz is left for the closing pass and the readers to report."""
    names = {f.rel for f in files}
    done: list[str] = []
    for f in files:
        if f.compressed or f.gz().rel not in names:
            continue
        try:
            head = plain_header(_head(os.path.join(root, f.rel)), f.version)
            if head is not None and superseded_by_twin(root, f, head[1]):
                _unlink(root, f)
                done.append(f.rel)
        except (StoreError, FileNotFoundError):
            continue
    return done


def _failed(f: storefs.StoreFile, reason: str | None) -> storefs.WriteError:
    return storefs.WriteError(f"cannot compress {f.rel}: {reason}; the file was left as it was")


def close_file(root: str, f: storefs.StoreFile) -> bool:
    """Replace one plain file by its .cta.gz. False if its header is not one we write.

    On a write error (full disk) the temporary file is removed and the plain file is untouched.
    """
    path = os.path.join(root, f.rel)
    with open(path, "rb") as fh:
        data = fh.read()
    head = plain_header(data, f.version)
    if head is None:
        return False
    tier, old_id = head
    packed = storefs.gzip_bytes(closed_content(data, tier, old_id, new_file_id()))
    twin = os.path.join(root, f.gz().rel)
    try:
        tmp = storefs.write_tmp(twin, packed)
    except storefs.WriteError as e:
        cause = e.__cause__
        raise _failed(f, cause.strerror if isinstance(cause, OSError) else str(e)) from e
    testseam.point("close-written")
    try:
        os.rename(tmp, twin)
        storefs.fsync_dir(os.path.dirname(twin))
    except OSError as e:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise _failed(f, e.strerror) from e
    testseam.point("close-renamed")
    _unlink(root, f)
    testseam.point("close-unlinked")
    return True


def finished_v2(f: storefs.StoreFile, st: "State | None") -> bool:
    """Whether nothing will append to a version-2 plain file any more: a detail hour that a
    collection has ended after, a period file whose every period is rolled up."""
    if st is None or st.last_end is None:
        return False
    bound = st.last_end if f.tier == "detail" else st.rolled.get(f.tier)
    start, end = f.period()
    # a period held back (a record may still end in it) will get its block later
    held = any(start < e <= end for _, e in st.unrolled.get(f.tier, []))
    return bound is not None and end <= bound and not held


def close_finished(root: str, today: tuple[int, int, int], tiers: tuple[str, ...] = ("detail",),
                   limit: int | None = None, st: "State | None" = None) -> CloseResult:
    """Close the plain files of `tiers` that nothing appends to any more: detail days before
    `today` (the host's local date), every plain hourly and daily file. Oldest first, at most
    `limit` compressions. A plain file beside a .cta.gz that does not supersede it (the clock
    went back and collect appended to an old day) is left alone: both are read, and rotate
    merges them when the day moves on."""
    res = CloseResult([], [], [])
    files = storefs.list_files(root, tiers)
    names = {f.rel for f in files}
    if st is not None:
        # version 2: every tier's finished files, by the state (rotate passes it too)
        files = storefs.list_files(root, storefs.TIER_DIRS)
        names = {f.rel for f in files}
    for f in files:
        if f.compressed or f.tier == "whole":
            continue
        if f.version == 2:
            if not finished_v2(f, st):
                continue
        elif f.tier == "detail" and (f.year, f.month, f.day) >= today:
            continue
        elif f.tier not in tiers:
            continue
        try:
            if f.gz().rel in names:
                head = plain_header(_head(os.path.join(root, f.rel)), f.version)
                if head is not None and superseded_by_twin(root, f, head[1]):
                    _unlink(root, f)
                    res.unlinked.append(f.rel)
                continue
            if limit is not None and len(res.closed) >= limit:
                continue
            if close_file(root, f):
                res.closed.append(f.rel)
        except StoreError as e:
            res.errors.append(StoreError(f"{e}; {f.rel} was left uncompressed"))
        except storefs.WriteError as e:
            res.errors.append(e)
        except FileNotFoundError:
            continue
        except OSError as e:
            res.errors.append(_failed(f, e.strerror))
    return res
