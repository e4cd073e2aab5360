import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { evaluateWithBareMocks } from "../helpers/bareMocks";

describe("the dev stack previewed under mocks that only echo inputs", () => {
    it("registers the whole topology without a provider answering any call", async () => {
        const result = await evaluateWithBareMocks("dev", true);
        assert.equal(result.types.filter((t) => t === "azure-native:notificationhubs:NotificationHub").length, 2);
        assert.equal(result.types.filter((t) => t === "azure-native:authorization:RoleAssignment").length, 5);
        assert.ok(result.types.includes("pulumi-nodejs:dynamic:NotificationHubLink"));
        assert.ok(result.types.includes("azure-native:eventgrid:SystemTopicEventSubscription"));
        assert.deepEqual(result.secretOutputs, []);
    });
});
