// Azure naming rules for every name the program derives.
// https://learn.microsoft.com/azure/azure-resource-manager/management/resource-name-rules

export interface NameRule {
    /** What the name is, for error messages. */
    label: string;
    min: number;
    max: number;
    pattern: RegExp;
    /** The character rule in words. */
    allowed: string;
    example: string;
    /** Whether the name must be unique across all of Azure (it becomes a DNS label). */
    globallyUnique: boolean;
}

const ALNUM_HYPHEN_INNER = /^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?$/;

export const NAME_RULES = {
    resourceGroup: {
        label: "resource group name",
        min: 1,
        max: 90,
        pattern: /^[A-Za-z0-9_.()-]*[A-Za-z0-9_()-]$/,
        allowed: "letters, digits, underscores, hyphens, periods and parentheses, not ending with a period",
        example: "rg-acspush-dev",
        globallyUnique: false,
    },
    communicationService: {
        label: "Communication Services name",
        min: 1,
        max: 63,
        pattern: ALNUM_HYPHEN_INNER,
        allowed: "letters, digits and hyphens, starting and ending with a letter or digit",
        example: "acs-acspush-dev-1a2b3c",
        globallyUnique: true,
    },
    notificationHubsNamespace: {
        label: "Notification Hubs namespace name",
        min: 6,
        max: 50,
        pattern: /^[A-Za-z][A-Za-z0-9-]*[A-Za-z0-9]$/,
        allowed: "letters, digits and hyphens, starting with a letter and ending with a letter or digit",
        example: "ntfns-acspush-dev-1a2b3c",
        globallyUnique: true,
    },
    notificationHub: {
        label: "notification hub name",
        min: 1,
        max: 260,
        pattern: /^[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?$/,
        allowed: "letters, digits, periods, hyphens and underscores, starting and ending with a letter or digit",
        example: "com.contoso.chat.voip",
        globallyUnique: false,
    },
    authorizationRule: {
        label: "authorization rule name",
        min: 1,
        max: 256,
        pattern: /^[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?$/,
        allowed: "letters, digits, periods, hyphens and underscores, starting and ending with a letter or digit",
        example: "acs-send",
        globallyUnique: false,
    },
    storageAccount: {
        label: "storage account name",
        min: 3,
        max: 24,
        pattern: /^[a-z0-9]+$/,
        allowed: "lower-case letters and digits only",
        example: "stacspushdev1a2b3c",
        globallyUnique: true,
    },
    blobContainer: {
        label: "blob container name",
        min: 3,
        max: 63,
        pattern: /^[a-z0-9](?!.*--)[a-z0-9-]*[a-z0-9]$/,
        allowed: "lower-case letters, digits and single hyphens, starting and ending with a letter or digit",
        example: "app-package",
        globallyUnique: false,
    },
    storageTable: {
        label: "table name",
        min: 3,
        max: 63,
        pattern: /^[A-Za-z][A-Za-z0-9]*$/,
        allowed: "letters and digits, starting with a letter",
        example: "ProcessedEvents",
        globallyUnique: false,
    },
    logAnalyticsWorkspace: {
        label: "Log Analytics workspace name",
        min: 4,
        max: 63,
        pattern: ALNUM_HYPHEN_INNER,
        allowed: "letters, digits and hyphens, starting and ending with a letter or digit",
        example: "log-acspush-dev",
        globallyUnique: false,
    },
    applicationInsights: {
        label: "Application Insights name",
        min: 1,
        max: 260,
        pattern: /^[^%&\\?/]*[^%&\\?/. ]$/,
        allowed: "any characters except % & \\ ? /, not ending with a period or space",
        example: "appi-acspush-dev",
        globallyUnique: false,
    },
    appServicePlan: {
        label: "App Service plan name",
        min: 1,
        max: 60,
        pattern: /^[A-Za-z0-9-]+$/,
        allowed: "letters, digits and hyphens",
        example: "plan-acspush-dev",
        globallyUnique: false,
    },
    functionApp: {
        label: "function app name",
        min: 2,
        // Azure allows 60. Flex Consumption derives the host id from the first 32 characters, which matters
        // only for apps sharing a storage account; each stack's app has its own. Derived names stay within 32
        // with the default 6-character suffix; a 7-8 character uniqueSuffix with the longest prefix and
        // environment can reach 34.
        max: 60,
        pattern: ALNUM_HYPHEN_INNER,
        allowed: "letters, digits and hyphens, starting and ending with a letter or digit",
        example: "func-acspush-dev-1a2b3c",
        globallyUnique: true,
    },
    eventGridSystemTopic: {
        label: "Event Grid system topic name",
        min: 3,
        max: 128,
        pattern: /^[A-Za-z0-9-]+$/,
        allowed: "letters, digits and hyphens",
        example: "evgt-acspush-dev",
        globallyUnique: false,
    },
    eventGridSubscription: {
        label: "Event Grid subscription name",
        min: 3,
        max: 64,
        pattern: /^[A-Za-z0-9-]+$/,
        allowed: "letters, digits and hyphens",
        example: "chat-events",
        globallyUnique: false,
    },
} as const satisfies Record<string, NameRule>;

export type NameKind = keyof typeof NAME_RULES;

/** Describes what is wrong with `name` for a resource of `kind`, or returns undefined when it is valid. */
export function checkAzureName(kind: NameKind, name: string): string | undefined {
    const rule: NameRule = NAME_RULES[kind];
    if (name.length < rule.min || name.length > rule.max) {
        return `${rule.label} '${name}' is ${name.length} characters long; it must be ${rule.min}-${rule.max}`;
    }
    if (!rule.pattern.test(name)) {
        return `${rule.label} '${name}' may contain only ${rule.allowed}`;
    }
    return undefined;
}
