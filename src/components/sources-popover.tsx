// SPDX-License-Identifier: LGPL-2.1-or-later
// "N sources": which counter sources the helper found on this host, how many counters each has,
// and why a source is not used (not installed, switched off, needs administrative access).
import { Button, Popover } from "../pf.ts";
import { _, format } from "../host/i18n.ts";
import type { HelperStatus, SourceStatus } from "../host/status.ts";

function sourceName(key: string): string {
    switch (key) {
    case "nft_counters": return _("nftables named counters");
    case "nft_rules": return _("nftables rules with a counter and a comment");
    case "iptables": return _("iptables rules with a comment");
    case "ip6tables": return _("ip6tables rules with a comment");
    case "interfaces": return _("Network interfaces");
    default: return key;
    }
}

function sourceState(source: SourceStatus): string {
    switch (source.status) {
    case "ok": return format(_("$0 counters"), String(source.count));
    case "disabled": return _("switched off in the settings");
    case "missing": return _("tool not installed");
    case "needs-root": return _("needs administrative access to read");
    default: return source.note || source.status;
    }
}

export function SourcesPopover({ status }: { status: HelperStatus }) {
    const used = status.sources.filter(s => s.status === "ok").length;
    return (
        <Popover
            headerContent={_("Counter sources")}
            bodyContent={
                <ul className="cta-sources">
                    {status.sources.map(source => (
                        <li key={source.key}>
                            <strong>{sourceName(source.key)}</strong>{": "}{sourceState(source)}
                            {source.note && source.status === "ok" && <span className="cta-source-note">{` (${source.note})`}</span>}
                        </li>
                    ))}
                </ul>
            }
        >
            <Button variant="link" isInline className="cta-sources-toggle">
                {format(_("$0 of $1 sources in use"), String(used), String(status.sources.length))}
            </Button>
        </Popover>
    );
}
