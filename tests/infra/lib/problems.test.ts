import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import { ConfigurationError, formatProblem, initCommand, problem, qualify, shown } from "../../../infra/lib/problems";

const BAD_SKU = problem("notificationHubsSku", "is not a known Notification Hubs SKU; allowed: Free, Basic, Standard", "Standard");
const UNSET_BUNDLE = problem("bundleId", "is required but not set (`pulumi config set bundleId ...`)", "com.contoso.chat", true);
const UNSET_KEY = problem("fcmPrivateKey", "is required but not set (`pulumi config set --secret fcmPrivateKey ...`)", "-----BEGIN PRIVATE KEY-----...", true);

const FIX = "Fix them with `pulumi config set <key> <value>` (add `--secret` for secret keys) and run again.";
const SET_UP = "not set: the committed stack files carry no app identifiers or credentials. Set them for this stack with:";

describe("configuration problems", () => {
    it("qualifies a key with the project unless it names its namespace", () => {
        assert.equal(qualify("bundleId"), "acs-push:bundleId");
        assert.equal(qualify("bundleId", "other"), "other:bundleId");
        assert.equal(qualify("azure-native:environment"), "azure-native:environment");
    });

    it("records a problem with its qualified key, and the unset flag only when set", () => {
        assert.deepEqual(BAD_SKU, {
            key: "acs-push:notificationHubsSku",
            message: "is not a known Notification Hubs SKU; allowed: Free, Basic, Standard",
            example: "Standard",
        });
        assert.ok(!("unset" in BAD_SKU));
        assert.deepEqual(UNSET_BUNDLE, {
            key: "acs-push:bundleId",
            message: "is required but not set (`pulumi config set bundleId ...`)",
            example: "com.contoso.chat",
            unset: true,
        });
    });

    it("formats a problem as key, message and a valid example", () => {
        assert.equal(
            formatProblem(BAD_SKU),
            "acs-push:notificationHubsSku: is not a known Notification Hubs SKU; allowed: Free, Basic, Standard (valid example: Standard)",
        );
    });

    it("names the command that sets a stack up", () => {
        assert.equal(initCommand("prod"), "scripts/init-stack.sh prod");
    });

    it("quotes a value whole up to 60 characters and shortens a longer one to 57 and an ellipsis", () => {
        assert.equal(shown("Premium"), "'Premium'");
        assert.equal(shown(""), "''");
        assert.equal(shown("x".repeat(60)), `'${"x".repeat(60)}'`);
        assert.equal(shown("x".repeat(57) + "yyyy"), `'${"x".repeat(57)}...'`);
        assert.equal(shown(42), "'42'");
        assert.equal(shown(["a", "b"]), `'["a","b"]'`);
        assert.equal(shown({ text: "y".repeat(70) }), `'${'{"text":"' + "y".repeat(48)}...'`);
    });
});

describe("ConfigurationError", () => {
    it("is a RunError (the CLI prints no stack trace) that carries its problems", () => {
        const error = new ConfigurationError("dev", [BAD_SKU]);
        assert.ok(error instanceof pulumi.RunError);
        assert.equal(error.name, "ConfigurationError");
        assert.deepEqual(error.problems, [BAD_SKU]);
    });

    it("lists one broken rule and how to fix it", () => {
        assert.equal(
            new ConfigurationError("dev", [BAD_SKU]).message,
            [
                "Stack 'dev' has 1 configuration problem; nothing was deployed.",
                `  - ${formatProblem(BAD_SKU)}`,
                FIX,
            ].join("\n"),
        );
    });

    it("points a stack that was never set up to init-stack.sh, without the fix line when nothing else is wrong", () => {
        assert.equal(
            new ConfigurationError("org/acs-push/prod", [UNSET_BUNDLE, UNSET_KEY]).message,
            [
                "Stack 'org/acs-push/prod' has 2 configuration problems; nothing was deployed.",
                `  - ${formatProblem(UNSET_BUNDLE)}`,
                `  - ${formatProblem(UNSET_KEY)}`,
                `2 required keys are ${SET_UP}`,
                "    scripts/init-stack.sh org/acs-push/prod",
            ].join("\n"),
        );
    });

    it("gives both hints when unset keys come with broken rules", () => {
        assert.equal(
            new ConfigurationError("dev", [BAD_SKU, UNSET_BUNDLE]).message,
            [
                "Stack 'dev' has 2 configuration problems; nothing was deployed.",
                `  - ${formatProblem(BAD_SKU)}`,
                `  - ${formatProblem(UNSET_BUNDLE)}`,
                `1 required key is ${SET_UP}`,
                "    scripts/init-stack.sh dev",
                FIX,
            ].join("\n"),
        );
    });
});
