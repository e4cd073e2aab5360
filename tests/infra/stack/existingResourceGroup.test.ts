import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { EvaluatedStack, evaluateStack } from "../helpers/program";

describe("a stack deploying into an existing resource group", () => {
    let stack: EvaluatedStack;

    before(async () => {
        stack = await evaluateStack("dev", { "acs-push:resourceGroupName": "rg-shared-push" });
    });

    it("does not create a resource group", () => {
        assert.equal(stack.capture.ofType("azure-native:resources:ResourceGroup").length, 0);
    });

    it("puts every resource into the named group", () => {
        const placed = stack.capture.resources.filter((r) => r.type.startsWith("azure-native:") && r.type !== "azure-native:authorization:RoleAssignment");
        assert.ok(placed.length > 15);
        for (const r of placed) {
            assert.equal(r.inputs.resourceGroupName, "rg-shared-push", r.name);
        }
        assert.equal(stack.values.resourceGroup, "rg-shared-push");
    });
});
