# SPDX-License-Identifier: LGPL-2.1-or-later
"""The nftables rule-set generation: a number the kernel changes with every committed change.

iptables-nft rules are read by two tools, `nft -j list ruleset` (kernel handles) and
`iptables-nft-save -c` (comments and values), one after the other. Reading the generation
before the first and after the last tells whether both saw the same rule set (sources.read_all).
Asked over netlink (NFT_MSG_GETGEN) with the low-level _socket module only: early.py calls it
before the rest of the helper is imported.
"""

from __future__ import annotations

import _socket
import sys

_NETLINK_NETFILTER = 12
_NFNL_SUBSYS_NFTABLES = 10
_NFT_MSG_NEWGEN, _NFT_MSG_GETGEN = 15, 16
_NLM_F_REQUEST = 1
_NFTA_GEN_ID = 1


def _u(value: int, size: int) -> bytes:
    return value.to_bytes(size, sys.byteorder)


def genid() -> int | None:
    """The current generation, or None when it cannot be read (no nf_tables, no privileges)."""
    try:
        sock = _socket.socket(_socket.AF_NETLINK, _socket.SOCK_RAW | _socket.SOCK_CLOEXEC,
                              _NETLINK_NETFILTER)
    except OSError:
        return None
    try:
        sock.settimeout(5)
        # nlmsghdr (length, type, flags, seq, pid) and nfgenmsg (family, version, resource id)
        request = (_u(20, 4) + _u((_NFNL_SUBSYS_NFTABLES << 8) | _NFT_MSG_GETGEN, 2)
                   + _u(_NLM_F_REQUEST, 2) + _u(1, 4) + _u(0, 4) + bytes(4))
        sock.sendto(request, (0, 0))
        reply = sock.recv(8192)
    except OSError:
        return None
    finally:
        sock.close()
    return parse_reply(reply)


def parse_reply(reply: bytes) -> int | None:
    if len(reply) < 20 or int.from_bytes(reply[4:6], sys.byteorder) != (
            (_NFNL_SUBSYS_NFTABLES << 8) | _NFT_MSG_NEWGEN):
        return None
    end = min(len(reply), int.from_bytes(reply[0:4], sys.byteorder))
    pos = 20
    while pos + 4 <= end:
        length = int.from_bytes(reply[pos:pos + 2], sys.byteorder)
        kind = int.from_bytes(reply[pos + 2:pos + 4], sys.byteorder) & 0x3FFF
        if length < 4:
            return None
        if kind == _NFTA_GEN_ID and length >= 8:
            return int.from_bytes(reply[pos + 4:pos + 8], "big")
        pos += (length + 3) & ~3
    return None
