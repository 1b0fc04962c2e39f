# SPDX-License-Identifier: LGPL-2.1-or-later
"""iptables and ip6tables rules: `iptables-save -c` output read as untrusted text, and the rules
iptables-nft wrote, read from nft's listing with their comments learnt by kernel handle."""

from __future__ import annotations

import re
from collections import namedtuple

from .nftjson import U64, NftChain, NftRuleset
from .reading import Reading
from .store import Identity

_COUNTS = re.compile(r"\[(\d+):(\d+)\]\Z")
# One token of a rule: a double-quoted string (iptables-save escapes `"`, `\\` and `'` inside it
# with a backslash; it may hold any other character, line breaks included) or a bare word.
_TOKEN = re.compile(r'[ \t]*(?:"((?:[^"\\]|\\.)*)"(?=[ \t\n]|\Z)|([^ \t\n"][^ \t\n]*))', re.S)
_UNESCAPE = re.compile(r"\\(.)", re.S)


class SaveRule(namedtuple("SaveRule", "table chain packets bytes tokens")):
    __slots__ = ()
    table: str
    chain: str
    packets: int
    bytes: int
    tokens: list[tuple[str, bool]]         # the rest of the rule: (text, was it quoted)


def save_rules(text: str) -> list[SaveRule]:
    """Every `[packets:bytes] -A CHAIN ...` rule of `iptables-save -c` output, in order.

    A rule ends at a line break outside a quoted string: a comment may hold line breaks and
    any other character (str.splitlines() would split at \\f, \\v, U+2028...), and its text
    never starts a rule or a table of its own.
    """
    out: list[SaveRule] = []
    table = ""
    pos, n = 0, len(text)
    while pos < n:
        eol = text.find("\n", pos)
        if eol < 0:
            eol = n
        if text.startswith("*", pos):
            table = text[pos + 1:eol].strip()
        elif text.startswith("[", pos):
            tokens, eol = _rule_tokens(text, pos)
            if (len(tokens) >= 3 and not tokens[0][1] and tokens[1] == ("-A", False)
                    and not tokens[2][1]):
                m = _COUNTS.match(tokens[0][0])
                if m:
                    out.append(SaveRule(table, tokens[2][0], int(m.group(1)), int(m.group(2)), tokens[3:]))
        pos = eol + 1
    return out


def _rule_tokens(text: str, pos: int) -> tuple[list[tuple[str, bool]], int]:
    """The tokens of the rule starting at pos, and the position of the line break that ends it."""
    tokens: list[tuple[str, bool]] = []
    n = len(text)
    while pos < n and text[pos] != "\n":
        m = _TOKEN.match(text, pos)
        if m is None or m.end() == pos:
            # an unterminated quote or stray whitespace: the rest of the line is not a token
            if text[pos] in " \t":
                pos += 1
                continue
            eol = text.find("\n", pos)
            return [], n if eol < 0 else eol
        if m.group(1) is not None:
            tokens.append((_UNESCAPE.sub(r"\1", m.group(1)), True))
        else:
            tokens.append((m.group(2), False))
        pos = m.end()
    return tokens, pos


def rule_comment(tokens: list[tuple[str, bool]]) -> str | None:
    """The text of the rule's first `-m comment --comment TEXT`, or None."""
    for i in range(len(tokens) - 3):
        if (tokens[i] == ("-m", False) and tokens[i + 1] == ("comment", False)
                and tokens[i + 2] == ("--comment", False)):
            return tokens[i + 3][0]
    return None


def parse_iptables_save(text: str, source: str, family: str, chains: list[str]) -> list[Reading]:
    """Rules with a comment from `iptables-save -c` output; rules without one are not counted.

    Their handle is empty: this is how iptables-legacy rules are read (the kernel gives them no
    handle), and iptables-nft rules when nft cannot be run.
    """
    out: list[Reading] = []
    seqs: dict[tuple[str, str, str], int] = {}
    for rule in save_rules(text):
        if chains and rule.chain not in chains:
            continue
        comment = rule_comment(rule.tokens)
        if comment is None:
            continue
        k = (rule.table, rule.chain, comment)
        seqs[k] = seqs.get(k, 0) + 1
        out.append(Reading(Identity(source, family, rule.table, rule.chain, seqs[k], comment),
                           rule.bytes % U64, rule.packets % U64, ""))
    return out


def save_comments(text: str, family: str, nft: dict[tuple[str, str, str], NftChain]
                  ) -> dict[str, str | None]:
    """The comment (or None) of each iptables-nft rule, by kernel handle.

    `iptables-nft-save -c` lists the rules of a chain in the order `nft -j list ruleset` does;
    when both were read in one rule-set generation (read_all checks), the n-th rule of one is
    the n-th of the other. A chain whose numbers of rules differ is left out.
    """
    by_chain: dict[tuple[str, str], list[str | None]] = {}
    for rule in save_rules(text):
        by_chain.setdefault((rule.table, rule.chain), []).append(rule_comment(rule.tokens))
    out: dict[str, str | None] = {}
    for (table, chain), comments in by_chain.items():
        nc = nft.get((family, table, chain))
        if nc is None or len(nc.rule_handles) != len(comments):
            continue
        for pos, comment in enumerate(comments):
            if nc.rule_xt[pos]:
                out[nc.handle(pos)] = comment
    return out


class NftBackend(namedtuple("NftBackend", "readings identified unidentified")):
    """The iptables-nft rules of one family, read from nft's listing."""
    __slots__ = ()
    readings: list[Reading]
    identified: dict[str, str | None]      # handle -> comment (None: no comment) of every xt rule
    unidentified: list[str]                # handles of xt rules whose comment is not known yet


def iptables_nft_rules(rs: NftRuleset, family: str, chains: list[str], comments: dict[str, str | None]
                       ) -> NftBackend:
    """Readings of the rules iptables-nft wrote (they carry an xt expression), from nft's listing.

    Handles and values come from that one listing, which nft reads in a single rule-set
    generation; only the comment, which never changes for a handle, comes from `comments`.
    """
    out = NftBackend([], {}, [])
    seqs: dict[tuple[str, str, str], int] = {}
    for (fam, table, chain), nc in rs.chains.items():
        if fam != family or (chains and chain not in chains):
            continue
        for pos, xt in enumerate(nc.rule_xt):
            counts = nc.rule_counts[pos]
            if not xt or counts is None:
                continue
            handle = nc.handle(pos)
            if handle not in comments:
                out.unidentified.append(handle)
                continue
            comment = out.identified[handle] = comments[handle]
            if comment is None:
                continue
            k = (table, chain, comment)
            seqs[k] = seqs.get(k, 0) + 1
            out.readings.append(Reading(Identity("iptables", family, table, chain, seqs[k], comment),
                                        counts[0], counts[1], handle))
    return out


