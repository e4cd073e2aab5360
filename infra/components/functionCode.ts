import * as web from "@pulumi/azure-native/web";
import * as pulumi from "@pulumi/pulumi";
import * as command from "@pulumi/command";
import { webhookUrl as composeWebhookUrl } from "../lib/urls";

export interface FunctionCodeArgs {
    /** Resource group of the function app. */
    resourceGroupName: pulumi.Input<string>;
    /** Name of the Flex Consumption function app. */
    functionAppName: pulumi.Input<string>;
    /** ARM id of the function app: a replaced app gets the package again even when the sources did not change. */
    functionAppId: pulumi.Input<string>;
    /** Host name of the function app (`<app>.azurewebsites.net`); the webhook is `https://<host>/api/events`. */
    hostName: pulumi.Input<string>;
    /** Name of the HTTP function behind `/api/events` (its `[Function]` name); default `EventGridWebhook`. */
    webhookFunctionName?: string;
    /** SHA-256 of the function app's sources (`hashFunctionAppBuild`); a new value publishes and deploys again. */
    sourceHash: pulumi.Input<string>;
    /** Project folder, relative to the Pulumi project folder; default `functions-app`. */
    projectDir?: pulumi.Input<string>;
    /** Folder for the publish output and the package, relative to the Pulumi project folder; default `.pulumi-out/functions`. */
    outputDir?: pulumi.Input<string>;
    /** How long the readiness step waits for the webhook, in seconds; default 600. */
    readinessTimeoutSeconds?: pulumi.Input<number>;
    /**
     * What the deployment must wait for besides the app, e.g. the app's role assignments on its storage.
     * Given here rather than as the component's `dependsOn` so that the build still starts right away.
     */
    deployAfter?: pulumi.Input<pulumi.Resource>[];
}

/** `[Function(nameof(EventGridWebhook))]` in functions-app/EventGrid/EventGridWebhook.cs. */
export const WEBHOOK_FUNCTION_NAME = "EventGridWebhook";

/** A Release build of the function app, zipped with host.json at the root; shared by publish and deploy. */
const PUBLISH_LINES = [
    'rm -rf "$OUT_DIR/publish" "$OUT_DIR/package.zip"',
    'dotnet publish "$PROJECT_DIR" -c Release -o "$OUT_DIR/publish" --nologo',
    'test -f "$OUT_DIR/publish/host.json"',
    '(cd "$OUT_DIR/publish" && zip -q -r -X ../package.zip .)',
];

/** The publish step: a Release build of the function app, zipped with host.json at the root. */
export const PUBLISH_SCRIPT = ["set -eu", ...PUBLISH_LINES, 'echo "package: $OUT_DIR/package.zip"'].join("\n");

/**
 * The deploy step. The Azure CLI recognises a Flex Consumption app and posts the package to the app's
 * One Deploy endpoint (`<scm>/api/publish`), which stores it in the container named by
 * `functionAppConfig.deployment.storage`; it then polls the deployment and waits for the trigger sync.
 * Rebuilds the package first when this machine has none (a fresh CI runner deploying to a replaced app).
 * Retries because the app writes the package with its own identity, and on a new environment that role
 * assignment can take minutes to apply (the upload then fails with 403 from storage).
 */
export const DEPLOY_SCRIPT = [
    "set -eu",
    'if [ ! -f "$OUT_DIR/package.zip" ]; then',
    ...PUBLISH_LINES.map((line) => `  ${line}`),
    "fi",
    "attempt=1",
    'until az functionapp deployment source config-zip --resource-group "$RESOURCE_GROUP" --name "$FUNCTION_APP" ' +
        '--src "$OUT_DIR/package.zip" --only-show-errors --output none; do',
    '  if [ "$attempt" -ge "${DEPLOY_ATTEMPTS:-5}" ]; then echo "deployment failed after $attempt attempts" >&2; exit 1; fi',
    '  echo "deployment attempt $attempt failed; retrying in 30 s"',
    "  attempt=$((attempt + 1))",
    "  sleep 30",
    "done",
    'echo "deployed $OUT_DIR/package.zip to $FUNCTION_APP"',
].join("\n");

/**
 * The readiness step: `infra/tools/wait-for-webhook.ts`, compiled on the spot (the program itself may run
 * through ts-node, so `build/` is not guaranteed to exist or be current); the URL travels in WEBHOOK_URL.
 */
export const READINESS_SCRIPT = [
    "set -eu",
    'npx --no-install tsc infra/tools/wait-for-webhook.ts --outDir "$OUT_DIR/tools" ' +
        "--module commonjs --target ES2022 --types node --strict --skipLibCheck",
    'node "$OUT_DIR/tools/wait-for-webhook.js"',
].join("\n");

/**
 * Builds and deploys the function app's code, then waits until its Event Grid webhook completes the
 * validation handshake. Event Grid validates a webhook subscription when the subscription is created, so
 * subscriptions depend on `ready`, not merely on the function app resource (which exists long before
 * its code answers).
 */
export class FunctionCode extends pulumi.ComponentResource {
    /** Succeeds once the webhook answers the handshake; Event Grid subscriptions depend on it. */
    public readonly ready: command.local.Command;
    /** `https://<host>/api/events?code=<the webhook function's default key>`, read after the deployment; secret. */
    public readonly webhookUrl: pulumi.Output<string>;

    constructor(name: string, args: FunctionCodeArgs, opts?: pulumi.ComponentResourceOptions) {
        super("acs-push:azure:FunctionCode", name, {}, opts);

        const outputDir = pulumi.output(args.outputDir ?? ".pulumi-out/functions");
        const projectDir = pulumi.output(args.projectDir ?? "functions-app");
        // Commands with unchanged inputs do not run again: build on new sources (in parallel with the
        // Azure resources), deploy and check again on new sources or a new app.
        const triggers = [args.sourceHash, args.functionAppId];

        const publish = new command.local.Command(
            `${name}-publish`,
            {
                create: PUBLISH_SCRIPT,
                interpreter: ["/bin/sh", "-c"],
                environment: { PROJECT_DIR: projectDir, OUT_DIR: outputDir },
                triggers: [args.sourceHash],
            },
            { parent: this },
        );

        const deploy = new command.local.Command(
            `${name}-deploy`,
            {
                create: DEPLOY_SCRIPT,
                interpreter: ["/bin/sh", "-c"],
                environment: {
                    PROJECT_DIR: projectDir,
                    OUT_DIR: outputDir,
                    RESOURCE_GROUP: args.resourceGroupName,
                    FUNCTION_APP: args.functionAppName,
                },
                triggers,
            },
            { parent: this, dependsOn: [publish, ...(args.deployAfter ?? [])] },
        );

        // The webhook function's own key, not a host key: a host key would also open the installations API
        // to Event Grid, and rotating it for one caller would break the other. Read only once code is deployed:
        // a function has keys only after the host has indexed it.
        const functionKeys = web.listWebAppFunctionKeysOutput(
            {
                resourceGroupName: args.resourceGroupName,
                name: args.functionAppName,
                functionName: args.webhookFunctionName ?? WEBHOOK_FUNCTION_NAME,
            },
            { parent: this, dependsOn: [deploy] },
        );
        this.webhookUrl = pulumi.secret(
            pulumi
                .all([args.hostName, functionKeys])
                .apply(([host, keys]) => composeWebhookUrl(host, keys?.properties?.default)),
        );

        this.ready = new command.local.Command(
            `${name}-ready`,
            {
                create: READINESS_SCRIPT,
                interpreter: ["/bin/sh", "-c"],
                environment: {
                    OUT_DIR: outputDir,
                    WEBHOOK_URL: this.webhookUrl,
                    WEBHOOK_READY_TIMEOUT_SECONDS: pulumi.output(args.readinessTimeoutSeconds ?? 600).apply(String),
                },
                triggers,
            },
            { parent: this, dependsOn: [deploy] },
        );

        this.registerOutputs({ ready: this.ready, webhookUrl: this.webhookUrl });
    }
}
