import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { evaluateStack, secretOutputs } from "../helpers/program";

describe("the dev stack previewed under mocks that only echo inputs", () => {
    it("registers the whole topology without a provider answering any call", async () => {
        const result = await evaluateStack("dev", {}, { bare: true, preview: true });
        const types = result.capture.resources.map((r) => r.type);
        assert.equal(types.filter((t) => t === "azure-native:notificationhubs:NotificationHub").length, 2);
        assert.equal(types.filter((t) => t === "azure-native:authorization:RoleAssignment").length, 5);
        assert.ok(types.includes("pulumi-nodejs:dynamic:NotificationHubLink"));
        assert.ok(types.includes("azure-native:eventgrid:SystemTopicEventSubscription"));
        assert.deepEqual(await secretOutputs(result.outputs), [], "outputs whose secrecy is wrong");
    });
});
