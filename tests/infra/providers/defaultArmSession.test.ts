// The production session: DefaultAzureCredential, signing in to the cloud of the ARM endpoint. A file of its own,
// since loading @azure/identity takes seconds and only this function needs it.
import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import { DEFAULT_RETRY_OPTIONS } from "../../../infra/providers/armErrors";
import { DEFAULT_ARM_ENDPOINT } from "../../../infra/providers/armIds";
import { defaultArmSession } from "../../../infra/providers/notificationHubLinkProvider";

describe("defaultArmSession", () => {
    /** Every `authorityHost` the credential chain holds (the sign-in endpoints its credentials were given). */
    function authorityHosts(credential: unknown): string[] {
        const found = new Set<string>();
        const seen = new Set<unknown>();
        const walk = (value: unknown, depth: number) => {
            if (value === null || typeof value !== "object" || seen.has(value) || depth > 6) return;
            seen.add(value);
            for (const [key, child] of Object.entries(value)) {
                if (key === "authorityHost" && typeof child === "string") found.add(child.replace(/\/+$/, ""));
                walk(child, depth + 1);
            }
        };
        walk(credential, 0);
        return [...found];
    }

    function withAuthorityHostVariable<T>(value: string | undefined, fn: () => T): T {
        const saved = process.env.AZURE_AUTHORITY_HOST;
        if (value === undefined) delete process.env.AZURE_AUTHORITY_HOST;
        else process.env.AZURE_AUTHORITY_HOST = value;
        try {
            return fn();
        } finally {
            if (saved === undefined) delete process.env.AZURE_AUTHORITY_HOST;
            else process.env.AZURE_AUTHORITY_HOST = saved;
        }
    }

    it("uses DefaultAzureCredential with the default retries", () => {
        const { DefaultAzureCredential } = require("@azure/identity") as typeof import("@azure/identity");
        const session = withAuthorityHostVariable(undefined, () => defaultArmSession(DEFAULT_ARM_ENDPOINT));
        assert.ok(session.credential instanceof DefaultAzureCredential);
        assert.equal(session.retryOptions, DEFAULT_RETRY_OPTIONS);
        assert.deepEqual(Object.keys(session).sort(), ["credential", "retryOptions"]);
        assert.ok(!authorityHosts(session.credential).includes("https://login.microsoftonline.us"));
    });

    it("signs in to the sovereign cloud of the endpoint", () => {
        const session = withAuthorityHostVariable(undefined, () => defaultArmSession("https://management.usgovcloudapi.net"));
        assert.ok(authorityHosts(session.credential).includes("https://login.microsoftonline.us"), authorityHosts(session.credential).join(", "));
    });

    it("prefers AZURE_AUTHORITY_HOST when it is set", () => {
        const session = withAuthorityHostVariable("https://login.example.test", () => defaultArmSession("https://management.usgovcloudapi.net"));
        const hosts = authorityHosts(session.credential);
        assert.ok(hosts.includes("https://login.example.test"), hosts.join(", "));
        assert.ok(!hosts.includes("https://login.microsoftonline.us"), hosts.join(", "));
    });
});
