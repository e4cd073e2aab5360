// The plan's alerting at a glance: every action group with its receivers, and every metric alert with the
// resource it watches, its metric, aggregation, threshold and window (the tree shows each rule only in part).
import { ALERT_DEFINITIONS } from "../../lib/alerts";
import { Plan, PlanResource } from "./model";
import { compare } from "./plan";

const ACTION_GROUP = "azure-native:monitor:ActionGroup";
const METRIC_ALERT = "azure-native:monitor:MetricAlert";

type Inputs = Record<string, any>;

/** The last segment of an ARM id (the resource's name), or the value as it is (`[unknown]`). */
function nameOf(id: unknown): string {
    return typeof id === "string" ? (id.split("/").pop() ?? id) : String(id);
}

/** `PT15M` → `15 min`, `PT1H` → `60 min`. */
export function minutes(duration: unknown): string {
    const match = /^PT(?:(\d+)H)?(?:(\d+)M)?$/.exec(String(duration));
    if (!match || (!match[1] && !match[2])) return String(duration);
    return `${Number(match[1] ?? 0) * 60 + Number(match[2] ?? 0)} min`;
}

const OPERATORS: Readonly<Record<string, string>> = {
    GreaterThan: ">",
    GreaterThanOrEqual: ">=",
    LessThan: "<",
    LessThanOrEqual: "<=",
    Equals: "=",
};

function receivers(inputs: Inputs): string {
    const list = (key: string): Inputs[] => (Array.isArray(inputs[key]) ? inputs[key] : []);
    const emails = list("emailReceivers").map((r) => String(r.emailAddress));
    const webhooks = list("webhookReceivers").map((r) => String(r.serviceUri));
    const parts = [
        ...(emails.length ? [`e-mail ${emails.join(", ")}`] : []),
        ...(webhooks.length ? [`webhook ${webhooks.join(", ")}`] : []),
    ];
    return parts.length ? parts.join("; ") : "no receivers: alerts show in the Azure portal only";
}

function table(rows: string[][]): string[] {
    const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
    return rows.map((r) => `    ${r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i]))).join("  ")}`);
}

/** The "Alerts" section of the readable plan; nothing when the plan has no metric alert. */
export function renderAlerts(plan: Plan): string[] {
    const alerts = plan.resources.filter((r) => r.type === METRIC_ALERT);
    if (alerts.length === 0) return [];
    const groups = plan.resources.filter((r) => r.type === ACTION_GROUP);
    const groupById = new Map(groups.filter((g) => g.id).map((g) => [g.id!.toLowerCase(), g]));
    const groupName = (r: PlanResource) => {
        const id = (r.inputs.actions as Inputs[] | undefined)?.[0]?.actionGroupId;
        const group = typeof id === "string" ? groupById.get(id.toLowerCase()) : undefined;
        return group ? String(group.inputs.actionGroupName) : id === undefined ? "(none)" : nameOf(id);
    };

    const out = [`Alerts: ${alerts.length} metric alert rules`];
    for (const group of groups) {
        out.push(`  action group ${String(group.inputs.actionGroupName)} (${String(group.inputs.groupShortName)}): ${receivers(group.inputs)}`);
    }
    const rows = [["sev", "rule", "watches", "metric", "aggregation", "fires when", "window", "every", "notifies"]];
    // In the runbook's order (the criterion is named after its definition), then by rule name.
    const order = (r: PlanResource) => {
        const at = ALERT_DEFINITIONS.findIndex((d) => d.key === (r.inputs as Inputs).criteria?.allOf?.[0]?.name);
        return at < 0 ? ALERT_DEFINITIONS.length : at;
    };
    const sorted = [...alerts].sort((a, b) => order(a) - order(b) || compare(String(a.inputs.ruleName), String(b.inputs.ruleName)));
    for (const alert of sorted) {
        const i = alert.inputs as Inputs;
        const criterion: Inputs = i.criteria?.allOf?.[0] ?? {};
        const split = criterion.dimensions?.[0]?.name ? ` per ${criterion.dimensions[0].name}` : "";
        rows.push([
            String(i.severity),
            String(i.ruleName),
            nameOf(i.scopes?.[0]),
            `${String(criterion.metricName)}${split}`,
            String(criterion.timeAggregation),
            `${OPERATORS[criterion.operator] ?? String(criterion.operator)} ${String(criterion.threshold)}`,
            minutes(i.windowSize),
            minutes(i.evaluationFrequency),
            groupName(alert),
        ]);
    }
    out.push(...table(rows));
    return out;
}
