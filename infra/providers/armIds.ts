/**
 * The link provider's inputs as ARM sees them: resource ids, the Resource Manager endpoint and its Entra ID
 * authority, and the hub connection string (checked and hashed, never shown).
 *
 * Part of the serialized dynamic provider (see ./notificationHubLinkProvider.ts): packages are required inside
 * the functions that use them, never at the top.
 */

export const DEFAULT_ARM_ENDPOINT = "https://management.azure.com";

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

/** The subscription of a Communication Services id, for messages; never throws. */
export function subscriptionOf(communicationServiceId: string): string {
    try {
        return "subscription " + parseCommunicationServiceId(communicationServiceId).subscriptionId;
    } catch {
        return "its subscription";
    }
}

/** ARM ids are case-insensitive; a trailing slash is not significant. */
export function sameArmId(a: string | undefined, b: string | undefined): boolean {
    const norm = (s: string | undefined) => (s ?? "").trim().replace(/\/+$/, "").toLowerCase();
    return norm(a) === norm(b);
}

const LINK_ID_SUFFIX = "/notificationHubLink";

/** The link has no ARM id of its own; its Pulumi id is the Communication Services id plus this suffix. */
export function linkResourceId(communicationServiceId: string): string {
    return communicationServiceId + LINK_ID_SUFFIX;
}

/** The Communication Services id inside a link id (or the id itself when it has no link suffix). */
export function communicationServiceIdOfLink(id: string): string {
    return id.endsWith(LINK_ID_SUFFIX) ? id.slice(0, -LINK_ID_SUFFIX.length) : id;
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

/** The normalized endpoint, or the raw text when it is not one (so a diff still sees the change). */
export function endpointOrRaw(endpoint: string | undefined): string {
    try {
        return normalizeArmEndpoint(endpoint);
    } catch {
        return String(endpoint);
    }
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
