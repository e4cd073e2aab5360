import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import { createPrivateKey } from "node:crypto";
import { dummySecret, isValidStackName, resolveStackConfig } from "../../../../infra/tools/preview/stackConfig";

describe("resolveStackConfig", () => {
    const projectYaml = {
        config: {
            location: { type: "string", default: "westeurope" },
            "acs-push:hubSku": { type: "string", default: "Free" },
            bundleId: { type: "string", description: "iOS bundle id" },
            apnsPrivateKey: { type: "string", secret: true, description: "APNs .p8 key" },
            retries: 3,
        },
    };
    const stackYaml = {
        config: {
            "acs-push:location": "northeurope",
            "acs-push:bundleId": "com.example.app",
            "acs-push:fcmToken": { secure: "v1:AAAA" },
        },
    };
    const resolved = resolveStackConfig({ project: "acs-push", projectYaml, stackYaml });

    it("takes the stack file over the defaults", () => {
        assert.equal(resolved.values["acs-push:location"], "northeurope");
        assert.equal(resolved.values["acs-push:hubSku"], "Free");
        assert.equal(resolved.values["acs-push:retries"], "3");
    });

    it("replaces declared and encrypted secrets with dummies and marks them secret", () => {
        assert.deepEqual(resolved.secretKeys, ["acs-push:apnsPrivateKey", "acs-push:fcmToken"]);
        assert.equal(resolved.values["acs-push:fcmToken"], "<dummy-secret>");
        assert.equal(resolved.secretValues.length, 2);
    });

    it("reports secrets as [secret] with their source", () => {
        const entry = (key: string) => resolved.entries.find((e) => e.key === key);
        assert.deepEqual(entry("acs-push:apnsPrivateKey"), { key: "acs-push:apnsPrivateKey", value: "[secret]", source: "dummy" });
        assert.deepEqual(entry("acs-push:hubSku"), { key: "acs-push:hubSku", value: "Free", source: "default" });
        assert.deepEqual(entry("acs-push:location"), { key: "acs-push:location", value: "northeurope", source: "stack" });
        assert.ok(!JSON.stringify(resolved.entries).includes("BEGIN"));
    });

    it("fills a required key the stack leaves out with its documented example, marked as one", () => {
        const r = resolveStackConfig({ project: "acs-push", projectYaml, stackYaml: { config: {} }, examples: { bundleId: "com.contoso.chat", location: "swedencentral" } });
        assert.equal(r.values["acs-push:bundleId"], "com.contoso.chat");
        assert.deepEqual(r.entries.find((e) => e.key === "acs-push:bundleId"), { key: "acs-push:bundleId", value: "com.contoso.chat", source: "example" });
        assert.equal(r.values["acs-push:location"], "westeurope", "a key with a default keeps its default");
    });

    it("never puts an example over a value the stack sets", () => {
        const r = resolveStackConfig({ project: "acs-push", projectYaml, stackYaml, examples: { bundleId: "com.contoso.chat" } });
        assert.equal(r.values["acs-push:bundleId"], "com.example.app");
        assert.equal(r.entries.find((e) => e.key === "acs-push:bundleId")!.source, "stack");
    });

    it("leaves a required key unset without an example, and secrets unset where the dummy gives none, as the CLI would", () => {
        const r = resolveStackConfig({ project: "acs-push", projectYaml, stackYaml: { config: {} }, dummy: () => undefined });
        assert.equal("acs-push:bundleId" in r.values, false);
        assert.equal("acs-push:apnsPrivateKey" in r.values, false);
        assert.deepEqual(r.secretKeys, []);
    });

    it("lets overrides win", () => {
        const r = resolveStackConfig({ project: "acs-push", projectYaml, stackYaml, overrides: { hubSku: "Standard" } });
        assert.equal(r.values["acs-push:hubSku"], "Standard");
        assert.equal(r.entries.find((e) => e.key === "acs-push:hubSku")!.source, "override");
    });
});

describe("dummySecret", () => {
    it("is a PKCS#8 private key Node can parse for a private-key setting", () => {
        const value = String(dummySecret("acs-push:apnsPrivateKey", { type: "string" }));
        assert.match(value, /^-----BEGIN PRIVATE KEY-----\n[A-Za-z0-9+/=\n]+\n-----END PRIVATE KEY-----\n$/);
        assert.equal(createPrivateKey(value).asymmetricKeyType, "ec");
    });
    it("is an RSA key for a Firebase service-account key", () => {
        assert.equal(createPrivateKey(String(dummySecret("acs-push:fcmPrivateKey", {}))).asymmetricKeyType, "rsa");
    });
    it("is a Service Bus style connection string for a connection string", () => {
        assert.match(String(dummySecret("acs-push:hubConnectionString", {})), /^Endpoint=sb:\/\/dummy-secret\.servicebus\.windows\.net\/;SharedAccessKeyName=dummy-secret;SharedAccessKey=[A-Za-z0-9+/]{43}=$/);
    });
    it("is an https URL the program accepts for a URL setting", () => {
        assert.equal(dummySecret("acs-push:alertWebhookUrls", { description: "Webhook URLs the alerts are posted to" }), "https://dummy-secret.invalid/alerts");
    });
    it("is the marked placeholder otherwise", () => assert.equal(dummySecret("acs-push:token", {}), "<dummy-secret>"));
    it("follows the declared type", () => {
        assert.equal(dummySecret("acs-push:n", { type: "integer" }), 1);
        assert.equal(dummySecret("acs-push:b", { type: "boolean" }), true);
    });
});

describe("isValidStackName", () => {
    const cases: [string, boolean][] = [["dev", true], ["prod-eu.2", true], ["../etc", false], ["a/b", false], ["", false], ["-x", false]];
    for (const [name, ok] of cases) it(`${ok ? "accepts" : "rejects"} "${name}"`, () => assert.equal(isValidStackName(name), ok));
});
