import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { EvaluatedStack, evaluateStack } from "../helpers/program";

const SUBSCRIPTION = "azure-native:eventgrid:SystemTopicEventSubscription";

describe("the prod stack", () => {
    let stack: EvaluatedStack;

    before(async () => {
        // Alert receivers are set per deployment (never committed as examples): set them as a deployment would.
        stack = await evaluateStack("prod", { "acs-push:alertEmails": JSON.stringify(["oncall@contoso.com", "mobile-team@contoso.com"]) });
    });

    it("keeps production chat data in Germany and protects the ACS resource from deletion and replacement", () => {
        const acs = stack.capture.one("azure-native:communication:CommunicationService");
        assert.equal(acs.inputs.dataLocation, "Germany");
        assert.equal(acs.protect, true);
    });

    it("uses the Standard Notification Hubs tier", () => {
        assert.deepEqual(stack.capture.one("azure-native:notificationhubs:Namespace").inputs.sku, { name: "Standard" });
    });

    it("sends to the production APNs endpoint from both hubs", () => {
        for (const hub of stack.capture.ofType("azure-native:notificationhubs:NotificationHub")) {
            assert.equal(hub.inputs.apnsCredential.endpoint, "https://api.push.apple.com:443/3/device");
        }
    });

    it("names production resources after the prod environment", () => {
        assert.equal(stack.values.resourceGroup, "rg-acspush-prod");
        assert.match(String(stack.values.functionApp), /^func-acspush-prod-[0-9a-f]{6}$/);
    });

    it("subscribes the function to incoming calls with 2 attempts and a 1-minute TTL", () => {
        const sub = stack.capture.one(SUBSCRIPTION, "incoming-call").inputs;
        assert.deepEqual(sub.filter.includedEventTypes, ["Microsoft.Communication.IncomingCall"]);
        assert.deepEqual(sub.retryPolicy, { maxDeliveryAttempts: 2, eventTimeToLiveInMinutes: 1 });
        assert.equal(sub.destination.endpointType, "WebHook");
        assert.equal(sub.destination.maxEventsPerBatch, 1);
        assert.equal(sub.destination.endpointUrl, stack.capture.one(SUBSCRIPTION, "chat").inputs.destination.endpointUrl);
        assert.equal(stack.values.incomingCallSubscriptionName, "incoming-call-events");
    });

    it("keeps the incoming-call webhook secret and waits for the function app", () => {
        const sub = stack.capture.one(SUBSCRIPTION, "incoming-call");
        assert.ok(sub.secretPaths.includes("destination.endpointUrl"));
        assert.ok(sub.dependsOn.includes(stack.capture.one("azure-native:web:WebApp").urn));
    });

    it("retries chat events for a full day", () => {
        assert.deepEqual(stack.capture.one(SUBSCRIPTION, "chat").inputs.retryPolicy, {
            maxDeliveryAttempts: 30,
            eventTimeToLiveInMinutes: 1440,
        });
    });

    it("sends its alerts to on-call and the team by e-mail", () => {
        const group = stack.capture.one("azure-native:monitor:ActionGroup");
        assert.equal(group.inputs.actionGroupName, "ag-acspush-prod");
        assert.deepEqual(
            group.inputs.emailReceivers.map((r: { emailAddress: string }) => r.emailAddress),
            ["oncall@contoso.com", "mobile-team@contoso.com"],
        );
    });

    it("keeps message text out of pushes and logs for 90 days", () => {
        const settings = stack.capture.one("azure-native:web:WebApp").inputs.siteConfig.appSettings as { name: string; value: string }[];
        assert.equal(settings.find((s) => s.name === "Notifications__IncludeMessageText")?.value, "false");
        assert.equal(settings.find((s) => s.name === "Telemetry__TraceSamplingPercentage")?.value, "10");
        assert.equal(stack.capture.one("azure-native:operationalinsights:Workspace").inputs.retentionInDays, 90);
    });
});
