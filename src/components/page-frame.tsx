// SPDX-License-Identifier: LGPL-2.1-or-later
// The frame PatternFly's Page component would draw for a page without masthead or sidebar (the
// shell around the iframe has both), using PatternFly's own classes, without the Page component
// and the drawer and resize logic it carries along.
import type { ReactNode } from "react";

export function PageFrame({ children, toasts }: { children: ReactNode; toasts?: ReactNode }) {
    return (
        <div className="pf-v6-c-page pf-m-no-sidebar no-masthead-sidebar">
            {toasts}
            <div className="pf-v6-c-page__main-container pf-m-fill">
                <main className="pf-v6-c-page__main" tabIndex={-1}>
                    {children}
                </main>
            </div>
        </div>
    );
}
