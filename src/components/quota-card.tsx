// SPDX-License-Identifier: LGPL-2.1-or-later
// "Quotas": each quota's usage in its current billing cycle as the helper counted it at the last
// collection, a bar against the limit, and where the cycle ends at the rate so far. The helper
// runs alert_command at 80 % and 100 % whether or not anyone looks at this page.
import { Card, CardBody, CardHeader, CardTitle, Content, Progress, ProgressMeasureLocation } from "../pf.ts";
import { _, format } from "../host/i18n.ts";
import { percentOf, type QuotaView } from "../engine/quota.ts";

export function QuotaCard({ views, formatBytes, formatTime, now }: {
    views: QuotaView[]; formatBytes: (b: bigint) => string; formatTime: (t: number) => string; now: number;
}) {
    return (
        <Card className="cta-card cta-quotas">
            <CardHeader><CardTitle>{_("Quotas")}</CardTitle></CardHeader>
            <CardBody>
                {views.map(({ quota, usage }) => {
                    if (usage === null)
                        return (
                            <Content component="p" key={quota.name} className="cta-quota">
                                {format(_("$0: no usage yet; the helper counts it at the next collection."), quota.name)}
                            </Content>
                        );
                    const percent = percentOf(usage.used, usage.limit);
                    const variant = percent >= 100 ? "danger" : percent >= 80 ? "warning" : undefined;
                    const stale = now >= usage.cycle.to;
                    return (
                        <div key={quota.name} className="cta-quota" data-testid="quota">
                            <Progress title={quota.name} value={Math.min(100, percent)} measureLocation={ProgressMeasureLocation.outside}
                                      label={`${percent} %`} {...(variant ? { variant } : {})}
                                      aria-label={format(_("$0: $1 % of the quota used"), quota.name, String(percent))} />
                            <Content component="small">
                                {format(_("$0 of $1 in the billing cycle $2 – $3, as of $4."), formatBytes(usage.used), formatBytes(usage.limit),
                                        formatTime(usage.cycle.from), formatTime(usage.cycle.to), formatTime(usage.asOf))}
                                {" "}
                                {stale
                                    ? _("This cycle has ended; the next collection starts the new one.")
                                    : usage.projected === null
                                        ? _("A projection to the end of the cycle needs an hour of the cycle.")
                                        : format(_("At the rate so far: $0 by the end of the cycle ($1 %)."), formatBytes(usage.projected),
                                                 String(percentOf(usage.projected, usage.limit)))}
                            </Content>
                        </div>
                    );
                })}
            </CardBody>
        </Card>
    );
}
