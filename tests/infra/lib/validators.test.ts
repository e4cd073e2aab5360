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
    checkTag,
    checkUniqueSuffix,
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
]);

table("name prefix", checkNamePrefix, [
    ["acspush", undefined],
    ["ab", undefined],
    ["a", "2-10 lower-case"],
    ["AcsPush", "2-10 lower-case"],
    ["acs-push", "2-10 lower-case"],
    ["1acs", "2-10 lower-case"],
    ["abcdefghijk", "2-10 lower-case"],
]);

table("environment", checkEnvironment, [
    ["dev", undefined],
    ["prod2", undefined],
    ["Dev", "1-8 lower-case"],
    ["staging01", "1-8 lower-case"],
    ["", "1-8 lower-case"],
]);

table("unique suffix", checkUniqueSuffix, [
    ["c0n7o5", undefined],
    ["abc", "4-8 lower-case"],
    ["ABCD", "4-8 lower-case"],
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
