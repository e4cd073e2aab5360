// Turns raw stack configuration into validated settings, or the complete list of problems: every key is read
// by its declaration in configKeys.ts (type, default, rule), then the few rules that span keys run.

import { ALERT_THRESHOLD_KEYS, AlertThresholdKey, splitWebhookUrls } from "./alertKeys";
import { NAME_RULES, checkAzureName } from "./azureNames";
import { APNS_ENDPOINTS, ApnsEnvironment, NotificationHubsSku } from "./catalog";
import { CONFIG_KEYS, ConfigKeyName, ConfigValues } from "./configKeys";
import { ArrayKey, ConfigKey, IntegerKey } from "./configSchema";
import { deriveNames, environmentFromStack, NAME_KINDS, ResourceNames } from "./naming";
import { normalizePem, pemBody } from "./pem";
import { PROJECT, Problem, problem, qualify, shown } from "./problems";
import { armEndpointFor } from "./urls";
import { checkEnvironment, checkIntegerRange, FIXED_TAG_NAMES, splitTag } from "./validators";

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
    secrets: { apnsToken: string; fcmPrivateKey: string; alertWebhookUrls: string[] };
    events: {
        chatEventTypes: string[];
        maxDeliveryAttempts: number;
        timeToLiveMinutes: number;
        incomingCall: boolean;
    };
    functionApp: {
        maximumInstanceCount: number;
        instanceMemoryMB: number;
        includeMessageText: boolean;
        /** Idempotency record retention: the window in hours and the timer's NCRONTAB schedule. */
        retention: { hours: number; schedule: string };
        /** Percent of successful traces the worker exports. */
        traceSamplingPercentage: number;
    };
    /** Who may call the installations endpoint; `tenantId` undefined = the deploying identity's tenant. */
    installations: { tenantId?: string; audiences: string[]; allowedCallers: string[]; allowFunctionKey: boolean };
    logRetentionDays: number;
    /** Receivers (the webhook URLs are in `secrets`), window and thresholds of the alerts. */
    alerts: { emails: string[]; windowMinutes: number; thresholds: Record<AlertThresholdKey, number> };
    names: ResourceNames;
}

export type ValidationResult = { ok: true; settings: Settings } | { ok: false; problems: Problem[] };

/** Raw values as the Pulumi runtime hands them over: strings (JSON for arrays), or already-typed values. */
export type RawConfig = Readonly<Record<string, unknown>>;

const isBlank = (v: unknown) => v === undefined || v === null || (typeof v === "string" && v.trim() === "");

/**
 * One key's value: the raw value, or the default when it is blank, converted to the declared type and checked
 * by the key's own rule. Problems go to `report`; the value returned is then a harmless stand-in.
 */
export function readKey(
    spec: ConfigKey,
    raw: unknown,
    report: (message: string, unset?: boolean) => void,
): string | number | boolean | string[] {
    const value = isBlank(raw) ? spec.default : raw;
    switch (spec.type) {
        case "string": {
            if (value === undefined) {
                report(`is required but not set (\`pulumi config set ${spec.secret ? "--secret " : ""}${spec.key} ...\`)`, true);
                return "";
            }
            if (typeof value !== "string") {
                report(`must be a string, got ${typeof value}`);
                return "";
            }
            const text = value.trim();
            const message = text === "" ? undefined : spec.check?.(text);
            if (message !== undefined) report(message);
            return text;
        }
        case "integer":
            return readInteger(spec, value, report);
        case "boolean":
            if (typeof value === "boolean") return value;
            if (typeof value === "string" && /^(true|false)$/i.test(value.trim())) return value.trim().toLowerCase() === "true";
            report(`must be true or false, got ${shown(value)}`);
            return false;
        case "array":
            return readList(spec, value, report);
    }
}

function readInteger(spec: IntegerKey, value: unknown, report: (message: string) => void): number {
    const parsed =
        typeof value === "number" ? value : typeof value === "string" && /^-?\d+$/.test(value.trim()) ? Number(value) : NaN;
    const message = Number.isNaN(parsed)
        ? `must be a whole number, got ${shown(value)}`
        : (checkIntegerRange(parsed, spec.min, spec.max) ?? spec.check?.(parsed));
    if (message !== undefined) report(message);
    return parsed;
}

function readList(spec: ArrayKey, value: unknown, report: (message: string) => void): string[] {
    let list = value;
    if (typeof list === "string") {
        try {
            list = JSON.parse(list);
        } catch {
            // Not JSON: still a string, reported below as not a list.
        }
    }
    if (!Array.isArray(list) || list.some((v) => typeof v !== "string")) {
        report("must be a list (YAML sequence or JSON array) of strings");
        return [];
    }
    const entries = list.map((v: string) => v.trim());
    for (const message of spec.check?.(entries) ?? []) report(message);
    return entries;
}

/**
 * Derived names that break their Azure rule, each charged to the key it comes from: the hubs to bundleId, a
 * named resource group to resourceGroupName, every other name to namePrefix. The keys' own rules keep every
 * derived name valid today; this catches a key rule or a naming scheme that changes without the other.
 */
export function derivedNameProblems(names: ResourceNames, existingResourceGroup: boolean): Problem[] {
    const problems: Problem[] = [];
    for (const [role, name] of Object.entries(names) as [keyof ResourceNames, string][]) {
        const message = checkAzureName(NAME_KINDS[role], name);
        if (message !== undefined) {
            const key =
                role === "callsHub" || role === "alertsHub"
                    ? "bundleId"
                    : role === "resourceGroup" && existingResourceGroup
                      ? "resourceGroupName"
                      : "namePrefix";
            problems.push(problem(key, `derives an invalid ${message}`, NAME_RULES[NAME_KINDS[role]].example));
        }
    }
    return problems;
}

/** Reads and validates the whole configuration; never throws for bad values, returns every problem instead. */
export function validateSettings(raw: RawConfig, stack: string): ValidationResult {
    const problems: Problem[] = [];
    const values: Record<string, unknown> = {};
    for (const spec of CONFIG_KEYS) {
        values[spec.key] = readKey(spec, raw[spec.key], (message, unset) => problems.push(problem(spec.key, message, spec.example, unset)));
    }
    const v = values as ConfigValues;
    const report = (key: ConfigKeyName, message: string) =>
        problems.push(problem(key, message, CONFIG_KEYS.find((k) => k.key === key)!.example));

    // An unset environment comes from the stack name, which must yield a valid one.
    const environment = v.environment || environmentFromStack(stack);
    const derivedProblem = v.environment ? undefined : checkEnvironment(environment);
    if (derivedProblem !== undefined) {
        report("environment", `is not set and stack name ${shown(stack)} yields no valid one; set it explicitly (${derivedProblem})`);
    }

    // Derived names: checked only once their inputs are valid, so one bad input yields one problem.
    const namingKeys = ["environment", "namePrefix", "uniqueSuffix", "bundleId", "resourceGroupName"].map((k) => qualify(k));
    const names = deriveNames({
        prefix: v.namePrefix,
        environment,
        bundleId: v.bundleId,
        uniqueSuffix: v.uniqueSuffix || undefined,
        existingResourceGroup: v.resourceGroupName || undefined,
    });
    // (An unset bundleId is a problem of its own key, so the names are never derived from an empty one.)
    if (problems.every((p) => !namingKeys.includes(p.key))) {
        problems.push(...derivedNameProblems(names, v.resourceGroupName !== ""));
    }

    // The token route needs both lists: audiences without callers admit nobody, callers without audiences cannot be checked.
    if ((v.installationsAudiences.length === 0) !== (v.installationsAllowedCallers.length === 0)) {
        const missing = v.installationsAudiences.length === 0 ? "installationsAudiences" : "installationsAllowedCallers";
        const other = missing === "installationsAudiences" ? "installationsAllowedCallers" : "installationsAudiences";
        report(missing, `must be set when ${qualify(other)} is set (or leave both empty to admit no token caller)`);
    }

    if (problems.length > 0) {
        return { ok: false, problems };
    }
    const tags: Record<string, string> = {};
    for (const entry of v.tags) {
        const { name, value } = splitTag(entry)!;
        tags[name] = value;
    }
    const fixed: Record<(typeof FIXED_TAG_NAMES)[number], string> = { environment, "managed-by": "pulumi", project: PROJECT };
    const apnsEnvironment = v.apnsEnvironment as ApnsEnvironment;
    return {
        ok: true,
        settings: {
            stack,
            environment,
            namePrefix: v.namePrefix,
            location: v.location,
            createResourceGroup: v.resourceGroupName === "",
            tags: { ...tags, ...fixed },
            dataLocation: v.dataLocation,
            protectCommunicationService: v.protectCommunicationService,
            notificationHubsSku: v.notificationHubsSku as NotificationHubsSku,
            bundleId: v.bundleId,
            apns: { teamId: v.apnsTeamId, keyId: v.apnsKeyId, environment: apnsEnvironment, endpoint: APNS_ENDPOINTS[apnsEnvironment] },
            fcm: { projectId: v.fcmProjectId, clientEmail: v.fcmClientEmail },
            secrets: {
                apnsToken: pemBody(v.apnsPrivateKey),
                fcmPrivateKey: normalizePem(v.fcmPrivateKey),
                alertWebhookUrls: splitWebhookUrls(v.alertWebhookUrls),
            },
            events: {
                chatEventTypes: v.chatEventTypes,
                maxDeliveryAttempts: v.eventMaxDeliveryAttempts,
                timeToLiveMinutes: v.eventTimeToLiveMinutes,
                incomingCall: v.enableIncomingCallSubscription,
            },
            functionApp: {
                maximumInstanceCount: v.functionMaximumInstanceCount,
                instanceMemoryMB: v.functionInstanceMemoryMB,
                includeMessageText: v.includeMessageText,
                retention: { hours: v.idempotencyRetentionHours, schedule: v.idempotencyRetentionSchedule },
                traceSamplingPercentage: v.telemetryTraceSamplingPercentage,
            },
            installations: {
                tenantId: v.installationsTenantId || undefined,
                audiences: v.installationsAudiences,
                allowedCallers: v.installationsAllowedCallers,
                allowFunctionKey: v.installationsAllowFunctionKey,
            },
            logRetentionDays: v.logRetentionDays,
            alerts: {
                emails: v.alertEmails,
                windowMinutes: v.alertWindowMinutes,
                thresholds: Object.fromEntries(ALERT_THRESHOLD_KEYS.map((key) => [key, v[key]])) as Record<AlertThresholdKey, number>,
            },
            names,
        },
    };
}

export type StackValidation = { ok: true; settings: Settings; armEndpoint: string } | { ok: false; problems: Problem[] };

/**
 * Everything the program checks before it declares a resource: the project's keys, and the cloud the
 * azure-native provider deploys to (its `environment` config, else ARM_ENVIRONMENT). The program and
 * `scripts/init-stack.sh` both run this.
 */
export function validateStack(raw: RawConfig, stack: string, azureEnvironment: string | undefined): StackValidation {
    const result = validateSettings(raw, stack);
    const arm = armEndpointFor(azureEnvironment);
    const problems = [...(result.ok ? [] : result.problems), ...("problem" in arm ? [arm.problem] : [])];
    if (!result.ok || "problem" in arm) {
        return { ok: false, problems };
    }
    return { ok: true, settings: result.settings, armEndpoint: arm.endpoint };
}
