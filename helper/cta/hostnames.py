# SPDX-License-Identifier: LGPL-2.1-or-later
"""Names for hosts: an optional map from address to name that the page shows as the display name
of set elements whose key is an address (docs/helper.md, "Host names").

Sources, the first that names an address wins: `host_names` in the configuration, /etc/hosts,
then the DHCP servers' leases when present (dnsmasq, ISC dhcpd, Kea). Every file is parsed line
by line: a line that does not parse is skipped and counted, never fatal. Names are untrusted
text (a DHCP client chooses its own): kept as text, never interpreted; one with control
characters or longer than MAX_NAME is skipped. collect writes the map to <store>/host-names.json,
which the page reads without privileges."""

from __future__ import annotations

import ipaddress
import json
import os

MAX_NAME = 253
FILE_NAME = "host-names.json"
# where each source lives; tests and unusual installations pass others
DEFAULT_PATHS = {
    "hosts": "/etc/hosts",
    "dnsmasq": "/var/lib/misc/dnsmasq.leases",
    "dhcpd": "/var/lib/dhcp/dhcpd.leases",
    "kea4": "/var/lib/kea/kea-leases4.csv",
    "kea6": "/var/lib/kea/kea-leases6.csv",
}


def _as_nft(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> str:
    """An address as nft prints it (inet_ntop): RFC 5952, except that an IPv4-mapped
    (`::ffff:10.0.0.9`) or IPv4-compatible (`::10.0.0.9`) address ends in dotted decimal, which
    Python's ipaddress does not do before 3.13."""
    if ip.version == 6:
        packed = ip.packed
        if packed[:10] == bytes(10) and packed[10:12] == b"\xff\xff":
            return f"::ffff:{ipaddress.IPv4Address(packed[12:])}"
        if packed[:12] == bytes(12) and packed[12:14] != bytes(2):
            return f"::{ipaddress.IPv4Address(packed[12:])}"
    return str(ip)


def address_key(text: str) -> str | None:
    """The canonical spelling of an address or prefix as set elements carry it (`10.0.0.7`,
    `2001:db8::5`, `2001:db8:1:2::/64`), or None when text is neither."""
    try:
        if "/" in text:
            net = ipaddress.ip_network(text, strict=True)
            return f"{_as_nft(net.network_address)}/{net.prefixlen}"
        return _as_nft(ipaddress.ip_address(text))
    except ValueError:
        return None


def clean_name(text: str) -> str | None:
    """The name as shown, or None when it cannot be one (empty, control characters, too long)."""
    name = text.strip(" \t")
    if name.endswith(".") and len(name) > 1:        # a fully qualified name from DHCP
        name = name[:-1]
    if not name or len(name) > MAX_NAME:
        return None
    if any(ord(c) < 0x20 or 0x7f <= ord(c) <= 0x9f for c in name):
        return None
    return name


class Found:
    """What one source gave: names by address (first one wins within a source too, except in
    lease files, where the latest lease does) and how many lines were skipped."""

    def __init__(self) -> None:
        self.names: dict[str, str] = {}
        self.skipped = 0

    def add(self, address: str, name: str, latest_wins: bool = False) -> None:
        key = address_key(address)
        shown = clean_name(name)
        if key is None or shown is None:
            self.skipped += 1
            return
        if latest_wins or key not in self.names:
            self.names[key] = shown


def parse_hosts(text: str) -> Found:
    """/etc/hosts: `ADDRESS NAME [ALIAS…]  # comment`; the first (canonical) name."""
    found = Found()
    for line in text.splitlines():
        words = line.split("#", 1)[0].split()
        if not words:
            continue
        if len(words) < 2:
            found.skipped += 1
            continue
        found.add(words[0].split("%", 1)[0], words[1])     # fe80::1%eth0: the zone is not part
    return found


def parse_dnsmasq(text: str) -> Found:
    """dnsmasq.leases: `EXPIRY MAC-OR-IAID ADDRESS HOSTNAME CLIENT-ID`; `*` is no name; the
    `duid …` line that starts the IPv6 leases is not a lease."""
    found = Found()
    for line in text.splitlines():
        words = line.split()
        if not words or words[0] == "duid":
            continue
        if len(words) < 4 or not words[0].isdigit():
            found.skipped += 1
            continue
        if words[3] != "*":
            found.add(words[2], words[3], latest_wins=True)
    return found


def _dhcpd_string(text: str) -> str | None:
    """A quoted string of dhcpd.leases (`"name"` with `\\"`, `\\\\` and octal escapes)."""
    if len(text) < 2 or text[0] != '"' or text[-1] != '"':
        return None
    out: list[str] = []
    body = text[1:-1]
    i = 0
    while i < len(body):
        c = body[i]
        if c == '"':
            return None
        if c == "\\":
            octal = body[i + 1:i + 4]
            if len(octal) == 3 and all(d in "01234567" for d in octal):
                out.append(chr(int(octal, 8)))
                i += 4
                continue
            if i + 1 >= len(body):
                return None
            out.append(body[i + 1])
            i += 2
            continue
        out.append(c)
        i += 1
    return "".join(out)


def parse_dhcpd(text: str) -> Found:
    """ISC dhcpd.leases: `lease ADDRESS { … client-hostname "NAME"; … }`; the file only grows,
    so a later lease of an address replaces an earlier one."""
    found = Found()
    address: str | None = None
    for raw in text.splitlines():
        line = raw.strip()
        if line.startswith("lease ") and line.endswith("{"):
            address = line[6:-1].strip()
            if address_key(address) is None:
                found.skipped += 1
                address = None
        elif line == "}":
            address = None
        elif address is not None and line.startswith("client-hostname "):
            value = line[len("client-hostname "):]
            name = _dhcpd_string(value[:-1]) if value.endswith(";") else None
            if name is None:
                found.skipped += 1
            else:
                found.add(address, name, latest_wins=True)
    return found


def parse_kea(text: str) -> Found:
    """Kea's memfile CSV (kea-leases4.csv, kea-leases6.csv): the header names the columns;
    `&#x2c` is an escaped comma; a delegated prefix has prefix_len; declined leases (state 1)
    name nobody. Later lines replace earlier ones (the file is appended to)."""
    found = Found()
    lines = text.splitlines()
    if not lines:
        return found
    header = lines[0].split(",")
    if "address" not in header or "hostname" not in header:
        found.skipped += len(lines)
        return found
    col = {name: i for i, name in enumerate(header)}
    for line in lines[1:]:
        if not line.strip():
            continue
        fields = line.split(",")
        if len(fields) < len(header):
            found.skipped += 1
            continue
        if "state" in col and fields[col["state"]] == "1":
            continue
        name = fields[col["hostname"]].replace("&#x2c", ",")
        if not name:
            continue
        address = fields[col["address"]]
        if "prefix_len" in col and fields[col.get("lease_type", 0)] == "2":
            address = f"{address}/{fields[col['prefix_len']]}"
        found.add(address, name, latest_wins=True)
    return found


PARSERS = (("hosts", parse_hosts), ("dnsmasq", parse_dnsmasq), ("dhcpd", parse_dhcpd),
           ("kea4", parse_kea), ("kea6", parse_kea))


def gather(configured: dict[str, str], paths: dict[str, str] | None = None) -> tuple[dict[str, str], dict[str, dict[str, object]]]:
    """All names, by precedence, and per source its path, how many names it gave and how many
    lines it skipped (a missing or unreadable file gives nothing and says why)."""
    where = dict(DEFAULT_PATHS, **(paths or {}))
    names: dict[str, str] = {}
    mine = Found()
    for address, name in configured.items():
        mine.add(address, name)
    report: dict[str, dict[str, object]] = {"config": {"names": len(mine.names), "skipped": mine.skipped}}
    names.update(mine.names)
    for key, parse in PARSERS:
        path = where[key]
        entry: dict[str, object] = {"path": path, "names": 0, "skipped": 0}
        report[key] = entry
        try:
            with open(path, "rb") as f:
                text = f.read().decode("utf-8", errors="replace")
        except FileNotFoundError:
            entry["missing"] = True
            continue
        except OSError as e:
            entry["error"] = e.strerror or str(e)
            continue
        found = parse(text)
        entry["names"], entry["skipped"] = len(found.names), found.skipped
        for address, name in found.names.items():
            names.setdefault(address, name)
    return names, report


def document(names: dict[str, str]) -> bytes:
    """host-names.json as collect writes it: sorted, so that an unchanged map is the same bytes."""
    return (json.dumps({"version": 1, "names": dict(sorted(names.items()))}, ensure_ascii=False, indent=0)
            + "\n").encode("utf-8")


def paths_from_env() -> dict[str, str]:
    """CTA_HOST_NAMES_DIR: the tests' stand-in root for the five files (never set on a host)."""
    root = os.environ.get("CTA_HOST_NAMES_DIR")
    if not root:
        return {}
    return {k: os.path.join(root, os.path.basename(v)) for k, v in DEFAULT_PATHS.items()}


def refresh(store: str, configured: dict[str, str]) -> bool:
    """Writes <store>/host-names.json when the map changed (collect calls it under the store's
    lock); True when it wrote. No names at all: no file."""
    from . import storefs
    names, _ = gather(configured, paths_from_env())
    path = os.path.join(store, FILE_NAME)
    if not names:
        try:
            os.unlink(path)
            return True
        except FileNotFoundError:
            return False
    data = document(names)
    try:
        with open(path, "rb") as f:
            if f.read() == data:
                return False
    except FileNotFoundError:
        pass
    storefs.replace_file(path, data)
    return True
