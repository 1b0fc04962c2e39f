// SPDX-License-Identifier: LGPL-2.1-or-later
// The toolbar above the data: timeframe (typed phrase, presets, calendar), regex filter, units
// and rate unit, and the resolved absolute range, always shown so nobody bills the wrong month.
import { useEffect, useState, type FormEvent } from "react";
import {
    Button, Checkbox, Dropdown, DropdownItem, DropdownList, HelperText,
    HelperTextItem, MenuToggle, Popover, TextInput, Toolbar, ToolbarContent, ToolbarGroup, ToolbarItem,
} from "../pf.ts";
import { CalendarAltIcon } from "@patternfly/react-icons/dist/esm/icons/calendar-alt-icon.js";
import { _, format } from "../host/i18n.ts";
import { TIMEFRAME_PRESETS, type ViewState } from "../view-state.ts";
import { LabelledSelect } from "./labelled-select.tsx";

export interface ViewToolbarProps {
    view: ViewState;
    onChange: (change: Partial<ViewState>, push?: boolean) => void;
    /** The engine's message when the typed timeframe cannot be read. */
    timeframeError: string | null;
    filterError: string | null;
    /** The resolved absolute range, formatted for the user. */
    resolvedRange: string | null;
}

function presetLabel(preset: string): string {
    switch (preset) {
    case "today": return _("Today");
    case "yesterday": return _("Yesterday");
    case "this week": return _("This week");
    case "last week": return _("Last week");
    case "this month": return _("This month");
    case "last month": return _("Last month");
    case "this year": return _("This year");
    case "last year": return _("Last year");
    case "last 30 days": return _("Last 30 days");
    case "this billing cycle": return _("This billing cycle");
    case "last billing cycle": return _("Last billing cycle");
    default: return preset;
    }
}

const PRESETS = [...TIMEFRAME_PRESETS.slice(0, 6), "last 30 days", ...TIMEFRAME_PRESETS.slice(6), "this billing cycle", "last billing cycle"];

function compact(iso: string): string {
    return iso.replaceAll("-", "");
}

function RangeCalendar({ onApply }: { onApply: (text: string) => void }) {
    const [start, setStart] = useState("");
    const [end, setEnd] = useState("");
    const [open, setOpen] = useState(false);
    const valid = /^\d{4}-\d{2}-\d{2}$/.test(start) && /^\d{4}-\d{2}-\d{2}$/.test(end) && start <= end;
    return (
        <Popover
            aria-label={_("Custom range")}
            isVisible={open}
            shouldOpen={() => setOpen(true)}
            shouldClose={() => setOpen(false)}
            headerContent={_("Custom range")}
            bodyContent={
                <div className="cta-range-calendar">
                    <label htmlFor="cta-range-first">{_("First day")}</label>
                    <TextInput type="date" id="cta-range-first" value={start} onChange={(_e, value) => setStart(value)} />
                    <label htmlFor="cta-range-last">{_("Last day")}</label>
                    <TextInput type="date" id="cta-range-last" value={end} min={start || undefined} onChange={(_e, value) => setEnd(value)} />
                </div>
            }
            footerContent={
                <Button variant="primary" isDisabled={!valid}
                        onClick={() => { onApply(`${compact(start)} - ${compact(end)}`); setOpen(false) }}>
                    {_("Apply")}
                </Button>
            }
        >
            <Button variant="control" icon={<CalendarAltIcon />} aria-label={_("Choose a custom range")} />
        </Popover>
    );
}

function TimeframeField({ value, error, onCommit }: { value: string; error: string | null; onCommit: (text: string) => void }) {
    const [text, setText] = useState(value);
    const [presetsOpen, setPresetsOpen] = useState(false);
    useEffect(() => setText(value), [value]);

    const submit = (event?: FormEvent) => {
        event?.preventDefault();
        if (text.trim() !== "" && text !== value)
            onCommit(text.trim());
    };

    return (
        <form className="cta-timeframe" onSubmit={submit}>
            <label htmlFor="cta-timeframe-input" className="cta-toolbar-label">{_("Timeframe")}</label>
            <div className="cta-timeframe-controls">
                <TextInput id="cta-timeframe-input" value={text} onChange={(_e, v) => setText(v)} onBlur={() => submit()}
                           validated={error ? "error" : "default"} aria-describedby="cta-timeframe-help"
                           placeholder={_("e.g. last month, 30D, 20250101 - 20250131")} />
                <Dropdown
                    isOpen={presetsOpen}
                    onOpenChange={setPresetsOpen}
                    onSelect={() => setPresetsOpen(false)}
                    toggle={ref => (
                        <MenuToggle ref={ref} onClick={() => setPresetsOpen(!presetsOpen)} isExpanded={presetsOpen}>
                            {_("Presets")}
                        </MenuToggle>
                    )}
                >
                    <DropdownList>
                        {PRESETS.map(preset => (
                            <DropdownItem key={preset} value={preset} onClick={() => onCommit(preset)}>
                                {presetLabel(preset)}
                            </DropdownItem>
                        ))}
                    </DropdownList>
                </Dropdown>
                <RangeCalendar onApply={onCommit} />
            </div>
            {error &&
                <HelperText id="cta-timeframe-help">
                    <HelperTextItem variant="error">{error}</HelperTextItem>
                </HelperText>}
        </form>
    );
}

export function ViewToolbar({ view, onChange, timeframeError, filterError, resolvedRange }: ViewToolbarProps) {
    return (
        <Toolbar className="cta-toolbar">
            <ToolbarContent>
                <ToolbarItem>
                    <TimeframeField value={view.timeframe} error={timeframeError}
                                    onCommit={timeframe => onChange({ timeframe }, true)} />
                </ToolbarItem>
                <ToolbarItem>
                    <div className="cta-filter">
                        <label htmlFor="cta-filter-input" className="cta-toolbar-label">{_("Filter")}</label>
                        <TextInput id="cta-filter-input" type="search" value={view.filter}
                                   onChange={(_e, filter) => onChange({ filter })}
                                   validated={filterError ? "error" : "default"}
                                   placeholder={_("Regular expression, e.g. ^(www|mail)$")} />
                        <Checkbox id="cta-filter-ci" label={_("Ignore case")} isChecked={view.caseInsensitive}
                                  onChange={(_e, caseInsensitive) => onChange({ caseInsensitive })} />
                        {filterError &&
                            <HelperText>
                                <HelperTextItem variant="error">{format(_("Invalid regular expression: $0"), filterError)}</HelperTextItem>
                            </HelperText>}
                    </div>
                </ToolbarItem>
                <ToolbarGroup>
                    <ToolbarItem>
                        <LabelledSelect id="cta-units" label={_("Units")} value={view.units} onChange={units => onChange({ units })}
                                        options={[
                                            ["auto", _("Automatic (K, M, G)")], ["exact", _("Exact bytes")],
                                            ["K", _("Kilobytes (K)")], ["M", _("Megabytes (M)")], ["G", _("Gigabytes (G)")],
                                            ["T", _("Terabytes (T)")], ["iec", _("IEC (KiB, MiB)")], ["si", _("SI (kB, MB)")],
                                        ] as const} />
                    </ToolbarItem>
                    <ToolbarItem>
                        <LabelledSelect id="cta-rate" label={_("Rates")} value={view.rate} onChange={rate => onChange({ rate })}
                                        options={[["bits", _("bits/s")], ["bytes", _("bytes/s")]] as const} />
                    </ToolbarItem>
                </ToolbarGroup>
            </ToolbarContent>
            {resolvedRange &&
                <ToolbarContent>
                    <ToolbarItem>
                        <span className="cta-resolved-range" data-testid="resolved-range">{resolvedRange}</span>
                    </ToolbarItem>
                </ToolbarContent>}
        </Toolbar>
    );
}
