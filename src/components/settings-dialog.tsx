// SPDX-License-Identifier: LGPL-2.1-or-later
// "Settings": sources, collection interval, retention, the cost plan and the report groups, all
// in the shared configuration file. Validated in the form (errors under their fields); saved with
// superuser against the tag of the version that was read, so that two admins editing at once
// cannot overwrite each other silently. Without administrative access it is read-only.
import { useState, type ReactNode } from "react";
import {
    Alert, Button, Checkbox, Form, FormGroup, FormHelperText, FormSection, FormSelect, FormSelectOption, HelperText,
    HelperTextItem, Modal, ModalBody, ModalFooter, ModalHeader, TextInput, Title, Tooltip,
} from "../pf.ts";
import { _, format } from "../host/i18n.ts";
import { applySchedule, ConfigChangedError, saveConfig, type ConfigText } from "../host/config.ts";
import type { AdminAccess } from "../host/privileges.ts";
import { SOURCE_KEYS, SOURCE_LIMIT, serializeConfig, validateSettings, type ParsedConfig, type Settings, type SourceKey } from "../config-model.ts";
import type { CostPlan, GroupConfig, ValidationError, VolumeUnit } from "../engine/plan.ts";

export interface SettingsDialogProps {
    config: ConfigText;
    parsed: ParsedConfig;
    access: AdminAccess;
    /** true when saved, false when cancelled. */
    onClose: (saved: boolean) => void;
}

const DEFAULT_PLAN: CostPlan = { currency: "EUR", unit: "GB", price_per_unit: "0.05", billing_day: 1, charge_other_traffic: true };

function sourceLabel(key: SourceKey): string {
    switch (key) {
    case "nft_counters": return _("nftables named counters");
    case "nft_rules": return _("nftables rules with a counter and a comment");
    case "iptables": return _("iptables rules with a comment");
    case "ip6tables": return _("ip6tables rules with a comment");
    default: return _("Network interfaces");
    }
}

function limitLabel(key: SourceKey): string {
    switch (SOURCE_LIMIT[key]) {
    case "tables": return _("Only these tables (empty: all)");
    case "chains": return _("Only these chains (empty: all)");
    default: return _("Leave out these interfaces");
    }
}

const words = (text: string) => text.split(/[\s,]+/).filter(w => w !== "");

/** Errors for one field path (and its children), shown under that field. */
function FieldErrors({ errors, path }: { errors: ValidationError[]; path: string }) {
    const mine = errors.filter(e => e.path === path || e.path.startsWith(`${path}.`) || e.path.startsWith(`${path}[`));
    if (mine.length === 0)
        return null;
    return (
        <FormHelperText>
            <HelperText>
                {mine.map(e => <HelperTextItem key={e.path + e.message} variant="error">{`${e.path}: ${e.message}`}</HelperTextItem>)}
            </HelperText>
        </FormHelperText>
    );
}

export function SettingsDialog({ config, parsed, access, onClose }: SettingsDialogProps) {
    const [settings, setSettings] = useState<Settings>(parsed.settings);
    const [errors, setErrors] = useState<ValidationError[]>([]);
    const [saving, setSaving] = useState(false);
    const [saveError, setSaveError] = useState<ReactNode>(null);
    const readOnly = access !== "allowed";

    const update = (change: Partial<Settings>) => setSettings(s => ({ ...s, ...change }));
    const updateSource = (key: SourceKey, change: Partial<Settings["sources"][SourceKey]>) =>
        setSettings(s => ({ ...s, sources: { ...s.sources, [key]: { ...s.sources[key], ...change } } }));
    const updatePlan = (change: Partial<CostPlan>) => setSettings(s => ({ ...s, costs: { ...(s.costs ?? DEFAULT_PLAN), ...change } }));
    const updateGroup = (index: number, change: Partial<GroupConfig>) =>
        setSettings(s => ({ ...s, groups: s.groups.map((g, i) => (i === index ? { ...g, ...change } : g)) }));
    const days = (v: string) => (/^\d+$/.test(v) ? Number(v) : NaN);

    const save = () => {
        const found = validateSettings(settings, parsed.raw);
        setErrors(found);
        if (found.length > 0) {
            setSaveError(_("Correct the marked fields first."));
            return;
        }
        setSaving(true);
        setSaveError(null);
        const intervalChanged = settings.intervalSeconds !== parsed.settings.intervalSeconds;
        saveConfig(serializeConfig(settings, parsed.raw), config.tag)
                .then(async () => {
                    // the collect timer follows the saved interval (`cta-helper schedule apply`)
                    if (intervalChanged)
                        await applySchedule().catch((error: Error) => {
                            throw new Error(format(_("The settings were saved, but the collection timer still runs at its old interval: $0"), error.message));
                        });
                })
                .then(() => onClose(true), (error: Error) => {
                    setSaving(false);
                    setSaveError(error instanceof ConfigChangedError
                        ? _("Somebody else changed the settings after you opened them. Close this dialog and open it again to see their changes; yours were not saved.")
                        : error.message);
                });
    };

    const plan = settings.costs;
    const saveButton = (
        <Button variant="primary" onClick={save} isAriaDisabled={readOnly} isLoading={saving}>{_("Save")}</Button>
    );
    return (
        <Modal isOpen onClose={() => onClose(false)} variant="large" aria-labelledby="cta-settings-title">
            <ModalHeader title={_("Settings")} labelId="cta-settings-title" description={format(_("Stored in $0"), config.path)} />
            <ModalBody>
                {readOnly &&
                    <Alert isInline variant="info" title={_("Read only")}>
                        {_("Changing the settings needs administrative access. Turn it on in the top bar (Limited access).")}
                    </Alert>}
                <section className="cta-settings-section" aria-labelledby="cta-settings-collection">
                    <Title headingLevel="h2" size="lg" id="cta-settings-collection">{_("Collection")}</Title>
                        <Form isHorizontal className="cta-settings-form" onSubmit={e => e.preventDefault()}>
                            <FormGroup label={_("Collection interval (seconds)")} fieldId="cta-interval-seconds">
                                <TextInput id="cta-interval-seconds" type="number" isDisabled={readOnly}
                                           value={Number.isNaN(settings.intervalSeconds) ? "" : settings.intervalSeconds}
                                           onChange={(_e, v) => update({ intervalSeconds: days(v) })} />
                                <FieldErrors errors={errors} path="interval_seconds" />
                                {/* a longer interval can make a per-host rule's element timeout too short */}
                                <FieldErrors errors={errors} path="rules" />
                            </FormGroup>
                            <FormSection title={_("Sources")}>
                                {SOURCE_KEYS.map(key => (
                                    <FormGroup key={key} fieldId={`cta-source-${key}`}>
                                        <Checkbox id={`cta-source-${key}`} label={sourceLabel(key)} isDisabled={readOnly}
                                                  isChecked={settings.sources[key].enabled}
                                                  onChange={(_e, enabled) => updateSource(key, { enabled })} />
                                        <TextInput aria-label={limitLabel(key)} placeholder={limitLabel(key)} isDisabled={readOnly || !settings.sources[key].enabled}
                                                   value={settings.sources[key].names.join(" ")}
                                                   onChange={(_e, v) => updateSource(key, { names: words(v) })} />
                                        <FieldErrors errors={errors} path={`sources.${key}`} />
                                    </FormGroup>
                                ))}
                            </FormSection>
                            <FormSection title={_("Retention")}>
                                <FormGroup label={_("Keep every interval for (days)")} fieldId="cta-detail-days">
                                    <TextInput id="cta-detail-days" type="number" isDisabled={readOnly}
                                               value={Number.isNaN(settings.retention.detailDays) ? "" : settings.retention.detailDays}
                                               onChange={(_e, v) => update({ retention: { ...settings.retention, detailDays: days(v) } })} />
                                    <FieldErrors errors={errors} path="retention.detail_days" />
                                </FormGroup>
                                <FormGroup label={_("Keep hourly totals for (days)")} fieldId="cta-hourly-days">
                                    <TextInput id="cta-hourly-days" type="number" isDisabled={readOnly}
                                               value={Number.isNaN(settings.retention.hourlyDays) ? "" : settings.retention.hourlyDays}
                                               onChange={(_e, v) => update({ retention: { ...settings.retention, hourlyDays: days(v) } })} />
                                    <FieldErrors errors={errors} path="retention.hourly_days" />
                                </FormGroup>
                                <FormGroup label={_("Keep daily totals for (days)")} fieldId="cta-daily-days">
                                    <TextInput id="cta-daily-days" type="number" isDisabled={readOnly} placeholder={_("for ever")}
                                               value={settings.retention.dailyDays === null || Number.isNaN(settings.retention.dailyDays) ? "" : settings.retention.dailyDays}
                                               onChange={(_e, v) => update({ retention: { ...settings.retention, dailyDays: v.trim() === "" ? null : days(v) } })} />
                                    <FieldErrors errors={errors} path="retention.daily_days" />
                                </FormGroup>
                            </FormSection>
                            <FormGroup label={_("Prometheus textfile")} fieldId="cta-prometheus">
                                <TextInput id="cta-prometheus" isDisabled={readOnly} placeholder="/var/lib/prometheus/node-exporter/traffic.prom"
                                           value={settings.prometheusTextfile ?? ""}
                                           onChange={(_e, v) => update({ prometheusTextfile: v.trim() === "" ? null : v.trim() })} />
                                <FieldErrors errors={errors} path="prometheus_textfile" />
                            </FormGroup>
                        </Form>
                </section>
                <section className="cta-settings-section" aria-labelledby="cta-settings-costs">
                    <Title headingLevel="h2" size="lg" id="cta-settings-costs">{_("Costs")}</Title>
                        <Form isHorizontal className="cta-settings-form" onSubmit={e => e.preventDefault()}>
                            <FormGroup fieldId="cta-costs-enabled">
                                <Checkbox id="cta-costs-enabled" label={_("Calculate costs")} isDisabled={readOnly} isChecked={plan !== null}
                                          onChange={(_e, on) => update({ costs: on ? (plan ?? DEFAULT_PLAN) : null })} />
                            </FormGroup>
                            {plan && <CostPlanFields plan={plan} readOnly={readOnly} errors={errors} onChange={updatePlan} />}
                        </Form>
                </section>
                <section className="cta-settings-section" aria-labelledby="cta-settings-groups">
                    <Title headingLevel="h2" size="lg" id="cta-settings-groups">{_("Report groups")}</Title>
                        <Form className="cta-settings-form" onSubmit={e => e.preventDefault()}>
                            <HelperText>
                                <HelperTextItem>
                                    {_("Rules whose name matches a group's regular expression are reported together, with a subtotal. The first matching group wins; the rest is \"other traffic\".")}
                                </HelperTextItem>
                            </HelperText>
                            {settings.groups.map((group, index) => (
                                <FormGroup key={index} fieldId={`cta-group-${index}`} className="cta-group-row">
                                    <TextInput id={`cta-group-${index}`} aria-label={_("Group name")} placeholder={_("Group name")} isDisabled={readOnly}
                                               value={group.name} onChange={(_e, name) => updateGroup(index, { name })} />
                                    <TextInput aria-label={_("Pattern")} placeholder={_("Pattern, e.g. ^(www|mail)$")} isDisabled={readOnly}
                                               value={group.pattern} onChange={(_e, pattern) => updateGroup(index, { pattern })} />
                                    <Checkbox id={`cta-group-${index}-charged`} label={_("Charged")} isDisabled={readOnly}
                                              isChecked={group.charged} onChange={(_e, charged) => updateGroup(index, { charged })} />
                                    <Checkbox id={`cta-group-${index}-own-plan`} label={_("Own plan")} isDisabled={readOnly || !group.charged}
                                              isChecked={group.plan !== undefined}
                                              onChange={(_e, on) => updateGroup(index, { plan: on ? { ...(plan ?? DEFAULT_PLAN), charge_other_traffic: undefined } : undefined })} />
                                    <Button variant="link" isDisabled={readOnly}
                                            onClick={() => update({ groups: settings.groups.filter((_g, i) => i !== index) })}>
                                        {_("Remove")}
                                    </Button>
                                    <FieldErrors errors={errors} path={`groups[${index}]`} />
                                    {group.plan &&
                                        <div className="cta-account-plan">
                                            <CostPlanFields plan={group.plan} readOnly={readOnly} errors={errors} path={`groups[${index}].plan`}
                                                            ids={`cta-group-${index}-`}
                                                            onChange={change => updateGroup(index, { plan: { ...(group.plan as CostPlan), ...change } })} />
                                        </div>}
                                </FormGroup>
                            ))}
                            <Button variant="secondary" isDisabled={readOnly}
                                    onClick={() => update({ groups: [...settings.groups, { name: "", pattern: "", charged: true }] })}>
                                {_("Add group")}
                            </Button>
                        </Form>
                </section>
                {saveError && <Alert isInline variant="danger" title={_("The settings were not saved")}>{saveError}</Alert>}
            </ModalBody>
            <ModalFooter>
                {readOnly ? <Tooltip content={_("Changing the settings needs administrative access.")}>{saveButton}</Tooltip> : saveButton}
                <Button variant="link" onClick={() => onClose(false)}>{_("Cancel")}</Button>
            </ModalFooter>
        </Modal>
    );
}

/** The fields of a plan: the default one ("costs", ids "cta-") or an account's ("groups[i].plan"). */
function CostPlanFields({ plan, readOnly, errors, onChange, path = "costs", ids = "cta-" }: {
    plan: CostPlan; readOnly: boolean; errors: ValidationError[]; onChange: (change: Partial<CostPlan>) => void;
    path?: string; ids?: string;
}) {
    const account = path !== "costs";
    const tiers = plan.bulk_discounts ?? [];
    const setTier = (index: number, change: Partial<{ up_to: string | null; price_per_unit: string }>) =>
        onChange({ bulk_discounts: tiers.map((t, i) => (i === index ? { ...t, ...change } : t)) });
    return (
        <>
            <FormGroup label={_("Currency")} fieldId={`${ids}currency`}>
                <TextInput id={`${ids}currency`} isDisabled={readOnly} value={plan.currency} maxLength={3}
                           onChange={(_e, v) => onChange({ currency: v.toUpperCase() })} />
                <FieldErrors errors={errors} path={`${path}.currency`} />
            </FormGroup>
            <FormGroup label={_("Price per unit")} fieldId={`${ids}price`}>
                <div className="cta-inline-fields">
                    <TextInput id={`${ids}price`} isDisabled={readOnly} value={plan.price_per_unit} aria-label={_("Price per unit")}
                               onChange={(_e, v) => onChange({ price_per_unit: v.trim() })} />
                    <FormSelect aria-label={_("Unit")} isDisabled={readOnly} value={plan.unit} onChange={(_e, v) => onChange({ unit: v as VolumeUnit })}>
                        {["MB", "GB", "TB", "MiB", "GiB", "TiB"].map(u => <FormSelectOption key={u} value={u} label={u} />)}
                    </FormSelect>
                </div>
                <FieldErrors errors={errors} path={`${path}.price_per_unit`} />
                <FieldErrors errors={errors} path={`${path}.unit`} />
            </FormGroup>
            <FormGroup label={_("Included quota (units per billing cycle)")} fieldId={`${ids}quota`}>
                <TextInput id={`${ids}quota`} isDisabled={readOnly} value={plan.included_quota ?? ""} placeholder="0"
                           onChange={(_e, v) => onChange({ included_quota: v.trim() === "" ? undefined : v.trim() })} />
                <FieldErrors errors={errors} path={`${path}.included_quota`} />
            </FormGroup>
            <FormGroup label={_("Bulk discounts")} fieldId={`${ids}tiers`}>
                {tiers.map((tier, index) => (
                    <div key={index} className="cta-inline-fields">
                        <TextInput aria-label={_("Up to (units)")} placeholder={_("up to (units; empty: no limit)")} isDisabled={readOnly}
                                   value={tier.up_to ?? ""} onChange={(_e, v) => setTier(index, { up_to: v.trim() === "" ? null : v.trim() })} />
                        <TextInput aria-label={_("Price per unit")} placeholder={_("price per unit")} isDisabled={readOnly}
                                   value={tier.price_per_unit} onChange={(_e, v) => setTier(index, { price_per_unit: v.trim() })} />
                        <Button variant="link" isDisabled={readOnly} onClick={() => onChange({ bulk_discounts: tiers.filter((_t, i) => i !== index) })}>
                            {_("Remove")}
                        </Button>
                    </div>
                ))}
                <Button variant="secondary" id={`${ids}tiers`} isDisabled={readOnly}
                        onClick={() => onChange({ bulk_discounts: [...tiers, { up_to: null, price_per_unit: plan.price_per_unit }] })}>
                    {_("Add bulk discount")}
                </Button>
                <FieldErrors errors={errors} path={`${path}.bulk_discounts`} />
            </FormGroup>
            <FormGroup label={_("Free of charge (patterns)")} fieldId={`${ids}free`}>
                <TextInput id={`${ids}free`} isDisabled={readOnly} value={(plan.free_of_charge ?? []).join(" ")}
                           placeholder={_("e.g. ^local$ ^backup")}
                           onChange={(_e, v) => onChange({ free_of_charge: words(v) })} />
                <FieldErrors errors={errors} path={`${path}.free_of_charge`} />
            </FormGroup>
            {!account &&
                <FormGroup fieldId={`${ids}charge-other`}>
                    <Checkbox id={`${ids}charge-other`} label={_("Charge traffic that is in no group")} isDisabled={readOnly}
                              isChecked={plan.charge_other_traffic ?? true} onChange={(_e, on) => onChange({ charge_other_traffic: on })} />
                </FormGroup>}
            <FormGroup label={_("Billing cycle starts on day")} fieldId={`${ids}billing-day`}>
                <TextInput id={`${ids}billing-day`} type="number" min={1} max={31} isDisabled={readOnly} value={plan.billing_day ?? 1}
                           onChange={(_e, v) => onChange({ billing_day: Number(v) })} />
                <FieldErrors errors={errors} path={`${path}.billing_day`} />
            </FormGroup>
            <FormGroup fieldId={`${ids}p95-billing`}>
                <Checkbox id={`${ids}p95-billing`} label={_("Bill by the 95th percentile of 5-minute rates")} isDisabled={readOnly}
                          isChecked={plan.percentile95 !== undefined}
                          onChange={(_e, on) => onChange({ percentile95: on ? { price_per_mbps: "1" } : undefined })} />
                {plan.percentile95 &&
                    <TextInput aria-label={_("Price per Mbit/s")} placeholder={_("Price per Mbit/s")} isDisabled={readOnly}
                               value={plan.percentile95.price_per_mbps}
                               onChange={(_e, v) => onChange({ percentile95: { price_per_mbps: v.trim() } })} />}
                <FieldErrors errors={errors} path={`${path}.percentile95`} />
            </FormGroup>
        </>
    );
}
