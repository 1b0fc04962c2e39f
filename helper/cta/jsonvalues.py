# SPDX-License-Identifier: LGPL-2.1-or-later
"""The value rules of the configuration file, written so that Python reads a file exactly as the
page's JavaScript does (src/engine/json-values.ts implements the same rules): JSON as
JavaScript's JSON.parse sees it, whole numbers, decimals, and the text of keys in messages."""

from __future__ import annotations

import json
import math
import re
from decimal import Decimal

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

MAX_DEPTH = 16
DECIMAL = re.compile(r"(0|[1-9][0-9]{0,19})(\.[0-9]{1,20})?")
DECIMAL_MESSAGE = 'must be a non-negative decimal number such as "0.05" (at most 20 digits before and after the point)'


class ValueProblem(Exception):
    """A value that breaks a rule: path (as in the file) and message, one line."""

    def __init__(self, path: str, message: str) -> None:
        super().__init__(f"{path}: {message}")
        self.path = path
        self.message = message


def quote_key(key: str) -> str:
    """A key as it appears in a path: bare when it is a plain word, else quoted with every
    character outside printable ASCII escaped as UTF-16 units, so a message stays one line and
    reads the same from both implementations."""
    if re.fullmatch(r"[A-Za-z0-9_]+", key):
        return key
    out = []
    for ch in key:
        if ch in '"\\':
            out.append("\\" + ch)
        elif " " <= ch <= "~":
            out.append(ch)
        else:
            units = ch.encode("utf-16-be", "surrogatepass")
            out.extend("\\u%02x%02x" % (units[i], units[i + 1]) for i in range(0, len(units), 2))
    return '"' + "".join(out) + '"'


def join(path: str, key: str) -> str:
    return quote_key(key) if path == "" else f"{path}.{quote_key(key)}"


def check_depth(text: str) -> None:
    """Refuses nesting deeper than MAX_DEPTH before anything recursive sees the text, naming the
    top-level key it is under. Strings are skipped; the text need not be valid JSON yet."""
    depth = 0
    in_string = False
    escaped = False
    start = 0
    last_string: str | None = None
    top_key: str | None = None
    for i, ch in enumerate(text):
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
                last_string = text[start:i + 1]
            continue
        if ch == '"':
            in_string = True
            start = i
        elif ch == ":" and depth == 1 and last_string is not None:
            top_key = last_string
        elif ch in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                path = "(top level)"
                if top_key is not None:
                    try:
                        path = quote_key(json.loads(top_key))
                    except ValueError:
                        pass
                raise ValueProblem(path, f"nested more than {MAX_DEPTH} levels deep")
        elif ch in "]}":
            depth -= 1
        if ch not in " \t\r\n\"":
            last_string = None if ch != ":" else last_string


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _int_or_float(text: str) -> int | float:
    # JavaScript reads every number as a double; long integers are rejected by range anyway,
    # and this keeps Python's digit limit for int() from turning them into another error.
    return int(text) if len(text) <= 20 else float(text)


def loads(text: str) -> Any:
    """JSON as JSON.parse accepts it: no NaN or Infinity."""
    return json.loads(text, parse_constant=_no_constant, parse_int=_int_or_float)


def js_number_text(x: float) -> str | None:
    """What JavaScript's String(x) prints for a finite double; None for NaN and infinities."""
    if math.isnan(x) or math.isinf(x):
        return None
    if x == 0:
        return "0"
    sign = "-" if x < 0 else ""
    _, digit_tuple, exp = Decimal(repr(abs(x))).normalize().as_tuple()
    assert isinstance(exp, int)
    s = "".join(map(str, digit_tuple))
    k = len(s)
    n = k + exp
    if k <= n <= 21:
        return sign + s + "0" * (n - k)
    if 0 < n <= 21:
        return sign + s[:n] + "." + s[n:]
    if -6 < n <= 0:
        return sign + "0." + "0" * -n + s
    e = n - 1
    return f"{sign}{s[0]}{'.' + s[1:] if k > 1 else ''}e{'+' if e >= 0 else '-'}{abs(e)}"


def is_number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def whole(v: Any, path: str, low: int, high: int) -> int:
    """A whole number from low to high; 300.0 and 3e2 are whole numbers as they are for JSON.parse."""
    if is_number(v) and math.isfinite(v) and float(v).is_integer() and low <= v <= high:
        return int(v)
    raise ValueProblem(path, f"must be a whole number from {low} to {high}")


def decimal(v: Any, path: str) -> str:
    """A price or volume: a decimal string, or a JSON number whose JavaScript text is one."""
    text = js_number_text(float(v)) if is_number(v) else v
    if isinstance(text, str) and DECIMAL.fullmatch(text):
        return text
    raise ValueProblem(path, DECIMAL_MESSAGE)


def boolean(v: Any, path: str) -> bool:
    if isinstance(v, bool):
        return v
    raise ValueProblem(path, "must be true or false")


def _array_index(key: str) -> int | None:
    if re.fullmatch(r"0|[1-9][0-9]{0,9}", key) and int(key) < 2 ** 32 - 1:
        return int(key)
    return None


def js_key_order(v: dict[str, Any]) -> list[str]:
    """The keys in the order JavaScript keeps them: array indices first, ascending, then the
    rest in the file's order, so that the first error found is the same in the page."""
    indices = sorted((i, k) for k in v for i in [_array_index(k)] if i is not None)
    return [k for _, k in indices] + [k for k in v if _array_index(k) is None]


def obj(v: Any, path: str, allowed: tuple[str, ...], old: dict[str, str] | None = None) -> dict[str, Any]:
    """An object with only the allowed keys (in the file's order), old key names renamed."""
    if not isinstance(v, dict):
        raise ValueProblem(path or "(top level)", "must be an object")
    out: dict[str, Any] = {}
    for k in js_key_order(v):
        value = v[k]
        new = (old or {}).get(k)
        if new is not None and new in allowed:
            if new in v:
                raise ValueProblem(join(path, k), f"is the old name of {new}: give only {new}")
            out[new] = value
        elif k in allowed:
            out[k] = value
        else:
            raise ValueProblem(join(path, k), "unknown key")
    return out
