/**
 * Provider logic behind `NotificationHubLink` (see ./notificationHubLink.ts for the resource itself).
 *
 *   create, update  POST {arm}/subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.Communication/
 *                        communicationServices/{name}/linkNotificationHub?api-version=2025-09-01
 *                        body {resourceId: <hub id>, connectionString: <Send-only key>} -> 200 {resourceId}
 *   read            GET  {arm}/.../communicationServices/{name}?api-version=2025-09-01 and report
 *                        properties.notificationHubId as `linkedHubId`
 *   delete          no ARM call: there is no unlink operation in any API version
 *
 * Pulumi serializes the provider object together with every function it reaches in this module, and runs
 * the result in a separate process. So this module imports npm packages only inside the functions that
 * use them (`require` at call time) and keeps types-only imports at the top.
 */
import type { TokenCredential } from "@azure/core-auth";
import type {
    CommunicationServiceManagementClient,
    CommunicationServiceManagementClientOptionalParams,
} from "@azure/arm-communication";
import type * as pulumi from "@pulumi/pulumi";

/** The ARM api-version of every call; the GA version `@azure/arm-communication` 4.2.0 was generated from. */
export const LINK_API_VERSION = "2025-09-01";
export const DEFAULT_ARM_ENDPOINT = "https://management.azure.com";
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

// rpc.unknownValue of @pulumi/pulumi: the value a dynamic provider sees for an input not known during preview.
const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
const SECRET_SIG_KEY = "4dabf18193072939515e22adb298388d";

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

/** What a call to ARM needs besides the resource inputs. Production uses `defaultArmSession`. */
export interface ArmSession {
    credential: TokenCredential;
    retryOptions: ArmRetryOptions;
    /** Extra TLS trust (tests serve ARM from loopback with a self-signed certificate). */
    tlsOptions?: { ca?: string | Buffer };
}

export type ArmSessionFactory = (armEndpoint: string) => ArmSession;

/** Plain (resolved) inputs, as the provider receives them. */
export interface LinkInputs {
    communicationServiceId: string;
    notificationHubId: string;
    connectionString: string;
    armEndpoint?: string;
}

/** What is kept in state. The connection string is not: only its SHA-256 hash. */
export interface LinkOutputs {
    communicationServiceId: string;
    notificationHubId: string;
    armEndpoint: string;
    /** The hub ARM reports as linked: the answer of the link call, or `properties.notificationHubId` on read. */
    linkedHubId: string;
    /** `sha256:<hex>` of the connection string; changes when the key is rotated. */
    connectionStringHash: string;
}

export interface CommunicationServiceRef {
    subscriptionId: string;
    resourceGroupName: string;
    name: string;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ACS_ID =
    /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.Communication\/communicationServices\/([^/]+)$/i;
const HUB_ID =
    /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.NotificationHubs\/namespaces\/([^/]+)\/notificationHubs\/([^/]+)$/i;

export function parseCommunicationServiceId(id: string): CommunicationServiceRef {
    const match = typeof id === "string" ? ACS_ID.exec(id.trim().replace(/\/+$/, "")) : null;
    if (!match) {
        throw new Error(
            `communicationServiceId ${JSON.stringify(id)} is not the ARM id of a Communication Services resource; ` +
                "expected /subscriptions/<subscription-id>/resourceGroups/<group>/providers/" +
                "Microsoft.Communication/communicationServices/<name>",
        );
    }
    const [, subscriptionId, resourceGroupName, name] = match;
    if (!GUID.test(subscriptionId)) {
        throw new Error(
            `communicationServiceId ${JSON.stringify(id)} names subscription ${JSON.stringify(subscriptionId)}, ` +
                "which is not a subscription id (a GUID such as 00000000-0000-0000-0000-000000000000)",
        );
    }
    return { subscriptionId, resourceGroupName, name };
}

/** Returns the subscription of a notification hub id, or throws naming the expected shape. */
export function parseNotificationHubId(id: string): { subscriptionId: string } {
    const match = typeof id === "string" ? HUB_ID.exec(id.trim().replace(/\/+$/, "")) : null;
    if (!match) {
        throw new Error(
            `notificationHubId ${JSON.stringify(id)} is not the ARM id of a notification hub; expected ` +
                "/subscriptions/<subscription-id>/resourceGroups/<group>/providers/Microsoft.NotificationHubs/" +
                "namespaces/<namespace>/notificationHubs/<hub>",
        );
    }
    return { subscriptionId: match[1] };
}

/** ARM ids are case-insensitive; a trailing slash is not significant. */
export function sameArmId(a: string | undefined, b: string | undefined): boolean {
    const norm = (s: string | undefined) => (s ?? "").trim().replace(/\/+$/, "").toLowerCase();
    return norm(a) === norm(b);
}

export function normalizeArmEndpoint(endpoint: string | undefined): string {
    const raw = endpoint === undefined || endpoint === null || endpoint === "" ? DEFAULT_ARM_ENDPOINT : endpoint;
    let url: URL;
    try {
        url = new URL(raw);
    } catch {
        throw new Error(`armEndpoint ${JSON.stringify(raw)} is not a URL; expected e.g. ${DEFAULT_ARM_ENDPOINT}`);
    }
    if (url.protocol !== "https:" || (url.pathname !== "/" && url.pathname !== "") || url.search || url.hash) {
        throw new Error(
            `armEndpoint ${JSON.stringify(raw)} must be an https origin without path, e.g. ${DEFAULT_ARM_ENDPOINT}`,
        );
    }
    return url.origin;
}

/** Entra ID authority of the sovereign clouds, for DefaultAzureCredential; undefined means the public cloud. */
export function authorityHostFor(armEndpoint: string): string | undefined {
    const host = new URL(armEndpoint).hostname.toLowerCase();
    if (host.endsWith(".usgovcloudapi.net")) return "https://login.microsoftonline.us";
    if (host.endsWith(".chinacloudapi.cn")) return "https://login.chinacloudapi.cn";
    return undefined;
}

export function hashConnectionString(connectionString: string): string {
    const { createHash } = require("node:crypto") as typeof import("node:crypto");
    return "sha256:" + createHash("sha256").update(connectionString, "utf8").digest("hex");
}

/** Checks the shape of a Notification Hubs connection string; the message never contains the value. */
export function connectionStringProblem(connectionString: unknown): string | undefined {
    if (typeof connectionString !== "string" || connectionString.trim() === "") {
        return "connectionString is empty; pass the connection string of the hub's Send-only authorization rule";
    }
    const parts = new Map<string, string>();
    for (const part of connectionString.split(";")) {
        const at = part.indexOf("=");
        if (at > 0) parts.set(part.slice(0, at).trim().toLowerCase(), part.slice(at + 1).trim());
    }
    const missing = ["Endpoint", "SharedAccessKeyName", "SharedAccessKey"].filter((k) => !parts.get(k.toLowerCase()));
    if (missing.length > 0) {
        return (
            `connectionString lacks ${missing.join(", ")}; expected ` +
            "Endpoint=sb://<namespace>.servicebus.windows.net/;SharedAccessKeyName=<rule>;SharedAccessKey=<key>"
        );
    }
    return undefined;
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

/** Dynamic providers normally receive plain values; unwrap a secret envelope should one arrive. */
function plain<T>(value: T): T {
    if (value && typeof value === "object" && SECRET_SIG_KEY in (value as object)) {
        return (value as unknown as { value: T }).value;
    }
    return value;
}

function isUnknown(value: unknown): boolean {
    return value === UNKNOWN;
}

function resolveInputs(raw: LinkInputs): LinkInputs {
    return {
        communicationServiceId: plain(raw.communicationServiceId),
        notificationHubId: plain(raw.notificationHubId),
        connectionString: plain(raw.connectionString),
        armEndpoint: plain(raw.armEndpoint),
    };
}

/** Production session: DefaultAzureCredential (az login, service principal or federated env vars, managed identity). */
export function defaultArmSession(armEndpoint: string): ArmSession {
    const { DefaultAzureCredential } = require("@azure/identity") as typeof import("@azure/identity");
    const authorityHost = process.env.AZURE_AUTHORITY_HOST || authorityHostFor(armEndpoint);
    return {
        credential: new DefaultAzureCredential(authorityHost ? { authorityHost } : {}),
        retryOptions: DEFAULT_RETRY_OPTIONS,
    };
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

function armClient(session: ArmSession, armEndpoint: string, subscriptionId: string): CommunicationServiceManagementClient {
    const sdk = require("@azure/arm-communication") as typeof import("@azure/arm-communication");
    const { maxRetryAfterInMs, ...retryOptions } = session.retryOptions;
    return new sdk.CommunicationServiceManagementClient(session.credential, subscriptionId, {
        endpoint: armEndpoint,
        credentialScopes: [`${armEndpoint}/.default`],
        apiVersion: LINK_API_VERSION,
        retryOptions,
        tlsOptions: session.tlsOptions,
        additionalPolicies: [
            { policy: retryAfterLimitPolicy(maxRetryAfterInMs ?? DEFAULT_MAX_RETRY_AFTER_MS), position: "perRetry" },
        ],
    });
}

interface FailureContext {
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

function subscriptionOf(communicationServiceId: string): string {
    try {
        return "subscription " + parseCommunicationServiceId(communicationServiceId).subscriptionId;
    } catch {
        return "its subscription";
    }
}

/** POST linkNotificationHub and return the state to keep. */
export async function linkNotificationHub(raw: LinkInputs, sessionFactory: ArmSessionFactory): Promise<LinkOutputs> {
    const inputs = resolveInputs(raw);
    const armEndpoint = normalizeArmEndpoint(inputs.armEndpoint);
    const acs = parseCommunicationServiceId(inputs.communicationServiceId);
    parseNotificationHubId(inputs.notificationHubId);
    const problem = connectionStringProblem(inputs.connectionString);
    if (problem) throw new Error(problem);

    const session = sessionFactory(armEndpoint);
    const client = armClient(session, armEndpoint, acs.subscriptionId);
    let answer: { resourceId?: string };
    try {
        answer = await client.communicationServices.linkNotificationHub(acs.resourceGroupName, acs.name, {
            linkNotificationHubParameters: {
                resourceId: inputs.notificationHubId,
                connectionString: inputs.connectionString,
            },
        });
    } catch (error) {
        throw describeArmFailure(error, {
            operation: "link",
            communicationServiceId: inputs.communicationServiceId,
            notificationHubId: inputs.notificationHubId,
            armEndpoint,
            connectionString: inputs.connectionString,
            retryOptions: session.retryOptions,
        });
    }
    if (!sameArmId(answer?.resourceId, inputs.notificationHubId)) {
        throw new Error(
            `linkNotificationHub on ${inputs.communicationServiceId} answered with resourceId ` +
                `${JSON.stringify(scrub(String(answer?.resourceId ?? ""), inputs.connectionString))}, ` +
                `not the requested hub ${inputs.notificationHubId}`,
        );
    }
    return {
        communicationServiceId: inputs.communicationServiceId,
        notificationHubId: inputs.notificationHubId,
        armEndpoint,
        linkedHubId: answer.resourceId as string,
        connectionStringHash: hashConnectionString(inputs.connectionString),
    };
}

/**
 * GET the Communication Services resource and report the hub it is linked to ("" when none).
 * Returns undefined when the resource no longer exists.
 */
export async function readLinkedHubId(
    communicationServiceId: string,
    armEndpointInput: string | undefined,
    sessionFactory: ArmSessionFactory,
): Promise<string | undefined> {
    const armEndpoint = normalizeArmEndpoint(armEndpointInput);
    const acs = parseCommunicationServiceId(communicationServiceId);
    const session = sessionFactory(armEndpoint);
    const client = armClient(session, armEndpoint, acs.subscriptionId);
    try {
        const resource = await client.communicationServices.get(acs.resourceGroupName, acs.name);
        return resource.notificationHubId ?? "";
    } catch (error) {
        if ((error as { statusCode?: number })?.statusCode === 404) return undefined;
        throw describeArmFailure(error, {
            operation: "read",
            communicationServiceId,
            armEndpoint,
            retryOptions: session.retryOptions,
        });
    }
}

const ID_SUFFIX = "/notificationHubLink";

/** The link has no ARM id of its own; its Pulumi id is the Communication Services id plus this suffix. */
export function linkResourceId(communicationServiceId: string): string {
    return communicationServiceId + ID_SUFFIX;
}

/** Pure diff, exported for tests; see `createNotificationHubLinkProvider`. */
export function diffLink(olds: Partial<LinkOutputs>, rawNews: LinkInputs): pulumi.dynamic.DiffResult {
    const news = resolveInputs(rawNews);
    const replaces: string[] = [];
    const updates: string[] = [];
    if (isUnknown(news.communicationServiceId) || !sameArmId(olds.communicationServiceId, news.communicationServiceId)) {
        replaces.push("communicationServiceId");
    }
    if (isUnknown(news.notificationHubId) || !sameArmId(olds.notificationHubId, news.notificationHubId)) {
        updates.push("notificationHubId");
    } else if (!sameArmId(olds.linkedHubId, news.notificationHubId)) {
        // A refresh found the link removed or pointed elsewhere (portal, another tool): link again.
        updates.push("linkedHubId");
    }
    if (
        isUnknown(news.connectionString) ||
        typeof news.connectionString !== "string" ||
        olds.connectionStringHash !== hashConnectionString(news.connectionString)
    ) {
        updates.push("connectionString");
    }
    if (isUnknown(news.armEndpoint) || endpointOrRaw(olds.armEndpoint) !== endpointOrRaw(news.armEndpoint)) {
        updates.push("armEndpoint");
    }
    return {
        changes: replaces.length + updates.length > 0,
        replaces,
        deleteBeforeReplace: false,
    };
}

function endpointOrRaw(endpoint: string | undefined): string {
    try {
        return normalizeArmEndpoint(endpoint);
    } catch {
        return String(endpoint);
    }
}

/** Input validation for `check`; values unknown during preview are skipped. Never echoes the connection string. */
export function checkLink(rawNews: LinkInputs): pulumi.dynamic.CheckFailure[] {
    const news = resolveInputs(rawNews);
    const failures: pulumi.dynamic.CheckFailure[] = [];
    const attempt = (property: string, value: unknown, validate: () => unknown) => {
        if (isUnknown(value)) return;
        try {
            validate();
        } catch (error) {
            failures.push({ property, reason: (error as Error).message });
        }
    };
    attempt("communicationServiceId", news.communicationServiceId, () =>
        parseCommunicationServiceId(news.communicationServiceId),
    );
    attempt("notificationHubId", news.notificationHubId, () => parseNotificationHubId(news.notificationHubId));
    attempt("connectionString", news.connectionString, () => {
        const problem = connectionStringProblem(news.connectionString);
        if (problem) throw new Error(problem);
    });
    attempt("armEndpoint", news.armEndpoint, () => normalizeArmEndpoint(news.armEndpoint));
    if (failures.length === 0 && !isUnknown(news.communicationServiceId) && !isUnknown(news.notificationHubId)) {
        // ARM would answer 400 WrongSubscription; say so at preview time instead.
        const acsSubscription = parseCommunicationServiceId(news.communicationServiceId).subscriptionId;
        const hubSubscription = parseNotificationHubId(news.notificationHubId).subscriptionId;
        if (acsSubscription.toLowerCase() !== hubSubscription.toLowerCase()) {
            failures.push({
                property: "notificationHubId",
                reason:
                    `the notification hub is in subscription ${hubSubscription}, but it must be in the subscription ` +
                    `of the Communication Services resource (${acsSubscription})`,
            });
        }
    }
    return failures;
}

/**
 * The dynamic provider. `sessionFactory` supplies the credential and pipeline settings; production passes
 * `defaultArmSession`, tests pass a fake credential and a loopback CA.
 */
export function createNotificationHubLinkProvider(
    sessionFactory: ArmSessionFactory,
): pulumi.dynamic.ResourceProvider<LinkInputs, LinkOutputs> {
    return {
        async check(_olds: LinkInputs, news: LinkInputs) {
            return { inputs: news, failures: checkLink(news) };
        },

        async diff(_id: string, olds: LinkOutputs, news: LinkInputs) {
            return diffLink(olds, news);
        },

        async create(inputs: LinkInputs) {
            const outs = await linkNotificationHub(inputs, sessionFactory);
            return { id: linkResourceId(outs.communicationServiceId), outs };
        },

        async update(_id: string, _olds: LinkOutputs, news: LinkInputs) {
            return { outs: await linkNotificationHub(news, sessionFactory) };
        },

        async read(id: string, props?: LinkOutputs) {
            const communicationServiceId =
                props?.communicationServiceId ?? (id.endsWith(ID_SUFFIX) ? id.slice(0, -ID_SUFFIX.length) : id);
            const linkedHubId = await readLinkedHubId(communicationServiceId, props?.armEndpoint, sessionFactory);
            if (linkedHubId === undefined) {
                // The Communication Services resource is gone, and the link with it.
                return { id: "", props: {} as LinkOutputs };
            }
            return {
                id,
                props: {
                    communicationServiceId,
                    notificationHubId: props?.notificationHubId ?? linkedHubId,
                    armEndpoint: normalizeArmEndpoint(props?.armEndpoint),
                    linkedHubId,
                    // ARM never returns the connection string; the hash of the last one linked is all we know.
                    connectionStringHash: props?.connectionStringHash ?? "",
                },
            };
        },

        async delete() {
            // No ARM operation removes a link (no API version has one). Deleting this resource only forgets it;
            // the hub stays linked until another hub is linked or it is disconnected in the portal.
        },
    };
}
