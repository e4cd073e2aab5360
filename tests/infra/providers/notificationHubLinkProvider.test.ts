// The provider against a loopback HTTPS server playing ARM: outgoing requests, retries, error messages.
import { after, before, beforeEach, describe, it } from "node:test";
import * as assert from "node:assert/strict";
import type { AccessToken, TokenCredential } from "@azure/core-auth";
import * as pulumi from "@pulumi/pulumi";
import { ArmRetryOptions, DEFAULT_MAX_RETRY_AFTER_MS, LINK_ACTION, READ_ACTION } from "../../../infra/providers/armErrors";
import { hashConnectionString } from "../../../infra/providers/armIds";
import {
    ArmSession,
    LINK_API_VERSION,
    LinkInputs,
    LinkOutputs,
    createNotificationHubLinkProvider,
    diffLink,
} from "../../../infra/providers/notificationHubLinkProvider";
import { ArmServer, armError, startArmServer } from "../helpers/armServer";
import { loadSerializedProvider } from "../helpers/dynamicProviderHost";

const SUB = "11111111-2222-3333-4444-555555555555";
const ACS_PATH = `/subscriptions/${SUB}/resourceGroups/rg-push/providers/Microsoft.Communication/communicationServices/acs-push`;
const HUB_ID =
    `/subscriptions/${SUB}/resourceGroups/rg-push/providers/Microsoft.NotificationHubs/namespaces/ns-push` +
    "/notificationHubs/com.example.app.voip";
const KEY = "c2VjcmV0LWtleS1tYXRlcmlhbC10aGF0LW11c3Qtbm90LWxlYWs=";
const CONNECTION_STRING =
    `Endpoint=sb://ns-push.servicebus.windows.net/;SharedAccessKeyName=acs-send;SharedAccessKey=${KEY}`;
const FAKE_TOKEN = "fake-arm-token";
const RETRIES = 2;

interface FakeCredential extends TokenCredential {
    scopes: string[];
}

function fakeCredential(fail?: Error): FakeCredential {
    const scopes: string[] = [];
    return {
        scopes,
        async getToken(requested: string | string[]): Promise<AccessToken> {
            scopes.push(...(Array.isArray(requested) ? requested : [requested]));
            if (fail) throw fail;
            return { token: FAKE_TOKEN, expiresOnTimestamp: Date.now() + 3_600_000 };
        },
    };
}

let server: ArmServer;
let credential: FakeCredential;
let sessions: string[];

function provider(cred: TokenCredential = credential, retry: Partial<ArmRetryOptions> = {}) {
    return createNotificationHubLinkProvider((armEndpoint): ArmSession => {
        sessions.push(armEndpoint);
        return {
            credential: cred,
            retryOptions: { maxRetries: RETRIES, retryDelayInMs: 1, maxRetryDelayInMs: 5, ...retry },
            tlsOptions: { ca: server.ca },
        };
    });
}

function inputs(overrides: Partial<LinkInputs> = {}): LinkInputs {
    return {
        communicationServiceId: ACS_PATH,
        notificationHubId: HUB_ID,
        connectionString: CONNECTION_STRING,
        armEndpoint: server.endpoint,
        ...overrides,
    };
}

function linked(resourceId = HUB_ID) {
    return { status: 200, body: { resourceId } };
}

function acsResource(notificationHubId?: string) {
    return {
        status: 200,
        body: {
            id: ACS_PATH,
            name: "acs-push",
            type: "Microsoft.Communication/communicationServices",
            location: "global",
            properties: { provisioningState: "Succeeded", dataLocation: "Europe", notificationHubId },
        },
    };
}

async function createError(overrides: Partial<LinkInputs> = {}): Promise<Error> {
    const error = await provider()
        .create(inputs(overrides))
        .then(
            () => undefined,
            (e: Error) => e,
        );
    assert.ok(error instanceof Error, "create should have failed");
    return error;
}

function assertNoSecret(error: Error) {
    for (const text of [error.message, String(error.stack), JSON.stringify(error), String(error)]) {
        assert.ok(!text.includes(CONNECTION_STRING), "connection string leaked");
        assert.ok(!text.includes(KEY), "SharedAccessKey leaked");
    }
    assert.deepEqual(
        Object.getOwnPropertyNames(error).filter((k) => k !== "message" && k !== "stack"),
        [],
        "no SDK request/response objects attached to the error",
    );
}

before(async () => {
    server = await startArmServer();
});

after(async () => {
    await server.close();
});

beforeEach(() => {
    server.reset();
    credential = fakeCredential();
    sessions = [];
});

describe("create", () => {
    it("POSTs linkNotificationHub with the hub id and connection string, authorised with a bearer token", async () => {
        server.enqueue(linked());

        const result = await provider().create(inputs());

        assert.equal(server.requests.length, 1);
        const [request] = server.requests;
        assert.equal(request.method, "POST");
        assert.equal(request.path, `${ACS_PATH}/linkNotificationHub`);
        assert.equal(request.query.get("api-version"), LINK_API_VERSION);
        assert.equal(LINK_API_VERSION, "2025-09-01");
        assert.equal(request.headers.authorization, `Bearer ${FAKE_TOKEN}`);
        assert.match(String(request.headers["content-type"]), /^application\/json/);
        assert.deepEqual(request.body, { resourceId: HUB_ID, connectionString: CONNECTION_STRING });
        assert.deepEqual(credential.scopes, [`${server.endpoint}/.default`]);
        assert.equal(result.id, `${ACS_PATH}/notificationHubLink`);
    });

    it("keeps a hash of the connection string in state, never the string", async () => {
        server.enqueue(linked());

        const { outs } = await provider().create(inputs());

        assert.ok(outs);
        assert.deepEqual(outs, {
            communicationServiceId: ACS_PATH,
            notificationHubId: HUB_ID,
            armEndpoint: server.endpoint,
            linkedHubId: HUB_ID,
            connectionStringHash: hashConnectionString(CONNECTION_STRING),
        });
        assert.match(outs.connectionStringHash, /^sha256:[0-9a-f]{64}$/);
        assert.ok(!JSON.stringify(outs).includes(KEY));
    });

    it("accepts an answer naming the hub in different casing", async () => {
        server.enqueue(linked(HUB_ID.toUpperCase()));

        const { outs } = await provider().create(inputs());

        assert.equal(outs?.linkedHubId, HUB_ID.toUpperCase());
    });

    it("fails when ARM answers with another hub", async () => {
        const otherHub = HUB_ID.replace("com.example.app.voip", "other.voip");
        server.enqueue(linked(otherHub));

        const error = await createError();

        assert.match(error.message, /answered with resourceId/);
        assert.ok(error.message.includes(otherHub));
        assert.ok(error.message.includes(HUB_ID));
    });

    it("names the hub ARM answered with, and the one requested, when they differ", async () => {
        const otherHub = HUB_ID.replace("com.example.app.voip", "other.voip");
        server.enqueue(linked(otherHub));

        const error = await createError();

        assert.equal(
            error.message,
            `linkNotificationHub on ${ACS_PATH} answered with resourceId ${JSON.stringify(otherHub)}, not the requested hub ${HUB_ID}`,
        );
    });

    it("fails when ARM's answer names no hub", async () => {
        server.enqueue({ status: 200, body: {} });

        const error = await createError();

        assert.equal(error.message, `linkNotificationHub on ${ACS_PATH} answered with resourceId "", not the requested hub ${HUB_ID}`);
    });

    it("rejects a connection string without its key before asking for a token", async () => {
        const error = await createError({ connectionString: "Endpoint=sb://ns-push.servicebus.windows.net/;SharedAccessKeyName=acs-send" });

        assert.match(error.message, /^connectionString lacks SharedAccessKey; expected Endpoint=sb:/);
        assert.equal(server.requests.length, 0);
        assert.deepEqual(sessions, []);
    });

    it("rejects a malformed notificationHubId without calling ARM", async () => {
        const error = await createError({ notificationHubId: "com.example.app.voip" });

        assert.match(error.message, /^notificationHubId "com\.example\.app\.voip" is not the ARM id of a notification hub/);
        assert.equal(server.requests.length, 0);
        assert.deepEqual(sessions, []);
    });

    it("unwraps inputs that arrive as secret envelopes", async () => {
        const secret = <T>(value: T) => ({ [pulumi.runtime.specialSigKey]: pulumi.runtime.specialSecretSig, value }) as unknown as T;
        server.enqueue(linked());

        const { outs } = await provider().create({
            communicationServiceId: secret(ACS_PATH),
            notificationHubId: secret(HUB_ID),
            connectionString: secret(CONNECTION_STRING),
            armEndpoint: secret(server.endpoint),
        });

        assert.deepEqual(server.requests[0].body, { resourceId: HUB_ID, connectionString: CONNECTION_STRING });
        assert.equal(outs?.communicationServiceId, ACS_PATH);
        assert.equal(outs?.connectionStringHash, hashConnectionString(CONNECTION_STRING));
        assert.deepEqual(sessions, [server.endpoint]);
    });

    it("rejects a malformed communicationServiceId without calling ARM", async () => {
        const error = await createError({ communicationServiceId: "/subscriptions/x/resourceGroups/rg" });

        assert.match(error.message, /communicationServiceId .* is not the ARM id of a Communication Services resource/);
        assert.equal(server.requests.length, 0);
        assert.deepEqual(credential.scopes, []);
    });
});

describe("retries", () => {
    it("retries a 429 after the Retry-After it was given", async () => {
        server.enqueue(armError(429, "TooManyRequests", "throttled", { "retry-after": "0" }), linked());

        const { outs } = await provider().create(inputs());

        assert.equal(outs?.linkedHubId, HUB_ID);
        assert.equal(server.requests.length, 2);
        for (const request of server.requests) {
            assert.equal(request.method, "POST");
            assert.deepEqual(request.body, { resourceId: HUB_ID, connectionString: CONNECTION_STRING });
        }
    });

    it("retries 503 with exponential backoff until ARM answers", async () => {
        server.enqueue(armError(503, "ServiceUnavailable", "busy"), armError(503, "ServiceUnavailable", "busy"), linked());

        const { outs } = await provider().create(inputs());

        assert.equal(outs?.linkedHubId, HUB_ID);
        assert.equal(server.requests.length, 3);
    });

    it("gives up after maxRetries and says so", async () => {
        server.setHandler(() => armError(500, "InternalServerError", "boom"));

        const error = await createError();

        assert.equal(server.requests.length, RETRIES + 1);
        assert.match(error.message, /failed after 2 retries \(500 InternalServerError: boom\)/);
        assertNoSecret(error);
    });

    it("reports throttling that outlasts the retries", async () => {
        server.setHandler(() => armError(429, "TooManyRequests", "slow down", { "retry-after": "0" }));

        const error = await createError();

        assert.equal(server.requests.length, RETRIES + 1);
        assert.match(error.message, /was throttled by ARM \(429 TooManyRequests: slow down\)/);
    });

    it("waits as long as Retry-After asks before retrying a 429", { timeout: 20_000 }, async () => {
        server.enqueue(armError(429, "TooManyRequests", "throttled", { "retry-after": "1" }), linked());

        const { outs } = await provider(credential, { maxRetryAfterInMs: DEFAULT_MAX_RETRY_AFTER_MS }).create(inputs());

        assert.equal(outs?.linkedHubId, HUB_ID);
        assert.equal(server.requests.length, 2);
        const spacing = server.requests[1].receivedAt - server.requests[0].receivedAt;
        assert.ok(spacing >= 900, `second attempt came ${Math.round(spacing)} ms after the first; Retry-After asked 1 s`);
    });

    it("waits at most a minute for Retry-After when the session sets no limit", async () => {
        server.setHandler(() => armError(429, "TooManyRequests", "slow down", { "retry-after": "61" }));

        const error = await createError();

        assert.equal(server.requests.length, 1);
        assert.match(error.message, /ARM asked to wait 61 s \(Retry-After\) before trying again, longer than the 60 s the provider waits/);
    });

    it("retries after a Retry-After exactly as long as the limit", async () => {
        server.enqueue(armError(429, "TooManyRequests", "throttled", { "retry-after-ms": "50" }), linked());

        const { outs } = await provider(credential, { maxRetryAfterInMs: 50 }).create(inputs());

        assert.equal(outs?.linkedHubId, HUB_ID);
        assert.equal(server.requests.length, 2);
    });

    const inAnHour = () => new Date(Date.now() + 3_600_000).toUTCString();
    const longWaits: { header: string; value: () => string }[] = [
        { header: "retry-after", value: () => "3600" },
        { header: "retry-after", value: inAnHour },
        { header: "retry-after-ms", value: () => "3600000" },
        { header: "x-ms-retry-after-ms", value: () => "3600000" },
    ];
    for (const { header, value } of longWaits) {
        it(`fails at once, naming the wait, when a 429's ${header} asks for longer than the limit`, { timeout: 20_000 }, async () => {
            server.setHandler(() => armError(429, "TooManyRequests", `slow down ${CONNECTION_STRING}`, { [header]: value() }));

            const error = await provider(credential, { maxRetryAfterInMs: 50 })
                .create(inputs())
                .then(
                    () => undefined,
                    (e: Error) => e,
                );

            assert.ok(error instanceof Error, "create should have failed");
            assert.equal(server.requests.length, 1);
            assert.match(error.message, /was throttled by ARM \(429 TooManyRequests: slow down \*\*\*\)/);
            assert.match(error.message, /ARM asked to wait 3[56]\d\d s \(Retry-After\) before trying again/);
            assert.match(error.message, /longer than the 50 ms the provider waits/);
            assert.match(error.message, /x-ms-correlation-request-id corr-1/);
            assertNoSecret(error);
        });
    }

    it("fails at once when a 503 asks to wait longer than the limit", { timeout: 20_000 }, async () => {
        server.setHandler(() => armError(503, "ServiceUnavailable", "busy", { "retry-after": "3600" }));

        const error = await provider(credential, { maxRetryAfterInMs: 50 })
            .create(inputs())
            .then(
                () => undefined,
                (e: Error) => e,
            );

        assert.ok(error instanceof Error, "create should have failed");
        assert.equal(server.requests.length, 1);
        assert.match(error.message, /failed: ARM is unavailable \(503 ServiceUnavailable: busy\)/);
        assert.match(error.message, /ARM asked to wait 3600 s/);
    });

    it("fails a read at once when ARM asks to wait longer than the limit", { timeout: 20_000 }, async () => {
        server.setHandler(() => armError(429, "TooManyRequests", "slow down", { "retry-after": "3600" }));

        const error = await provider(credential, { maxRetryAfterInMs: 50 })
            .read!(`${ACS_PATH}/notificationHubLink`, {
                communicationServiceId: ACS_PATH,
                notificationHubId: HUB_ID,
                armEndpoint: server.endpoint,
                linkedHubId: HUB_ID,
                connectionStringHash: hashConnectionString(CONNECTION_STRING),
            })
            .then(
                () => undefined,
                (e: Error) => e,
            );

        assert.ok(error instanceof Error, "read should have failed");
        assert.equal(server.requests.length, 1);
        assert.equal(server.requests[0].method, "GET");
        assert.match(error.message, /^Reading communication service "acs-push" was throttled by ARM/);
        assert.match(error.message, /ARM asked to wait 3600 s/);
    });

    it("does not retry a 400", async () => {
        server.setHandler(() => armError(400, "BadRequest", "nope"));

        await createError();

        assert.equal(server.requests.length, 1);
    });
});

describe("error messages", () => {
    // ARM error texts that echo the request body, as some Azure errors do.
    const echo = `Request body ${JSON.stringify({ resourceId: HUB_ID, connectionString: CONNECTION_STRING })} rejected`;
    const cases: { name: string; reply: ReturnType<typeof armError>; expect: RegExp[] }[] = [
        {
            name: "400 WrongSubscription says the hub must be in the ACS subscription",
            reply: armError(400, "WrongSubscription", `Hub is in another subscription. ${echo}`),
            expect: [/400 WrongSubscription/, /same subscription as the Communication Services resource/, new RegExp(SUB)],
        },
        {
            name: "other 400s point at the hub id and the Send rule",
            reply: armError(400, "InvalidConnectionString", `Bad connection string ${CONNECTION_STRING}`),
            expect: [/400 InvalidConnectionString/, /authorization rule of that hub with Send rights/],
        },
        {
            name: "401 asks to sign in again",
            reply: armError(401, "InvalidAuthenticationToken", "The access token is invalid."),
            expect: [/401 InvalidAuthenticationToken/, /az login/],
        },
        {
            name: "403 names the permission and the scope",
            reply: armError(403, "AuthorizationFailed", `The client does not have authorization. ${echo}`),
            expect: [/403 AuthorizationFailed/, new RegExp(LINK_ACTION.replace(/\//g, "\\/")), new RegExp(`scope ${ACS_PATH}`)],
        },
        {
            name: "404 names both the ACS resource and the hub",
            reply: armError(404, "ResourceNotFound", "The Resource was not found."),
            expect: [/404 ResourceNotFound/, new RegExp(ACS_PATH), new RegExp(HUB_ID.replace(/\./g, "\\."))],
        },
    ];

    for (const { name, reply, expect } of cases) {
        it(name, async () => {
            server.setHandler(() => reply);

            const error = await createError();

            for (const pattern of expect) assert.match(error.message, pattern);
            assert.match(error.message, /x-ms-correlation-request-id corr-1/);
            assertNoSecret(error);
        });
    }

    it("names the endpoint it could not reach", async () => {
        const closed = await startArmServer();
        await closed.close();

        const error = await createError({ armEndpoint: closed.endpoint });

        assert.match(error.message, /could not reach ARM at https:\/\/127\.0\.0\.1:\d+ \(/);
        assert.ok(error.message.includes(closed.endpoint));
        assertNoSecret(error);
    });

    it("explains how DefaultAzureCredential finds a login when no token is available", async () => {
        const unavailable = Object.assign(new Error("no credential in the chain worked"), {
            name: "CredentialUnavailableError",
        });

        const error = await provider(fakeCredential(unavailable))
            .create(inputs())
            .then(
                () => undefined,
                (e: Error) => e,
            );

        assert.ok(error instanceof Error);
        assert.match(error.message, /no Azure access token for https:\/\/127\.0\.0\.1:\d+\/\.default/);
        assert.match(error.message, /AZURE_CLIENT_ID/);
        assert.match(error.message, /az login/);
        assert.equal(server.requests.length, 0);
    });
});

describe("read", () => {
    const state = (): LinkOutputs => ({
        communicationServiceId: ACS_PATH,
        notificationHubId: HUB_ID,
        armEndpoint: server.endpoint,
        linkedHubId: HUB_ID,
        connectionStringHash: hashConnectionString(CONNECTION_STRING),
    });

    it("GETs the ACS resource and reports its notificationHubId", async () => {
        server.enqueue(acsResource(HUB_ID));

        const result = await provider().read!(`${ACS_PATH}/notificationHubLink`, state());

        const [request] = server.requests;
        assert.equal(request.method, "GET");
        assert.equal(request.path, ACS_PATH);
        assert.equal(request.query.get("api-version"), LINK_API_VERSION);
        assert.equal(request.headers.authorization, `Bearer ${FAKE_TOKEN}`);
        assert.equal(result.id, `${ACS_PATH}/notificationHubLink`);
        assert.deepEqual(result.props, state());
    });

    it("reports a link removed in the portal, and the next diff links again", async () => {
        server.enqueue(acsResource(undefined));

        const result = await provider().read!(`${ACS_PATH}/notificationHubLink`, state());

        assert.equal(result.props?.linkedHubId, "");
        const diff = diffLink(result.props as LinkOutputs, inputs());
        assert.deepEqual(diff, { changes: true, replaces: [], deleteBeforeReplace: false });
    });

    it("reports a link pointed at another hub", async () => {
        const otherHub = HUB_ID.replace("com.example.app.voip", "other.voip");
        server.enqueue(acsResource(otherHub));

        const result = await provider().read!(`${ACS_PATH}/notificationHubLink`, state());

        assert.equal(result.props?.linkedHubId, otherHub);
        assert.equal(diffLink(result.props as LinkOutputs, inputs()).changes, true);
    });

    it("reads a link it has no state for from its id, taking the linked hub as the hub", async () => {
        server.enqueue(acsResource(HUB_ID));

        const result = await provider().read!(`${ACS_PATH}/notificationHubLink`, { armEndpoint: `${server.endpoint}/` } as LinkOutputs);

        assert.equal(server.requests[0].path, ACS_PATH);
        assert.deepEqual(result, {
            id: `${ACS_PATH}/notificationHubLink`,
            props: {
                communicationServiceId: ACS_PATH,
                notificationHubId: HUB_ID,
                armEndpoint: server.endpoint,
                linkedHubId: HUB_ID,
                connectionStringHash: "",
            },
        });
    });

    it("drops the link from state when the ACS resource is gone", async () => {
        server.setHandler(() => armError(404, "ResourceNotFound", "gone"));

        const result = await provider().read!(`${ACS_PATH}/notificationHubLink`, state());

        assert.deepEqual(result, { id: "", props: {} });
        assert.equal(server.requests.length, 1);
    });

    it("names the read permission on a 403", async () => {
        server.setHandler(() => armError(403, "AuthorizationFailed", "denied"));

        const error = await provider()
            .read!(`${ACS_PATH}/notificationHubLink`, state())
            .then(
                () => undefined,
                (e: Error) => e,
            );

        assert.ok(error instanceof Error);
        assert.ok(error.message.includes(READ_ACTION), error.message);
        assert.ok(error.message.includes(ACS_PATH));
    });
});

describe("update", () => {
    it("links again with the rotated key and records its hash", async () => {
        const rotated = CONNECTION_STRING.replace(KEY, "cm90YXRlZC1rZXktbWF0ZXJpYWwtbmV3LXNlY29uZGFyeQ==");
        const olds: LinkOutputs = {
            communicationServiceId: ACS_PATH,
            notificationHubId: HUB_ID,
            armEndpoint: server.endpoint,
            linkedHubId: HUB_ID,
            connectionStringHash: hashConnectionString(CONNECTION_STRING),
        };
        server.enqueue(linked());

        const result = await provider().update!(`${ACS_PATH}/notificationHubLink`, olds, inputs({ connectionString: rotated }));

        assert.equal(server.requests.length, 1);
        assert.equal(server.requests[0].method, "POST");
        assert.equal(server.requests[0].path, `${ACS_PATH}/linkNotificationHub`);
        assert.deepEqual(server.requests[0].body, { resourceId: HUB_ID, connectionString: rotated });
        assert.equal(result.outs?.connectionStringHash, hashConnectionString(rotated));
        assert.notEqual(result.outs?.connectionStringHash, olds.connectionStringHash);
    });
});

describe("delete", () => {
    it("makes no ARM call and asks for no token", async () => {
        const props: LinkOutputs = {
            communicationServiceId: ACS_PATH,
            notificationHubId: HUB_ID,
            armEndpoint: server.endpoint,
            linkedHubId: HUB_ID,
            connectionStringHash: hashConnectionString(CONNECTION_STRING),
        };

        await provider().delete!(`${ACS_PATH}/notificationHubLink`, props);

        assert.equal(server.requests.length, 0);
        assert.deepEqual(sessions, []);
        assert.deepEqual(credential.scopes, []);
    });
});

describe("serialized provider", () => {
    it("runs from the text Pulumi stores in state", async () => {
        // Everything the serialized closure needs must travel with it: build it with a session that captures
        // the fake credential and the test CA, serialize it like pulumi.dynamic.Resource does, and load it.
        const ca = server.ca;
        const serializable = createNotificationHubLinkProvider(() => ({
            credential: {
                getToken: async () => ({ token: "serialized-token", expiresOnTimestamp: Date.now() + 3_600_000 }),
            },
            retryOptions: { maxRetries: 0, retryDelayInMs: 1, maxRetryDelayInMs: 1 },
            tlsOptions: { ca },
        }));
        const { text } = await pulumi.runtime.serializeFunction(() => serializable);
        const loaded = loadSerializedProvider<LinkInputs, LinkOutputs>(text);
        server.enqueue(linked());

        const result = await loaded.create(inputs());

        assert.equal(result.outs?.linkedHubId, HUB_ID);
        assert.equal(server.requests[0].headers.authorization, "Bearer serialized-token");
        assert.equal(server.requests[0].path, `${ACS_PATH}/linkNotificationHub`);
    });

    it("keeps the Retry-After limit in the stored text", { timeout: 20_000 }, async () => {
        const ca = server.ca;
        const serializable = createNotificationHubLinkProvider(() => ({
            credential: {
                getToken: async () => ({ token: "serialized-token", expiresOnTimestamp: Date.now() + 3_600_000 }),
            },
            retryOptions: { maxRetries: 3, retryDelayInMs: 1, maxRetryDelayInMs: 1, maxRetryAfterInMs: 50 },
            tlsOptions: { ca },
        }));
        const { text } = await pulumi.runtime.serializeFunction(() => serializable);
        const loaded = loadSerializedProvider<LinkInputs, LinkOutputs>(text);
        server.setHandler(() => armError(429, "TooManyRequests", "slow down", { "retry-after": "3600" }));

        const error = await loaded.create(inputs()).then(
            () => undefined,
            (e: Error) => e,
        );

        assert.ok(error instanceof Error, "create should have failed");
        assert.equal(server.requests.length, 1);
        assert.match(error.message, /ARM asked to wait 3600 s \(Retry-After\) before trying again, longer than the 50 ms/);
    });
});
