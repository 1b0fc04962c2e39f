# SPDX-License-Identifier: LGPL-2.1-or-later
"""Command line of cta-helper: subcommands, messages and exit codes (docs/helper.md)."""

from __future__ import annotations

import json
import os
import sys

TYPE_CHECKING = False
if TYPE_CHECKING:                       # annotations only: typing is slow to import
    from typing import Any, Sequence

from . import args as argsmod, config as configmod, storefs
from .prometheus import PrometheusError
from .state import StateError
from .store import StoreError

EXIT_OK = 0
EXIT_FAILED = 1          # a write failed (full disk, I/O error): the store is as it was
EXIT_USAGE = 2           # bad command line
EXIT_CONFIG = 3          # bad configuration file
EXIT_NOT_ROOT = 4        # a writing command without the rights to write the store
EXIT_STORE = 5           # the store or its state cannot be read (unknown version...)
EXIT_NOTHING = 6         # collect: nothing could be collected or written now (see the message)
EXIT_RULES = 7           # nft refused or could not load the rules' table (nft's message follows)

PROG = "cta-helper"


def _print(obj: Any, as_json: bool, text: str) -> None:
    if as_json:
        json.dump(obj, sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
    else:
        print(text)


def _fail(code: int, message: str) -> int:
    print(f"{PROG}: {message}", file=sys.stderr)
    return code


def _closing_errors(errors: list[Exception], context: str) -> int:
    """Report the files a closing pass left as they were: exit 5 if one is damaged, else 1."""
    for e in errors:
        print(f"{PROG}: {e}{context}", file=sys.stderr)
    if any(isinstance(e, StoreError) for e in errors):
        return EXIT_STORE
    return EXIT_FAILED if errors else EXIT_OK


def run_collect(args: argsmod.Args) -> int:
    """collect goes on with the last valid configuration when the file is bad, then exits 3."""
    from . import lastconfig, sources
    cfg, config_error, valid_raw = lastconfig.load(args.config, args.store)
    with storefs.Lock(args.store):
        # start reading the counters first; the rest of the helper loads meanwhile
        started = sources.start_all(cfg)
        from . import collect
        res = collect.collect_locked(args.store, cfg, started, args.verbose, config_error)
        lastconfig.remember(args.store, valid_raw)
        restored, rules_error = _restore_rules(args.store, cfg, res)
        from . import hostnames
        try:
            hostnames.refresh(args.store, cfg.host_names)
        except (OSError, storefs.WriteError) as e:     # names are a convenience: the collection stands
            print(f"{PROG}: host names not updated: {e}", file=sys.stderr)
    for sr in res.sources:
        if sr.note:
            print(f"{PROG}: {sr.key}: {sr.note}", file=sys.stderr)
    if res.message:
        print(f"{PROG}: {res.message}", file=sys.stderr)
    summary = {"start": res.start, "end": res.end, "written": res.written, "held": res.held,
               "changed": len(res.deltas), "baselines": res.baseline, "resets": res.resets,
               "notes": sorted({n.reason for n in res.notes}), "clock_step": res.step,
               "closed": res.closing.closed, "sources": {sr.key: sr.status for sr in res.sources}}
    _print(summary, args.json, f"collected {len(res.deltas)} changed counters "
           f"({res.baseline} new baselines, {len(res.resets)} resets, {len(res.notes)} not counted)")
    code = _closing_errors(res.closing.errors, " (the collection was saved)")
    if restored:
        print(f"{PROG}: rules: the table was {restored} and was loaded again", file=sys.stderr)
    if rules_error:
        return _fail(EXIT_RULES, f"rules: nft could not load the rules' table (the collection was saved):\n{rules_error}")
    if config_error:
        return _fail(EXIT_CONFIG, f"{config_error} (collected with the last valid configuration)")
    if res.nothing_read:
        return _fail(EXIT_NOTHING, "no enabled source could be read: nothing was collected")
    if res.clock_problem:
        return EXIT_NOTHING
    return code


def _restore_rules(store: str, cfg: configmod.Config, res: Any) -> tuple[str, str]:
    """After a collection, under its lock: the rules' table loaded again when missing or not as
    applied (rules.py). (what was found, nft's error)."""
    if not cfg.rules and not os.path.exists(os.path.join(store, "rules-applied.json")):   # rules.STATE_FILE
        return "", ""                      # nothing configured, nothing applied: not even a listing
    from . import rules
    previous = res.start if res.start is not None else res.end
    try:
        why = rules.restore(store, cfg, previous, res.end)
    except rules.RulesError as e:
        return "", str(e)
    except (ValueError, KeyError, TypeError) as e:
        return "", f"cannot read nft's listing of the table: {e}"
    return {"missing": "missing", "changed": "changed outside the helper",
            "configured": "not as configured"}.get(why, ""), ""


def run_rules(args: argsmod.Args) -> int:
    from . import rules
    if args.config == "-":
        if args.action == "apply":
            # what is applied must be what collect restores: the configuration file
            return _fail(EXIT_USAGE, "rules apply: --config - is only for rules show")
        cfg = configmod.parse_text(sys.stdin.read(), "config.json")
    else:
        cfg = configmod.load_config(args.config)
    if args.action == "show":
        sys.stdout.write(rules.script(cfg.rules))
        return EXIT_OK
    from . import collect, lastconfig, sources
    with storefs.Lock(args.store):
        try:
            idle = not cfg.rules and rules.live_table() is None
        except rules.RulesError as e:
            return _fail(EXIT_RULES, f"rules: nft could not list the table:\n{e}")
        if idle and not os.path.exists(os.path.join(args.store, rules.STATE_FILE)):
            _print({"applied": False, "rules": 0}, args.json, "no rules configured and no table to remove: nothing to do")
            return EXIT_OK
        # what the old counters counted is stored before they are replaced (new kernel handles,
        # counted from zero by the next collection)
        res = collect.collect_locked(args.store, cfg, sources.start_all(cfg))
        lastconfig.remember(args.store, _read_bytes(args.config))
        try:
            _, handle = rules.replace(args.store, cfg.rules)
        except rules.RulesError as e:
            return _fail(EXIT_RULES, f"rules: nft refused the rules (the table is as it was):\n{e}")
    _print({"applied": True, "rules": len(cfg.rules), "table": f"{rules.FAMILY} {rules.TABLE}", "handle": handle,
            "collected": res.end}, args.json,
           f"collected, then loaded {len(cfg.rules)} rules into table {rules.FAMILY} {rules.TABLE}"
           if cfg.rules else f"collected, then removed table {rules.FAMILY} {rules.TABLE} (no rules configured)")
    return EXIT_OK


def _read_bytes(path: str) -> bytes | None:
    try:
        with open(path, "rb") as f:
            return f.read()
    except OSError:
        return None


def run_status(args: argsmod.Args) -> int:
    """status works with a bad configuration file too: it reports the error, and what collect
    does meanwhile (it goes on with the last valid configuration)."""
    from . import lastconfig, status
    cfg, config_error, _ = lastconfig.load(args.config, args.store)
    rep = status.status_report(args.store, args.config, cfg, config_error)
    lines = [f"last collection: {rep['last_collection']}"]
    for s in rep["sources"]:
        lines.append(f"{s['key']}: {s['status']} ({s['count']} counters) {s['note']}".rstrip())
    for t, info in rep["tiers"].items():
        lines.append(f"{t}: {info['files']} files, {info['bytes']} bytes")
    lines.append(f"corrupt lines: {rep['corrupt']['count']}, torn appends: {rep['torn']}")
    lines.extend(f"warning: {w['message']}" for w in rep["offload_warnings"])
    lines.extend(f"error: {e}" for e in rep["errors"])
    if config_error:
        lines.append(f"configuration: {config_error}; collect goes on with the last valid configuration")
    lines.extend(f"not counted [{n['start']}, {n['end']}): {n['reason']} ({n['count']} counters)"
                 for n in rep["notes"][-10:])
    _print(rep, args.json, "\n".join(lines))
    return EXIT_OK


def run_schedule(args: argsmod.Args, cfg: configmod.Config) -> int:
    from . import schedule
    if args.action == "show":
        text = schedule.dropin_text(cfg.interval_seconds)
        _print({"interval_seconds": cfg.interval_seconds, "dropin": text, "cron": schedule.cron_line(cfg.interval_seconds)},
               args.json, text or f"# interval_seconds {cfg.interval_seconds}: the packaged timer, no drop-in")
        return EXIT_OK
    import subprocess
    try:
        # CTA_TIMER_DROPINS: the tests' stand-in for /etc/systemd/system/…timer.d (never set on a host)
        done = schedule.apply(cfg.interval_seconds, os.environ.get("CTA_TIMER_DROPINS") or schedule.DROPIN_DIR)
    except subprocess.CalledProcessError as e:
        return _fail(EXIT_FAILED, f"{' '.join(e.cmd)}: {(e.stderr or '').strip() or f'exit {e.returncode}'}")
    where = "systemd reloaded" if done.reloaded else "systemd is not running; see the README for cron"
    _print(done.summary(), args.json, f"collect every {done.seconds} s "
           f"({'drop-in ' + done.path if done.text else 'the packaged timer'}; {where})")
    return EXIT_OK


def run(args: argsmod.Args) -> int:
    if args.command == "collect":
        return run_collect(args)
    if args.command == "status":
        return run_status(args)
    if args.command == "rules":
        return run_rules(args)
    cfg = configmod.load_config(args.config)
    if args.command == "rotate":
        from . import rollup
        rr = rollup.rotate(args.store, cfg)
        _print({"moved": rr.moved, "written": rr.written, "closed": rr.closing.closed,
                "dropped_records": rr.dropped_records, "expired": rr.expired, "kept": rr.kept,
                "upgraded": rr.migrated},
               args.json, (f"upgraded the store to format 2 ({len(rr.migrated)} files); " if rr.migrated else "")
               + f"deleted {len(rr.expired)} files past retention"
               f"{f' (kept {len(rr.kept)} whose periods are not rolled up)' if rr.kept else ''}; "
               f"rotated {len(rr.moved)} files into {len(rr.written)}; "
               f"compressed {len(rr.closing.closed)} finished files; "
               f"dropped {rr.dropped_records} records past daily retention")
        return _closing_errors(rr.closing.errors, "")
    if args.command == "compact":
        from . import rollup
        plan = rollup.compact(args.store, args.frm, args.to, args.resolution, args.dry_run, cfg.retention)
        summary = plan.summary()
        summary["dry_run"] = args.dry_run
        verb = "would merge" if args.dry_run else "merged"
        _print(summary, args.json, f"{verb} {plan.records_before} records into {plan.records_after} "
               f"in {len(plan.files)} files, {plan.bytes_before - plan.bytes_after} bytes saved")
        return EXIT_OK
    if args.command == "dismiss-damage":
        from . import summary as summarymod
        with storefs.Lock(args.store):
            gone = summarymod.dismiss(args.store, args.up_to)
        _print({"dismissed": gone}, args.json, f"dismissed {gone} damage reports")
        return EXIT_OK
    if args.command == "schedule":
        return run_schedule(args, cfg)
    if args.command == "names":
        from . import hostnames
        names, sources = hostnames.gather(cfg.host_names, hostnames.paths_from_env())
        lines = [f"{a} {n!r}" for a, n in sorted(names.items())]
        lines += [f"# {k}: {v.get('path', 'host_names')}: {v['names']} names, {v['skipped']} lines skipped"
                  f"{' (missing)' if v.get('missing') else ''}{' (' + str(v['error']) + ')' if v.get('error') else ''}"
                  for k, v in sources.items()]
        _print({"names": names, "sources": sources}, args.json, "\n".join(lines))
        return EXIT_OK
    if args.command == "files":
        from . import status
        rep = status.files_report(args.store)
        _print(rep, args.json, "\n".join(f"{f['file']} {f['size']}" for f in rep["files"]))
        return EXIT_OK
    return _fail(EXIT_USAGE, f"unknown command {args.command}")


def main(argv: Sequence[str] | None = None) -> int:
    try:
        args = argsmod.parse(list(sys.argv[1:] if argv is None else argv), storefs.DEFAULT_STORE,
                             configmod.DEFAULT_CONFIG)
    except argsmod.HelpRequested:
        sys.stdout.write(argsmod.USAGE)
        return EXIT_OK
    except argsmod.UsageError as e:
        sys.stderr.write(argsmod.USAGE)
        return _fail(EXIT_USAGE, str(e))
    try:
        return run(args)
    except configmod.ConfigError as e:
        return _fail(EXIT_CONFIG, str(e))
    except storefs.NotRoot as e:
        return _fail(EXIT_NOT_ROOT, str(e))
    except PrometheusError as e:
        return _fail(EXIT_FAILED, str(e))
    except storefs.WriteError as e:
        return _fail(EXIT_FAILED, f"{e}; the store was left as it was")
    except (StoreError, StateError) as e:
        return _fail(EXIT_STORE, str(e))
    except PermissionError as e:
        return _fail(EXIT_NOT_ROOT, f"{e.filename or ''}: permission denied; run as root")
    except OSError as e:
        return _fail(EXIT_FAILED, f"{e.filename or ''}: {e.strerror}")


if __name__ == "__main__":
    sys.exit(main())
