// A stack without alert receivers still creates its alerts: they fire in the Azure portal, and the
// deployment warns that they notify no one.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { evaluateStack } from "../helpers/program";

describe("a stack without alert receivers", () => {
    it("keeps the action group and every alert, and warns that nobody is notified", async () => {
        const warnings: string[] = [];
        const warn = console.warn;
        console.warn = (...args: unknown[]) => void warnings.push(args.join(" "));
        try {
            const stack = await evaluateStack("dev", { "acs-push:alertEmails": "[]", "acs-push:alertWebhookUrls": "" });
            const group = stack.capture.one("azure-native:monitor:ActionGroup");
            assert.deepEqual([group.inputs.emailReceivers, group.inputs.webhookReceivers], [[], []]);
            const alerts = stack.capture.ofType("azure-native:monitor:MetricAlert");
            assert.equal(alerts.length, 15);
            for (const alert of alerts) assert.deepEqual(alert.inputs.actions, [{ actionGroupId: group.id }], alert.name);
        } finally {
            console.warn = warn;
        }
        const matching = warnings.filter((w) => w.includes("ag-acspush-dev has no receivers"));
        assert.equal(matching.length, 1, warnings.join("\n"));
        assert.match(matching[0], /the 15 alerts fire in the Azure portal \(Monitor > Alerts\) but notify no one\. Set acs-push:alertEmails or acs-push:alertWebhookUrls/);
    });
});
