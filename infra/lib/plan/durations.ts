/**
 * Typical creation times, in seconds, used to weigh the critical path. They are rough orders of magnitude
 * for a first deployment in one region (Azure reports no such figures); they rank chains, they do not
 * predict a deployment's length. Keys are a type token, or `<type>#<name suffix>` for command steps.
 */
export const TYPICAL_CREATE_SECONDS: Readonly<Record<string, number>> = {
    "azure-native:resources:ResourceGroup": 5,
    "azure-native:communication:CommunicationService": 60,
    "azure-native:notificationhubs:Namespace": 120,
    "azure-native:notificationhubs:NotificationHub": 20,
    "azure-native:notificationhubs:NotificationHubAuthorizationRule": 10,
    "azure-native:storage:StorageAccount": 30,
    "azure-native:storage:BlobContainer": 5,
    "azure-native:storage:Table": 5,
    "azure-native:operationalinsights:Workspace": 30,
    "azure-native:applicationinsights:Component": 15,
    "azure-native:web:AppServicePlan": 20,
    "azure-native:web:WebApp": 90,
    "azure-native:web:WebAppFtpAllowed": 5,
    "azure-native:web:WebAppScmAllowed": 5,
    "azure-native:authorization:RoleAssignment": 15,
    "azure-native:eventgrid:SystemTopic": 30,
    "azure-native:eventgrid:SystemTopicEventSubscription": 30,
    "pulumi-nodejs:dynamic:NotificationHubLink": 10,
    "command:local:Command": 30,
    "command:local:Command#-publish": 90,
    "command:local:Command#-deploy": 120,
    "command:local:Command#-ready": 60,
};

/** For custom resources of a type missing from the table. */
export const DEFAULT_CREATE_SECONDS = 10;

/** Estimated creation time of one resource; components take none of their own. */
export function estimateSeconds(
    resource: { type: string; name: string; custom: boolean },
    table: Readonly<Record<string, number>> = TYPICAL_CREATE_SECONDS,
): number {
    if (!resource.custom) return 0;
    let best: { suffix: string; seconds: number } | undefined;
    for (const [key, seconds] of Object.entries(table)) {
        const [type, suffix] = key.split("#");
        if (type !== resource.type || suffix === undefined || !resource.name.endsWith(suffix)) continue;
        if (!best || suffix.length > best.suffix.length) best = { suffix, seconds };
    }
    return best?.seconds ?? table[resource.type] ?? DEFAULT_CREATE_SECONDS;
}
