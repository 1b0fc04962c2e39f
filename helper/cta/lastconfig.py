# SPDX-License-Identifier: LGPL-2.1-or-later
"""Counting never stops because of a bad configuration file.

Each collect that reads a valid configuration keeps a copy of it in the store
(config.valid.json). When the file is bad, collect goes on with that copy (or the defaults if
there is none), records the error in the state for `status` and the page, and exits 3.
"""

from __future__ import annotations

import os

from . import config as configmod, storefs

COPY = "config.valid.json"


def load(path: str, store: str) -> tuple[configmod.Config, str, bytes | None]:
    """(configuration to use, the error in the file or "", the valid file's bytes to keep)."""
    try:
        with open(path, "rb") as f:
            raw: bytes | None = f.read()
    except FileNotFoundError:
        raw = None
    except OSError:
        raw = None                         # load_config below says why
    try:
        return configmod.load_config(path), "", raw
    except configmod.ConfigError as e:
        error = str(e)
    try:
        return configmod.load_config(os.path.join(store, COPY)), error, None
    except configmod.ConfigError:
        return configmod.defaults(), error, None


def remember(store: str, raw: bytes | None) -> None:
    """Keep a copy of the valid configuration (only when it changed). Called under the lock."""
    path = os.path.join(store, COPY)
    if raw is None:
        return
    try:
        with open(path, "rb") as f:
            if f.read() == raw:
                return
    except OSError:
        pass
    try:
        storefs.replace_file(path, raw)
    except storefs.WriteError:
        pass                               # only the fallback is older; the collection stands
