import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { EvaluatedStack, evaluateStack } from "../helpers/program";

describe("a stack whose azure-native provider targets a sovereign cloud", () => {
    let stack: EvaluatedStack;

    before(async () => {
        stack = await evaluateStack("dev", { "azure-native:environment": "usgovernment" });
    });

    it("links the calls hub through that cloud's Resource Manager endpoint", () => {
        const link = stack.capture.one("pulumi-nodejs:dynamic:NotificationHubLink", "calls-hub-link");
        assert.equal(link.inputs.armEndpoint, "https://management.usgovcloudapi.net");
    });
});
