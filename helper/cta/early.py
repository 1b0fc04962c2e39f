# SPDX-License-Identifier: LGPL-2.1-or-later
"""The first thing `cta-helper collect` does, before the rest of the helper is imported: take
the store's lock and start `nft -j list ruleset`, so that nft reads the kernel's counters while
Python loads the helper. Only os and fcntl here, which Python has loaded already.

The lock comes first: values read before another collect has finished would be older than the
state it saves. storefs.Lock and sources.start_all adopt what was started here.
"""

from __future__ import annotations

import fcntl
import os

DEFAULT_STORE = "/var/lib/cockpit-traffic-accounting"
F_SETPIPE_SZ = 1031                                   # Linux, every architecture

_lock: tuple[str, int] | None = None                  # (real path of the store, fd)
_nft: tuple[list[str], int, int, int] | None = None   # (argv, pid, stdout fd, stderr fd)
_gen: int | None = None                               # nftables generation before nft started


def tool_env() -> dict[str, str]:
    return {"PATH": os.environ.get("PATH", "/usr/sbin:/usr/bin:/sbin:/bin"), "LC_ALL": "C"}


def which(tool: str) -> str | None:
    for d in (os.environ.get("PATH", "") + ":/usr/sbin:/sbin").split(":"):
        path = os.path.join(d, tool)
        if d and os.path.isfile(path) and os.access(path, os.X_OK):
            return path
    return None


def _store(argv: list[str]) -> str:
    store = DEFAULT_STORE
    for i, word in enumerate(argv):
        if word == "--store" and i + 1 < len(argv):
            store = argv[i + 1]
        elif word.startswith("--store="):
            store = word[len("--store="):]
    return store


def start(argv: list[str]) -> None:
    global _lock, _nft, _gen
    if not argv or argv[0] != "collect":
        return
    store = _store(argv[1:])
    try:
        fd = os.open(os.path.join(store, "lock"), os.O_RDWR | os.O_CREAT | os.O_CLOEXEC | os.O_NOFOLLOW, 0o644)
    except OSError:
        return                     # no store yet, or no rights: the normal path says what to do
    fcntl.flock(fd, fcntl.LOCK_EX)
    _lock = (os.path.realpath(store), fd)
    nft = which("nft")
    if nft is None:
        return
    out_r, out_w = os.pipe2(os.O_CLOEXEC)
    err_r, err_w = os.pipe2(os.O_CLOEXEC)
    try:
        # nft need not wait for us to read; the constant is in fcntl from Python 3.10 on
        fcntl.fcntl(out_r, getattr(fcntl, "F_SETPIPE_SZ", F_SETPIPE_SZ), 1 << 20)
    except OSError:
        pass
    from . import nfgen
    _gen = nfgen.genid()
    argv_nft = [nft, "-j", "list", "ruleset"]
    try:
        pid = os.posix_spawn(nft, argv_nft, tool_env(), file_actions=[
            (os.POSIX_SPAWN_OPEN, 0, "/dev/null", os.O_RDONLY, 0),
            (os.POSIX_SPAWN_DUP2, out_w, 1),
            (os.POSIX_SPAWN_DUP2, err_w, 2)])
    except OSError:
        os.close(out_r)
        os.close(err_r)
        return
    finally:
        os.close(out_w)
        os.close(err_w)
    _nft = (argv_nft, pid, out_r, err_r)


def take_lock(store: str) -> int | None:
    """The lock fd taken at start-up, if it is the lock of this store."""
    global _lock
    if _lock is not None and _lock[0] == os.path.realpath(store):
        fd = _lock[1]
        _lock = None
        return fd
    return None


def take_nft() -> tuple[list[str], int, int, int, int | None] | None:
    """The nft started at start-up: argv, pid, stdout and stderr fds, and the generation before."""
    global _nft
    started, _nft = _nft, None
    return None if started is None else (*started, _gen)
