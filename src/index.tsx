// SPDX-License-Identifier: LGPL-2.1-or-later
// Entry point: styles, theme, and the React root. po.js is loaded before this bundle, so the
// translations are registered by the time it runs; rendering waits for DOMContentLoaded only
// because this script runs from <head>, before <div id="app"> exists. The store's read starts
// right away, while the page is still being set up.
import "@patternfly/patternfly/patternfly-base.css";
import "./fonts.css";
import "./app.css";

import { createRoot } from "react-dom/client";
import { App } from "./app.tsx";
import { followShellTheme } from "./host/theme.ts";
import { currentView } from "./host/location.ts";
import { startEarlyRead } from "./traffic-data.ts";

performance.mark("cta:script");
const initialView = currentView();
startEarlyRead(initialView.timeframe, initialView.interval);

document.addEventListener("DOMContentLoaded", () => {
    performance.mark("cta:dom-ready");
    followShellTheme();
    const container = document.getElementById("app");
    if (container)
        createRoot(container).render(<App />);
});
