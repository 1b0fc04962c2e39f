// SPDX-License-Identifier: LGPL-2.1-or-later
// The view lives in the URL (cockpit.location), so a view can be bookmarked, shared and
// reloaded: /traffic-accounting#/?timeframe=last%20month&filter=%5Ewww
import { useCallback, useEffect, useState } from "react";
import { cockpit } from "./cockpit.ts";
import { heldSelection, viewFromLocation, viewToLocation, type ViewState } from "../view-state.ts";

// A selection too long for the URL (view-state.ts, MAX_URL_RULES), kept while the page is open.
let held: string[] = [];

export function currentView(): ViewState {
    const view = viewFromLocation(cockpit.location.options);
    const count = heldSelection(cockpit.location.options);
    return count > 0 && held.length === count ? { ...view, selected: held } : view;
}

/**
 * The current view and a setter. `push` makes a history entry (a new timeframe, a zoom), so the
 * browser's Back button returns to the previous view; other changes (typing a filter) replace it.
 */
export function useViewState(): [ViewState, (change: Partial<ViewState>, push?: boolean) => void] {
    const [view, setView] = useState<ViewState>(currentView);

    useEffect(() => {
        const changed = () => setView(currentView());
        cockpit.addEventListener("locationchanged", changed);
        return () => cockpit.removeEventListener("locationchanged", changed);
    }, []);

    const update = useCallback((change: Partial<ViewState>, push = false) => {
        const next = { ...currentView(), ...change };
        held = viewToLocation(next).sel === undefined ? [] : next.selected;
        setView(next);
        if (push)
            cockpit.location.go([], viewToLocation(next));
        else
            cockpit.location.replace([], viewToLocation(next));
    }, []);

    return [view, update];
}
