# SPDX-License-Identifier: LGPL-2.1-or-later
"""The command line grammar. Hand-written rather than argparse: the helper runs every 5 minutes
and argparse alone costs more start-up time than reading 1,000 counters."""

from __future__ import annotations

import time

USAGE = """usage: cta-helper COMMAND [--store DIR] [--config FILE] [options]

commands:
  collect [--json] [-v]     read all counters, append their deltas to the store
  rotate [--json]           roll old detail into coarser tiers
  compact --from T --to T [--resolution whole|day|hour] [--dry-run] [--json]
                            merge a time range (like ipacsum --replace)
  status [--json]           sources, counters and store summary (no root needed)
  files [--json]            the store's files with their periods (no root needed)
  dismiss-damage [--up-to ID] [--json]
                            forget the damage that status lists (up to that id)
  names [--json]            host names by address, and where they came from
  schedule show|apply [--json]
                            the collect timer's drop-in for interval_seconds; apply
                            writes it and restarts the timer (root)
  rules show                print the nft script of the configured rules (no root needed;
                            --config - reads the configuration from standard input)
  rules apply [--json]      collect, then load the rules' table in one nft transaction

  --store DIR     store directory (default /var/lib/cockpit-traffic-accounting)
  --config FILE   configuration (default /etc/cockpit-traffic-accounting/config.json)
  T               Unix seconds, or local time YYYY-MM-DD[THH:MM[:SS]]
"""

_FLAGS = {
    "collect": {"--json", "-v", "--verbose"},
    "rotate": {"--json"},
    "compact": {"--json", "--dry-run"},
    "status": {"--json"},
    "files": {"--json"},
    "dismiss-damage": {"--json"},
    "schedule": {"--json"},
    "names": {"--json"},
    "rules": {"--json"},
}
# commands that take an action word (before or after the options)
_ACTIONS = {"schedule": ("show", "apply"), "rules": ("show", "apply")}
_VALUES = {"--store", "--config", "--from", "--to", "--resolution", "--up-to"}
_ONLY = {"--up-to": "dismiss-damage"}
_COMPACT_ONLY = {"--from", "--to", "--resolution"}


class UsageError(Exception):
    pass


class HelpRequested(Exception):
    pass


class Args:
    def __init__(self, command: str, store: str, config: str) -> None:
        self.command = command
        self.store = store
        self.config = config
        self.json = False
        self.verbose = False
        self.dry_run = False
        self.frm = 0
        self.to = 0
        self.resolution = "whole"
        self.up_to: int | None = None
        self.action = ""                   # schedule, rules: show or apply


def time_arg(text: str) -> int:
    """Unix seconds, or a local time YYYY-MM-DD[THH:MM[:SS]]."""
    if text.isdigit():
        return int(text)
    for fmt in ("%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M", "%Y-%m-%d"):
        try:
            return int(time.mktime(time.strptime(text, fmt)))
        except ValueError:
            continue
    raise UsageError(f"not a time: {text!r} (Unix seconds or YYYY-MM-DD[THH:MM[:SS]])")


def parse(argv: list[str], default_store: str, default_config: str) -> Args:
    if not argv or argv[0] in ("-h", "--help"):
        if argv:
            raise HelpRequested()
        raise UsageError("a command is required")
    command = argv[0]
    if command not in _FLAGS:
        raise UsageError(f"unknown command {command!r}")
    args = Args(command, default_store, default_config)
    values: dict[str, str] = {}
    rest = argv[1:]
    i = 0
    while i < len(rest):
        word = rest[i]
        name, eq, value = word.partition("=")
        if word in ("-h", "--help"):
            raise HelpRequested()
        if name in _VALUES and (command == "compact" or name not in _COMPACT_ONLY) and _ONLY.get(name, command) == command:
            if not eq:
                i += 1
                if i >= len(rest):
                    raise UsageError(f"{name} needs a value")
                value = rest[i]
            values[name] = value
        elif command in _ACTIONS and not args.action and word in _ACTIONS[command]:
            args.action = word          # the action word, before or after the options
        elif word in _FLAGS[command]:
            if word == "--json":
                args.json = True
            elif word == "--dry-run":
                args.dry_run = True
            else:
                args.verbose = True
        else:
            raise UsageError(f"{command}: unknown argument {word!r}")
        i += 1
    if command in _ACTIONS and not args.action:
        raise UsageError(f"{command}: needs one of {', '.join(_ACTIONS[command])}")
    args.store = values.get("--store", args.store)
    args.config = values.get("--config", args.config)
    if "--up-to" in values:
        if not values["--up-to"].isdigit():
            raise UsageError("dismiss-damage: --up-to needs a damage id")
        args.up_to = int(values["--up-to"])
    if command == "compact":
        for required in ("--from", "--to"):
            if required not in values:
                raise UsageError(f"compact: {required} is required")
        args.frm = time_arg(values["--from"])
        args.to = time_arg(values["--to"])
        args.resolution = values.get("--resolution", "whole")
        if args.resolution not in ("whole", "day", "hour"):
            raise UsageError("compact: --resolution must be whole, day or hour")
        if args.frm >= args.to:
            raise UsageError("compact: --from must be before --to")
    return args
