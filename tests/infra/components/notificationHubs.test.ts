import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import { Capture, installMocks, promiseOf, settle } from "../../../infra/tools/preview/mocks";
import type { NotificationHubs } from "../../../infra/components/notificationHubs";

describe("NotificationHubs", () => {
    let recorder: Capture;
    let hubs: NotificationHubs;

    before(async () => {
        recorder = await installMocks({ stack: "test" });
        const { NotificationHubs } = await import("../../../infra/components/notificationHubs");
        hubs = new NotificationHubs("hubs", {
            resourceGroupName: "rg",
            location: "northeurope",
            namespaceName: "ntfns-test-123456",
            sku: "Basic",
            callsHubName: "com.fabrikam.app.voip",
            alertsHubName: "com.fabrikam.app",
            callsSendRuleName: "acs-send",
            alertsFunctionRuleName: "function-listen-send",
            apns: { teamId: "TEAM123456", keyId: "KEY1234567", token: "a2V5", endpoint: "https://api.push.apple.com:443/3/device" },
            fcm: { projectId: "fabrikam-app", clientEmail: "sa@fabrikam-app.iam.gserviceaccount.com", privateKey: "pem" },
            tags: { environment: "test" },
        });
        await settle();
    });

    it("keeps credentials secret even when given as plain strings", () => {
        for (const hub of recorder.ofType("azure-native:notificationhubs:NotificationHub")) {
            assert.ok(hub.secretPaths.includes("apnsCredential.token"));
            assert.ok(hub.secretPaths.includes("fcmV1Credential.privateKey"));
        }
    });

    it("exposes both connection strings only as secrets", async () => {
        assert.equal(await pulumi.isSecret(hubs.callsSendConnectionString), true);
        assert.equal(await pulumi.isSecret(hubs.alertsFunctionConnectionString), true);
        assert.match(await promiseOf(hubs.callsSendConnectionString), /SharedAccessKeyName=acs-send;/);
        assert.match(await promiseOf(hubs.alertsFunctionConnectionString), /SharedAccessKeyName=function-listen-send;/);
    });

    it("exposes hub names and ids as plain outputs", async () => {
        assert.equal(await promiseOf(hubs.callsHubName), "com.fabrikam.app.voip");
        assert.equal(await pulumi.isSecret(hubs.callsHubId), false);
        assert.equal(await promiseOf(hubs.callsHubId), recorder.one("azure-native:notificationhubs:NotificationHub", "calls").id);
        assert.match(await promiseOf(hubs.callsHubId), /\/namespaces\/ntfns-test-123456\/notificationHubs\/com\.fabrikam\.app\.voip$/);
    });

    it("grants rights exactly: Send for ACS, Listen+Send for the function", () => {
        const rights = Object.fromEntries(
            recorder.ofType("azure-native:notificationhubs:NotificationHubAuthorizationRule").map((r) => [r.inputs.authorizationRuleName, r.inputs.rights]),
        );
        assert.deepEqual(rights, { "acs-send": ["Send"], "function-listen-send": ["Listen", "Send"] });
    });
});
