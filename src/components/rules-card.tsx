// SPDX-License-Identifier: LGPL-2.1-or-later
// "Accounting rules": what the helper counts in its own nft table (docs/configuration.md,
// "Rules"). Everybody sees the list and the nft script; adding, editing and deleting need
// administrative access, and their buttons are not there without it.
import { useEffect, useState } from "react";
import {
    Alert, Button, Card, CardBody, CardHeader, CardTitle, Content, Flex, Modal, ModalBody, ModalFooter, ModalHeader,
    Spinner, Table, Tbody, Td, Th, Thead, Tr,
} from "../pf.ts";
import { _, format } from "../host/i18n.ts";
import type { ConfigText } from "../host/config.ts";
import type { AdminAccess } from "../host/privileges.ts";
import { previewScript } from "../host/rules.ts";
import type { ParsedConfig } from "../config-model.ts";
import { draftOf, emptyDraft, type RuleDraft } from "../rules-model.ts";
import { RuleDialog } from "./rule-dialog.tsx";
import { directionLabel, hookLabel, ruleSummary } from "./rule-words.ts";

export interface RulesCardProps {
    config: ConfigText;
    parsed: ParsedConfig;
    access: AdminAccess;
    /** A draft to open the add dialog with (the empty state's first step), or null. */
    request: RuleDraft | null;
    onRequestTaken: () => void;
    /** After the file was written: with the toast's text when the rules were applied. */
    onChanged: (applied: string | null) => void;
}

type Open = { index: number; draft: RuleDraft | null } | "script" | null;

export function RulesCard({ config, parsed, access, request, onRequestTaken, onChanged }: RulesCardProps) {
    const [open, setOpen] = useState<Open>(null);
    const rules = parsed.settings.rules;
    const canEdit = access === "allowed" && parsed.errors.length === 0;

    useEffect(() => {
        if (request === null)
            return;
        if (canEdit)
            setOpen({ index: rules.length, draft: request });
        onRequestTaken();
    }, [request, canEdit, rules.length, onRequestTaken]);

    return (
        <Card className="cta-card cta-rules-card">
            <CardHeader actions={{
                actions: <>
                    <Button variant="secondary" onClick={() => setOpen("script")}>{_("Show nft script")}</Button>
                    {canEdit && <Button variant="primary" onClick={() => setOpen({ index: rules.length, draft: emptyDraft(rules) })}>{_("Add rule…")}</Button>}
                </>,
                hasNoOffset: true,
            }}>
                <CardTitle>{_("Accounting rules")}</CardTitle>
            </CardHeader>
            <CardBody>
                {access !== "allowed" &&
                    <Content component="p" className="cta-muted">
                        {_("Adding, changing and deleting rules needs administrative access. Turn it on in the top bar (Limited access).")}
                    </Content>}
                {rules.length === 0
                    ? <Content component="p" className="cta-no-rows">
                        {_("No rules yet. A rule counts the traffic of an address, of each host in a subnet, of a port or of an interface, without changing the firewall.")}
                    </Content>
                    : <Table aria-label={_("Accounting rules")} variant="compact" className="cta-rules-table">
                        <Thead>
                            <Tr>
                                <Th>{_("Name")}</Th>
                                <Th>{_("Counts")}</Th>
                                <Th>{_("Direction")}</Th>
                                <Th>{_("Traffic")}</Th>
                                {canEdit && <Th screenReaderText={_("Actions")} />}
                            </Tr>
                        </Thead>
                        <Tbody>
                            {rules.map((rule, i) => (
                                <Tr key={rule.id}>
                                    <Td dataLabel={_("Name")}>{rule.name}</Td>
                                    <Td dataLabel={_("Counts")}>{ruleSummary(rule)}</Td>
                                    <Td dataLabel={_("Direction")}>{directionLabel(rule.direction)}</Td>
                                    <Td dataLabel={_("Traffic")}>{hookLabel(rule.hook)}</Td>
                                    {canEdit &&
                                        <Td isActionCell>
                                            <Flex spaceItems={{ default: "spaceItemsSm" }} flexWrap={{ default: "nowrap" }}>
                                                <Button variant="secondary" size="sm" aria-label={format(_("Edit $0"), rule.name)}
                                                        onClick={() => setOpen({ index: i, draft: draftOf(rule) })}>{_("Edit")}</Button>
                                                <Button variant="secondary" isDanger size="sm" aria-label={format(_("Delete $0"), rule.name)}
                                                        onClick={() => setOpen({ index: i, draft: null })}>{_("Delete")}</Button>
                                            </Flex>
                                        </Td>}
                                </Tr>
                            ))}
                        </Tbody>
                    </Table>}
            </CardBody>
            {open === "script" && <ScriptDialog text={config.text ?? ""} onClose={() => setOpen(null)} />}
            {open !== null && open !== "script" &&
                <RuleDialog config={config} parsed={parsed} index={open.index} draft={open.draft} onClose={(applied, wrote) => {
                    setOpen(null);
                    if (wrote)
                        onChanged(applied);
                }} />}
        </Card>
    );
}

/** The configured rules' script, as `cta-helper rules show` prints it (no privileges needed). */
function ScriptDialog({ text, onClose }: { text: string; onClose: () => void }) {
    const [script, setScript] = useState<string | null>(null);
    const [error, setError] = useState<string | null>(null);
    useEffect(() => {
        previewScript(text).then(setScript, (e: Error) => setError(e.message));
    }, [text]);
    return (
        <Modal isOpen onClose={onClose} variant="medium" aria-labelledby="cta-script-title">
            <ModalHeader title={_("nft script of the rules")} labelId="cta-script-title"
                         description={_("What cta-helper rules apply loads, in one transaction.")} />
            <ModalBody>
                {error
                    ? <Alert isInline variant="danger" title={_("The script could not be made")}><pre className="cta-helper-output">{error}</pre></Alert>
                    : script === null ? <Spinner size="md" aria-label={_("Making the script…")} /> : <pre className="cta-script">{script}</pre>}
            </ModalBody>
            <ModalFooter>
                <Button variant="primary" onClick={onClose}>{_("Close")}</Button>
            </ModalFooter>
        </Modal>
    );
}
