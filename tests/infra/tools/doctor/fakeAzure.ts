// A loopback fake of the Azure a deployed dev stack talks to: Resource Manager, the dead-letter container's
// Blob service and the function app's webhook, on the HTTPS server of tests/infra/helpers/armServer.ts.
// The stack outputs name the real hosts; `httpClient` sends every request to the loopback server instead
// and records the host it was meant for. `state` is the live stack: healthy until a test changes it.
import type { TokenCredential } from "@azure/core-auth";
import { createDefaultHttpClient, HttpClient } from "@azure/core-rest-pipeline";
import { ArmReply, ArmServer, armError, RecordedRequest } from "../../helpers/armServer";
import { ALERT_KEYS } from "../../../../infra/lib/alertKeys";
import { alertRules, AlertSettings } from "../../../../infra/lib/alerts";
import type { DoctorOutputs } from "../../../../infra/tools/doctor/outputs";

const SUB = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-acspush-dev/providers";
const NS = `${SUB}/Microsoft.NotificationHubs/namespaces/ntfns-acspush-dev-138a9d/notificationHubs`;
const TOPIC = `${SUB}/Microsoft.EventGrid/systemTopics/evgt-acspush-dev`;
const INSIGHTS = `${SUB}/Microsoft.Insights`;

/** The webhook's function key, with characters that are URL-encoded in the URL. */
export const FUNCTION_KEY = "fUnCt10nKey/with+plus==";
/** Credential material the fake hub reports: none of it may ever be printed. */
export const APNS_TOKEN = "MIGTAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBHkwdwIBAQQgAPNSsecret";
export const FCM_PRIVATE_KEY = "-----BEGIN PRIVATE KEY-----\nMIIEvFCMsecret\n-----END PRIVATE KEY-----\n";
export const SECRETS = [FUNCTION_KEY, encodeURIComponent(FUNCTION_KEY), APNS_TOKEN, "APNSsecret", "FCMsecret", "PRIVATE KEY"];

const CHAT_TYPES = ["Microsoft.Communication.ChatMessageReceived", "Microsoft.Communication.ChatThreadCreatedWithUser"];
const THRESHOLDS = Object.fromEntries(ALERT_KEYS.filter((k) => k.type === "integer").map((k) => [k.key, k.default])) as AlertSettings["thresholds"];
/** The dev stack's 15 alert rules. */
const RULES = alertRules({ namePrefix: "acspush", environment: "dev", windowMinutes: 15, thresholds: THRESHOLDS }).map((r) => `${INSIGHTS}/metricAlerts/${r.ruleName}`);

export const OUTPUTS: DoctorOutputs = {
    armEndpoint: "https://management.azure.com",
    acsResourceName: "acs-acspush-dev-138a9d",
    acsResourceId: `${SUB}/Microsoft.Communication/communicationServices/acs-acspush-dev-138a9d`,
    callsHubName: "com.contoso.chat.voip",
    callsHubId: `${NS}/com.contoso.chat.voip`,
    alertsHubName: "com.contoso.chat",
    alertsHubId: `${NS}/com.contoso.chat`,
    apnsEndpoint: "https://api.development.push.apple.com:443/3/device",
    fcmProjectId: "contoso-chat-dev",
    eventSubscriptions: [{ name: "chat-events", id: `${TOPIC}/eventSubscriptions/chat-events`, eventTypes: CHAT_TYPES }],
    webhookEndpoint: "https://func-acspush-dev-138a9d.azurewebsites.net/api/events",
    webhookFunctionId: `${SUB}/Microsoft.Web/sites/func-acspush-dev-138a9d/functions/EventGridWebhook`,
    deadLetterContainerUrl: "https://stdlacspushdev138a9d.blob.core.windows.net/event-dead-letters",
    actionGroupId: `${INSIGHTS}/actionGroups/ag-acspush-dev`,
    alertRuleIds: RULES,
};

export interface HubState {
    apns?: Record<string, unknown>;
    fcm?: Record<string, unknown>;
    /** Replaces the answer to the credentials call. */
    reply?: ArmReply;
}

export interface FakeState {
    acs: ArmReply | { linkedHubId: string };
    hubs: Record<string, HubState>;
    subscription: ArmReply | { provisioningState: string; eventTypes: string[]; endpointBaseUrl: string };
    webhook: ArmReply | "answers";
    /** The answer to reading the webhook function's keys through Resource Manager. */
    functionKeys: ArmReply | "answers";
    /** Last-modified times of the dead-lettered blobs, and how many a list page holds. */
    deadLetters: { blobs: string[]; pageSize: number } | ArmReply;
    actionGroup: ArmReply | { enabled: boolean; emails: string[] };
    rules: Record<string, ArmReply | { enabled: boolean; actionGroupId: string }>;
}

export function healthyState(): FakeState {
    const hub = (appName: string): HubState => ({
        apns: { endpoint: OUTPUTS.apnsEndpoint, appName, appId: "ABCDE12345", keyId: "KEY1234567", token: APNS_TOKEN },
        fcm: { projectId: OUTPUTS.fcmProjectId, clientEmail: "firebase-adminsdk-abc12@contoso-chat-dev.iam.gserviceaccount.com", privateKey: FCM_PRIVATE_KEY },
    });
    return {
        acs: { linkedHubId: OUTPUTS.callsHubId },
        hubs: { [OUTPUTS.callsHubId]: hub(OUTPUTS.callsHubName), [OUTPUTS.alertsHubId]: hub(OUTPUTS.alertsHubName) },
        subscription: { provisioningState: "Succeeded", eventTypes: [...CHAT_TYPES], endpointBaseUrl: OUTPUTS.webhookEndpoint },
        webhook: "answers",
        functionKeys: "answers",
        deadLetters: { blobs: [], pageSize: 5000 },
        actionGroup: { enabled: true, emails: ["mobile-team-dev@contoso.com"] },
        rules: Object.fromEntries(RULES.map((id) => [id, { enabled: true, actionGroupId: OUTPUTS.actionGroupId }])),
    };
}

const isReply = (v: unknown): v is ArmReply => typeof v === "object" && v !== null && "status" in v;
const ok = (body: unknown): ArmReply => ({ status: 200, body });

function blobPage(blobs: string[], pageSize: number, marker: string | null): ArmReply {
    const start = marker ? Number(marker) : 0;
    const page = blobs.slice(start, start + pageSize);
    const next = start + pageSize < blobs.length ? String(start + pageSize) : "";
    const items = page.map((modified, i) => `<Blob><Name>CHAT-EVENTS/2026/11/28/10/00000000-0000-4000-8000-${String(start + i).padStart(12, "0")}.json</Name><Properties><Last-Modified>${modified}</Last-Modified></Properties></Blob>`);
    const xml = `<?xml version="1.0" encoding="utf-8"?><EnumerationResults><Blobs>${items.join("")}</Blobs><NextMarker>${next}</NextMarker></EnumerationResults>`;
    return { status: 200, headers: { "content-type": "application/xml" }, rawBody: xml };
}

/** Answers like Azure for the live `state`. */
export function fakeAzure(state: FakeState): (request: RecordedRequest) => ArmReply {
    return (r) => {
        const host = String(r.headers["x-fake-host"]);
        if (host === "func-acspush-dev-138a9d.azurewebsites.net" && r.path === "/api/events" && r.method === "OPTIONS") {
            if (isReply(state.webhook)) return state.webhook;
            if (r.query.get("code") !== FUNCTION_KEY) return { status: 401 };
            const origin = String(r.headers["webhook-request-origin"] ?? "");
            return origin ? { status: 200, headers: { "WebHook-Allowed-Origin": origin, "WebHook-Allowed-Rate": "*" } } : { status: 400 };
        }
        if (host === "stdlacspushdev138a9d.blob.core.windows.net" && r.path === "/event-dead-letters" && r.query.get("comp") === "list") {
            return isReply(state.deadLetters) ? state.deadLetters : blobPage(state.deadLetters.blobs, state.deadLetters.pageSize, r.query.get("marker"));
        }
        if (host !== "management.azure.com") return { status: 404 };
        const id = r.path;
        if (r.method === "POST" && id === `${OUTPUTS.webhookFunctionId}/listkeys`) {
            return isReply(state.functionKeys) ? state.functionKeys : ok({ id: OUTPUTS.webhookFunctionId, properties: { default: FUNCTION_KEY } });
        }
        if (r.method === "GET" && id === OUTPUTS.acsResourceId) {
            return isReply(state.acs) ? state.acs : ok({ id, properties: { notificationHubId: state.acs.linkedHubId } });
        }
        const hub = r.method === "POST" && id.endsWith("/pnsCredentials") ? state.hubs[id.slice(0, -"/pnsCredentials".length)] : undefined;
        if (hub) {
            if (hub.reply) return hub.reply;
            const properties: Record<string, unknown> = {};
            if (hub.apns) properties.apnsCredential = { properties: hub.apns };
            if (hub.fcm) properties.fcmV1Credential = { properties: hub.fcm };
            return ok({ id, type: "Microsoft.NotificationHubs/namespaces/notificationHubs/pnsCredentials", properties });
        }
        if (r.method === "GET" && id === OUTPUTS.eventSubscriptions[0].id) {
            const s = state.subscription;
            return isReply(s)
                ? s
                : ok({ id, properties: { provisioningState: s.provisioningState, filter: { includedEventTypes: s.eventTypes }, destination: { endpointType: "WebHook", properties: { endpointBaseUrl: s.endpointBaseUrl } } } });
        }
        if (r.method === "GET" && id === OUTPUTS.actionGroupId) {
            const g = state.actionGroup;
            return isReply(g) ? g : ok({ id, properties: { enabled: g.enabled, emailReceivers: g.emails.map((emailAddress, i) => ({ name: `email-${i + 1}`, emailAddress })) } });
        }
        const rule = r.method === "GET" ? state.rules[id] : undefined;
        if (rule) return isReply(rule) ? rule : ok({ id, properties: { enabled: rule.enabled, actions: [{ actionGroupId: rule.actionGroupId }] } });
        return armError(404, "ResourceNotFound", `The resource '${id}' was not found.`);
    };
}

/** Sends every request to the loopback server, keeping the host it was meant for in `x-fake-host`. */
export function loopbackClient(server: ArmServer): HttpClient {
    const inner = createDefaultHttpClient();
    const loopback = new URL(server.endpoint);
    return {
        sendRequest: (request) => {
            const url = new URL(request.url);
            request.headers.set("x-fake-host", url.host);
            url.protocol = loopback.protocol;
            url.host = loopback.host;
            request.url = url.toString();
            return inner.sendRequest(request);
        },
    };
}

/** A credential that hands out a token naming its audience, so tests see which token went where. */
export const fakeCredential: TokenCredential = {
    getToken: async (scopes) => {
        const scope = Array.isArray(scopes) ? scopes[0] : scopes;
        return { token: scope.startsWith("https://storage.azure.com") ? "storage-token" : "arm-token", expiresOnTimestamp: Date.now() + 3_600_000 };
    },
};
