# SPDX-License-Identifier: LGPL-2.1-or-later
"""The configuration's rules as the helper's own nftables table (docs/helper.md, "Rules").

The table `inet cta_accounting` holds counters and nothing that decides a packet's fate: its
base chains (priority -10, before the filter hooks at 0) only match and jump to a chain of the
same table whose single rule is `counter comment "NAME"` (one counter per rule, whatever the
number of matches that lead to it), or `update` a per-host set with counters. A base chain's
policy accept ends only this table's evaluation; every other table still sees the packet.

The script is one `nft -f` transaction that creates the table if missing, deletes it and writes
it anew: applied whole or not at all. Replacing the table gives every counter a new kernel
handle, which deltas.py counts from zero; `apply` runs a collection just before, under the
store's lock, so that what the old counters counted is stored.

`restore` runs after each collection: when the table is missing (`nft flush ruleset`, an
nftables or firewalld reload) or not as last applied, it loads it again and writes a note.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import time

TYPE_CHECKING = False
if TYPE_CHECKING:                       # annotations only: typing is slow to import
    from typing import Any

    from .config import Config

from . import early, notes as notesmod, storefs
from .rulespec import Rule
from .store import Identity

FAMILY = "inet"
TABLE = "cta_accounting"
PRIORITY = -10
STATE_FILE = "rules-applied.json"
V6_HOST = "ffff:ffff:ffff:ffff::"       # a /64 per host


class RulesError(Exception):
    """nft refused the script or could not run: the message is nft's own text, verbatim."""


def counter_keys(rules: list[Rule]) -> list[str]:
    """The identity keys of the rules' counters (a per-host set's elements are not known here:
    the set stands for them as `nft-set inet cta_accounting h_ID`)."""
    out = []
    for rule in rules:
        if rule.kind == "hosts":
            out.append(f"nft-set {FAMILY} {TABLE} {host_set(rule)}")
        else:
            out.append(Identity("nft-rule", FAMILY, TABLE, rule_chain(rule), 1, rule.name).key())
    return out


def rule_chain(rule: Rule) -> str:
    return f"r_{rule.id}"


def host_set(rule: Rule) -> str:
    return f"h_{rule.id}"


def quoted(text: str) -> str:
    """nft's quoted string: the text was checked (rulespec.NAME_BAD), checked again here because
    a quote or line break would end the string and let the rest be read as nft syntax."""
    if any(ch in text for ch in '"\\\n\r') or any(ord(ch) < 0x20 or 0x7f <= ord(ch) <= 0x9f for ch in text):
        raise ValueError(f"not a safe nft string: {text!r}")
    return f'"{text}"'


def _dispatch(rule: Rule) -> list[str]:
    """The base chain's statements for one rule: matches, and a jump or a set update."""
    jump = f"jump {rule_chain(rule)}"
    d = rule.direction
    if rule.kind == "hosts":
        net = rule.network
        assert net is not None
        fam = net.family
        out = []
        for field, wanted in (("saddr", ("out", "both")), ("daddr", ("in", "both"))):
            if d in wanted:
                key = f"{fam} {field}" + (f" & {V6_HOST}" if fam == "ip6" else "")
                out.append(f"{fam} {field} {net.text} update @{host_set(rule)} {{ {key} counter }}")
        return out
    # (first match, second match, the first's negation): "both" counts each packet once
    if rule.kind == "address":
        assert rule.network is not None
        fam, a = rule.network.family, rule.network.text
        ins, outs = f"{fam} daddr {a}", f"{fam} saddr {a}"
        first, second, not_first = outs, ins, f"{fam} saddr != {a}"
    elif rule.kind == "port":
        p, n = rule.protocol, rule.port
        ins, outs = f"{p} dport {n}", f"{p} sport {n}"
        first, second, not_first = ins, outs, f"{p} dport != {n}"
    else:
        name = quoted(rule.interface)
        ins, outs = f"iifname {name}", f"oifname {name}"
        first, second, not_first = ins, outs, f"iifname != {name}"
    if d == "in":
        return [f"{ins} {jump}"]
    if d == "out":
        return [f"{outs} {jump}"]
    return [f"{first} {jump}", f"{second} {not_first} {jump}"]


def _set_text(rule: Rule) -> str:
    net = rule.network
    assert net is not None
    bits = 32 if net.family == "ip" else 64
    size = 1 << (bits - net.length)          # every host of the subnet fits: none is left out
    kind = "ipv4_addr" if net.family == "ip" else "ipv6_addr"
    return (f"\tset {host_set(rule)} {{ type {kind}; size {size}; flags dynamic,timeout; "
            f"timeout {rule.timeout_seconds}s; counter; }}\n")


def script(rules: list[Rule]) -> str:
    """The nft script for these rules; without rules, one that removes the table."""
    lines = ["# cockpit-traffic-accounting: accounting rules (cta-helper rules show)\n",
             "# counters only, no verdict: this table cannot drop or accept a packet\n",
             f"table {FAMILY} {TABLE}\n", f"delete table {FAMILY} {TABLE}\n"]
    if not rules:
        return "".join(lines)
    lines.append(f"table {FAMILY} {TABLE} {{\n")
    lines.append('\tcomment "cockpit-traffic-accounting: counters only"\n')
    for rule in rules:
        if rule.kind == "hosts":
            lines.append(_set_text(rule))
        else:
            lines.append(f"\tchain {rule_chain(rule)} {{\n\t\tcounter comment {quoted(rule.name)}\n\t}}\n")
    for hook in ("input", "output", "forward"):
        mine = [r for r in rules if r.hook == hook]
        if not mine:
            continue
        lines.append(f"\tchain {hook} {{\n\t\ttype filter hook {hook} priority {PRIORITY}; policy accept;\n")
        for rule in mine:
            lines.append(f"\t\t# {rule.id}\n")
            lines.extend(f"\t\t{s}\n" for s in _dispatch(rule))
        lines.append("\t}\n")
    lines.append("}\n")
    return "".join(lines)


def shape(rules: list[Rule]) -> dict[str, int]:
    """Rules per chain, and sets (as `@name`: 0), of the table as the script makes it."""
    out: dict[str, int] = {}
    for rule in rules:
        if rule.kind == "hosts":
            out["@" + host_set(rule)] = 0
        else:
            out[rule_chain(rule)] = 1
        out[rule.hook] = out.get(rule.hook, 0) + len(_dispatch(rule))
    return out


def digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _nft() -> str:
    return early.which("nft") or "nft"


def _run(argv: list[str], stdin: str | None = None) -> tuple[int, str, str]:
    try:
        p = subprocess.run(argv, input=stdin, capture_output=True, text=True, timeout=60, env=early.tool_env())
    except OSError as e:
        return 127, "", f"{argv[0]}: {e.strerror}"
    except subprocess.TimeoutExpired:
        return 124, "", f"{argv[0]}: timed out"
    return p.returncode, p.stdout, p.stderr


def load(text: str) -> None:
    """One transaction: `nft -f -`. nft's error text is passed on as nft printed it."""
    code, _, err = _run([_nft(), "-f", "-"], text)
    if code != 0:
        raise RulesError(err.rstrip("\n") or f"nft exited with {code}")


def live_table() -> tuple[int, dict[str, int]] | None:
    """The table's handle and shape as the kernel has it now, or None when it does not exist.
    Sets are listed without their elements (-t): the per-host sets can be large."""
    code, out, err = _run([_nft(), "-j", "-t", "list", "table", FAMILY, TABLE])
    if code != 0:
        if "No such file or directory" in err:
            return None
        raise RulesError(err.rstrip("\n") or f"nft exited with {code}")
    handle = -1
    found: dict[str, int] = {}
    for item in json.loads(out).get("nftables", []):
        if "table" in item:
            handle = int(item["table"].get("handle", -1))
        elif "set" in item:
            found["@" + item["set"]["name"]] = 0
        elif "chain" in item:
            found.setdefault(item["chain"]["name"], 0)
        elif "rule" in item:
            name = item["rule"]["chain"]
            found[name] = found.get(name, 0) + 1
    return handle, found


def _state(root: str) -> dict[str, Any]:
    try:
        with open(os.path.join(root, STATE_FILE), "rb") as f:
            doc = json.loads(f.read().decode("utf-8"))
        return doc if isinstance(doc, dict) else {}
    except (OSError, ValueError):
        return {}


def _remember(root: str, text: str, handle: int | None) -> None:
    doc = {"version": 1, "table": f"{FAMILY} {TABLE}", "digest": digest(text), "handle": handle,
           "applied": int(time.time())}
    storefs.replace_file(os.path.join(root, STATE_FILE), (json.dumps(doc) + "\n").encode("utf-8"))


def replace(root: str, rules: list[Rule]) -> tuple[str, int | None]:
    """Load the script, then record what was loaded (its digest and the table's new handle)."""
    text = script(rules)
    load(text)
    live = live_table() if rules else None
    handle = None if live is None else live[0]
    _remember(root, text, handle)
    return text, handle


def is_current(root: str, rules: list[Rule]) -> str:
    """"" when the kernel's table is the one last applied from these rules; else why not:
    "missing", "changed" (by someone else) or "configured" (the configuration changed)."""
    st = _state(root)
    live = live_table()
    if not rules:
        return "configured" if live is not None else ""
    if not st.get("digest"):
        return "configured"                # never applied here: the first load
    if live is None:
        return "missing"
    handle, found = live
    if st.get("handle") != handle:
        return "changed"                   # replaced by somebody else
    if st.get("digest") != digest(script(rules)):
        return "configured"
    return "" if found == shape(rules) else "changed"


WHY = {
    "missing": "the rules table {table} was missing (nft flush ruleset, or an nftables or firewalld reload) "
               "and was loaded again: what its rules would have counted between the last collection "
               "and the restore was not counted",
    "changed": "the rules table {table} had been changed outside the helper and was loaded again: "
               "what its rules counted between the last collection and the restore was not counted",
}


def restore(root: str, cfg: Config, since: int | None, now: int) -> str:
    """After a collection, with the lock held: the table as configured, loaded again when it is
    missing or not as applied. Returns "" or the reason it was loaded; a note records the gap.
    Nothing happens (not even a listing) while no rules are configured and none were applied."""
    st = _state(root)
    if not cfg.rules and not st.get("handle"):
        return ""
    why = is_current(root, cfg.rules)
    if not why:
        if not cfg.rules:
            _remember(root, script([]), None)      # gone and not wanted: stop looking for it
        return ""
    replace(root, cfg.rules)
    if why in WHY:
        notesmod.add(root, [notesmod.make(now, since, now, WHY[why].format(table=f"{FAMILY} {TABLE}"),
                                          counter_keys(cfg.rules))])
    return why
