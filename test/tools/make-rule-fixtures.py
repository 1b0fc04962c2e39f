#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Writes test/fixtures/config/rule-cases.json: configuration files with a `rules` key that the
helper (test/helper/test_rulespec.py) and the page (test/engine/rule-spec.test.ts) must both
accept, with the same rules, or both reject, with the same one-line message. The expectations
are written here by hand, never computed by either implementation."""

from __future__ import annotations

import json
import os

NAME = ('must be a name of 1 to 100 bytes (UTF-8) without quotes ("), backslashes, line breaks or other '
        'control characters')
ADDRESS = "must be an IPv4 or IPv6 address or subnet such as 192.0.2.0/24 or 2001:db8::/48"
HOSTS = "must be an IPv4 subnet from /16 to /32 or an IPv6 subnet from /48 to /64"
BITS = "has bits set after its prefix length"
KIND = 'must be "address", "hosts", "port" or "interface"'
DIRECTION = 'must be "in", "out" or "both"'
HOOK = 'must be "input", "output" or "forward"'


def rule(kind: str, **fields: object) -> dict[str, object]:
    base: dict[str, object] = {"id": "r", "name": "R", "kind": kind}
    base.update({"address": {"address": "192.0.2.0/24"}, "hosts": {"subnet": "192.0.2.0/24"},
                 "port": {"protocol": "tcp", "port": 443}, "interface": {"interface": "eth0"}}.get(kind, {}))
    base.update({"direction": "in", "hook": "forward"})
    base.update(fields)
    return {k: v for k, v in base.items() if v is not None}


def text(*rules: dict[str, object], interval: int | None = None) -> str:
    doc: dict[str, object] = {} if interval is None else {"interval_seconds": interval}
    doc["rules"] = list(rules)
    return json.dumps(doc, ensure_ascii=False)


def want(rule_id: str, name: str, kind: str, direction: str, hook: str, network: list[object] | None = None,
         protocol: str = "", port: int = 0, interface: str = "", timeout: int = 0) -> dict[str, object]:
    return {"id": rule_id, "name": name, "kind": kind, "direction": direction, "hook": hook, "network": network,
            "protocol": protocol, "port": port, "interface": interface, "timeout_seconds": timeout}


def valid(name: str, file_text: str, rules: list[dict[str, object]]) -> dict[str, object]:
    return {"name": name, "text": file_text, "error": None, "rules": rules}


def invalid(name: str, file_text: str, error: str) -> dict[str, object]:
    return {"name": name, "text": file_text, "error": error}


CASES = [
    valid("no rules key", "{}", []),
    valid("an empty list", '{"rules": []}', []),
    valid("one of each kind", text(
        rule("address", id="srv", name="Server", address="203.0.113.5", direction="both", hook="input"),
        rule("hosts", id="lan", name="LAN", subnet="10.0.0.0/16", direction="out"),
        rule("hosts", id="lan6", name="LAN v6", subnet="2001:DB8:0:0::/48", direction="both", timeout_seconds=7200),
        rule("port", id="web", name="HTTPS", protocol="udp", port=65535, direction="out", hook="output"),
        rule("interface", id="wan", name="WAN", interface="enp1s0.100", direction="both")), [
        want("srv", "Server", "address", "both", "input", ["ip", "203.0.113.5", 32]),
        want("lan", "LAN", "hosts", "out", "forward", ["ip", "10.0.0.0/16", 16], timeout=3600),
        want("lan6", "LAN v6", "hosts", "both", "forward", ["ip6", "2001:db8:0:0::/48", 48], timeout=7200),
        want("web", "HTTPS", "port", "out", "output", protocol="udp", port=65535),
        want("wan", "WAN", "interface", "both", "forward", interface="enp1s0.100")]),
    valid("the default element timeout is twice a long interval", text(rule("hosts"), interval=3000),
          [want("r", "R", "hosts", "in", "forward", ["ip", "192.0.2.0/24", 24], timeout=6000)]),
    valid("IPv6 forms", text(rule("address", id="a", address="::"), rule("address", id="b", address="::1/128"),
                             rule("address", id="c", address="fe80::/10"), rule("address", id="d", address="1:2:3:4:5:6:7:8"),
                             rule("address", id="e", address="1::8"), rule("address", id="f", address="0.0.0.0/0")), [
        want("a", "R", "address", "in", "forward", ["ip6", "::", 128]),
        want("b", "R", "address", "in", "forward", ["ip6", "::1/128", 128]),
        want("c", "R", "address", "in", "forward", ["ip6", "fe80::/10", 10]),
        want("d", "R", "address", "in", "forward", ["ip6", "1:2:3:4:5:6:7:8", 128]),
        want("e", "R", "address", "in", "forward", ["ip6", "1::8", 128]),
        want("f", "R", "address", "in", "forward", ["ip", "0.0.0.0/0", 0])]),
    valid("names: nft's syntax inside is only text", text(
        rule("port", name="} ; flush ruleset # $x @y 'q'"), rule("port", id="u", name="Kunde \u00e4 \U0001F600"),
        rule("port", id="l", name="x" * 100), rule("port", id="m", name="\u00e4" * 50)), [
        want("r", "} ; flush ruleset # $x @y 'q'", "port", "in", "forward", protocol="tcp", port=443),
        want("u", "Kunde \u00e4 \U0001F600", "port", "in", "forward", protocol="tcp", port=443),
        want("l", "x" * 100, "port", "in", "forward", protocol="tcp", port=443),
        want("m", "\u00e4" * 50, "port", "in", "forward", protocol="tcp", port=443)]),
    valid("an interface rule on the input hook counts incoming traffic",
          text(rule("interface", hook="input", direction="in")),
          [want("r", "R", "interface", "in", "input", interface="eth0")]),
    invalid("rules is not a list", '{"rules": {}}', "rules: must be a list of at most 200 rules"),
    invalid("too many rules", text(*[rule("port", id=f"r{i}") for i in range(201)]), "rules: must be a list of at most 200 rules"),
    invalid("a rule is not an object", '{"rules": [1]}', "rules[0]: must be an object"),
    invalid("an unknown kind", text(rule("firewall")), f"rules[0].kind: {KIND}"),
    invalid("no kind, and an unknown key", '{"rules": [{"id": "a", "colour": 1}]}', f"rules[0].kind: {KIND}"),
    invalid("a key of another kind", text(rule("port", address="10.0.0.1")), "rules[0].address: unknown key"),
    invalid("no id", text(rule("port", id=None)), "rules[0].id: is required"),
    invalid("an id with a capital", text(rule("port", id="Web")),
            'rules[0].id: must be 1 to 24 lowercase letters, digits or "_", starting with a letter'),
    invalid("an id of 25 characters", text(rule("port", id="a" * 25)),
            'rules[0].id: must be 1 to 24 lowercase letters, digits or "_", starting with a letter'),
    invalid("two rules with one id", text(rule("port"), rule("interface")), "rules[1].id: is used by another rule"),
    invalid("no name", text(rule("port", name=None)), "rules[0].name: is required"),
    invalid("a name with a quote", text(rule("port", name='a" } flush ruleset')), f"rules[0].name: {NAME}"),
    invalid("a name with a line break", text(rule("port", name="a\nb")), f"rules[0].name: {NAME}"),
    invalid("a name with a backslash", text(rule("port", name="a\\b")), f"rules[0].name: {NAME}"),
    invalid("a name with a line separator", text(rule("port", name="a\u2028b")), f"rules[0].name: {NAME}"),
    invalid("a name with a C1 control", text(rule("port", name="a\u0085b")), f"rules[0].name: {NAME}"),
    invalid("a name with DEL", text(rule("port", name="a\u007fb")), f"rules[0].name: {NAME}"),
    invalid("a name with a lone surrogate", '{"rules": [{"id": "r", "name": "a\\ud800", "kind": "port", "protocol": "tcp", '
            '"port": 1, "direction": "in", "hook": "input"}]}', f"rules[0].name: {NAME}"),
    invalid("a name of spaces", text(rule("port", name="   ")), f"rules[0].name: {NAME}"),
    invalid("a name of 101 bytes", text(rule("port", name="x" * 101)), f"rules[0].name: {NAME}"),
    invalid("a name of 51 two-byte characters", text(rule("port", name="\u00e4" * 51)), f"rules[0].name: {NAME}"),
    invalid("a name that is a number", text(rule("port", name=5)), f"rules[0].name: {NAME}"),
    invalid("an address with a zone", text(rule("address", address="fe80::1%eth0")), f"rules[0].address: {ADDRESS}"),
    invalid("an address with a dotted IPv4 tail", text(rule("address", address="::ffff:1.2.3.4")), f"rules[0].address: {ADDRESS}"),
    invalid("an IPv4 octet with a leading zero", text(rule("address", address="10.0.0.01")), f"rules[0].address: {ADDRESS}"),
    invalid("an IPv4 octet of 256", text(rule("address", address="10.0.0.256")), f"rules[0].address: {ADDRESS}"),
    invalid("a prefix length of 33", text(rule("address", address="10.0.0.0/33")), f"rules[0].address: {ADDRESS}"),
    invalid("a prefix length with a leading zero", text(rule("address", address="10.0.0.0/08")), f"rules[0].address: {ADDRESS}"),
    invalid("an empty prefix length", text(rule("address", address="10.0.0.0/")), f"rules[0].address: {ADDRESS}"),
    invalid("two double colons", text(rule("address", address="1::2::3")), f"rules[0].address: {ADDRESS}"),
    invalid("nine groups", text(rule("address", address="1:2:3:4:5:6:7:8:9")), f"rules[0].address: {ADDRESS}"),
    invalid("eight groups and a double colon", text(rule("address", address="1:2:3:4::5:6:7:8")), f"rules[0].address: {ADDRESS}"),
    invalid("a group of five digits", text(rule("address", address="12345::")), f"rules[0].address: {ADDRESS}"),
    invalid("a host name", text(rule("address", address="example.org")), f"rules[0].address: {ADDRESS}"),
    invalid("an address with host bits", text(rule("address", address="10.0.0.1/24")), f"rules[0].address: {BITS}"),
    invalid("an IPv6 subnet with host bits", text(rule("address", address="2001:db8::1/64")), f"rules[0].address: {BITS}"),
    invalid("per host in too large an IPv4 subnet", text(rule("hosts", subnet="10.0.0.0/15")), f"rules[0].subnet: {HOSTS}"),
    invalid("per host in too large an IPv6 subnet", text(rule("hosts", subnet="2001:db8::/47")), f"rules[0].subnet: {HOSTS}"),
    invalid("per host in an IPv6 subnet smaller than a /64", text(rule("hosts", subnet="2001:db8::/80")), f"rules[0].subnet: {HOSTS}"),
    invalid("per host in a subnet with host bits", text(rule("hosts", subnet="10.0.0.1/24")), f"rules[0].subnet: {BITS}"),
    invalid("an element timeout below 20 s", text(rule("hosts", timeout_seconds=19)),
            "rules[0].timeout_seconds: must be a whole number from 20 to 2592000"),
    invalid("an element timeout shorter than two intervals", text(rule("hosts", timeout_seconds=599), interval=300),
            "rules[0].timeout_seconds: must be at least twice interval_seconds (600): an element that times out "
            "between two collections loses what it counted"),
    invalid("a protocol other than tcp or udp", text(rule("port", protocol="icmp")), 'rules[0].protocol: must be "tcp" or "udp"'),
    invalid("port 0", text(rule("port", port=0)), "rules[0].port: must be a whole number from 1 to 65535"),
    invalid("a port as text", text(rule("port", port="443")), "rules[0].port: must be a whole number from 1 to 65535"),
    invalid("an interface name of 16 characters", text(rule("interface", interface="a" * 16)),
            'rules[0].interface: must be an interface name of 1 to 15 letters, digits, "_", ".", "+" or "-"'),
    invalid("an interface name with a quote", text(rule("interface", interface='eth0"')),
            'rules[0].interface: must be an interface name of 1 to 15 letters, digits, "_", ".", "+" or "-"'),
    invalid("an unknown direction", text(rule("port", direction="up")), f"rules[0].direction: {DIRECTION}"),
    invalid("no hook", text(rule("port", hook=None)), "rules[0].hook: is required"),
    invalid("an unknown hook", text(rule("port", hook="prerouting")), f"rules[0].hook: {HOOK}"),
    invalid("an outgoing interface on the input hook", text(rule("interface", hook="input", direction="both")),
            'rules[0].direction: must be "in" with hook input'),
    invalid("an incoming interface on the output hook", text(rule("interface", hook="output", direction="in")),
            'rules[0].direction: must be "out" with hook output'),
    invalid("the first problem of the second rule", text(rule("port"), rule("port", id="b", port=0, hook="x")),
            "rules[1].port: must be a whole number from 1 to 65535"),
]


def main() -> None:
    out = os.path.join(os.path.dirname(__file__), "..", "fixtures", "config", "rule-cases.json")
    with open(out, "w", encoding="utf-8") as f:
        json.dump({"description": __doc__.strip().replace("\n", " "), "cases": CASES}, f, indent=1, ensure_ascii=True)
        f.write("\n")


if __name__ == "__main__":
    main()
