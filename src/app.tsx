// SPDX-License-Identifier: LGPL-2.1-or-later
// The Traffic Accounting page: reads the view from the URL, the data through src/host/, lets the
// engine compute, and lays out the toolbar, status, graph and totals. Actions that write (collect,
// compact, settings) run the helper with superuser and are disabled, with the reason, without it.
import { useCallback, useEffect, useMemo, useState } from "react";
import {
    Alert, AlertActionCloseButton, AlertGroup, Button, Card, CardBody, CardHeader, CardTitle, Checkbox, Content, Flex,
    FlexItem, PageSection, TextInput, Title, Tooltip,
} from "./pf.ts";
import { _, format, userLocale } from "./host/i18n.ts";
import { useViewState } from "./host/location.ts";
import { useAdminAccess, type AdminAccess } from "./host/privileges.ts";
import { helperStatus, hostName, type HelperStatus } from "./host/status.ts";
import { readConfig, type ConfigText } from "./host/config.ts";
import { runHelper } from "./host/helper.ts";
import { compileFilter } from "./engine/filter.ts";
import { formatBytes } from "./engine/quantity.ts";
import { totalsFor } from "./engine/totals.ts";
import { toColumns, sumColumns } from "./engine/series.ts";
import type { GroupConfig, Quota } from "./engine/plan.ts";
import { buildReport, type Report } from "./engine/reports/report.ts";
import { useBilling } from "./billing-data.ts";
import { noteInUserLanguage } from "./report-words.ts";
import { parseConfig, type ParsedConfig } from "./config-model.ts";
import { useTrafficData, type TrafficData } from "./traffic-data.ts";
import { quantityOptions, type GraphInterval, type ViewState } from "./view-state.ts";
import { ViewToolbar } from "./components/view-toolbar.tsx";
import { TotalsTable } from "./components/totals-table.tsx";
import { TrafficGraph, type GraphLine } from "./components/traffic-graph.tsx";
import { periodLabel, timeframeErrorText } from "./timeframe-words.ts";
import { StatusAlerts } from "./components/status-alerts.tsx";
import { CollectionNotes } from "./components/collection-notes.tsx";
import { EmptyStore } from "./components/empty-store.tsx";
import { SourcesPopover } from "./components/sources-popover.tsx";
import { PageFrame } from "./components/page-frame.tsx";
import { LabelledSelect } from "./components/labelled-select.tsx";
import { CompactDialog } from "./components/compact-dialog.tsx";
import { SettingsDialog } from "./components/settings-dialog.tsx";
import { ExportMenu } from "./components/export-menu.tsx";
import { BillsCard } from "./components/bills-card.tsx";
import { QuotaCard } from "./components/quota-card.tsx";
import { RulesCard } from "./components/rules-card.tsx";
import { perHostDraft, type RuleDraft } from "./rules-model.ts";
import { EdgesPending, GraphPending, isVersion1Store, LoadingProgress, StoreUpgradeHint } from "./components/read-state.tsx";
import { readQuotaState } from "./host/quota.ts";
import { readHostNames } from "./host/host-names.ts";
import { NO_HOST_NAMES, parseHostNames, type HostNames } from "./engine/host-names.ts";
import { perSecond, splitTop, sumBuckets } from "./engine/top-rules.ts";
import { quotaViews } from "./engine/quota.ts";

const NO_GROUPS: GroupConfig[] = [];
const NO_QUOTAS: Quota[] = [];

interface Toast {
    key: number;
    variant: "success" | "danger";
    title: string;
    detail?: string;
}

function useDateFormat(locale: string): (t: number) => string {
    return useMemo(() => {
        const fmt = new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeStyle: "medium" });
        return (t: number) => fmt.format(new Date(t * 1000));
    }, [locale]);
}

function adminReason(access: AdminAccess): string | null {
    if (access === "allowed")
        return null;
    if (access === "unknown")
        return _("Checking administrative access…");
    return _("This needs administrative access. Turn it on in the top bar (Limited access).");
}

/** A button for an action that writes: disabled with the reason when not allowed. */
function AdminButton({ access, onClick, children, variant = "secondary", isLoading = false }: {
    access: AdminAccess; onClick: () => void; children: string; variant?: "primary" | "secondary"; isLoading?: boolean;
}) {
    const reason = adminReason(access);
    const button = (
        <Button variant={variant} onClick={onClick} isAriaDisabled={reason !== null} isLoading={isLoading}>{children}</Button>
    );
    return reason ? <Tooltip content={reason}>{button}</Tooltip> : button;
}

function percentileBasis(interval: Exclude<GraphInterval, "auto">): string {
    switch (interval) {
    case "5m": return _("5-minute rates");
    case "hour": return _("hourly rates");
    case "day": return _("daily rates");
    case "week": return _("weekly rates");
    default: return _("monthly rates");
    }
}

export function App() {
    const [view, setView] = useViewState();
    const access = useAdminAccess();
    const locale = userLocale();
    const formatTime = useDateFormat(locale);
    const [reload, setReload] = useState(0);
    const [status, setStatus] = useState<HelperStatus | null>(null);
    const [statusError, setStatusError] = useState<string | null>(null);
    const [config, setConfig] = useState<{ file: ConfigText; parsed: ParsedConfig } | null>(null);
    const [configError, setConfigError] = useState<string | null>(null);
    const [host, setHost] = useState("");
    const [collecting, setCollecting] = useState(false);
    const [dialog, setDialog] = useState<"compact" | "settings" | null>(null);
    const [toasts, setToasts] = useState<Toast[]>([]);
    // the empty state's "Count per host in subnet …" opens the rules card's add dialog
    const [ruleRequest, setRuleRequest] = useState<RuleDraft | null>(null);
    const takeRuleRequest = useCallback(() => setRuleRequest(null), []);

    const toast = useCallback((variant: Toast["variant"], title: string, detail?: string) => {
        setToasts(list => [...list, { key: Date.now() + Math.random(), variant, title, detail }]);
    }, []);

    useEffect(() => {
        hostName().then(setHost, () => setHost(""));
    }, []);

    useEffect(() => {
        readConfig().then(file => { setConfig({ file, parsed: parseConfig(file.text) }); setConfigError(null) },
                          (e: Error) => setConfigError(e.message));
    }, [reload]);

    const plan = config?.parsed.settings.costs ?? null;
    const needFiveMinutes = plan?.percentile95 !== undefined || (config?.parsed.settings.groups ?? []).some(g => g.plan?.percentile95);
    // "last billing cycle" in the Timeframe field: the default plan's cycle, else the first account's
    const billingDay = config ? (plan ?? config.parsed.settings.groups.find(g => g.plan)?.plan)?.billing_day ?? 1 : configError ? 1 : null;
    const traffic = useTrafficData(view.timeframe, needFiveMinutes ? "5m" : view.interval, reload, billingDay);

    // The helper's status reads the whole store (for damaged lines) and takes a while on years of
    // history: ask for it once the numbers are on the screen, not in competition with them.
    const firstReadDone = traffic.state !== "loading" || traffic.previous !== null;
    useEffect(() => {
        if (!firstReadDone)
            return;
        helperStatus().then(s => { setStatus(s); setStatusError(null) }, (e: Error) => setStatusError(e.message));
    }, [reload, firstReadDone]);
    // Version 2: the coarse totals arrive before the edges; they are drawn at once, marked as such
    const partial = traffic.state === "loading" ? traffic.partial : null;
    const data: TrafficData | null = traffic.state === "ready" ? traffic.data : partial ?? traffic.previous;

    // Quota usage as the helper counted it at the last collection (helper/cta/quota.py).
    const quotas = config?.parsed.settings.quotas ?? NO_QUOTAS;
    const [quotaState, setQuotaState] = useState<string | null>(null);
    useEffect(() => {
        if (quotas.length === 0)
            return;
        readQuotaState().then(setQuotaState, () => setQuotaState(null));
    }, [quotas, reload]);

    // Names for hosts (<store>/host-names.json): display names of set elements keyed by an address.
    const [hostNames, setHostNames] = useState<HostNames>(NO_HOST_NAMES);
    useEffect(() => {
        readHostNames().then(text => setHostNames(parseHostNames(text)), () => setHostNames(NO_HOST_NAMES));
    }, [reload]);

    const filter = useMemo(() => compileFilter(view.filter, { caseInsensitive: view.caseInsensitive }), [view.filter, view.caseInsensitive]);
    const quantity = useMemo(() => quantityOptions(view.units, locale), [view.units, locale]);
    const totals = useMemo(() => (data ? totalsFor(data.result, 0, filter.ok ? filter.filter : undefined, hostNames) : null), [data, filter, hostNames]);

    // Bills: each account on its own traffic, cycle by cycle (src/billing-data.ts).
    const groups = config?.parsed.settings.groups ?? NO_GROUPS;
    const hasPlans = plan !== null || groups.some(g => g.plan);
    const billing = useBilling(partial ? null : data, totals, plan, groups);

    const report: Report | null = useMemo(() => {
        if (!data || !totals)
            return null;
        return buildReport({
            host: host || "localhost",
            generatedAt: Math.floor(Date.now() / 1000),
            locale,
            timeframe: data.timeframe,
            totals,
            groups,
            plan,
            quantity,
            // no cost until the bills are known: never a cost from the wrong cycles or a partial read
            billing: hasPlans && !partial ? billing : undefined,
        });
    }, [data, totals, host, locale, groups, plan, quantity, billing, hasPlans, partial]);

    const graph = useMemo(() => {
        if (!data?.result.series || !totals)
            return null;
        const series = data.result.series;
        const byKey = new Map(totals.rows.map(r => [r.key, r]));
        const chosen = view.selected.map(k => byKey.get(k)).filter(r => r !== undefined);
        let lines: GraphLine[];
        if (chosen.length > 0) {
            // many rules (a subnet's hosts): the top ones by bytes, the rest as one "others" line
            const { top, rest } = splitTop(chosen);
            const columns = toColumns(series, top.map(r => r.index), "bytes-per-second");
            lines = top.map((r, i) => ({ label: r.hostName === null ? r.name : `${r.hostName} (${r.name})`, values: columns.ys[i] as Float64Array }));
            if (rest.length > 0)
                lines.push({ label: format(_("Others ($0 rules)"), rest.length), values: perSecond(sumBuckets(series, rest), series.edges), others: true });
            return { x: columns.x, lines };
        }
        const columns = toColumns(series, totals.rows.map(r => r.index), "bytes-per-second");
        const label = view.filter ? format(_("Total of rules matching $0"), view.filter) : _("Total of all rules");
        return { x: columns.x, lines: [{ label, values: sumColumns(columns.ys, columns.x.length) }] };
    }, [data, totals, view.selected, view.filter]);

    const collectNow = () => {
        setCollecting(true);
        runHelper("collect", [], { admin: true })
                .then(() => { toast("success", _("Counters collected")); setReload(n => n + 1) },
                      (e: Error) => toast("danger", _("Collecting failed"), e.message))
                .finally(() => setCollecting(false));
    };

    const zoom = useCallback((from: number, to: number) => {
        const stamp = (t: number) => {
            const d = new Date(t * 1000);
            const two = (n: number) => String(n).padStart(2, "0");
            return `${d.getFullYear()}${two(d.getMonth() + 1)}${two(d.getDate())}${two(d.getHours())}${two(d.getMinutes())}${two(d.getSeconds())}`;
        };
        // The end is exclusive; an abbreviated end would mean "through the end of that second".
        setView({ timeframe: `${stamp(from)} - ${stamp(to - 1)}` }, true);
    }, [setView]);

    const timeframeError = traffic.state === "bad-timeframe" ? timeframeErrorText(traffic.error) : null;
    // The range being shown, or being read right now: never the previous one while loading.
    const shownTimeframe = traffic.state === "loading" ? traffic.timeframe : traffic.state === "ready" ? data?.timeframe ?? null : null;
    const resolved = shownTimeframe
        ? `${shownTimeframe.period ? `${periodLabel(shownTimeframe.period.unit, shownTimeframe.period.ago)}: ` : ""}` +
          `${formatTime(shownTimeframe.from)} – ${formatTime(shownTimeframe.to)}`
        : null;
    const storeEmpty = data !== null && data.listing.files.length === 0;
    // A file the engine cannot read (another format version, a damaged compressed file) leaves
    // no totals at all rather than silently low ones: say so instead of drawing empty results.
    const storeError = data?.result.error ?? null;
    const now = Math.floor(Date.now() / 1000);

    return (
        <PageFrame toasts={
            <AlertGroup isToast isLiveRegion>
                {toasts.map(t => (
                    <Alert key={t.key} variant={t.variant} title={t.title} timeout={t.variant === "success" ? 8000 : 0}
                           onTimeout={() => setToasts(list => list.filter(x => x.key !== t.key))}
                           actionClose={<AlertActionCloseButton onClose={() => setToasts(list => list.filter(x => x.key !== t.key))} />}>
                        {t.detail}
                    </Alert>
                ))}
            </AlertGroup>}>
            <PageSection hasBodyWrapper={false} className="cta-header">
                <Flex justifyContent={{ default: "justifyContentSpaceBetween" }} alignItems={{ default: "alignItemsCenter" }}>
                    <FlexItem>
                        <Title headingLevel="h1" size="2xl">{_("Traffic Accounting")}</Title>
                        <Content component="p" className="cta-subtitle">
                            {status?.last_collection
                                ? format(_("Last collection: $0 · store $1"), formatTime(status.last_collection),
                                         formatBytes(BigInt(status.store_bytes), { style: "iec", locale }))
                                : status ? _("No collection yet") : _("Bytes and packets counted by each accounting rule, what they cost, and how they moved over time.")}
                            {status && <>{" · "}<SourcesPopover status={status} /></>}
                        </Content>
                    </FlexItem>
                    <FlexItem>
                        <Flex spaceItems={{ default: "spaceItemsSm" }}>
                            <AdminButton access={access} onClick={collectNow} isLoading={collecting}>{_("Collect now")}</AdminButton>
                            <AdminButton access={access} onClick={() => setDialog("compact")}>{_("Compact…")}</AdminButton>
                            <Button variant="secondary" onClick={() => setDialog("settings")}>{_("Settings")}</Button>
                            <ExportMenu report={report} />
                        </Flex>
                    </FlexItem>
                </Flex>
            </PageSection>
            <PageSection hasBodyWrapper={false} isFilled>
                <StatusAlerts status={status} statusError={statusError} now={now}
                              corruptInView={data?.result.corruptCount ?? 0} formatTime={formatTime} />
                <CollectionNotes status={status} formatTime={formatTime}
                                 range={shownTimeframe ? { from: shownTimeframe.from, to: shownTimeframe.to } : null} />
                {configError && <Alert isInline variant="danger" title={_("The configuration cannot be read")}>{configError}</Alert>}
                {config && config.parsed.errors.length > 0 &&
                    <Alert isInline variant="warning" title={_("The configuration has an error: the page uses the defaults until it is corrected")}>
                        <ul>{config.parsed.errors.map(e => <li key={e.path}>{`${e.path}: ${e.message}`}</li>)}</ul>
                    </Alert>}
                <Card className="cta-card">
                    <CardBody>
                        <ViewToolbar view={view} onChange={setView} timeframeError={timeframeError}
                                     filterError={filter.ok ? null : filter.error} resolvedRange={resolved} />
                    </CardBody>
                </Card>
                {traffic.state === "failed" &&
                    <Alert isInline variant="danger" title={_("The traffic data could not be read")}>{traffic.message}</Alert>}
                {storeError !== null &&
                    <Alert isInline variant="danger" title={_("The store could not be read")}>{storeError}</Alert>}
                {traffic.state === "loading" && !partial && <LoadingProgress progress={traffic.progress} />}
                {data && traffic.state === "ready" && isVersion1Store(data.listing.files) && <StoreUpgradeHint />}
                {storeEmpty && traffic.state === "ready" && <Card><CardBody><EmptyStore hasCollected={status?.last_collection != null} access={access}
                                                                                                   onCountPerHost={config ? () => setRuleRequest(perHostDraft(config.parsed.settings.rules)) : undefined} /></CardBody></Card>}
                {!storeEmpty && storeError === null && data && (graph || partial) && report &&
                    <>
                        <Card className="cta-card">
                            <CardHeader>
                                <CardTitle>{_("Rate over time")}</CardTitle>
                            </CardHeader>
                            <CardBody>
                                <GraphControls view={view} onChange={setView} />
                                {graph === null ? <GraphPending /> : <TrafficGraph x={graph.x} lines={graph.lines} rate={view.rate} stacked={view.stacked}
                                              showAverage={view.average} showPercentile={view.percentile}
                                              movingAverage={view.movingAverage} locale={locale}
                                              percentileBasis={percentileBasis(data.interval)} onZoom={zoom} />}
                            </CardBody>
                        </Card>
                        <Card className="cta-card cta-totals-card" data-bytes-read={data.bytesRead} data-read-ms={Math.round(data.readMs)}
                              data-partial={partial ? "true" : undefined}>
                            <CardHeader>
                                <CardTitle>{_("Traffic totals")}</CardTitle>
                            </CardHeader>
                            <CardBody>
                                {partial && <EdgesPending />}
                                {report.groups.length === 0
                                    ? <Content component="p" className="cta-no-rows">
                                        {view.filter ? _("No rule matches the filter in this timeframe.") : _("No traffic was counted in this timeframe.")}
                                    </Content>
                                    : <TotalsTable report={report} quantity={quantity} locale={locale}
                                                   selected={view.selected} onSelect={selected => setView({ selected })}
                                                   sort={view.sort} descending={view.descending}
                                                   onSort={(sort, descending) => setView({ sort, descending })} />}
                                {report.noteList.length > 0 &&
                                    <ul className="cta-notes">
                                        {report.noteList.map(n => noteInUserLanguage(n, formatTime)).map(n => <li key={n}>{n}</li>)}
                                    </ul>}
                            </CardBody>
                        </Card>
                        {report.bills.length > 0 && <BillsCard report={report} formatBytes={b => formatBytes(b, quantity)} />}
                        {quotas.length > 0 &&
                            <QuotaCard views={quotaViews(quotas, quotaState)} formatBytes={b => formatBytes(b, quantity)} formatTime={formatTime} now={now} />}
                    </>}
                {config &&
                    <RulesCard config={config.file} parsed={config.parsed} access={access} request={ruleRequest}
                               onRequestTaken={takeRuleRequest}
                               onChanged={applied => {
                                   if (applied !== null)
                                       toast("success", applied);
                                   setReload(n => n + 1);
                               }} />}
            </PageSection>
            {dialog === "compact" && status &&
                <CompactDialog status={status} retentionDays={config?.parsed.settings.retention.detailDays ?? 7}
                               formatTime={formatTime} onClose={done => {
                                   setDialog(null);
                                   if (done) {
                                       toast("success", _("History compacted"), done);
                                       setReload(n => n + 1);
                                   }
                               }} />}
            {dialog === "settings" && config &&
                <SettingsDialog config={config.file} parsed={config.parsed} access={access} onClose={saved => {
                    setDialog(null);
                    if (saved) {
                        toast("success", _("Settings saved"));
                        setReload(n => n + 1);
                    }
                }} />}
        </PageFrame>
    );
}

function GraphControls({ view, onChange }: { view: ViewState; onChange: (change: Partial<ViewState>) => void }) {
    return (
        <Flex className="cta-graph-controls" alignItems={{ default: "alignItemsCenter" }} spaceItems={{ default: "spaceItemsMd" }}>
            <LabelledSelect id="cta-interval" label={_("Interval")} value={view.interval} onChange={interval => onChange({ interval })}
                            options={[
                                ["auto", _("Automatic")], ["5m", _("5 minutes")], ["hour", _("Hour")],
                                ["day", _("Day")], ["week", _("Week")], ["month", _("Month")],
                            ] as const} />
            <Checkbox id="cta-stacked" label={_("Stacked")} isChecked={view.stacked} onChange={(_e, stacked) => onChange({ stacked })} />
            <Checkbox id="cta-average" label={_("Average")} isChecked={view.average} onChange={(_e, average) => onChange({ average })} />
            <Checkbox id="cta-p95" label={_("95th percentile")} isChecked={view.percentile} onChange={(_e, percentile) => onChange({ percentile })} />
            <FlexItem>
                <label htmlFor="cta-ma" className="cta-toolbar-label">{_("Moving average (points)")}</label>
                <TextInput id="cta-ma" type="number" min={0} max={1000} value={view.movingAverage || ""} className="cta-ma-input"
                           onChange={(_e, v) => onChange({ movingAverage: Number(v) >= 2 ? Math.min(1000, Math.floor(Number(v))) : 0 })} />
            </FlexItem>
            <Content component="small">{_("Drag across the graph to zoom in.")}</Content>
        </Flex>
    );
}

