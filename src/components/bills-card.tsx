// SPDX-License-Identifier: LGPL-2.1-or-later
// "Bills": each account's bill for the timeframe, cycle by cycle and line by line (the included
// quota, each bulk discount's share, the base price, or the billed 95th-percentile rate), so a
// bill can be checked by hand; and one printable invoice per account, in the user's language.
import { Button, Card, CardBody, CardHeader, CardTitle, Content, Flex, FlexItem, Table, Tbody, Td, Th, Thead, Tr } from "../pf.ts";
import { _, format } from "../host/i18n.ts";
import type { AccountBill, BillLine } from "../engine/billing.ts";
import { exactDecimal, formatExact, formatMoney, sub } from "../engine/money.ts";
import { formatLocalDate } from "../engine/zone.ts";
import { renderInvoice, type InvoiceWords } from "../engine/reports/bills.ts";
import type { Report } from "../engine/reports/report.ts";
import { exportFileName, saveFile } from "./export-menu.tsx";

const dec = (r: { n: bigint; d: bigint }) => exactDecimal(r) ?? `${r.n}/${r.d}`;

function lineLabel(line: BillLine): string {
    switch (line.kind) {
    case "included": return _("Included quota");
    case "discount": return _("Bulk discount");
    default: return _("Base price");
    }
}

function invoiceWords(): InvoiceWords {
    return {
        title: _("Invoice"), account: _("Account"), host: _("Host"), period: _("Timeframe"), generated: _("Generated"),
        partial: _("part of a billing cycle"), traffic: _("Traffic"), included: _("Included quota"), discount: _("Bulk discount"),
        base: _("Base price"), percentile: _("95th percentile"), unknown: _("unknown"), total: _("Total"),
        units: (from, to, unit) => format(_("from $0 to $1 $2"), from, to, unit),
        atPrice: (units, price) => format(_("$0 × $1"), units, price),
    };
}

function accountFileName(report: Report, account: string, index: number): string {
    // nothing of an account's name goes into a file name: its position does
    return exportFileName(report, `invoice-${index + 1}.html`);
}

export function BillsCard({ report, formatBytes }: { report: Report; formatBytes: (b: bigint) => string }) {
    const day = (t: number) => formatLocalDate(t, report.zone);
    return (
        <Card className="cta-card cta-bills">
            <CardHeader><CardTitle>{_("Bills")}</CardTitle></CardHeader>
            <CardBody>
                {report.bills.map((bill, index) => (
                    <section key={bill.account} className="cta-bill" aria-label={format(_("Bill of $0"), bill.account)}>
                        <Flex justifyContent={{ default: "justifyContentSpaceBetween" }} alignItems={{ default: "alignItemsCenter" }}>
                            <FlexItem><Content component="h3">{bill.account}</Content></FlexItem>
                            <FlexItem>
                                <Button variant="secondary" size="sm"
                                        onClick={() => saveFile(accountFileName(report, bill.account, index), "text/html",
                                                                renderInvoice(report, bill, invoiceWords(), formatBytes))}>
                                    {_("Invoice")}
                                </Button>
                            </FlexItem>
                        </Flex>
                        <BillTable bill={bill} day={day} formatBytes={formatBytes} locale={report.locale} />
                    </section>
                ))}
            </CardBody>
        </Card>
    );
}

function BillTable({ bill, day, formatBytes, locale }: {
    bill: AccountBill; day: (t: number) => string; formatBytes: (b: bigint) => string; locale: string;
}) {
    const currency = bill.plan.currency;
    const money = (m: bigint | null) => (m === null ? _("unknown") : formatMoney(m, currency, locale));
    const num = (text: string) => formatExact(text, locale);
    return (
        <Table aria-label={format(_("Bill of $0"), bill.account)} variant="compact" className="cta-bill-table">
            <Thead>
                <Tr>
                    <Th>{_("Billing cycle")}</Th>
                    <Th>{_("Line")}</Th>
                    <Th className="cta-number">{format(_("Volume ($0)"), bill.plan.unit)}</Th>
                    <Th className="cta-number">{_("Price per unit")}</Th>
                    <Th className="cta-number">{_("Cost")}</Th>
                </Tr>
            </Thead>
            {bill.cycles.map(c => (
                <Tbody key={c.part.from} className="cta-bill-cycle">
                    <Tr>
                        <Td>
                            <strong>{`${day(c.part.from)} – ${day(c.part.to - 1)}`}</strong>
                            {c.part.partial && <span className="cta-partial">{` (${_("part of a billing cycle")})`}</span>}
                        </Td>
                        <Td>{format(_("Traffic: $0"), formatBytes(c.bytes))}</Td>
                        <Td className="cta-number">{num(dec(c.volume))}</Td>
                        <Td />
                        <Td className="cta-number" data-testid="cycle-cost"><strong>{money(c.costMinor)}</strong></Td>
                    </Tr>
                    {c.lines.map(l => (
                        <Tr key={`${l.kind}-${dec(l.from)}`}>
                            <Td />
                            <Td>{lineLabel(l)}</Td>
                            <Td className="cta-number">{`${num(dec(l.from))} – ${num(dec(l.to))} (${num(dec(sub(l.to, l.from)))})`}</Td>
                            <Td className="cta-number">{`${num(l.pricePerUnit)} ${currency}`}</Td>
                            <Td className="cta-number">{`${num(dec(l.cost))} ${currency}`}</Td>
                        </Tr>
                    ))}
                    {c.percentile !== null &&
                        <Tr>
                            <Td />
                            <Td>{_("95th percentile")}</Td>
                            <Td className="cta-number">{`${c.percentile.bitsPerSecond} bit/s`}</Td>
                            <Td className="cta-number">{`${num(bill.plan.percentile95?.price_per_mbps ?? "")} ${currency} / Mbit/s`}</Td>
                            <Td />
                        </Tr>}
                </Tbody>
            ))}
            <Tbody>
                <Tr>
                    <Td><strong>{_("Total")}</strong></Td>
                    <Td>{format(_("Traffic: $0"), formatBytes(bill.bytes))}</Td>
                    <Td /><Td />
                    <Td className="cta-number" data-testid="bill-total"><strong>{money(bill.costMinor)}</strong></Td>
                </Tr>
            </Tbody>
        </Table>
    );
}
