import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import { diffPlans, isEmptyDiff } from "../../../../infra/tools/preview/diff";
import { renderDiff, shortenPair } from "../../../../infra/tools/preview/diffRender";
import { Operation, PlanDiff } from "../../../../infra/tools/preview/model";
import { urn, samplePlan } from "./samplePlan";
import { PROD, stackPlan } from "./stackPlan";

const ops = (diff: PlanDiff) => Object.fromEntries(diff.resources.map((r) => [r.name, r.op])) as Record<string, Operation>;

describe("diffPlans", () => {
    it("finds nothing between identical plans", () => {
        const diff = diffPlans(samplePlan(), samplePlan());
        assert.ok(isEmptyDiff(diff));
        assert.match(renderDiff(diff), /No resource is created, updated, replaced or deleted/);
    });

    it("matches resources of two stacks by type and name, not by URN", () => {
        assert.ok(isEmptyDiff(diffPlans(samplePlan("dev"), samplePlan("prod"))));
    });

    const head = samplePlan("dev", (resources) => {
        const app = resources.find((r) => r.name === "functions-app")!;
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

    it("lists created and deleted resources", () => {
        assert.deepEqual(diff.resources.filter((r) => r.op === "create").map((r) => r.name), ["calls"]);
        assert.deepEqual(diff.resources.filter((r) => r.op === "delete").map((r) => r.name), ["chat"]);
    });

    it("updates in place a resource whose inputs change where Azure allows it, listing the paths", () => {
        const app = diff.resources.find((r) => r.name === "functions-app")!;
        assert.equal(app.op, "update");
        assert.deepEqual(app.changes, [
            { path: "inputs.clientCertEnabled", after: true },
            { path: "inputs.httpsOnly", before: true },
        ]);
    });

    it("reports a changed dependency as a change of order only", () => {
        const moved = samplePlan("dev", (resources) => {
            resources.find((r) => r.name === "chat")!.dependsOn = [resources.find((r) => r.name === "rg")!.urn];
        });
        const result = diffPlans(samplePlan(), moved);
        assert.deepEqual(result.resources, []);
        assert.deepEqual(result.reordered.map((r) => [r.name, r.changes.map((c) => c.path)]), [["chat", ["dependsOn"]]]);
        assert.match(renderDiff(result), /Only the order changes \(dependencies or parent; nothing changes in Azure\): chat\./);
    });

    it("renders pulumi preview's markers with a count of each", () => {
        const text = renderDiff(diff);
        assert.match(text, /\*\*\+ 1 to create · ~ 1 to update · \+- 0 to replace · - 1 to delete\*\*/);
        assert.match(text, /```diff\n- {2}chat \(azure-native:eventgrid:SystemTopicEventSubscription\)\n/);
        assert.match(text, /\n\+ {2}calls \(azure-native:eventgrid:SystemTopicEventSubscription\)\n/);
        assert.match(text, /\n~ {2}functions-app \(azure-native:web:WebApp\)\n {7}clientCertEnabled: \(none\) → true\n {7}httpsOnly: true → \(none\)\n/);
    });

    it("counts dependency levels on both sides", () => {
        assert.match(renderDiff(diffPlans(samplePlan(), samplePlan())), /Dependency levels unchanged \(4\)\./);
        const shorter = samplePlan("dev", (resources) => resources.splice(resources.findIndex((r) => r.name === "chat"), 1));
        assert.match(renderDiff(diffPlans(samplePlan(), shorter)), /Dependency levels: 4 → 3\./);
    });

    it("never shows more than the mask of a secret", () => {
        const secretChange = samplePlan("dev", (resources) => {
            const app = resources.find((r) => r.name === "functions-app")!;
            app.inputs.siteConfig = { appSettings: [{ name: "HUB_KEY", value: "[secret]" }, { name: "NEW", value: "[secret]" }] };
        });
        const text = renderDiff(diffPlans(samplePlan(), secretChange));
        assert.match(text, /siteConfig\.appSettings\[1\]\.value: \(none\) → "\[secret\]"/);
    });

    it("reads plans made before plans carried ids and protection", () => {
        const old = samplePlan();
        for (const r of old.resources) delete r.id;
        (old as unknown as Record<string, unknown>).criticalPath = { resources: [], seconds: 185 };
        assert.ok(isEmptyDiff(diffPlans(old, samplePlan())));
    });
});

describe("replacements, table cases on a plan shaped like the prod stack", () => {
    const cases: { name: string; change: Partial<typeof PROD>; expect: Record<string, Operation>; count: Partial<Record<Operation, number>> }[] = [
        {
            name: "a rename (new name prefix): every resource with a derived name is new",
            change: { prefix: "contoso" },
            expect: { "resource-group": "replace", "acs-service": "replace", "hubs-calls-hub": "replace", "functions-storage": "replace", "functions-blob-owner": "replace", "calls-hub-link": "replace" },
            count: { create: 0, update: 0, delete: 0 },
        },
        {
            name: "a new location: the regional resources, and everything in the resource group with it",
            change: { location: "swedencentral" },
            expect: { "resource-group": "replace", "hubs-namespace": "replace", "hubs-calls-hub": "replace", "functions-storage": "replace", "functions-app": "replace", "functions-dead-letter-container": "replace", "acs-service": "replace" },
            count: { create: 0, delete: 0 },
        },
        {
            name: "a new dataLocation: the ACS resource, nothing else",
            change: { dataLocation: "Switzerland" },
            expect: { "acs-service": "replace" },
            count: { create: 0, update: 0, replace: 1, delete: 0 },
        },
        {
            name: "a new bundle id: the hubs and rules named after it are new, the link follows in place",
            change: { bundleId: "com.fabrikam.chat" },
            expect: { "hubs-calls-hub": "replace", "hubs-calls-send-rule": "replace", "calls-hub-link": "update" },
            count: { create: 0, delete: 0, replace: 2, update: 1 },
        },
        {
            name: "a tag change: updates only",
            change: { tags: { environment: "prod", owner: "platform-team" } },
            expect: { "resource-group": "update", "acs-service": "update", "functions-storage": "update", "acs-events-topic": "update" },
            count: { create: 0, replace: 0, delete: 0 },
        },
        {
            name: "a new subscription: one resource to create",
            change: { incomingCall: true },
            expect: { "acs-events-incoming-call": "create" },
            count: { create: 1, update: 0, replace: 0, delete: 0 },
        },
    ];
    for (const { name, change, expect, count } of cases) {
        it(name, () => {
            const diff = diffPlans(stackPlan(), stackPlan(change));
            const found = ops(diff);
            for (const [resource, op] of Object.entries(expect)) assert.equal(found[resource], op, `${resource}: ${JSON.stringify(found)}`);
            for (const [op, n] of Object.entries(count)) assert.equal(diff.counts[op as Operation], n, `${op}: ${JSON.stringify(diff.counts)}`);
        });
    }

    it("blocks the replacement of the protected ACS resource and says what it loses", () => {
        const diff = diffPlans(stackPlan(), stackPlan({ dataLocation: "Switzerland" }));
        const acs = diff.resources.find((r) => r.name === "acs-service")!;
        assert.equal(acs.blocked, true);
        assert.equal(acs.changes[0].replaces?.path, "dataLocation");
        const text = renderDiff(diff);
        assert.match(text, /\*\*Stop: acs-service would be replaced, blocked by protection\.\*\*/);
        assert.match(text, /\+- acs-service \(azure-native:communication:CommunicationService\) {3}BLOCKED: protected\n {7}dataLocation: "Germany" → "Switzerland" {3}\(forces replacement\)\n/);
        assert.match(text, /loses: every ACS user identity and its tokens, every chat thread and message, and the link to the calls hub/);
        assert.match(text, /Why these changes replace:\n- azure-native:communication:CommunicationService `dataLocation`: Azure REST spec Microsoft\.Communication/);
    });

    it("warns that protection does not keep a resource Azure deletes with its resource group", () => {
        const diff = diffPlans(stackPlan(), stackPlan({ location: "swedencentral" }));
        const acs = diff.resources.find((r) => r.name === "acs-service")!;
        assert.equal(acs.blocked, undefined);
        assert.equal(acs.unprotectedLoss, true);
        assert.match(acs.reasons.join("\n"), /Azure deletes it with resource-group/);
        assert.match(renderDiff(diff), /\*\*Warning: acs-service is protected, but Azure deletes it with a parent that is replaced/);
    });

    it("says what the hubs lose, and replaces the role assignment of a replaced app's new identity", () => {
        const diff = diffPlans(stackPlan(), stackPlan({ location: "swedencentral" }));
        assert.match(diff.resources.find((r) => r.name === "hubs-calls-hub")!.loses!, /device registrations/);
        const grant = diff.resources.find((r) => r.name === "functions-blob-owner")!;
        assert.deepEqual(grant.changes.map((c) => [c.path, c.after, c.replaces?.path]), [["inputs.principalId", "(the new identity of functions-app)", "principalId"]]);
    });

    it("explains a new ARM id, shortened around the part that differs", () => {
        const diff = diffPlans(stackPlan(), stackPlan({ prefix: "contoso" }));
        const storage = diff.resources.find((r) => r.name === "functions-storage")!;
        assert.match(storage.newId!.after, /storageAccounts\/stcontosoprod61292c$/);
        const line = renderDiff(diff).split("\n").find((l) => l.includes("ARM id:") && l.includes("storageAccounts/st") && !l.includes("roleAssignments"))!;
        assert.match(line, /^ {7}ARM id: …\S*rg-acspush-prod\S*stacspushprod61292c → …\S*rg-contoso-prod\S*stcontosoprod61292c {3}\(a new resource\)$/);
        assert.ok(line.length < 200, line);
    });
});

describe("shortenPair", () => {
    const long = (middle: string) => `"/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-${middle}-prod/providers/Microsoft.Web/sites/func"`;
    it("keeps short values whole", () => assert.deepEqual(shortenPair('"a"', '"b"'), ['"a"', '"b"']));
    it("cuts long values down to the part that differs, with context on both sides", () => {
        const [a, b] = shortenPair(long("acspush"), long("contoso"));
        assert.equal(a, "…0/resourceGroups/rg-acspush-prod/providers/Micr…");
        assert.equal(b, "…0/resourceGroups/rg-contoso-prod/providers/Micr…");
    });
    it("keeps the start when the values differ there", () => {
        const [a] = shortenPair(`"x${long("a").slice(2)}`, long("a"));
        assert.ok(a.startsWith('"x') && a.endsWith("…"));
    });
});
