# SPDX-License-Identifier: LGPL-2.1-or-later
"""One counter as a source read it: identity, absolute values and the kernel object's handle."""

from __future__ import annotations

from collections import namedtuple

from .store import Identity


class Reading(namedtuple("Reading", "ident bytes packets handle")):
    __slots__ = ()
    ident: Identity
    bytes: int
    packets: int
    handle: str          # kernel instance marker: changes when the object is recreated



def source_key(ident: Identity) -> str:
    """The unit in which sources are collected (one tool run): nft-rule, iptables:ip6..."""
    if ident.source.startswith("iptables"):
        return f"{ident.source}:{ident.family}"
    return ident.source
