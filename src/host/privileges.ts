// SPDX-License-Identifier: LGPL-2.1-or-later
// Whether this session may run the helper as root. Cockpit's shell keeps the answer on its
// internal D-Bus ("cockpit.Superuser" at /superuser, property Current: "none" when the session
// has no administrative access, "init" while it is being decided, else the method in use).
// A session of the root user has it without asking.
import { useEffect, useState } from "react";
import { cockpit } from "./cockpit.ts";

export type AdminAccess = "unknown" | "allowed" | "denied";

export function useAdminAccess(): AdminAccess {
    const [access, setAccess] = useState<AdminAccess>("unknown");

    useEffect(() => {
        let isRoot = false;
        const client = cockpit.dbus(null, { bus: "internal" });
        const proxy = client.proxy("cockpit.Superuser", "/superuser");
        const update = () => {
            const current = proxy.Current;
            if (isRoot)
                setAccess("allowed");
            else if (!proxy.valid || current === undefined || current === "init")
                setAccess("unknown");
            else
                setAccess(current === "none" ? "denied" : "allowed");
        };
        proxy.addEventListener("changed", update);
        cockpit.user().then(user => {
            isRoot = user.id === 0;
            update();
        }, () => update());
        proxy.wait().then(update, () => setAccess(isRoot ? "allowed" : "denied"));
        return () => {
            proxy.removeEventListener("changed", update);
            client.close();
        };
    }, []);

    return access;
}
