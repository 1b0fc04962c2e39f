// SPDX-License-Identifier: LGPL-2.1-or-later
// "Traffic totals": one row per rule with bytes, packets and cost, in the report's groups
// (free of charge, charged services, other traffic) with subtotals and a grand total, as iam's
// report lays them out. Sorting works inside each group; the checkboxes choose what the graph
// draws. Names are untrusted and rendered as text only.
import { useMemo } from "react";
import { Table, Tbody, Td, Th, Thead, Tr } from "../pf.ts";
import { _, format } from "../host/i18n.ts";
import { formatBytes, type QuantityOptions } from "../engine/quantity.ts";
import { formatMoney } from "../engine/money.ts";
import type { Report, ReportGroup, ReportRow } from "../engine/reports/report.ts";
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

function compareRows(sort: SortColumn, a: ReportRow, b: ReportRow): number {
    const big = (x: bigint, y: bigint) => (x < y ? -1 : x > y ? 1 : 0);
    switch (sort) {
    case "bytes": return big(a.bytes, b.bytes);
    case "packets": return big(a.packets, b.packets);
    case "cost": return big(a.costMinor ?? -1n, b.costMinor ?? -1n);
    default: return a.name.localeCompare(b.name) || a.counter.localeCompare(b.counter);
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

export function TotalsTable({ report, quantity, locale, selected, onSelect, sort, descending, onSort }: TotalsTableProps) {
    const groups = useMemo(() => report.groups.map(group => ({
        ...group,
        rows: [...group.rows].sort((a, b) => (descending ? -1 : 1) * compareRows(sort, a, b)),
    })), [report, sort, descending]);

    const bytes = (n: bigint) => formatBytes(n, quantity);
    const packets = (n: bigint) => new Intl.NumberFormat(locale).format(n);
    const money = (minor: bigint | null) => (minor === null || report.currency === null ? "" : formatMoney(minor, report.currency, locale));
    const hasCosts = report.currency !== null;
    const allKeys = groups.flatMap(g => g.rows.map(r => r.counter));
    const chosen = new Set(selected);
    const toggle = (key: string, on: boolean) => onSelect(on ? [...selected, key] : selected.filter(k => k !== key));
    const sortBy = (column: SortColumn) => ({
        sortBy: { index: COLUMNS.indexOf(sort), direction: descending ? "desc" as const : "asc" as const, defaultDirection: "desc" as const },
        onSort: (_event: unknown, _index: number, direction: "asc" | "desc") => onSort(column, direction === "desc"),
        columnIndex: COLUMNS.indexOf(column),
    });

    return (
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
            {groups.map(group => (
                <Tbody key={`${group.kind}:${group.name}`} className={`cta-group cta-group-${group.kind}`}>
                    {groups.length > 1 &&
                        <Tr className="cta-group-header">
                            <Td />
                            <Td colSpan={hasCosts ? 4 : 3}>
                                <strong>{groupTitle(group)}</strong>
                                {groupKindLabel(group) && <span className="cta-group-kind"> — {groupKindLabel(group)}</span>}
                            </Td>
                        </Tr>}
                    {group.rows.map((row, rowIndex) => (
                        <Tr key={row.counter} isRowSelected={chosen.has(row.counter)} data-counter={row.counter}>
                            <Td select={{ rowIndex, onSelect: (_e, on) => toggle(row.counter, on), isSelected: chosen.has(row.counter) }} />
                            <Td dataLabel={_("Rule")}>
                                <span className="cta-rule-name">{row.name}</span>
                                {row.description && <span className="cta-rule-where">{row.description}</span>}
                            </Td>
                            <Td dataLabel={_("Traffic")} className="cta-number">{bytes(row.bytes)}</Td>
                            <Td dataLabel={_("Packets")} className="cta-number">{packets(row.packets)}</Td>
                            {hasCosts &&
                                <Td dataLabel={_("Cost")} className="cta-number">
                                    {row.charged ? money(row.costMinor) : <span className="cta-free">{_("free")}</span>}
                                </Td>}
                        </Tr>
                    ))}
                    {groups.length > 1 &&
                        <Tr className="cta-subtotal">
                            <Td />
                            <Td>{format(_("Subtotal: $0"), groupTitle(group))}</Td>
                            <Td className="cta-number">{bytes(group.bytes)}</Td>
                            <Td className="cta-number">{packets(group.packets)}</Td>
                            {hasCosts && <Td className="cta-number">{money(group.costMinor)}</Td>}
                        </Tr>}
                </Tbody>
            ))}
            <Tbody className="cta-grand-total">
                <Tr>
                    <Td />
                    <Td><strong>{_("Total")}</strong></Td>
                    <Td className="cta-number" data-testid="total-bytes"><strong>{bytes(report.total.bytes)}</strong></Td>
                    <Td className="cta-number" data-testid="total-packets"><strong>{packets(report.total.packets)}</strong></Td>
                    {hasCosts && <Td className="cta-number" data-testid="total-cost"><strong>{money(report.total.costMinor)}</strong></Td>}
                </Tr>
            </Tbody>
        </Table>
    );
}
