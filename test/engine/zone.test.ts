// SPDX-License-Identifier: LGPL-2.1-or-later
// toWall answers most instants by arithmetic from a cached day offset: it must equal what Intl
// says for every instant, across daylight-saving changes and odd offsets.
import { toWall } from "../../src/engine/zone.ts";
import { prng } from "./helpers.ts";

function intl(t: number, zone: string): number[] {
    const parts = new Intl.DateTimeFormat("en-US", {
        timeZone: zone, hourCycle: "h23", year: "numeric", month: "numeric", day: "numeric",
        hour: "numeric", minute: "numeric", second: "numeric",
    }).formatToParts(new Date(t * 1000));
    const get = (type: string) => Number(parts.find(p => p.type === type)?.value);
    return [get("year"), get("month"), get("day"), get("hour"), get("minute"), get("second")];
}

test.each(["Europe/Berlin", "America/New_York", "Australia/Lord_Howe", "Asia/Kathmandu", "UTC", "Etc/UTC", "Pacific/Chatham"])(
    "toWall equals Intl in %s, around every change of 2024–2026 and at random instants", zone => {
        const rnd = prng(zone.length);
        const instants: number[] = [];
        for (let t = 1704067200; t < 1798761600; t += 86400 * 7 + 3599)
            instants.push(t);
        for (let k = 0; k < 2000; k++)
            instants.push(1704067200 + Math.floor(rnd() * (1798761600 - 1704067200)));
        // every second of the hours around each change (found where the offset differs a day apart)
        const offset = (t: number) => {
            const w = intl(t, zone);
            return Date.UTC(w[0] as number, (w[1] as number) - 1, w[2], w[3], w[4], w[5]) / 1000 - t;
        };
        for (let t = 1704067200; t < 1798761600; t += 86400)
            if (offset(t) !== offset(t + 86400))
                for (let s = t; s < t + 86400; s += 97)
                    instants.push(s);
        for (const t of instants) {
            const w = toWall(t, zone);
            expect({ t, w: [w.year, w.month, w.day, w.hour, w.minute, w.second] }).toEqual({ t, w: intl(t, zone) });
        }
    });
