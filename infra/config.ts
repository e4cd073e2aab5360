// Reads the stack configuration once, validates all of it before any resource is declared, and exports one
// typed object. Every key, its default and its rule are declared once, in lib/configKeys.ts.
import * as pulumi from "@pulumi/pulumi";
import { ConfigurationError, PROJECT } from "./lib/problems";
import { CONFIG_KEYS } from "./lib/configKeys";
import { Settings, validateStack } from "./lib/settings";
import { entraAuthorityFor } from "./lib/urls";

export interface StackConfig extends Omit<Settings, "secrets"> {
    /** Resource Manager endpoint of the cloud the azure-native provider deploys to (for the hub link). */
    armEndpoint: string;
    /** Microsoft Entra authority host of the same cloud (where the app reads its callers' token signing keys). */
    entraAuthority: string;
    secrets: {
        /** APNs .p8 key material as Notification Hubs expects it (PEM body). */
        apnsToken: pulumi.Output<string>;
        /** Firebase service-account private key, canonical PEM. */
        fcmPrivateKey: pulumi.Output<string>;
        /** Webhook URLs of the alert receivers, each a secret (they may carry a token). */
        alertWebhookUrls: pulumi.Output<string>[];
    };
}

function load(): StackConfig {
    // The project name is explicit so the program reads the same keys under any test harness or mock.
    const cfg = new pulumi.Config(PROJECT);
    // Secret keys are read as plain values only to validate them; they leave this function as secret outputs
    // and no error message ever includes them.
    const raw = Object.fromEntries(CONFIG_KEYS.map((k) => [k.key, cfg.get(k.key)]));
    const stack = pulumi.getStack();
    // The azure-native provider takes its cloud from its `environment` config, else from ARM_ENVIRONMENT.
    const cloud = new pulumi.Config("azure-native").get("environment") ?? process.env.ARM_ENVIRONMENT;
    const result = validateStack(raw, stack, cloud);
    if (!result.ok) {
        throw new ConfigurationError(stack, result.problems);
    }
    const { secrets, ...settings } = result.settings;
    return {
        ...settings,
        armEndpoint: result.armEndpoint,
        entraAuthority: entraAuthorityFor(cloud),
        secrets: {
            apnsToken: pulumi.secret(secrets.apnsToken),
            fcmPrivateKey: pulumi.secret(secrets.fcmPrivateKey),
            alertWebhookUrls: secrets.alertWebhookUrls.map((url) => pulumi.secret(url)),
        },
    };
}

export const config: StackConfig = load();
