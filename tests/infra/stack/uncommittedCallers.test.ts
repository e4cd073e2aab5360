import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { EvaluatedStack, evaluateStack } from "../helpers/program";

// The committed stack files name no installations callers (they are set per deployment, never as examples).
describe("the dev stack as committed, before callers are set", () => {
    let stack: EvaluatedStack;

    before(async () => {
        stack = await evaluateStack("dev");
    });

    it("admits no caller on the token route and keeps the function-key route off", () => {
        const settings = stack.capture.one("azure-native:web:WebApp").inputs.siteConfig.appSettings as { name: string; value: string }[];
        const auth = settings.filter((s) => s.name.startsWith("Installations__Authentication__"));
        assert.deepEqual(auth, [{ name: "Installations__Authentication__AllowFunctionKey", value: "false" }]);
    });
});
