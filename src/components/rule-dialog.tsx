// SPDX-License-Identifier: LGPL-2.1-or-later
// Adding, editing and deleting one accounting rule: the form, the nft script the helper will load
// (`cta-helper rules show` on the draft, before anything is saved), then saving the configuration
// and `cta-helper rules apply` with superuser. When nft refuses the table its text is shown as
// nft printed it, and the configuration is put back as it was.
import { useEffect, useState, type ReactNode } from "react";
import {
    Alert, Button, Form, FormGroup, FormHelperText, FormSelect, FormSelectOption, HelperText, HelperTextItem, Modal,
    ModalBody, ModalFooter, ModalHeader, Spinner, TextInput, Title,
} from "../pf.ts";
import { _, format } from "../host/i18n.ts";
import { ConfigChangedError, saveConfig, type ConfigText } from "../host/config.ts";
import { applyRules, previewScript } from "../host/rules.ts";
import type { ParsedConfig } from "../config-model.ts";
import { checkWith, type RuleDraft } from "../rules-model.ts";
import { directionLabel, hookLabel, kindLabel } from "./rule-words.ts";
import { DIRECTIONS, HOOKS, RULE_KINDS } from "../engine/rule-spec.ts";

export interface RuleDialogProps {
    config: ConfigText;
    parsed: ParsedConfig;
    /** The rule's index in the list; the list's length to add one. */
    index: number;
    /** The form's start (a rule to edit, or a new draft); null: delete the rule at index. */
    draft: RuleDraft | null;
    /** applied: a message for the toast, null when not applied; wrote: the file was written
     *  (also when put back after nft refused: the page must read it again for its new tag). */
    onClose: (applied: string | null, wrote: boolean) => void;
}

/** The script the helper would load for this configuration text, or why it cannot be shown;
 *  only ever the answer for this very text, never one for an earlier draft. */
function useScript(text: string | null): { script: string | null; error: string | null } {
    const [state, setState] = useState<{ text: string | null; script: string | null; error: string | null }>({ text: null, script: null, error: null });
    useEffect(() => {
        if (text === null)
            return;
        let current = true;
        const timer = window.setTimeout(() => {
            previewScript(text).then(script => current && setState({ text, script, error: null }),
                                     (e: Error) => current && setState({ text, script: null, error: e.message }));
        }, 250);
        return () => { current = false; window.clearTimeout(timer) };
    }, [text]);
    return state.text === text && text !== null ? state : { script: null, error: null };
}

function FieldError({ field, name, message }: { field: string | null; name: string; message: string | undefined }) {
    if (field !== name || message === undefined)
        return null;
    return (
        <FormHelperText>
            <HelperText><HelperTextItem variant="error">{message}</HelperTextItem></HelperText>
        </FormHelperText>
    );
}

export function RuleDialog({ config, parsed, index, draft: start, onClose }: RuleDialogProps) {
    const deleting = start === null;
    const [draft, setDraft] = useState<RuleDraft | null>(start);
    const [busy, setBusy] = useState(false);
    const [failure, setFailure] = useState<ReactNode>(null);
    const [wrote, setWrote] = useState(false);
    // the file's tag as this dialog last left it: a second try after nft refused saves over that
    const [tag, setTag] = useState(config.tag);
    const checked = checkWith(parsed.settings, parsed.raw, index, draft);
    const { script, error: scriptError } = useScript(checked.error ? null : checked.text);
    const update = (change: Partial<RuleDraft>) => setDraft(d => (d ? { ...d, ...change } : d));
    const oldName = parsed.settings.rules[index]?.name ?? "";

    const apply = async () => {
        setBusy(true);
        setFailure(null);
        let saved: string;
        try {
            saved = await saveConfig(checked.text, tag);
            setWrote(true);
            setTag(saved);
        } catch (e) {
            setBusy(false);
            setFailure(e instanceof ConfigChangedError
                ? _("Somebody else changed the configuration after you opened it. Close this dialog and open it again; nothing was saved.")
                : (e as Error).message);
            return;
        }
        try {
            await applyRules();
        } catch (e) {
            // the table is as it was: so is the configuration, or every collection would try again
            const restored = await saveConfig(config.text ?? "", saved).then(t => { setTag(t); return true }, () => false);
            setBusy(false);
            setFailure(
                <>
                    <p>{restored
                        ? _("The rules were not applied; the configuration was put back as it was. The helper said:")
                        : _("The rules were saved but not applied. The helper said:")}</p>
                    <pre className="cta-helper-output">{(e as Error).message}</pre>
                </>);
            return;
        }
        onClose(deleting ? format(_("Rule $0 deleted"), oldName) : format(_("Rule $0 applied"), draft?.name ?? ""), true);
    };

    const title = deleting ? format(_("Delete rule $0"), oldName) : index < parsed.settings.rules.length ? _("Edit rule") : _("Add rule");
    return (
        <Modal isOpen onClose={() => onClose(null, wrote)} variant="medium" aria-labelledby="cta-rule-title">
            <ModalHeader title={title} labelId="cta-rule-title"
                         description={_("The helper counts these in a table of its own, inet cta_accounting, that cannot drop or accept a packet.")} />
            <ModalBody>
                {failure && <Alert isInline variant="danger" title={_("Not applied")} className="cta-rule-failure">{failure}</Alert>}
                {draft && <RuleForm draft={draft} update={update} field={checked.field} message={checked.error?.message} />}
                {checked.error && checked.field === null &&
                    <Alert isInline variant="danger" title={_("The configuration would not be valid")}>
                        {`${checked.error.path}: ${checked.error.message}`}
                    </Alert>}
                <Title headingLevel="h3" size="md" className="cta-rule-preview-title">{_("nft script that will be loaded")}</Title>
                {checked.error
                    ? <p className="cta-muted">{_("Shown once the rule is complete.")}</p>
                    : scriptError
                        ? <Alert isInline variant="danger" title={_("The script could not be made")}><pre className="cta-helper-output">{scriptError}</pre></Alert>
                        : script === null ? <Spinner size="md" aria-label={_("Making the script…")} />
                            : <pre className="cta-script" aria-label={_("nft script")}>{script}</pre>}
            </ModalBody>
            <ModalFooter>
                <Button variant={deleting ? "danger" : "primary"} onClick={() => { void apply() }} isLoading={busy}
                        isAriaDisabled={busy || checked.error !== null || script === null}>
                    {deleting ? _("Delete and apply") : _("Save and apply")}
                </Button>
                <Button variant="link" onClick={() => onClose(null, wrote)}>{_("Cancel")}</Button>
            </ModalFooter>
        </Modal>
    );
}

function RuleForm({ draft, update, field, message }: {
    draft: RuleDraft; update: (change: Partial<RuleDraft>) => void; field: string | null; message: string | undefined;
}) {
    const text = (name: keyof RuleDraft, label: string, placeholder = "", fieldName: string = name) => (
        <FormGroup label={label} fieldId={`cta-rule-${name}`}>
            <TextInput id={`cta-rule-${name}`} value={draft[name]} placeholder={placeholder}
                       validated={field === fieldName ? "error" : "default"}
                       onChange={(_e, v) => update({ [name]: v })} />
            <FieldError field={field} name={fieldName} message={message} />
        </FormGroup>
    );
    return (
        <Form isHorizontal onSubmit={e => e.preventDefault()} className="cta-rule-form">
            {text("name", _("Name"), _("Shown as the row's name"))}
            <FormGroup label={_("Count")} fieldId="cta-rule-kind">
                <FormSelect id="cta-rule-kind" value={draft.kind} onChange={(_e, v) => update({ kind: v as RuleDraft["kind"] })}>
                    {RULE_KINDS.map(k => <FormSelectOption key={k} value={k} label={kindLabel(k)} />)}
                </FormSelect>
            </FormGroup>
            {draft.kind === "address" && text("address", _("Address or subnet"), "192.0.2.0/24")}
            {draft.kind === "hosts" && text("subnet", _("Subnet"), "192.168.1.0/24")}
            {draft.kind === "hosts" && text("timeout", _("Forget a silent host after (seconds)"), "3600", "timeout_seconds")}
            {draft.kind === "port" &&
                <FormGroup label={_("Protocol")} fieldId="cta-rule-protocol">
                    <FormSelect id="cta-rule-protocol" value={draft.protocol} onChange={(_e, v) => update({ protocol: v as "tcp" | "udp" })}>
                        <FormSelectOption value="tcp" label="TCP" />
                        <FormSelectOption value="udp" label="UDP" />
                    </FormSelect>
                </FormGroup>}
            {draft.kind === "port" && text("port", _("Port"), "443")}
            {draft.kind === "interface" && text("interface", _("Interface"), "eth0")}
            <FormGroup label={_("Direction")} fieldId="cta-rule-direction">
                <FormSelect id="cta-rule-direction" value={draft.direction} validated={field === "direction" ? "error" : "default"}
                            onChange={(_e, v) => update({ direction: v as RuleDraft["direction"] })}>
                    {DIRECTIONS.map(d => <FormSelectOption key={d} value={d} label={directionLabel(d)} />)}
                </FormSelect>
                <FieldError field={field} name="direction" message={message} />
            </FormGroup>
            <FormGroup label={_("Traffic")} fieldId="cta-rule-hook">
                <FormSelect id="cta-rule-hook" value={draft.hook} onChange={(_e, v) => update({ hook: v as RuleDraft["hook"] })}>
                    {HOOKS.map(h => <FormSelectOption key={h} value={h} label={hookLabel(h)} />)}
                </FormSelect>
            </FormGroup>
            <FieldError field={field === "id" || field === "kind" ? "other" : null} name="other" message={message} />
        </Form>
    );
}
