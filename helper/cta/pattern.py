# SPDX-License-Identifier: LGPL-2.1-or-later
"""Patterns on rule names (docs/patterns.md): one syntax for the page and the helper, matched in
time linear in the name. Rule names are chosen by whoever can add a firewall rule, so no
pattern and name may take more than (program size x name length) steps: there is no
backtracking, no back-reference and no look-around. src/engine/pattern.ts is the same
machine in TypeScript; test/fixtures/patterns/ holds the cases both must agree on."""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:                       # annotations only
    from typing import Any

    # ("set", CharSet) | ("assert", kind) | ("cat", [nodes]) | ("alt", [nodes]) | ("repeat", node, min, max)
    Node = tuple[Any, ...]
    # ["set", CharSet] | ["split", a, b] | ["jmp", a] | ["assert", kind] | ["match"]
    Instruction = list[Any]

MAX_PATTERN = 1000          # characters of a pattern
MAX_PROGRAM = 2000          # instructions after counted repetitions are expanded
MAX_NESTING = 50            # parentheses inside each other
MAX_COUNT = 100             # largest n or m in {n,m}

Ranges = "list[tuple[int, int]]"
_DIGIT = [(0x30, 0x39)]
_WORD = [(0x30, 0x39), (0x41, 0x5A), (0x5F, 0x5F), (0x61, 0x7A)]
_SPACE = [(0x09, 0x0D), (0x20, 0x20)]
_CLASS_ESCAPES = {"d": (_DIGIT, False), "D": (_DIGIT, True), "w": (_WORD, False), "W": (_WORD, True),
                  "s": (_SPACE, False), "S": (_SPACE, True)}
_CONTROL_ESCAPES = {"t": 9, "n": 10, "v": 11, "f": 12, "r": 13, "0": 0}
_SPECIAL = set("\\.[]()|*+?{}^$")


class PatternError(ValueError):
    pass


class CharSet:
    """Matches one character: any of the items (ranges, each maybe negated), negated as a whole."""

    def __init__(self, items: list[tuple[list[tuple[int, int]], bool]], negated: bool) -> None:
        self.items = items
        self.negated = negated

    def _has(self, c: int) -> bool:
        for ranges, neg in self.items:
            inside = any(lo <= c <= hi for lo, hi in ranges)
            if inside != neg:
                return True
        return False

    def matches(self, ch: str, fold: bool) -> bool:
        c = ord(ch)
        hit = self._has(c)
        if not hit and fold:
            for other in (ch.lower(), ch.upper()):
                if len(other) == 1 and other != ch and self._has(ord(other)):
                    hit = True
                    break
        return hit != self.negated


def _literal(c: int) -> CharSet:
    return CharSet([([(c, c)], False)], False)


# The syntax tree: ("set", CharSet) | ("assert", kind) | ("cat", [nodes]) | ("alt", [nodes])
# | ("repeat", node, min, max or None)

class _Parser:
    def __init__(self, text: str) -> None:
        self.chars = list(text)         # code points, as the page's Array.from() gives them
        self.i = 0

    def fail(self, message: str, at: int | None = None) -> PatternError:
        return PatternError(f"at character {(self.i if at is None else at) + 1}: {message}")

    def peek(self) -> str | None:
        return self.chars[self.i] if self.i < len(self.chars) else None

    def alternation(self, depth: int) -> Node:
        branches = [self.sequence(depth)]
        while self.peek() == "|":
            self.i += 1
            branches.append(self.sequence(depth))
        return branches[0] if len(branches) == 1 else ("alt", branches)

    def sequence(self, depth: int) -> Node:
        items: list[Node] = []
        while True:
            ch = self.peek()
            if ch is None or ch in "|)":
                return ("cat", items)
            start = self.i
            atom = self.atom(depth)
            items.append(self.quantified(atom, start))

    def quantified(self, atom: Node, start: int) -> Node:
        ch = self.peek()
        if ch is None or ch not in "*+?{":
            return atom
        at = self.i
        if ch == "{":
            low, high = self.counts()
        else:
            self.i += 1
            low, high = {"*": (0, None), "+": (1, None), "?": (0, 1)}[ch]
        if atom[0] == "assert":
            raise self.fail("nothing to repeat", at)
        if self.peek() == "?":          # lazy: the same for "does it match"
            self.i += 1
        following = self.peek()
        if following is not None and following in "*+?{":
            raise self.fail("nothing to repeat", self.i)
        return ("repeat", atom, low, high)

    def number(self) -> int | None:
        start = self.i
        while self.peek() is not None and "0" <= self.peek() <= "9":   # type: ignore[operator]
            self.i += 1
        if self.i == start:
            return None
        value = int("".join(self.chars[start:self.i]))
        if value > MAX_COUNT:
            raise self.fail(f"a count may be at most {MAX_COUNT}", start)
        return value

    def counts(self) -> tuple[int, int | None]:
        at = self.i
        self.i += 1
        low = self.number()
        high: int | None = low
        if low is not None and self.peek() == ",":
            self.i += 1
            high = self.number()
        if low is None or self.peek() != "}":
            raise self.fail("a brace starts a count {n}, {n,} or {n,m}; write \\{ for the character", at)
        self.i += 1
        if high is not None and high < low:
            raise self.fail("the counts in braces are out of order", at)
        return low, high

    def atom(self, depth: int) -> Node:
        at = self.i
        ch = self.chars[self.i]
        self.i += 1
        if ch == "(":
            if depth >= MAX_NESTING:
                raise self.fail(f"parentheses nested more than {MAX_NESTING} deep", at)
            if self.peek() == "?":
                if self.chars[self.i:self.i + 2] != ["?", ":"]:
                    raise self.fail("look-around and named groups are not supported", at)
                self.i += 2
            inner = self.alternation(depth + 1)
            if self.peek() != ")":
                raise self.fail("missing )", at)
            self.i += 1
            return inner
        if ch == ")":
            raise self.fail("unmatched )", at)
        if ch == "[":
            return ("set", self.char_class(at))
        if ch == ".":
            return ("set", CharSet([], True))
        if ch == "^":
            return ("assert", "begin")
        if ch == "$":
            return ("assert", "end")
        if ch in "*+?":
            raise self.fail("nothing to repeat", at)
        if ch == "{":
            raise self.fail("a brace starts a count {n}, {n,} or {n,m}; write \\{ for the character", at)
        if ch in "]}":
            raise self.fail(f"unmatched {ch}; write \\{ch} for the character", at)
        if ch == "\\":
            if self.peek() in ("b", "B"):
                self.i += 1
                return ("assert", "word" if self.chars[self.i - 1] == "b" else "not-word")
            return ("set", self.escape(at, in_class=False))
        return ("set", _literal(ord(ch)))

    def escape(self, at: int, in_class: bool) -> CharSet:
        ch = self.peek()
        if ch is None:
            raise self.fail("\\ at the end of the pattern", at)
        self.i += 1
        if ch in _CLASS_ESCAPES:
            ranges, neg = _CLASS_ESCAPES[ch]
            return CharSet([(ranges, neg)], False)
        if ch in _CONTROL_ESCAPES:
            if ch == "0" and self.peek() is not None and "0" <= self.peek() <= "9":   # type: ignore[operator]
                raise self.fail("back-references are not supported", at)
            return _literal(_CONTROL_ESCAPES[ch])
        if ch in ("x", "u"):
            width = 2 if ch == "x" else 4
            digits = "".join(self.chars[self.i:self.i + width])
            if len(digits) != width or any(d not in "0123456789abcdefABCDEF" for d in digits):
                raise self.fail(f"\\{ch} needs {width} hexadecimal digits", at)
            self.i += width
            return _literal(int(digits, 16))
        if ch in "123456789":
            raise self.fail("back-references are not supported", at)
        if ch == "b" and in_class:
            return _literal(8)
        if ord(ch) < 128 and not ch.isalnum():
            return _literal(ord(ch))
        raise self.fail(f"unknown escape \\{ch}", at)

    def class_char(self, at: int) -> CharSet | None:
        """One element of a class: a character or an escape; None at the end of the pattern."""
        ch = self.peek()
        if ch is None:
            return None
        self.i += 1
        if ch == "\\":
            return self.escape(self.i - 1, in_class=True)
        if ch == "[":
            raise self.fail("write \\[ for a [ inside a class", self.i - 1)
        return _literal(ord(ch))

    def char_class(self, at: int) -> CharSet:
        negated = self.peek() == "^"
        if negated:
            self.i += 1
        if self.peek() == "]":
            raise self.fail("an empty class matches nothing; write \\] for the character", at)
        items: list[tuple[list[tuple[int, int]], bool]] = []
        while self.peek() != "]":
            start = self.i
            first = self.class_char(at)
            if first is None:
                raise self.fail("missing ]", at)
            if self.peek() == "-" and self.i + 1 < len(self.chars) and self.chars[self.i + 1] != "]":
                self.i += 1
                last = self.class_char(at)
                if last is None:
                    raise self.fail("missing ]", at)
                lo, hi = _single(first), _single(last)
                if lo is None or hi is None:
                    raise self.fail("a range needs a character at each end", start)
                if hi < lo:
                    raise self.fail("the range is out of order", start)
                items.append(([(lo, hi)], False))
            else:
                items.extend(first.items)
        self.i += 1
        return CharSet(items, negated)


def _single(cs: CharSet) -> int | None:
    if len(cs.items) == 1 and not cs.items[0][1] and len(cs.items[0][0]) == 1:
        lo, hi = cs.items[0][0][0]
        if lo == hi:
            return lo
    return None


# The program: ("set", CharSet) | ("split", a, b) | ("jmp", a) | ("assert", kind) | ("match",)

class _Compiler:
    def __init__(self) -> None:
        self.prog: list[Instruction] = []

    def emit(self, ins: Instruction) -> int:
        if len(self.prog) >= MAX_PROGRAM:
            raise PatternError(f"the pattern is too large (more than {MAX_PROGRAM} steps)")
        self.prog.append(ins)
        return len(self.prog) - 1

    def node(self, n: Node) -> None:
        kind = n[0]
        if kind == "set":
            self.emit(["set", n[1]])
        elif kind == "assert":
            self.emit(["assert", n[1]])
        elif kind == "cat":
            for item in n[1]:
                self.node(item)
        elif kind == "alt":
            jumps = []
            for branch in n[1][:-1]:
                split = self.emit(["split", 0, 0])
                self.prog[split][1] = len(self.prog)
                self.node(branch)
                jumps.append(self.emit(["jmp", 0]))
                self.prog[split][2] = len(self.prog)
            self.node(n[1][-1])
            for j in jumps:
                self.prog[j][1] = len(self.prog)
        else:
            _, inner, low, high = n
            for _i in range(low):
                self.node(inner)
            if high is None:
                split = self.emit(["split", 0, 0])
                self.prog[split][1] = len(self.prog)
                self.node(inner)
                self.emit(["jmp", split])
                self.prog[split][2] = len(self.prog)
            else:
                splits = []
                for _i in range(high - low):
                    split = self.emit(["split", 0, 0])
                    self.prog[split][1] = len(self.prog)
                    splits.append(split)
                    self.node(inner)
                for s in splits:
                    self.prog[s][2] = len(self.prog)


def _is_word(chars: list[str], i: int) -> bool:
    if i < 0 or i >= len(chars):
        return False
    c = ord(chars[i])
    return any(lo <= c <= hi for lo, hi in _WORD)


class Pattern:
    def __init__(self, source: str, prog: list[Instruction], case_insensitive: bool) -> None:
        self.source = source
        self.prog = prog
        self.case_insensitive = case_insensitive

    def search(self, name: str) -> bool:
        """True when the pattern matches anywhere in name (steps: program size x name length)."""
        chars = list(name)
        prog = self.prog
        fold = self.case_insensitive
        current: list[int] = []
        seen = [-1] * len(prog)

        def add(pc: int, pos: int, into: list[int], mark: int) -> bool:
            stack = [pc]
            while stack:
                pc = stack.pop()
                if seen[pc] == mark:
                    continue
                seen[pc] = mark
                ins = prog[pc]
                op = ins[0]
                if op == "match":
                    return True
                if op == "jmp":
                    stack.append(ins[1])
                elif op == "split":
                    stack.append(ins[2])
                    stack.append(ins[1])
                elif op == "assert":
                    kind = ins[1]
                    if kind == "begin":
                        ok = pos == 0
                    elif kind == "end":
                        ok = pos == len(chars)
                    else:
                        boundary = _is_word(chars, pos - 1) != _is_word(chars, pos)
                        ok = boundary if kind == "word" else not boundary
                    if ok:
                        stack.append(pc + 1)
                else:
                    into.append(pc)
            return False

        for pos in range(len(chars) + 1):
            mark = pos
            if add(0, pos, current, mark):
                return True
            if pos == len(chars):
                break
            ch = chars[pos]
            following: list[int] = []
            for pc in current:
                if prog[pc][1].matches(ch, fold) and add(pc + 1, pos + 1, following, pos + 1):
                    return True
            current = following
        return False


def compile_pattern(source: str, case_insensitive: bool = False) -> Pattern:
    if len(source) > MAX_PATTERN:
        raise PatternError(f"the pattern is longer than {MAX_PATTERN} characters")
    parser = _Parser(source)
    tree = parser.alternation(0)
    if parser.i < len(parser.chars):
        raise parser.fail("unmatched )")
    compiler = _Compiler()
    compiler.node(tree)
    compiler.emit(["match"])
    return Pattern(source, compiler.prog, case_insensitive)
