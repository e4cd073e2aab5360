// The alert keys as the program reads them: receivers, window and thresholds, every problem reported.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { validateSettings } from "../../../infra/lib/settings";
import { stackConfig } from "../helpers/stackFiles";

/** The dev stack's configuration as the program receives it, keys without the project prefix. */
const DEV = Object.fromEntries(
    Object.entries(stackConfig("dev").config)
        .filter(([key]) => key.startsWith("acs-push:"))
        .map(([key, value]) => [key.slice("acs-push:".length), value]),
);

function problemsOf(overrides: Record<string, string>): string[] {
    const result = validateSettings({ ...DEV, ...overrides }, "dev");
    assert.equal(result.ok, false, "expected the configuration to be rejected");
    return result.ok ? [] : result.problems.map((p) => `${p.key}: ${p.message} (valid example: ${p.example})`);
}

describe("alert configuration", () => {
    it("reads receivers, window and thresholds; the webhook URLs go with the secrets", () => {
        const result = validateSettings(
            {
                ...DEV,
                alertEmails: '["oncall@contoso.com","team@contoso.com"]',
                alertWebhookUrls: " https://hooks.contoso.com/a?token=t1\nhttps://hooks.contoso.com/b ",
                alertWindowMinutes: "60",
                alertPushThrottled: "250",
            },
            "dev",
        );
        assert.ok(result.ok, result.ok ? "" : result.problems.map((p) => p.message).join("\n"));
        const s = result.settings;
        assert.deepEqual(s.alerts.emails, ["oncall@contoso.com", "team@contoso.com"]);
        assert.deepEqual(s.secrets.alertWebhookUrls, ["https://hooks.contoso.com/a?token=t1", "https://hooks.contoso.com/b"]);
        assert.equal(s.alerts.windowMinutes, 60);
        assert.deepEqual(s.alerts.thresholds, {
            alertDeadLetteredEvents: 0,
            alertDroppedEvents: 0,
            alertFailedDeliveries: 10,
            alertFunctionServerErrors: 5,
            alertFailedExecutions: 5,
            alertPushErrors: 10,
            alertHubFailedRequests: 10,
            alertPushThrottled: 250,
            alertCredentialErrors: 0,
        });
    });

    it("reports every bad alert value with its key and a valid example, and never repeats a webhook URL", () => {
        const problems = problemsOf({
            alertEmails: '["oncall"]',
            alertWebhookUrls: "http://hooks.contoso.com/a?token=s3cr3t",
            alertWindowMinutes: "20",
            alertFailedDeliveries: "-1",
        });
        assert.deepEqual(problems, [
            "acs-push:alertEmails: entry 'oncall' is not an e-mail address (valid example: [\"oncall@contoso.com\"])",
            "acs-push:alertWebhookUrls: entry 1 of 1 is not an absolute https:// URL (URLs are separated by spaces) (valid example: https://hooks.contoso.com/azure-alerts?token=...)",
            "acs-push:alertWindowMinutes: must be one of 5, 15, 30, 60 (valid example: 30)",
            "acs-push:alertFailedDeliveries: must be a whole number from 0 to 100000 (valid example: 50)",
        ]);
        assert.ok(problems.every((p) => !p.includes("s3cr3t")));
    });
});
