// Checks of the live resources through Resource Manager: the hub link, both hubs' push credentials, and the
// Event Grid subscriptions.
import { LINK_API_VERSION } from "../../providers/notificationHubLinkProvider";
import { armFinding, armGet, Check, CheckResult, finding, nameOf, ok, sameId } from "./model";

/** Microsoft.NotificationHubs: the version with FCM v1 credentials (the one the stack deploys with). */
export const HUBS_API_VERSION = "2023-10-01-preview";
/** Microsoft.EventGrid: the version the stack's system topic subscriptions are deployed with. */
export const EVENT_GRID_API_VERSION = "2025-02-15";

const LINK = "doctor-acs-link";
const CREDENTIALS = "doctor-hub-credentials";
const SUBSCRIPTIONS = "doctor-event-subscriptions";

/** ACS reports the hub it pushes incoming calls through as `properties.notificationHubId`. */
export const checkLink: Check = async ({ stack, outputs, client }) => {
    const check = "ACS link";
    const read = await armGet(client, outputs.acsResourceId, LINK_API_VERSION, (answer) =>
        armFinding(check, LINK, answer, `the Communication Services resource ${outputs.acsResourceName}`, "Reader", stack),
    );
    if ("result" in read) return [read.result];
    const linked: unknown = read.body.properties?.notificationHubId;
    if (sameId(String(linked ?? ""), outputs.callsHubId)) {
        return [ok(check, LINK, `${outputs.acsResourceName} pushes incoming calls through the calls hub ${outputs.callsHubName}.`)];
    }
    const fix =
        `Run \`pulumi refresh -s ${stack}\` (the link resource then sees the difference), then \`scripts/up.sh ${stack}\` to link the calls hub again; ` +
        "the data plane takes up to 10 minutes to follow.";
    const detail =
        typeof linked === "string" && linked !== ""
            ? `${outputs.acsResourceName} is linked to ${nameOf(linked)}, not to the calls hub ${outputs.callsHubName}: incoming-call pushes go elsewhere.`
            : `${outputs.acsResourceName} has no linked hub: ACS sends no incoming-call pushes.`;
    return [finding(check, LINK, detail, fix)];
};

/** What is wrong with a hub's APNs credential (`properties` of `apnsCredential`), or nothing. */
export function apnsProblems(apns: any, expected: { endpoint: string; appName: string }): string[] {
    if (!apns) return ["it has no APNs credential"];
    const problems: string[] = [];
    if (apns.apnsCertificate || !apns.keyId || !apns.token) problems.push("it is not in token mode (ACS rejects certificate credentials)");
    if (apns.endpoint !== expected.endpoint) problems.push(`its endpoint is ${apns.endpoint ?? "not set"}, the stack's is ${expected.endpoint}`);
    if (apns.appName !== expected.appName) problems.push(`its app (bundle) id is ${apns.appName ?? "not set"}, the hub needs ${expected.appName}`);
    return problems;
}

/** What is wrong with a hub's FCM v1 credential (`properties` of `fcmV1Credential`), or nothing. */
export function fcmProblems(fcm: any, expected: { projectId: string }): string[] {
    if (!fcm) return ["it has no FCM v1 credential"];
    const problems: string[] = [];
    if (fcm.projectId !== expected.projectId) problems.push(`its project is ${fcm.projectId ?? "not set"}, the stack's is ${expected.projectId}`);
    if (!fcm.clientEmail || !fcm.privateKey) problems.push("its service account e-mail or private key is empty");
    return problems;
}

/** Both hubs hold an APNs token credential for the stack's endpoint and an FCM v1 credential. */
export const checkHubCredentials: Check = async ({ stack, outputs, client }) => {
    const hubs = [
        { role: "calls hub", name: outputs.callsHubName, id: outputs.callsHubId },
        { role: "alerts hub", name: outputs.alertsHubName, id: outputs.alertsHubId },
    ];
    const results: CheckResult[] = [];
    for (const hub of hubs) {
        // POST: the credentials are write-only on the hub's GET.
        const answer = await client.armRequest("POST", `${hub.id}/pnsCredentials`, HUBS_API_VERSION);
        if (answer.status < 200 || answer.status >= 300) {
            const permission = "Contributor (Microsoft.NotificationHubs/namespaces/notificationHubs/pnsCredentials/action)";
            results.push(armFinding(`${hub.role} credentials`, CREDENTIALS, answer, `the credentials of the ${hub.role} ${hub.name}`, permission, stack));
            continue;
        }
        const pns = answer.json?.properties ?? {};
        const fix =
            `Run \`pulumi refresh -s ${stack}\`, then \`scripts/up.sh ${stack}\`: the credentials are write-only in ARM, so refresh is ` +
            "what lets the next update write them again from the stack configuration.";
        const platforms = [
            { what: "APNs credential", problems: apnsProblems(pns.apnsCredential?.properties, { endpoint: outputs.apnsEndpoint, appName: hub.name }) },
            { what: "FCM v1 credential", problems: fcmProblems(pns.fcmV1Credential?.properties, { projectId: outputs.fcmProjectId }) },
        ];
        for (const { what, problems } of platforms) {
            const check = `${hub.role} ${what}`;
            results.push(
                problems.length === 0
                    ? ok(check, CREDENTIALS, what.startsWith("APNs") ? `token mode, ${outputs.apnsEndpoint}, app ${hub.name}.` : `project ${outputs.fcmProjectId}.`)
                    : finding(check, CREDENTIALS, `On ${hub.name}, ${problems.join("; ")}.`, fix),
            );
        }
    }
    return results;
};

/** Every subscription provisioned, delivering the configured event types to this stack's webhook. */
export const checkEventSubscriptions: Check = async ({ stack, outputs, client }) => {
    const webhookBase = outputs.webhookEndpoint.toLowerCase();
    const results: CheckResult[] = [];
    for (const expected of outputs.eventSubscriptions) {
        const check = `Event Grid subscription ${expected.name}`;
        const read = await armGet(client, expected.id, EVENT_GRID_API_VERSION, (answer) =>
            armFinding(check, SUBSCRIPTIONS, answer, `the event subscription ${expected.name}`, "Reader", stack),
        );
        if ("result" in read) {
            results.push(read.result);
            continue;
        }
        const p = read.body.properties ?? {};
        const live: string[] = p.filter?.includedEventTypes ?? [];
        const missing = expected.eventTypes.filter((t) => !live.includes(t));
        const extra = live.filter((t) => !expected.eventTypes.includes(t));
        const endpoint = String(p.destination?.properties?.endpointBaseUrl ?? "");
        const problems = [
            ...(p.provisioningState !== "Succeeded" ? [`its provisioning state is ${p.provisioningState ?? "unknown"}, not Succeeded`] : []),
            ...(missing.length ? [`it does not deliver ${missing.join(", ")}`] : []),
            ...(extra.length ? [`it also delivers ${extra.join(", ")}, which the stack does not configure`] : []),
            ...(endpoint && endpoint.toLowerCase() !== webhookBase ? [`it delivers to ${endpoint}, not to this stack's webhook`] : []),
        ];
        results.push(
            problems.length === 0
                ? ok(check, SUBSCRIPTIONS, `Succeeded, delivering ${expected.eventTypes.length} event type(s) to the webhook.`)
                : finding(
                      check,
                      SUBSCRIPTIONS,
                      `${problems.join("; ")}.`,
                      p.provisioningState !== "Succeeded"
                          ? `A subscription fails when the webhook does not answer Event Grid's validation: see the webhook check, then run \`scripts/up.sh ${stack}\`.`
                          : `Run \`scripts/up.sh ${stack}\`: the program sets the filter and the endpoint again.`,
                  ),
        );
    }
    return results;
};
