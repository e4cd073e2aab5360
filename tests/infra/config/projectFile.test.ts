import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { CONFIG_KEYS } from "../../../infra/lib/configKeys";
import { declaredConfig, readYaml } from "../helpers/stackFiles";

const declared = declaredConfig();
const inCode = new Map(CONFIG_KEYS.map((k) => [`acs-push:${k.key}`, k]));

describe("Pulumi.yaml", () => {
    it("belongs to the acs-push project, the namespace the program reads", () => {
        assert.equal(readYaml("Pulumi.yaml").name, "acs-push");
    });

    it("declares every key the program reads, and nothing else", () => {
        assert.deepEqual(Object.keys(declared).sort(), [...inCode.keys()].sort());
    });

    it("declares the same type, default and secrecy as the program applies", () => {
        for (const [key, spec] of inCode) {
            const decl = declared[key];
            assert.equal(decl.type, spec.type, `${key} type`);
            assert.deepEqual(decl.default, spec.default, `${key} default`);
            assert.equal(decl.secret === true, spec.secret === true, `${key} secret`);
            assert.ok((decl.description ?? "").length > 10, `${key} description`);
            if (spec.type === "array") {
                assert.deepEqual(decl.items, { type: "string" }, `${key} items`);
            }
        }
    });

    it("marks the private keys and the alert webhook URLs (which may carry a token) secret; only the URLs have a default", () => {
        const secrets = Object.entries(declared).filter(([, d]) => d.secret).map(([k]) => k).sort();
        assert.deepEqual(secrets, ["acs-push:alertWebhookUrls", "acs-push:apnsPrivateKey", "acs-push:fcmPrivateKey"]);
        assert.deepEqual(
            secrets.map((key) => declared[key].default),
            ["", undefined, undefined],
        );
    });
});

for (const stack of ["dev", "prod"]) {
    describe(`Pulumi.${stack}.yaml`, () => {
        const file = readYaml(`Pulumi.${stack}.yaml`);
        const keys = Object.keys(file.config ?? {});

        it("sets only declared keys", () => {
            for (const key of keys) {
                assert.ok(key in declared, `${key} is not declared in Pulumi.yaml`);
            }
        });

        it("commits no secret value", () => {
            for (const key of keys) {
                assert.notEqual(declared[key]?.secret, true, `${key} is secret and must be set with --secret`);
                const value = JSON.stringify(file.config[key]);
                assert.ok(!value.includes("PRIVATE KEY") && !value.includes("secure"), `${key} holds key material`);
            }
        });

        it("sets no required (default-less) key: app identifiers and credentials come from scripts/init-stack.sh", () => {
            const required = Object.entries(declared).filter(([, decl]) => decl.default === undefined).map(([key]) => key);
            assert.ok(required.length > 0);
            assert.deepEqual(keys.filter((key) => required.includes(key)), []);
        });
    });
}
