/**
 * What the link provider does when ARM fails or asks it to wait: the retry settings, the cap on `Retry-After`,
 * and errors that say what to fix without echoing the connection string.
 *
 * Part of the serialized dynamic provider (see ./notificationHubLinkProvider.ts): packages are required inside
 * the functions that use them; only types are imported at the top.
 */
import type { CommunicationServiceManagementClientOptionalParams } from "@azure/arm-communication";
import { subscriptionOf } from "./armIds";

export const LINK_ACTION = "Microsoft.Communication/communicationServices/linkNotificationHub/action";
export const READ_ACTION = "Microsoft.Communication/communicationServices/read";

/** The longest `Retry-After` (on 429 or 503) the provider waits for; ARM asking for more fails the call at once. */
export const DEFAULT_MAX_RETRY_AFTER_MS = 60_000;

/**
 * Bounded exponential backoff for 5xx/408 and network errors; 429 and 503 wait for `Retry-After`, up to
 * `maxRetryAfterInMs`. At most 5 retries either way.
 */
export const DEFAULT_RETRY_OPTIONS: ArmRetryOptions = {
    maxRetries: 5,
    retryDelayInMs: 1000,
    maxRetryDelayInMs: 30_000,
    maxRetryAfterInMs: DEFAULT_MAX_RETRY_AFTER_MS,
};

export interface ArmRetryOptions {
    maxRetries: number;
    retryDelayInMs: number;
    maxRetryDelayInMs: number;
    /**
     * The longest wait a `Retry-After` may ask for; a longer one fails the call without retrying.
     * `DEFAULT_MAX_RETRY_AFTER_MS` when absent.
     */
    maxRetryAfterInMs?: number;
}

/** Removes a secret, and anything shaped like a Shared Access key, from text that may echo a request. */
export function scrub(text: string, secret: string | undefined): string {
    let out = text;
    if (secret) {
        out = out.split(secret).join("***");
        for (const part of secret.split(";")) {
            const at = part.indexOf("=");
            const value = at > 0 ? part.slice(at + 1) : "";
            if (/^SharedAccessKey$/i.test(part.slice(0, at).trim()) && value.length >= 8) {
                out = out.split(value).join("***");
            }
        }
    }
    return out
        .replace(/(SharedAccessKey\s*=\s*)[^;"'\s,}]+/gi, "$1***")
        .replace(/("connectionString"\s*:\s*")(?:[^"\\]|\\.)*"/gi, '$1***"');
}

type PipelinePolicy = NonNullable<CommunicationServiceManagementClientOptionalParams["additionalPolicies"]>[number]["policy"];

/**
 * How long a response asks to wait before the next attempt, read the way the SDK's throttling retry reads it:
 * on 429 and 503 only, `retry-after-ms`, then `x-ms-retry-after-ms`, then `Retry-After` (seconds or an HTTP
 * date). Undefined when the response asks nothing.
 */
export function retryAfterInMs(
    status: number,
    header: (name: string) => string | undefined,
    now: number = Date.now(),
): number | undefined {
    if (status !== 429 && status !== 503) return undefined;
    for (const [name, factor] of [["retry-after-ms", 1], ["x-ms-retry-after-ms", 1], ["retry-after", 1000]] as const) {
        const value = header(name);
        if (value && !Number.isNaN(Number(value))) return Number(value) * factor;
    }
    const date = Date.parse(header("retry-after") ?? "");
    return Number.isFinite(date) ? Math.max(0, date - now) : undefined;
}

/**
 * The SDK's retry policy waits for any `Retry-After`, however long. This policy runs under it on every attempt
 * (`perRetry`) and, when ARM asks for more than `maxMs`, fails the call at once with an error that is not a
 * RestError, which the retry policy passes on without retrying. The error carries ARM's status, code, message
 * and correlation id, nothing of the request.
 */
export function retryAfterLimitPolicy(maxMs: number): PipelinePolicy {
    return {
        name: "notificationHubLinkRetryAfterLimit",
        async sendRequest(request, next) {
            const response = await next(request);
            const asked = retryAfterInMs(response.status, (name) => response.headers.get(name));
            if (asked === undefined || !(asked > maxMs)) return response;
            let armError: { code?: unknown; message?: unknown } = {};
            try {
                armError = JSON.parse(response.bodyAsText ?? "").error ?? {};
            } catch {
                // Not an ARM error body; status and wait still say what happened.
            }
            throw Object.assign(new Error(typeof armError.message === "string" ? armError.message : ""), {
                name: "RetryAfterTooLongError",
                statusCode: response.status,
                code: typeof armError.code === "string" ? armError.code : undefined,
                correlationRequestId: response.headers.get("x-ms-correlation-request-id"),
                retryAfterInMs: asked,
                maxRetryAfterInMs: maxMs,
            });
        },
    };
}

export interface FailureContext {
    operation: "link" | "read";
    communicationServiceId: string;
    notificationHubId?: string;
    armEndpoint: string;
    connectionString?: string;
    retryOptions: ArmRetryOptions;
}

/**
 * Turns an SDK/pipeline error into an Error whose message says what to do. The original error is dropped on
 * purpose: its `request` carries the body (with the connection string) and its message may echo it.
 */
export function describeArmFailure(error: unknown, ctx: FailureContext): Error {
    const e = (error ?? {}) as {
        name?: string;
        message?: string;
        statusCode?: number;
        code?: string;
        response?: { headers?: { get(name: string): string | undefined } };
        correlationRequestId?: string;
        retryAfterInMs?: number;
        maxRetryAfterInMs?: number;
    };
    const clean = (s: string | undefined) => scrub(String(s ?? ""), ctx.connectionString).trim();
    const acs = ctx.communicationServiceId;
    const lastSegment = (id: string | undefined) => String(id ?? "").replace(/\/+$/, "").split("/").pop();
    const what =
        ctx.operation === "link"
            ? `Linking notification hub "${lastSegment(ctx.notificationHubId)}" to communication service "${lastSegment(acs)}"`
            : `Reading communication service "${lastSegment(acs)}"`;
    const status = typeof e.statusCode === "number" ? e.statusCode : undefined;
    const correlation = e.response?.headers?.get("x-ms-correlation-request-id") ?? e.correlationRequestId;
    const trace = correlation ? ` (x-ms-correlation-request-id ${correlation})` : "";
    const arm = status !== undefined ? `${status}${e.code ? " " + e.code : ""}: ${clean(e.message)}` : "";

    if (status === undefined) {
        const name = e.name ?? "Error";
        if (/AuthenticationError|CredentialUnavailable|AuthenticationRequired/i.test(name)) {
            return new Error(
                `${what} failed: no Azure access token for ${ctx.armEndpoint}/.default (${name}: ${clean(e.message)}). ` +
                    "DefaultAzureCredential tries, in order: environment variables (AZURE_TENANT_ID, AZURE_CLIENT_ID with " +
                    "AZURE_CLIENT_SECRET or AZURE_FEDERATED_TOKEN_FILE), workload identity, managed identity and the " +
                    "Azure CLI (az login); make one of them available.",
            );
        }
        return new Error(`${what} failed: could not reach ARM at ${ctx.armEndpoint} (${name}: ${clean(e.message)})`);
    }
    if (status === 400) {
        if (/WrongSubscription/i.test(e.code ?? "") || /WrongSubscription/i.test(e.message ?? "")) {
            return new Error(
                `${what} was rejected (${arm})${trace}. The notification hub must be in the same subscription as ` +
                    `the Communication Services resource (${subscriptionOf(acs)}); move the hub or create one there.`,
            );
        }
        return new Error(
            `${what} was rejected (${arm})${trace}. Check that notificationHubId is the ARM id of an existing hub ` +
                "and that connectionString is the connection string of an authorization rule of that hub with Send rights.",
        );
    }
    if (status === 401) {
        return new Error(
            `${what} failed: ARM at ${ctx.armEndpoint} did not accept the access token (${arm})${trace}. Sign in again ` +
                "(az login) or check the credentials DefaultAzureCredential uses, and that armEndpoint matches their cloud.",
        );
    }
    if (status === 403) {
        const action = ctx.operation === "link" ? LINK_ACTION : READ_ACTION;
        return new Error(
            `${what} is not allowed for the signed-in identity (${arm})${trace}. Grant it the permission ${action} ` +
                `on the scope ${acs} (or its resource group or subscription), e.g. through the Contributor role.`,
        );
    }
    if (status === 404) {
        return new Error(
            ctx.operation === "link"
                ? `${what} failed: not found (${arm})${trace}. Either the Communication Services resource ${acs} or ` +
                      `the notification hub ${ctx.notificationHubId} does not exist, or the identity cannot see it.`
                : `${what} failed: not found (${arm})${trace}.`,
        );
    }
    if (typeof e.retryAfterInMs === "number" && typeof e.maxRetryAfterInMs === "number") {
        // From retryAfterLimitPolicy: ARM asked for a longer wait than the provider makes.
        const duration = (ms: number) => (ms < 1000 ? `${Math.ceil(ms)} ms` : `${Math.ceil(ms / 1000)} s`);
        const asked = `ARM asked to wait ${duration(e.retryAfterInMs)} (Retry-After) before trying again`;
        const limit = `longer than the ${duration(e.maxRetryAfterInMs)} the provider waits`;
        return new Error(
            status === 429
                ? `${what} was throttled by ARM (${arm})${trace}; ${asked}, ${limit}. Run the deployment again after that.`
                : `${what} failed: ARM is unavailable (${arm})${trace}; ${asked}, ${limit}. ` +
                      "Run the deployment again after that.",
        );
    }
    if (status === 429) {
        // Retried only while ARM sent Retry-After (it always does for throttling).
        return new Error(
            `${what} was throttled by ARM (${arm})${trace}, also after waiting as asked; run the deployment again later.`,
        );
    }
    if (status >= 500) {
        return new Error(
            `${what} failed after ${ctx.retryOptions.maxRetries} retries (${arm})${trace}. ARM is throttling or ` +
                "unavailable; run the deployment again later.",
        );
    }
    return new Error(`${what} failed (${arm})${trace}.`);
}
