// Pure provider logic: diff decisions, input checks, id parsing, endpoint handling, scrubbing.
import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { retryAfterInMs, scrub } from "../../../infra/providers/armErrors";
import {
    DEFAULT_ARM_ENDPOINT,
    authorityHostFor,
    connectionStringProblem,
    hashConnectionString,
    normalizeArmEndpoint,
    parseCommunicationServiceId,
    sameArmId,
} from "../../../infra/providers/armIds";
import { LinkInputs, LinkOutputs, checkLink, diffLink } from "../../../infra/providers/notificationHubLinkProvider";
import { SUB, ACS, HUB, KEY, CS } from "../helpers/armFixtures";

const OTHER_ACS = ACS.replace("acs-push", "acs-other");
const OTHER_HUB = HUB.replace("app.voip", "other.voip");
const ROTATED = CS.replace(KEY, "cm90YXRlZC1rZXktbWF0ZXJpYWwtMDAyLXNlY29uZGFyeQ==");
const UNKNOWN = pulumi.runtime.unknownValue;

const olds: LinkOutputs = {
    communicationServiceId: ACS,
    notificationHubId: HUB,
    armEndpoint: DEFAULT_ARM_ENDPOINT,
    linkedHubId: HUB,
    connectionStringHash: hashConnectionString(CS),
};
const news: LinkInputs = { communicationServiceId: ACS, notificationHubId: HUB, connectionString: CS };

describe("diff", () => {
    const cases: {
        name: string;
        olds?: Partial<LinkOutputs>;
        news?: Partial<LinkInputs>;
        changes: boolean;
        replaces: string[];
    }[] = [
        { name: "unchanged inputs", changes: false, replaces: [] },
        { name: "ARM ids differing only in casing", news: { communicationServiceId: ACS.toUpperCase(), notificationHubId: HUB.toLowerCase() }, changes: false, replaces: [] },
        { name: "linked hub reported in other casing", olds: { linkedHubId: HUB.toUpperCase() }, changes: false, replaces: [] },
        { name: "default endpoint spelled out", news: { armEndpoint: "https://management.azure.com/" }, changes: false, replaces: [] },
        { name: "another hub", news: { notificationHubId: OTHER_HUB }, changes: true, replaces: [] },
        { name: "a rotated key", news: { connectionString: ROTATED }, changes: true, replaces: [] },
        { name: "link removed outside Pulumi", olds: { linkedHubId: "" }, changes: true, replaces: [] },
        { name: "link pointed at another hub outside Pulumi", olds: { linkedHubId: OTHER_HUB }, changes: true, replaces: [] },
        { name: "state without a hash (imported)", olds: { connectionStringHash: "" }, changes: true, replaces: [] },
        { name: "another ARM endpoint", news: { armEndpoint: "https://management.usgovcloudapi.net" }, changes: true, replaces: [] },
        { name: "another ACS resource", news: { communicationServiceId: OTHER_ACS }, changes: true, replaces: ["communicationServiceId"] },
        { name: "ACS id unknown during preview", news: { communicationServiceId: UNKNOWN }, changes: true, replaces: ["communicationServiceId"] },
        { name: "hub id unknown during preview", news: { notificationHubId: UNKNOWN }, changes: true, replaces: [] },
        { name: "connection string unknown during preview", news: { connectionString: UNKNOWN }, changes: true, replaces: [] },
    ];

    for (const c of cases) {
        it(`${c.changes ? (c.replaces.length ? "replaces" : "updates") : "keeps"} on ${c.name}`, () => {
            const result = diffLink({ ...olds, ...c.olds }, { ...news, ...c.news });

            assert.deepEqual(result, { changes: c.changes, replaces: c.replaces, deleteBeforeReplace: false });
        });
    }

    it("updates when the endpoint is unknown during preview or the connection string is missing", () => {
        assert.deepEqual(diffLink(olds, { ...news, armEndpoint: UNKNOWN }), { changes: true, replaces: [], deleteBeforeReplace: false });
        assert.deepEqual(diffLink(olds, { ...news, connectionString: undefined as unknown as string }), {
            changes: true,
            replaces: [],
            deleteBeforeReplace: false,
        });
    });

    it("compares endpoints that are not URLs by their text", () => {
        assert.equal(diffLink({ ...olds, armEndpoint: "not a url" }, { ...news, armEndpoint: "not a url" }).changes, false);
        assert.equal(diffLink({ ...olds, armEndpoint: "not a url" }, { ...news, armEndpoint: "not an url" }).changes, true);
    });

    it("compares secret-wrapped ids by their values", () => {
        const wrap = (value: string) => ({ [pulumi.runtime.specialSigKey]: pulumi.runtime.specialSecretSig, value }) as unknown as string;
        assert.equal(diffLink(olds, { ...news, communicationServiceId: wrap(ACS), notificationHubId: wrap(HUB) }).changes, false);
        assert.deepEqual(diffLink(olds, { ...news, communicationServiceId: wrap(OTHER_ACS) }).replaces, ["communicationServiceId"]);
    });

    it("compares a secret-wrapped connection string by its value", () => {
        const wrapped = { [pulumi.runtime.specialSigKey]: pulumi.runtime.specialSecretSig, value: CS };

        const result = diffLink(olds, { ...news, connectionString: wrapped as unknown as string });

        assert.equal(result.changes, false);
    });
});

describe("check", () => {
    it("accepts valid inputs", () => {
        assert.deepEqual(checkLink({ ...news, armEndpoint: "https://management.chinacloudapi.cn" }), []);
    });

    it("reports every invalid input, naming the property", () => {
        const failures = checkLink({
            communicationServiceId: "/subscriptions/not-a-guid/resourceGroups/rg/providers/Microsoft.Communication/communicationServices/a",
            notificationHubId: "/subscriptions/x/resourceGroups/rg/providers/Microsoft.NotificationHubs/namespaces/ns",
            connectionString: "Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKey=only-a-key-here",
            armEndpoint: "http://management.azure.com",
        });

        assert.deepEqual(
            failures.map((f) => f.property),
            ["communicationServiceId", "notificationHubId", "connectionString", "armEndpoint"],
        );
        assert.match(failures[0].reason, /not-a-guid.*not a subscription id/);
        assert.match(failures[1].reason, /not the ARM id of a notification hub/);
        assert.match(failures[2].reason, /lacks SharedAccessKeyName/);
        assert.ok(!failures[2].reason.includes("only-a-key-here"));
        assert.match(failures[3].reason, /must be an https origin/);
    });

    it("reports a hub in another subscription than the ACS resource", () => {
        const otherSub = "99999999-8888-7777-6666-555555555555";

        const failures = checkLink({ ...news, notificationHubId: HUB.replace(SUB, otherSub) });

        assert.equal(failures.length, 1);
        assert.equal(failures[0].property, "notificationHubId");
        assert.match(failures[0].reason, new RegExp(`subscription ${otherSub}, but it must be in the subscription of the Communication Services resource \\(${SUB}\\)`));
    });

    it("says exactly which subscriptions differ", () => {
        const otherSub = "99999999-8888-7777-6666-555555555555";

        assert.deepEqual(checkLink({ ...news, notificationHubId: HUB.replace(SUB, otherSub) }), [
            {
                property: "notificationHubId",
                reason:
                    `the notification hub is in subscription ${otherSub}, but it must be in the subscription ` +
                    `of the Communication Services resource (${SUB})`,
            },
        ]);
    });

    it("compares subscriptions only once every input is valid and known", () => {
        const otherSub = "99999999-8888-7777-6666-555555555555";
        const elsewhere = HUB.replace(SUB, otherSub);

        assert.deepEqual(
            checkLink({ ...news, notificationHubId: elsewhere, armEndpoint: "http://management.azure.com" }).map((f) => f.property),
            ["armEndpoint"],
        );
        assert.deepEqual(checkLink({ ...news, communicationServiceId: UNKNOWN, notificationHubId: elsewhere }), []);
        assert.deepEqual(checkLink({ ...news, notificationHubId: UNKNOWN }), []);
    });

    it("reports an empty connection string without echoing anything", () => {
        assert.deepEqual(checkLink({ ...news, connectionString: "" }), [
            {
                property: "connectionString",
                reason: "connectionString is empty; pass the connection string of the hub's Send-only authorization rule",
            },
        ]);
    });

    it("compares subscriptions case-insensitively", () => {
        assert.deepEqual(checkLink({ ...news, notificationHubId: HUB.replace(SUB, SUB.toUpperCase()) }), []);
    });

    it("skips values unknown during preview", () => {
        const unknown = { communicationServiceId: UNKNOWN, notificationHubId: UNKNOWN, connectionString: UNKNOWN, armEndpoint: UNKNOWN };

        assert.deepEqual(checkLink(unknown), []);
    });
});

describe("parseCommunicationServiceId", () => {
    it("splits subscription, resource group and name", () => {
        assert.deepEqual(parseCommunicationServiceId(ACS), {
            subscriptionId: SUB,
            resourceGroupName: "rg-push",
            name: "acs-push",
        });
    });

    it("accepts any casing and a trailing slash", () => {
        assert.equal(parseCommunicationServiceId(ACS.toLowerCase() + "/").name, "acs-push");
    });

    const malformed: [string, string, RegExp][] = [
        ["an empty id", "", /is not the ARM id of a Communication Services resource/],
        ["a resource group id", `/subscriptions/${SUB}/resourceGroups/rg-push`, /expected \/subscriptions\/<subscription-id>/],
        ["a hub id", HUB, /is not the ARM id of a Communication Services resource/],
        ["a child resource id", `${ACS}/something/else`, /is not the ARM id/],
        ["a non-GUID subscription", ACS.replace(SUB, "my-sub"), /"my-sub", which is not a subscription id/],
    ];
    for (const [name, id, message] of malformed) {
        it(`rejects ${name}`, () => {
            assert.throws(() => parseCommunicationServiceId(id), message);
        });
    }
});

describe("ARM endpoint", () => {
    const valid: [string | undefined, string][] = [
        [undefined, "https://management.azure.com"],
        ["", "https://management.azure.com"],
        ["https://management.azure.com/", "https://management.azure.com"],
        ["https://management.usgovcloudapi.net", "https://management.usgovcloudapi.net"],
        ["https://127.0.0.1:8443", "https://127.0.0.1:8443"],
    ];
    for (const [input, expected] of valid) {
        it(`normalizes ${JSON.stringify(input)} to ${expected}`, () => {
            assert.equal(normalizeArmEndpoint(input), expected);
        });
    }

    for (const bad of ["management.azure.com", "http://management.azure.com", "https://management.azure.com/subscriptions"]) {
        it(`rejects ${bad}`, () => {
            assert.throws(() => normalizeArmEndpoint(bad), /armEndpoint/);
        });
    }

    const authorities: [string, string | undefined][] = [
        ["https://management.azure.com", undefined],
        ["https://management.usgovcloudapi.net", "https://login.microsoftonline.us"],
        ["https://management.chinacloudapi.cn", "https://login.chinacloudapi.cn"],
    ];
    for (const [endpoint, authority] of authorities) {
        it(`signs in to ${authority ?? "the public cloud"} for ${endpoint}`, () => {
            assert.equal(authorityHostFor(endpoint), authority);
        });
    }
});

describe("helpers", () => {
    it("compares ARM ids case-insensitively", () => {
        assert.equal(sameArmId(HUB, HUB.toUpperCase()), true);
        assert.equal(sameArmId(HUB, OTHER_HUB), false);
        assert.equal(sameArmId(undefined, HUB), false);
    });

    it("hashes the connection string with SHA-256", () => {
        assert.equal(
            hashConnectionString("abc"),
            "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
        );
        assert.notEqual(hashConnectionString(CS), hashConnectionString(ROTATED));
    });

    it("accepts a complete connection string", () => {
        assert.equal(connectionStringProblem(CS), undefined);
        assert.match(String(connectionStringProblem("")), /connectionString is empty/);
    });

    const leaks: [string, string][] = [
        ["the connection string itself", `bad request: ${CS}`],
        ["the key alone", `key ${KEY} rejected`],
        ["an echoed JSON body", JSON.stringify({ resourceId: HUB, connectionString: "Endpoint=sb://x/;SharedAccessKey=zzz" })],
        ["another SharedAccessKey", "SharedAccessKey=unrelatedKeyValue123;"],
    ];
    for (const [name, text] of leaks) {
        it(`scrubs ${name}`, () => {
            const out = scrub(text, CS);

            assert.ok(!out.includes(KEY));
            assert.ok(!out.includes(CS));
            assert.ok(!/SharedAccessKey=(?!\*\*\*)/.test(out), out);
            assert.ok(out.includes("***"));
        });
    }
});

describe("retryAfterInMs", () => {
    const NOW = Date.parse("2026-01-01T12:00:00Z");
    const cases: { name: string; status: number; headers: Record<string, string>; expected: number | undefined }[] = [
        { name: "Retry-After in seconds", status: 429, headers: { "retry-after": "7" }, expected: 7000 },
        { name: "Retry-After of 0", status: 429, headers: { "retry-after": "0" }, expected: 0 },
        { name: "Retry-After as an HTTP date", status: 429, headers: { "retry-after": "Thu, 01 Jan 2026 12:01:30 GMT" }, expected: 90_000 },
        { name: "Retry-After date in the past", status: 429, headers: { "retry-after": "Thu, 01 Jan 2026 11:00:00 GMT" }, expected: 0 },
        { name: "retry-after-ms", status: 429, headers: { "retry-after-ms": "250" }, expected: 250 },
        { name: "x-ms-retry-after-ms", status: 503, headers: { "x-ms-retry-after-ms": "1500" }, expected: 1500 },
        { name: "retry-after-ms before Retry-After", status: 429, headers: { "retry-after-ms": "250", "retry-after": "3600" }, expected: 250 },
        { name: "a 503 with Retry-After", status: 503, headers: { "retry-after": "3600" }, expected: 3_600_000 },
        { name: "a 500 with Retry-After (not read, as the SDK does not)", status: 500, headers: { "retry-after": "3600" }, expected: undefined },
        { name: "a 429 without any", status: 429, headers: {}, expected: undefined },
        { name: "an unreadable Retry-After", status: 429, headers: { "retry-after": "soon" }, expected: undefined },
    ];

    for (const c of cases) {
        it(`reads ${c.name}`, () => {
            assert.equal(retryAfterInMs(c.status, (name) => c.headers[name], NOW), c.expected);
        });
    }
});
