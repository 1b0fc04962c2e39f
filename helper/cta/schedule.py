# SPDX-License-Identifier: LGPL-2.1-or-later
"""`cta-helper schedule show|apply`: the collect timer runs at the configured interval_seconds.

The packaged timer fires every 5 minutes on the wall clock (OnCalendar=*:0/5). Another interval
becomes a systemd drop-in for that timer, written from the configuration: a calendar schedule
where the interval divides the minute, the hour or the day evenly (collections stay aligned to
the clock, and Persistent= still catches up a missed run), otherwise a monotonic one (every N
seconds from the last run, starting N seconds after boot, or at once when applied). The default interval removes the drop-in, so that the packaged
timer applies unchanged. `apply` then reloads systemd and restarts the timer if it runs (a
timer an admin stopped stays stopped)."""

from __future__ import annotations

import os
import subprocess

TIMER = "cockpit-traffic-accounting-collect.timer"
DROPIN_DIR = f"/etc/systemd/system/{TIMER}.d"
DROPIN_NAME = "50-interval.conf"
DEFAULT_INTERVAL = 300
CRON_HELPER = "/usr/libexec/cockpit-traffic-accounting/cta-helper collect"


def calendar(seconds: int) -> str | None:
    """The OnCalendar= expression that fires every `seconds` on the clock, or None when the
    interval does not divide the minute, hour or day evenly."""
    if seconds < 60 and 60 % seconds == 0:
        return f"*:*:0/{seconds}"
    if seconds % 60 == 0 and seconds < 3600 and 3600 % seconds == 0:
        return f"*:0/{seconds // 60}:00"
    if seconds == 86400:
        return "*-*-* 00:00:00"
    if seconds % 3600 == 0 and 86400 % seconds == 0:
        return f"*-*-* 0/{seconds // 3600}:00:00"
    return None


def dropin_text(seconds: int) -> str | None:
    """The drop-in for the collect timer, or None for the packaged schedule."""
    if seconds == DEFAULT_INTERVAL:
        return None
    head = ("# Written by `cta-helper schedule apply` from interval_seconds in the configuration;\n"
            "# the next apply (the page's Settings, a package upgrade) replaces it.\n[Timer]\n")
    cal = calendar(seconds)
    if cal is not None:
        return f"{head}OnCalendar=\nOnCalendar={cal}\n"
    # No calendar fits: every N seconds from the last run. OnBootSec= starts the chain N seconds
    # after boot; when the timer is restarted later (apply, an upgrade) it is in the past, and
    # systemd then runs collect at once, so the new interval counts from that run.
    return f"{head}OnCalendar=\nOnBootSec={seconds}s\nOnUnitActiveSec={seconds}s\n"


def cron_line(seconds: int) -> str | None:
    """The crontab line for hosts without systemd; cron counts whole minutes only."""
    if seconds % 60 or 3600 % seconds:
        return None
    minutes = seconds // 60
    return f"{'*' if minutes == 1 else f'*/{minutes}'} * * * *  root  {CRON_HELPER}"


def _write(path: str, text: str) -> bool:
    """Writes text atomically; False when the file already held it."""
    try:
        with open(path, encoding="utf-8") as f:
            if f.read() == text:
                return False
    except FileNotFoundError:
        pass
    os.makedirs(os.path.dirname(path), mode=0o755, exist_ok=True)
    tmp = f"{path}.tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(text)
        f.flush()
        os.fsync(f.fileno())
    os.chmod(tmp, 0o644)
    os.rename(tmp, path)
    return True


def _remove(path: str) -> bool:
    try:
        os.unlink(path)
    except FileNotFoundError:
        return False
    try:
        os.rmdir(os.path.dirname(path))         # only if nothing of the admin's is in it
    except OSError:
        pass
    return True


def systemd_runs() -> bool:
    return os.path.isdir("/run/systemd/system")


class Applied:
    def __init__(self, seconds: int, path: str, text: str | None, changed: bool, reloaded: bool) -> None:
        self.seconds = seconds
        self.path = path
        self.text = text
        self.changed = changed
        self.reloaded = reloaded

    def summary(self) -> dict[str, object]:
        return {"interval_seconds": self.seconds, "dropin": self.path if self.text is not None else None,
                "calendar": calendar(self.seconds) if self.seconds != DEFAULT_INTERVAL else "*:0/5",
                "changed": self.changed, "systemd": self.reloaded, "cron": cron_line(self.seconds)}


def apply(seconds: int, dropin_dir: str = DROPIN_DIR, reload: bool | None = None) -> Applied:
    """Writes (or removes) the drop-in; where systemd runs, reloads it and restarts the timer if
    it is active. A failing systemctl raises CalledProcessError with its own message."""
    path = os.path.join(dropin_dir, DROPIN_NAME)
    text = dropin_text(seconds)
    changed = _remove(path) if text is None else _write(path, text)
    if reload is None:
        reload = systemd_runs()
    if reload:
        for argv in (["systemctl", "daemon-reload"], ["systemctl", "try-restart", TIMER]):
            subprocess.run(argv, check=True, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                           stderr=subprocess.PIPE, text=True)
    return Applied(seconds, path, text, changed, reload)
