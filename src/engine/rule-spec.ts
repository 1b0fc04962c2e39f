// SPDX-License-Identifier: LGPL-2.1-or-later
// The configuration's `rules` key (docs/configuration.md), read by the same rules and with the
// same first message as the helper's helper/cta/rulespec.py; both run the shared cases of
// test/fixtures/config/rule-cases.json. A rule's name becomes an nft comment: it may hold no
// character that could end nft's quoted string or a line.
import { isObject, object, ValueProblem, whole } from "./json-values.ts";

export const RULE_KINDS = ["address", "hosts", "port", "interface"] as const;
export type RuleKind = typeof RULE_KINDS[number];
export const DIRECTIONS = ["in", "out", "both"] as const;
export type Direction = typeof DIRECTIONS[number];
export const HOOKS = ["input", "output", "forward"] as const;
export type Hook = typeof HOOKS[number];
export const PROTOCOLS = ["tcp", "udp"] as const;

const KIND_KEYS: Record<RuleKind, readonly string[]> = {
    address: ["id", "name", "kind", "address", "direction", "hook"],
    hosts: ["id", "name", "kind", "subnet", "direction", "hook", "timeout_seconds"],
    port: ["id", "name", "kind", "protocol", "port", "direction", "hook"],
    interface: ["id", "name", "kind", "interface", "direction", "hook"],
};
export const MAX_RULES = 200;
export const NAME_BYTES = 100;
const MAX_TIMEOUT = 30 * 86400;
const MIN_TIMEOUT = 3600;

const ID = /^[a-z][a-z0-9_]{0,23}$/;
// quotes, backslashes, C0/C1 controls, DEL, U+2028/U+2029 and lone surrogates (paired ones are
// matched as a whole by the u flag, so only lone halves match)
// eslint-disable-next-line no-control-regex -- control characters are what it refuses
const NAME_BAD = /["\\\u0000-\u001f\u007f-\u009f\u2028\u2029]|[\ud800-\udfff]/u;
const IFNAME = /^[A-Za-z0-9_.+-]{1,15}$/;
const OCTET = "(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])";
const IPV4 = new RegExp(`^${OCTET}(?:\\.${OCTET}){3}$`);
const HEXTET = /^[0-9A-Fa-f]{1,4}$/;
const PREFIX = /^(?:0|[1-9][0-9]{0,2})$/;

export const ID_MESSAGE = "must be 1 to 24 lowercase letters, digits or \"_\", starting with a letter";
export const NAME_MESSAGE = `must be a name of 1 to ${NAME_BYTES} bytes (UTF-8) without quotes ("), backslashes, line breaks or other control characters`;
const ADDRESS_MESSAGE = "must be an IPv4 or IPv6 address or subnet such as 192.0.2.0/24 or 2001:db8::/48";
const HOSTS_MESSAGE = "must be an IPv4 subnet from /16 to /32 or an IPv6 subnet from /48 to /64";
const HOST_BITS = "has bits set after its prefix length";
const IFNAME_MESSAGE = "must be an interface name of 1 to 15 letters, digits, \"_\", \".\", \"+\" or \"-\"";

export interface Network {
    family: "ip" | "ip6";
    text: string;
    length: number;
}

/** A rule as the configuration file holds it (the page writes these back unchanged in form). */
export interface RuleConfig {
    id: string;
    name: string;
    kind: RuleKind;
    direction: Direction;
    hook: Hook;
    address?: string;
    subnet?: string;
    timeout_seconds?: number;
    protocol?: "tcp" | "udp";
    port?: number;
    interface?: string;
}

/** A rule as checked: what the helper turns into nft statements. */
export interface Rule {
    id: string;
    name: string;
    kind: RuleKind;
    direction: Direction;
    hook: Hook;
    network: Network | null;
    protocol: string;
    port: number;
    interface: string;
    timeoutSeconds: number;
    /** Whether the file gave timeout_seconds; if not, the default follows interval_seconds. */
    timeoutGiven: boolean;
}

function v6Value(text: string): bigint | null {
    const parts = text.split("::");
    if (parts.length > 2)
        return null;
    let groups: string[];
    if (parts.length === 2) {
        const left = parts[0] === "" ? [] : (parts[0] as string).split(":");
        const right = parts[1] === "" ? [] : (parts[1] as string).split(":");
        if (left.length + right.length > 7)
            return null;
        groups = [...left, ...Array<string>(8 - left.length - right.length).fill("0"), ...right];
    } else {
        groups = text.split(":");
        if (groups.length !== 8)
            return null;
    }
    if (!groups.every(g => HEXTET.test(g)))
        return null;
    return groups.reduce((value, g) => (value << 16n) | BigInt(parseInt(g, 16)), 0n);
}

/** An address (a /32 or /128) or a subnet whose address has no bits after the prefix. */
export function parseNetwork(v: unknown, path: string, message = ADDRESS_MESSAGE): Network {
    if (typeof v !== "string")
        throw new ValueProblem(path, message);
    const slash = v.indexOf("/");
    const addr = slash < 0 ? v : v.slice(0, slash);
    const lengthText = slash < 0 ? null : v.slice(slash + 1);
    let family: "ip" | "ip6";
    let bits: number;
    let value: bigint;
    if (IPV4.test(addr)) {
        family = "ip";
        bits = 32;
        value = addr.split(".").reduce((acc, part) => (acc << 8n) | BigInt(Number(part)), 0n);
    } else {
        const v6 = addr.includes(":") ? v6Value(addr) : null;
        if (v6 === null)
            throw new ValueProblem(path, message);
        family = "ip6";
        bits = 128;
        value = v6;
    }
    let length = bits;
    if (lengthText !== null) {
        if (!PREFIX.test(lengthText) || Number(lengthText) > bits)
            throw new ValueProblem(path, message);
        length = Number(lengthText);
    }
    if ((value & ((1n << BigInt(bits - length)) - 1n)) !== 0n)
        throw new ValueProblem(path, HOST_BITS);
    return { family, text: v.toLowerCase(), length };
}

function utf8Bytes(s: string): number {
    return new TextEncoder().encode(s).length;
}

/** Whether a name may be a rule's name (the message is NAME_MESSAGE). */
export function nameProblem(v: unknown): boolean {
    return typeof v !== "string" || v.replace(/^ +| +$/g, "") === "" || NAME_BAD.test(v) || utf8Bytes(v) > NAME_BYTES;
}

function choice<T extends string>(v: unknown, path: string, choices: readonly T[]): T {
    if (typeof v === "string" && (choices as readonly string[]).includes(v))
        return v as T;
    const words = choices.map(c => `"${c}"`);
    throw new ValueProblem(path, `must be ${words.slice(0, -1).join(", ")} or ${words[words.length - 1]}`);
}

function required(o: Record<string, unknown>, key: string, path: string): unknown {
    if (!(key in o))
        throw new ValueProblem(`${path}.${key}`, "is required");
    return o[key];
}

export function parseRule(v: unknown, path: string, intervalSeconds: number): Rule {
    if (!isObject(v))
        throw new ValueProblem(path, "must be an object");
    const kind = choice(Object.prototype.hasOwnProperty.call(v, "kind") ? v.kind : undefined, `${path}.kind`, RULE_KINDS);
    const o = object(v, path, KIND_KEYS[kind]);
    const id = required(o, "id", path);
    if (typeof id !== "string" || !ID.test(id))
        throw new ValueProblem(`${path}.id`, ID_MESSAGE);
    const name = required(o, "name", path);
    if (nameProblem(name))
        throw new ValueProblem(`${path}.name`, NAME_MESSAGE);
    const rule: Rule = { id, name: name as string, kind, direction: "in", hook: "input", network: null, protocol: "", port: 0, interface: "", timeoutSeconds: 0, timeoutGiven: false };
    if (kind === "address") {
        rule.network = parseNetwork(required(o, "address", path), `${path}.address`);
    } else if (kind === "hosts") {
        const net = parseNetwork(required(o, "subnet", path), `${path}.subnet`, HOSTS_MESSAGE);
        if (!(net.family === "ip" ? net.length >= 16 && net.length <= 32 : net.length >= 48 && net.length <= 64))
            throw new ValueProblem(`${path}.subnet`, HOSTS_MESSAGE);
        rule.network = net;
        const low = 2 * intervalSeconds;
        rule.timeoutSeconds = Math.max(MIN_TIMEOUT, low);
        if ("timeout_seconds" in o) {
            rule.timeoutGiven = true;
            rule.timeoutSeconds = whole(o.timeout_seconds, `${path}.timeout_seconds`, 20, MAX_TIMEOUT);
            if (rule.timeoutSeconds < low)
                throw new ValueProblem(`${path}.timeout_seconds`, `must be at least twice interval_seconds (${low}): an element that times out between two collections loses what it counted`);
        }
    } else if (kind === "port") {
        rule.protocol = choice(required(o, "protocol", path), `${path}.protocol`, PROTOCOLS);
        rule.port = whole(required(o, "port", path), `${path}.port`, 1, 65535);
    } else {
        const ifname = required(o, "interface", path);
        if (typeof ifname !== "string" || !IFNAME.test(ifname))
            throw new ValueProblem(`${path}.interface`, IFNAME_MESSAGE);
        rule.interface = ifname;
    }
    rule.direction = choice(required(o, "direction", path), `${path}.direction`, DIRECTIONS);
    rule.hook = choice(required(o, "hook", path), `${path}.hook`, HOOKS);
    if (kind === "interface" && rule.hook !== "forward") {
        // the input hook knows no outgoing interface, the output hook no incoming one
        const need = rule.hook === "input" ? "in" : "out";
        if (rule.direction !== need)
            throw new ValueProblem(`${path}.direction`, `must be "${need}" with hook ${rule.hook}`);
    }
    return rule;
}

export function parseRules(value: unknown, intervalSeconds: number, path = "rules"): Rule[] {
    if (!Array.isArray(value) || value.length > MAX_RULES)
        throw new ValueProblem(path, `must be a list of at most ${MAX_RULES} rules`);
    const ids = new Set<string>();
    return value.map((item: unknown, i) => {
        const rule = parseRule(item, `${path}[${i}]`, intervalSeconds);
        if (ids.has(rule.id))
            throw new ValueProblem(`${path}[${i}].id`, "is used by another rule");
        ids.add(rule.id);
        return rule;
    });
}

/** The rule as the file holds it: only the keys of its kind. */
export function ruleConfig(rule: Rule): RuleConfig {
    const out: RuleConfig = { id: rule.id, name: rule.name, kind: rule.kind, direction: rule.direction, hook: rule.hook };
    if (rule.kind === "address")
        out.address = rule.network?.text ?? "";
    else if (rule.kind === "hosts") {
        out.subnet = rule.network?.text ?? "";
        if (rule.timeoutGiven)
            out.timeout_seconds = rule.timeoutSeconds;
    } else if (rule.kind === "port") {
        out.protocol = rule.protocol as "tcp" | "udp";
        out.port = rule.port;
    } else
        out.interface = rule.interface;
    return out;
}
