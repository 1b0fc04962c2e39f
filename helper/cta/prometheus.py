# SPDX-License-Identifier: LGPL-2.1-or-later
"""node_exporter textfile: monotonic totals per counter that survive kernel counter resets."""

from __future__ import annotations

import os

from . import storefs
from .store import Identity

PREFIX = "cockpit_traffic_accounting"


def label_value(value: str) -> str:
    return value.replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"')


def labels(ident: Identity) -> str:
    pairs = (("source", ident.source), ("family", ident.family), ("table", ident.table),
             ("chain", ident.chain), ("seq", str(ident.seq)), ("name", ident.name))
    return ",".join(f'{k}="{label_value(v)}"' for k, v in pairs)


def render(totals: dict[str, tuple[int, int]]) -> str:
    idents = sorted((Identity.from_key(k), v) for k, v in totals.items())
    lines = []
    for idx, (metric, what) in enumerate((("bytes", "Bytes"), ("packets", "Packets"))):
        name = f"{PREFIX}_{metric}_total"
        lines.append(f"# HELP {name} {what} counted by cockpit-traffic-accounting since the counter "
                     "was first collected, across kernel counter resets.")
        lines.append(f"# TYPE {name} counter")
        for ident, values in idents:
            lines.append(f"{name}{{{labels(ident)}}} {values[idx]}")
    return "\n".join(lines) + "\n"


class PrometheusError(Exception):
    """The textfile could not be written; the collection itself was saved."""


def write(path: str, totals: dict[str, tuple[int, int]], extra: str = "") -> None:
    """Written as PATH.tmp then renamed: node_exporter never reads a half-written file.
    `extra`: more metric lines (the quotas', from helper/cta/quota.py)."""
    try:
        os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
        storefs.replace_file(path, (render(totals) + extra).encode("utf-8"))
    except (OSError, storefs.WriteError) as e:
        raise PrometheusError(f"collected and saved, but cannot write the Prometheus textfile: {e}") from e
