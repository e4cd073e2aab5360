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
 * Pulumi serializes the provider object together with every function it reaches (here, in ./armIds.ts and
 * ./armErrors.ts), and runs the result in a separate process. So these modules require npm packages only
 * inside the functions that use them and keep types-only imports at the top.
 */
import type { TokenCredential } from "@azure/core-auth";
import type { CommunicationServiceManagementClient } from "@azure/arm-communication";
import type * as pulumi from "@pulumi/pulumi";
import { ArmRetryOptions, DEFAULT_MAX_RETRY_AFTER_MS, DEFAULT_RETRY_OPTIONS, describeArmFailure, retryAfterLimitPolicy, scrub } from "./armErrors";
import {
    authorityHostFor,
    communicationServiceIdOfLink,
    connectionStringProblem,
    endpointOrRaw,
    hashConnectionString,
    linkResourceId,
    normalizeArmEndpoint,
    parseCommunicationServiceId,
    parseNotificationHubId,
    sameArmId,
} from "./armIds";

/** The ARM api-version of every call; the GA version `@azure/arm-communication` 4.2.0 was generated from. */
export const LINK_API_VERSION = "2025-09-01";

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

/** Dynamic providers normally receive plain values; unwrap a secret envelope should one arrive. */
function plain<T>(value: T): T {
    const rpc = require("@pulumi/pulumi/runtime/rpc") as typeof import("@pulumi/pulumi/runtime/rpc");
    if (value && typeof value === "object" && rpc.specialSigKey in (value as object)) {
        return (value as unknown as { value: T }).value;
    }
    return value;
}

/** The value a dynamic provider sees for an input not known during preview. */
function isUnknown(value: unknown): boolean {
    const rpc = require("@pulumi/pulumi/runtime/rpc") as typeof import("@pulumi/pulumi/runtime/rpc");
    return value === rpc.unknownValue;
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
            const communicationServiceId = props?.communicationServiceId ?? communicationServiceIdOfLink(id);
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
