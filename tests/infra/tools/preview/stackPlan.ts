// A plan shaped like this stack's (resource group, protected ACS, hubs with a rule, storage with a container,
// the function app with its identity and a role assignment, Event Grid, the hub link), built from a few
// settings, for diff table cases.
import { armIdOf, mockPrincipalId } from "../../../../infra/tools/preview/azureIds";
import { Plan, PlanResource } from "../../../../infra/tools/preview/model";
import { buildPlan } from "../../../../infra/tools/preview/plan";

export interface StackSettings {
    prefix: string;
    location: string;
    dataLocation: string;
    bundleId: string;
    tags: Record<string, string>;
    incomingCall: boolean;
}

export const PROD: StackSettings = {
    prefix: "acspush",
    location: "northeurope",
    dataLocation: "Germany",
    bundleId: "com.contoso.chat",
    tags: { environment: "prod", owner: "mobile-team" },
    incomingCall: false,
};

export function stackPlan(overrides: Partial<StackSettings> = {}): Plan {
    const s = { ...PROD, ...overrides };
    const rg = `rg-${s.prefix}-prod`;
    const resources: PlanResource[] = [];
    const add = (type: string, name: string, inputs: Record<string, unknown>, deps: string[] = [], extra: Partial<PlanResource> = {}) => {
        const urn = `urn:pulumi:prod::acs-push::${type}::${name}`;
        const resource: PlanResource = { urn, type, name, parent: null, custom: true, inputs, dependsOn: deps.map((d) => resources.find((r) => r.name === d)!.urn), ...extra };
        resource.id = armIdOf(resource);
        resources.push(resource);
        return resource;
    };
    const common = { resourceGroupName: rg, tags: s.tags };
    add("azure-native:resources:ResourceGroup", "resource-group", { resourceGroupName: rg, location: s.location, tags: s.tags });
    const acs = add(
        "azure-native:communication:CommunicationService",
        "acs-service",
        { ...common, communicationServiceName: `acs-${s.prefix}-prod-61292c`, location: "global", dataLocation: s.dataLocation },
        ["resource-group"],
        { protect: true, replaceOnChanges: ["dataLocation"] },
    );
    const ns = `ntfns-${s.prefix}-prod-61292c`;
    add("azure-native:notificationhubs:Namespace", "hubs-namespace", { ...common, namespaceName: ns, location: s.location }, ["resource-group"]);
    const hub = add(
        "azure-native:notificationhubs:NotificationHub",
        "hubs-calls-hub",
        { ...common, namespaceName: ns, notificationHubName: `${s.bundleId}.voip`, location: s.location, apnsCredential: { appName: `${s.bundleId}.voip`, token: "[secret]" } },
        ["hubs-namespace"],
    );
    add(
        "azure-native:notificationhubs:NotificationHubAuthorizationRule",
        "hubs-calls-send-rule",
        { resourceGroupName: rg, namespaceName: ns, notificationHubName: `${s.bundleId}.voip`, authorizationRuleName: "acs-send", rights: ["Send"] },
        ["hubs-calls-hub"],
    );
    const account = `st${s.prefix}prod61292c`;
    const storage = add("azure-native:storage:StorageAccount", "functions-storage", { ...common, accountName: account, kind: "StorageV2", location: s.location }, ["resource-group"]);
    add("azure-native:storage:BlobContainer", "functions-dead-letter-container", { resourceGroupName: rg, accountName: account, containerName: "event-dead-letters" }, ["functions-storage"]);
    add(
        "azure-native:web:WebApp",
        "functions-app",
        { ...common, name: `func-${s.prefix}-prod-61292c`, kind: "functionapp,linux", location: s.location, identity: { type: "SystemAssigned" }, siteConfig: "[secret]" },
        ["functions-storage"],
    );
    add(
        "azure-native:authorization:RoleAssignment",
        "functions-blob-owner",
        { principalId: mockPrincipalId("functions-app"), principalType: "ServicePrincipal", scope: storage.id },
        ["functions-app", "functions-storage"],
    );
    const topic = `evgt-${s.prefix}-prod`;
    add("azure-native:eventgrid:SystemTopic", "acs-events-topic", { ...common, systemTopicName: topic, location: "global", source: acs.id }, ["acs-service"]);
    const subscription = (name: string, events: string[]) =>
        add(
            "azure-native:eventgrid:SystemTopicEventSubscription",
            name,
            { resourceGroupName: rg, systemTopicName: topic, eventSubscriptionName: name, filter: { includedEventTypes: events } },
            ["acs-events-topic", "functions-app"],
        );
    subscription("acs-events-chat", ["Microsoft.Communication.ChatMessageReceived"]);
    if (s.incomingCall) subscription("acs-events-incoming-call", ["Microsoft.Communication.IncomingCall"]);
    add(
        "pulumi-nodejs:dynamic:NotificationHubLink",
        "calls-hub-link",
        { communicationServiceId: acs.id, notificationHubId: hub.id, connectionString: "[secret]" },
        ["acs-service", "hubs-calls-send-rule"],
    );
    return buildPlan({ project: "acs-push", stack: "prod", config: [], resources });
}
