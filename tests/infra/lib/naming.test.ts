import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { checkAzureName, NAME_RULES } from "../../../infra/lib/azureNames";
import { deriveNames, environmentFromStack, NAME_KINDS, ResourceNames, stableSuffix } from "../../../infra/lib/naming";

const input = { prefix: "acspush", environment: "dev", bundleId: "com.contoso.chat" };

describe("naming", () => {
    it("derives the same names for the same stack every time", () => {
        assert.deepEqual(deriveNames(input), deriveNames({ ...input }));
    });

    it("names the hubs after the bundle id, the calls hub with the .voip suffix", () => {
        const names = deriveNames(input);
        assert.equal(names.alertsHub, "com.contoso.chat");
        assert.equal(names.callsHub, "com.contoso.chat.voip");
    });

    it("suffixes only the globally unique names with a 6-character hash", () => {
        const names = deriveNames(input);
        const suffix = stableSuffix("acspush/dev/com.contoso.chat");
        assert.match(suffix, /^[0-9a-f]{6}$/);
        assert.equal(names.communicationService, `acs-acspush-dev-${suffix}`);
        assert.equal(names.notificationHubsNamespace, `ntfns-acspush-dev-${suffix}`);
        assert.equal(names.functionApp, `func-acspush-dev-${suffix}`);
        assert.equal(names.storageAccount, `stacspushdev${suffix}`);
        assert.equal(names.deadLetterStorageAccount, `stdlacspushdev${suffix}`);
        assert.equal(names.resourceGroup, "rg-acspush-dev");
        assert.equal(names.systemTopic, "evgt-acspush-dev");
    });

    it("gives different environments and different apps different global names", () => {
        const dev = deriveNames(input);
        assert.notEqual(deriveNames({ ...input, environment: "prod" }).storageAccount, dev.storageAccount);
        assert.notEqual(deriveNames({ ...input, bundleId: "com.fabrikam.chat" }).functionApp, dev.functionApp);
    });

    it("uses a pinned suffix and an existing resource group when configured", () => {
        const names = deriveNames({ ...input, uniqueSuffix: "c0n7o5", existingResourceGroup: "rg-shared" });
        assert.equal(names.functionApp, "func-acspush-dev-c0n7o5");
        assert.equal(names.resourceGroup, "rg-shared");
    });

    it("keeps every derived name within its Azure rule at the longest allowed prefix and environment", () => {
        const names = deriveNames({ prefix: "abcdefghij", environment: "abcdefgh", bundleId: "com.contoso.chat" });
        for (const [role, name] of Object.entries(names) as [keyof ResourceNames, string][]) {
            assert.equal(checkAzureName(NAME_KINDS[role], name), undefined, `${role}: ${name}`);
        }
        assert.ok(names.storageAccount.length <= 24);
        assert.ok(names.functionApp.length <= 32, "Flex host ids use the first 32 characters");
    });

    it("derives an environment name from the stack name", () => {
        assert.equal(environmentFromStack("dev"), "dev");
        assert.equal(environmentFromStack("contoso/acs-push/Prod-EU"), "prodeu");
        assert.equal(environmentFromStack("a-very-long-stack-name"), "averylon");
    });
});

describe("Azure name rules", () => {
    const cases: [Parameters<typeof checkAzureName>[0], string, string | undefined][] = [
        ["storageAccount", "stacspushdev1a2b3c", undefined],
        ["storageAccount", "st", "must be 3-24"],
        ["storageAccount", "StAcsPush", "lower-case letters and digits only"],
        ["storageAccount", "s".repeat(25), "must be 3-24"],
        ["notificationHubsNamespace", "ntfns", "must be 6-50"],
        ["notificationHubsNamespace", "1ntfns-dev", "starting with a letter"],
        ["notificationHubsNamespace", "ntfns-dev-", "ending with a letter or digit"],
        ["notificationHub", "com.contoso.chat.voip", undefined],
        ["notificationHub", "com.contoso.chat.", "starting and ending with a letter or digit"],
        ["functionApp", "func-acspush-dev-1a2b3c", undefined],
        ["functionApp", "-func", "starting and ending"],
        ["functionApp", "f".repeat(61), "must be 2-60"],
        ["resourceGroup", "rg-shared.", "not ending with a period"],
        ["resourceGroup", "rg (shared)_1", "letters, digits, underscores"],
        ["resourceGroup", "rg-shared", undefined],
        ["communicationService", "acs_dev", "letters, digits and hyphens"],
        ["logAnalyticsWorkspace", "log", "must be 4-63"],
        ["blobContainer", "app--package", "single hyphens"],
        ["storageTable", "Processed-Events", "letters and digits"],
        ["eventGridSubscription", "chat_events", "letters, digits and hyphens"],
        ["eventGridSystemTopic", "evgt-acspush-dev", undefined],
        ["applicationInsights", "appi/dev", "except"],
        ["appServicePlan", "plan.dev", "letters, digits and hyphens"],
    ];
    for (const [kind, name, fragment] of cases) {
        it(`${fragment ? "rejects" : "accepts"} ${kind} ${JSON.stringify(name)}`, () => {
            const message = checkAzureName(kind, name);
            if (fragment === undefined) {
                assert.equal(message, undefined);
            } else {
                assert.ok(message?.includes(fragment), `${message} should include "${fragment}"`);
            }
        });
    }
});

describe("Azure name lengths", () => {
    for (const [kind, rule] of Object.entries(NAME_RULES) as [keyof typeof NAME_RULES, (typeof NAME_RULES)[keyof typeof NAME_RULES]][]) {
        it(`takes ${rule.min} to ${rule.max} characters for a ${rule.label}, and says so`, () => {
            assert.equal(checkAzureName(kind, "a".repeat(rule.min)), undefined);
            assert.equal(checkAzureName(kind, "a".repeat(rule.max)), undefined);
            for (const length of [rule.min - 1, rule.max + 1]) {
                const name = "a".repeat(length);
                assert.equal(checkAzureName(kind, name), `${rule.label} '${name}' is ${length} characters long; it must be ${rule.min}-${rule.max}`);
            }
        });
    }

    it("names the characters allowed when the length is right", () => {
        assert.equal(checkAzureName("storageAccount", "St1"), "storage account name 'St1' may contain only lower-case letters and digits only");
    });
});

