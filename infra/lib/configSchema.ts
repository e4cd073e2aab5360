// The shape of a configuration key's declaration (the keys themselves: ./configKeys.ts).

/** Where a key is listed: a comment group in Pulumi.yaml and a table in docs/configuration.md. */
export const CONFIG_SECTIONS = {
    naming: "Naming and placement",
    tags: "Tags",
    services: "Communication Services and Notification Hubs",
    credentials: "Mobile app and push credentials",
    events: "Event delivery",
    functionApp: "Function app",
    monitoring: "Monitoring",
} as const;
export type ConfigSection = keyof typeof CONFIG_SECTIONS;

interface KeyBase {
    key: string;
    section: ConfigSection;
    /** One sentence: what the key sets (Pulumi.yaml, the README and the docs). */
    description: string;
    /** The rule in words (docs/configuration.md). */
    rule: string;
    /** A valid value, shown in error messages and the docs. */
    example: string;
    /** Set with `pulumi config set --secret`; never committed, never printed. */
    secret?: boolean;
    /** What the docs say instead of the literal default (e.g. what an empty value means). */
    defaultText?: string;
}

/** Absent `default`: the key is required. Checks run on values that are set and of the right type. */
export interface StringKey extends KeyBase {
    type: "string";
    default?: string;
    check?: (value: string) => string | undefined;
}
export interface IntegerKey extends KeyBase {
    type: "integer";
    default?: number;
    min: number;
    max: number;
    check?: (value: number) => string | undefined;
}
export interface BooleanKey extends KeyBase {
    type: "boolean";
    default?: boolean;
}
export interface ArrayKey extends KeyBase {
    type: "array";
    default?: readonly string[];
    /** Every problem of the list (one per bad entry). */
    check?: (entries: readonly string[]) => readonly string[];
}
export type ConfigKey = StringKey | IntegerKey | BooleanKey | ArrayKey;
export type ConfigType = ConfigKey["type"];

/** The value a key of the type holds once read. */
export type ValueOf<T extends ConfigType> = T extends "string" ? string : T extends "integer" ? number : T extends "boolean" ? boolean : string[];
