// Every configuration key the program reads, declared once: name, type, default, secrecy, description, rule
// (in words for the docs, as a check for the program) and a valid example. Pulumi.yaml's `config:` block and
// the key tables of docs/configuration.md and README.md are generated from this list by
// `npm run config:docs`; tests/infra/config fails when one of them differs.

import { checkAzureName } from "./azureNames";
import {
    ACS_CHAT_EVENT_TYPES,
    ACS_DATA_LOCATIONS,
    APNS_ENVIRONMENTS,
    AZURE_LOCATIONS,
    DEFAULT_CHAT_EVENT_TYPES,
    FLEX_INSTANCE_MEMORY_MB,
    NOTIFICATION_HUBS_SKUS,
} from "./catalog";
import {
    checkAppleId,
    checkBundleId,
    checkEnvironment,
    checkFcmClientEmail,
    checkFcmProjectId,
    checkLocation,
    checkNamePrefix,
    checkOneOf,
    checkPemPrivateKey,
    checkTags,
    checkUniqueSuffix,
} from "./validators";

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

const oneOf = (allowed: readonly string[], what: string) => (value: string) => checkOneOf(value, allowed, what);

const DECLARED = [
    {
        key: "environment",
        section: "naming",
        type: "string",
        description: "Environment name used in resource names and the `environment` tag; empty = derived from the stack name.",
        rule: "1-8 lower-case letters and digits; used in names and the `environment` tag",
        default: "",
        defaultText: '`""` = the stack name, lower-cased, letters and digits only',
        example: "dev",
        check: checkEnvironment,
    },
    {
        key: "namePrefix",
        section: "naming",
        type: "string",
        description: "Prefix of every derived resource name (2-10 lower-case letters and digits).",
        rule: "2-10 lower-case letters and digits, starting with a letter",
        default: "acspush",
        example: "contoso",
        check: checkNamePrefix,
    },
    {
        key: "uniqueSuffix",
        section: "naming",
        type: "string",
        description: "Suffix of the globally unique names (ACS, hub namespace, storage, function app); empty = a hash of prefix, environment and bundle id.",
        rule: "4-8 lower-case letters and digits",
        default: "",
        defaultText: '`""` = first 6 hex characters of SHA-256(`<prefix>/<environment>/<bundleId>`)',
        example: "c0n7o5",
        check: checkUniqueSuffix,
    },
    {
        key: "location",
        section: "naming",
        type: "string",
        description: "Azure region (ARM name) of the regional resources; must offer Flex Consumption.",
        rule: "an Azure region ARM name (not the display name) that offers Flex Consumption (`az functionapp list-flexconsumption-locations`)",
        default: "northeurope",
        example: "swedencentral",
        check: (value) => checkLocation(value, AZURE_LOCATIONS),
    },
    {
        key: "resourceGroupName",
        section: "naming",
        type: "string",
        description: "Existing resource group to deploy into; empty = create `rg-<prefix>-<environment>`.",
        rule: "Azure resource-group rules (1-90 letters, digits, `_ - . ( )`, not ending with `.`); the group must exist",
        default: "",
        defaultText: '`""` = create `rg-<prefix>-<environment>`',
        example: "rg-shared-push",
        check: (value) => checkAzureName("resourceGroup", value),
    },
    {
        key: "tags",
        section: "tags",
        type: "array",
        description: "Extra tags for every taggable resource, as `name=value` strings (environment, managed-by and project are always set).",
        rule: "`name=value` entries; name 1-128 characters without `< > % & \\ ? /`, value at most 256; `environment`, `managed-by` and `project` are reserved",
        default: [],
        example: '["owner=mobile-team", "cost-center=4711"]',
        check: checkTags,
    },
    {
        key: "dataLocation",
        section: "services",
        type: "string",
        description: "Geography where Communication Services stores data at rest (immutable after creation).",
        rule: `one of ${ACS_DATA_LOCATIONS.map((l) => `\`${l}\``).join(", ")}. **Immutable**: changing it replaces the ACS resource`,
        default: "Europe",
        example: "United States",
        check: oneOf(ACS_DATA_LOCATIONS, "Communication Services data location"),
    },
    {
        key: "protectCommunicationService",
        section: "services",
        type: "boolean",
        description: "Protect the Communication Services resource: Pulumi refuses to delete or replace it (its identities and chat data) until unprotected.",
        rule: "`true`/`false`; Pulumi `protect` on the ACS resource: a destroy, or a replacement (e.g. a `dataLocation` change), stops before deleting it until `pulumi state unprotect`",
        default: false,
        example: "true",
    },
    {
        key: "notificationHubsSku",
        section: "services",
        type: "string",
        description: "Notification Hubs namespace tier: Free, Basic or Standard.",
        rule: "`Free`, `Basic` or `Standard`",
        default: "Free",
        example: "Standard",
        check: oneOf(NOTIFICATION_HUBS_SKUS, "Notification Hubs SKU"),
    },
    {
        key: "bundleId",
        section: "credentials",
        type: "string",
        description: "iOS app bundle id; the alerts hub gets this name and the calls hub `<bundleId>.voip`.",
        rule: "reverse-DNS bundle id (segments of letters, digits, hyphens; at most 155 characters); must **not** end in `.voip` — the calls hub `<bundleId>.voip` is derived",
        example: "com.contoso.chat",
        check: checkBundleId,
    },
    {
        key: "apnsTeamId",
        section: "credentials",
        type: "string",
        description: "Apple Developer Team ID (10 characters), the issuer of APNs tokens.",
        rule: "10 upper-case letters/digits",
        example: "ABCDE12345",
        check: (value) => checkAppleId(value, "Team ID"),
    },
    {
        key: "apnsKeyId",
        section: "credentials",
        type: "string",
        description: "Key ID (10 characters) of the APNs authentication key (.p8).",
        rule: "10 upper-case letters/digits",
        example: "KEY1234567",
        check: (value) => checkAppleId(value, "Key ID"),
    },
    {
        key: "apnsPrivateKey",
        section: "credentials",
        type: "string",
        description: "Content of the APNs authentication key file (.p8), PEM.",
        rule: "the `.p8` file content: a PEM private-key block, multi-line or on one line with `\\n` escapes",
        secret: true,
        example: "-----BEGIN PRIVATE KEY-----\\nMIGTAgEA...\\n-----END PRIVATE KEY-----",
        check: (value) => checkPemPrivateKey(value, "APNs .p8 key"),
    },
    {
        key: "apnsEnvironment",
        section: "credentials",
        type: "string",
        description: "APNs endpoint: `sandbox` (development builds) or `production` (TestFlight/App Store).",
        rule: "`sandbox` → `https://api.development.push.apple.com:443/3/device`; `production` → `https://api.push.apple.com:443/3/device`",
        default: "sandbox",
        example: "production",
        check: oneOf(APNS_ENVIRONMENTS, "APNs environment"),
    },
    {
        key: "fcmProjectId",
        section: "credentials",
        type: "string",
        description: "Firebase project id (FCM HTTP v1).",
        rule: "Google Cloud project id: 6-30 lower-case letters, digits, hyphens, starting with a letter",
        example: "contoso-chat-4711",
        check: checkFcmProjectId,
    },
    {
        key: "fcmClientEmail",
        section: "credentials",
        type: "string",
        description: "Firebase service-account e-mail (`client_email` of the service-account JSON).",
        rule: "`…@….iam.gserviceaccount.com`",
        example: "firebase-adminsdk-abc12@contoso-chat-4711.iam.gserviceaccount.com",
        check: checkFcmClientEmail,
    },
    {
        key: "fcmPrivateKey",
        section: "credentials",
        type: "string",
        description: "Firebase service-account private key (`private_key` of the service-account JSON), PEM.",
        rule: "the service account's `private_key`: a PEM private-key block, multi-line or with `\\n` escapes",
        secret: true,
        example: "-----BEGIN PRIVATE KEY-----\\nMIIEvQIBADAN...\\n-----END PRIVATE KEY-----",
        check: (value) => checkPemPrivateKey(value, "Firebase service-account private key"),
    },
    {
        key: "chatEventTypes",
        section: "events",
        type: "array",
        description: "ACS chat event types delivered to the function.",
        rule:
            "non-empty, no duplicates, each one of the ACS per-user chat events: the three defaults, " +
            ACS_CHAT_EVENT_TYPES.filter((t) => !(DEFAULT_CHAT_EVENT_TYPES as readonly string[]).includes(t))
                .map((t) => `\`${t.replace("Microsoft.Communication.", "")}\``)
                .join(", ") +
            " (all prefixed `Microsoft.Communication.`)",
        default: DEFAULT_CHAT_EVENT_TYPES,
        example: '["Microsoft.Communication.ChatMessageReceived"]',
        check: checkChatEventTypes,
    },
    {
        key: "eventMaxDeliveryAttempts",
        section: "events",
        type: "integer",
        description: "Event Grid delivery attempts for chat events before dead-lettering (1-30).",
        rule: "1-30 (Event Grid's limits)",
        default: 30,
        min: 1,
        max: 30,
        example: "10",
    },
    {
        key: "eventTimeToLiveMinutes",
        section: "events",
        type: "integer",
        description: "Minutes Event Grid keeps retrying a chat event before dead-lettering (1-1440).",
        rule: "1-1440",
        default: 1440,
        min: 1,
        max: 1440,
        example: "60",
    },
    {
        key: "enableIncomingCallSubscription",
        section: "events",
        type: "boolean",
        description: "Also deliver `Microsoft.Communication.IncomingCall` to the function (2 attempts, 1-minute TTL).",
        rule: "`true`/`false`; adds a `Microsoft.Communication.IncomingCall` subscription with 2 delivery attempts, a 1-minute TTL and batches of 1 (a call rings about 30 s)",
        default: false,
        example: "true",
    },
    {
        key: "includeMessageText",
        section: "functionApp",
        type: "boolean",
        description: "Put the chat message text into the push body (otherwise a generic text).",
        rule: "`true`/`false` → app setting `Notifications__IncludeMessageText`",
        default: false,
        example: "true",
    },
    {
        key: "functionMaximumInstanceCount",
        section: "functionApp",
        type: "integer",
        description: "Flex Consumption scale-out limit of the function app (1-1000).",
        rule: "1-1000",
        default: 40,
        min: 1,
        max: 1000,
        example: "100",
    },
    {
        key: "functionInstanceMemoryMB",
        section: "functionApp",
        type: "integer",
        description: "Flex Consumption instance memory: 512, 2048 or 4096.",
        rule: "`512`, `2048` or `4096`",
        default: 2048,
        min: 512,
        max: 4096,
        example: "4096",
        check: (value) =>
            (FLEX_INSTANCE_MEMORY_MB as readonly number[]).includes(value)
                ? undefined
                : `must be one of ${FLEX_INSTANCE_MEMORY_MB.join(", ")}`,
    },
    {
        key: "logRetentionDays",
        section: "monitoring",
        type: "integer",
        description: "Log Analytics retention in days (30-730).",
        rule: "30-730",
        default: 30,
        min: 30,
        max: 730,
        example: "90",
    },
] as const satisfies readonly ConfigKey[];

/** The keys in the order Pulumi.yaml and the docs list them. */
export const CONFIG_KEYS: readonly ConfigKey[] = DECLARED;

type Declared = (typeof DECLARED)[number];
export type ConfigKeyName = Declared["key"];
type ValueOf<T extends ConfigType> = T extends "string" ? string : T extends "integer" ? number : T extends "boolean" ? boolean : string[];
/** Every key with its value read, defaulted and converted (not yet known to be valid). */
export type ConfigValues = { [K in Declared as K["key"]]: ValueOf<K["type"]> };

function checkChatEventTypes(types: readonly string[]): string[] {
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
