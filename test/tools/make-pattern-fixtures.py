#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Writes test/fixtures/patterns/cases.json: patterns with names they must and must not match,
or the exact error they must give, for both pattern engines (helper/cta/pattern.py, run by
test/helper/test_pattern.py; src/engine/pattern.ts, run by test/engine/pattern.test.ts).
`regexp`: the case means the same to JavaScript's RegExp and Python's re, and both tests check
that too, so that the patterns admins already wrote keep their meaning."""

from __future__ import annotations

import json
import os


def case(pattern: str, match: list[str], no_match: list[str], ci: bool = False, regexp: bool = True) -> dict[str, object]:
    return {"pattern": pattern, "case_insensitive": ci, "error": None, "match": match, "no_match": no_match, "regexp": regexp}


def error(pattern: str, message: str) -> dict[str, object]:
    return {"pattern": pattern, "case_insensitive": False, "error": message, "match": [], "no_match": [], "regexp": False}


HOSTILE = "a" * 126 + "!"
CASES = [
    case("", ["", "anything"], []),
    case("www", ["www", "a www b"], ["ww", "WWW"]),
    case("^(www|mail|ftp|cvs)$", ["www", "mail", "cvs"], ["www2", "xmail", "", "mail\n"]),
    case("^(local|intevation)$", ["local", "intevation"], ["localhost"]),
    case("^WWW", ["www", "WwW x"], ["x www"], ci=True),
    case("[a-c]x", ["Bx", "ax"], ["dx"], ci=True),
    case("[^a]", ["b", "ab"], ["a", "A", ""], ci=True),
    case("é", ["É", "é"], ["e"], ci=True),
    case("ß", ["ß"], ["ss"], ci=True),
    case("a.c", ["abc", "a c", "a\u00e9c"], ["ac", "abbc"]),
    case("a.c", ["a\U0001F600c"], [], regexp=False),                   # JavaScript RegExp without u: two units
    case("^.$", ["\U0001F600", "x"], ["xy", ""], regexp=False),      # a character is a code point
    case(r"\d+", ["eth0", "42"], ["eth"]),
    case(r"^\w+$", ["eth0_rx"], ["eth0 rx", "é"], regexp=False),   # \w is ASCII here, as in JavaScript
    case(r"\s", ["eth0 rx", "a\tb"], ["eth0"]),
    case(r"\S", ["x"], [" ", ""]),
    case(r"\D\W", ["a-"], ["1-", "ab"]),
    case(r"\bmail\b", ["mail", "a mail b", "mail-in"], ["email", "mails"]),
    case(r"\Bail", ["mail"], ["ail", "x ail"]),
    case(r"a\.b", ["a.b"], ["axb"]),
    case(r"\(x\)", ["(x)"], ["x"]),
    case(r"\x41\u00e9", ["A\u00e9"], ["Ae"]),
    case(r"a\tb", ["a\tb"], ["a b"]),
    case(r"[\]\-\\]", ["]", "-", "\\"], ["a"]),
    case(r"[a-]", ["-", "a"], ["b"]),
    case(r"[-a]", ["-"], ["b"]),
    case(r"[\d.]x", ["1x", ".x"], ["ax"]),
    case("colou?r", ["color", "colour"], ["colouur"]),
    case("^a{3}$", ["aaa"], ["aa", "aaaa"]),
    case("^a{2,}$", ["aa", "aaaaa"], ["a"]),
    case("^a{2,3}$", ["aa", "aaa"], ["a", "aaaa"]),
    case("^(ab){0,2}c$", ["c", "abc", "ababc"], ["abababc"]),
    case("^(?:a|b)*?c$", ["ababc", "c"], ["abd"]),
    case("^(a|)+$", ["", "aaa"], ["b"]),
    case("^(a*)*$", ["", "aaaa"], ["aab"]),
    case("(a+)+$", ["aaaa"], [HOSTILE]),
    case("^(a|a)*b$", ["aab"], [HOSTILE]),
    case("^(\\w+\\s?)+$", ["a b c"], ["a b c!" * 20]),
    case("x|", ["", "y"], []),
    case("^$", [""], ["a"]),
    case("a$|^b", ["xa", "bx"], ["ax", "xb"]),
    error("(", "at character 1: missing )"),
    error("(a", "at character 1: missing )"),
    error("a)", "at character 2: unmatched )"),
    error("[a", "at character 1: missing ]"),
    error("[]", "at character 1: an empty class matches nothing; write \\] for the character"),
    error("[z-a]", "at character 2: the range is out of order"),
    error(r"[\d-z]", "at character 2: a range needs a character at each end"),
    error("*a", "at character 1: nothing to repeat"),
    error("a**", "at character 3: nothing to repeat"),
    error("^*", "at character 2: nothing to repeat"),
    error("a{", "at character 2: a brace starts a count {n}, {n,} or {n,m}; write \\{ for the character"),
    error("a{2,1}", "at character 2: the counts in braces are out of order"),
    error("a{101}", "at character 3: a count may be at most 100"),
    error("{", "at character 1: a brace starts a count {n}, {n,} or {n,m}; write \\{ for the character"),
    error("]", "at character 1: unmatched ]; write \\] for the character"),
    error("(?=a)", "at character 1: look-around and named groups are not supported"),
    error("(?<n>a)", "at character 1: look-around and named groups are not supported"),
    error(r"(a)\1", "at character 4: back-references are not supported"),
    error("\\", "at character 1: \\ at the end of the pattern"),
    error(r"\p{L}", "at character 1: unknown escape \\p"),
    error(r"\x4", "at character 1: \\x needs 2 hexadecimal digits"),
    error(r"[[]", "at character 2: write \\[ for a [ inside a class"),
    error("(" * 51 + ")" * 51, "at character 51: parentheses nested more than 50 deep"),
    error("((((a{100}){100}){100}){100})", "the pattern is too large (more than 2000 steps)"),
    error("a" * 1001, "the pattern is longer than 1000 characters"),
]


def main() -> None:
    out = os.path.join(os.path.dirname(__file__), "..", "fixtures", "patterns", "cases.json")
    with open(out, "w", encoding="utf-8") as f:
        json.dump({"description": __doc__.strip().replace("\n", " "), "cases": CASES}, f, indent=1, ensure_ascii=True)
        f.write("\n")


if __name__ == "__main__":
    main()
