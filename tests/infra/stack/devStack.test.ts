import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import { BUILT_IN_ROLES } from "../../../infra/lib/catalog";
import { CALLERS, EvaluatedStack, evaluateStack, secretOutputs } from "../helpers/program";
import { CapturedResource, MOCK_FUNCTION_KEY, MOCK_SUBSCRIPTION_ID, mockKey } from "../../../infra/tools/preview/mocks";

const T = {
    rg: "azure-native:resources:ResourceGroup",
    acs: "azure-native:communication:CommunicationService",
    namespace: "azure-native:notificationhubs:Namespace",
    hub: "azure-native:notificationhubs:NotificationHub",
    rule: "azure-native:notificationhubs:NotificationHubAuthorizationRule",
    storage: "azure-native:storage:StorageAccount",
    container: "azure-native:storage:BlobContainer",
    table: "azure-native:storage:Table",
    workspace: "azure-native:operationalinsights:Workspace",
    insights: "azure-native:applicationinsights:Component",
    plan: "azure-native:web:AppServicePlan",
    app: "azure-native:web:WebApp",
    ftp: "azure-native:web:WebAppFtpAllowed",
    scm: "azure-native:web:WebAppScmAllowed",
    role: "azure-native:authorization:RoleAssignment",
    topic: "azure-native:eventgrid:SystemTopic",
    subscription: "azure-native:eventgrid:SystemTopicEventSubscription",
    link: "pulumi-nodejs:dynamic:NotificationHubLink",
};
/** The id the mocks answered with: the ARM id Azure would give the resource. */
const idOf = (r: CapturedResource) => r.id;
const principalOf = (r: CapturedResource) => r.outputs.identity.principalId;
const PEM_BODY = "TUlHVEFnRUFNQk1HQnlxR1NNNDlBZ0VHQ0NxR1NNNDlBd0VIQkhrd2R3SUJBUVFn";

describe("the dev stack", () => {
    let stack: EvaluatedStack;
    const one = (type: string, fragment = "") => stack.capture.one(type, fragment);
    const appSetting = (name: string) =>
        (one(T.app).inputs.siteConfig.appSettings as { name: string; value: string }[]).find((s) => s.name === name)?.value;

    before(async () => {
        stack = await evaluateStack("dev", CALLERS);
    });

    describe("placement and tags", () => {
        it("creates the resource group in the configured region", () => {
            assert.deepEqual(
                { name: one(T.rg).inputs.resourceGroupName, location: one(T.rg).inputs.location },
                { name: "rg-acspush-dev", location: "northeurope" },
            );
        });

        it("tags every taggable resource with the common tags, environment, managed-by and project", () => {
            const expected = { owner: "mobile-team", environment: "dev", "managed-by": "pulumi", project: "acs-push" };
            const taggable = [T.rg, T.acs, T.namespace, T.hub, T.storage, T.workspace, T.insights, T.plan, T.app, T.topic];
            for (const type of taggable) {
                for (const r of stack.capture.ofType(type)) {
                    assert.deepEqual(r.inputs.tags, expected, `${r.name} tags`);
                }
            }
        });

        it("puts every resource into the stack's resource group", () => {
            for (const r of stack.capture.resources.filter((r) => r.type.startsWith("azure-native:") && r.type !== T.rg && r.type !== T.role)) {
                assert.equal(r.inputs.resourceGroupName, "rg-acspush-dev", r.name);
            }
        });
    });

    describe("Communication Services", () => {
        it("creates ACS globally with its data kept in the configured geography", () => {
            const acs = one(T.acs).inputs;
            assert.equal(acs.location, "global");
            assert.equal(acs.dataLocation, "Europe");
            assert.match(acs.communicationServiceName, /^acs-acspush-dev-[0-9a-f]{6}$/);
        });

        it("leaves the dev ACS resource unprotected, so the environment can be torn down", () => {
            assert.equal(one(T.acs).protect, false);
        });
    });

    describe("Notification Hubs", () => {
        it("creates the namespace with the configured SKU", () => {
            assert.deepEqual(one(T.namespace).inputs.sku, { name: "Free" });
            assert.equal(one(T.namespace).inputs.namespaceType, "NotificationHub");
        });

        it("places both hubs in the namespace", () => {
            for (const hub of stack.capture.ofType(T.hub)) {
                assert.equal(hub.inputs.namespaceName, one(T.namespace).inputs.namespaceName);
                assert.ok(hub.dependsOn.includes(one(T.namespace).urn));
            }
        });

        it("names the calls hub <bundleId>.voip with an APNs token credential for the VoIP topic", () => {
            const hub = one(T.hub, "calls").inputs;
            assert.equal(hub.notificationHubName, "com.contoso.chat.voip");
            assert.deepEqual(hub.apnsCredential, {
                appId: "ABCDE12345",
                keyId: "KEY1234567",
                appName: "com.contoso.chat.voip",
                token: PEM_BODY,
                endpoint: "https://api.development.push.apple.com:443/3/device",
            });
        });

        it("names the alerts hub <bundleId> with an APNs token credential for the app topic", () => {
            const hub = one(T.hub, "alerts").inputs;
            assert.equal(hub.notificationHubName, "com.contoso.chat");
            assert.equal(hub.apnsCredential.appName, "com.contoso.chat");
            assert.equal(hub.apnsCredential.apnsCertificate, undefined);
        });

        it("gives both hubs the FCM v1 credential", () => {
            for (const hub of stack.capture.ofType(T.hub)) {
                assert.equal(hub.inputs.fcmV1Credential.projectId, "contoso-chat-4711");
                assert.equal(hub.inputs.fcmV1Credential.clientEmail, "firebase-adminsdk-abc12@contoso-chat-4711.iam.gserviceaccount.com");
                assert.match(hub.inputs.fcmV1Credential.privateKey, /^-----BEGIN PRIVATE KEY-----\n.+\n-----END PRIVATE KEY-----\n$/s);
            }
        });

        it("keeps the APNs key and the FCM key secret", () => {
            for (const hub of stack.capture.ofType(T.hub)) {
                assert.ok(hub.secretPaths.includes("apnsCredential.token"), hub.name);
                assert.ok(hub.secretPaths.includes("fcmV1Credential.privateKey"), hub.name);
            }
        });

        it("gives the calls hub a rule with rights exactly [\"Send\"]", () => {
            const rule = one(T.rule, "calls").inputs;
            assert.deepEqual(rule.rights, ["Send"]);
            assert.equal(rule.notificationHubName, "com.contoso.chat.voip");
        });

        it("gives the function Listen and Send on the alerts hub but never Manage", () => {
            const rule = one(T.rule, "alerts").inputs;
            assert.deepEqual([...rule.rights].sort(), ["Listen", "Send"]);
            assert.ok(!rule.rights.includes("Manage"));
            assert.equal(rule.notificationHubName, "com.contoso.chat");
        });

        it("reads each rule's connection string after the rule exists", () => {
            const calls = stack.capture.callsTo("azure-native:notificationhubs:listNotificationHubKeys").map((c) => c.inputs);
            assert.deepEqual(
                calls.map((c) => `${c.notificationHubName}/${c.authorizationRuleName}`).sort(),
                ["com.contoso.chat.voip/acs-send", "com.contoso.chat/function-listen-send"],
            );
        });
    });

    describe("the calls hub link", () => {
        it("links the calls hub with a Send-only key", () => {
            const link = one(T.link, "calls-hub-link").inputs;
            assert.equal(link.communicationServiceId, idOf(one(T.acs)));
            assert.equal(link.notificationHubId, idOf(one(T.hub, "calls")));
            const namespace = one(T.namespace).inputs.namespaceName;
            assert.ok(link.connectionString.endsWith(`SharedAccessKeyName=acs-send;SharedAccessKey=${mockKey(`${namespace}/com.contoso.chat.voip/acs-send/primary`)}`));
            assert.equal(link.armEndpoint, "https://management.azure.com");
        });

        it("keeps the link's connection string secret", () => {
            assert.ok(one(T.link, "calls-hub-link").secretPaths.includes("connectionString"));
        });

        it("creates the link after ACS and the Send rule", () => {
            const deps = one(T.link, "calls-hub-link").dependsOn;
            assert.ok(deps.includes(one(T.acs).urn));
            assert.ok(deps.includes(one(T.rule, "calls").urn));
        });
    });

    describe("function hosting", () => {
        it("locks both storage accounts down: TLS 1.2, HTTPS only, no public blobs, no shared keys", () => {
            assert.equal(stack.capture.ofType(T.storage).length, 2);
            for (const account of stack.capture.ofType(T.storage)) {
                const s = account.inputs;
                assert.equal(s.kind, "StorageV2");
                assert.equal(s.minimumTlsVersion, "TLS1_2");
                assert.equal(s.enableHttpsTrafficOnly, true);
                assert.equal(s.allowBlobPublicAccess, false);
                assert.equal(s.allowSharedKeyAccess, false);
                assert.match(s.accountName, /^[a-z0-9]{3,24}$/);
            }
        });

        it("keeps the deployment container and both tables in the function's account, the dead letters in their own", () => {
            const account = one(T.storage, "functions").inputs.accountName;
            const deadLetterAccount = one(T.storage, "dead-letters").inputs.accountName;
            assert.notEqual(deadLetterAccount, account);
            assert.deepEqual(
                stack.capture.ofType(T.container).map((c) => [c.inputs.containerName, c.inputs.accountName, c.inputs.publicAccess]).sort(),
                [
                    ["app-package", account, "None"],
                    ["event-dead-letters", deadLetterAccount, "None"],
                ],
            );
            assert.deepEqual(
                stack.capture.ofType(T.table).map((t) => [t.inputs.tableName, t.inputs.accountName]).sort(),
                [
                    ["InstallationOwners", account],
                    ["ProcessedEvents", account],
                ],
            );
        });

        it("connects Application Insights to the Log Analytics workspace and accepts only Entra ID telemetry", () => {
            assert.equal(one(T.insights).inputs.workspaceResourceId, idOf(one(T.workspace)));
            assert.equal(one(T.workspace).inputs.retentionInDays, 30);
            assert.equal(one(T.insights).inputs.disableLocalAuth, true);
        });

        it("hosts the app on a Linux Flex Consumption plan", () => {
            const plan = one(T.plan).inputs;
            assert.deepEqual(plan.sku, { name: "FC1", tier: "FlexConsumption" });
            assert.equal(plan.reserved, true);
            assert.equal(one(T.app).inputs.serverFarmId, idOf(one(T.plan)));
        });

        it("runs the function app HTTPS-only with a system identity, TLS 1.2 and FTP off", () => {
            const app = one(T.app).inputs;
            assert.equal(app.kind, "functionapp,linux");
            assert.equal(app.httpsOnly, true);
            assert.deepEqual(app.identity, { type: "SystemAssigned" });
            assert.equal(app.siteConfig.minTlsVersion, "1.2");
            assert.equal(app.siteConfig.ftpsState, "Disabled");
        });

        it("turns basic-auth publishing off for FTP and SCM", () => {
            for (const type of [T.ftp, T.scm]) {
                assert.equal(one(type).inputs.allow, false);
                assert.equal(one(type).inputs.name, one(T.app).inputs.name);
            }
        });

        it("deploys from the blob container with the app's identity, on dotnet-isolated 10.0", () => {
            const config = one(T.app).inputs.functionAppConfig;
            assert.deepEqual(config.deployment.storage, {
                type: "blobContainer",
                value: `https://${one(T.storage, "functions").inputs.accountName}.blob.core.windows.net/app-package`,
                authentication: { type: "SystemAssignedIdentity" },
            });
            assert.deepEqual(config.runtime, { name: "dotnet-isolated", version: "10.0" });
            assert.deepEqual(config.scaleAndConcurrency, { maximumInstanceCount: 10, instanceMemoryMB: 2048 });
        });

        it("configures the function through app settings, host storage by identity", () => {
            const account = one(T.storage, "functions").inputs.accountName;
            assert.equal(appSetting("AzureWebJobsStorage__accountName"), account);
            assert.equal(appSetting("AzureWebJobsStorage"), undefined);
            assert.match(appSetting("NotificationHubs__ConnectionString") ?? "", /SharedAccessKeyName=function-listen-send;/);
            assert.equal(appSetting("NotificationHubs__HubName"), "com.contoso.chat");
            assert.equal(appSetting("Idempotency__TableServiceUri"), `https://${account}.table.core.windows.net`);
            assert.equal(appSetting("Idempotency__TableName"), one(T.table, "idempotency").inputs.tableName);
            assert.equal(appSetting("Installations__OwnersTableName"), "InstallationOwners");
            assert.equal(appSetting("Notifications__IncludeMessageText"), "true");
            assert.match(appSetting("APPLICATIONINSIGHTS_CONNECTION_STRING") ?? "", /^InstrumentationKey=/);
            assert.equal(appSetting("APPLICATIONINSIGHTS_AUTHENTICATION_STRING"), "Authorization=AAD");
        });

        it("keeps idempotency records 3 days, sweeps them hourly, and keeps every trace in dev", () => {
            assert.equal(appSetting("Idempotency__RetentionWindow"), "3.00:00:00");
            assert.equal(appSetting("Idempotency__RetentionSchedule"), "0 17 * * * *");
            assert.equal(appSetting("Telemetry__TraceSamplingPercentage"), "100");
        });

        it("tells the app which callers may manage installations, and keeps the function-key route off", () => {
            const prefix = "Installations__Authentication__";
            assert.equal(appSetting(`${prefix}TenantId`), "00000000-0000-0000-0000-00000000000a");
            assert.equal(appSetting(`${prefix}Instance`), "https://login.microsoftonline.com/");
            assert.equal(appSetting(`${prefix}Audiences__0`), "api://acs-push-installations-dev");
            assert.equal(appSetting(`${prefix}AllowedCallers__0`), "9a0b7c3e-2f51-4d0b-8f3a-61c7a0d2e4b1");
            assert.equal(appSetting(`${prefix}AllowedCallers__1`), undefined);
            assert.equal(appSetting(`${prefix}AllowFunctionKey`), "false");
        });

        it("keeps the app settings, which hold connection strings, secret", () => {
            assert.ok(one(T.app).secretPaths.includes("siteConfig"));
        });

        it("grants the app's identity exactly the data roles it needs", () => {
            const grants = stack.capture
                .ofType(T.role)
                .filter((r) => r.inputs.principalId === principalOf(one(T.app)))
                .map((r) => ({ role: r.inputs.roleDefinitionId.split("/").pop(), scope: r.inputs.scope, type: r.inputs.principalType }));
            const R = BUILT_IN_ROLES;
            assert.deepEqual(
                grants.sort((a, b) => a.role.localeCompare(b.role) || a.scope.localeCompare(b.scope)),
                [
                    { role: R.storageTableDataContributor.id, scope: idOf(one(T.table, "idempotency")), type: "ServicePrincipal" },
                    { role: R.storageTableDataContributor.id, scope: idOf(one(T.table, "installation-owners")), type: "ServicePrincipal" },
                    { role: R.monitoringMetricsPublisher.id, scope: idOf(one(T.insights)), type: "ServicePrincipal" },
                    { role: R.storageBlobDataOwner.id, scope: idOf(one(T.storage, "functions")), type: "ServicePrincipal" },
                ].sort((a, b) => a.role.localeCompare(b.role) || a.scope.localeCompare(b.scope)),
            );
            // Nothing at all on the dead-letter account: the app can neither read nor delete a dead letter.
            const deadLetterAccount = idOf(one(T.storage, "dead-letters"));
            assert.ok(grants.every((g) => !g.scope.startsWith(deadLetterAccount)));
            for (const r of stack.capture.ofType(T.role)) {
                assert.ok(r.inputs.roleDefinitionId.startsWith(`/subscriptions/${MOCK_SUBSCRIPTION_ID}/providers/Microsoft.Authorization/roleDefinitions/`));
            }
        });
    });

    describe("ACS events", () => {
        it("creates the global system topic on the ACS resource with its own identity", () => {
            const topic = one(T.topic).inputs;
            assert.equal(topic.location, "global");
            assert.equal(topic.topicType, "Microsoft.Communication.CommunicationServices");
            assert.equal(topic.source, idOf(one(T.acs)));
            assert.deepEqual(topic.identity, { type: "SystemAssigned" });
        });

        it("lets the topic identity write dead letters into their container only", () => {
            const grant = one(T.role, "dead-letter-writer").inputs;
            assert.equal(grant.principalId, principalOf(one(T.topic)));
            assert.equal(grant.scope, idOf(one(T.container, "dead-letter")));
            assert.ok(grant.roleDefinitionId.endsWith(BUILT_IN_ROLES.storageBlobDataContributor.id));
        });

        it("delivers the configured chat events to the function webhook", () => {
            const sub = one(T.subscription, "chat").inputs;
            assert.equal(sub.systemTopicName, one(T.topic).inputs.systemTopicName);
            assert.deepEqual(sub.filter.includedEventTypes, [
                "Microsoft.Communication.ChatMessageReceived",
                "Microsoft.Communication.ChatThreadCreatedWithUser",
                "Microsoft.Communication.ChatParticipantAddedToThreadWithUser",
            ]);
            assert.equal(sub.destination.endpointType, "WebHook");
            assert.equal(
                sub.destination.endpointUrl,
                `https://${one(T.app).inputs.name}.azurewebsites.net/api/events?code=${encodeURIComponent(MOCK_FUNCTION_KEY)}`,
            );
            assert.ok(sub.destination.maxEventsPerBatch >= 1 && sub.destination.maxEventsPerBatch <= 100);
            assert.ok(sub.destination.preferredBatchSizeInKilobytes <= 1024);
        });

        it("keeps the webhook URL, which carries the function key, secret", () => {
            assert.ok(one(T.subscription, "chat").secretPaths.includes("destination.endpointUrl"));
        });

        it("retries chat events as configured and dead-letters them with the topic identity", () => {
            const sub = one(T.subscription, "chat").inputs;
            assert.deepEqual(sub.retryPolicy, { maxDeliveryAttempts: 10, eventTimeToLiveInMinutes: 60 });
            assert.deepEqual(sub.deadLetterWithResourceIdentity, {
                identity: { type: "SystemAssigned" },
                deadLetterDestination: { endpointType: "StorageBlob", resourceId: idOf(one(T.storage, "dead-letters")), blobContainerName: "event-dead-letters" },
            });
        });

        it("subscribes only once the webhook answered, after the app, its storage access and the dead-letter grant", () => {
            const chat = one(T.subscription, "chat");
            for (const dep of [stack.capture.named("function-code-ready"), one(T.role, "dead-letter-writer")]) {
                assert.ok(chat.dependsOn.includes(dep.urn), `chat subscription should depend on ${dep.name}`);
            }
            for (const dep of [stack.capture.named("function-code-deploy"), one(T.app), one(T.role, "blob-owner")]) {
                assert.ok(stack.capture.dependsOnTransitively(chat.urn, dep.urn), `chat subscription should wait for ${dep.name}`);
            }
        });

        it("does not subscribe to incoming calls in dev", () => {
            assert.equal(stack.capture.ofType(T.subscription).length, 1);
        });

        it("reads the webhook function's own key of the app it deploys, never a host key", () => {
            const calls = stack.capture.callsTo("azure-native:web:listWebAppFunctionKeys");
            assert.equal(calls.length, 1);
            assert.deepEqual(calls[0].inputs, {
                resourceGroupName: "rg-acspush-dev",
                name: one(T.app).inputs.name,
                functionName: "EventGridWebhook",
            });
            assert.equal(stack.capture.callsTo("azure-native:web:listWebAppHostKeys").length, 0);
        });
    });

    describe("stack outputs", () => {
        it("tells the user where everything is", () => {
            const v = stack.values;
            const app = one(T.app).inputs.name;
            assert.equal(v.resourceGroup, "rg-acspush-dev");
            assert.equal(v.acsHostName, `${one(T.acs).inputs.communicationServiceName}.europe.communication.azure.com`);
            assert.equal(v.notificationHubNamespace, one(T.namespace).inputs.namespaceName);
            assert.equal(v.callsHubName, "com.contoso.chat.voip");
            assert.equal(v.alertsHubName, "com.contoso.chat");
            assert.equal(v.functionApp, app);
            assert.equal(v.functionBaseUrl, `https://${app}.azurewebsites.net`);
            assert.equal(v.systemTopicName, "evgt-acspush-dev");
            assert.equal(v.installationsEndpoint, `https://${app}.azurewebsites.net/api/installations`);
            assert.equal(v.installationsTokenScope, "api://acs-push-installations-dev/.default");
            assert.equal(typeof v.callsHubLinked, "boolean");
        });

        it("exposes no credential in any output, and the webhook only without its key", async () => {
            assert.deepEqual(await secretOutputs(stack.outputs), [], "outputs whose secrecy is wrong");
            assert.equal(stack.values.webhookEndpoint, `https://${one(T.app).inputs.name}.azurewebsites.net/api/events`);
            const leaks = [MOCK_FUNCTION_KEY, encodeURIComponent(MOCK_FUNCTION_KEY), "SharedAccessKey=", PEM_BODY, "PRIVATE KEY", "InstrumentationKey"];
            for (const [name, output] of Object.entries(stack.outputs)) {
                if (!pulumi.Output.isInstance(output)) {
                    continue;
                }
                const text = JSON.stringify(stack.values[name]) ?? "";
                for (const leak of leaks) {
                    assert.ok(!text.includes(leak), `${name} contains ${leak}`);
                }
            }
        });
    });
});
