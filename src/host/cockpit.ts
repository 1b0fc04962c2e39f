// SPDX-License-Identifier: LGPL-2.1-or-later
// Types for the part of cockpit.js this package uses, written from Cockpit's API documentation.
// cockpit.js is loaded by index.html from Cockpit itself ("../base1/cockpit.js") and sets the
// global `cockpit`; nothing of it is bundled. Only src/host/ may import this module.

/** Cockpit's promises are jQuery-style thenables with a few extra methods. */
export interface CockpitPromise<T> extends PromiseLike<T> {
    catch<R = never>(onRejected: (reason: CockpitError) => R | PromiseLike<R>): PromiseLike<T | R>;
    finally(onFinally: () => void): PromiseLike<T>;
}

export interface CockpitError {
    problem?: string | null;
    message: string;
    exit_status?: number | null;
    exit_signal?: number | null;
}

export interface SpawnOptions {
    superuser?: "require" | "try";
    err?: "out" | "ignore" | "message" | "pty";
    environ?: string[];
    directory?: string;
    binary?: false;
}

export interface SpawnProcess extends CockpitPromise<string> {
    stream(callback: (data: string) => void): SpawnProcess;
    input(data: string, stream?: boolean): SpawnProcess;
    close(problem?: string): void;
}

export interface FileOptions {
    superuser?: "require" | "try";
    syntax?: { parse(text: string): unknown; stringify(value: unknown): string };
    max_read_size?: number;
    /** true: content is a Uint8Array (the channel carries raw bytes). */
    binary?: boolean;
}

/** file.read() fulfils with two values: the content (null when the file does not exist) and its tag. */
export interface FileReadPromise<T> {
    then<R1 = T | null, R2 = never>(onFulfilled?: (content: T | null, tag: string) => R1 | PromiseLike<R1>,
                                    onRejected?: (error: CockpitError) => R2 | PromiseLike<R2>): PromiseLike<R1 | R2>;
}

export interface CockpitFile<T = string> {
    read(): FileReadPromise<T>;
    replace(content: T | null, expectedTag?: string): CockpitPromise<string>;
    watch(callback: (content: T | null, tag: string, error?: CockpitError) => void, options?: { read?: boolean }): { remove(): void };
    close(): void;
}

export interface CockpitLocation {
    readonly path: string[];
    readonly options: Record<string, string | string[]>;
    readonly href: string;
    go(path: string | string[], options?: Record<string, string | string[]>): void;
    replace(path: string | string[], options?: Record<string, string | string[]>): void;
}

export interface DBusProxy {
    readonly valid: boolean;
    wait(callback?: () => void): CockpitPromise<void>;
    addEventListener(event: "changed", listener: () => void): void;
    removeEventListener(event: "changed", listener: () => void): void;
    [property: string]: unknown;
}

export interface DBusClient {
    proxy(iface: string, path: string): DBusProxy;
    close(): void;
}

export interface CockpitUser {
    id: number;
    name: string;
    full_name: string;
    groups: string[];
}

export interface Cockpit {
    gettext(message: string): string;
    gettext(context: string, message: string): string;
    ngettext(singular: string, plural: string, n: number): string;
    format(template: string, ...args: (string | number)[]): string;
    locale(po: Record<string, unknown>): void;
    readonly language: string;
    readonly location: CockpitLocation;
    readonly transport: { readonly host: string };
    file(path: string, options: FileOptions & { binary: true }): CockpitFile<Uint8Array<ArrayBuffer>>;
    file(path: string, options?: FileOptions): CockpitFile;
    spawn(argv: string[], options?: SpawnOptions): SpawnProcess;
    dbus(name: string | null, options?: { bus?: "internal" | "system" | "session"; superuser?: "try" | "require" }): DBusClient;
    user(): CockpitPromise<CockpitUser>;
    addEventListener(event: "locationchanged" | "visibilitychange", listener: () => void): void;
    removeEventListener(event: "locationchanged" | "visibilitychange", listener: () => void): void;
}

function loadedCockpit(): Cockpit {
    const global = globalThis as typeof globalThis & { cockpit?: Cockpit };
    if (!global.cockpit)
        throw new Error("cockpit.js is not loaded: open this page inside Cockpit");
    return global.cockpit;
}

export const cockpit: Cockpit = loadedCockpit();
