// The link provider's inputs as ARM sees them: ids, endpoint, authority and connection string, with the messages
// that say what was expected.
import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import {
    DEFAULT_ARM_ENDPOINT,
    authorityHostFor,
    communicationServiceIdOfLink,
    connectionStringProblem,
    endpointOrRaw,
    linkResourceId,
    normalizeArmEndpoint,
    parseCommunicationServiceId,
    parseNotificationHubId,
    sameArmId,
    subscriptionOf,
} from "../../../infra/providers/armIds";
import { SUB, ACS, HUB } from "../helpers/armFixtures";

const ACS_SHAPE =
    "is not the ARM id of a Communication Services resource; expected /subscriptions/<subscription-id>/resourceGroups/<group>/providers/" +
    "Microsoft.Communication/communicationServices/<name>";
const HUB_SHAPE =
    "is not the ARM id of a notification hub; expected /subscriptions/<subscription-id>/resourceGroups/<group>/providers/" +
    "Microsoft.NotificationHubs/namespaces/<namespace>/notificationHubs/<hub>";

function thrown(fn: () => unknown): string {
    try {
        fn();
    } catch (error) {
        return (error as Error).message;
    }
    return assert.fail("expected an error");
}

describe("Communication Services ids", () => {
    it("trims the id and drops trailing slashes before parsing", () => {
        assert.deepEqual(parseCommunicationServiceId(`  ${ACS}// `), { subscriptionId: SUB, resourceGroupName: "rg-push", name: "acs-push" });
    });

    it("says what shape it expected, quoting the id", () => {
        assert.equal(thrown(() => parseCommunicationServiceId("acs-push")), `communicationServiceId "acs-push" ${ACS_SHAPE}`);
        assert.equal(thrown(() => parseCommunicationServiceId(`x${ACS}`)), `communicationServiceId "x${ACS}" ${ACS_SHAPE}`);
        assert.equal(thrown(() => parseCommunicationServiceId(`${ACS}x/y`)), `communicationServiceId "${ACS}x/y" ${ACS_SHAPE}`);
        assert.equal(thrown(() => parseCommunicationServiceId(ACS.replace("rg-push", ""))), `communicationServiceId "${ACS.replace("rg-push", "")}" ${ACS_SHAPE}`);
        assert.equal(thrown(() => parseCommunicationServiceId(42 as unknown as string)), `communicationServiceId 42 ${ACS_SHAPE}`);
    });

    it("asks for a GUID as the subscription, any casing, nothing around it", () => {
        const id = ACS.replace(SUB, "my-sub");
        assert.equal(
            thrown(() => parseCommunicationServiceId(id)),
            `communicationServiceId "${id}" names subscription "my-sub", which is not a subscription id (a GUID such as 00000000-0000-0000-0000-000000000000)`,
        );
        assert.equal(parseCommunicationServiceId(ACS.replace(SUB, SUB.toUpperCase())).subscriptionId, SUB.toUpperCase());
        assert.throws(() => parseCommunicationServiceId(ACS.replace(SUB, `${SUB}0`)), /names subscription/);
        assert.throws(() => parseCommunicationServiceId(ACS.replace(SUB, `0${SUB}`)), /names subscription/);
    });

    it("names the subscription for messages, or says 'its subscription' when the id is not one", () => {
        assert.equal(subscriptionOf(ACS), `subscription ${SUB}`);
        assert.equal(subscriptionOf("acs-push"), "its subscription");
    });
});

describe("notification hub ids", () => {
    it("returns the subscription of a hub id, trimmed and without trailing slashes", () => {
        assert.deepEqual(parseNotificationHubId(` ${HUB.toLowerCase()}/ `), { subscriptionId: SUB });
    });

    it("says what shape it expected, quoting the id", () => {
        const namespace = HUB.replace("/notificationHubs/app.voip", "");
        assert.equal(thrown(() => parseNotificationHubId(namespace)), `notificationHubId "${namespace}" ${HUB_SHAPE}`);
        assert.equal(thrown(() => parseNotificationHubId(`x${HUB}`)), `notificationHubId "x${HUB}" ${HUB_SHAPE}`);
        assert.equal(thrown(() => parseNotificationHubId(`${HUB}/x`)), `notificationHubId "${HUB}/x" ${HUB_SHAPE}`);
        assert.equal(thrown(() => parseNotificationHubId(undefined as unknown as string)), `notificationHubId undefined ${HUB_SHAPE}`);
    });
});

describe("ARM id helpers", () => {
    it("compares ids ignoring casing, surrounding space and trailing slashes; two absent ids are the same", () => {
        assert.equal(sameArmId(` ${HUB}/ `, HUB.toUpperCase()), true);
        assert.equal(sameArmId(HUB, `${HUB}x`), false);
        assert.equal(sameArmId(undefined, ""), true);
        assert.equal(sameArmId(HUB, undefined), false);
    });

    it("gives the link the service id plus a suffix, and reads the service id back", () => {
        assert.equal(linkResourceId(ACS), `${ACS}/notificationHubLink`);
        assert.equal(communicationServiceIdOfLink(linkResourceId(ACS)), ACS);
        assert.equal(communicationServiceIdOfLink(ACS), ACS);
        assert.equal(communicationServiceIdOfLink(`${ACS}/notificationHubLinks`), `${ACS}/notificationHubLinks`);
    });
});

describe("ARM endpoint", () => {
    it("defaults to the public cloud, and keeps a port", () => {
        assert.equal(DEFAULT_ARM_ENDPOINT, "https://management.azure.com");
        assert.equal(normalizeArmEndpoint(null as unknown as string), DEFAULT_ARM_ENDPOINT);
        assert.equal(normalizeArmEndpoint("HTTPS://Management.Azure.com:8443/"), "https://management.azure.com:8443");
    });

    it("rejects what is not a URL, naming the expected form", () => {
        assert.equal(thrown(() => normalizeArmEndpoint("management.azure.com")), 'armEndpoint "management.azure.com" is not a URL; expected e.g. https://management.azure.com');
    });

    for (const bad of ["http://management.azure.com", "https://management.azure.com/x", "https://management.azure.com/?a=1", "https://management.azure.com/#top"]) {
        it(`rejects ${bad}: not an https origin`, () => {
            assert.equal(thrown(() => normalizeArmEndpoint(bad)), `armEndpoint "${bad}" must be an https origin without path, e.g. https://management.azure.com`);
        });
    }

    it("compares endpoints normalized, or as raw text when they are not endpoints", () => {
        assert.equal(endpointOrRaw("https://management.azure.com/"), "https://management.azure.com");
        assert.equal(endpointOrRaw(undefined), "https://management.azure.com");
        assert.equal(endpointOrRaw("http://management.azure.com"), "http://management.azure.com");
    });

    it("signs in to the sovereign clouds' authorities, by host in any casing", () => {
        assert.equal(authorityHostFor("https://MANAGEMENT.USGOVCLOUDAPI.NET"), "https://login.microsoftonline.us");
        assert.equal(authorityHostFor("https://management.chinacloudapi.cn:443"), "https://login.chinacloudapi.cn");
        assert.equal(authorityHostFor("https://usgovcloudapi.net.example.com"), undefined);
        assert.equal(authorityHostFor("https://example.chinacloudapi.cn.example.com"), undefined);
    });
});

describe("connection string", () => {
    const EXPECTED = "expected Endpoint=sb://<namespace>.servicebus.windows.net/;SharedAccessKeyName=<rule>;SharedAccessKey=<key>";

    it("accepts the three parts in any casing and order, around spaces", () => {
        assert.equal(connectionStringProblem(" sharedaccesskey = k ; ENDPOINT=sb://ns/ ;SharedAccessKeyName=send"), undefined);
    });

    it("asks for a connection string when there is none", () => {
        const empty = "connectionString is empty; pass the connection string of the hub's Send-only authorization rule";
        assert.equal(connectionStringProblem(""), empty);
        assert.equal(connectionStringProblem("   "), empty);
        assert.equal(connectionStringProblem(undefined), empty);
        assert.equal(connectionStringProblem(42), empty);
    });

    it("names every missing part, in order, without the value", () => {
        assert.equal(connectionStringProblem("SharedAccessKey=secretvalue"), `connectionString lacks Endpoint, SharedAccessKeyName; ${EXPECTED}`);
        assert.equal(connectionStringProblem("Endpoint=sb://ns/;SharedAccessKeyName=;SharedAccessKey=k"), `connectionString lacks SharedAccessKeyName; ${EXPECTED}`);
        assert.equal(connectionStringProblem("=sb://ns/;Endpoint;SharedAccessKeyName=send;SharedAccessKey=k"), `connectionString lacks Endpoint; ${EXPECTED}`);
        assert.equal(connectionStringProblem("Endpoint=sb://ns/;SharedAccessKeyName=send;SharedAccessKey=  "), `connectionString lacks SharedAccessKey; ${EXPECTED}`);
    });

    it("keeps everything after the first '=' as the value", () => {
        assert.equal(connectionStringProblem("Endpoint=sb://ns/;SharedAccessKeyName=send;SharedAccessKey=="), undefined);
    });
});
