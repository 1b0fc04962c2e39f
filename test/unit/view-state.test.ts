// SPDX-License-Identifier: LGPL-2.1-or-later
// The URL contract of the page: every view survives a round trip through location options, and
// the timeframe field turns what people type into what the engine reads.
import { DEFAULT_VIEW, heldSelection, MAX_URL_RULES, timeframeInput, viewFromLocation, viewToLocation, type ViewState } from "../../src/view-state.ts";

test("defaults give an empty query, and an empty query gives the defaults", () => {
    expect(viewToLocation(DEFAULT_VIEW)).toEqual({});
    expect(viewFromLocation({})).toEqual(DEFAULT_VIEW);
});

test("a full view round-trips", () => {
    const view: ViewState = {
        timeframe: "the month 3 months ago",
        filter: "^(www|mail)$",
        caseInsensitive: true,
        units: "iec",
        rate: "bytes",
        interval: "day",
        stacked: true,
        average: false,
        percentile: true,
        movingAverage: 15,
        selected: ["nft-rule inet filter input 1 www", "iface link - rx 1 eth0"],
        sort: "name",
        descending: false,
    };
    const options = viewToLocation(view);
    expect(options.timeframe).toBe("the month 3 months ago");
    expect(options.rule).toEqual(view.selected);
    expect(viewFromLocation(options)).toEqual(view);
});

test("unknown or hostile values fall back to defaults instead of breaking the page", () => {
    const view = viewFromLocation({ units: "<script>", rate: "furlongs", ma: "-3", sort: "x", ci: "maybe" });
    expect(view.units).toBe("auto");
    expect(view.rate).toBe(DEFAULT_VIEW.rate);
    expect(view.movingAverage).toBe(0);
    expect(view.sort).toBe(DEFAULT_VIEW.sort);
    expect(view.caseInsensitive).toBe(false);
    // The filter is data: kept as typed, compiled (and maybe refused) by the engine later.
    expect(viewFromLocation({ filter: "<img src=x onerror=alert(1)>" }).filter).toBe("<img src=x onerror=alert(1)>");
});

test.each([
    ["last month", { phrase: "last month" }],
    ["  the day 3 days ago ", { phrase: "the day 3 days ago" }],
    ["last 30 days", { start: "30D" }],
    ["Last 12 hours", { start: "12h" }],
    ["last 2 weeks", { start: "2W" }],
    ["1D", { start: "1D" }],
    ["199805", { start: "199805" }],
    ["20251101 - 20251115", { start: "20251101", end: "20251115" }],
    ["20251101..20251115", { start: "20251101", end: "20251115" }],
    ["2025 to 2026", { start: "2025", end: "2026" }],
    ["last fortnight", { phrase: "last fortnight" }],
])("timeframe field %j", (text, expected) => {
    expect(timeframeInput(text)).toEqual(expected);
});

test("a selection too long for the URL is counted there, not listed", () => {
    const many = Array.from({ length: MAX_URL_RULES + 1 }, (_v, i) => `nft-set inet acct hosts 1 10.0.0.${i}`);
    const options = viewToLocation({ ...DEFAULT_VIEW, selected: many });
    expect(options).toEqual({ sel: String(MAX_URL_RULES + 1) });
    expect(heldSelection(options)).toBe(MAX_URL_RULES + 1);
    // read back without the page's memory (a bookmark): nothing selected
    expect(viewFromLocation(options).selected).toEqual([]);
    const few = many.slice(0, MAX_URL_RULES);
    expect(viewToLocation({ ...DEFAULT_VIEW, selected: few })).toEqual({ rule: few });
    expect(heldSelection({ sel: "5" })).toBe(0);
    expect(heldSelection({ sel: "x" })).toBe(0);
});
