// The configuration keys of the stack's alerts: who is notified (e-mail addresses, webhook URLs), over which
// window the metrics are counted, and the threshold of every alert. ./configKeys.ts lists them with the
// other keys; ./alerts.ts says which metric each threshold applies to.

import { shown } from "./problems";

/** Windows a metric alert may count over that the program offers (ARM allows these and a few longer ones). */
export const ALERT_WINDOWS_MINUTES = [5, 15, 30, 60] as const;

const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s.]+$/;

/** The alert e-mail addresses: every entry an address, none twice. */
export function checkAlertEmails(entries: readonly string[]): string[] {
    const problems = entries
        .filter((entry) => !EMAIL.test(entry))
        .map((entry) => `entry ${shown(entry)} is not an e-mail address`);
    if (new Set(entries.map((e) => e.toLowerCase())).size !== entries.length) {
        problems.push("must not list an address twice");
    }
    return problems;
}

/** The webhook URLs as configured: one or more, separated by white space. */
export function splitWebhookUrls(text: string): string[] {
    return text.split(/\s+/).filter((url) => url !== "");
}

/** The webhook URLs are a secret: a problem names the entry by its position, never by its value. */
export function checkAlertWebhookUrls(text: string): string | undefined {
    const urls = splitWebhookUrls(text);
    const bad = urls.flatMap((url, index) => {
        try {
            const parsed = new URL(url);
            return parsed.protocol === "https:" && parsed.hostname !== "" ? [] : [index + 1];
        } catch {
            return [index + 1];
        }
    });
    if (bad.length > 0) {
        const which = bad.length === 1 ? `entry ${bad[0]} of ${urls.length} is not` : `entries ${bad.join(", ")} of ${urls.length} are not`;
        return `${which} an absolute https:// URL (URLs are separated by spaces)`;
    }
    return new Set(urls).size === urls.length ? undefined : "must not list a URL twice";
}

/** An alert threshold: the alert fires when the metric's count in the window exceeds it. */
function threshold<K extends string>(key: K, subject: string, defaultValue: number, example: string) {
    return {
        key,
        section: "monitoring",
        type: "integer",
        description: `Alert threshold for ${subject}: the alert fires when more than this many occur in the alert window (0 = any).`,
        rule: "0-100000; the alert fires when the count over `alertWindowMinutes` exceeds it",
        default: defaultValue,
        min: 0,
        max: 100_000,
        example,
    } as const;
}

export const ALERT_KEYS = [
    {
        key: "alertEmails",
        section: "monitoring",
        type: "array",
        description: "E-mail addresses the stack's alerts notify (the action group's e-mail receivers).",
        rule: "e-mail addresses, none twice; empty (and no webhook) = the alerts still fire, visible in the Azure portal, but notify no one",
        default: [],
        example: '["oncall@contoso.com"]',
        check: checkAlertEmails,
    },
    {
        key: "alertWebhookUrls",
        section: "monitoring",
        type: "string",
        description: "Webhook URLs the alerts are posted to (common alert schema), separated by white space; secret, since such URLs often carry a token.",
        rule: "absolute `https://` URLs separated by spaces or line breaks, none twice; set from a file, so no token lands in the shell history: `pulumi config set --secret alertWebhookUrls < urls.txt`",
        secret: true,
        default: "",
        defaultText: '`""` = no webhook',
        example: "https://hooks.contoso.com/azure-alerts?token=...",
        check: checkAlertWebhookUrls,
    },
    {
        key: "alertWindowMinutes",
        section: "monitoring",
        type: "integer",
        description: "Minutes over which every alert counts its metric (evaluated every 5 minutes): 5, 15, 30 or 60.",
        rule: "`5`, `15`, `30` or `60`",
        default: 15,
        min: 5,
        max: 60,
        example: "30",
        check: (value: number) =>
            (ALERT_WINDOWS_MINUTES as readonly number[]).includes(value) ? undefined : `must be one of ${ALERT_WINDOWS_MINUTES.join(", ")}`,
    },
    threshold("alertDeadLetteredEvents", "dead-lettered events", 0, "5"),
    threshold("alertDroppedEvents", "dropped events", 0, "5"),
    threshold("alertFailedDeliveries", "failed Event Grid delivery attempts", 10, "50"),
    threshold("alertFunctionServerErrors", "HTTP 5xx answers of the function app", 5, "20"),
    threshold("alertFailedExecutions", "failed function executions", 5, "20"),
    threshold("alertPushErrors", "push errors (APNs or FCM unreachable or failing), per hub", 10, "50"),
    threshold("alertHubFailedRequests", "failed requests to a hub (sends and registrations it refused), per hub", 10, "50"),
    threshold("alertPushThrottled", "pushes FCM throttled, per hub", 10, "50"),
    threshold("alertCredentialErrors", "pushes APNs or FCM refused for the hub's credentials, per hub", 0, "1"),
] as const;

export type AlertThresholdKey = Extract<(typeof ALERT_KEYS)[number], { min: 0 }>["key"];

/** The threshold keys, in declaration order. */
export const ALERT_THRESHOLD_KEYS = ALERT_KEYS.filter((k) => k.type === "integer" && k.min === 0).map((k) => k.key) as AlertThresholdKey[];
