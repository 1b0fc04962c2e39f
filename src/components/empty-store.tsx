// SPDX-License-Identifier: LGPL-2.1-or-later
// The first thing a new user sees: nothing collected yet. Interface traffic is counted without
// any setup; accounting rules are one nft command away, shown ready to copy.
import { ClipboardCopy, EmptyState, EmptyStateBody, Content } from "../pf.ts";
import { ChartLineIcon } from "@patternfly/react-icons/dist/esm/icons/chart-line-icon.js";
import { _ } from "../host/i18n.ts";

const NFT_EXAMPLE = [
    "nft add table inet accounting",
    "nft add chain inet accounting count '{ type filter hook forward priority -10; }'",
    "nft add rule inet accounting count tcp dport '{ 80, 443 }' counter comment '\"www in\"'",
    "nft add rule inet accounting count tcp sport '{ 80, 443 }' counter comment '\"www out\"'",
];

export function EmptyStore({ hasCollected }: { hasCollected: boolean }) {
    return (
        <EmptyState titleText={_("No traffic data yet")} headingLevel="h2" icon={ChartLineIcon} className="cta-empty-store">
            <EmptyStateBody>
                <Content component="p">
                    {hasCollected
                        ? _("The collector has run, but no counter has counted anything since.")
                        : _("Traffic through every network interface is counted as soon as the collector runs (every 5 minutes).")}
                </Content>
                <Content component="p">
                    {_("To account traffic per service or customer, add nftables rules with a counter and a comment. For example:")}
                </Content>
                {NFT_EXAMPLE.map(command => (
                    <ClipboardCopy key={command} isReadOnly hoverTip={_("Copy")} clickTip={_("Copied")} className="cta-command">
                        {command}
                    </ClipboardCopy>
                ))}
                <Content component="p">
                    {_("Named counters (nft add counter …) and iptables rules with -m comment --comment are counted too.")}
                </Content>
            </EmptyStateBody>
        </EmptyState>
    );
}
