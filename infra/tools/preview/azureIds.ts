// The Azure Resource Manager id of each resource the program declares, computed from its inputs the way ARM
// builds it: the mocks answer with it, and the offline diff compares it (a changed id is a new resource).
import { createHash } from "node:crypto";
import { linkResourceId } from "../../providers/armIds";

/** The subscription every mocked id lives in; recognisable, never real. */
export const MOCK_SUBSCRIPTION_ID = "00000000-0000-0000-0000-000000000000";

const RG = "/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}";
const HUB = `${RG}/providers/Microsoft.NotificationHubs/namespaces/{namespaceName}/notificationHubs/{notificationHubName}`;
const ACCOUNT = `${RG}/providers/Microsoft.Storage/storageAccounts/{accountName}`;
const SITE = `${RG}/providers/Microsoft.Web/sites/{name}`;
const TOPIC = `${RG}/providers/Microsoft.EventGrid/systemTopics/{systemTopicName}`;

/** ARM id templates by resource type; `{input}` is replaced by that input (the resource's name is the last). */
export const ARM_ID_TEMPLATES: Readonly<Record<string, string>> = {
    "azure-native:resources:ResourceGroup": RG,
    "azure-native:communication:CommunicationService": `${RG}/providers/Microsoft.Communication/communicationServices/{communicationServiceName}`,
    "azure-native:notificationhubs:Namespace": `${RG}/providers/Microsoft.NotificationHubs/namespaces/{namespaceName}`,
    "azure-native:notificationhubs:NotificationHub": HUB,
    "azure-native:notificationhubs:NotificationHubAuthorizationRule": `${HUB}/AuthorizationRules/{authorizationRuleName}`,
    "azure-native:storage:StorageAccount": ACCOUNT,
    "azure-native:storage:BlobContainer": `${ACCOUNT}/blobServices/default/containers/{containerName}`,
    "azure-native:storage:Table": `${ACCOUNT}/tableServices/default/tables/{tableName}`,
    "azure-native:operationalinsights:Workspace": `${RG}/providers/Microsoft.OperationalInsights/workspaces/{workspaceName}`,
    "azure-native:applicationinsights:Component": `${RG}/providers/Microsoft.Insights/components/{resourceName}`,
    "azure-native:web:AppServicePlan": `${RG}/providers/Microsoft.Web/serverfarms/{name}`,
    "azure-native:web:WebApp": SITE,
    "azure-native:web:WebAppFtpAllowed": `${SITE}/basicPublishingCredentialsPolicies/ftp`,
    "azure-native:web:WebAppScmAllowed": `${SITE}/basicPublishingCredentialsPolicies/scm`,
    // An extension resource: its id lies under the scope it is assigned on.
    "azure-native:authorization:RoleAssignment": "{scope}/providers/Microsoft.Authorization/roleAssignments/{roleAssignmentName}",
    "azure-native:eventgrid:SystemTopic": TOPIC,
    "azure-native:eventgrid:SystemTopicEventSubscription": `${TOPIC}/eventSubscriptions/{eventSubscriptionName}`,
    "azure-native:monitor:ActionGroup": `${RG}/providers/Microsoft.Insights/actionGroups/{actionGroupName}`,
    "azure-native:monitor:MetricAlert": `${RG}/providers/Microsoft.Insights/metricAlerts/{ruleName}`,
};

/** A GUID-shaped, stable stand-in for a value Azure generates (a principal id, a role assignment name). */
export function stableGuid(seed: string): string {
    const h = createHash("sha256").update(seed, "utf8").digest("hex");
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** The principal id the mocks give a resource's system-assigned identity (a new one comes with a replacement). */
export function mockPrincipalId(logicalName: string): string {
    return stableGuid(`principal/${logicalName}`);
}

function lowerFirst(s: string): string {
    return s.charAt(0).toLowerCase() + s.slice(1);
}

export interface IdentifiedResource {
    type: string;
    /** The Pulumi (logical) name. */
    name: string;
    inputs: Record<string, unknown>;
}

/**
 * The ARM id of a resource, or undefined for one that has none (components, commands). An input the template
 * needs and the program left out is what the provider would name: a GUID for a role assignment (azure-native
 * generates one), the logical name otherwise.
 */
export function armIdOf(resource: IdentifiedResource, subscriptionId: string = MOCK_SUBSCRIPTION_ID): string | undefined {
    const { type, name, inputs } = resource;
    if (type === "pulumi-nodejs:dynamic:NotificationHubLink") {
        return typeof inputs.communicationServiceId === "string" ? linkResourceId(inputs.communicationServiceId) : undefined;
    }
    const [pkg, module, typeName] = type.split(":");
    if (pkg !== "azure-native") return undefined;
    const template =
        ARM_ID_TEMPLATES[type] ?? `${RG}/providers/${module}/${lowerFirst(typeName)}s/{${lowerFirst(typeName)}Name}`;
    return template.replace(/\{(\w+)\}/g, (_, input: string) => {
        if (input === "subscriptionId") return subscriptionId;
        const value = inputs[input];
        if (typeof value === "string" && value !== "") return value;
        return input === "roleAssignmentName" ? stableGuid(name) : name;
    });
}

/** The resource's own Azure name: the last segment of its id (the logical name when it has no id). */
export function azureNameOf(resource: IdentifiedResource): string {
    return armIdOf(resource)?.split("/").pop() ?? resource.name;
}
