import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { installMocks, settle } from "../../../infra/tools/preview/mocks";
import { stackConfig } from "../helpers/stackFiles";

describe("a stack with a broken configuration", () => {
    it("fails before registering any resource, listing every problem", async () => {
        const { config, secretKeys } = stackConfig("dev", "-----BEGIN PRIVATE KEY-----\\nc2VjcmV0Ym9keQ==\\n-----END PRIVATE KEY-----");
        config["acs-push:bundleId"] = "com.contoso.chat.voip";
        config["acs-push:notificationHubsSku"] = "Premium";
        config["acs-push:apnsTeamId"] = "team";
        config["acs-push:eventTimeToLiveMinutes"] = "2000";
        config["acs-push:apnsPrivateKey"] = "c2VjcmV0Ym9keQ==";
        config["azure-native:environment"] = "mars";
        const capture = await installMocks({ stack: "dev", config, secretKeys });

        await assert.rejects(import("../../../infra/index"), (error: Error) => {
            assert.equal(error.name, "ConfigurationError");
            assert.match(error.message, /Stack 'dev' has 6 configuration problems; nothing was deployed/);
            for (const key of ["bundleId", "notificationHubsSku", "apnsTeamId", "eventTimeToLiveMinutes", "apnsPrivateKey"]) {
                assert.match(error.message, new RegExp(`acs-push:${key}: .+ \\(valid example: .+\\)`), key);
            }
            assert.match(error.message, /azure-native:environment: must be one of public, usgovernment, china/);
            assert.ok(!error.message.includes("c2VjcmV0Ym9keQ=="), "a secret value leaked into the error");
            return true;
        });
        await settle();
        assert.deepEqual(capture.resources, []);
        assert.deepEqual(capture.calls, []);
    });
});
