// SPDX-License-Identifier: LGPL-2.1-or-later
// Entry point: styles, theme, and the React root. Rendering waits for DOMContentLoaded so that
// po.js (loaded after this bundle) has registered the translations first.
import "@patternfly/patternfly/patternfly-base.css";
import "./fonts.css";
import "./app.css";

import { createRoot } from "react-dom/client";
import { App } from "./app.tsx";
import { followShellTheme } from "./host/theme.ts";

document.addEventListener("DOMContentLoaded", () => {
    followShellTheme();
    const container = document.getElementById("app");
    if (container)
        createRoot(container).render(<App />);
});
