// SPDX-License-Identifier: LGPL-2.1-or-later
// Patterns on rule names (docs/patterns.md): one syntax for the page and the helper, matched in
// time linear in the name. Rule names are chosen by whoever can add a firewall rule, so no
// pattern and name may take more than (program size × name length) steps: no backtracking, no
// back-references, no look-around. helper/cta/pattern.py is the same machine in Python, and
// test/fixtures/patterns/ holds the cases both must agree on, error messages included.

export const MAX_PATTERN = 1000;
export const MAX_PROGRAM = 2000;
const MAX_NESTING = 50;
const MAX_COUNT = 100;

type Ranges = readonly (readonly [number, number])[];
type SetItem = readonly [ranges: Ranges, negated: boolean];

const DIGIT: Ranges = [[0x30, 0x39]];
const WORD: Ranges = [[0x30, 0x39], [0x41, 0x5a], [0x5f, 0x5f], [0x61, 0x7a]];
const SPACE: Ranges = [[0x09, 0x0d], [0x20, 0x20]];
const CLASS_ESCAPES: Record<string, SetItem> = {
    d: [DIGIT, false], D: [DIGIT, true], w: [WORD, false], W: [WORD, true], s: [SPACE, false], S: [SPACE, true],
};
const CONTROL_ESCAPES: Record<string, number> = { t: 9, n: 10, v: 11, f: 12, r: 13, 0: 0 };

export class PatternError extends Error {}

/** Matches one character: any of the items (ranges, each maybe negated), negated as a whole. */
class CharSet {
    constructor(readonly items: SetItem[], readonly negated: boolean) {}

    private has(c: number): boolean {
        for (const [ranges, neg] of this.items) {
            const inside = ranges.some(([lo, hi]) => lo <= c && c <= hi);
            if (inside !== neg)
                return true;
        }
        return false;
    }

    matches(ch: string, fold: boolean): boolean {
        let hit = this.has(ch.codePointAt(0) as number);
        if (!hit && fold) {
            for (const other of [ch.toLowerCase(), ch.toUpperCase()]) {
                const cps = Array.from(other);
                if (cps.length === 1 && other !== ch && this.has(other.codePointAt(0) as number)) {
                    hit = true;
                    break;
                }
            }
        }
        return hit !== this.negated;
    }
}

const literal = (c: number) => new CharSet([[[[c, c]], false]], false);

type AssertKind = "begin" | "end" | "word" | "not-word";
type Node =
    | { kind: "set"; set: CharSet }
    | { kind: "assert"; assert: AssertKind }
    | { kind: "cat"; items: Node[] }
    | { kind: "alt"; branches: Node[] }
    | { kind: "repeat"; inner: Node; min: number; max: number | null };

const BRACE = "a brace starts a count {n}, {n,} or {n,m}; write \\{ for the character";
const isDigit = (c: string | null) => c !== null && c >= "0" && c <= "9";

class Parser {
    readonly chars: string[];
    i = 0;

    constructor(text: string) {
        this.chars = Array.from(text); // code points, as Python's str has them
    }

    fail(message: string, at = this.i): PatternError {
        return new PatternError(`at character ${at + 1}: ${message}`);
    }

    peek(): string | null {
        return this.i < this.chars.length ? this.chars[this.i] as string : null;
    }

    alternation(depth: number): Node {
        const branches = [this.sequence(depth)];
        while (this.peek() === "|") {
            this.i++;
            branches.push(this.sequence(depth));
        }
        return branches.length === 1 ? branches[0] as Node : { kind: "alt", branches };
    }

    sequence(depth: number): Node {
        const items: Node[] = [];
        for (;;) {
            const ch = this.peek();
            if (ch === null || ch === "|" || ch === ")")
                return { kind: "cat", items };
            items.push(this.quantified(this.atom(depth)));
        }
    }

    quantified(atom: Node): Node {
        const ch = this.peek();
        if (ch === null || !"*+?{".includes(ch))
            return atom;
        const at = this.i;
        let min: number;
        let max: number | null;
        if (ch === "{") {
            [min, max] = this.counts();
        } else {
            this.i++;
            [min, max] = ch === "*" ? [0, null] : ch === "+" ? [1, null] : [0, 1];
        }
        if (atom.kind === "assert")
            throw this.fail("nothing to repeat", at);
        if (this.peek() === "?") // lazy: the same for "does it match"
            this.i++;
        const next = this.peek();
        if (next !== null && "*+?{".includes(next))
            throw this.fail("nothing to repeat");
        return { kind: "repeat", inner: atom, min, max };
    }

    number(): number | null {
        const start = this.i;
        while (isDigit(this.peek()))
            this.i++;
        if (this.i === start)
            return null;
        const value = Number(this.chars.slice(start, this.i).join(""));
        if (value > MAX_COUNT)
            throw this.fail(`a count may be at most ${MAX_COUNT}`, start);
        return value;
    }

    counts(): [number, number | null] {
        const at = this.i;
        this.i++;
        const min = this.number();
        let max: number | null = min;
        if (min !== null && this.peek() === ",") {
            this.i++;
            max = this.number();
        }
        if (min === null || this.peek() !== "}")
            throw this.fail(BRACE, at);
        this.i++;
        if (max !== null && max < min)
            throw this.fail("the counts in braces are out of order", at);
        return [min, max];
    }

    atom(depth: number): Node {
        const at = this.i;
        const ch = this.chars[this.i++] as string;
        switch (ch) {
        case "(": {
            if (depth >= MAX_NESTING)
                throw this.fail(`parentheses nested more than ${MAX_NESTING} deep`, at);
            if (this.peek() === "?") {
                if (this.chars[this.i + 1] !== ":")
                    throw this.fail("look-around and named groups are not supported", at);
                this.i += 2;
            }
            const inner = this.alternation(depth + 1);
            if (this.peek() !== ")")
                throw this.fail("missing )", at);
            this.i++;
            return inner;
        }
        case ")": throw this.fail("unmatched )", at);
        case "[": return { kind: "set", set: this.charClass(at) };
        case ".": return { kind: "set", set: new CharSet([], true) };
        case "^": return { kind: "assert", assert: "begin" };
        case "$": return { kind: "assert", assert: "end" };
        case "*": case "+": case "?": throw this.fail("nothing to repeat", at);
        case "{": throw this.fail(BRACE, at);
        case "]": case "}": throw this.fail(`unmatched ${ch}; write \\${ch} for the character`, at);
        case "\\": {
            const next = this.peek();
            if (next === "b" || next === "B") {
                this.i++;
                return { kind: "assert", assert: next === "b" ? "word" : "not-word" };
            }
            return { kind: "set", set: this.escape(at, false) };
        }
        default: return { kind: "set", set: literal(ch.codePointAt(0) as number) };
        }
    }

    escape(at: number, inClass: boolean): CharSet {
        const ch = this.peek();
        if (ch === null)
            throw this.fail("\\ at the end of the pattern", at);
        this.i++;
        const cls = CLASS_ESCAPES[ch];
        if (cls && Object.hasOwn(CLASS_ESCAPES, ch))
            return new CharSet([cls], false);
        if (Object.hasOwn(CONTROL_ESCAPES, ch)) {
            if (ch === "0" && isDigit(this.peek()))
                throw this.fail("back-references are not supported", at);
            return literal(CONTROL_ESCAPES[ch] as number);
        }
        if (ch === "x" || ch === "u") {
            const width = ch === "x" ? 2 : 4;
            const digits = this.chars.slice(this.i, this.i + width).join("");
            if (digits.length !== width || !/^[0-9a-fA-F]+$/.test(digits))
                throw this.fail(`\\${ch} needs ${width} hexadecimal digits`, at);
            this.i += width;
            return literal(parseInt(digits, 16));
        }
        if ("123456789".includes(ch))
            throw this.fail("back-references are not supported", at);
        if (ch === "b" && inClass)
            return literal(8);
        const c = ch.codePointAt(0) as number;
        if (c < 128 && !/[A-Za-z0-9]/.test(ch))
            return literal(c);
        throw this.fail(`unknown escape \\${ch}`, at);
    }

    classChar(): CharSet | null {
        const ch = this.peek();
        if (ch === null)
            return null;
        this.i++;
        if (ch === "\\")
            return this.escape(this.i - 1, true);
        if (ch === "[")
            throw this.fail("write \\[ for a [ inside a class", this.i - 1);
        return literal(ch.codePointAt(0) as number);
    }

    charClass(at: number): CharSet {
        const negated = this.peek() === "^";
        if (negated)
            this.i++;
        if (this.peek() === "]")
            throw this.fail("an empty class matches nothing; write \\] for the character", at);
        const items: SetItem[] = [];
        while (this.peek() !== "]") {
            const start = this.i;
            const first = this.classChar();
            if (first === null)
                throw this.fail("missing ]", at);
            if (this.peek() === "-" && this.i + 1 < this.chars.length && this.chars[this.i + 1] !== "]") {
                this.i++;
                const last = this.classChar();
                if (last === null)
                    throw this.fail("missing ]", at);
                const lo = single(first);
                const hi = single(last);
                if (lo === null || hi === null)
                    throw this.fail("a range needs a character at each end", start);
                if (hi < lo)
                    throw this.fail("the range is out of order", start);
                items.push([[[lo, hi]], false]);
            } else {
                items.push(...first.items);
            }
        }
        this.i++;
        return new CharSet(items, negated);
    }
}

function single(cs: CharSet): number | null {
    const item = cs.items[0];
    if (cs.items.length === 1 && item && !item[1] && item[0].length === 1) {
        const [lo, hi] = item[0][0] as readonly [number, number];
        if (lo === hi)
            return lo;
    }
    return null;
}

type Instruction =
    | { op: "set"; set: CharSet }
    | { op: "split"; a: number; b: number }
    | { op: "jmp"; to: number }
    | { op: "assert"; assert: AssertKind }
    | { op: "match" };

class Compiler {
    readonly prog: Instruction[] = [];

    emit<I extends Instruction>(ins: I): I {
        if (this.prog.length >= MAX_PROGRAM)
            throw new PatternError(`the pattern is too large (more than ${MAX_PROGRAM} steps)`);
        this.prog.push(ins);
        return ins;
    }

    split(): { op: "split"; a: number; b: number } {
        const s = this.emit({ op: "split" as const, a: 0, b: 0 });
        s.a = this.prog.length;
        return s;
    }

    node(n: Node): void {
        switch (n.kind) {
        case "set": this.emit({ op: "set", set: n.set }); return;
        case "assert": this.emit({ op: "assert", assert: n.assert }); return;
        case "cat": n.items.forEach(item => this.node(item)); return;
        case "alt": {
            const jumps: { op: "jmp"; to: number }[] = [];
            n.branches.slice(0, -1).forEach(branch => {
                const s = this.split();
                this.node(branch);
                jumps.push(this.emit({ op: "jmp" as const, to: 0 }));
                s.b = this.prog.length;
            });
            this.node(n.branches[n.branches.length - 1] as Node);
            for (const j of jumps)
                j.to = this.prog.length;
            return;
        }
        case "repeat": {
            for (let k = 0; k < n.min; k++)
                this.node(n.inner);
            if (n.max === null) {
                const at = this.prog.length;
                const s = this.split();
                this.node(n.inner);
                this.emit({ op: "jmp", to: at });
                s.b = this.prog.length;
            } else {
                const splits = [];
                for (let k = n.min; k < n.max; k++) {
                    splits.push(this.split());
                    this.node(n.inner);
                }
                for (const s of splits)
                    s.b = this.prog.length;
            }
        }
        }
    }
}

const isWord = (chars: readonly string[], i: number): boolean => {
    if (i < 0 || i >= chars.length)
        return false;
    const c = (chars[i] as string).codePointAt(0) as number;
    return WORD.some(([lo, hi]) => lo <= c && c <= hi);
};

export interface Pattern {
    source: string;
    caseInsensitive: boolean;
    /** True when the pattern matches anywhere in the name (steps: program size × name length). */
    search(name: string): boolean;
}

function searcher(prog: readonly Instruction[], fold: boolean): (name: string) => boolean {
    return (name: string) => {
        const chars = Array.from(name);
        const seen = new Int32Array(prog.length).fill(-1);
        const add = (start: number, pos: number, into: number[], mark: number): boolean => {
            const stack = [start];
            while (stack.length > 0) {
                const pc = stack.pop() as number;
                if (seen[pc] === mark)
                    continue;
                seen[pc] = mark;
                const ins = prog[pc] as Instruction;
                switch (ins.op) {
                case "match": return true;
                case "jmp": stack.push(ins.to); break;
                case "split": stack.push(ins.b, ins.a); break;
                case "assert": {
                    let ok: boolean;
                    if (ins.assert === "begin")
                        ok = pos === 0;
                    else if (ins.assert === "end")
                        ok = pos === chars.length;
                    else
                        ok = (isWord(chars, pos - 1) !== isWord(chars, pos)) === (ins.assert === "word");
                    if (ok)
                        stack.push(pc + 1);
                    break;
                }
                default: into.push(pc);
                }
            }
            return false;
        };
        let current: number[] = [];
        for (let pos = 0; pos <= chars.length; pos++) {
            if (add(0, pos, current, pos))
                return true;
            if (pos === chars.length)
                break;
            const ch = chars[pos] as string;
            const following: number[] = [];
            for (const pc of current) {
                const ins = prog[pc] as { op: "set"; set: CharSet };
                if (ins.set.matches(ch, fold) && add(pc + 1, pos + 1, following, pos + 1))
                    return true;
            }
            current = following;
        }
        return false;
    };
}

/** Compiles a pattern; throws PatternError with a one-line message naming the position. */
export function compilePattern(source: string, caseInsensitive = false): Pattern {
    if (Array.from(source).length > MAX_PATTERN)
        throw new PatternError(`the pattern is longer than ${MAX_PATTERN} characters`);
    const parser = new Parser(source);
    const tree = parser.alternation(0);
    if (parser.i < parser.chars.length)
        throw parser.fail("unmatched )");
    const compiler = new Compiler();
    compiler.node(tree);
    compiler.emit({ op: "match" });
    return { source, caseInsensitive, search: searcher(compiler.prog, caseInsensitive) };
}
