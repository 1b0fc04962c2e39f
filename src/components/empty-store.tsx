// SPDX-License-Identifier: LGPL-2.1-or-later
// The first thing a new user sees: nothing collected yet. Interface traffic is counted without
// any setup; accounting rules are one nft command away, shown ready to copy.
import { useState } from "react";
import { Button, EmptyState, EmptyStateBody, Content, Tooltip } from "../pf.ts";
import { CopyIcon } from "@patternfly/react-icons/dist/esm/icons/copy-icon.js";
import { ChartLineIcon } from "@patternfly/react-icons/dist/esm/icons/chart-line-icon.js";
import { _ } from "../host/i18n.ts";
import type { AdminAccess } from "../host/privileges.ts";

const NFT_EXAMPLE = [
    "nft add table inet accounting",
    "nft add chain inet accounting count '{ type filter hook forward priority -10; }'",
    "nft add rule inet accounting count tcp dport '{ 80, 443 }' counter comment '\"www in\"'",
    "nft add rule inet accounting count tcp sport '{ 80, 443 }' counter comment '\"www out\"'",
];

export function EmptyStore({ hasCollected, access, onCountPerHost }: {
    hasCollected: boolean; access: AdminAccess; onCountPerHost?: (() => void) | undefined;
}) {
    const reason = access === "allowed" ? null : _("This needs administrative access. Turn it on in the top bar (Limited access).");
    const perHost = (
        <Button variant="primary" onClick={onCountPerHost} isAriaDisabled={reason !== null || !onCountPerHost}>
            {_("Count per host in subnet …")}
        </Button>
    );
    return (
        <EmptyState titleText={_("No traffic data yet")} headingLevel="h2" icon={ChartLineIcon} className="cta-empty-store">
            <EmptyStateBody>
                <Content component="p">
                    {_("First step: count the traffic of each host in a subnet. The helper adds the counters itself, in a table of its own that never drops or accepts a packet.")}
                </Content>
                <div className="cta-first-step">{reason ? <Tooltip content={reason}>{perHost}</Tooltip> : perHost}</div>
                <Content component="p">
                    {hasCollected
                        ? _("The collector has run, but no counter has counted anything since.")
                        : _("Traffic through every network interface is counted as soon as the collector runs (every 5 minutes).")}
                </Content>
                <Content component="p">
                    {_("Or add nftables rules with a counter and a comment yourself. For example:")}
                </Content>
                {NFT_EXAMPLE.map(command => <CopyableCommand key={command} command={command} />)}
                <Content component="p">
                    {_("Named counters (nft add counter …) and iptables rules with -m comment --comment are counted too.")}
                </Content>
            </EmptyStateBody>
        </EmptyState>
    );
}

/** A command to paste into a root shell, with a button that copies it. */
function CopyableCommand({ command }: { command: string }) {
    const [copied, setCopied] = useState(false);
    const copy = () => {
        navigator.clipboard?.writeText(command).then(() => setCopied(true), () => setCopied(false));
    };
    return (
        <div className="cta-command">
            <code>{command}</code>
            <Tooltip content={copied ? _("Copied") : _("Copy")}>
                <Button variant="plain" icon={<CopyIcon />} aria-label={_("Copy")} onClick={copy}
                        onMouseLeave={() => setCopied(false)} />
            </Tooltip>
        </div>
    );
}
