import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { APNS_ENDPOINTS, DEFAULT_CHAT_EVENT_TYPES } from "../../../infra/lib/catalog";
import { ConfigKey } from "../../../infra/lib/configSchema";
import { deriveNames, stableSuffix } from "../../../infra/lib/naming";
import { RawConfig, Settings, derivedNameProblems, readKey, validateSettings, validateStack } from "../../../infra/lib/settings";
import { PEM, REQUIRED } from "../helpers/requiredConfig";

function valid(raw: RawConfig, stack = "dev"): Settings {
    const result = validateSettings(raw, stack);
    assert.ok(result.ok, result.ok ? "" : result.problems.map((p) => `${p.key}: ${p.message}`).join("\n"));
    return result.settings;
}

function problemsOf(raw: RawConfig): string[] {
    const result = validateSettings(raw, "dev");
    assert.equal(result.ok, false, "expected the configuration to be rejected");
    return result.ok ? [] : result.problems.map((p) => `${p.key}: ${p.message} (valid example: ${p.example})`);
}

describe("configuration defaults", () => {
    it("applies every default when only the required keys are set", () => {
        const s = valid(REQUIRED);
        assert.equal(s.environment, "dev");
        assert.equal(s.namePrefix, "acspush");
        assert.equal(s.location, "northeurope");
        assert.equal(s.createResourceGroup, true);
        assert.equal(s.dataLocation, "Europe");
        assert.equal(s.notificationHubsSku, "Free");
        assert.equal(s.apns.environment, "sandbox");
        assert.equal(s.apns.endpoint, APNS_ENDPOINTS.sandbox);
        assert.deepEqual(s.events.chatEventTypes, [...DEFAULT_CHAT_EVENT_TYPES]);
        assert.equal(s.events.maxDeliveryAttempts, 30);
        assert.equal(s.events.timeToLiveMinutes, 1440);
        assert.equal(s.events.incomingCall, false);
        assert.deepEqual(s.functionApp, {
            maximumInstanceCount: 40,
            instanceMemoryMB: 2048,
            includeMessageText: false,
            retention: { hours: 72, schedule: "0 17 * * * *" },
            traceSamplingPercentage: 10,
        });
        assert.equal(s.logRetentionDays, 30);
    });

    it("tags every resource with environment, managed-by and project on top of the configured tags", () => {
        const s = valid({ ...REQUIRED, tags: '["owner=mobile-team"]' });
        assert.deepEqual(s.tags, { owner: "mobile-team", environment: "dev", "managed-by": "pulumi", project: "acs-push" });
    });

    it("derives the environment from the stack name when it is not set", () => {
        assert.equal(valid(REQUIRED, "org/acs-push/Staging").environment, "staging");
    });

    it("parses values the CLI passes as strings and values passed already typed", () => {
        const fromStrings = valid({ ...REQUIRED, eventMaxDeliveryAttempts: "5", enableIncomingCallSubscription: "true", chatEventTypes: '["Microsoft.Communication.ChatMessageReceived"]' });
        const typed = valid({ ...REQUIRED, eventMaxDeliveryAttempts: 5, enableIncomingCallSubscription: true, chatEventTypes: ["Microsoft.Communication.ChatMessageReceived"] });
        assert.deepEqual(fromStrings.events, typed.events);
        assert.equal(typed.events.maxDeliveryAttempts, 5);
        assert.equal(typed.events.incomingCall, true);
    });

    it("selects the production APNs endpoint for production", () => {
        assert.equal(valid({ ...REQUIRED, apnsEnvironment: "production" }).apns.endpoint, "https://api.push.apple.com:443/3/device");
    });

    it("deploys into an existing resource group when one is named", () => {
        const s = valid({ ...REQUIRED, resourceGroupName: "rg-shared" });
        assert.equal(s.createResourceGroup, false);
        assert.equal(s.names.resourceGroup, "rg-shared");
    });

    it("hands the APNs key to Notification Hubs without armour and FCM a canonical PEM", () => {
        const s = valid(REQUIRED);
        assert.equal(s.secrets.apnsToken, "MIGTAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBHkwdwIBAQQg");
        assert.equal(s.secrets.fcmPrivateKey, "-----BEGIN PRIVATE KEY-----\nMIGTAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBHkwdwIBAQQg\n-----END PRIVATE KEY-----\n");
    });
});

describe("configuration problems", () => {
    const cases: [string, RawConfig, string[]][] = [
        ["a missing required key, naming the command to set it", { ...REQUIRED, bundleId: undefined }, ["acs-push:bundleId: is required but not set (`pulumi config set bundleId ...`)"]],
        ["a missing secret, with the --secret command", { ...REQUIRED, fcmPrivateKey: "" }, ["acs-push:fcmPrivateKey: is required but not set (`pulumi config set --secret fcmPrivateKey ...`)"]],
        ["a hand-written .voip bundle id", { ...REQUIRED, bundleId: "com.contoso.chat.voip" }, ["acs-push:bundleId: must be the plain app bundle id", "valid example: com.contoso.chat"]],
        ["a lower-case team id", { ...REQUIRED, apnsTeamId: "abcde12345" }, ["acs-push:apnsTeamId: must be the 10-character Apple Team ID"]],
        ["a key id of the wrong length", { ...REQUIRED, apnsKeyId: "KEY123" }, ["acs-push:apnsKeyId: must be the 10-character Apple Key ID"]],
        ["a .p8 key that is not PEM", { ...REQUIRED, apnsPrivateKey: "MIGTAgEAMBMG" }, ["acs-push:apnsPrivateKey: must be the APNs .p8 key as a PEM block"]],
        ["an FCM key that is not PEM", { ...REQUIRED, fcmPrivateKey: "{}" }, ["acs-push:fcmPrivateKey: must be the Firebase service-account private key as a PEM block"]],
        ["an FCM e-mail outside iam.gserviceaccount.com", { ...REQUIRED, fcmClientEmail: "push@contoso.com" }, ["acs-push:fcmClientEmail: must be a service-account e-mail"]],
        ["an FCM project id with capitals", { ...REQUIRED, fcmProjectId: "Contoso" }, ["acs-push:fcmProjectId: must be a Firebase/Google Cloud project id"]],
        ["an unknown SKU", { ...REQUIRED, notificationHubsSku: "Premium" }, ["acs-push:notificationHubsSku: is not a known Notification Hubs SKU; allowed: Free, Basic, Standard"]],
        ["an unknown data location", { ...REQUIRED, dataLocation: "westeurope" }, ["acs-push:dataLocation: is not a known Communication Services data location"]],
        ["a region display name", { ...REQUIRED, location: "North Europe" }, ["acs-push:location: must be the ARM region name 'northeurope'"]],
        ["an unknown APNs environment", { ...REQUIRED, apnsEnvironment: "development" }, ["acs-push:apnsEnvironment: is not a known APNs environment; allowed: sandbox, production"]],
        ["retry attempts beyond Event Grid's limit", { ...REQUIRED, eventMaxDeliveryAttempts: "31" }, ["acs-push:eventMaxDeliveryAttempts: must be a whole number from 1 to 30"]],
        ["a TTL beyond a day", { ...REQUIRED, eventTimeToLiveMinutes: "1441" }, ["acs-push:eventTimeToLiveMinutes: must be a whole number from 1 to 1440"]],
        ["a non-numeric integer", { ...REQUIRED, logRetentionDays: "a month" }, ["acs-push:logRetentionDays: must be a whole number, got 'a month'"]],
        ["an instance size Flex does not offer", { ...REQUIRED, functionInstanceMemoryMB: "1024" }, ["acs-push:functionInstanceMemoryMB: must be one of 512, 2048, 4096"]],
        ["a boolean that is not true/false", { ...REQUIRED, includeMessageText: "yes" }, ["acs-push:includeMessageText: must be true or false, got 'yes'"]],
        ["an unknown chat event type", { ...REQUIRED, chatEventTypes: '["Microsoft.Communication.IncomingCall"]' }, ["acs-push:chatEventTypes: is not a known ACS chat event type"]],
        ["an empty chat event list", { ...REQUIRED, chatEventTypes: "[]" }, ["acs-push:chatEventTypes: must name at least one event type"]],
        ["a duplicated chat event type", { ...REQUIRED, chatEventTypes: '["Microsoft.Communication.ChatMessageReceived","Microsoft.Communication.ChatMessageReceived"]' }, ["acs-push:chatEventTypes: must not list an event type twice"]],
        ["chat event types that are not a list", { ...REQUIRED, chatEventTypes: "Microsoft.Communication.ChatMessageReceived" }, ["acs-push:chatEventTypes: must be a list"]],
        ["a tag without a value separator", { ...REQUIRED, tags: '["owner"]' }, ["acs-push:tags: entry 'owner' must have the form name=value"]],
        ["a tag the program owns", { ...REQUIRED, tags: '["environment=qa"]' }, ["acs-push:tags: tag 'environment' is set by the program"]],
        ["an upper-case prefix", { ...REQUIRED, namePrefix: "Contoso" }, ["acs-push:namePrefix: must be 2-10 lower-case letters and digits"]],
        ["an invalid environment", { ...REQUIRED, environment: "Pre-Prod" }, ["acs-push:environment: must be 1-8 lower-case letters and digits"]],
        ["an existing resource group with a bad name", { ...REQUIRED, resourceGroupName: "rg/shared" }, ["acs-push:resourceGroupName: resource group name 'rg/shared' may contain only"]],
        ["a bad unique suffix", { ...REQUIRED, uniqueSuffix: "X" }, ["acs-push:uniqueSuffix: must be 4-8 lower-case letters and digits"]],
        ["a retention window within Event Grid's retries", { ...REQUIRED, idempotencyRetentionHours: "24" }, ["acs-push:idempotencyRetentionHours: must be a whole number from 25 to 720", "valid example: 96"]],
        ["a five-field retention schedule", { ...REQUIRED, idempotencyRetentionSchedule: "17 * * * *" }, ["acs-push:idempotencyRetentionSchedule: must be a six-field NCRONTAB expression"]],
        ["a retention schedule firing every second", { ...REQUIRED, idempotencyRetentionSchedule: "* * * * * *" }, ["acs-push:idempotencyRetentionSchedule: must be a six-field NCRONTAB expression (seconds first) whose seconds field is a number"]],
        ["a sampling percentage over 100", { ...REQUIRED, telemetryTraceSamplingPercentage: "150" }, ["acs-push:telemetryTraceSamplingPercentage: must be a whole number from 0 to 100"]],
    ];
    for (const [what, raw, fragments] of cases) {
        it(`reports ${what}`, () => {
            const problems = problemsOf(raw).join("\n");
            for (const fragment of fragments) {
                assert.ok(problems.includes(fragment), `expected "${fragment}" in:\n${problems}`);
            }
        });
    }

    it("asks for an explicit environment when the stack name yields none", () => {
        const result = validateSettings(REQUIRED, "org/project/___");
        assert.equal(result.ok, false);
        const message = result.ok ? "" : result.problems.map((p) => `${p.key}: ${p.message}`).join("\n");
        assert.ok(
            message.includes("acs-push:environment: is not set and stack name 'org/project/___' yields no valid one; set it explicitly"),
            message,
        );
    });

    it("reports every problem at once, one per key", () => {
        const problems = problemsOf({
            ...REQUIRED,
            bundleId: "com.contoso.chat.voip",
            apnsTeamId: "x",
            notificationHubsSku: "Gold",
            dataLocation: "Mars",
            eventMaxDeliveryAttempts: "0",
            fcmPrivateKey: undefined,
        });
        const keys = problems.map((p) => p.split(":").slice(0, 2).join(":"));
        assert.deepEqual(new Set(keys), new Set([
            "acs-push:bundleId",
            "acs-push:apnsTeamId",
            "acs-push:notificationHubsSku",
            "acs-push:dataLocation",
            "acs-push:eventMaxDeliveryAttempts",
            "acs-push:fcmPrivateKey",
        ]));
        assert.equal(problems.length, 6);
    });

    it("gives every problem a valid example", () => {
        for (const p of problemsOf({})) {
            assert.match(p, /\(valid example: .+\)$/);
        }
    });

    it("never repeats a secret value in a problem", () => {
        const secret = "-----BEGIN CERTIFICATE-----\\nSECRETMATERIAL\\n-----END CERTIFICATE-----";
        const problems = problemsOf({ ...REQUIRED, apnsPrivateKey: secret, fcmPrivateKey: secret }).join("\n");
        assert.ok(!problems.includes("SECRETMATERIAL"));
        assert.match(problems, /acs-push:apnsPrivateKey/);
        assert.match(problems, /acs-push:fcmPrivateKey/);
    });
});

describe("reading values", () => {
    it("trims strings and list entries, and takes the default for a blank or null value", () => {
        const s = valid({ ...REQUIRED, bundleId: "  com.contoso.chat\n", namePrefix: "   ", location: null, chatEventTypes: '[" Microsoft.Communication.ChatMessageReceived "]' });
        assert.equal(s.bundleId, "com.contoso.chat");
        assert.equal(s.namePrefix, "acspush");
        assert.equal(s.location, "northeurope");
        assert.deepEqual(s.events.chatEventTypes, ["Microsoft.Communication.ChatMessageReceived"]);
    });

    it("reads booleans in any casing, with surrounding space", () => {
        assert.equal(valid({ ...REQUIRED, includeMessageText: " TRUE " }).functionApp.includeMessageText, true);
        assert.equal(valid({ ...REQUIRED, includeMessageText: "False" }).functionApp.includeMessageText, false);
        assert.equal(valid({ ...REQUIRED, includeMessageText: false }).functionApp.includeMessageText, false);
        assert.equal(valid({ ...REQUIRED, enableIncomingCallSubscription: "true" }).events.incomingCall, true);
    });

    it("reads whole numbers with surrounding space, typed or as text", () => {
        assert.equal(valid({ ...REQUIRED, logRetentionDays: " 90 " }).logRetentionDays, 90);
        assert.equal(valid({ ...REQUIRED, logRetentionDays: 60 }).logRetentionDays, 60);
    });

    const typeProblems: [string, RawConfig, string][] = [
        ["a number for a string key", { ...REQUIRED, bundleId: 42 }, "acs-push:bundleId: must be a string, got number (valid example: com.contoso.chat)"],
        ["a number for a boolean key", { ...REQUIRED, includeMessageText: 1 }, "acs-push:includeMessageText: must be true or false, got '1' (valid example: true)"],
        ["a boolean that merely contains true", { ...REQUIRED, includeMessageText: "truely" }, "acs-push:includeMessageText: must be true or false, got 'truely' (valid example: true)"],
        ["a decimal number as text", { ...REQUIRED, logRetentionDays: "30.5" }, "acs-push:logRetentionDays: must be a whole number, got '30.5' (valid example: 90)"],
        ["a number with trailing text", { ...REQUIRED, logRetentionDays: "30 days" }, "acs-push:logRetentionDays: must be a whole number, got '30 days' (valid example: 90)"],
        ["a typed decimal number", { ...REQUIRED, logRetentionDays: 30.5 }, "acs-push:logRetentionDays: must be a whole number from 30 to 730 (valid example: 90)"],
        ["a negative number", { ...REQUIRED, eventMaxDeliveryAttempts: "-3" }, "acs-push:eventMaxDeliveryAttempts: must be a whole number from 1 to 30 (valid example: 10)"],
        ["a boolean for a number", { ...REQUIRED, logRetentionDays: true }, "acs-push:logRetentionDays: must be a whole number, got 'true' (valid example: 90)"],
        ["a list that is not JSON", { ...REQUIRED, chatEventTypes: "[Microsoft.Communication.ChatMessageReceived" }, "acs-push:chatEventTypes: must be a list (YAML sequence or JSON array) of strings (valid example: [\"Microsoft.Communication.ChatMessageReceived\"])"],
        ["a list of numbers", { ...REQUIRED, tags: "[1, 2]" }, "acs-push:tags: must be a list (YAML sequence or JSON array) of strings (valid example: [\"owner=mobile-team\", \"cost-center=4711\"])"],
        ["a typed list with a number in it", { ...REQUIRED, tags: ["owner=a", 2] }, "acs-push:tags: must be a list (YAML sequence or JSON array) of strings (valid example: [\"owner=mobile-team\", \"cost-center=4711\"])"],
        ["a JSON object for a list", { ...REQUIRED, tags: '{"owner":"a"}' }, "acs-push:tags: must be a list (YAML sequence or JSON array) of strings (valid example: [\"owner=mobile-team\", \"cost-center=4711\"])"],
    ];
    for (const [what, raw, expected] of typeProblems) {
        it(`reports ${what}, alone`, () => {
            assert.deepEqual(problemsOf(raw), [expected]);
        });
    }
});

describe("the environment", () => {
    it("is taken as set, whatever the stack is called", () => {
        const s = valid({ ...REQUIRED, environment: "qa" }, "org/project/___");
        assert.equal(s.environment, "qa");
        assert.equal(s.tags.environment, "qa");
        assert.equal(s.names.resourceGroup, "rg-acspush-qa");
    });

    it("derived from the stack name, names the resources and the tag", () => {
        const s = valid(REQUIRED, "org/acs-push/Prod-2");
        assert.equal(s.environment, "prod2");
        assert.equal(s.stack, "org/acs-push/Prod-2");
        assert.equal(s.tags.environment, "prod2");
        assert.equal(s.names.functionApp.startsWith("func-acspush-prod2-"), true);
    });

    it("is asked for, with the rule the derived one breaks, when the stack name yields none", () => {
        const result = validateSettings(REQUIRED, "___");
        assert.equal(result.ok, false);
        assert.deepEqual(result.ok ? [] : result.problems, [
            {
                key: "acs-push:environment",
                message: "is not set and stack name '___' yields no valid one; set it explicitly (must be 1-8 lower-case letters and digits)",
                example: "dev",
            },
        ]);
    });
});

describe("validateStack", () => {
    it("adds the ARM endpoint of the azure-native provider's cloud, public when unset", () => {
        const stack = validateStack(REQUIRED, "dev", undefined);
        assert.ok(stack.ok);
        assert.equal(stack.armEndpoint, "https://management.azure.com");
        assert.deepEqual(stack.settings, valid(REQUIRED));
        const gov = validateStack(REQUIRED, "dev", "USGovernment");
        assert.equal(gov.ok && gov.armEndpoint, "https://management.usgovcloudapi.net");
    });

    it("reports an unknown cloud alone, or after the problems of the project's keys", () => {
        const cloud = {
            key: "azure-native:environment",
            message: "must be one of public, usgovernment, china, got 'mars'",
            example: "usgovernment",
        };
        assert.deepEqual(validateStack(REQUIRED, "dev", "mars"), { ok: false, problems: [cloud] });
        const both = validateStack({ ...REQUIRED, apnsTeamId: "x" }, "dev", "mars");
        assert.equal(both.ok, false);
        assert.deepEqual(both.ok ? [] : both.problems.map((p) => p.key), ["acs-push:apnsTeamId", "azure-native:environment"]);
    });

    it("reports the project's keys alone when the cloud is known", () => {
        const result = validateStack({ ...REQUIRED, apnsTeamId: "x" }, "dev", "china");
        assert.equal(result.ok, false);
        assert.deepEqual(result.ok ? [] : result.problems.map((p) => p.key), ["acs-push:apnsTeamId"]);
    });
});

describe("readKey", () => {
    /** The value read and the problems reported, for one declared key. */
    function read(spec: ConfigKey, raw: unknown): { value: unknown; problems: [string, boolean | undefined][] } {
        const problems: [string, boolean | undefined][] = [];
        const value = readKey(spec, raw, (message, unset) => problems.push([message, unset]));
        return { value, problems };
    }
    const text: ConfigKey = { key: "text", section: "naming", type: "string", description: "d", rule: "r", example: "e" } as ConfigKey;
    const list: ConfigKey = { key: "list", section: "naming", type: "array", description: "d", rule: "r", example: "[]" } as ConfigKey;
    const flag: ConfigKey = { key: "flag", section: "naming", type: "boolean", description: "d", rule: "r", example: "true" } as ConfigKey;

    it("reads keys without a rule of their own", () => {
        assert.deepEqual(read(text, " value "), { value: "value", problems: [] });
        assert.deepEqual(read(list, '[" a ", "b"]'), { value: ["a", "b"], problems: [] });
    });

    it("returns a harmless stand-in after reporting a problem: empty text, false, an empty list", () => {
        assert.deepEqual(read(text, undefined), { value: "", problems: [["is required but not set (`pulumi config set text ...`)", true]] });
        assert.deepEqual(read(text, 7), { value: "", problems: [["must be a string, got number", undefined]] });
        assert.deepEqual(read(flag, "yes"), { value: false, problems: [["must be true or false, got 'yes'", undefined]] });
        assert.deepEqual(read(list, "a, b"), { value: [], problems: [["must be a list (YAML sequence or JSON array) of strings", undefined]] });
    });
});

describe("names derived from the configuration", () => {
    it("use the hash suffix, or the one configured", () => {
        const hashed = valid(REQUIRED);
        assert.equal(hashed.names.functionApp, `func-acspush-dev-${stableSuffix("acspush/dev/com.contoso.chat")}`);
        assert.equal(valid({ ...REQUIRED, uniqueSuffix: "c0n7o5" }).names.functionApp, "func-acspush-dev-c0n7o5");
    });

    const badInputs: [string, RawConfig][] = [
        ["an invalid prefix", { ...REQUIRED, namePrefix: "Contoso" }],
        ["an invalid environment", { ...REQUIRED, environment: "Pre-Prod" }],
        ["an invalid suffix", { ...REQUIRED, uniqueSuffix: "ABCD" }],
        ["an invalid bundle id", { ...REQUIRED, bundleId: "com contoso" }],
        ["an invalid resource group", { ...REQUIRED, resourceGroupName: "rg/shared" }],
    ];
    for (const [what, raw] of badInputs) {
        it(`are not checked after ${what}: one problem, not one more per name`, () => {
            assert.equal(problemsOf(raw).length, 1, problemsOf(raw).join("\n"));
        });
    }

    it("that break their Azure rule are charged to the key they come from", () => {
        const names = deriveNames({ prefix: "acspush", environment: "dev", bundleId: "com.contoso.chat" });
        assert.deepEqual(derivedNameProblems(names, false), []);
        const broken = { ...names, callsHub: "app voip", alertsHub: "-app", storageAccount: "ST", resourceGroup: "rg/x" };
        const expected = (key: string) => [
            {
                key: `acs-push:${key}`,
                message: "derives an invalid resource group name 'rg/x' may contain only letters, digits, underscores, hyphens, periods and parentheses, not ending with a period",
                example: "rg-acspush-dev",
            },
            {
                key: "acs-push:bundleId",
                message: "derives an invalid notification hub name 'app voip' may contain only letters, digits, periods, hyphens and underscores, starting and ending with a letter or digit",
                example: "com.contoso.chat.voip",
            },
            {
                key: "acs-push:bundleId",
                message: "derives an invalid notification hub name '-app' may contain only letters, digits, periods, hyphens and underscores, starting and ending with a letter or digit",
                example: "com.contoso.chat.voip",
            },
            {
                key: "acs-push:namePrefix",
                message: "derives an invalid storage account name 'ST' is 2 characters long; it must be 3-24",
                example: "stacspushdev1a2b3c",
            },
        ];
        assert.deepEqual(derivedNameProblems(broken, true), expected("resourceGroupName"));
        assert.deepEqual(derivedNameProblems(broken, false), expected("namePrefix"));
    });
});

describe("the rest of the settings", () => {
    it("carries the Firebase project and service account", () => {
        assert.deepEqual(valid(REQUIRED).fcm, { projectId: "contoso-chat", clientEmail: "firebase-adminsdk-abc12@contoso-chat.iam.gserviceaccount.com" });
    });

    it("gives the token-route problem the example of the key it names", () => {
        const result = validateSettings({ ...REQUIRED, installationsAudiences: '["api://x"]' }, "dev");
        assert.deepEqual(result.ok ? [] : result.problems, [
            {
                key: "acs-push:installationsAllowedCallers",
                message: "must be set when acs-push:installationsAudiences is set (or leave both empty to admit no token caller)",
                example: '["9a0b7c3e-2f51-4d0b-8f3a-61c7a0d2e4b1"]',
            },
        ]);
    });

    it("reads a list that is not one as empty, so the token-route rule does not fire as well", () => {
        assert.deepEqual(problemsOf({ ...REQUIRED, installationsAudiences: "api://x" }), [
            'acs-push:installationsAudiences: must be a list (YAML sequence or JSON array) of strings (valid example: ["api://acs-push-installations"])',
        ]);
    });
});
