// SPDX-License-Identifier: LGPL-2.1-or-later
// Rate over time with uPlot: one line per selected rule (or the filtered total), stacked or
// overlaid, with the average, a moving average and the 95th percentile as extra lines. Dragging
// across the plot zooms, which sets the timeframe. uPlot's live legend is the tooltip, and
// clicking a legend entry hides or shows its line. Colours come from PatternFly's tokens, so the
// graph follows the dark theme.
import { useEffect, useMemo, useRef, useState } from "react";
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";
import { average, movingAverage, percentile95 } from "../engine/series.ts";
import { formatRate } from "../engine/quantity.ts";
import { _, format } from "../host/i18n.ts";
import type { RateUnit } from "../view-state.ts";

export interface GraphLine {
    label: string;
    /** Rate in bytes/s per point (aligned with x). */
    values: Float64Array;
    /** The sum of the rules without a line of their own: drawn grey and thicker. */
    others?: boolean;
}

export interface TrafficGraphProps {
    /** Point times (Unix seconds, the start of each interval). */
    x: Float64Array;
    lines: GraphLine[];
    rate: RateUnit;
    stacked: boolean;
    showAverage: boolean;
    showPercentile: boolean;
    movingAverage: number;
    locale: string;
    /** What the 95th percentile is taken over ("5-minute rates", "hourly rates"). */
    percentileBasis: string;
    onZoom: (from: number, to: number) => void;
}

const PALETTE = ["--pf-t--chart--color--blue--300", "--pf-t--chart--color--green--300", "--pf-t--chart--color--orange--300",
    "--pf-t--chart--color--purple--300", "--pf-t--chart--color--teal--300", "--pf-t--chart--color--yellow--300",
    "--pf-t--chart--color--red-orange--300", "--pf-t--chart--color--black--300"];
const FALLBACK = ["#0066cc", "#3d7317", "#ca6c0f", "#5e40be", "#37a3a3", "#dca614", "#b1380b", "#707070"];

/** Reads design tokens from one computed style: each getComputedStyle() call costs a style pass. */
function tokenReader(): (name: string, fallback: string) => string {
    const style = getComputedStyle(document.documentElement);
    return (name, fallback) => style.getPropertyValue(name).trim() || fallback;
}

interface Derived {
    data: uPlot.AlignedData;
    series: uPlot.Series[];
    raw: Float64Array[];
}

function derive(props: TrafficGraphProps): Derived {
    const token = tokenReader();
    const factor = props.rate === "bits" ? 8 : 1;
    const scaled = props.lines.map(l => l.values.map(v => v * factor));
    const stackedData = props.stacked ? scaled.map((_v, i) => {
        const out = new Float64Array(props.x.length);
        for (let j = 0; j <= i; j++)
            out.forEach((v, k) => { out[k] = v + (scaled[j]?.[k] ?? 0) });
        return out;
    }) : scaled;
    const total = scaled.length === 1 ? scaled[0] as Float64Array : scaled.reduce((acc, v) => acc.map((a, k) => a + (v[k] ?? 0)), new Float64Array(props.x.length));
    const text = token("--pf-t--global--text--color--regular", "#151515");
    // Values are already in the chosen unit (bits or bytes per second), as formatRate expects.
    const rateText = (v: number | null) => (v === null || !Number.isFinite(v) ? "–" : formatRate(v, props.rate, props.locale));
    const series: uPlot.Series[] = [{ label: _("Time"), value: (_u, t) => (t === null ? "–" : new Date(t * 1000).toLocaleString(props.locale)) }];
    const raw: Float64Array[] = [];
    props.lines.forEach((line, i) => {
        const color = line.others ? token("--pf-t--global--text--color--subtle", "#707070")
            : token(PALETTE[i % PALETTE.length] as string, FALLBACK[i % FALLBACK.length] as string);
        series.push({
            label: line.label,
            stroke: color,
            width: line.others ? 2.5 : 1.5,
            fill: props.stacked ? `${color}55` : undefined,
            value: (_u, _v, _s, idx) => rateText(idx === null ? null : scaled[i]?.[idx] ?? null),
        });
        raw.push(stackedData[i] as Float64Array);
    });
    // uPlot's legend puts ": <value at the cursor>" after each label, so a line's own figure goes
    // in parentheses.
    const extra = (label: string, values: Float64Array, dash: number[], stroke: string) => {
        series.push({ label, stroke, width: 1, dash, value: (_u, v) => rateText(v) });
        raw.push(values);
    };
    if (props.showAverage && total.length > 0)
        extra(format(_("Average ($0)"), rateText(average(total))), new Float64Array(total.length).fill(average(total)), [6, 4], text);
    if (props.movingAverage >= 2 && total.length > 0)
        extra(format(_("Moving average ($0 points)"), String(props.movingAverage)), movingAverage(total, props.movingAverage), [], token("--pf-t--chart--color--red-orange--400", "#8f1b00"));
    if (props.showPercentile && total.length > 0) {
        const p95 = percentile95(total);
        extra(format(_("95th percentile of $0 ($1)"), props.percentileBasis, rateText(p95)), new Float64Array(total.length).fill(p95), [2, 3], token("--pf-t--global--color--status--danger--default", "#b1380b"));
    }
    return { data: [props.x, ...raw] as uPlot.AlignedData, series, raw };
}

/** Axis labels in the user's locale: times of day for short ranges, dates for longer ones. */
function timeLabels(ticks: number[], increment: number, locale: string): string[] {
    const time = new Intl.DateTimeFormat(locale, { hour: "numeric", minute: "2-digit" });
    const day = new Intl.DateTimeFormat(locale, { month: "short", day: "numeric" });
    const month = new Intl.DateTimeFormat(locale, { year: "numeric", month: "short" });
    return ticks.map(t => {
        const date = new Date(t * 1000);
        if (increment >= 28 * 86400)
            return month.format(date);
        if (increment >= 86400 || (date.getHours() === 0 && date.getMinutes() === 0))
            return day.format(date);
        return time.format(date);
    });
}

/** Changes whenever the theme class on <html> changes, so canvas colours can be read again. */
function useThemeClass(): string {
    const [theme, setTheme] = useState(document.documentElement.className);
    useEffect(() => {
        const observer = new MutationObserver(() => setTheme(document.documentElement.className));
        observer.observe(document.documentElement, { attributes: true, attributeFilter: ["class"] });
        return () => observer.disconnect();
    }, []);
    return theme;
}

/**
 * False for the first frame after mounting: the graph is drawn after the rest of the page has
 * been painted. Reading colours and sizes from CSS forces the browser to lay out the whole page
 * first, and the totals need not wait for that.
 */
function useAfterFirstPaint(): boolean {
    const [painted, setPainted] = useState(false);
    useEffect(() => {
        let timer = 0;
        const frame = requestAnimationFrame(() => { timer = window.setTimeout(() => setPainted(true), 0) });
        return () => {
            cancelAnimationFrame(frame);
            clearTimeout(timer);
        };
    }, []);
    return painted;
}

export function TrafficGraph(props: TrafficGraphProps) {
    const container = useRef<HTMLDivElement>(null);
    const plot = useRef<uPlot | null>(null);
    const onZoom = useRef(props.onZoom);
    onZoom.current = props.onZoom;
    const theme = useThemeClass();
    const painted = useAfterFirstPaint();
    // The theme is an input: uPlot paints on a canvas with colours read from CSS at creation.
    // eslint-disable-next-line react-hooks/exhaustive-deps
    const derived = useMemo(() => (painted ? derive(props) : null), [props, theme, painted]);

    useEffect(() => {
        const element = container.current;
        if (!element || !derived)
            return;
        const token = tokenReader();
        const axisColor = token("--pf-t--global--text--color--subtle", "#6a6e73");
        const gridColor = token("--pf-t--global--border--color--default", "#d2d2d2");
        const options: uPlot.Options = {
            width: Math.max(300, element.clientWidth),
            height: 280,
            series: derived.series,
            scales: { x: { time: true } },
            axes: [
                {
                    stroke: axisColor, grid: { stroke: gridColor, width: 1 }, ticks: { stroke: gridColor },
                    values: (_u, ticks, _space, _a, increment) => timeLabels(ticks, increment, props.locale),
                },
                {
                    stroke: axisColor, grid: { stroke: gridColor, width: 1 }, ticks: { stroke: gridColor }, size: 90,
                    values: (_u, ticks) => ticks.map(v => formatRate(v, props.rate, props.locale)),
                },
            ],
            cursor: { drag: { x: true, y: false, setScale: false } },
            legend: { live: true },
            hooks: {
                setSelect: [u => {
                    if (u.select.width < 2)
                        return;
                    const from = Math.floor(u.posToVal(u.select.left, "x"));
                    const to = Math.ceil(u.posToVal(u.select.left + u.select.width, "x"));
                    u.setSelect({ left: 0, top: 0, width: 0, height: 0 }, false);
                    if (to > from)
                        onZoom.current(from, to);
                }],
            },
        };
        plot.current?.destroy();
        plot.current = new uPlot(options, derived.data, element);
        const resize = new ResizeObserver(() => plot.current?.setSize({ width: Math.max(300, element.clientWidth), height: 280 }));
        resize.observe(element);
        return () => {
            resize.disconnect();
            plot.current?.destroy();
            plot.current = null;
        };
    }, [derived, props.rate, props.locale]);

    return <div ref={container} className="cta-graph" role="img" aria-label={_("Traffic rate over time")} />;
}
