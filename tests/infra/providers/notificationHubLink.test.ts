// NotificationHubLink registered under Pulumi mocks: inputs, secrecy, and the serialized provider.
import { before, describe, it } from "node:test";
import * as assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import type { LinkInputs, LinkOutputs } from "../../../infra/providers/notificationHubLinkProvider";
import { Capture, installMocks, promiseOf } from "../../../infra/tools/preview/mocks";
import { loadSerializedProvider } from "../helpers/dynamicProviderHost";

const SUB = "11111111-2222-3333-4444-555555555555";
const ACS = `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.Communication/communicationServices/acs`;
const HUB = `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.NotificationHubs/namespaces/ns/notificationHubs/app.voip`;
const KEY = "bW9jay1rZXktbWF0ZXJpYWwtdGhhdC1zdGF5cy1zZWNyZXQ=";
const CS = `Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=acs-send;SharedAccessKey=${KEY}`;

let capture: Capture;
let links: typeof import("../../../infra/providers/notificationHubLink");

before(async () => {
    capture = await installMocks({ stack: "test" });
    links = await import("../../../infra/providers/notificationHubLink");
});

describe("NotificationHubLink", () => {
    it("registers as a dynamic resource whose connection string is a secret", async () => {
        const link = new links.NotificationHubLink("calls-link", {
            communicationServiceId: ACS,
            notificationHubId: HUB,
            connectionString: CS, // plain on purpose: the resource must make it secret itself
        });

        assert.equal(await promiseOf(link.linkedHubId), HUB);
        const entry = capture.named("calls-link");
        assert.equal(entry.type, links.NOTIFICATION_HUB_LINK_TYPE);
        assert.equal(entry.inputs.communicationServiceId, ACS);
        assert.equal(entry.inputs.notificationHubId, HUB);
        assert.ok(entry.secretPaths.includes("connectionString"), "connectionString input is secret");
        assert.equal(entry.inputs.connectionString, CS);
    });

    it("keeps an already secret connection string secret", async () => {
        const link = new links.NotificationHubLink("secret-link", {
            communicationServiceId: pulumi.output(ACS),
            notificationHubId: pulumi.output(HUB),
            connectionString: pulumi.secret(CS),
            armEndpoint: "https://management.usgovcloudapi.net",
        });

        await promiseOf(link.id);
        const entry = capture.named("secret-link");
        assert.ok(entry.secretPaths.includes("connectionString"));
        assert.equal(entry.inputs.armEndpoint, "https://management.usgovcloudapi.net");
    });

    it("serializes a provider that holds no secret and works once loaded", async () => {
        const link = new links.NotificationHubLink("serialized-link", {
            communicationServiceId: ACS,
            notificationHubId: HUB,
            connectionString: CS,
        });

        await promiseOf(link.id);
        const text = capture.named("serialized-link").inputs.__provider;
        assert.equal(typeof text, "string");
        assert.ok(!text.includes(KEY), "serialized provider holds no key");
        assert.match(text, /linkNotificationHub/);

        const provider = loadSerializedProvider<LinkInputs, LinkOutputs>(text);
        const news: LinkInputs = { communicationServiceId: ACS, notificationHubId: HUB, connectionString: CS };
        const check = await provider.check!(news, news);
        assert.deepEqual(check.failures, []);
        const olds: LinkOutputs = {
            communicationServiceId: ACS.toLowerCase(),
            notificationHubId: HUB,
            armEndpoint: "https://management.azure.com",
            linkedHubId: HUB,
            connectionStringHash: "sha256:not-the-current-key",
        };
        assert.deepEqual(await provider.diff!("id", olds, news), {
            changes: true,
            replaces: [],
            deleteBeforeReplace: false,
        });
    });

    it("shares one serialized provider between instances", async () => {
        const a = new links.NotificationHubLink("shared-a", { communicationServiceId: ACS, notificationHubId: HUB, connectionString: CS });
        const b = new links.NotificationHubLink("shared-b", { communicationServiceId: ACS, notificationHubId: HUB, connectionString: CS });

        await Promise.all([promiseOf(a.id), promiseOf(b.id)]);
        const [ra, rb] = ["shared-a", "shared-b"].map((n) => capture.named(n));
        assert.equal(ra.inputs.__provider, rb.inputs.__provider);
    });
});
