// The stack's alerts: which platform metric each one watches, on which resource, and where the runbook says
// what to do. Pure data and naming; infra/components/monitoring.ts turns them into Azure Monitor resources.
//
// Metric names and dimensions are the ones Azure Monitor lists under "Supported metrics" for each resource
// type (learn.microsoft.com/azure/azure-monitor/reference/supported-metrics/...).

import type { AlertThresholdKey } from "./alertKeys";

/** The resources an alert can watch. */
export type AlertTarget = "systemTopic" | "functionApp" | "insights" | "callsHub" | "alertsHub";

export interface AlertDefinition {
    /** Rule name stem and runbook anchor stem (`#alert-<key>`). */
    key: string;
    /** The runbook heading after "Alert: ". */
    title: string;
    /** What a firing alert means, one sentence. */
    meaning: string;
    targets: readonly AlertTarget[];
    metricNamespace: string;
    metricName: string;
    aggregation: "Total" | "Count";
    threshold: AlertThresholdKey;
    /** Azure Monitor severity: 0 critical, 1 error, 2 warning, 3 informational. */
    severity: 1 | 2;
    /** A dimension the rule is split by, so every value alerts on its own and is named in the alert. */
    splitBy?: string;
}

const EVENT_GRID = "Microsoft.EventGrid/systemTopics";
const HUBS = "Microsoft.NotificationHubs/namespaces/notificationHubs";
const BOTH_HUBS = ["callsHub", "alertsHub"] as const;

/** In the order of the runbook: events, the function, the hubs. */
export const ALERT_DEFINITIONS: readonly AlertDefinition[] = [
    {
        key: "dead-lettered-events",
        title: "dead-lettered events",
        meaning: "Event Grid gave up delivering ACS events to the webhook and wrote them to the dead-letter container.",
        targets: ["systemTopic"],
        metricNamespace: EVENT_GRID,
        metricName: "DeadLetteredCount",
        aggregation: "Total",
        threshold: "alertDeadLetteredEvents",
        severity: 1,
        splitBy: "EventSubscriptionName",
    },
    {
        key: "dropped-events",
        title: "dropped events",
        meaning: "Event Grid dropped ACS events without dead-lettering them: they are lost.",
        targets: ["systemTopic"],
        metricNamespace: EVENT_GRID,
        metricName: "DroppedEventCount",
        aggregation: "Total",
        threshold: "alertDroppedEvents",
        severity: 1,
        splitBy: "EventSubscriptionName",
    },
    {
        key: "failed-deliveries",
        title: "failed deliveries",
        meaning: "Event Grid's delivery attempts to the webhook fail; it retries them until they dead-letter.",
        targets: ["systemTopic"],
        metricNamespace: EVENT_GRID,
        metricName: "DeliveryAttemptFailCount",
        aggregation: "Total",
        threshold: "alertFailedDeliveries",
        severity: 2,
        splitBy: "EventSubscriptionName",
    },
    {
        // A front-end metric of every function app. The Flex Consumption plan has execution counts of its own
        // (OnDemandFunctionExecutionCount) but no failure count, hence the next alert on Application Insights.
        key: "function-server-errors",
        title: "function server errors",
        meaning: "The function app answers HTTP 5xx: the webhook asks Event Grid to retry, or the host is failing.",
        targets: ["functionApp"],
        metricNamespace: "Microsoft.Web/sites",
        metricName: "Http5xx",
        aggregation: "Total",
        threshold: "alertFunctionServerErrors",
        severity: 2,
    },
    {
        // A standard Application Insights metric, counted with `Count`; the Functions host records every
        // invocation as a request.
        key: "failed-executions",
        title: "failed executions",
        meaning: "Function executions fail (Application Insights counts them as failed requests).",
        targets: ["insights"],
        metricNamespace: "microsoft.insights/components",
        metricName: "requests/failed",
        aggregation: "Count",
        threshold: "alertFailedExecutions",
        severity: 2,
    },
    {
        key: "push-errors",
        title: "push errors",
        meaning: "The hub could not deliver pushes because talking to APNs or FCM failed (credentials aside).",
        targets: BOTH_HUBS,
        metricNamespace: HUBS,
        metricName: "outgoing.allpns.pnserror",
        aggregation: "Total",
        threshold: "alertPushErrors",
        severity: 2,
    },
    {
        key: "hub-failed-requests",
        title: "hub failed requests",
        meaning: "Requests to the hub fail: sends or registrations it refused (a wrong key, missing rights, a quota).",
        targets: BOTH_HUBS,
        metricNamespace: HUBS,
        metricName: "incoming.all.failedrequests",
        aggregation: "Total",
        threshold: "alertHubFailedRequests",
        severity: 2,
    },
    {
        // Notification Hubs publishes a throttling metric for FCM v1 only; there is none for APNs.
        key: "fcm-throttled",
        title: "FCM throttled",
        meaning: "FCM throttles the pushes the hub sends (FCM answered quota exceeded or 429).",
        targets: BOTH_HUBS,
        metricNamespace: HUBS,
        metricName: "outgoing.fcmv1.throttled",
        aggregation: "Total",
        threshold: "alertPushThrottled",
        severity: 2,
    },
    {
        key: "apns-credentials",
        title: "APNs credentials",
        meaning: "APNs refused the hub's credential (token key revoked, wrong team, key id or bundle id).",
        targets: BOTH_HUBS,
        metricNamespace: HUBS,
        metricName: "outgoing.apns.invalidcredentials",
        aggregation: "Total",
        threshold: "alertCredentialErrors",
        severity: 1,
    },
    {
        key: "fcm-credentials",
        title: "FCM credentials",
        meaning: "FCM refused the hub's credential (service-account key revoked, wrong project, sender id mismatch).",
        targets: BOTH_HUBS,
        metricNamespace: HUBS,
        metricName: "outgoing.fcmv1.invalidcredentials",
        aggregation: "Total",
        threshold: "alertCredentialErrors",
        severity: 1,
    },
];

/** Where a rule's target shows in its name. */
const TARGET_SUFFIX: Readonly<Record<AlertTarget, string>> = {
    systemTopic: "",
    functionApp: "",
    insights: "",
    callsHub: "-calls-hub",
    alertsHub: "-alerts-hub",
};

export const RUNBOOK = "docs/operations.md";

/** GitHub's anchor of the runbook section of an alert. */
export function runbookAnchor(definition: Pick<AlertDefinition, "key">): string {
    return `alert-${definition.key}`;
}

export interface AlertSettings {
    namePrefix: string;
    environment: string;
    windowMinutes: number;
    thresholds: Readonly<Record<AlertThresholdKey, number>>;
}

/** One metric alert rule as the stack creates it. */
export interface AlertRule {
    definition: AlertDefinition;
    target: AlertTarget;
    /** The rule's Azure name. */
    ruleName: string;
    /** Logical-name role (`<component>-<role>`). */
    role: string;
    threshold: number;
    windowSize: string;
    evaluationFrequency: string;
    description: string;
}

/** ISO 8601 duration of a window in minutes (`PT15M`, `PT1H`). */
export function isoMinutes(minutes: number): string {
    return minutes % 60 === 0 ? `PT${minutes / 60}H` : `PT${minutes}M`;
}

/** Every rule the stack creates: one per definition and target. */
export function alertRules(settings: AlertSettings): AlertRule[] {
    const window = isoMinutes(settings.windowMinutes);
    return ALERT_DEFINITIONS.flatMap((definition) =>
        definition.targets.map((target): AlertRule => {
            const role = `${definition.key}${TARGET_SUFFIX[target]}`;
            const threshold = settings.thresholds[definition.threshold];
            const condition = `${definition.aggregation.toLowerCase()} of ${definition.metricName} over ${settings.windowMinutes} min is above ${threshold}`;
            return {
                definition,
                target,
                ruleName: `alert-${settings.namePrefix}-${settings.environment}-${role}`,
                role,
                threshold,
                windowSize: window,
                evaluationFrequency: "PT5M",
                description:
                    `${definition.meaning} Fires when the ${condition} (acs-push:${definition.threshold}). ` +
                    `Runbook: ${RUNBOOK}#${runbookAnchor(definition)}`,
            };
        }),
    );
}

/** The action group's name, and its short name (at most 12 characters, shown in e-mails and SMS). */
export function actionGroupNames(namePrefix: string, environment: string): { name: string; shortName: string } {
    return { name: `ag-${namePrefix}-${environment}`, shortName: `${namePrefix}-${environment}`.slice(0, 12) };
}
