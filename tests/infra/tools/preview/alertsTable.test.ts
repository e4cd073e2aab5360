import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { minutes, renderAlerts } from "../../../../infra/tools/preview/alertsTable";
import { Plan, PlanResource } from "../../../../infra/tools/preview/model";

const GROUP_ID = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Insights/actionGroups/ag-x";

function resource(type: string, name: string, inputs: Record<string, unknown>, id?: string): PlanResource {
    return { urn: `urn:pulumi:x::p::${type}::${name}`, type, name, parent: null, custom: true, inputs, dependsOn: [], ...(id ? { id } : {}) };
}

function alert(name: string, key: string, threshold: number, extra: Record<string, unknown> = {}): PlanResource {
    return resource("azure-native:monitor:MetricAlert", name, {
        ruleName: name,
        severity: 2,
        scopes: ["/subscriptions/s/resourceGroups/rg/providers/Microsoft.Web/sites/func-x"],
        windowSize: "PT1H",
        evaluationFrequency: "PT5M",
        criteria: { allOf: [{ name: key, metricName: "Http5xx", timeAggregation: "Total", operator: "GreaterThan", threshold }] },
        actions: [{ actionGroupId: GROUP_ID }],
        ...extra,
    });
}

const plan = (resources: PlanResource[]): Plan => ({ project: "p", stack: "x", config: [], resources, dependencyLevels: 1 });

describe("renderAlerts", () => {
    it("prints nothing for a plan without alerts", () => {
        assert.deepEqual(renderAlerts(plan([resource("azure-native:monitor:ActionGroup", "g", { actionGroupName: "ag-x" }, GROUP_ID)])), []);
    });

    it("lists the group's receivers and one row per rule in the runbook's order, naming the group each notifies", () => {
        const lines = renderAlerts(
            plan([
                resource("azure-native:monitor:ActionGroup", "g", { actionGroupName: "ag-x", groupShortName: "x", emailReceivers: [{ emailAddress: "a@contoso.com" }], webhookReceivers: [{ serviceUri: "[secret]" }] }, GROUP_ID),
                alert("alert-b", "function-server-errors", 7),
                alert("alert-a", "dead-lettered-events", 0, { actions: [{ actionGroupId: "/other/actionGroups/ag-elsewhere" }] }),
            ]),
        );
        assert.equal(lines[0], "Alerts: 2 metric alert rules");
        assert.equal(lines[1], "  action group ag-x (x): e-mail a@contoso.com; webhook [secret]");
        assert.match(lines[2], /^ {4}sev {2}rule/);
        assert.deepEqual(lines.slice(3).map((l) => l.trim().split(/\s{2,}/)), [
            ["2", "alert-a", "func-x", "Http5xx", "Total", "> 0", "60 min", "5 min", "ag-elsewhere"],
            ["2", "alert-b", "func-x", "Http5xx", "Total", "> 7", "60 min", "5 min", "ag-x"],
        ]);
    });

    it("says when a group has no receivers", () => {
        const lines = renderAlerts(plan([resource("azure-native:monitor:ActionGroup", "g", { actionGroupName: "ag-x", groupShortName: "x" }, GROUP_ID), alert("alert-a", "dropped-events", 0)]));
        assert.equal(lines[1], "  action group ag-x (x): no receivers: alerts show in the Azure portal only");
    });

    it("writes ISO durations in minutes and leaves anything else as it is", () => {
        assert.deepEqual(["PT5M", "PT1H", "PT1H30M", "P1D", "[unknown]"].map(minutes), ["5 min", "60 min", "90 min", "P1D", "[unknown]"]);
    });
});
