import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { APNS_ENDPOINTS, BUILT_IN_ROLES, roleDefinitionId } from "../../../infra/lib/catalog";
import { armEndpointFor, blobContainerUrl, entraAuthorityFor, functionHostName, tableServiceUri, webhookUrl } from "../../../infra/lib/urls";

describe("endpoint URLs", () => {
    it("builds the deployment container URL from the provider's blob endpoint", () => {
        assert.equal(blobContainerUrl("https://st1.blob.core.usgovcloudapi.net/", "st1", "app-package"), "https://st1.blob.core.usgovcloudapi.net/app-package");
        assert.equal(blobContainerUrl(undefined, "st1", "app-package"), "https://st1.blob.core.windows.net/app-package");
    });

    it("builds the table service URI without a trailing slash", () => {
        assert.equal(tableServiceUri("https://st1.table.core.windows.net/", "st1"), "https://st1.table.core.windows.net");
        assert.equal(tableServiceUri(undefined, "st1"), "https://st1.table.core.windows.net");
    });

    it("points Event Grid at /api/events with the url-encoded function key", () => {
        assert.equal(webhookUrl("func.azurewebsites.net", "a/b+c=="), "https://func.azurewebsites.net/api/events?code=a%2Fb%2Bc%3D%3D");
        assert.equal(webhookUrl("func.azurewebsites.net", undefined), "https://func.azurewebsites.net/api/events");
    });

    it("falls back to <app>.azurewebsites.net when the host name is not reported", () => {
        assert.equal(functionHostName(undefined, "func-x"), "func-x.azurewebsites.net");
        assert.equal(functionHostName("func-x-abc.westeurope-01.azurewebsites.net", "func-x"), "func-x-abc.westeurope-01.azurewebsites.net");
    });

    it("uses the APNs token endpoints for sandbox and production", () => {
        assert.equal(APNS_ENDPOINTS.production, "https://api.push.apple.com:443/3/device");
        assert.equal(APNS_ENDPOINTS.sandbox, "https://api.development.push.apple.com:443/3/device");
    });

    it("writes role definition ids in the subscription-scoped form ARM stores", () => {
        assert.equal(
            roleDefinitionId("sub-1", BUILT_IN_ROLES.storageBlobDataOwner.id),
            "/subscriptions/sub-1/providers/Microsoft.Authorization/roleDefinitions/b7e6dc6d-f1e8-4753-8033-0f276bb0955b",
        );
    });
});

describe("ARM endpoint of the azure-native provider's cloud", () => {
    const cases: [string | undefined, string][] = [
        [undefined, "https://management.azure.com"],
        ["", "https://management.azure.com"],
        ["public", "https://management.azure.com"],
        ["usgovernment", "https://management.usgovcloudapi.net"],
        ["USGovernment", "https://management.usgovcloudapi.net"],
        ["china", "https://management.chinacloudapi.cn"],
    ];
    for (const [environment, endpoint] of cases) {
        it(`maps environment ${JSON.stringify(environment)} to ${endpoint}`, () => {
            assert.deepEqual(armEndpointFor(environment), { endpoint });
        });
    }

    it("names azure-native:environment and the valid clouds for an unknown cloud", () => {
        const result = armEndpointFor("germany");
        assert.ok("problem" in result);
        assert.equal(result.problem.key, "azure-native:environment");
        assert.match(result.problem.message, /public, usgovernment, china/);
        assert.match(result.problem.message, /'germany'/);
    });

    it("drops every trailing slash of a reported endpoint", () => {
        assert.equal(blobContainerUrl("https://st.blob.core.windows.net//", "st", "app-package"), "https://st.blob.core.windows.net/app-package");
        assert.equal(tableServiceUri("https://st.table.core.windows.net///", "st"), "https://st.table.core.windows.net");
    });

    it("reads the cloud name in any casing, around spaces; blank is the public cloud", () => {
        assert.deepEqual(armEndpointFor(" China "), { endpoint: "https://management.chinacloudapi.cn" });
        assert.deepEqual(armEndpointFor("  "), { endpoint: "https://management.azure.com" });
        assert.equal(entraAuthorityFor(" USGovernment "), "https://login.microsoftonline.us/");
        assert.equal(entraAuthorityFor("  "), "https://login.microsoftonline.com/");
    });

    it("knows no cloud by the name of an object property", () => {
        for (const name of ["constructor", "__proto__", "hasOwnProperty"]) {
            assert.ok("problem" in armEndpointFor(name), name);
            assert.equal(entraAuthorityFor(name), "https://login.microsoftonline.com/", name);
        }
    });
});
