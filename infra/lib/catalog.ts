// Allowed values the program checks configuration against.

/**
 * Geographies accepted by `Microsoft.Communication/communicationServices` `dataLocation` (where ACS keeps chat
 * messages and resource data at rest). Spelled as ARM expects them; "usgov" is the Azure Government geography.
 */
export const ACS_DATA_LOCATIONS = [
    "Africa",
    "Asia Pacific",
    "Australia",
    "Brazil",
    "Canada",
    "Europe",
    "France",
    "Germany",
    "India",
    "Japan",
    "Korea",
    "Norway",
    "Switzerland",
    "UAE",
    "UK",
    "United States",
    "usgov",
] as const;

/** Notification Hubs namespace tiers. Free: 500 devices, 1M pushes; Basic/Standard: SLA, Standard adds telemetry. */
export const NOTIFICATION_HUBS_SKUS = ["Free", "Basic", "Standard"] as const;
export type NotificationHubsSku = (typeof NOTIFICATION_HUBS_SKUS)[number];

export const APNS_ENVIRONMENTS = ["sandbox", "production"] as const;
export type ApnsEnvironment = (typeof APNS_ENVIRONMENTS)[number];

/** Token-authentication endpoints Notification Hubs accepts for an APNs credential. */
export const APNS_ENDPOINTS: Readonly<Record<ApnsEnvironment, string>> = {
    production: "https://api.push.apple.com:443/3/device",
    sandbox: "https://api.development.push.apple.com:443/3/device",
};

/**
 * Resource Manager endpoints of the clouds the azure-native provider knows (its `environment` config).
 * The hub link calls ARM itself, so it must follow the provider into a sovereign cloud.
 */
export const ARM_ENDPOINTS: Readonly<Record<string, string>> = {
    public: "https://management.azure.com",
    usgovernment: "https://management.usgovcloudapi.net",
    china: "https://management.chinacloudapi.cn",
};

/** The Microsoft Entra authority host per cloud: where the app reads the token signing keys of its callers' tenant. */
export const ENTRA_AUTHORITIES: Readonly<Record<string, string>> = {
    public: "https://login.microsoftonline.com/",
    usgovernment: "https://login.microsoftonline.us/",
    china: "https://login.chinacloudapi.cn/",
};

/** Instance sizes a Flex Consumption app may use. */
export const FLEX_INSTANCE_MEMORY_MB = [512, 2048, 4096] as const;

/** The function app's runtime on Flex Consumption: dotnet-isolated, .NET 10. */
export const FUNCTION_RUNTIME = { name: "dotnet-isolated", version: "10.0" } as const;

/** ACS chat events the function understands. The per-user variants carry the recipient to push to. */
export const ACS_CHAT_EVENT_TYPES = [
    "Microsoft.Communication.ChatMessageReceived",
    "Microsoft.Communication.ChatMessageEdited",
    "Microsoft.Communication.ChatMessageDeleted",
    "Microsoft.Communication.ChatThreadCreatedWithUser",
    "Microsoft.Communication.ChatThreadWithUserDeleted",
    "Microsoft.Communication.ChatThreadPropertiesUpdatedPerUser",
    "Microsoft.Communication.ChatParticipantAddedToThreadWithUser",
    "Microsoft.Communication.ChatParticipantRemovedFromThreadWithUser",
] as const;

export const DEFAULT_CHAT_EVENT_TYPES = [
    "Microsoft.Communication.ChatMessageReceived",
    "Microsoft.Communication.ChatThreadCreatedWithUser",
    "Microsoft.Communication.ChatParticipantAddedToThreadWithUser",
] as const;

export const INCOMING_CALL_EVENT_TYPE = "Microsoft.Communication.IncomingCall";

/**
 * Azure regions by their ARM name (public cloud and Azure Government). The program's regional resources
 * (Notification Hubs, storage, Log Analytics, the Flex Consumption app) all go to the configured one, so it
 * must also be a region where Flex Consumption is offered (`az functionapp list-flexconsumption-locations`).
 */
export const AZURE_LOCATIONS = [
    "australiacentral",
    "australiacentral2",
    "australiaeast",
    "australiasoutheast",
    "austriaeast",
    "belgiumcentral",
    "brazilsouth",
    "brazilsoutheast",
    "canadacentral",
    "canadaeast",
    "centralindia",
    "centralus",
    "chilecentral",
    "eastasia",
    "eastus",
    "eastus2",
    "francecentral",
    "francesouth",
    "germanynorth",
    "germanywestcentral",
    "indonesiacentral",
    "israelcentral",
    "italynorth",
    "japaneast",
    "japanwest",
    "jioindiacentral",
    "jioindiawest",
    "koreacentral",
    "koreasouth",
    "malaysiawest",
    "mexicocentral",
    "newzealandnorth",
    "northcentralus",
    "northeurope",
    "norwayeast",
    "norwaywest",
    "polandcentral",
    "qatarcentral",
    "southafricanorth",
    "southafricawest",
    "southcentralus",
    "southeastasia",
    "southindia",
    "spaincentral",
    "swedencentral",
    "swedensouth",
    "switzerlandnorth",
    "switzerlandwest",
    "uaecentral",
    "uaenorth",
    "uksouth",
    "ukwest",
    "westcentralus",
    "westeurope",
    "westindia",
    "westus",
    "westus2",
    "westus3",
    "usgovarizona",
    "usgovtexas",
    "usgovvirginia",
] as const;

/**
 * Built-in Azure role definitions the program assigns, by GUID (identical in every tenant).
 * https://learn.microsoft.com/azure/role-based-access-control/built-in-roles
 */
export const BUILT_IN_ROLES = {
    /** Host storage and the Flex deployment container (read/write blobs, manage leases, container ACL). */
    storageBlobDataOwner: { name: "Storage Blob Data Owner", id: "b7e6dc6d-f1e8-4753-8033-0f276bb0955b" },
    /** Event Grid system topic writing dead-lettered events into their container. */
    storageBlobDataContributor: {
        name: "Storage Blob Data Contributor",
        id: "ba92f5b4-2d11-453d-a403-e96b0029c9fe",
    },
    /** The function's idempotency table and its installation-owners table, each assigned at the table. */
    storageTableDataContributor: {
        name: "Storage Table Data Contributor",
        id: "0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3",
    },
    /** Microsoft Entra authenticated telemetry ingestion into Application Insights. */
    monitoringMetricsPublisher: {
        name: "Monitoring Metrics Publisher",
        id: "3913510d-42f4-4e42-8a64-420c390055eb",
    },
} as const;

/** The subscription-scoped role definition id ARM stores on a role assignment (so refresh shows no drift). */
export function roleDefinitionId(subscriptionId: string, roleId: string): string {
    return `/subscriptions/${subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${roleId}`;
}
