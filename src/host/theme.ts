// SPDX-License-Identifier: LGPL-2.1-or-later
// Follows the shell's light/dark choice. The shell keeps it in localStorage ("shell:style":
// "auto", "light" or "dark"), tells open frames with a "cockpit-style" event, and "auto" follows
// the browser's colour scheme. PatternFly 6 switches on the pf-v6-theme-dark class.
const DARK_CLASS = "pf-v6-theme-dark";
const STYLE_KEY = "shell:style";

function wantsDark(style: string | null): boolean {
    if (style === "dark")
        return true;
    if (style === "light")
        return false;
    return window.matchMedia?.("(prefers-color-scheme: dark)").matches ?? false;
}

function apply(style: string | null): void {
    document.documentElement.classList.toggle(DARK_CLASS, wantsDark(style));
}

export function followShellTheme(): void {
    const stored = (): string | null => window.localStorage.getItem(STYLE_KEY);
    window.addEventListener("storage", event => {
        if (event.key === STYLE_KEY)
            apply(stored());
    });
    window.addEventListener("cockpit-style", event => {
        const detail = (event as CustomEvent<{ style?: string }>).detail;
        apply(detail?.style ?? stored());
    });
    window.matchMedia?.("(prefers-color-scheme: dark)").addEventListener("change", () => apply(stored()));
    apply(stored());
}
