# SPDX-License-Identifier: LGPL-2.1-or-later
"""The configuration's `rules` key (docs/configuration.md): what the helper's own nftables table
counts. Checked strictly, with the same first error as the page (src/engine/rule-spec.ts); the
shared cases are test/fixtures/config/rule-cases.json.

A rule's name becomes an nft comment and is untrusted text: it may hold no character that could
end nft's quoted string or a line (no `"`, no `\\`, no control or line-separator character), so
that it can only ever be the text of the comment (rules.py quotes it)."""

from __future__ import annotations

import re

TYPE_CHECKING = False
if TYPE_CHECKING:                       # annotations only: typing is slow to import
    from typing import Any

from .jsonvalues import ValueProblem, obj, whole

KINDS = ("address", "hosts", "port", "interface")
KIND_KEYS = {
    "address": ("id", "name", "kind", "address", "direction", "hook"),
    "hosts": ("id", "name", "kind", "subnet", "direction", "hook", "timeout_seconds"),
    "port": ("id", "name", "kind", "protocol", "port", "direction", "hook"),
    "interface": ("id", "name", "kind", "interface", "direction", "hook"),
}
DIRECTIONS = ("in", "out", "both")
HOOKS = ("input", "output", "forward")
PROTOCOLS = ("tcp", "udp")
MAX_RULES = 200
NAME_BYTES = 100                        # nft keeps 128 bytes of a comment
MAX_TIMEOUT = 30 * 86400
MIN_TIMEOUT = 3600                      # the default when it is at least twice the interval

ID = re.compile(r"[a-z][a-z0-9_]{0,23}")
# what could end nft's quoted string or a line: quotes, backslashes, C0/C1 controls, DEL,
# U+2028/U+2029, and lone surrogates (not text at all)
NAME_BAD = re.compile("[\"\\\\\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")
IFNAME = re.compile(r"[A-Za-z0-9_.+-]{1,15}")
OCTET = r"(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])"
IPV4 = re.compile(rf"{OCTET}(?:\.{OCTET}){{3}}")
HEXTET = re.compile(r"[0-9A-Fa-f]{1,4}")
PREFIX = re.compile(r"0|[1-9][0-9]{0,2}")

ID_MESSAGE = 'must be 1 to 24 lowercase letters, digits or "_", starting with a letter'
NAME_MESSAGE = (f'must be a name of 1 to {NAME_BYTES} bytes (UTF-8) without quotes ("), '
                'backslashes, line breaks or other control characters')
ADDRESS_MESSAGE = "must be an IPv4 or IPv6 address or subnet such as 192.0.2.0/24 or 2001:db8::/48"
HOSTS_MESSAGE = "must be an IPv4 subnet from /16 to /32 or an IPv6 subnet from /48 to /64"
HOST_BITS = "has bits set after its prefix length"
IFNAME_MESSAGE = 'must be an interface name of 1 to 15 letters, digits, "_", ".", "+" or "-"'


class Network:
    """An address or subnet as nft reads it: family (ip or ip6), its text, its prefix length."""

    def __init__(self, family: str, text: str, length: int) -> None:
        self.family = family
        self.text = text
        self.length = length


class Rule:
    def __init__(self, rule_id: str, name: str, kind: str, direction: str, hook: str) -> None:
        self.id = rule_id
        self.name = name
        self.kind = kind
        self.direction = direction
        self.hook = hook
        self.network: Network | None = None      # address and hosts
        self.protocol = ""                       # port
        self.port = 0
        self.interface = ""                      # interface
        self.timeout_seconds = 0                 # hosts


def _v6_value(text: str) -> int | None:
    """The 128-bit value of an IPv6 address in plain hex groups (no zone, no dotted tail)."""
    if text.count("::") > 1:
        return None
    if "::" in text:
        head, tail = text.split("::")
        left = head.split(":") if head else []
        right = tail.split(":") if tail else []
        if len(left) + len(right) > 7:
            return None
        groups = left + ["0"] * (8 - len(left) - len(right)) + right
    else:
        groups = text.split(":")
        if len(groups) != 8:
            return None
    if not all(HEXTET.fullmatch(g) for g in groups):
        return None
    value = 0
    for g in groups:
        value = (value << 16) | int(g, 16)
    return value


def parse_network(v: Any, path: str, message: str = ADDRESS_MESSAGE) -> Network:
    """An address (a /32 or /128) or a subnet whose address has no bits after the prefix."""
    if not isinstance(v, str):
        raise ValueProblem(path, message)
    addr, slash, length_text = v.partition("/")
    if IPV4.fullmatch(addr):
        family, bits, value = "ip", 32, 0
        for part in addr.split("."):
            value = (value << 8) | int(part)
    else:
        v6 = _v6_value(addr) if ":" in addr else None
        if v6 is None:
            raise ValueProblem(path, message)
        family, bits, value = "ip6", 128, v6
    if slash:
        if not PREFIX.fullmatch(length_text) or int(length_text) > bits:
            raise ValueProblem(path, message)
        length = int(length_text)
    else:
        length = bits
    if value & ((1 << (bits - length)) - 1):
        raise ValueProblem(path, HOST_BITS)
    return Network(family, v.lower(), length)


def _name(v: Any, path: str) -> str:
    if (not isinstance(v, str) or v.strip(" ") == "" or NAME_BAD.search(v)
            or len(v.encode("utf-8")) > NAME_BYTES):
        raise ValueProblem(path, NAME_MESSAGE)
    return v


def _choice(v: Any, path: str, choices: tuple[str, ...]) -> str:
    if isinstance(v, str) and v in choices:
        return v
    words = [f'"{c}"' for c in choices]
    raise ValueProblem(path, f"must be {', '.join(words[:-1])} or {words[-1]}")


def _required(o: dict[str, Any], key: str, path: str) -> Any:
    if key not in o:
        raise ValueProblem(f"{path}.{key}", "is required")
    return o[key]


def parse_rule(v: Any, path: str, interval_seconds: int) -> Rule:
    if not isinstance(v, dict):
        raise ValueProblem(path, "must be an object")
    kind = _choice(v.get("kind"), f"{path}.kind", KINDS)
    o = obj(v, path, KIND_KEYS[kind])
    rule_id = _required(o, "id", path)
    if not isinstance(rule_id, str) or not ID.fullmatch(rule_id):
        raise ValueProblem(f"{path}.id", ID_MESSAGE)
    name = _name(_required(o, "name", path), f"{path}.name")
    rule = Rule(rule_id, name, kind, "", "")
    if kind == "address":
        rule.network = parse_network(_required(o, "address", path), f"{path}.address")
    elif kind == "hosts":
        net = parse_network(_required(o, "subnet", path), f"{path}.subnet", HOSTS_MESSAGE)
        if not (16 <= net.length <= 32 if net.family == "ip" else 48 <= net.length <= 64):
            raise ValueProblem(f"{path}.subnet", HOSTS_MESSAGE)
        rule.network = net
        low = 2 * interval_seconds
        rule.timeout_seconds = max(MIN_TIMEOUT, low)
        if "timeout_seconds" in o:
            rule.timeout_seconds = whole(o["timeout_seconds"], f"{path}.timeout_seconds", 20, MAX_TIMEOUT)
            if rule.timeout_seconds < low:
                raise ValueProblem(f"{path}.timeout_seconds", f"must be at least twice interval_seconds ({low}): "
                                   "an element that times out between two collections loses what it counted")
    elif kind == "port":
        rule.protocol = _choice(_required(o, "protocol", path), f"{path}.protocol", PROTOCOLS)
        rule.port = whole(_required(o, "port", path), f"{path}.port", 1, 65535)
    else:
        ifname = _required(o, "interface", path)
        if not isinstance(ifname, str) or not IFNAME.fullmatch(ifname):
            raise ValueProblem(f"{path}.interface", IFNAME_MESSAGE)
        rule.interface = ifname
    rule.direction = _choice(_required(o, "direction", path), f"{path}.direction", DIRECTIONS)
    rule.hook = _choice(_required(o, "hook", path), f"{path}.hook", HOOKS)
    if kind == "interface" and rule.hook != "forward":
        # the input hook knows no outgoing interface, the output hook no incoming one
        need = "in" if rule.hook == "input" else "out"
        if rule.direction != need:
            raise ValueProblem(f"{path}.direction", f'must be "{need}" with hook {rule.hook}')
    return rule


def parse_rules(value: Any, interval_seconds: int, path: str = "rules") -> list[Rule]:
    if not isinstance(value, list) or len(value) > MAX_RULES:
        raise ValueProblem(path, f"must be a list of at most {MAX_RULES} rules")
    rules: list[Rule] = []
    ids: set[str] = set()
    for i, item in enumerate(value):
        rule = parse_rule(item, f"{path}[{i}]", interval_seconds)
        if rule.id in ids:
            raise ValueProblem(f"{path}[{i}].id", "is used by another rule")
        ids.add(rule.id)
        rules.append(rule)
    return rules
