// One stack = one environment of the ACS push topology:
// config -> resource group -> ACS + Notification Hubs -> function hosting (+ dead-letter storage) -> function code ->
// ACS events -> hub link -> outputs.
import * as authorization from "@pulumi/azure-native/authorization";
import * as resources from "@pulumi/azure-native/resources";
import * as pulumi from "@pulumi/pulumi";
import { AcsEvents } from "./components/acsEvents";
import { Communication } from "./components/communication";
import { DeadLetterStorage } from "./components/deadLetters";
import { FunctionCode, WEBHOOK_FUNCTION_NAME } from "./components/functionCode";
import { FunctionHosting } from "./components/functionHosting";
import { Monitoring } from "./components/monitoring";
import { NotificationHubs } from "./components/notificationHubs";
import { config } from "./config";
import { actionGroupNames, alertRules } from "./lib/alerts";
import { after } from "./lib/outputs";
import { findUp, hashFunctionAppBuild } from "./lib/sourceHash";
import { NotificationHubLink } from "./providers/notificationHubLink";

const names = config.names;
const tags = config.tags;

const resourceGroupName: pulumi.Output<string> = config.createResourceGroup
    ? after(
          new resources.ResourceGroup("resource-group", {
              resourceGroupName: names.resourceGroup,
              location: config.location,
              tags,
          }),
          names.resourceGroup,
      )
    : pulumi.output(names.resourceGroup);

const clientConfig = authorization.getClientConfigOutput();
const subscriptionId = clientConfig.apply((c) => c?.subscriptionId ?? "");

const acs = new Communication("acs", {
    resourceGroupName,
    serviceName: names.communicationService,
    dataLocation: config.dataLocation,
    protect: config.protectCommunicationService,
    tags,
});

const hubs = new NotificationHubs("hubs", {
    resourceGroupName,
    location: config.location,
    namespaceName: names.notificationHubsNamespace,
    sku: config.notificationHubsSku,
    callsHubName: names.callsHub,
    alertsHubName: names.alertsHub,
    callsSendRuleName: names.callsHubSendRule,
    alertsFunctionRuleName: names.alertsHubFunctionRule,
    apns: {
        teamId: config.apns.teamId,
        keyId: config.apns.keyId,
        token: config.secrets.apnsToken,
        endpoint: config.apns.endpoint,
    },
    fcm: {
        projectId: config.fcm.projectId,
        clientEmail: config.fcm.clientEmail,
        privateKey: config.secrets.fcmPrivateKey,
    },
    tags,
});

const functions = new FunctionHosting("functions", {
    resourceGroupName,
    location: config.location,
    subscriptionId,
    names,
    logRetentionDays: config.logRetentionDays,
    maximumInstanceCount: config.functionApp.maximumInstanceCount,
    instanceMemoryMB: config.functionApp.instanceMemoryMB,
    notificationHubs: {
        connectionString: hubs.alertsFunctionConnectionString,
        hubName: hubs.alertsHubName,
    },
    includeMessageText: config.functionApp.includeMessageText,
    idempotencyRetention: config.functionApp.retention,
    traceSamplingPercentage: config.functionApp.traceSamplingPercentage,
    installations: {
        tenantId: config.installations.tenantId ?? clientConfig.apply((c) => c?.tenantId ?? ""),
        authority: config.entraAuthority,
        audiences: config.installations.audiences,
        allowedCallers: config.installations.allowedCallers,
        allowFunctionKey: config.installations.allowFunctionKey,
    },
    tags,
});

const deadLetters = new DeadLetterStorage("dead-letters", {
    resourceGroupName,
    location: config.location,
    accountName: names.deadLetterStorageAccount,
    containerName: names.deadLetterContainer,
    tags,
});

// Build and deploy the function code (again only when functions-app/ changes), read the function key, then
// wait until the webhook answers Event Grid's validation handshake.
const functionCode = new FunctionCode("function-code", {
    resourceGroupName,
    functionAppName: functions.appName,
    functionAppId: functions.app.id,
    hostName: functions.hostName,
    sourceHash: hashFunctionAppBuild(findUp(__dirname, "Pulumi.yaml"), "functions-app"),
    // The code deployment needs the app and its storage access (the app writes its own package).
    deployAfter: [functions.app, ...functions.accessGrants],
});

const events = new AcsEvents("acs-events", {
    resourceGroupName,
    communicationServiceId: acs.serviceId,
    systemTopicName: names.systemTopic,
    subscriptionId,
    endpointUrl: functionCode.webhookUrl,
    // Event Grid validates a webhook when the subscription is created: the subscriptions wait for the code to answer.
    webhookReady: [functionCode.ready],
    chat: {
        subscriptionName: names.chatSubscription,
        eventTypes: config.events.chatEventTypes,
        maxDeliveryAttempts: config.events.maxDeliveryAttempts,
        timeToLiveMinutes: config.events.timeToLiveMinutes,
    },
    incomingCall: config.events.incomingCall ? { subscriptionName: names.incomingCallSubscription } : undefined,
    deadLetter: {
        storageAccountId: deadLetters.accountId,
        containerName: deadLetters.containerName,
        containerId: deadLetters.containerId,
    },
    tags,
});

// ACS pushes incoming calls itself through the linked calls hub, using the Send-only key.
const link = new NotificationHubLink(
    "calls-hub-link",
    {
        communicationServiceId: acs.serviceId,
        notificationHubId: hubs.callsHubId,
        connectionString: hubs.callsSendConnectionString,
        armEndpoint: config.armEndpoint,
    },
    { dependsOn: [acs, hubs.callsSendRule] },
);

// Alerts on dead letters, failed deliveries, function failures and hub errors, all notifying one action group.
const actionGroup = actionGroupNames(config.namePrefix, config.environment);
const monitoring = new Monitoring("monitoring", {
    resourceGroupName,
    actionGroupName: actionGroup.name,
    actionGroupShortName: actionGroup.shortName,
    emails: config.alerts.emails,
    webhookUrls: config.secrets.alertWebhookUrls,
    rules: alertRules({ namePrefix: config.namePrefix, environment: config.environment, ...config.alerts }),
    targets: {
        systemTopic: events.systemTopicId,
        functionApp: functions.app.id,
        insights: functions.insightsId,
        callsHub: hubs.callsHubId,
        alertsHub: hubs.alertsHubId,
    },
    tags,
});

export const resourceGroup = resourceGroupName;
export const acsHostName = acs.hostName;
export const acsResourceName = acs.serviceName;
export const notificationHubNamespace = hubs.namespaceName;
export const callsHubName = hubs.callsHubName;
export const alertsHubName = hubs.alertsHubName;
export const functionApp = functions.appName;
export const functionBaseUrl = functions.baseUrl;
export const functionStorageAccount = functions.storageAccountName;
export const functionDeploymentContainerUrl = functions.deploymentContainerUrl;
export const systemTopicName = events.systemTopicName;
// What the customer's backend needs to call the installations endpoint (neither is a credential).
export const installationsEndpoint = functions.baseUrl.apply((base) => `${base}/api/installations`);
export const installationsTokenScope = pulumi.output(
    config.installations.audiences.length > 0 ? `${config.installations.audiences[0]}/.default` : "",
);
export const chatSubscriptionName = events.chatSubscriptionName;
export const incomingCallSubscriptionName = events.incomingCallSubscriptionName;
// Read defensively: before the first refresh (or under mocks) the provider may not have reported a link yet.
const linkedHub = pulumi.output(link.linkedHubId).apply((id) => id ?? "");
export const linkedHubId = linkedHub;
export const callsHubLinked = pulumi
    .all([linkedHub, hubs.callsHubId])
    .apply(([linked, hub]) => Boolean(linked) && Boolean(hub) && linked.toLowerCase() === hub.toLowerCase());

// What scripts/doctor.sh reads to check the live resources (docs/operations.md, "Check a deployed stack").
export const armEndpoint = config.armEndpoint;
export const acsResourceId = acs.serviceId;
export const callsHubId = hubs.callsHubId;
export const alertsHubId = hubs.alertsHubId;
export const apnsEndpoint = config.apns.endpoint;
export const fcmProjectId = config.fcm.projectId;
export const systemTopicId = events.systemTopicId;
export const eventSubscriptions = events.subscriptions;
export const deadLetterContainerUrl = deadLetters.containerUrl;
// The webhook without its key, and the ARM id the doctor reads the key through (a stack output never carries a credential).
export const webhookEndpoint = pulumi.interpolate`${functions.baseUrl}/api/events`;
export const webhookFunctionId = pulumi.interpolate`${functions.app.id}/functions/${WEBHOOK_FUNCTION_NAME}`;
export const actionGroupId = monitoring.actionGroupId;
export const alertRuleIds = monitoring.alertRuleIds;
