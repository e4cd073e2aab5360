// infra/config.ts: the stack configuration as the program reads it from the Pulumi runtime, with the cloud taken
// from the azure-native provider's config (else ARM_ENVIRONMENT), the secrets wrapped as secret outputs, and a
// ConfigurationError before anything is declared when a rule is broken.
import assert from "node:assert/strict";
import { afterEach, describe, it } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import type { StackConfig } from "../../../infra/config";
import { installMocks, promiseOf } from "../../../infra/tools/preview/mocks";
import { REQUIRED } from "../helpers/requiredConfig";

const CONFIG_MODULE = require.resolve("../../../infra/config");
const SECRET_KEYS = ["acs-push:apnsPrivateKey", "acs-push:fcmPrivateKey", "acs-push:alertWebhookUrls"];

/** The required keys in the project's namespace, as `Pulumi.<stack>.yaml` would hold them. */
const REQUIRED_CONFIG: Record<string, string> = Object.fromEntries(
    Object.entries(REQUIRED).map(([key, value]) => [`acs-push:${key}`, String(value)]),
);

/** Sets the runtime's stack and config, then evaluates infra/config.ts afresh (it reads them once, on load). */
async function readConfig(stack: string, config: Record<string, string>): Promise<StackConfig> {
    await installMocks({ stack, config, secretKeys: SECRET_KEYS, bare: true });
    delete require.cache[CONFIG_MODULE];
    return (require(CONFIG_MODULE) as { config: StackConfig }).config;
}

async function secretValue<T>(output: pulumi.Output<T>): Promise<T> {
    assert.equal(await pulumi.isSecret(output), true, "expected a secret output");
    return promiseOf(output);
}

const savedArmEnvironment = process.env.ARM_ENVIRONMENT;
afterEach(() => {
    if (savedArmEnvironment === undefined) delete process.env.ARM_ENVIRONMENT;
    else process.env.ARM_ENVIRONMENT = savedArmEnvironment;
});

describe("the stack configuration read from the Pulumi runtime", () => {
    it("reads the project's keys and the stack name, and defaults to the public cloud", async () => {
        delete process.env.ARM_ENVIRONMENT;
        const config = await readConfig("org/acs-push/Staging", { ...REQUIRED_CONFIG, "acs-push:location": "swedencentral" });
        assert.equal(config.stack, "org/acs-push/Staging");
        assert.equal(config.environment, "staging");
        assert.equal(config.location, "swedencentral");
        assert.equal(config.bundleId, "com.contoso.chat");
        assert.equal(config.armEndpoint, "https://management.azure.com");
        assert.equal(config.entraAuthority, "https://login.microsoftonline.com/");
    });

    it("hands on the secrets as secret outputs, normalised, and no plain copy of them", async () => {
        const config = await readConfig("dev", {
            ...REQUIRED_CONFIG,
            "acs-push:alertWebhookUrls": "https://hooks.contoso.com/a?token=t1 https://hooks.contoso.com/b",
        });
        assert.deepEqual(Object.keys(config.secrets).sort(), ["alertWebhookUrls", "apnsToken", "fcmPrivateKey"]);
        assert.equal(await secretValue(config.secrets.apnsToken), "MIGTAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBHkwdwIBAQQg");
        assert.equal(
            await secretValue(config.secrets.fcmPrivateKey),
            "-----BEGIN PRIVATE KEY-----\nMIGTAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBHkwdwIBAQQg\n-----END PRIVATE KEY-----\n",
        );
        assert.equal(config.secrets.alertWebhookUrls.length, 2);
        assert.deepEqual(
            await Promise.all(config.secrets.alertWebhookUrls.map((url) => secretValue(url))),
            ["https://hooks.contoso.com/a?token=t1", "https://hooks.contoso.com/b"],
        );
        const plainText = JSON.stringify({ ...config, secrets: undefined });
        assert.ok(!plainText.includes("MIGTAgEAMBMG"), "a private key leaked into the plain settings");
        assert.ok(!plainText.includes("token=t1"), "a webhook URL leaked into the plain settings");
    });

    it("takes the cloud from azure-native:environment, before ARM_ENVIRONMENT", async () => {
        process.env.ARM_ENVIRONMENT = "china";
        const config = await readConfig("prod", { ...REQUIRED_CONFIG, "azure-native:environment": "usgovernment" });
        assert.equal(config.armEndpoint, "https://management.usgovcloudapi.net");
        assert.equal(config.entraAuthority, "https://login.microsoftonline.us/");
    });

    it("takes the cloud from ARM_ENVIRONMENT when the provider config names none", async () => {
        process.env.ARM_ENVIRONMENT = "china";
        const config = await readConfig("prod", REQUIRED_CONFIG);
        assert.equal(config.armEndpoint, "https://management.chinacloudapi.cn");
        assert.equal(config.entraAuthority, "https://login.chinacloudapi.cn/");
    });

    it("throws a ConfigurationError naming the stack and every problem, the cloud's included", async () => {
        delete process.env.ARM_ENVIRONMENT;
        await assert.rejects(
            readConfig("qa", {
                ...REQUIRED_CONFIG,
                "acs-push:apnsTeamId": "team",
                "acs-push:apnsPrivateKey": "c2VjcmV0Ym9keQ==",
                "azure-native:environment": "mars",
            }),
            (error: Error & { problems?: { key: string }[] }) => {
                assert.equal(error.name, "ConfigurationError");
                assert.ok(error instanceof pulumi.RunError);
                assert.match(error.message, /^Stack 'qa' has 3 configuration problems; nothing was deployed\./);
                assert.deepEqual(
                    error.problems?.map((p) => p.key),
                    ["acs-push:apnsTeamId", "acs-push:apnsPrivateKey", "azure-native:environment"],
                );
                assert.ok(!error.message.includes("c2VjcmV0Ym9keQ=="), "a secret value leaked into the error");
                return true;
            },
        );
    });

    it("marks a required key that is not set as unset, for the setup hint", async () => {
        const { "acs-push:fcmPrivateKey": _unset, ...rest } = REQUIRED_CONFIG;
        await assert.rejects(readConfig("dev", rest), (error: Error & { problems?: { key: string; message: string; unset?: boolean }[] }) => {
            assert.deepEqual(
                error.problems?.map(({ key, message, unset }) => ({ key, message, unset })),
                [{ key: "acs-push:fcmPrivateKey", message: "is required but not set (`pulumi config set --secret fcmPrivateKey ...`)", unset: true }],
            );
            assert.match(error.message, /1 required key is not set/);
            assert.match(error.message, /scripts\/init-stack\.sh dev/);
            return true;
        });
    });
});
