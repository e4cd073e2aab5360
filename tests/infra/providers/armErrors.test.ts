// What the link provider says when ARM fails: one message per kind of failure, what to fix, never the key.
import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import {
    DEFAULT_RETRY_OPTIONS,
    FailureContext,
    LINK_ACTION,
    READ_ACTION,
    describeArmFailure,
    retryAfterLimitPolicy,
    scrub,
} from "../../../infra/providers/armErrors";
import { SUB, ACS, HUB, KEY, CS } from "../helpers/armFixtures";

const ARM = "https://management.azure.com";

const LINK: FailureContext = {
    operation: "link",
    communicationServiceId: ACS,
    notificationHubId: HUB,
    armEndpoint: ARM,
    connectionString: CS,
    retryOptions: DEFAULT_RETRY_OPTIONS,
};
const READ: FailureContext = { operation: "read", communicationServiceId: ACS, armEndpoint: ARM, retryOptions: DEFAULT_RETRY_OPTIONS };

const LINKING = 'Linking notification hub "app.voip" to communication service "acs-push"';
const READING = 'Reading communication service "acs-push"';

/** An error as the SDK throws it (a RestError): status, ARM code and message, the correlation id in a header. */
function restError(statusCode: number, code: string | undefined, message: string, correlation?: string) {
    const headers: Record<string, string> = correlation ? { "x-ms-correlation-request-id": correlation } : {};
    return { name: "RestError", statusCode, code, message, response: { headers: { get: (name: string) => headers[name] } } };
}

function messageOf(error: unknown, ctx: FailureContext = LINK): string {
    const described = describeArmFailure(error, ctx);
    assert.ok(described instanceof Error);
    return described.message;
}

describe("describeArmFailure", () => {
    it("names hub and service by the last segment of their ids, a trailing slash ignored", () => {
        const message = messageOf(restError(409, "Conflict", "busy"), { ...LINK, communicationServiceId: ACS + "/", notificationHubId: HUB + "//" });
        assert.equal(message, `${LINKING} failed (409 Conflict: busy).`);
    });

    it("says which endpoint it could not reach when there is no HTTP status", () => {
        const error = Object.assign(new Error(`connect ECONNREFUSED 127.0.0.1:443 while sending ${CS}`), { name: "RestError" });
        assert.equal(
            messageOf(error),
            `${LINKING} failed: could not reach ARM at ${ARM} (RestError: connect ECONNREFUSED 127.0.0.1:443 while sending ***)`,
        );
    });

    it("calls an error without a name Error, and reads a missing error as an empty one", () => {
        assert.equal(messageOf({ message: "  socket hang up  " }, READ), `${READING} failed: could not reach ARM at ${ARM} (Error: socket hang up)`);
        assert.equal(messageOf(undefined, READ), `${READING} failed: could not reach ARM at ${ARM} (Error: )`);
        assert.equal(messageOf(null, READ), `${READING} failed: could not reach ARM at ${ARM} (Error: )`);
    });

    for (const name of ["CredentialUnavailableError", "AuthenticationError", "AuthenticationRequiredError", "credentialunavailableerror"]) {
        it(`explains where DefaultAzureCredential looks for a login on ${name}`, () => {
            assert.equal(
                messageOf({ name, message: "no login found" }),
                `${LINKING} failed: no Azure access token for ${ARM}/.default (${name}: no login found). ` +
                    "DefaultAzureCredential tries, in order: environment variables (AZURE_TENANT_ID, AZURE_CLIENT_ID with " +
                    "AZURE_CLIENT_SECRET or AZURE_FEDERATED_TOKEN_FILE), workload identity, managed identity and the " +
                    "Azure CLI (az login); make one of them available.",
            );
        });
    }

    it("does not take a status that is not a number", () => {
        assert.match(messageOf({ name: "Error", statusCode: "400", message: "x" }), /could not reach ARM/);
    });

    it("asks for the hub in the service's subscription on WrongSubscription, by code or message", () => {
        const expected =
            `${LINKING} was rejected (400 WrongSubscription: hub elsewhere) (x-ms-correlation-request-id c-1). ` +
            `The notification hub must be in the same subscription as the Communication Services resource (subscription ${SUB}); ` +
            "move the hub or create one there.";
        assert.equal(messageOf(restError(400, "WrongSubscription", "hub elsewhere", "c-1")), expected);
        assert.equal(
            messageOf(restError(400, undefined, "Code: wrongsubscription", "c-1")),
            expected.replace("400 WrongSubscription: hub elsewhere", "400: Code: wrongsubscription"),
        );
        assert.match(
            messageOf(restError(400, "WrongSubscription", "x"), { ...LINK, communicationServiceId: "not-an-id" }),
            /Communication Services resource \(its subscription\); move the hub/,
        );
    });

    it("asks to check hub id and connection string on another 400, without echoing the key", () => {
        assert.equal(
            messageOf(restError(400, "BadRequest", `invalid connection string ${CS}`)),
            `${LINKING} was rejected (400 BadRequest: invalid connection string ***). Check that notificationHubId is the ARM id ` +
                "of an existing hub and that connectionString is the connection string of an authorization rule of that hub with Send rights.",
        );
    });

    it("asks to sign in again on a 401", () => {
        assert.equal(
            messageOf(restError(401, "InvalidAuthenticationToken", "expired", "c-2")),
            `${LINKING} failed: ARM at ${ARM} did not accept the access token (401 InvalidAuthenticationToken: expired) ` +
                "(x-ms-correlation-request-id c-2). Sign in again (az login) or check the credentials DefaultAzureCredential uses, " +
                "and that armEndpoint matches their cloud.",
        );
    });

    it("names the permission to grant on a 403: link or read", () => {
        const tail = ` on the scope ${ACS} (or its resource group or subscription), e.g. through the Contributor role.`;
        assert.equal(
            messageOf(restError(403, "AuthorizationFailed", "denied")),
            `${LINKING} is not allowed for the signed-in identity (403 AuthorizationFailed: denied). Grant it the permission ${LINK_ACTION}${tail}`,
        );
        assert.equal(
            messageOf(restError(403, "AuthorizationFailed", "denied"), READ),
            `${READING} is not allowed for the signed-in identity (403 AuthorizationFailed: denied). Grant it the permission ${READ_ACTION}${tail}`,
        );
        assert.equal(LINK_ACTION, "Microsoft.Communication/communicationServices/linkNotificationHub/action");
        assert.equal(READ_ACTION, "Microsoft.Communication/communicationServices/read");
    });

    it("names both resources on a 404 of the link, only the service on a read", () => {
        assert.equal(
            messageOf(restError(404, "ResourceNotFound", "gone")),
            `${LINKING} failed: not found (404 ResourceNotFound: gone). Either the Communication Services resource ${ACS} or ` +
                `the notification hub ${HUB} does not exist, or the identity cannot see it.`,
        );
        assert.equal(messageOf(restError(404, "ResourceNotFound", "gone", "c-3"), READ), `${READING} failed: not found (404 ResourceNotFound: gone) (x-ms-correlation-request-id c-3).`);
    });

    it("tells how long ARM asked to wait when it asked for more than the provider waits", () => {
        const tooLong = (statusCode: number, retryAfterInMs: number, maxRetryAfterInMs: number) => ({
            name: "RetryAfterTooLongError",
            statusCode,
            code: "TooManyRequests",
            message: "slow down",
            correlationRequestId: "c-4",
            retryAfterInMs,
            maxRetryAfterInMs,
        });
        assert.equal(
            messageOf(tooLong(429, 3_600_000, 60_000)),
            `${LINKING} was throttled by ARM (429 TooManyRequests: slow down) (x-ms-correlation-request-id c-4); ARM asked to wait ` +
                "3600 s (Retry-After) before trying again, longer than the 60 s the provider waits. Run the deployment again after that.",
        );
        assert.equal(
            messageOf(tooLong(503, 1500.2, 999.1)),
            `${LINKING} failed: ARM is unavailable (503 TooManyRequests: slow down) (x-ms-correlation-request-id c-4); ARM asked to wait ` +
                "2 s (Retry-After) before trying again, longer than the 1000 ms the provider waits. Run the deployment again after that.",
        );
        assert.match(messageOf(tooLong(429, 1000, 999)), /wait 1 s \(Retry-After\).*than the 999 ms the provider/);
        assert.match(messageOf(tooLong(429, 1001, 0.5)), /wait 2 s \(Retry-After\).*than the 1 ms the provider/);
    });

    it("needs both the wait and the limit to speak of Retry-After", () => {
        assert.doesNotMatch(messageOf({ ...restError(429, "TooManyRequests", "x"), retryAfterInMs: 5000 }), /Retry-After/);
        assert.doesNotMatch(messageOf({ ...restError(429, "TooManyRequests", "x"), maxRetryAfterInMs: 5000 }), /Retry-After/);
    });

    it("reports throttling that outlasted the waits", () => {
        assert.equal(
            messageOf(restError(429, "TooManyRequests", "slow down")),
            `${LINKING} was throttled by ARM (429 TooManyRequests: slow down), also after waiting as asked; run the deployment again later.`,
        );
    });

    it("counts the retries on a 5xx, from 500 on", () => {
        assert.equal(
            messageOf(restError(500, undefined, "oops", "c-5"), { ...LINK, retryOptions: { ...DEFAULT_RETRY_OPTIONS, maxRetries: 3 } }),
            `${LINKING} failed after 3 retries (500: oops) (x-ms-correlation-request-id c-5). ARM is throttling or unavailable; ` +
                "run the deployment again later.",
        );
        assert.match(messageOf(restError(503, "ServiceUnavailable", "down")), /failed after 5 retries \(503 ServiceUnavailable: down\)/);
        assert.equal(messageOf(restError(499, undefined, "client closed")), `${LINKING} failed (499: client closed).`);
    });

    it("takes the correlation id from the response header, else from the error", () => {
        const both = { ...restError(409, "Conflict", "x", "from-header"), correlationRequestId: "from-error" };
        assert.match(messageOf(both), /\(x-ms-correlation-request-id from-header\)\.$/);
        const errorOnly = { name: "RestError", statusCode: 409, message: "x", correlationRequestId: "from-error" };
        assert.equal(messageOf(errorOnly), `${LINKING} failed (409: x) (x-ms-correlation-request-id from-error).`);
        assert.equal(messageOf({ name: "RestError", statusCode: 409, message: "x", response: {} }), `${LINKING} failed (409: x).`);
    });
});

describe("retryAfterLimitPolicy", () => {
    function response(status: number, headers: Record<string, string>, bodyAsText?: string) {
        return { status, bodyAsText, headers: { get: (name: string) => headers[name] }, request: {} };
    }
    async function send(policy: ReturnType<typeof retryAfterLimitPolicy>, res: ReturnType<typeof response>) {
        const request = { url: "https://management.azure.com/x" };
        let passed: unknown;
        const result = await policy.sendRequest(request as never, async (req) => {
            passed = req;
            return res as never;
        });
        assert.equal(passed, request);
        return result;
    }

    it("is named, and passes on a response whose wait is within the limit", async () => {
        const policy = retryAfterLimitPolicy(60_000);
        assert.equal(policy.name, "notificationHubLinkRetryAfterLimit");
        for (const res of [response(200, {}), response(429, {}), response(429, { "retry-after": "60" }), response(500, { "retry-after": "3600" })]) {
            assert.equal(await send(policy, res), res);
        }
    });

    it("fails at once, with ARM's code, message and correlation id, when the wait is longer", async () => {
        const body = JSON.stringify({ error: { code: "TooManyRequests", message: "Too many requests, retry in an hour" } });
        await assert.rejects(
            send(retryAfterLimitPolicy(60_000), response(429, { "retry-after": "61", "x-ms-correlation-request-id": "c-6" }, body)),
            (error: Error & Record<string, unknown>) => {
                assert.equal(error.name, "RetryAfterTooLongError");
                assert.equal(error.message, "Too many requests, retry in an hour");
                assert.deepEqual(
                    { ...error },
                    {
                        name: "RetryAfterTooLongError",
                        statusCode: 429,
                        code: "TooManyRequests",
                        correlationRequestId: "c-6",
                        retryAfterInMs: 61_000,
                        maxRetryAfterInMs: 60_000,
                    },
                );
                return true;
            },
        );
    });

    for (const [what, body] of [
        ["no body", undefined],
        ["a body that is not JSON", "<html>busy</html>"],
        ["a body without an error", "{}"],
        ["an error of other types", JSON.stringify({ error: { code: 429, message: { text: "x" } } })],
    ] as const) {
        it(`keeps status and wait on ${what}`, async () => {
            await assert.rejects(send(retryAfterLimitPolicy(1000), response(503, { "retry-after-ms": "1001" }, body)), (error: Error & Record<string, unknown>) => {
                assert.equal(error.name, "RetryAfterTooLongError");
                assert.equal(error.message, "");
                assert.equal(error.statusCode, 503);
                assert.equal(error.code, undefined);
                assert.equal(error.retryAfterInMs, 1001);
                assert.equal(error.maxRetryAfterInMs, 1000);
                return true;
            });
        });
    }
});

describe("scrub", () => {
    it("replaces the secret, its key and any SharedAccessKey value, and only those", () => {
        assert.equal(scrub(`sent ${CS} to ns`, CS), "sent *** to ns");
        assert.equal(scrub(`key ${KEY} rejected`, CS), "key *** rejected");
        assert.equal(scrub("SharedAccessKey = abc, other", undefined), "SharedAccessKey = ***, other");
        assert.equal(scrub('{"connectionString":"Endpoint=sb://x/;a=\\"b\\"","resourceId":"r"}', undefined), '{"connectionString":"***","resourceId":"r"}');
        assert.equal(scrub("nothing secret here", CS), "nothing secret here");
        assert.equal(scrub("nothing secret here", ""), "nothing secret here");
    });

    it("scrubs a key value only when it is long enough not to be a common word", () => {
        const shortKey = "Endpoint=sb://ns/;SharedAccessKeyName=send;SharedAccessKey=ab";
        assert.equal(scrub("ab abc", shortKey), "ab abc");
        const lowerCase = "endpoint=sb://ns/;sharedaccesskey=12345678";
        assert.equal(scrub("key 12345678 in text", lowerCase), "key *** in text");
        assert.equal(scrub("key 12345678 in text", "SharedAccessKeyName=12345678"), "key 12345678 in text");
    });
});
