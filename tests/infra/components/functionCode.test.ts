import { describe, it, before } from "node:test";
import * as assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { Capture, installCapture, settle } from "../../../infra/lib/plan/capture";
import { PlanResource, SECRET_MASK } from "../../../infra/lib/plan/model";

class Subscription extends pulumi.CustomResource {
    constructor(name: string, opts: pulumi.CustomResourceOptions) {
        super("test:index:Subscription", name, {}, opts);
    }
}

const WEBHOOK = "https://func-acs-push-dev.azurewebsites.net/api/events?code=function-key-value";

describe("FunctionCode", () => {
    let capture: Capture;
    let byName: (name: string) => PlanResource;

    before(async () => {
        capture = await installCapture({ project: "acs-push", stack: "dev" });
        const { FunctionCode } = await import("../../../infra/components/functionCode");
        const code = new FunctionCode("code", {
            resourceGroupName: "rg-acs-push-dev",
            functionAppName: "func-acs-push-dev",
            functionAppId: "/subscriptions/0000/resourceGroups/rg/providers/Microsoft.Web/sites/func-acs-push-dev",
            webhookUrl: WEBHOOK, // plain on purpose: the component must make it secret
            sourceHash: "abc123",
            readinessTimeoutSeconds: 300,
        });
        // Something that must wait for the webhook, as an Event Grid subscription does.
        new Subscription("chat", { dependsOn: [code.ready] });
        await settle();
        byName = (name) => {
            const found = capture.resources.find((r) => r.name === name);
            assert.ok(found, `no resource named ${name}`);
            return found;
        };
    });

    it("groups publish, deploy and readiness under one acs-push:azure:FunctionCode component", () => {
        const component = byName("code");
        assert.equal(component.type, "acs-push:azure:FunctionCode");
        assert.equal(component.custom, false);
        for (const step of ["code-publish", "code-deploy", "code-ready"]) {
            assert.equal(byName(step).type, "command:local:Command");
            assert.equal(byName(step).parent, component.urn);
        }
    });

    it("publishes a Release build and zips it", () => {
        const publish = byName("code-publish");
        assert.match(String(publish.inputs.create), /dotnet publish "\$PROJECT_DIR" -c Release -o "\$OUT_DIR\/publish"/);
        assert.match(String(publish.inputs.create), /zip -q -r -X \.\.\/package\.zip \./);
        assert.deepEqual(publish.inputs.environment, { OUT_DIR: ".pulumi-out/functions", PROJECT_DIR: "functions-app" });
    });

    it("builds again only when the sources change, so the build does not wait for Azure", () => {
        assert.deepEqual(byName("code-publish").inputs.triggers, ["abc123"]);
    });

    it("deploys and checks again when the sources or the function app change", () => {
        for (const step of ["code-deploy", "code-ready"]) {
            assert.deepEqual(byName(step).inputs.triggers, [
                "abc123",
                "/subscriptions/0000/resourceGroups/rg/providers/Microsoft.Web/sites/func-acs-push-dev",
            ]);
        }
    });

    it("deploys the package with the Flex Consumption One Deploy route of the Azure CLI", () => {
        const deploy = byName("code-deploy");
        assert.match(String(deploy.inputs.create), /az functionapp deployment source config-zip --resource-group "\$RESOURCE_GROUP" --name "\$FUNCTION_APP" --src "\$OUT_DIR\/package\.zip"/);
        const env = deploy.inputs.environment as Record<string, string>;
        assert.equal(env.FUNCTION_APP, "func-acs-push-dev");
        assert.equal(env.RESOURCE_GROUP, "rg-acs-push-dev");
    });

    it("orders the steps publish → deploy → ready", () => {
        assert.ok(byName("code-deploy").dependsOn.includes(byName("code-publish").urn));
        assert.ok(byName("code-ready").dependsOn.includes(byName("code-deploy").urn));
    });

    it("passes the webhook URL to the readiness step as a secret environment variable, never in the command", () => {
        const ready = byName("code-ready");
        assert.match(String(ready.inputs.create), /npx --no-install tsc infra\/tools\/wait-for-webhook\.ts --outDir "\$OUT_DIR\/tools"/);
        assert.match(String(ready.inputs.create), /\nnode "\$OUT_DIR\/tools\/wait-for-webhook\.js"$/);
        assert.ok(!String(ready.inputs.create).includes("WEBHOOK_URL"));
        const env = ready.inputs.environment as Record<string, string>;
        assert.equal(env.WEBHOOK_URL, SECRET_MASK);
        assert.equal(env.WEBHOOK_READY_TIMEOUT_SECONDS, "300");
        assert.ok(!JSON.stringify(capture.resources).includes("function-key-value"));
    });

    it("lets a subscription wait for the readiness step", () => {
        assert.ok(byName("chat").dependsOn.includes(byName("code-ready").urn));
    });
});
