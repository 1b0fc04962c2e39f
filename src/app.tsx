// SPDX-License-Identifier: LGPL-2.1-or-later
// The Traffic Accounting page: its frame and, until data arrives, its empty state.
import { Page, PageSection } from "@patternfly/react-core/dist/esm/components/Page/index.js";
import { Content } from "@patternfly/react-core/dist/esm/components/Content/index.js";
import { Card, CardBody } from "@patternfly/react-core/dist/esm/components/Card/index.js";
import { EmptyState, EmptyStateBody } from "@patternfly/react-core/dist/esm/components/EmptyState/index.js";
import { Title } from "@patternfly/react-core/dist/esm/components/Title/index.js";
import { ChartLineIcon } from "@patternfly/react-icons/dist/esm/icons/chart-line-icon.js";
import { _ } from "./host/i18n.ts";

export function App() {
    return (
        <Page className="no-masthead-sidebar" isContentFilled>
            <PageSection hasBodyWrapper={false}>
                <Title headingLevel="h1" size="2xl">{_("Traffic Accounting")}</Title>
                <Content component="p">
                    {_("Bytes and packets counted by each accounting rule, what they cost, and how they moved over time.")}
                </Content>
            </PageSection>
            <PageSection hasBodyWrapper={false} isFilled>
                <Card>
                    <CardBody>
                        <EmptyState titleText={_("No traffic data yet")} headingLevel="h2" icon={ChartLineIcon}>
                            <EmptyStateBody>
                                {_("Collected traffic appears here once the collector has run.")}
                            </EmptyStateBody>
                        </EmptyState>
                    </CardBody>
                </Card>
            </PageSection>
        </Page>
    );
}
