// SPDX-License-Identifier: LGPL-2.1-or-later
// "Traffic totals": one row per rule with bytes, packets and cost, in the report's groups
// (free of charge, charged services, other traffic) with subtotals and a grand total, as iam's
// report lays them out. Sorting works inside each group; the checkboxes choose what the graph
// draws. Names are untrusted and rendered as text only.
//
// The header uses PatternFly's Th (sorting, select all). The body rows are plain elements with
// PatternFly's table classes: PatternFly's Td merges props and measures itself for truncation
// in an effect, per cell, which for a thousand cells is most of the time the table takes to
// appear. The rows are memoized, so ticking one checkbox re-renders one row.
//
// Per-host counting brings thousands of rows: past PAGE_SIZES[0] rows the table shows them a
// page at a time (PatternFly's Pagination), in the same order and groups; sorting and "select
// all" still work on every row, subtotals and the total are always of every row.
import { memo, useCallback, useMemo, useRef, useState, type ReactNode } from "react";
import { Pagination, Table, Th, Thead, Tr } from "../pf.ts";
import { _, format } from "../host/i18n.ts";
import { formatBytes, type QuantityOptions } from "../engine/quantity.ts";
import { formatMoney } from "../engine/money.ts";
import { numberFormat } from "../engine/number-format.ts";
import { shownName, type Report, type ReportGroup, type ReportRow } from "../engine/reports/report.ts";
import type { SortColumn } from "../view-state.ts";

export interface TotalsTableProps {
    report: Report;
    quantity: QuantityOptions;
    locale: string;
    selected: readonly string[];
    onSelect: (keys: string[]) => void;
    sort: SortColumn;
    descending: boolean;
    onSort: (sort: SortColumn, descending: boolean) => void;
}

const COLUMNS: SortColumn[] = ["name", "bytes", "packets", "cost"];
const PAGE_SIZES = [100, 500, 2000];

/** The rows of each group that fall into [start, end) of all rows in display order. */
function pageOfGroups<G extends { rows: ReportRow[] }>(groups: G[], start: number, end: number): { group: G; rows: ReportRow[] }[] {
    const out: { group: G; rows: ReportRow[] }[] = [];
    let offset = 0;
    for (const group of groups) {
        const from = Math.max(start - offset, 0);
        const to = Math.min(end - offset, group.rows.length);
        if (from < to)
            out.push({ group, rows: group.rows.slice(from, to) });
        offset += group.rows.length;
    }
    return out;
}

function compareRows(sort: SortColumn, a: ReportRow, b: ReportRow): number {
    const big = (x: bigint, y: bigint) => (x < y ? -1 : x > y ? 1 : 0);
    switch (sort) {
    case "bytes": return big(a.bytes, b.bytes);
    case "packets": return big(a.packets, b.packets);
    case "cost": return big(a.costMinor ?? -1n, b.costMinor ?? -1n);
    default: return shownName(a).localeCompare(shownName(b)) || a.counter.localeCompare(b.counter);
    }
}

function groupTitle(group: ReportGroup): string {
    if (group.kind === "other")
        return _("Other traffic");
    return group.name;
}

function groupKindLabel(group: ReportGroup): string {
    switch (group.kind) {
    case "free": return _("free of charge");
    case "charged": return _("charged");
    default: return "";
    }
}

const TD = "pf-v6-c-table__td";
const NUMBER_TD = `${TD} cta-number`;

interface RowProps {
    row: ReportRow;
    selected: boolean;
    inputId: string;
    traffic: string;
    packets: string;
    /** The row's cost, "free" for a rule free of charge, null without a cost plan. */
    cost: string | "free" | null;
    onToggle: (key: string, on: boolean) => void;
}

const TotalsRow = memo(function TotalsRow({ row, selected, inputId, traffic, packets, cost, onToggle }: RowProps) {
    return (
        <tr className={selected ? "pf-v6-c-table__tr pf-m-selected" : "pf-v6-c-table__tr"} data-counter={row.counter}>
            <td className={`${TD} pf-v6-c-table__check`}>
                <div className="pf-v6-c-check pf-m-standalone">
                    <input id={inputId} className="pf-v6-c-check__input" type="checkbox" checked={selected}
                           aria-label={format(_("Draw $0 in the graph"), shownName(row))}
                           onChange={event => onToggle(row.counter, event.currentTarget.checked)} />
                </div>
            </td>
            <td className={TD} data-label={_("Rule")}>
                <span className="cta-rule-name" title={row.hostName === null ? undefined : row.name}>{shownName(row)}</span>
                {row.hostName !== null && <span className="cta-rule-where cta-rule-address">{row.name}</span>}
                {row.description && <span className="cta-rule-where">{row.description}</span>}
            </td>
            <td className={NUMBER_TD} data-label={_("Traffic")}>{traffic}</td>
            <td className={NUMBER_TD} data-label={_("Packets")}>{packets}</td>
            {cost !== null &&
                <td className={NUMBER_TD} data-label={_("Cost")}>{cost === "free" ? <span className="cta-free">{_("free")}</span> : cost}</td>}
        </tr>
    );
});

/** A subtotal or the grand total: the numbers of a group or of everything. */
function SumRow({ className, label, traffic, packets, cost, testIds = false }: {
    className: string; label: ReactNode; traffic: ReactNode; packets: ReactNode; cost: ReactNode | null; testIds?: boolean;
}) {
    return (
        <tr className={`pf-v6-c-table__tr ${className}`}>
            <td className={TD} />
            <td className={TD}>{label}</td>
            <td className={NUMBER_TD} data-testid={testIds ? "total-bytes" : undefined}>{traffic}</td>
            <td className={NUMBER_TD} data-testid={testIds ? "total-packets" : undefined}>{packets}</td>
            {cost !== null && <td className={NUMBER_TD} data-testid={testIds ? "total-cost" : undefined}>{cost}</td>}
        </tr>
    );
}

export function TotalsTable({ report, quantity, locale, selected, onSelect, sort, descending, onSort }: TotalsTableProps) {
    const groups = useMemo(() => report.groups.map(group => ({
        ...group,
        rows: [...group.rows].sort((a, b) => (descending ? -1 : 1) * compareRows(sort, a, b)),
    })), [report, sort, descending]);

    const bytes = (n: bigint) => formatBytes(n, quantity);
    const packetFormat = numberFormat(locale);
    const packets = (n: bigint) => packetFormat.format(n);
    const money = (minor: bigint | null) => (minor === null || report.currency === null ? "" : formatMoney(minor, report.currency, locale));
    const hasCosts = report.currency !== null;
    const allKeys = groups.flatMap(g => g.rows.map(r => r.counter));
    const chosen = new Set(selected);
    // One stable callback for every row, reading the selection of the latest render: ticking one
    // box then re-renders one row, not every row of a 2,000-row page.
    const latest = useRef({ selected, onSelect });
    latest.current = { selected, onSelect };
    const toggle = useCallback((key: string, on: boolean) => {
        const { selected: now, onSelect: select } = latest.current;
        if (on !== now.includes(key))
            select(on ? [...now, key] : now.filter(k => k !== key));
    }, []);
    const sortBy = (column: SortColumn) => ({
        sortBy: { index: COLUMNS.indexOf(sort), direction: descending ? "desc" as const : "asc" as const, defaultDirection: "desc" as const },
        onSort: (_event: unknown, _index: number, direction: "asc" | "desc") => onSort(column, direction === "desc"),
        columnIndex: COLUMNS.indexOf(column),
    });
    const columns = hasCosts ? 5 : 4;
    let rowNumber = 0;

    // paging: back to the first page whenever the rows or their order change
    const [paging, setPaging] = useState({ page: 1, perPage: PAGE_SIZES[0] as number, of: groups });
    const current = paging.of === groups ? paging : { page: 1, perPage: paging.perPage, of: groups };
    const paged = allKeys.length > (PAGE_SIZES[0] as number);
    const start = paged ? (current.page - 1) * current.perPage : 0;
    const shown = paged ? pageOfGroups(groups, start, start + current.perPage) : groups.map(group => ({ group, rows: group.rows }));
    const pagination = paged &&
        <Pagination itemCount={allKeys.length} page={current.page} perPage={current.perPage} variant="bottom" isCompact={false}
                    perPageOptions={PAGE_SIZES.map(n => ({ title: String(n), value: n }))}
                    onSetPage={(_e, page) => setPaging({ ...current, page })}
                    onPerPageSelect={(_e, perPage, page) => setPaging({ page, perPage, of: groups })}
                    titles={{
                        items: _("rules"), ofWord: _("of"), perPageSuffix: _("per page"), page: _("page"), pages: _("pages"),
                        paginationAriaLabel: _("Pages of the totals"), currPageAriaLabel: _("Current page"),
                        optionsToggleAriaLabel: _("Rules per page"), toFirstPageAriaLabel: _("First page"),
                        toLastPageAriaLabel: _("Last page"), toNextPageAriaLabel: _("Next page"), toPreviousPageAriaLabel: _("Previous page"),
                    }} />;

    return (
        <>
        <Table aria-label={_("Traffic totals")} variant="compact" className="cta-totals" isStickyHeader>
            <Thead>
                <Tr>
                    <Th select={{
                        onSelect: (_e, on) => onSelect(on ? allKeys : []),
                        isSelected: allKeys.length > 0 && allKeys.every(k => chosen.has(k)),
                    }} aria-label={_("Select all rules")} />
                    <Th sort={sortBy("name")}>{_("Rule")}</Th>
                    <Th sort={sortBy("bytes")} modifier="nowrap" className="cta-number">{_("Traffic")}</Th>
                    <Th sort={sortBy("packets")} modifier="nowrap" className="cta-number">{_("Packets")}</Th>
                    {hasCosts && <Th sort={sortBy("cost")} modifier="nowrap" className="cta-number">{_("Cost")}</Th>}
                </Tr>
            </Thead>
            {shown.map(({ group, rows }) => (
                <tbody key={`${group.kind}:${group.name}`} className={`pf-v6-c-table__tbody cta-group cta-group-${group.kind}`}>
                    {groups.length > 1 &&
                        <tr className="pf-v6-c-table__tr cta-group-header">
                            <td className={TD} />
                            <td className={TD} colSpan={columns - 1}>
                                <strong>{groupTitle(group)}</strong>
                                {groupKindLabel(group) && <span className="cta-group-kind"> — {groupKindLabel(group)}</span>}
                            </td>
                        </tr>}
                    {rows.map(row => (
                        <TotalsRow key={row.counter} row={row} selected={chosen.has(row.counter)} inputId={`cta-select-${start + rowNumber++}`}
                                   traffic={bytes(row.bytes)} packets={packets(row.packets)} onToggle={toggle}
                                   cost={!hasCosts ? null : row.charged ? money(row.costMinor) : "free"} />
                    ))}
                    {groups.length > 1 &&
                        <SumRow className="cta-subtotal" label={format(_("Subtotal: $0"), groupTitle(group))}
                                traffic={bytes(group.bytes)} packets={packets(group.packets)} cost={hasCosts ? money(group.costMinor) : null} />}
                </tbody>
            ))}
            <tbody className="pf-v6-c-table__tbody cta-grand-total">
                <SumRow className="" label={<strong>{_("Total")}</strong>} testIds
                        traffic={<strong>{bytes(report.total.bytes)}</strong>} packets={<strong>{packets(report.total.packets)}</strong>}
                        cost={hasCosts ? <strong>{money(report.total.costMinor)}</strong> : null} />
            </tbody>
        </Table>
        {pagination}
        </>
    );
}
