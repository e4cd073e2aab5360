import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { CALLERS, EvaluatedStack, evaluateStack } from "../helpers/program";

describe("a stack whose azure-native provider targets a sovereign cloud", () => {
    let stack: EvaluatedStack;

    before(async () => {
        stack = await evaluateStack("dev", { ...CALLERS, "azure-native:environment": "usgovernment" });
    });

    it("links the calls hub through that cloud's Resource Manager endpoint", () => {
        const link = stack.capture.one("pulumi-nodejs:dynamic:NotificationHubLink", "calls-hub-link");
        assert.equal(link.inputs.armEndpoint, "https://management.usgovcloudapi.net");
    });

    it("has the app read its callers' token signing keys from that cloud's Entra authority", () => {
        const settings = stack.capture.one("azure-native:web:WebApp").inputs.siteConfig.appSettings as { name: string; value: string }[];
        assert.equal(settings.find((s) => s.name === "Installations__Authentication__Instance")?.value, "https://login.microsoftonline.us/");
    });
});
