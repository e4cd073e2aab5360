import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import { diffPlans, isEmptyDiff, renderDiff } from "../../../infra/lib/plan/diff";
import { urn, samplePlan } from "./samplePlan";

describe("diffPlans", () => {
    it("finds nothing between identical plans", () => {
        const diff = diffPlans(samplePlan(), samplePlan());
        assert.ok(isEmptyDiff(diff));
        assert.match(renderDiff(diff), /No resource is added, removed or changed/);
    });

    it("matches resources of two stacks by type and name, not by URN", () => {
        assert.ok(isEmptyDiff(diffPlans(samplePlan("dev"), samplePlan("prod"))));
    });

    const head = samplePlan("dev", (resources) => {
        resources.find((r) => r.name === "rg")!.inputs.location = "northeurope";
        const app = resources.find((r) => r.name === "functions-app")!;
        app.inputs.httpsOnly = undefined as unknown as boolean;
        delete app.inputs.httpsOnly;
        app.inputs.clientCertEnabled = true;
        resources.splice(resources.findIndex((r) => r.name === "chat"), 1);
        resources.push({
            urn: urn("dev", "azure-native:eventgrid:SystemTopicEventSubscription", "calls"),
            type: "azure-native:eventgrid:SystemTopicEventSubscription",
            name: "calls",
            parent: null,
            custom: true,
            inputs: { eventDeliverySchema: "EventGridSchema" },
            dependsOn: [resources.find((r) => r.name === "functions-ready")!.urn],
        });
    });
    const diff = diffPlans(samplePlan(), head);

    it("lists added and removed resources", () => {
        assert.deepEqual(diff.added.map((r) => r.name), ["calls"]);
        assert.deepEqual(diff.removed.map((r) => r.name), ["chat"]);
    });

    it("lists changed resources with the paths that changed", () => {
        assert.deepEqual(
            diff.changed.map((c) => [c.name, c.changes]),
            [
                ["rg", [{ path: "inputs.location", before: "westeurope", after: "northeurope" }]],
                [
                    "functions-app",
                    [
                        { path: "inputs.clientCertEnabled", after: true },
                        { path: "inputs.httpsOnly", before: true },
                    ],
                ],
            ].sort((a, b) => String(a[0]).localeCompare(String(b[0]))) as unknown,
        );
    });

    it("reports a changed dependency", () => {
        const moved = samplePlan("dev", (resources) => {
            resources.find((r) => r.name === "chat")!.dependsOn = [resources.find((r) => r.name === "rg")!.urn];
        });
        const change = diffPlans(samplePlan(), moved).changed.find((c) => c.name === "chat")!;
        assert.deepEqual(change.changes.map((c) => c.path), ["dependsOn"]);
    });

    it("renders a markdown summary with a diff block", () => {
        const text = renderDiff(diff);
        assert.match(text, /\*\*1 to add, 2 to change, 1 to remove\*\*/);
        assert.match(text, /```diff\n\+ calls \(azure-native:eventgrid:SystemTopicEventSubscription\)\n- chat /);
        assert.match(text, /!     inputs\.location: "westeurope" → "northeurope"/);
        assert.match(text, /!     inputs\.httpsOnly: true → \(none\)/);
        assert.match(text, /Critical path unchanged \(about 3 min 5 s\)/);
    });

    it("reports a longer or shorter critical path", () => {
        const shorter = samplePlan("dev", (resources) => resources.splice(resources.findIndex((r) => r.name === "chat"), 1));
        assert.match(renderDiff(diffPlans(samplePlan(), shorter)), /Critical path: about 3 min 5 s → about 2 min 35 s\./);
    });

    it("never shows more than the mask of a secret", () => {
        const secretChange = samplePlan("dev", (resources) => {
            const app = resources.find((r) => r.name === "functions-app")!;
            app.inputs.siteConfig = { appSettings: [{ name: "HUB_KEY", value: "[secret]" }, { name: "NEW", value: "[secret]" }] };
        });
        const text = renderDiff(diffPlans(samplePlan(), secretChange));
        assert.match(text, /inputs\.siteConfig\.appSettings\[1\]\.value: \(none\) → "\[secret\]"/);
    });
});
