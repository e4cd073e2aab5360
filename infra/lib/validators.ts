// Format rules for individual configuration values. Each returns a description of what is wrong, or undefined.

import { ACS_CHAT_EVENT_TYPES } from "./catalog";
import { isPemPrivateKey } from "./pem";
import { shown } from "./problems";

export function checkBundleId(value: string): string | undefined {
    if (/\.voip$/i.test(value)) {
        return "must be the plain app bundle id; the '.voip' calls hub name is derived from it";
    }
    if (value.length > 155) {
        return `is ${value.length} characters long; a bundle id has at most 155`;
    }
    if (!/^[A-Za-z][A-Za-z0-9-]*(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$/.test(value)) {
        return "must be a reverse-DNS bundle id: two or more dot-separated segments of letters, digits and hyphens";
    }
    return undefined;
}

/** Apple Team ID and Key ID share one shape. */
export function checkAppleId(value: string, what: "Team ID" | "Key ID"): string | undefined {
    return /^[A-Z0-9]{10}$/.test(value)
        ? undefined
        : `must be the 10-character Apple ${what} (upper-case letters and digits)`;
}

export function checkPemPrivateKey(value: string, what: string): string | undefined {
    // The value is a secret: the message never repeats it.
    return isPemPrivateKey(value)
        ? undefined
        : `must be the ${what} as a PEM block ('-----BEGIN PRIVATE KEY-----' ... '-----END PRIVATE KEY-----'), ` +
              "multi-line or on one line with \\n escapes";
}

/** Google Cloud project ids: 6-30 characters, lower-case letters, digits and hyphens, starting with a letter. */
export function checkFcmProjectId(value: string): string | undefined {
    return /^[a-z][a-z0-9-]{4,28}[a-z0-9]$/.test(value)
        ? undefined
        : "must be a Firebase/Google Cloud project id: 6-30 lower-case letters, digits and hyphens, starting with a letter";
}

export function checkFcmClientEmail(value: string): string | undefined {
    return /^[a-z0-9][a-z0-9._-]*@[a-z][a-z0-9-]*\.iam\.gserviceaccount\.com$/.test(value)
        ? undefined
        : "must be a service-account e-mail ending in .iam.gserviceaccount.com";
}

/** Name prefix: short, lower-case, so every derived name stays within its Azure limit. */
export function checkNamePrefix(value: string): string | undefined {
    return /^[a-z][a-z0-9]{1,9}$/.test(value)
        ? undefined
        : "must be 2-10 lower-case letters and digits, starting with a letter";
}

export function checkEnvironment(value: string): string | undefined {
    return /^[a-z0-9]{1,8}$/.test(value) ? undefined : "must be 1-8 lower-case letters and digits";
}

export function checkUniqueSuffix(value: string): string | undefined {
    return /^[a-z0-9]{4,8}$/.test(value) ? undefined : "must be 4-8 lower-case letters and digits";
}

/** Case-insensitive lookup that tells the user the canonical spelling. */
export function checkOneOf(value: string, allowed: readonly string[], what: string): string | undefined {
    if (allowed.includes(value)) {
        return undefined;
    }
    const near = allowed.find((a) => a.toLowerCase() === value.toLowerCase());
    return near !== undefined
        ? `must be spelled '${near}'`
        : `is not a known ${what}; allowed: ${allowed.join(", ")}`;
}

export function checkLocation(value: string, allowed: readonly string[]): string | undefined {
    if (allowed.includes(value)) {
        return undefined;
    }
    // Stryker disable next-line Regex: removing each run of white space or each white-space character gives the same text
    const compact = value.toLowerCase().replace(/\s+/g, "");
    return allowed.includes(compact)
        ? `must be the ARM region name '${compact}', not the display name`
        : "is not a known Azure region name (use the ARM name, e.g. from `az account list-locations -o table`)";
}

export function checkIntegerRange(value: number, min: number, max: number): string | undefined {
    return Number.isInteger(value) && value >= min && value <= max
        ? undefined
        : `must be a whole number from ${min} to ${max}`;
}

/** Tag rules shared by every Azure resource type the program tags (storage accounts are the strictest). */
export function checkTag(name: string, value: string): string | undefined {
    if (name.length === 0 || name.length > 128) {
        return `tag name '${name}' must be 1-128 characters`;
    }
    if (/[<>%&\\?/]/.test(name)) {
        return `tag name '${name}' must not contain < > % & \\ ? /`;
    }
    if (value.length > 256) {
        return `value of tag '${name}' must be at most 256 characters`;
    }
    return undefined;
}

/** Tags the program sets on every resource; configured tags may not override them. */
export const FIXED_TAG_NAMES = ["environment", "managed-by", "project"] as const;

/** Azure allows 50 tags per resource. */
const MAX_TAGS = 50;

/** `name=value` split at the first `=`, both sides trimmed; undefined when there is no name. */
export function splitTag(entry: string): { name: string; value: string } | undefined {
    const eq = entry.indexOf("=");
    return eq <= 0 ? undefined : { name: entry.slice(0, eq).trim(), value: entry.slice(eq + 1).trim() };
}

/** The configured tags (`name=value` entries): one problem per bad entry, and the total against Azure's limit. */
export function checkTags(entries: readonly string[]): string[] {
    const problems: string[] = [];
    const names = new Set<string>(FIXED_TAG_NAMES);
    for (const entry of entries) {
        const tag = splitTag(entry);
        const problem =
            tag === undefined
                ? `entry ${shown(entry)} must have the form name=value`
                : (FIXED_TAG_NAMES as readonly string[]).includes(tag.name.toLowerCase())
                  ? `tag '${tag.name}' is set by the program and cannot be overridden`
                  : checkTag(tag.name, tag.value);
        if (problem !== undefined) {
            problems.push(problem);
        } else {
            names.add(tag!.name);
        }
    }
    if (names.size > MAX_TAGS) {
        problems.push(`adds up to ${names.size} tags; Azure allows ${MAX_TAGS} per resource`);
    }
    return problems;
}

/** The chat event types to subscribe to: at least one, each known, none twice. */
export function checkChatEventTypes(types: readonly string[]): string[] {
    if (types.length === 0) {
        return ["must name at least one event type"];
    }
    const problems = types
        .map((type) => (type === "" ? "must not contain empty entries" : checkOneOf(type, ACS_CHAT_EVENT_TYPES, "ACS chat event type")))
        .filter((p): p is string => p !== undefined);
    if (new Set(types).size !== types.length) {
        problems.push("must not list an event type twice");
    }
    return problems;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A Microsoft Entra directory (tenant) id. */
export function checkTenantId(value: string): string | undefined {
    return GUID.test(value) ? undefined : "must be the directory (tenant) id, a GUID (not the domain name)";
}

/** Token audiences: the API's Application ID URI (`api://…` or https) or its application (client) id. */
export function checkAudiences(entries: readonly string[]): string[] {
    return entries
        .map((entry, i) =>
            GUID.test(entry) || /^(api|https):\/\/[^\s]+$/.test(entry)
                ? undefined
                : `entry ${i + 1} (${shown(entry)}) must be an Application ID URI (api://… or https://…) or an application (client) id GUID`,
        )
        .filter((m): m is string => m !== undefined);
}

/** Allowed callers: object ids or application (client) ids, all GUIDs, no duplicates. */
export function checkCallerIds(entries: readonly string[]): string[] {
    const problems = entries
        .map((entry, i) => (GUID.test(entry) ? undefined : `entry ${i + 1} (${shown(entry)}) must be an object id or application (client) id, a GUID`))
        .filter((m): m is string => m !== undefined);
    // Stryker disable next-line MethodExpression: folding to upper case finds the same duplicates as folding to lower case
    const lower = entries.map((e) => e.toLowerCase());
    if (new Set(lower).size !== lower.length) problems.push("lists an id more than once");
    return problems;
}
