import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import { Capture, installMocks, settle } from "../../../infra/tools/preview/mocks";

const SUBSCRIPTION = "azure-native:eventgrid:SystemTopicEventSubscription";

/** Stands in for the code deployment step that makes the webhook answer. */
class CodeDeployment extends pulumi.CustomResource {
    constructor(name: string) {
        super("test:index:CodeDeployment", name, {});
    }
}

describe("AcsEvents", () => {
    let recorder: Capture;

    before(async () => {
        recorder = await installMocks({ stack: "test" });
        const { AcsEvents } = await import("../../../infra/components/acsEvents");
        const base = {
            resourceGroupName: "rg",
            communicationServiceId: "/acs/id",
            subscriptionId: "sub",
            endpointUrl: "https://func/api/events?code=k",
            chat: { subscriptionName: "chat-events", eventTypes: ["Microsoft.Communication.ChatMessageReceived"], maxDeliveryAttempts: 5, timeToLiveMinutes: 30 },
            deadLetter: { storageAccountId: "/st/id", containerName: "dl", containerId: "/st/id/blobServices/default/containers/dl" },
            tags: { environment: "test" },
        };
        new AcsEvents("with-calls", {
            ...base,
            systemTopicName: "topic-a",
            webhookReady: [new CodeDeployment("code-deployment")],
            incomingCall: { subscriptionName: "incoming-call-events" },
        });
        new AcsEvents("chat-only", { ...base, systemTopicName: "topic-b", webhookReady: [] });
        await settle();
    });

    it("subscribes only after what the caller says makes the webhook answer", () => {
        for (const fragment of ["with-calls-chat", "with-calls-incoming-call"]) {
            assert.ok(recorder.one(SUBSCRIPTION, fragment).dependsOn.includes(recorder.named("code-deployment").urn), fragment);
        }
    });

    it("creates the incoming-call subscription only when asked", () => {
        assert.equal(recorder.ofType(SUBSCRIPTION).filter((s) => s.name.startsWith("with-calls")).length, 2);
        assert.equal(recorder.ofType(SUBSCRIPTION).filter((s) => s.name.startsWith("chat-only")).length, 1);
    });

    it("wraps a plain webhook URL in a secret", () => {
        for (const sub of recorder.ofType(SUBSCRIPTION)) {
            assert.ok(sub.secretPaths.includes("destination.endpointUrl"), sub.name);
        }
    });

    it("delivers incoming calls one at a time and gives up after a minute", () => {
        const sub = recorder.one(SUBSCRIPTION, "incoming-call").inputs;
        assert.equal(sub.destination.maxEventsPerBatch, 1);
        assert.deepEqual(sub.retryPolicy, { maxDeliveryAttempts: 2, eventTimeToLiveInMinutes: 1 });
    });

    it("registers under the acs-push:azure:AcsEvents type with children named after the component", () => {
        assert.equal(recorder.ofType("acs-push:azure:AcsEvents").length, 2);
        for (const child of recorder.resources.filter((r) => r.type.startsWith("azure-native:"))) {
            assert.ok(child.name.startsWith("with-calls-") || child.name.startsWith("chat-only-"), child.name);
        }
    });
});
