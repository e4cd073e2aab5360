import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ALERT_KEYS, ALERT_THRESHOLD_KEYS, checkAlertEmails, checkAlertWebhookUrls, splitWebhookUrls } from "../../../infra/lib/alertKeys";
import { actionGroupNames, ALERT_DEFINITIONS, alertRules, AlertSettings, isoMinutes, runbookAnchor } from "../../../infra/lib/alerts";

const THRESHOLDS = Object.fromEntries(
    ALERT_KEYS.filter((k) => k.type === "integer" && k.min === 0).map((k, i) => [k.key, 100 + i]),
) as AlertSettings["thresholds"];
const SETTINGS: AlertSettings = { namePrefix: "acspush", environment: "dev", windowMinutes: 15, thresholds: THRESHOLDS };

describe("alertRules", () => {
    const rules = alertRules(SETTINGS);

    it("makes one rule per alert and watched resource: 3 on Event Grid, 2 on the function, 5 per hub", () => {
        assert.equal(rules.length, 15);
        const count = (target: string) => rules.filter((r) => r.target === target).length;
        assert.deepEqual(
            { systemTopic: count("systemTopic"), functionApp: count("functionApp"), insights: count("insights"), callsHub: count("callsHub"), alertsHub: count("alertsHub") },
            { systemTopic: 3, functionApp: 1, insights: 1, callsHub: 5, alertsHub: 5 },
        );
    });

    it("names every rule after prefix, environment, alert and hub, each name once", () => {
        assert.equal(new Set(rules.map((r) => r.ruleName)).size, rules.length);
        assert.ok(rules.some((r) => r.ruleName === "alert-acspush-dev-dead-lettered-events"));
        assert.ok(rules.some((r) => r.ruleName === "alert-acspush-dev-apns-credentials-calls-hub"));
        assert.ok(rules.some((r) => r.ruleName === "alert-acspush-dev-apns-credentials-alerts-hub"));
    });

    it("gives every rule its Azure name and role: the hub's rules carry the hub, the others none", () => {
        const stems = [
            "dead-lettered-events",
            "dropped-events",
            "failed-deliveries",
            "function-server-errors",
            "failed-executions",
            ...["push-errors", "hub-failed-requests", "fcm-throttled", "apns-credentials", "fcm-credentials"].flatMap((k) => [`${k}-calls-hub`, `${k}-alerts-hub`]),
        ];
        assert.deepEqual(rules.map((r) => r.role), stems);
        assert.deepEqual(rules.map((r) => r.ruleName), stems.map((role) => `alert-acspush-dev-${role}`));
        assert.deepEqual(alertRules({ ...SETTINGS, namePrefix: "contoso", environment: "prod" })[0].ruleName, "alert-contoso-prod-dead-lettered-events");
    });

    it("opens every description with a sentence on what the alert means", () => {
        for (const rule of rules) {
            assert.match(rule.description, /^[A-Z][^.]+[^ ]\. .*Fires when the (total|count) of /, rule.ruleName);
            assert.ok(rule.description.startsWith(rule.definition.meaning), rule.ruleName);
        }
        assert.equal(new Set(ALERT_DEFINITIONS.map((d) => d.meaning)).size, ALERT_DEFINITIONS.length);
    });

    it("splits the Event Grid alerts by subscription, so each subscription alerts and is named on its own", () => {
        assert.deepEqual(
            Object.fromEntries(ALERT_DEFINITIONS.map((d) => [d.key, d.splitBy])),
            {
                "dead-lettered-events": "EventSubscriptionName",
                "dropped-events": "EventSubscriptionName",
                "failed-deliveries": "EventSubscriptionName",
                "function-server-errors": undefined,
                "failed-executions": undefined,
                "push-errors": undefined,
                "hub-failed-requests": undefined,
                "fcm-throttled": undefined,
                "apns-credentials": undefined,
                "fcm-credentials": undefined,
            },
        );
    });

    it("rates lost events and refused credentials as errors, the rest as warnings", () => {
        assert.deepEqual(
            ALERT_DEFINITIONS.filter((d) => d.severity === 1).map((d) => d.key),
            ["dead-lettered-events", "dropped-events", "apns-credentials", "fcm-credentials"],
        );
        assert.ok(ALERT_DEFINITIONS.every((d) => d.severity === 1 || d.severity === 2));
    });

    it("takes each threshold from its own key", () => {
        for (const rule of rules) {
            assert.equal(rule.threshold, THRESHOLDS[rule.definition.threshold], rule.ruleName);
        }
        assert.equal(new Set(rules.filter((r) => r.target === "callsHub").map((r) => r.threshold)).size, 4, "the two credential alerts share one key");
    });

    it("counts over the configured window and evaluates every 5 minutes", () => {
        assert.ok(rules.every((r) => r.windowSize === "PT15M" && r.evaluationFrequency === "PT5M"));
        assert.ok(alertRules({ ...SETTINGS, windowMinutes: 60 }).every((r) => r.windowSize === "PT1H"));
    });

    it("describes what fired, the condition, the key to tune and the runbook section", () => {
        const rule = rules.find((r) => r.ruleName === "alert-acspush-dev-failed-deliveries")!;
        assert.equal(
            rule.description,
            "Event Grid's delivery attempts to the webhook fail; it retries them until they dead-letter. Fires when the total of " +
                `DeliveryAttemptFailCount over 15 min is above ${THRESHOLDS.alertFailedDeliveries} (acs-push:alertFailedDeliveries). ` +
                "Runbook: docs/operations.md#alert-failed-deliveries",
        );
    });

    it("watches platform metrics by their REST names, counted as the metric defines", () => {
        const byKey = new Map(ALERT_DEFINITIONS.map((d) => [d.key, `${d.metricNamespace} ${d.metricName} ${d.aggregation}`]));
        assert.deepEqual(Object.fromEntries(byKey), {
            "dead-lettered-events": "Microsoft.EventGrid/systemTopics DeadLetteredCount Total",
            "dropped-events": "Microsoft.EventGrid/systemTopics DroppedEventCount Total",
            "failed-deliveries": "Microsoft.EventGrid/systemTopics DeliveryAttemptFailCount Total",
            "function-server-errors": "Microsoft.Web/sites Http5xx Total",
            "failed-executions": "microsoft.insights/components requests/failed Count",
            "push-errors": "Microsoft.NotificationHubs/namespaces/notificationHubs outgoing.allpns.pnserror Total",
            "hub-failed-requests": "Microsoft.NotificationHubs/namespaces/notificationHubs incoming.all.failedrequests Total",
            "fcm-throttled": "Microsoft.NotificationHubs/namespaces/notificationHubs outgoing.fcmv1.throttled Total",
            "apns-credentials": "Microsoft.NotificationHubs/namespaces/notificationHubs outgoing.apns.invalidcredentials Total",
            "fcm-credentials": "Microsoft.NotificationHubs/namespaces/notificationHubs outgoing.fcmv1.invalidcredentials Total",
        });
    });

    it("points every alert at its own runbook section", () => {
        assert.equal(new Set(ALERT_DEFINITIONS.map(runbookAnchor)).size, ALERT_DEFINITIONS.length);
        assert.equal(runbookAnchor({ key: "fcm-throttled" }), "alert-fcm-throttled");
    });
});

describe("isoMinutes", () => {
    for (const [minutes, iso] of [[5, "PT5M"], [15, "PT15M"], [30, "PT30M"], [60, "PT1H"], [120, "PT2H"]] as const) {
        it(`writes ${minutes} minutes as ${iso}`, () => assert.equal(isoMinutes(minutes), iso));
    }
});

describe("actionGroupNames", () => {
    it("keeps the short name within Azure's 12 characters for every valid prefix and environment", () => {
        // Seeded generator: prefixes of 2-10 and environments of 1-8 characters, as the configuration allows.
        let seed = 12345;
        const next = (n: number) => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % n;
        const word = (min: number, max: number) => Array.from({ length: min + next(max - min + 1) }, () => "abcdefghijklmnopqrstuvwxyz0123456789"[next(36)]).join("");
        for (let i = 0; i < 500; i++) {
            const prefix = `a${word(1, 9)}`;
            const environment = word(1, 8);
            const names = actionGroupNames(prefix, environment);
            assert.ok(names.shortName.length <= 12 && names.shortName.length > 0, names.shortName);
            assert.equal(names.name, `ag-${prefix}-${environment}`);
            assert.ok(`${prefix}-${environment}`.startsWith(names.shortName));
        }
    });
});

describe("alert receivers in the configuration", () => {
    it("accepts e-mail addresses and rejects what is not one, naming it", () => {
        assert.deepEqual(checkAlertEmails(["oncall@contoso.com", "a.b+c@sub.contoso.co.uk"]), []);
        assert.deepEqual(checkAlertEmails(["oncall", "x@y"]), ["entry 'oncall' is not an e-mail address", "entry 'x@y' is not an e-mail address"]);
        assert.deepEqual(checkAlertEmails(["a@contoso.com", "A@contoso.com"]), ["must not list an address twice"]);
    });

    it("takes only a whole address with one @ and a dotted domain for an e-mail address", () => {
        for (const bad of ["a b@contoso.com", "a@b@contoso.com", "@contoso.com", "a@contoso.", "a@contoso.com.", "a@.com", "a@contoso", " a@contoso.com", "a@contoso.com x"]) {
            assert.deepEqual(checkAlertEmails([bad]), [`entry '${bad}' is not an e-mail address`], bad);
        }
        assert.deepEqual(checkAlertEmails(["a@b.c"]), []);
        assert.deepEqual(checkAlertEmails([]), []);
    });

    it("lists the threshold keys in declaration order, without the receivers and the window", () => {
        assert.deepEqual(ALERT_THRESHOLD_KEYS, [
            "alertDeadLetteredEvents",
            "alertDroppedEvents",
            "alertFailedDeliveries",
            "alertFunctionServerErrors",
            "alertFailedExecutions",
            "alertPushErrors",
            "alertHubFailedRequests",
            "alertPushThrottled",
            "alertCredentialErrors",
        ]);
    });

    it("splits webhook URLs at white space", () => {
        assert.deepEqual(splitWebhookUrls("  https://a.example/x \n https://b.example/y?token=1 "), ["https://a.example/x", "https://b.example/y?token=1"]);
        assert.deepEqual(splitWebhookUrls(""), []);
    });

    it("accepts https URLs and names a bad one by position only, never by value", () => {
        assert.equal(checkAlertWebhookUrls("https://hooks.contoso.com/a?token=s3cr3t https://hooks.contoso.com/b"), undefined);
        const message = checkAlertWebhookUrls("https://ok.example/a http://plain.example/hook?token=s3cr3t not-a-url");
        assert.equal(message, "entries 2, 3 of 3 are not an absolute https:// URL (URLs are separated by spaces)");
        assert.equal(checkAlertWebhookUrls("ftp://x.example"), "entry 1 of 1 is not an absolute https:// URL (URLs are separated by spaces)");
        assert.ok(!message!.includes("s3cr3t") && !message!.includes("plain.example"));
        assert.equal(checkAlertWebhookUrls("https://a.example/x https://a.example/x"), "must not list a URL twice");
    });
});
