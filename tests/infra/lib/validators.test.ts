import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
    checkAppleId,
    checkBundleId,
    checkEnvironment,
    checkFcmClientEmail,
    checkFcmProjectId,
    checkIntegerRange,
    checkLocation,
    checkNamePrefix,
    checkOneOf,
    checkPemPrivateKey,
    checkAudiences,
    checkCallerIds,
    checkChatEventTypes,
    checkTag,
    checkTags,
    checkTenantId,
    checkUniqueSuffix,
    splitTag,
} from "../../../infra/lib/validators";
import { AZURE_LOCATIONS, ACS_DATA_LOCATIONS, NOTIFICATION_HUBS_SKUS } from "../../../infra/lib/catalog";

/** Each case: input, and undefined when valid or a fragment of the expected message. */
type Case = [string, string | undefined];

function table(name: string, check: (v: string) => string | undefined, cases: Case[]): void {
    describe(name, () => {
        for (const [input, fragment] of cases) {
            it(fragment === undefined ? `accepts ${JSON.stringify(input)}` : `rejects ${JSON.stringify(input)} saying "${fragment}"`, () => {
                const message = check(input);
                if (fragment === undefined) {
                    assert.equal(message, undefined);
                } else {
                    assert.ok(message !== undefined, "expected a problem");
                    assert.match(message, new RegExp(fragment.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")));
                }
            });
        }
    });
}

table("bundle id", checkBundleId, [
    ["com.contoso.chat", undefined],
    ["com.contoso.chat-beta", undefined],
    ["io.k2.App2", undefined],
    ["com.contoso.chat.voip", "'.voip' calls hub name is derived"],
    ["com.contoso.chat.VoIP", "'.voip' calls hub name is derived"],
    ["contoso", "reverse-DNS bundle id"],
    ["com..contoso", "reverse-DNS bundle id"],
    ["com.contoso.", "reverse-DNS bundle id"],
    ["com.contoso_chat", "reverse-DNS bundle id"],
    ["1com.contoso", "reverse-DNS bundle id"],
    ["com.contoso.chat-", "reverse-DNS bundle id"],
    [`com.${"a".repeat(160)}`, "at most 155"],
    [`com.${"a".repeat(151)}`, undefined],
    [`com.${"a".repeat(152)}`, "is 156 characters long; a bundle id has at most 155"],
    ["com.voipcorp.chat", undefined],
    ["com.contoso.chat.voipx", undefined],
    ["com.contoso!", "reverse-DNS bundle id"],
]);

table("APNs team id", (v) => checkAppleId(v, "Team ID"), [
    ["ABCDE12345", undefined],
    ["abcde12345", "10-character Apple Team ID"],
    ["ABCDE1234", "10-character Apple Team ID"],
    ["ABCDE123456", "10-character Apple Team ID"],
    ["ABCDE-1234", "10-character Apple Team ID"],
]);

table("APNs key id", (v) => checkAppleId(v, "Key ID"), [
    ["KEY1234567", undefined],
    ["key1234567", "10-character Apple Key ID"],
    ["", "10-character Apple Key ID"],
]);

const PEM = "-----BEGIN PRIVATE KEY-----\nMIGTAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBHkwdwIBAQQg\n-----END PRIVATE KEY-----\n";
table("PEM private key", (v) => checkPemPrivateKey(v, "APNs .p8 key"), [
    [PEM, undefined],
    [PEM.replace(/\n/g, "\\n"), undefined],
    [PEM.replace(/\n/g, "\r\n"), undefined],
    ["-----BEGIN EC PRIVATE KEY-----\nMHcCAQEE\n-----END EC PRIVATE KEY-----", undefined],
    ["MIGTAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBHkwdwIBAQQg", "as a PEM block"],
    ["-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----", "as a PEM block"],
    ["-----BEGIN PRIVATE KEY-----\n-----END PRIVATE KEY-----", "as a PEM block"],
    ["-----BEGIN PRIVATE KEY-----\nMIGT\n-----END RSA PRIVATE KEY-----", "as a PEM block"],
    ["not a key", "multi-line or on one line with \\n escapes"],
]);

table("FCM project id", checkFcmProjectId, [
    ["contoso-chat", undefined],
    ["contoso-chat-4711", undefined],
    ["Contoso-Chat", "Firebase/Google Cloud project id"],
    ["chat", "Firebase/Google Cloud project id"],
    ["contoso-chat-", "Firebase/Google Cloud project id"],
    ["4711-contoso", "Firebase/Google Cloud project id"],
    ["a".repeat(31), "Firebase/Google Cloud project id"],
]);

table("FCM client email", checkFcmClientEmail, [
    ["firebase-adminsdk-abc12@contoso-chat.iam.gserviceaccount.com", undefined],
    ["push@contoso.com", "iam.gserviceaccount.com"],
    ["@contoso-chat.iam.gserviceaccount.com", "iam.gserviceaccount.com"],
    ["firebase-adminsdk@contoso-chat.iam.gserviceaccount.com.evil", "iam.gserviceaccount.com"],
    ["Firebase-adminsdk@contoso-chat.iam.gserviceaccount.com", "iam.gserviceaccount.com"],
]);

table("name prefix", checkNamePrefix, [
    ["acspush", undefined],
    ["ab", undefined],
    ["a", "2-10 lower-case"],
    ["AcsPush", "2-10 lower-case"],
    ["acs-push", "2-10 lower-case"],
    ["1acs", "2-10 lower-case"],
    ["abcdefghijk", "2-10 lower-case"],
    ["abcdefghij", undefined],
]);

table("environment", checkEnvironment, [
    ["dev", undefined],
    ["prod2", undefined],
    ["Dev", "1-8 lower-case"],
    ["staging01", "1-8 lower-case"],
    ["", "1-8 lower-case"],
    ["abcdefgh", undefined],
    ["e", undefined],
]);

table("unique suffix", checkUniqueSuffix, [
    ["c0n7o5", undefined],
    ["abc", "4-8 lower-case"],
    ["ABCD", "4-8 lower-case"],
    ["abcd", undefined],
    ["abcdefgh", undefined],
    ["abcdefghi", "4-8 lower-case"],
    ["-abcd", "4-8 lower-case"],
    ["abcd-", "4-8 lower-case"],
]);

table("ACS data location", (v) => checkOneOf(v, ACS_DATA_LOCATIONS, "Communication Services data location"), [
    ["Europe", undefined],
    ["United States", undefined],
    ["UK", undefined],
    ["UAE", undefined],
    ["Switzerland", undefined],
    ["usgov", undefined],
    ["europe", "must be spelled 'Europe'"],
    ["westeurope", "not a known Communication Services data location"],
    ["Mars", "allowed: Africa, Asia Pacific"],
]);

table("Notification Hubs SKU", (v) => checkOneOf(v, NOTIFICATION_HUBS_SKUS, "Notification Hubs SKU"), [
    ["Free", undefined],
    ["Basic", undefined],
    ["Standard", undefined],
    ["standard", "must be spelled 'Standard'"],
    ["Premium", "allowed: Free, Basic, Standard"],
]);

table("Azure location", (v) => checkLocation(v, AZURE_LOCATIONS), [
    ["northeurope", undefined],
    ["swedencentral", undefined],
    ["usgovvirginia", undefined],
    ["North Europe", "ARM region name 'northeurope'"],
    ["europe", "not a known Azure region"],
]);

describe("integer ranges", () => {
    for (const [value, ok] of [[1, true], [30, true], [0, false], [31, false], [2.5, false]] as [number, boolean][]) {
        it(`${ok ? "accepts" : "rejects"} ${value} for 1-30`, () => {
            const message = checkIntegerRange(value, 1, 30);
            assert.equal(message === undefined, ok);
            if (!ok) {
                assert.match(message ?? "", /whole number from 1 to 30/);
            }
        });
    }
});

describe("tags", () => {
    const cases: [string, string, string | undefined][] = [
        ["owner", "mobile-team", undefined],
        ["cost-center", "", undefined],
        ["", "x", "1-128 characters"],
        ["a/b", "x", "must not contain"],
        ["owner", "v".repeat(257), "at most 256"],
        ["owner", "v".repeat(256), undefined],
        ["n".repeat(128), "x", undefined],
        ["n".repeat(129), "x", "1-128 characters"],
    ];
    for (const [name, value, fragment] of cases) {
        it(`${fragment ? "rejects" : "accepts"} tag ${JSON.stringify(name)}`, () => {
            const message = checkTag(name, value);
            if (fragment === undefined) {
                assert.equal(message, undefined);
            } else {
                assert.match(message ?? "", new RegExp(fragment));
            }
        });
    }
});

describe("tag entries", () => {
    it("splits name=value at the first '=' and trims both sides", () => {
        assert.deepEqual(splitTag(" owner = a=b "), { name: "owner", value: "a=b" });
        assert.deepEqual(splitTag("x="), { name: "x", value: "" });
        assert.equal(splitTag("=value"), undefined);
        assert.equal(splitTag("novalue"), undefined);
    });

    it("names each bad entry and leaves good ones alone", () => {
        assert.deepEqual(checkTags(["owner=mobile", "Project=x", "bad", "a/b=1"]), [
            "tag 'Project' is set by the program and cannot be overridden",
            "entry 'bad' must have the form name=value",
            "tag name 'a/b' must not contain < > % & \\ ? /",
        ]);
    });

    it("allows 50 tags with the program's own and refuses the 51st", () => {
        const own = 3;
        const entries = (count: number) => Array.from({ length: count }, (_, i) => `t${i}=v`);
        assert.deepEqual(checkTags(entries(50 - own)), []);
        assert.deepEqual(checkTags(entries(51 - own)), ["adds up to 51 tags; Azure allows 50 per resource"]);
        assert.deepEqual(checkTags([...entries(50 - own), "bad"]), ["entry 'bad' must have the form name=value"], "a refused entry does not count");
    });
});

describe("chat event types", () => {
    it("needs at least one, each known, none empty, none twice", () => {
        assert.deepEqual(checkChatEventTypes([]), ["must name at least one event type"]);
        assert.deepEqual(checkChatEventTypes(["Microsoft.Communication.ChatMessageReceived"]), []);
        assert.deepEqual(checkChatEventTypes(["Microsoft.Communication.ChatMessageReceived", ""]), ["must not contain empty entries"]);
        assert.deepEqual(checkChatEventTypes(["Microsoft.Communication.ChatMessageReceived", "Microsoft.Communication.ChatMessageReceived"]), [
            "must not list an event type twice",
        ]);
        assert.match(checkChatEventTypes(["Microsoft.Communication.Nope"])[0], /is not a known ACS chat event type/);
    });
});

describe("installations callers", () => {
    const guid = "72f988bf-86f1-41af-91ab-2d7cd011db47";

    it("takes a tenant id only as a whole GUID", () => {
        assert.equal(checkTenantId(guid), undefined);
        assert.equal(checkTenantId(guid.toUpperCase()), undefined);
        for (const bad of ["contoso.onmicrosoft.com", `${guid}x`, `x${guid}`, guid.slice(1)]) {
            assert.match(checkTenantId(bad) ?? "", /must be the directory \(tenant\) id, a GUID/, bad);
        }
    });

    it("takes audiences as GUIDs or api:// and https:// URIs without spaces, numbering the bad entries", () => {
        assert.deepEqual(checkAudiences([guid, "api://acs-push-installations", "https://contoso.com/api"]), []);
        assert.deepEqual(
            checkAudiences(["api://ok", "x api://acs", "api://acs x", "http://contoso.com"]).map((m) => m.slice(0, 8)),
            ["entry 2 ", "entry 3 ", "entry 4 "],
        );
    });

    it("takes callers as GUIDs, each once whatever its case", () => {
        assert.deepEqual(checkCallerIds([guid, "9a0b7c3e-2f51-4d0b-8f3a-61c7a0d2e4b1"]), []);
        assert.deepEqual(checkCallerIds([guid, guid.toUpperCase()]), ["lists an id more than once"]);
        assert.match(checkCallerIds(["not-a-guid"])[0], /^entry 1 \('not-a-guid'\) must be an object id/);
    });
});
