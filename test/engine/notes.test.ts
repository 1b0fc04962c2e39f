// SPDX-License-Identifier: LGPL-2.1-or-later
// The helper's collection notes on the page: which concern a timeframe, what their keys name.
import { notedCounter, notesInRange, type CollectionNote } from "../../src/engine/notes.ts";

const note = (start: number | null, end: number | null): CollectionNote => ({ start, end, reason: "r", counters: [], count: 0 });

test("a note concerns a timeframe when their intervals meet", () => {
    const notes = [note(0, 100), note(100, 200), note(250, 300), note(null, null), note(150, null)];
    expect(notesInRange(notes, 100, 250)).toEqual([note(100, 200), note(null, null), note(150, null)]);
    expect(notesInRange(notes, 300, 400)).toEqual([note(null, null), note(150, null)]);
});

test("keys name a counter, a whole source, or stay as text", () => {
    expect(notedCounter("iptables-legacy ip filter INPUT 2 %3Cimg%20src=x%3E")).toEqual(
        { kind: "counter", identity: { source: "iptables-legacy", family: "ip", table: "filter", chain: "INPUT", seq: 2, name: "<img src=x>" } });
    expect(notedCounter("nft-counter inet acct - 1 web")).toEqual(
        { kind: "counter", identity: { source: "nft-counter", family: "inet", table: "acct", chain: "", seq: 1, name: "web" } });
    expect(notedCounter("source:iptables:ip6")).toEqual({ kind: "source", source: "iptables:ip6" });
    expect(notedCounter("two fields")).toEqual({ kind: "unreadable", text: "two fields" });
    expect(notedCounter("a b c d 0 e")).toEqual({ kind: "unreadable", text: "a b c d 0 e" });
    expect(notedCounter("a b c d 1 %zz")).toEqual({ kind: "unreadable", text: "a b c d 1 %zz" });
});
