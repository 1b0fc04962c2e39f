# SPDX-License-Identifier: LGPL-2.1-or-later
"""`nft -j list ruleset` read: named counters, commented rules, set elements with counters, the
rules of every chain (for iptables-nft, see iptables.py) and flowtables.

Every value is a Python int; nft -j prints values above 2^63 as negative numbers, which are
corrected by adding 2^64 (a kernel counter is an unsigned 64-bit integer).
"""

from __future__ import annotations

import json
import re
from collections import namedtuple

TYPE_CHECKING = False
if TYPE_CHECKING:                       # annotations only: typing is slow to import
    from typing import Any

from .reading import Reading
from .store import Identity

U64 = 1 << 64


def u64(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"counter value is not an integer: {value!r}")
    if value < 0:
        value += U64
    if not 0 <= value < U64:
        raise ValueError(f"counter value out of range: {value}")
    return value


def _table_selected(family: str, table: str, names: list[str]) -> bool:
    return not names or table in names or f"{family} {table}" in names


class NftChain(namedtuple("NftChain", "table_handle chain_handle rule_handles rule_xt rule_counts")):
    __slots__ = ()
    table_handle: int
    chain_handle: int
    rule_handles: list[int]                # every rule, in ruleset order
    rule_xt: list[bool]                    # whether that rule has an xt (iptables-nft) expression
    rule_counts: list[tuple[int, int] | None]   # its first counter: (bytes, packets)

    def handle(self, pos: int) -> str:
        return f"{self.table_handle}/{self.chain_handle}/{self.rule_handles[pos]}"


class NftRuleset(namedtuple("NftRuleset", "counters rules flowtables chains tables")):
    __slots__ = ()
    counters: list[Reading]
    rules: list[Reading]
    flowtables: list[dict[str, Any]]
    chains: dict[tuple[str, str, str], NftChain]
    tables: set[tuple[str, str]]                   # (family, name) of every table


def parse_nft_json(text: str, tables: list[str] | None = None,
                   rule_tables: list[str] | None = None) -> NftRuleset:
    doc = json.loads(text)
    items = doc.get("nftables", []) if isinstance(doc, dict) else []
    table_handles: dict[tuple[str, str], int] = {}
    chain_handles: dict[tuple[str, str, str], int] = {}
    seqs: dict[tuple[str, str, str, str], int] = {}
    out = NftRuleset([], [], [], {}, set())
    for item in items:
        if not isinstance(item, dict):
            continue
        if "table" in item:
            t = item["table"]
            table_handles[(t["family"], t["name"])] = t.get("handle", 0)
            out.tables.add((t["family"], t["name"]))
        elif "chain" in item:
            c = item["chain"]
            chain_handles[(c["family"], c["table"], c["name"])] = c.get("handle", 0)
        elif "counter" in item:
            c = item["counter"]
            fam, tab = c["family"], c["table"]
            if tables is not None and _table_selected(fam, tab, tables):
                handle = f"{table_handles.get((fam, tab), 0)}/{c.get('handle', 0)}"
                out.counters.append(Reading(Identity("nft-counter", fam, tab, "", 1, c["name"]),
                                            u64(c.get("bytes", 0)), u64(c.get("packets", 0)), handle))
        elif "set" in item or "map" in item:
            st = item.get("set") or item.get("map")
            if tables is not None and isinstance(st, dict) and _table_selected(st["family"], st["table"], tables):
                out.counters.extend(set_elements(st, table_handles.get((st["family"], st["table"]), 0)))
        elif "rule" in item:
            r = item["rule"]
            ck = (r["family"], r["table"], r["chain"])
            nc = out.chains.get(ck)
            if nc is None:
                nc = out.chains[ck] = NftChain(table_handles.get(ck[:2], 0), chain_handles.get(ck, 0), [], [], [])
            counter, xt = _rule_counter(r.get("expr", []))
            counts = None if counter is None else (u64(counter.get("bytes", 0)), u64(counter.get("packets", 0)))
            nc.rule_handles.append(r.get("handle", 0))
            nc.rule_xt.append(xt)
            nc.rule_counts.append(counts)
            comment = r.get("comment")
            if (counts is None or xt or rule_tables is None or not isinstance(comment, str)
                    or not _table_selected(ck[0], ck[1], rule_tables)):
                # no comment or no anonymous counter; or an iptables-nft rule (xt), counted by
                # the iptables source
                continue
            k = (*ck, comment)
            seqs[k] = seqs.get(k, 0) + 1
            out.rules.append(Reading(Identity("nft-rule", ck[0], ck[1], ck[2], seqs[k], comment),
                                     counts[0], counts[1], nc.handle(len(nc.rule_handles) - 1)))
        elif "flowtable" in item:
            out.flowtables.append(item["flowtable"])
    return out


def set_elements(st: dict[str, Any], table_handle: int) -> list[Reading]:
    """A counter per element of a named set or map with the `counter` flag (per-host counting).

    Identity: source nft-set, the set's family and table, the set's name as chain, the element's
    key as name (`10.0.0.7`, `2001:db8:1:2::/64`, `10.0.0.7 . 443`). Handle: the table's and the
    set's handles with the key, so that a set created again is new. An element removed and added
    again between two collections cannot be told from the old one: it counts from its new value
    when that is lower (a reset), and is undercounted otherwise (docs/helper.md).
    """
    out = []
    fam, tab, name = st["family"], st["table"], st["name"]
    base = f"{table_handle}/{st.get('handle', 0)}/"
    for entry in st.get("elem", []) or []:
        elem = entry[0] if isinstance(entry, list) and entry else entry     # a map's [key, value]
        inner = elem.get("elem") if isinstance(elem, dict) else None
        if not isinstance(inner, dict) or not isinstance(inner.get("counter"), dict):
            continue
        key = element_key(inner.get("val"))
        c = inner["counter"]
        out.append(Reading(Identity("nft-set", fam, tab, name, 1, key), u64(c.get("bytes", 0)),
                           u64(c.get("packets", 0)), base + key))
    return out


def element_key(val: Any) -> str:
    """An element's key as nft writes it: `a . b` for concatenations, `net/len`, `a-b`."""
    if isinstance(val, dict):
        if "concat" in val and isinstance(val["concat"], list):
            return " . ".join(element_key(v) for v in val["concat"])
        if "prefix" in val and isinstance(val["prefix"], dict):
            return f"{element_key(val['prefix'].get('addr'))}/{val['prefix'].get('len')}"
        if "range" in val and isinstance(val["range"], list) and len(val["range"]) == 2:
            return f"{element_key(val['range'][0])}-{element_key(val['range'][1])}"
        return json.dumps(val, sort_keys=True, separators=(",", ":"))
    return str(val)


def _rule_counter(exprs: list[Any]) -> tuple[dict[str, Any] | None, bool]:
    """A rule's first anonymous counter, and whether it has an xt (iptables-nft) expression."""
    counter = None
    xt = False
    for e in exprs:
        if isinstance(e, dict):
            if counter is None and isinstance(e.get("counter"), dict):
                counter = e["counter"]
            elif "xt" in e:
                xt = True
    return counter, xt


_FT_TEXT = re.compile(r"^\s*(table|flowtable)\s+(\S+)(?:\s+(\S+))?\s*\{|^\s*flags\s+(.+?);?\s*$")


class OffloadWarning(namedtuple("OffloadWarning", "family table flowtable message")):
    __slots__ = ()
    family: str
    table: str
    flowtable: str
    message: str


def flowtable_flags_from_text(text: str) -> dict[tuple[str, str, str], set[str]]:
    """Flags per (family, table, flowtable) from `nft list flowtables` text output.

    nft 1.0.6 does not print flowtable flags in JSON, so they are read from the text form.
    """
    out: dict[tuple[str, str, str], set[str]] = {}
    family = table = ""
    current: tuple[str, str, str] | None = None
    for line in text.split("\n"):
        m = _FT_TEXT.match(line)
        if not m:
            continue
        if m.group(1) == "table":
            family, table = (m.group(2), m.group(3)) if m.group(3) else ("ip", m.group(2))
            current = None
        elif m.group(1) == "flowtable":
            current = (family, table, m.group(2))
            out[current] = set()
        elif m.group(4) and current is not None:
            out[current].update(f.strip() for f in m.group(4).split(","))
    return out


def offload_warnings(flowtables: list[dict[str, Any]],
                     text_flags: dict[tuple[str, str, str], set[str]]) -> list[OffloadWarning]:
    out = []
    for ft in flowtables:
        key = (ft.get("family", ""), ft.get("table", ""), ft.get("name", ""))
        flags = ft.get("flags")
        if isinstance(flags, str):
            flagset = {flags}
        elif isinstance(flags, list):
            flagset = {str(f) for f in flags}
        else:
            flagset = text_flags.get(key, set())
        where = f"flowtable {key[2]} in table {key[0]} {key[1]}"
        if "offload" in flagset:
            out.append(OffloadWarning(*key, f"{where} uses hardware offload: offloaded traffic "
                                      "bypasses every software counter"))
        if "counter" not in flagset:
            out.append(OffloadWarning(*key, f"{where} has no counter flag: traffic of offloaded "
                                      "connections bypasses rule counters after their first packets"))
    return out


