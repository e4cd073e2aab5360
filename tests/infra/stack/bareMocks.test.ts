import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { evaluateStack, secretOutputs } from "../helpers/program";

describe("the prod stack under mocks that only echo inputs", () => {
    it("evaluates every resource and output from the stack file and secrets alone", async () => {
        const result = await evaluateStack("prod", {}, { bare: true });
        const types = result.capture.resources.map((r) => r.type);
        for (const type of [
            "azure-native:communication:CommunicationService",
            "azure-native:notificationhubs:NotificationHubAuthorizationRule",
            "azure-native:web:WebApp",
            "azure-native:eventgrid:SystemTopicEventSubscription",
            "pulumi-nodejs:dynamic:NotificationHubLink",
        ]) {
            assert.ok(types.includes(type), `${type} was not registered`);
        }
        assert.equal(types.filter((t) => t === "azure-native:eventgrid:SystemTopicEventSubscription").length, 2);
        assert.equal(result.values.resourceGroup, "rg-acspush-prod");
        assert.match(String(result.values.functionBaseUrl), /^https:\/\/func-acspush-prod-[0-9a-f]{6}\.azurewebsites\.net$/);
        assert.equal(result.values.linkedHubId, "");
        assert.deepEqual(await secretOutputs(result.outputs), [], "outputs whose secrecy is wrong");
    });
});
