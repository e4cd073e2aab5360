// Checks of the stack's alerting: the action group is enabled and has receivers, and every alert rule exists,
// is enabled and notifies that group.
import { armFinding, armGet, Check, CheckResult, finding, nameOf, ok, sameId } from "./model";

/** Microsoft.Insights action groups, GA. */
export const ACTION_GROUP_API_VERSION = "2023-01-01";
/** Microsoft.Insights metric alerts (the only GA version). */
export const METRIC_ALERT_API_VERSION = "2018-03-01";

const ALERTS = "doctor-alerts";

const RECEIVER_KINDS = [
    "emailReceivers",
    "smsReceivers",
    "webhookReceivers",
    "azureAppPushReceivers",
    "itsmReceivers",
    "voiceReceivers",
    "logicAppReceivers",
    "azureFunctionReceivers",
    "armRoleReceivers",
    "automationRunbookReceivers",
    "eventHubReceivers",
];

export const checkAlerts: Check = async ({ stack, outputs, client }) => {
    const results: CheckResult[] = [];
    const groupName = nameOf(outputs.actionGroupId);
    const group = await armGet(client, outputs.actionGroupId, ACTION_GROUP_API_VERSION, (answer) =>
        armFinding("action group", ALERTS, answer, `the action group ${groupName}`, "Monitoring Reader", stack),
    );
    if ("result" in group) {
        results.push(group.result);
    } else {
        const p = group.body.properties ?? {};
        const receivers = RECEIVER_KINDS.reduce((n, kind) => n + (Array.isArray(p[kind]) ? p[kind].length : 0), 0);
        results.push(
            p.enabled !== true
                ? finding("action group", ALERTS, `${groupName} is disabled: alerts fire but notify no one.`, `Run \`scripts/up.sh ${stack}\` to enable it again.`)
                : receivers === 0
                  ? finding(
                        "action group",
                        ALERTS,
                        `${groupName} has no receivers: alerts show in the Azure portal only.`,
                        `Set acs-push:alertEmails (or the secret acs-push:alertWebhookUrls) for stack ${stack}, then run \`scripts/up.sh ${stack}\`.`,
                    )
                  : ok("action group", ALERTS, `${groupName} is enabled with ${receivers} receiver(s).`),
        );
    }

    const healthy: string[] = [];
    for (const id of outputs.alertRuleIds) {
        const name = nameOf(id);
        const check = `alert rule ${name}`;
        const rule = await armGet(client, id, METRIC_ALERT_API_VERSION, (answer) => armFinding(check, ALERTS, answer, `the alert rule ${name}`, "Monitoring Reader", stack));
        if ("result" in rule) {
            results.push(rule.result);
            continue;
        }
        const p = rule.body.properties ?? {};
        const notifies = Array.isArray(p.actions) && p.actions.some((a: { actionGroupId?: string }) => sameId(a.actionGroupId, outputs.actionGroupId));
        if (p.enabled === true && notifies) {
            healthy.push(name);
        } else {
            const problems = [...(p.enabled !== true ? ["it is disabled"] : []), ...(!notifies ? [`it does not notify ${groupName}`] : [])];
            results.push(finding(check, ALERTS, `${problems.join(" and ")}.`, `Run \`scripts/up.sh ${stack}\`: the program enables every rule and wires it to the action group.`));
        }
    }
    if (healthy.length > 0) {
        results.push(ok("alert rules", ALERTS, `${healthy.length} of ${outputs.alertRuleIds.length} exist, are enabled and notify ${groupName}.`));
    }
    return results;
};
