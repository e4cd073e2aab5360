// The dev stack's action group and metric alerts, as the program registers them under the mocks.
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { parseOutputs } from "../../../infra/tools/doctor/outputs";
import { CapturedResource } from "../../../infra/tools/preview/mocks";
import { EvaluatedStack, evaluateStack } from "../helpers/program";

const T = {
    group: "azure-native:monitor:ActionGroup",
    alert: "azure-native:monitor:MetricAlert",
    topic: "azure-native:eventgrid:SystemTopic",
    app: "azure-native:web:WebApp",
    insights: "azure-native:applicationinsights:Component",
    hub: "azure-native:notificationhubs:NotificationHub",
};
const EVENT_GRID = "Microsoft.EventGrid/systemTopics";
const HUBS = "Microsoft.NotificationHubs/namespaces/notificationHubs";

/** Every alert the dev stack must have: rule name suffix, watched resource, metric, aggregation, threshold. */
const EXPECTED: [string, string, string, string, string, number][] = [
    ["dead-lettered-events", "topic", EVENT_GRID, "DeadLetteredCount", "Total", 0],
    ["dropped-events", "topic", EVENT_GRID, "DroppedEventCount", "Total", 0],
    ["failed-deliveries", "topic", EVENT_GRID, "DeliveryAttemptFailCount", "Total", 50],
    ["function-server-errors", "app", "Microsoft.Web/sites", "Http5xx", "Total", 5],
    ["failed-executions", "insights", "microsoft.insights/components", "requests/failed", "Count", 5],
    ["push-errors-calls-hub", "calls-hub", HUBS, "outgoing.allpns.pnserror", "Total", 10],
    ["push-errors-alerts-hub", "alerts-hub", HUBS, "outgoing.allpns.pnserror", "Total", 10],
    ["hub-failed-requests-calls-hub", "calls-hub", HUBS, "incoming.all.failedrequests", "Total", 10],
    ["hub-failed-requests-alerts-hub", "alerts-hub", HUBS, "incoming.all.failedrequests", "Total", 10],
    ["fcm-throttled-calls-hub", "calls-hub", HUBS, "outgoing.fcmv1.throttled", "Total", 10],
    ["fcm-throttled-alerts-hub", "alerts-hub", HUBS, "outgoing.fcmv1.throttled", "Total", 10],
    ["apns-credentials-calls-hub", "calls-hub", HUBS, "outgoing.apns.invalidcredentials", "Total", 0],
    ["apns-credentials-alerts-hub", "alerts-hub", HUBS, "outgoing.apns.invalidcredentials", "Total", 0],
    ["fcm-credentials-calls-hub", "calls-hub", HUBS, "outgoing.fcmv1.invalidcredentials", "Total", 0],
    ["fcm-credentials-alerts-hub", "alerts-hub", HUBS, "outgoing.fcmv1.invalidcredentials", "Total", 0],
];

describe("the dev stack's alerts", () => {
    let stack: EvaluatedStack;
    let group: CapturedResource;
    const watched = (what: string): CapturedResource => {
        const c = stack.capture;
        switch (what) {
            case "topic":
                return c.one(T.topic);
            case "app":
                return c.one(T.app);
            case "insights":
                return c.one(T.insights);
            default:
                return c.one(T.hub, what.replace("-hub", ""));
        }
    };

    before(async () => {
        // A threshold and the window from the configuration, the rest from the defaults.
        stack = await evaluateStack("dev", {
            "acs-push:alertFailedDeliveries": "50",
            "acs-push:alertWindowMinutes": "30",
            "acs-push:alertEmails": JSON.stringify(["mobile-team-dev@contoso.com"]),
            "acs-push:alertWebhookUrls": "https://dummy-secret.invalid/alerts",
        });
        group = stack.capture.one(T.group);
    });

    it("creates one action group notifying the configured e-mail address and the secret webhook", () => {
        assert.equal(group.inputs.actionGroupName, "ag-acspush-dev");
        assert.equal(group.inputs.groupShortName, "acspush-dev");
        assert.equal(group.inputs.enabled, true);
        assert.equal(group.inputs.location, "Global");
        assert.deepEqual(group.inputs.emailReceivers, [{ name: "email-1", emailAddress: "mobile-team-dev@contoso.com", useCommonAlertSchema: true }]);
        assert.deepEqual(group.inputs.webhookReceivers, [
            { name: "webhook-1", serviceUri: "https://dummy-secret.invalid/alerts", useCommonAlertSchema: true },
        ]);
        assert.ok(group.secretPaths.includes("webhookReceivers[0].serviceUri"), group.secretPaths.join(", "));
        assert.ok(!group.secretPaths.includes("emailReceivers[0].emailAddress"));
    });

    it("creates exactly the expected alerts", () => {
        const names = stack.capture.ofType(T.alert).map((a) => a.inputs.ruleName).sort();
        assert.deepEqual(names, EXPECTED.map(([suffix]) => `alert-acspush-dev-${suffix}`).sort());
    });

    for (const [suffix, target, namespace, metric, aggregation, threshold] of EXPECTED) {
        it(`alerts on ${metric} of the ${target} above ${threshold} (${suffix})`, () => {
            const alert = stack.capture.ofType(T.alert).find((a) => a.inputs.ruleName === `alert-acspush-dev-${suffix}`)!;
            const i = alert.inputs;
            assert.deepEqual(i.scopes, [watched(target).id], "scope");
            assert.equal(i.criteria.odataType, "Microsoft.Azure.Monitor.SingleResourceMultipleMetricCriteria");
            assert.equal(i.criteria.allOf.length, 1);
            const criterion = i.criteria.allOf[0];
            assert.deepEqual(
                { namespace: criterion.metricNamespace, metric: criterion.metricName, aggregation: criterion.timeAggregation, operator: criterion.operator, threshold: criterion.threshold, type: criterion.criterionType },
                { namespace, metric, aggregation, operator: "GreaterThan", threshold, type: "StaticThresholdCriterion" },
            );
            assert.deepEqual(i.actions, [{ actionGroupId: group.id }], "notifies the action group");
            assert.ok(alert.dependsOn.includes(group.urn));
            assert.deepEqual({ windowSize: i.windowSize, evaluationFrequency: i.evaluationFrequency }, { windowSize: "PT30M", evaluationFrequency: "PT5M" });
            assert.deepEqual({ enabled: i.enabled, autoMitigate: i.autoMitigate, location: i.location }, { enabled: true, autoMitigate: true, location: "global" });
            assert.match(i.description, new RegExp(`Runbook: docs/operations\\.md#alert-${suffix.replace(/-(calls|alerts)-hub$/, "")}$`));
            assert.equal(i.tags.environment, "dev");
        });
    }

    it("splits the Event Grid alerts by subscription, so the alert names the one failing", () => {
        for (const alert of stack.capture.ofType(T.alert)) {
            const dimensions = alert.inputs.criteria.allOf[0].dimensions;
            if (alert.inputs.criteria.allOf[0].metricNamespace === EVENT_GRID) {
                assert.deepEqual(dimensions, [{ name: "EventSubscriptionName", operator: "Include", values: ["*"] }], alert.name);
            } else {
                assert.equal(dimensions, undefined, alert.name);
            }
        }
    });

    it("rates lost events and refused credentials as errors (1), the rest as warnings (2)", () => {
        const severity = (suffix: string) => stack.capture.ofType(T.alert).find((a) => a.inputs.ruleName.endsWith(suffix))!.inputs.severity;
        assert.deepEqual(
            ["dead-lettered-events", "dropped-events", "apns-credentials-calls-hub", "fcm-credentials-alerts-hub"].map(severity),
            [1, 1, 1, 1],
        );
        assert.deepEqual(["failed-deliveries", "function-server-errors", "failed-executions", "push-errors-calls-hub", "fcm-throttled-alerts-hub"].map(severity), [2, 2, 2, 2, 2]);
    });

    it("exports the action group and every alert rule for the doctor", () => {
        assert.equal(stack.values.actionGroupId, group.id);
        assert.deepEqual([...(stack.values.alertRuleIds as string[])].sort(), stack.capture.ofType(T.alert).map((a) => a.id).sort());
    });

    it("exports every output the doctor reads, shaped as it reads them", () => {
        const outputs = parseOutputs(stack.values, "the dev stack's outputs");
        const chat = stack.capture.one("azure-native:eventgrid:SystemTopicEventSubscription", "chat");
        assert.deepEqual(outputs.eventSubscriptions, [{ name: "chat-events", id: chat.id, eventTypes: chat.inputs.filter.includedEventTypes }]);
        assert.equal(outputs.acsResourceId, stack.capture.one("azure-native:communication:CommunicationService").id);
        assert.deepEqual([outputs.callsHubId, outputs.alertsHubId], [watched("calls-hub").id, watched("alerts-hub").id]);
        const hub = watched("calls-hub").inputs;
        assert.equal(outputs.apnsEndpoint, hub.apnsCredential.endpoint);
        assert.equal(outputs.fcmProjectId, hub.fcmV1Credential.projectId);
        assert.equal(outputs.armEndpoint, "https://management.azure.com");
        const account = stack.capture.one("azure-native:storage:StorageAccount", "dead-letters").inputs.accountName;
        assert.equal(outputs.deadLetterContainerUrl, `https://${account}.blob.core.windows.net/event-dead-letters`);
        assert.equal(outputs.webhookEndpoint, `https://${watched("app").inputs.name}.azurewebsites.net/api/events`);
        assert.equal(outputs.webhookFunctionId, `${watched("app").id}/functions/EventGridWebhook`);
    });
});
