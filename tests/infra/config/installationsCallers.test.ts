import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { validateSettings } from "../../../infra/lib/settings";
import { entraAuthorityFor } from "../../../infra/lib/urls";
import { REQUIRED } from "../helpers/requiredConfig";

const CALLER = "9a0b7c3e-2f51-4d0b-8f3a-61c7a0d2e4b1";
const TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47";

function problems(raw: Record<string, unknown>): string[] {
    const result = validateSettings({ ...REQUIRED, ...raw }, "dev");
    return result.ok ? [] : result.problems.map((p) => `${p.key}: ${p.message}`);
}

describe("who may call the installations endpoint", () => {
    it("defaults to no token caller, the deploying tenant and the function-key route off", () => {
        const result = validateSettings(REQUIRED, "dev");
        assert.ok(result.ok);
        assert.deepEqual(result.settings.installations, { tenantId: undefined, audiences: [], allowedCallers: [], allowFunctionKey: false });
    });

    it("reads a complete set of tenant, audiences and callers", () => {
        const result = validateSettings(
            {
                ...REQUIRED,
                installationsTenantId: TENANT,
                installationsAudiences: '["api://acs-push-installations", "3c2d1e0f-5a4b-4c3d-9e8f-7a6b5c4d3e2f"]',
                installationsAllowedCallers: `["${CALLER}"]`,
                installationsAllowFunctionKey: "true",
            },
            "dev",
        );
        assert.ok(result.ok);
        assert.deepEqual(result.settings.installations, {
            tenantId: TENANT,
            audiences: ["api://acs-push-installations", "3c2d1e0f-5a4b-4c3d-9e8f-7a6b5c4d3e2f"],
            allowedCallers: [CALLER],
            allowFunctionKey: true,
        });
    });

    const cases: [string, Record<string, unknown>, string][] = [
        ["audiences without callers", { installationsAudiences: '["api://x"]' }, "acs-push:installationsAllowedCallers: must be set when acs-push:installationsAudiences is set"],
        ["callers without audiences", { installationsAllowedCallers: `["${CALLER}"]` }, "acs-push:installationsAudiences: must be set when acs-push:installationsAllowedCallers is set"],
        ["a tenant domain name", { installationsTenantId: "contoso.onmicrosoft.com" }, "acs-push:installationsTenantId: must be the directory (tenant) id"],
        ["an audience that is neither URI nor GUID", { installationsAudiences: '["acs push"]', installationsAllowedCallers: `["${CALLER}"]` }, "acs-push:installationsAudiences: entry 1"],
        ["a plain-http audience", { installationsAudiences: '["http://api.contoso.com"]', installationsAllowedCallers: `["${CALLER}"]` }, "acs-push:installationsAudiences: entry 1"],
        ["a caller by name", { installationsAudiences: '["api://x"]', installationsAllowedCallers: '["backend"]' }, "acs-push:installationsAllowedCallers: entry 1"],
        ["a caller twice", { installationsAudiences: '["api://x"]', installationsAllowedCallers: `["${CALLER}", "${CALLER.toUpperCase()}"]` }, "lists an id more than once"],
    ];
    for (const [name, raw, expected] of cases) {
        it(`refuses ${name}, naming the key`, () => {
            const found = problems(raw);
            assert.ok(found.some((p) => p.includes(expected)), `${expected} not in:\n${found.join("\n")}`);
        });
    }

    it("reads the callers' signing keys from the Entra authority of the deployment's cloud", () => {
        assert.deepEqual(
            [undefined, "public", "usgovernment", "china", "USGovernment"].map(entraAuthorityFor),
            [
                "https://login.microsoftonline.com/",
                "https://login.microsoftonline.com/",
                "https://login.microsoftonline.us/",
                "https://login.chinacloudapi.cn/",
                "https://login.microsoftonline.us/",
            ],
        );
    });
});
