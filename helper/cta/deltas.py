# SPDX-License-Identifier: LGPL-2.1-or-later
"""What a collection counts: the delta of every counter against the previous state.

The rule (docs/helper.md, "Ambiguity never inflates a total"): a counter is counted only when
the helper is certain what its value means. A value is compared with the previous one only for
the same kernel object, found by its kernel handle where the source has one (nftables,
iptables-nft, interfaces), so that rules added, removed or reordered around it change nothing.
A kernel object that did not exist at the previous collection counts its whole value. Whenever
the helper cannot tell which object a value belongs to, it takes a new baseline for that counter:
nothing is counted for the interval and a Note says which counter and why.
"""

from __future__ import annotations

from collections import namedtuple

from .reading import Reading, source_key
from .state import CounterState, State
from .store import Identity


class Delta(namedtuple("Delta", "ident bytes packets key")):
    __slots__ = ()
    ident: Identity
    bytes: int
    packets: int
    key: str                               # ident.key(), computed once


class Note(namedtuple("Note", "counter reason since", defaults=(None,))):
    """Something not counted in this collection's interval, and why. counter: an identity key,
    `source:KEY` for every counter of a source, or "" for the collection as a whole. since: when
    what is not counted started, if before this collection's interval."""
    __slots__ = ()
    counter: str
    reason: str
    since: int | None


class Unidentified(namedtuple("Unidentified", "since new")):
    """An iptables-nft rule seen before its comment could be learnt: since the start of which
    interval, and whether it is new since the collection before (no kernel object had its
    handle then), so that once identified all its value is new, unless it has twins, whose
    numbers its arrival changes."""
    __slots__ = ()
    since: int
    new: bool


class Computation:
    def __init__(self) -> None:
        self.deltas: list[Delta] = []
        self.baseline = 0                  # counters whose value starts a new baseline
        self.resets: list[str] = []        # counters counted from zero (a new kernel object)
        self.counters: dict[str, CounterState] = {}
        self.notes: list[Note] = []
        # iptables-nft handles not identified yet (see Unidentified)
        self.unidentified: dict[str, Unidentified] = {}


TWINS_CHANGED = ("several rules of its chain share its comment and one of them was removed, added "
                 "or reset: which value belongs to which rule is unknown")
NOT_IDENTIFIED_BEFORE = ("its rule could not be identified by earlier collections (iptables-nft "
                         "rules changed while they were read): its value starts a new baseline")
NEWLY_SELECTED = "the configuration now selects it: its value so far covers an unknown period"
UPGRADED = "the helper was upgraded: this first value is a new baseline"
RESUMED = "the source was not read by the previous collection: its values start a new baseline"
RESET = ("its value went down (reset, or recreated without a kernel handle): what it counted between "
         "the previous collection and the reset was not counted")
GONE = ("its kernel object is gone (deleted, reloaded, or the host rebooted): what it counted after "
        "the previous collection was not counted")
# A set element leaves its set most often because its timeout ran out, which takes a timeout's
# worth of silence: then nothing was lost. Deleted by hand it may have counted since; the helper
# cannot tell the two apart, so the note says both.
GONE_ELEMENT = ("it left its set (its timeout ran out, it was deleted, or the set was flushed): an "
                "element that timed out had counted nothing since the previous collection; what a "
                "deleted one counted after it was not counted")


def _group(ident: Identity) -> tuple[str, str, str, str, str]:
    """Rules told apart only by their order (seq): same source, chain and comment."""
    return (ident.source, ident.family, ident.table, ident.chain, ident.name)


def _source_of_key(key: str) -> str:
    """source_key() of an identity key, without parsing the whole key."""
    source, family = key.split(" ", 2)[:2]
    return f"{source}:{family}" if source.startswith("iptables") else source


def _object(key: str, handle: str) -> tuple[str, str, str]:
    """What a handle names: a kernel object of a source, and which of its counters (an
    interface's rx and tx share its handle; they differ in the chain field). One split: this
    runs twice per counter, for tens of thousands of set elements."""
    source, family, _, chain, _ = key.split(" ", 4)
    return (f"{source}:{family}" if source.startswith("iptables") else source, chain, handle)


def _changed_twin_groups(readings: list[Reading], st: State, boot: str) -> set[tuple[str, ...]]:
    """Groups of handle-less twins (iptables-legacy) whose members cannot be told apart now."""
    now: dict[tuple[str, ...], list[Reading]] = {}
    for r in readings:
        if not r.handle:
            now.setdefault(_group(r.ident), []).append(r)
    before: dict[tuple[str, ...], int] = {}
    for key, c in st.counters.items():
        if not c.handle and key.startswith("iptables"):
            g: tuple[str, ...] = _group(Identity.from_key(key))
            if g in now:
                before[g] = before.get(g, 0) + 1
    changed: set[tuple[str, ...]] = set()
    for g, members in now.items():
        if len(members) == 1 and before.get(g, 0) <= 1:
            continue                       # a unique comment: its identity is its own
        if len(members) != before.get(g, 0):
            changed.add(g)
            continue
        for r in members:
            prev = st.counters.get(r.ident.key())
            if prev is None or prev.boot != boot or r.bytes < prev.bytes or r.packets < prev.packets:
                changed.add(g)
                break
    return changed


def compute(readings: list[Reading], collected: list[str], st: State, boot: str,
            selection: dict[str, str] | None = None, unidentified: dict[str, str] | None = None,
            since: int = 0) -> Computation:
    """Deltas against the previous state; never negative, never a value counted twice.

    collected: the source keys read fully now; selection: what the configuration selects per
    source key (a counter that appears because the selection grew is not new in the kernel);
    unidentified: kernel handles of iptables-nft rules seen now whose comment is not known yet
    (sources.read_all), with their source key; kept in the state with `since`, the start of this
    collection's interval, unless the rule is new (see Computation.unidentified).
    """
    out = Computation()
    first = st.last_end is None
    previously = set() if first else set(st.collected)
    earlier = {h: Unidentified(*u) for h, u in st.unidentified.items()} if st.unidentified_boot == boot else {}
    against = _Previous(st, boot, readings, previously, selection or {}, earlier, out)
    known = set(st.iptables_nft) if st.unidentified_boot == boot else set()
    for handle, sk in (unidentified or {}).items():
        new = (not first and not st.upgraded and sk in previously and sk not in against.reselected
               and handle not in known)          # created since the previous collection
        out.unidentified[handle] = earlier.get(handle) or Unidentified(since, new)
    resumed: set[str] = set()
    for r in readings:
        key = r.ident.key()
        if key in out.counters:
            continue                       # the same identity twice in one reading: keep the first
        out.counters[key] = CounterState(r.bytes, r.packets, r.handle, boot)
        sk = source_key(r.ident)
        if sk not in previously:
            out.baseline += 1              # value accumulated over an unknown period
            if not first and sk not in resumed:
                resumed.add(sk)
                out.notes.append(Note(f"source:{sk}", RESUMED))
            continue
        counted = against.count(r, key, sk)
        if counted is not None and (counted[0] or counted[1]):
            out.deltas.append(Delta(r.ident, counted[0], counted[1], key))
    if not first and not st.upgraded:
        against.note_gone(set(collected))
    return out


class _Previous:
    """The previous state, looked up by kernel object, for one collection's readings."""

    def __init__(self, st: State, boot: str, readings: list[Reading], previously: set[str],
                 selection: dict[str, str], earlier: dict[str, Unidentified], out: Computation) -> None:
        self.st, self.boot, self.previously, self.earlier, self.out = st, boot, previously, earlier, out
        self.reselected = {k for k in previously if k in st.selection and st.selection[k] != selection.get(k, "")}
        self.by_handle = {_object(key, c.handle): key for key, c in st.counters.items()
                          if c.boot == boot and c.handle}
        self.twins = _changed_twin_groups(readings, st, boot)
        self.group_sizes: dict[tuple[str, ...], int] = {}
        for r in readings:
            g = _group(r.ident)
            self.group_sizes[g] = self.group_sizes.get(g, 0) + 1
        self.matched: set[str] = set()     # previous counters found again

    def baseline(self, key: str, reason: str, since: int | None = None) -> tuple[int, int] | None:
        """Count nothing for this counter now, and say why."""
        self.out.baseline += 1
        self.out.notes.append(Note(key, reason, since))
        return None

    def count(self, r: Reading, key: str, sk: str) -> tuple[int, int] | None:
        """(bytes, packets) to count for one reading, or None after noting a new baseline."""
        st, out = self.st, self.out
        if st.upgraded:
            return self._first_after_upgrade(r, key)
        if r.handle:
            prev_key = self.by_handle.get(_object(key, r.handle))
            if prev_key is None:
                if sk in self.reselected:
                    return self.baseline(key, NEWLY_SELECTED)
                seen = self.earlier.get(r.handle)
                if seen is not None and (not seen.new or self.group_sizes[_group(r.ident)] > 1):
                    return self.baseline(key, NOT_IDENTIFIED_BEFORE, seen.since)
                if key in st.counters:
                    out.resets.append(key)     # recreated (flushed and reloaded, rebooted)
                # a kernel object created since the last collection (or since the collection
                # before the one that first saw it, unidentified)
                return r.bytes, r.packets
            prev = st.counters[prev_key]
            self.matched.add(prev_key)
        else:
            if _group(r.ident) in self.twins:
                return self.baseline(key, TWINS_CHANGED)
            found = st.counters.get(key)
            if found is None or found.boot != self.boot:
                if found is None and sk in self.reselected:
                    return self.baseline(key, NEWLY_SELECTED)
                if found is not None:
                    out.resets.append(key)     # rebooted: the old value's object is gone (noted)
                return r.bytes, r.packets
            prev = found
            self.matched.add(key)
        if r.bytes < prev.bytes or r.packets < prev.packets:
            out.resets.append(key)             # reset in place, or recreated without a handle
            out.notes.append(Note(key, RESET))
            return r.bytes, r.packets
        return r.bytes - prev.bytes, r.packets - prev.packets

    def _first_after_upgrade(self, r: Reading, key: str) -> tuple[int, int] | None:
        """Older states name kernel objects differently (interfaces: the ifindex alone): only a
        plain difference on what is visibly the same object counts."""
        prev = self.st.counters.get(key)
        same = prev is not None and (prev.handle == r.handle or
                                     (r.ident.source == "iface" and r.handle.split(":")[0] == prev.handle))
        if prev is not None and same and prev.boot == self.boot and r.bytes >= prev.bytes and r.packets >= prev.packets:
            return r.bytes - prev.bytes, r.packets - prev.packets
        return self.baseline(key, UPGRADED)

    def note_gone(self, read_now: set[str]) -> None:
        """A note for each previous counter whose kernel object was not read again."""
        matched = self.matched
        for key in self.st.counters:
            if key in matched:
                continue
            sk = _source_of_key(key)
            if sk in read_now and sk in self.previously and _group_key(key) not in self.twins:
                self.out.notes.append(Note(key, GONE_ELEMENT if sk == "nft-set" else GONE))


def _group_key(key: str) -> tuple[str, ...] | None:
    return _group(Identity.from_key(key)) if key.startswith("iptables") else None
