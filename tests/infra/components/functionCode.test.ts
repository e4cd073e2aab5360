import { describe, it, before } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { spawnSync } from "node:child_process";
import * as pulumi from "@pulumi/pulumi";
import { Capture, CapturedResource, installMocks, MOCK_FUNCTION_KEY, settle } from "../../../infra/tools/preview/mocks";
import { maskInputs } from "../../../infra/tools/preview/wire";

class Subscription extends pulumi.CustomResource {
    constructor(name: string, opts: pulumi.CustomResourceOptions) {
        super("test:index:Subscription", name, {}, opts);
    }
}


describe("FunctionCode", () => {
    let capture: Capture;
    let byName: (name: string) => CapturedResource;
    let code: import("../../../infra/components/functionCode").FunctionCode;

    before(async () => {
        capture = await installMocks({ stack: "dev" });
        const { FunctionCode } = await import("../../../infra/components/functionCode");
        const storageRole = new Subscription("app-storage-role", {});
        code = new FunctionCode("code", {
            resourceGroupName: "rg-acs-push-dev",
            functionAppName: "func-acs-push-dev",
            functionAppId: "/subscriptions/0000/resourceGroups/rg/providers/Microsoft.Web/sites/func-acs-push-dev",
            hostName: "func-acs-push-dev.azurewebsites.net",
            sourceHash: "abc123",
            readinessTimeoutSeconds: 300,
            deployAfter: [storageRole],
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

    it("deploys only after what deployAfter names, while the build starts right away", () => {
        assert.ok(byName("code-deploy").dependsOn.includes(byName("app-storage-role").urn));
        assert.deepEqual(byName("code-publish").dependsOn, []);
        assert.deepEqual(byName("code").dependsOn, []);
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
        assert.ok(ready.secretPaths.includes("environment.WEBHOOK_URL"));
        assert.equal(ready.inputs.environment.WEBHOOK_READY_TIMEOUT_SECONDS, "300");
        // Outside what is marked secret, the key appears nowhere.
        const unmarked = JSON.stringify(capture.resources.map((r) => maskInputs(r.wire)));
        assert.ok(!unmarked.includes(MOCK_FUNCTION_KEY) && !unmarked.includes(encodeURIComponent(MOCK_FUNCTION_KEY)));
    });

    it("reads the function key only after the code is deployed, and keeps the webhook URL secret", async () => {
        const lookup = capture.callsTo("azure-native:web:listWebAppFunctionKeys");
        assert.equal(lookup.length, 1);
        assert.deepEqual(lookup[0].inputs, { resourceGroupName: "rg-acs-push-dev", name: "func-acs-push-dev", functionName: "EventGridWebhook" });
        assert.equal(await pulumi.isSecret(code.webhookUrl), true);
        const url = await new Promise<string>((resolve) => code.webhookUrl.apply((u) => { resolve(u); return u; }));
        assert.equal(url, `https://func-acs-push-dev.azurewebsites.net/api/events?code=${encodeURIComponent(MOCK_FUNCTION_KEY)}`);
    });

    it("lets a subscription wait for the readiness step", () => {
        assert.ok(byName("chat").dependsOn.includes(byName("code-ready").urn));
    });
});

describe("FunctionCode scripts", () => {
    /** Runs a step's script with fake tools first on PATH; returns the exit code, output and the tools' call log. */
    function runScript(script: string, tools: Record<string, string>, env: Record<string, string>) {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "function-code-"));
        try {
            const bin = path.join(dir, "bin");
            fs.mkdirSync(bin);
            for (const [name, body] of Object.entries(tools)) {
                fs.writeFileSync(path.join(bin, name), `#!/bin/sh\necho "${name} $*" >> "$CALLS"\n${body}\n`, { mode: 0o755 });
            }
            const calls = path.join(dir, "calls.log");
            const out = path.join(dir, "out");
            fs.mkdirSync(out);
            const run = spawnSync("/bin/sh", ["-c", script], {
                env: { PATH: `${bin}:${process.env.PATH}`, CALLS: calls, OUT_DIR: out, ...env },
                encoding: "utf8",
            });
            const log = fs.existsSync(calls) ? fs.readFileSync(calls, "utf8").trim().split("\n") : [];
            const files = fs.readdirSync(out).sort();
            const zip = path.join(out, "package.zip");
            const zipped = files.includes("package.zip") && fs.statSync(zip).size > 0
                ? spawnSync("unzip", ["-Z1", zip], { encoding: "utf8" }).stdout.trim().split("\n").sort()
                : [];
            return { status: run.status, stdout: run.stdout, stderr: run.stderr, log, files, zipped };
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    }

    it("publishes into the output folder and zips it with host.json at the root", async () => {
        const { PUBLISH_SCRIPT } = await import("../../../infra/components/functionCode");
        // A fake dotnet that lays out a publish folder; zip is the real one.
        const dotnet = 'for a; do [ "$prev" = "-o" ] && out="$a"; prev="$a"; done; mkdir -p "$out" && echo "{}" > "$out/host.json" && echo x > "$out/App.dll"';
        const result = runScript(PUBLISH_SCRIPT, { dotnet }, { PROJECT_DIR: "functions-app" });
        assert.equal(result.status, 0, result.stderr);
        assert.match(result.log[0], /^dotnet publish functions-app -c Release -o .*\/out\/publish --nologo$/);
        assert.deepEqual(result.files, ["package.zip", "publish"]);
        assert.deepEqual(result.zipped, ["App.dll", "host.json"]);
    });

    it("fails the publish when the output has no host.json", async () => {
        const { PUBLISH_SCRIPT } = await import("../../../infra/components/functionCode");
        const result = runScript(PUBLISH_SCRIPT, { dotnet: "true" }, { PROJECT_DIR: "functions-app" });
        assert.notEqual(result.status, 0);
        assert.ok(!result.files.includes("package.zip"));
    });

    it("retries the deployment until the platform accepts it", async () => {
        const { DEPLOY_SCRIPT } = await import("../../../infra/components/functionCode");
        // az fails twice (the app's new storage role not yet applied), then succeeds.
        const az = '[ $(grep -c "^az " "$CALLS") -ge 3 ]';
        const script = `touch "$OUT_DIR/package.zip"\n${DEPLOY_SCRIPT}`;
        const result = runScript(script, { az, sleep: "true" }, { RESOURCE_GROUP: "rg-x", FUNCTION_APP: "func-x" });
        assert.equal(result.status, 0, result.stderr);
        assert.equal(result.log.filter((l) => l.startsWith("az ")).length, 3);
        assert.equal(result.log.filter((l) => l === "sleep 30").length, 2);
        assert.match(result.log[0], /^az functionapp deployment source config-zip --resource-group rg-x --name func-x --src .*\/package\.zip/);
        assert.match(result.stdout, /deployment attempt 2 failed; retrying in 30 s/);
    });

    it("gives up after DEPLOY_ATTEMPTS failed deployments", async () => {
        const { DEPLOY_SCRIPT } = await import("../../../infra/components/functionCode");
        const script = `touch "$OUT_DIR/package.zip"\n${DEPLOY_SCRIPT}`;
        const result = runScript(script, { az: "false", sleep: "true" }, { RESOURCE_GROUP: "rg", FUNCTION_APP: "f", DEPLOY_ATTEMPTS: "2" });
        assert.equal(result.status, 1);
        assert.equal(result.log.filter((l) => l.startsWith("az ")).length, 2);
        assert.match(result.stderr, /deployment failed after 2 attempts/);
    });

    it("builds the package before deploying when this machine has none", async () => {
        const { DEPLOY_SCRIPT } = await import("../../../infra/components/functionCode");
        const dotnet = 'for a; do [ "$prev" = "-o" ] && out="$a"; prev="$a"; done; mkdir -p "$out" && echo "{}" > "$out/host.json"';
        const result = runScript(DEPLOY_SCRIPT, { dotnet, az: "true" }, { PROJECT_DIR: "functions-app", RESOURCE_GROUP: "rg", FUNCTION_APP: "f" });
        assert.equal(result.status, 0, result.stderr);
        assert.deepEqual(result.log.map((l) => l.split(" ")[0]), ["dotnet", "az"]);
        assert.ok(result.files.includes("package.zip"));
    });
});
