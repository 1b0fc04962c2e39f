# SPDX-License-Identifier: LGPL-2.1-or-later
"""Counter sources: nftables (named counters, commented rules), iptables/ip6tables, interfaces.

Parsing is separate from running the tools, so that recorded outputs can be unit-tested.
Every value is a Python int; nft -j prints values above 2^63 as negative numbers, which are
corrected by adding 2^64 (a kernel counter is an unsigned 64-bit integer).
"""

from __future__ import annotations

import fnmatch
import json
import os
import re
from collections import namedtuple

TYPE_CHECKING = False
if TYPE_CHECKING:                       # annotations only: typing is slow to import
    from typing import Any

from . import early, nfgen
from .config import Config
from .store import Identity

U64 = 1 << 64
SYS_NET = "/sys/class/net"


class Reading(namedtuple("Reading", "ident bytes packets handle")):
    __slots__ = ()
    ident: Identity
    bytes: int
    packets: int
    handle: str          # kernel instance marker: changes when the object is recreated


class SourceResult:
    def __init__(self, key: str, status: str) -> None:
        self.key = key          # the config key: nft_counters, nft_rules, iptables, ip6tables, interfaces
        self.status = status    # ok, disabled, missing, needs-root, error
        self.note = ""
        self.readings: list[Reading] = []
        self.collected: list[str] = []     # source keys (see source_key) read fully
        self.tools: list[str] = []
        self.identified: dict[str, str | None] = {}    # iptables-nft: comments by handle
        self.unidentified: list[str] = []              # iptables-nft: handles not identified


class OffloadWarning(namedtuple("OffloadWarning", "family table flowtable message")):
    __slots__ = ()
    family: str
    table: str
    flowtable: str
    message: str


def source_key(ident: Identity) -> str:
    """The unit in which sources are collected (one tool run): nft-rule, iptables:ip6..."""
    if ident.source.startswith("iptables"):
        return f"{ident.source}:{ident.family}"
    return ident.source


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


def read_interfaces(root: str, exclude: list[str]) -> list[Reading]:
    out: list[Reading] = []
    try:
        names = sorted(os.listdir(root))
    except OSError:
        return out
    for name in names:
        if any(fnmatch.fnmatchcase(name, pat) for pat in exclude):
            continue
        base = os.path.join(root, name)
        try:
            with open(os.path.join(base, "ifindex")) as f:
                ifindex = f.read().strip()
            # the device's sysfs node: a device created again under the same name, even with
            # the same ifindex, is a new kernel object with a new node (kernfs numbers them)
            node = os.stat(base).st_ino
            values = {}
            for k in ("rx_bytes", "rx_packets", "tx_bytes", "tx_packets"):
                with open(os.path.join(base, "statistics", k)) as f:
                    values[k] = int(f.read().strip())
        except (OSError, ValueError):
            continue                       # went away while reading, or not a netdev
        for d in ("rx", "tx"):
            out.append(Reading(Identity("iface", "link", "", d, 1, name),
                               values[f"{d}_bytes"] % U64, values[f"{d}_packets"] % U64, f"{ifindex}:{node}"))
    return out


class Job:
    """A tool started now and read later, so that all tools of a collection run at once."""

    def __init__(self, argv: list[str], adopt: tuple[int, int, int] | None = None) -> None:
        self.argv = argv
        self.proc: subprocess.Popen[str] | None = None    # noqa: F821 (annotation only)
        self.adopted = adopt                  # (pid, stdout fd, stderr fd) started by early.py
        self.error = ""
        if adopt is not None:
            return
        import subprocess                  # not needed at all when nft alone was started early
        try:
            self.proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                         stderr=subprocess.PIPE, text=True, env=early.tool_env())
        except OSError as e:
            self.error = str(e)

    def _adopted_result(self, pid: int, out_fd: int, err_fd: int) -> tuple[int, str, str]:
        import select
        chunks: dict[int, list[bytes]] = {out_fd: [], err_fd: []}
        open_fds = [out_fd, err_fd]
        while open_fds:
            ready, _, _ = select.select(open_fds, [], [], 60)
            if not ready:
                os.kill(pid, 9)
                break
            for fd in ready:
                data = os.read(fd, 1 << 20)
                if data:
                    chunks[fd].append(data)
                else:
                    open_fds.remove(fd)
        os.close(out_fd)
        os.close(err_fd)
        _, status = os.waitpid(pid, 0)
        return (os.waitstatus_to_exitcode(status), b"".join(chunks[out_fd]).decode("utf-8", "replace"),
                b"".join(chunks[err_fd]).decode("utf-8", "replace"))

    def result(self) -> tuple[int, str, str]:
        """Exit code, stdout and stderr; call it once."""
        if self.adopted is not None:
            return self._adopted_result(*self.adopted)
        if self.proc is None:
            return 127, "", self.error
        import subprocess
        try:
            out, err = self.proc.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.communicate()
            return 124, "", "timed out"
        return self.proc.returncode, out, err


def _run(argv: list[str]) -> tuple[int, str, str]:
    return Job(argv).result()


def _permission_problem(stderr: str) -> bool:
    s = stderr.lower()
    return "permission denied" in s or "operation not permitted" in s or "must be root" in s


_which = early.which


def read_nft(cfg: Config, job: Job | None) -> tuple[SourceResult, SourceResult, list[OffloadWarning],
                                                    NftRuleset | None]:
    """The nft sources from `nft -j list ruleset`, and the whole parsed ruleset (or None)."""
    counters = SourceResult("nft_counters", "disabled")
    rules = SourceResult("nft_rules", "disabled")
    warnings: list[OffloadWarning] = []
    want_c, want_r = cfg.source("nft_counters").enabled, cfg.source("nft_rules").enabled
    enabled = [r for r, want in ((counters, want_c), (rules, want_r)) if want]
    if job is None:
        for r in enabled:
            r.status, r.note = "missing", "nft is not installed; skipped"
        return counters, rules, warnings, None
    nft = job.argv[0]
    code, out, err = job.result()
    if code != 0:
        status = "needs-root" if _permission_problem(err) else "error"
        note = ("needs administrative access" if status == "needs-root"
                else f"nft -j list ruleset failed: {err.strip() or code}")
        for r in enabled:
            r.status, r.note = status, note
        return counters, rules, warnings, None
    try:
        rs = parse_nft_json(out, cfg.source("nft_counters").names if want_c else None,
                            cfg.source("nft_rules").names if want_r else None)
    except (ValueError, KeyError, TypeError) as e:
        for r in enabled:
            r.status, r.note = "error", f"cannot parse nft -j output: {e}"
        return counters, rules, warnings, None
    if want_c:
        counters.status, counters.readings, counters.collected = "ok", rs.counters, ["nft-counter", "nft-set"]
        counters.tools = [nft]
    if want_r:
        rules.status, rules.readings, rules.collected = "ok", rs.rules, ["nft-rule"]
        rules.tools = [nft]
    if rs.flowtables and enabled:
        code, text, _ = _run([nft, "list", "flowtables"])
        warnings = offload_warnings(rs.flowtables, flowtable_flags_from_text(text) if code == 0 else {})
    return counters, rules, warnings, rs


def _iptables_tools(family: str) -> list[tuple[str, str]]:
    """(source, save tool) for each back end present: nft and legacy are different rule sets."""
    prefix = "iptables" if family == "ip" else "ip6tables"
    found = []
    for source, tool in (("iptables", f"{prefix}-nft-save"), ("iptables-legacy", f"{prefix}-legacy-save")):
        path = _which(tool)
        if path:
            found.append((source, path))
    if not found:
        path = _which(f"{prefix}-save")
        if path:
            code, out, err = _run([path, "--version"])
            legacy = "legacy" in (out + err) or "nf_tables" not in (out + err)
            found.append(("iptables-legacy" if legacy else "iptables", path))
    return found


def legacy_tables_loaded(family: str) -> bool:
    """Whether the legacy x_tables of a family hold any table (as iptables-legacy-save checks).

    No file means the kernel module is not loaded: there is no legacy rule to read. A file we
    may not read means we cannot tell, so the tool is run (and says what it needs).
    """
    try:
        with open(f"/proc/net/{'ip' if family == 'ip' else 'ip6'}_tables_names") as f:
            return bool(f.read().strip())
    except FileNotFoundError:
        return False
    except OSError:
        return True


def read_iptables(cfg: Config, family: str, started: "Started", rs: NftRuleset | None,
                  known: dict[str, str | None] | None = None) -> SourceResult:
    """Both back ends of a family. known: comments of iptables-nft rules by handle, from earlier
    collections of this boot; what is learnt now is in the result's `identified`."""
    key = "iptables" if family == "ip" else "ip6tables"
    sc = cfg.source(key)
    res = SourceResult(key, "disabled")
    if not sc.enabled:
        return res
    tools = started.tools.get(family, [])
    if not tools:
        res.status, res.note = "missing", f"{key}-save is not installed; skipped"
        return res
    notes = []
    for source, tool in tools:
        if source == "iptables" and rs is not None:
            backend, note = _read_nft_backend(family, tool, rs, sc.names, dict(known or {}), started.gen)
            res.readings.extend(backend.readings)
            res.identified.update(backend.identified)
            res.unidentified.extend(backend.unidentified)
            if note:
                notes.append(note)
            res.collected.append(f"{source}:{family}")
            continue
        job = started.jobs.get((family, source))
        if job is None:
            if source == "iptables-legacy" and not legacy_tables_loaded(family):
                res.collected.append(f"{source}:{family}")      # no legacy table: nothing to read
                continue
            job = Job([tool, "-c"])
        code, out, err = job.result()
        if code != 0:
            if _permission_problem(err):
                res.status = "needs-root"
                notes.append("needs administrative access")
            else:
                notes.append(f"{os.path.basename(tool)} failed: {err.strip() or code}")
            continue
        res.readings.extend(parse_iptables_save(out, source, family, sc.names))
        res.collected.append(f"{source}:{family}")
        res.tools.append(tool)
    if res.collected:
        res.status = "ok"
    elif res.status != "needs-root":
        res.status = "error"
    res.note = "; ".join(dict.fromkeys(notes))
    return res


def _read_nft_backend(family: str, tool: str, rs: NftRuleset, names: list[str],
                      known: dict[str, str | None], gen: int | None) -> tuple[NftBackend, str]:
    """iptables-nft's rules from nft's listing; iptables-nft-save runs only to learn the comments
    of rules not seen before, and what it says is used only if the rule-set generation did not
    change since the listing was started."""
    backend = iptables_nft_rules(rs, family, names, known)
    if not backend.unidentified:
        return backend, ""
    code, out, err = Job([tool, "-c"]).result()
    if code != 0:
        return backend, f"{os.path.basename(tool)} failed: {err.strip() or code}"
    if gen is None or nfgen.genid() != gen:
        return backend, ""                  # the rule set changed meanwhile: read_all tries again
    known.update(save_comments(out, family, rs.chains))
    return iptables_nft_rules(rs, family, names, known), ""


def read_interfaces_source(cfg: Config) -> SourceResult:
    sc = cfg.source("interfaces")
    res = SourceResult("interfaces", "disabled")
    if not sc.enabled:
        return res
    if not os.path.isdir(SYS_NET):
        res.status, res.note = "missing", f"{SYS_NET} not found; skipped"
        return res
    res.status, res.readings, res.collected = "ok", read_interfaces(SYS_NET, sc.names), ["iface"]
    return res


class Started(namedtuple("Started", "nft tools jobs gen")):
    __slots__ = ()
    nft: Job | None                                # nft -j list ruleset
    gen: int | None                                # nftables generation before nft started
    tools: dict[str, list[tuple[str, str]]]        # family -> (source, save tool) installed
    jobs: dict[tuple[str, str], Job]               # (family, source) -> save tool started at once


def start_all(cfg: Config, adopt: bool = True) -> Started:
    """Start the tools at once: a collection takes about as long as its slowest tool.

    nft is read whenever an nft or iptables source is on: its ruleset says whether
    iptables-nft has any table (if not, iptables-nft-save need not run) and gives the kernel
    handles of iptables-nft rules. iptables-legacy-save runs only when legacy tables exist.
    """
    want_ipt = {"ip": cfg.source("iptables").enabled, "ip6": cfg.source("ip6tables").enabled}
    want_nft = cfg.source("nft_counters").enabled or cfg.source("nft_rules").enabled or any(want_ipt.values())
    nft_job = None
    gen = None
    adopted = early.take_nft() if adopt else None
    if adopted is not None:
        nft_job = Job(adopted[0], (adopted[1], adopted[2], adopted[3]))
        gen = adopted[4]
        if not want_nft:
            nft_job.result()               # started before the configuration was read: not needed
            nft_job = None
    else:
        nft = _which("nft")
        if nft is not None and want_nft:
            gen = nfgen.genid()
            nft_job = Job([nft, "-j", "list", "ruleset"])
    tools: dict[str, list[tuple[str, str]]] = {}
    jobs: dict[tuple[str, str], Job] = {}
    for family, wanted in want_ipt.items():
        if not wanted:
            continue
        tools[family] = _iptables_tools(family)
        for source, tool in tools[family]:
            if source == "iptables-legacy" and legacy_tables_loaded(family):
                jobs[(family, source)] = Job([tool, "-c"])
            elif source == "iptables" and nft_job is None:
                jobs[(family, source)] = Job([tool, "-c"])
    return Started(nft_job, tools, jobs, gen)


ATTEMPTS = 3           # readings of the rule set until every iptables-nft rule is identified


def read_all(cfg: Config, started: Started | None = None, known: dict[str, str | None] | None = None
             ) -> tuple[list[SourceResult], list[OffloadWarning]]:
    """Every source. known: comments of iptables-nft rules by kernel handle (see read_iptables).

    A rule that iptables-nft added since the comments were learnt is identified through
    `iptables-nft-save`, which must see the rule set nft listed: when the rule-set generation
    changed between them (fail2ban, Docker and firewalld change rules all day), everything is
    read again, up to ATTEMPTS times. Rules still unidentified then are not counted this time;
    deltas.py takes a new baseline for them once they are identified, and says so.
    """
    known = dict(known or {})
    for attempt in range(ATTEMPTS):
        if started is None:
            started = start_all(cfg, adopt=False)
        ifaces = read_interfaces_source(cfg)
        c, r, warnings, rs = read_nft(cfg, started.nft)
        ip, ip6 = read_iptables(cfg, "ip", started, rs, known), read_iptables(cfg, "ip6", started, rs, known)
        known.update(ip.identified)
        known.update(ip6.identified)
        if not (ip.unidentified or ip6.unidentified):
            break
        started = None
    return [c, r, ip, ip6, ifaces], warnings
