// SPDX-License-Identifier: LGPL-2.1-or-later
// "Export": the current view as plain text (iam's layout), standalone HTML, CSV or JSON (with
// the bills), the bills line by line as CSV, all
// rendered by the engine from the same report, downloaded as files; and Print, which prints
// the page itself (the print style sheet leaves out the controls).
import { useState } from "react";
import { Dropdown, DropdownItem, DropdownList, MenuToggle, Divider } from "../pf.ts";
import { _ } from "../host/i18n.ts";
import { renderText } from "../engine/reports/text.ts";
import { renderHtml } from "../engine/reports/html.ts";
import { renderCsv } from "../engine/reports/csv.ts";
import { renderJson } from "../engine/reports/json.ts";
import { renderBillsCsv } from "../engine/reports/bills.ts";
import { isoLocal, type Report } from "../engine/reports/report.ts";

const FORMATS = {
    text: { extension: "txt", type: "text/plain", render: renderText },
    html: { extension: "html", type: "text/html", render: renderHtml },
    csv: { extension: "csv", type: "text/csv", render: renderCsv },
    json: { extension: "json", type: "application/json", render: renderJson },
} as const;

type ExportFormat = keyof typeof FORMATS;

/** A file name from the host and the timeframe; nothing of a rule name ever goes into it. */
export function exportFileName(report: Report, extension: string): string {
    const safeHost = report.host.replace(/[^A-Za-z0-9.-]/g, "_") || "host";
    const day = (t: number) => isoLocal(t, report.zone).slice(0, 10);
    return `traffic-${safeHost}-${day(report.timeframe.from)}-${day(report.timeframe.to - 1)}.${extension}`;
}

/** Offers text as a file to download. */
export function saveFile(name: string, type: string, text: string): void {
    const blob = new Blob([text], { type: `${type};charset=utf-8` });
    const url = URL.createObjectURL(blob);
    const link = document.createElement("a");
    link.href = url;
    link.download = name;
    document.body.appendChild(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

function download(report: Report, kind: ExportFormat): void {
    const spec = FORMATS[kind];
    saveFile(exportFileName(report, spec.extension), spec.type, spec.render(report));
}

export function ExportMenu({ report }: { report: Report | null }) {
    const [open, setOpen] = useState(false);
    return (
        <Dropdown
            isOpen={open}
            onOpenChange={setOpen}
            onSelect={() => setOpen(false)}
            popperProps={{ position: "right" }}
            toggle={ref => (
                <MenuToggle ref={ref} onClick={() => setOpen(!open)} isExpanded={open} isDisabled={report === null}>
                    {_("Export")}
                </MenuToggle>
            )}
        >
            <DropdownList>
                <DropdownItem value="text" onClick={() => report && download(report, "text")}>{_("Plain text report")}</DropdownItem>
                <DropdownItem value="html" onClick={() => report && download(report, "html")}>{_("HTML report")}</DropdownItem>
                <DropdownItem value="csv" onClick={() => report && download(report, "csv")}>{_("CSV")}</DropdownItem>
                <DropdownItem value="json" onClick={() => report && download(report, "json")}>{_("JSON")}</DropdownItem>
                {report !== null && report.bills.length > 0 &&
                    <DropdownItem value="bills-csv" onClick={() => saveFile(exportFileName(report, "bills.csv"), "text/csv", renderBillsCsv(report))}>
                        {_("Bills (CSV)")}
                    </DropdownItem>}
                <Divider component="li" />
                <DropdownItem value="print" onClick={() => window.print()}>{_("Print…")}</DropdownItem>
            </DropdownList>
        </Dropdown>
    );
}
