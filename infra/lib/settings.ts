// Every configuration key the program reads, with its type, default and rules, and the pure function that
// turns raw stack configuration into validated settings (or the complete list of problems).
// Pulumi.yaml declares the same keys with the same defaults; tests/infra/config checks the two agree.

import { checkAzureName, NAME_RULES } from "./azureNames";
import {
    ACS_CHAT_EVENT_TYPES,
    ACS_DATA_LOCATIONS,
    APNS_ENDPOINTS,
    APNS_ENVIRONMENTS,
    ApnsEnvironment,
    AZURE_LOCATIONS,
    DEFAULT_CHAT_EVENT_TYPES,
    FLEX_INSTANCE_MEMORY_MB,
    NOTIFICATION_HUBS_SKUS,
    NotificationHubsSku,
} from "./catalog";
import { deriveNames, environmentFromStack, NAME_KINDS, ResourceNames } from "./naming";
import { normalizePem, pemBody } from "./pem";
import { PROJECT, Problem, problem, qualify, shown } from "./problems";
import {
    checkAppleId,
    checkBundleId,
    checkEnvironment,
    checkFcmClientEmail,
    checkFcmProjectId,
    checkIntegerRange,
    checkLocation,
    checkNamePrefix,
    checkOneOf,
    checkPemPrivateKey,
    checkTag,
    checkUniqueSuffix,
} from "./validators";

export type ConfigType = "string" | "integer" | "boolean" | "array";

export interface ConfigKey {
    key: string;
    type: ConfigType;
    description: string;
    /** Applied when the stack does not set the key. Absent: the key is required. */
    default?: string | number | boolean | readonly string[];
    secret?: boolean;
    /** A valid value, used in error messages and the documentation. */
    example: string;
}

export const CONFIG_KEYS: readonly ConfigKey[] = [
    {
        key: "environment",
        type: "string",
        description: "Environment name used in resource names and the `environment` tag; empty = derived from the stack name.",
        default: "",
        example: "dev",
    },
    {
        key: "namePrefix",
        type: "string",
        description: "Prefix of every derived resource name (2-10 lower-case letters and digits).",
        default: "acspush",
        example: "contoso",
    },
    {
        key: "uniqueSuffix",
        type: "string",
        description: "Suffix of the globally unique names (ACS, hub namespace, storage, function app); empty = a hash of prefix, environment and bundle id.",
        default: "",
        example: "c0n7o5",
    },
    {
        key: "location",
        type: "string",
        description: "Azure region (ARM name) of the regional resources; must offer Flex Consumption.",
        default: "northeurope",
        example: "swedencentral",
    },
    {
        key: "resourceGroupName",
        type: "string",
        description: "Existing resource group to deploy into; empty = create `rg-<prefix>-<environment>`.",
        default: "",
        example: "rg-shared-push",
    },
    {
        key: "tags",
        type: "array",
        description: "Extra tags for every taggable resource, as `name=value` strings (environment, managed-by and project are always set).",
        default: [],
        example: '["owner=mobile-team", "cost-center=4711"]',
    },
    {
        key: "dataLocation",
        type: "string",
        description: "Geography where Communication Services stores data at rest (immutable after creation).",
        default: "Europe",
        example: "United States",
    },
    {
        key: "protectCommunicationService",
        type: "boolean",
        description: "Protect the Communication Services resource: Pulumi refuses to delete or replace it (its identities and chat data) until unprotected.",
        default: false,
        example: "true",
    },
    {
        key: "notificationHubsSku",
        type: "string",
        description: "Notification Hubs namespace tier: Free, Basic or Standard.",
        default: "Free",
        example: "Standard",
    },
    {
        key: "bundleId",
        type: "string",
        description: "iOS app bundle id; the alerts hub gets this name and the calls hub `<bundleId>.voip`.",
        example: "com.contoso.chat",
    },
    {
        key: "apnsTeamId",
        type: "string",
        description: "Apple Developer Team ID (10 characters), the issuer of APNs tokens.",
        example: "ABCDE12345",
    },
    {
        key: "apnsKeyId",
        type: "string",
        description: "Key ID (10 characters) of the APNs authentication key (.p8).",
        example: "KEY1234567",
    },
    {
        key: "apnsPrivateKey",
        type: "string",
        description: "Content of the APNs authentication key file (.p8), PEM.",
        secret: true,
        example: "-----BEGIN PRIVATE KEY-----\\nMIGTAgEA...\\n-----END PRIVATE KEY-----",
    },
    {
        key: "apnsEnvironment",
        type: "string",
        description: "APNs endpoint: `sandbox` (development builds) or `production` (TestFlight/App Store).",
        default: "sandbox",
        example: "production",
    },
    {
        key: "fcmProjectId",
        type: "string",
        description: "Firebase project id (FCM HTTP v1).",
        example: "contoso-chat-4711",
    },
    {
        key: "fcmClientEmail",
        type: "string",
        description: "Firebase service-account e-mail (`client_email` of the service-account JSON).",
        example: "firebase-adminsdk-abc12@contoso-chat-4711.iam.gserviceaccount.com",
    },
    {
        key: "fcmPrivateKey",
        type: "string",
        description: "Firebase service-account private key (`private_key` of the service-account JSON), PEM.",
        secret: true,
        example: "-----BEGIN PRIVATE KEY-----\\nMIIEvQIBADAN...\\n-----END PRIVATE KEY-----",
    },
    {
        key: "chatEventTypes",
        type: "array",
        description: "ACS chat event types delivered to the function.",
        default: [...DEFAULT_CHAT_EVENT_TYPES],
        example: '["Microsoft.Communication.ChatMessageReceived"]',
    },
    {
        key: "eventMaxDeliveryAttempts",
        type: "integer",
        description: "Event Grid delivery attempts for chat events before dead-lettering (1-30).",
        default: 30,
        example: "10",
    },
    {
        key: "eventTimeToLiveMinutes",
        type: "integer",
        description: "Minutes Event Grid keeps retrying a chat event before dead-lettering (1-1440).",
        default: 1440,
        example: "60",
    },
    {
        key: "enableIncomingCallSubscription",
        type: "boolean",
        description: "Also deliver `Microsoft.Communication.IncomingCall` to the function (2 attempts, 1-minute TTL).",
        default: false,
        example: "true",
    },
    {
        key: "includeMessageText",
        type: "boolean",
        description: "Put the chat message text into the push body (otherwise a generic text).",
        default: false,
        example: "true",
    },
    {
        key: "functionMaximumInstanceCount",
        type: "integer",
        description: "Flex Consumption scale-out limit of the function app (1-1000).",
        default: 40,
        example: "100",
    },
    {
        key: "functionInstanceMemoryMB",
        type: "integer",
        description: "Flex Consumption instance memory: 512, 2048 or 4096.",
        default: 2048,
        example: "4096",
    },
    {
        key: "logRetentionDays",
        type: "integer",
        description: "Log Analytics retention in days (30-730).",
        default: 30,
        example: "90",
    },
];

export const FIXED_TAG_NAMES = ["environment", "managed-by", "project"] as const;

export interface Settings {
    stack: string;
    environment: string;
    namePrefix: string;
    location: string;
    /** False when deploying into an existing resource group. */
    createResourceGroup: boolean;
    /** Every tag the program puts on taggable resources. */
    tags: Record<string, string>;
    dataLocation: string;
    /** Pulumi `protect` on the Communication Services resource. */
    protectCommunicationService: boolean;
    notificationHubsSku: NotificationHubsSku;
    bundleId: string;
    apns: { teamId: string; keyId: string; environment: ApnsEnvironment; endpoint: string };
    fcm: { projectId: string; clientEmail: string };
    /** Plain secret values, already normalised; config.ts wraps them in secret outputs. */
    secrets: { apnsToken: string; fcmPrivateKey: string };
    events: {
        chatEventTypes: string[];
        maxDeliveryAttempts: number;
        timeToLiveMinutes: number;
        incomingCall: boolean;
    };
    functionApp: { maximumInstanceCount: number; instanceMemoryMB: number; includeMessageText: boolean };
    logRetentionDays: number;
    names: ResourceNames;
}

export type ValidationResult = { ok: true; settings: Settings } | { ok: false; problems: Problem[] };

/** Raw values as the Pulumi runtime hands them over: strings (JSON for arrays), or already-typed values. */
export type RawConfig = Readonly<Record<string, unknown>>;

const SPEC = new Map(CONFIG_KEYS.map((k) => [k.key, k]));

function spec(key: string): ConfigKey {
    const found = SPEC.get(key);
    if (found === undefined) {
        throw new Error(`configuration key '${key}' is not declared`);
    }
    return found;
}

/** Reads and validates the whole configuration; never throws for bad values, returns every problem instead. */
export function validateSettings(raw: RawConfig, stack: string): ValidationResult {
    const problems: Problem[] = [];
    const report = (key: string, message: string | undefined): boolean => {
        if (message !== undefined) {
            problems.push(problem(key, message, spec(key).example));
            return false;
        }
        return true;
    };

    const isBlank = (v: unknown) => v === undefined || v === null || (typeof v === "string" && v.trim() === "");
    /** A string value; blank means "use the default", and a key without default is then required. */
    const text = (key: string): string => {
        const value = isBlank(raw[key]) ? spec(key).default : raw[key];
        if (value === undefined) {
            const how = spec(key).secret ? `pulumi config set --secret ${key}` : `pulumi config set ${key}`;
            report(key, `is required but not set (\`${how} ...\`)`);
            return "";
        }
        if (typeof value !== "string") {
            report(key, `must be a string, got ${typeof value}`);
            return "";
        }
        return value.trim();
    };
    /** A string value checked by `check` unless it is empty (missing required keys are already reported). */
    const checked = (key: string, check: (value: string) => string | undefined): string => {
        const value = text(key);
        if (value !== "") {
            report(key, check(value));
        }
        return value;
    };
    const integer = (key: string, min: number, max: number): number => {
        const value = isBlank(raw[key]) ? spec(key).default : raw[key];
        const parsed =
            typeof value === "number" ? value : typeof value === "string" && /^-?\d+$/.test(value.trim()) ? Number(value) : NaN;
        const message = Number.isNaN(parsed) ? `must be a whole number, got ${shown(value)}` : checkIntegerRange(parsed, min, max);
        report(key, message);
        return parsed;
    };
    const flag = (key: string): boolean => {
        const value = isBlank(raw[key]) ? spec(key).default : raw[key];
        if (typeof value === "boolean") {
            return value;
        }
        if (typeof value === "string" && /^(true|false)$/i.test(value.trim())) {
            return value.trim().toLowerCase() === "true";
        }
        report(key, `must be true or false, got ${shown(value)}`);
        return false;
    };
    const list = (key: string): string[] => {
        let value: unknown = isBlank(raw[key]) ? spec(key).default : raw[key];
        if (typeof value === "string") {
            try {
                value = JSON.parse(value);
            } catch {
                report(key, "must be a list (YAML sequence or JSON array) of strings");
                return [];
            }
        }
        if (!Array.isArray(value) || value.some((v) => typeof v !== "string")) {
            report(key, "must be a list (YAML sequence or JSON array) of strings");
            return [];
        }
        return value.map((v: string) => v.trim());
    };

    // Naming inputs
    const configuredEnvironment = text("environment");
    const environment = configuredEnvironment || environmentFromStack(stack);
    const environmentProblem = checkEnvironment(environment);
    report(
        "environment",
        environmentProblem && !configuredEnvironment
            ? `is not set and stack name ${shown(stack)} yields no valid one; set it explicitly (${environmentProblem})`
            : environmentProblem,
    );
    const namePrefix = checked("namePrefix", checkNamePrefix);
    const uniqueSuffix = checked("uniqueSuffix", checkUniqueSuffix);
    const location = checked("location", (v) => checkLocation(v, AZURE_LOCATIONS));
    const resourceGroupName = checked("resourceGroupName", (v) => checkAzureName("resourceGroup", v));

    // Tags
    const tags: Record<string, string> = {};
    for (const entry of list("tags")) {
        const eq = entry.indexOf("=");
        if (eq <= 0) {
            report("tags", `entry ${shown(entry)} must have the form name=value`);
            continue;
        }
        const name = entry.slice(0, eq).trim();
        const value = entry.slice(eq + 1).trim();
        if ((FIXED_TAG_NAMES as readonly string[]).includes(name.toLowerCase())) {
            report("tags", `tag '${name}' is set by the program and cannot be overridden`);
            continue;
        }
        if (report("tags", checkTag(name, value))) {
            tags[name] = value;
        }
    }
    Object.assign(tags, { environment, "managed-by": "pulumi", project: PROJECT });
    if (Object.keys(tags).length > 50) {
        report("tags", `adds up to ${Object.keys(tags).length} tags; Azure allows 50 per resource`);
    }

    // Communication Services and Notification Hubs
    const dataLocation = checked("dataLocation", (v) => checkOneOf(v, ACS_DATA_LOCATIONS, "Communication Services data location"));
    const notificationHubsSku = checked("notificationHubsSku", (v) => checkOneOf(v, NOTIFICATION_HUBS_SKUS, "Notification Hubs SKU"));

    const bundleId = checked("bundleId", checkBundleId);
    const teamId = checked("apnsTeamId", (v) => checkAppleId(v, "Team ID"));
    const keyId = checked("apnsKeyId", (v) => checkAppleId(v, "Key ID"));
    const apnsPrivateKey = checked("apnsPrivateKey", (v) => checkPemPrivateKey(v, "APNs .p8 key"));
    const apnsEnvironment = checked("apnsEnvironment", (v) => checkOneOf(v, APNS_ENVIRONMENTS, "APNs environment"));
    const fcmProjectId = checked("fcmProjectId", checkFcmProjectId);
    const fcmClientEmail = checked("fcmClientEmail", checkFcmClientEmail);
    const fcmPrivateKey = checked("fcmPrivateKey", (v) => checkPemPrivateKey(v, "Firebase service-account private key"));

    // Event delivery
    const chatEventTypes = list("chatEventTypes");
    if (chatEventTypes.length === 0 && problems.every((p) => p.key !== `${PROJECT}:chatEventTypes`)) {
        report("chatEventTypes", "must name at least one event type");
    }
    for (const type of chatEventTypes) {
        const message = type === "" ? "must not contain empty entries" : checkOneOf(type, ACS_CHAT_EVENT_TYPES, "ACS chat event type");
        report("chatEventTypes", message);
    }
    if (new Set(chatEventTypes).size !== chatEventTypes.length) {
        report("chatEventTypes", "must not list an event type twice");
    }
    const maxDeliveryAttempts = integer("eventMaxDeliveryAttempts", 1, 30);
    const timeToLiveMinutes = integer("eventTimeToLiveMinutes", 1, 1440);
    const incomingCall = flag("enableIncomingCallSubscription");

    // Function hosting
    const includeMessageText = flag("includeMessageText");
    const protectCommunicationService = flag("protectCommunicationService");
    const maximumInstanceCount = integer("functionMaximumInstanceCount", 1, 1000);
    const instanceMemoryMB = integer("functionInstanceMemoryMB", 512, 4096);
    if (Number.isInteger(instanceMemoryMB) && !(FLEX_INSTANCE_MEMORY_MB as readonly number[]).includes(instanceMemoryMB)) {
        report("functionInstanceMemoryMB", `must be one of ${FLEX_INSTANCE_MEMORY_MB.join(", ")}`);
    }
    const logRetentionDays = integer("logRetentionDays", 30, 730);

    // Derived names: checked only once their inputs are valid, so one bad input yields one problem.
    const namingKeys = ["environment", "namePrefix", "uniqueSuffix", "bundleId", "resourceGroupName"].map(qualify);
    const names = deriveNames({
        prefix: namePrefix,
        environment,
        bundleId,
        uniqueSuffix: uniqueSuffix || undefined,
        existingResourceGroup: resourceGroupName || undefined,
    });
    if (bundleId !== "" && problems.every((p) => !namingKeys.includes(p.key))) {
        for (const [role, name] of Object.entries(names) as [keyof ResourceNames, string][]) {
            const message = checkAzureName(NAME_KINDS[role], name);
            if (message !== undefined) {
                const key =
                    role === "callsHub" || role === "alertsHub"
                        ? "bundleId"
                        : role === "resourceGroup" && resourceGroupName
                          ? "resourceGroupName"
                          : "namePrefix";
                problems.push(problem(key, `derives an invalid ${message}`, NAME_RULES[NAME_KINDS[role]].example));
            }
        }
    }

    if (problems.length > 0) {
        return { ok: false, problems };
    }
    const sku = notificationHubsSku as NotificationHubsSku;
    const apnsEnv = apnsEnvironment as ApnsEnvironment;
    return {
        ok: true,
        settings: {
            stack,
            environment,
            namePrefix,
            location,
            createResourceGroup: resourceGroupName === "",
            tags,
            dataLocation,
            protectCommunicationService,
            notificationHubsSku: sku,
            bundleId,
            apns: { teamId, keyId, environment: apnsEnv, endpoint: APNS_ENDPOINTS[apnsEnv] },
            fcm: { projectId: fcmProjectId, clientEmail: fcmClientEmail },
            secrets: { apnsToken: pemBody(apnsPrivateKey), fcmPrivateKey: normalizePem(fcmPrivateKey) },
            events: { chatEventTypes, maxDeliveryAttempts, timeToLiveMinutes, incomingCall },
            functionApp: { maximumInstanceCount, instanceMemoryMB, includeMessageText },
            logRetentionDays,
            names,
        },
    };
}
