import { createHash } from "node:crypto";
import type { NameKind } from "./azureNames";

// Naming scheme: `<kind abbreviation>-<prefix>-<environment>` for names scoped to the resource group, plus a
// short stable suffix for the names that become DNS labels (ACS, Notification Hubs namespace, storage accounts,
// function app). The suffix is a hash of prefix, environment and bundle id, so the same stack always gets the
// same names and two organisations using the default prefix do not collide; `uniqueSuffix` pins it explicitly.

export interface NamingInput {
    prefix: string;
    environment: string;
    bundleId: string;
    /** Overrides the hash-derived suffix. */
    uniqueSuffix?: string;
    /** An existing resource group to deploy into instead of creating one. */
    existingResourceGroup?: string;
}

export interface ResourceNames {
    resourceGroup: string;
    communicationService: string;
    notificationHubsNamespace: string;
    callsHub: string;
    alertsHub: string;
    callsHubSendRule: string;
    alertsHubFunctionRule: string;
    storageAccount: string;
    deploymentContainer: string;
    deadLetterStorageAccount: string;
    deadLetterContainer: string;
    idempotencyTable: string;
    installationOwnersTable: string;
    logAnalyticsWorkspace: string;
    applicationInsights: string;
    appServicePlan: string;
    functionApp: string;
    systemTopic: string;
    chatSubscription: string;
    incomingCallSubscription: string;
}

/** Which naming rule applies to each derived name. */
export const NAME_KINDS: Readonly<Record<keyof ResourceNames, NameKind>> = {
    resourceGroup: "resourceGroup",
    communicationService: "communicationService",
    notificationHubsNamespace: "notificationHubsNamespace",
    callsHub: "notificationHub",
    alertsHub: "notificationHub",
    callsHubSendRule: "authorizationRule",
    alertsHubFunctionRule: "authorizationRule",
    storageAccount: "storageAccount",
    deploymentContainer: "blobContainer",
    deadLetterStorageAccount: "storageAccount",
    deadLetterContainer: "blobContainer",
    idempotencyTable: "storageTable",
    installationOwnersTable: "storageTable",
    logAnalyticsWorkspace: "logAnalyticsWorkspace",
    applicationInsights: "applicationInsights",
    appServicePlan: "appServicePlan",
    functionApp: "functionApp",
    systemTopic: "eventGridSystemTopic",
    chatSubscription: "eventGridSubscription",
    incomingCallSubscription: "eventGridSubscription",
};

export const SUFFIX_LENGTH = 6;
const STORAGE_ACCOUNT_MAX = 24;

/** A short lower-case hex hash of `seed`: stable across runs and machines. */
export function stableSuffix(seed: string, length = SUFFIX_LENGTH): string {
    return createHash("sha256").update(seed, "utf8").digest("hex").slice(0, length);
}

/** The ACS/Apple convention: the hub that ACS pushes VoIP calls through is named after the app's VoIP topic. */
export function callsHubName(bundleId: string): string {
    return `${bundleId}.voip`;
}

export function deriveNames(input: NamingInput): ResourceNames {
    const base = `${input.prefix}-${input.environment}`;
    const suffix = input.uniqueSuffix ?? stableSuffix(`${input.prefix}/${input.environment}/${input.bundleId}`);
    const compact = `${input.prefix}${input.environment}`.replace(/[^a-z0-9]/g, "");
    const storageStem = `st${compact}`.slice(0, STORAGE_ACCOUNT_MAX - suffix.length);
    // Dead letters live in an account of their own, where the function app holds no role.
    const deadLetterStem = `stdl${compact}`.slice(0, STORAGE_ACCOUNT_MAX - suffix.length);
    return {
        resourceGroup: input.existingResourceGroup ?? `rg-${base}`,
        communicationService: `acs-${base}-${suffix}`,
        notificationHubsNamespace: `ntfns-${base}-${suffix}`,
        callsHub: callsHubName(input.bundleId),
        alertsHub: input.bundleId,
        callsHubSendRule: "acs-send",
        alertsHubFunctionRule: "function-listen-send",
        storageAccount: `${storageStem}${suffix}`,
        deploymentContainer: "app-package",
        deadLetterStorageAccount: `${deadLetterStem}${suffix}`,
        deadLetterContainer: "event-dead-letters",
        idempotencyTable: "ProcessedEvents",
        installationOwnersTable: "InstallationOwners",
        logAnalyticsWorkspace: `log-${base}`,
        applicationInsights: `appi-${base}`,
        appServicePlan: `plan-${base}`,
        functionApp: `func-${base}-${suffix}`,
        systemTopic: `evgt-${base}`,
        chatSubscription: "chat-events",
        incomingCallSubscription: "incoming-call-events",
    };
}

/** Derives an environment name from a stack name: lower-case letters and digits only, at most 8. */
export function environmentFromStack(stack: string): string {
    const last = stack.split("/").pop() ?? stack;
    return last.toLowerCase().replace(/[^a-z0-9]/g, "").slice(0, 8);
}
