# SPDX-License-Identifier: LGPL-2.1-or-later
"""Counter sources: running the tools (all at once), reading their output, and interfaces.

nftables (named counters, commented rules, set elements), iptables/ip6tables (both back ends)
and network interfaces. Parsing lives in nftjson.py and iptables.py, apart from running the
tools, so that recorded outputs can be unit-tested.
"""

from __future__ import annotations

import fnmatch
import os
from collections import namedtuple

from . import early, nfgen
from .config import Config
from .iptables import NftBackend, iptables_nft_rules, parse_iptables_save, save_comments
from .nftjson import U64, NftRuleset, OffloadWarning, flowtable_flags_from_text, offload_warnings, parse_nft_json
from .reading import Reading
from .store import Identity

SYS_NET = "/sys/class/net"


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
