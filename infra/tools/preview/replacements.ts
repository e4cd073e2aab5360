// What makes a change a replacement rather than an update, per resource type, with where each rule comes
// from; and what a replacement (or deletion) loses. Besides these, a resource whose ARM id changes (its
// name, parent or resource group) is always a new resource, and so is a change to an input the program
// marks `replaceOnChanges`.

import type { ReplacingInput } from "./model";

const LOCATION: ReplacingInput = {
    path: "location",
    source:
        "ARM: a tracked resource's location is create-only (x-ms-mutability read/create in the common-types " +
        "TrackedResource; ARM RPC guideline RPC-Put-V1-14)",
};
const AZURE_NATIVE = "azure-native provider schema (provider/pkg/gen/replacement.go, forceNewMap)";

export const REPLACING_INPUTS: Readonly<Record<string, readonly ReplacingInput[]>> = {
    "azure-native:resources:ResourceGroup": [{ path: "location", source: AZURE_NATIVE }],
    "azure-native:communication:CommunicationService": [
        LOCATION,
        {
            path: "dataLocation",
            source: "Azure REST spec Microsoft.Communication CommunicationServices.json: dataLocation is x-ms-mutability create/read",
        },
    ],
    "azure-native:notificationhubs:Namespace": [LOCATION],
    "azure-native:notificationhubs:NotificationHub": [LOCATION],
    "azure-native:storage:StorageAccount": [
        { path: "location", source: AZURE_NATIVE },
        { path: "isHnsEnabled", source: AZURE_NATIVE },
        {
            path: "kind",
            source:
                "Azure REST spec Microsoft.Storage StorageAccountUpdateParameters.kind: only an upgrade to StorageV2 " +
                "is supported in place (this stack's accounts are StorageV2 already)",
        },
    ],
    "azure-native:operationalinsights:Workspace": [LOCATION],
    "azure-native:applicationinsights:Component": [LOCATION],
    "azure-native:web:AppServicePlan": [LOCATION],
    "azure-native:web:WebApp": [
        { path: "location", source: AZURE_NATIVE },
        { path: "kind", source: AZURE_NATIVE },
    ],
    "azure-native:eventgrid:SystemTopic": [LOCATION],
    "azure-native:authorization:RoleAssignment": [
        { path: "principalId", source: AZURE_NATIVE },
        { path: "scope", source: AZURE_NATIVE },
    ],
    "command:local:Command": [
        { path: "triggers", source: "@pulumi/command local.Command sets replaceOnChanges: [\"triggers[*]\"]" },
    ],
    "pulumi-nodejs:dynamic:NotificationHubLink": [
        { path: "communicationServiceId", source: "the link provider's diff (infra/providers/notificationHubLinkProvider.ts) replaces on it" },
    ],
};

/** What is gone when a resource of the type is replaced or deleted. */
export const LOST_WITH: Readonly<Record<string, string>> = {
    "azure-native:resources:ResourceGroup":
        "everything in the resource group: Azure deletes a resource group with all its resources, protected ones included",
    "azure-native:communication:CommunicationService":
        "every ACS user identity and its tokens, every chat thread and message, and the link to the calls hub " +
        "(a new resource has none: run `pulumi refresh`, then `pulumi up`, to link again)",
    "azure-native:notificationhubs:Namespace": "both hubs with all their device registrations, and every access key",
    "azure-native:notificationhubs:NotificationHub":
        "the hub's device registrations and installations (every app registers again) and its access keys",
    "azure-native:notificationhubs:NotificationHubAuthorizationRule": "the rule's keys: connection strings built from them stop working",
    "azure-native:storage:StorageAccount": "the idempotency records, the dead-lettered events and the deployed code package",
    "azure-native:storage:Table": "the idempotency records (redelivered events may be sent again)",
    "azure-native:storage:BlobContainer": "the blobs in the container",
    "azure-native:web:WebApp": "the app's system identity (a new principal) and its function keys (the webhook URL changes)",
    "azure-native:operationalinsights:Workspace": "the logs kept so far",
    "azure-native:applicationinsights:Component": "the telemetry kept so far",
    "azure-native:eventgrid:SystemTopic": "its event subscriptions, and events not yet delivered",
};

/** The rule that makes a change at `path` (e.g. `inputs.location`, `inputs.triggers[0]`) a replacement. */
export function replacingRule(type: string, path: string, replaceOnChanges: readonly string[] = []): ReplacingInput | undefined {
    const covers = (input: string) => {
        const base = `inputs.${input.split(/[[*]/)[0].replace(/\.$/, "")}`;
        return path === base || path.startsWith(`${base}.`) || path.startsWith(`${base}[`);
    };
    return (
        REPLACING_INPUTS[type]?.find((rule) => covers(rule.path)) ??
        replaceOnChanges
            .filter(covers)
            .map((input) => ({ path: input, source: `the program marks it replaceOnChanges ("${input}")` }))[0]
    );
}
