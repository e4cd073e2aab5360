import * as monitor from "@pulumi/azure-native/monitor";
import * as pulumi from "@pulumi/pulumi";
import type { AlertRule, AlertTarget } from "../lib/alerts";

export interface MonitoringArgs {
    resourceGroupName: pulumi.Input<string>;
    actionGroupName: string;
    /** At most 12 characters; e-mails and SMS show it. */
    actionGroupShortName: string;
    /** E-mail receivers of the action group. */
    emails: string[];
    /** Webhook receivers of the action group; each a secret (a URL may carry a token). */
    webhookUrls: pulumi.Input<string>[];
    /** The metric alert rules (infra/lib/alerts.ts `alertRules`). */
    rules: AlertRule[];
    /** ARM id of every resource an alert watches. */
    targets: Record<AlertTarget, pulumi.Input<string>>;
    tags: Record<string, string>;
}

/**
 * One action group and the stack's metric alerts, every alert notifying that group. Alerts exist and fire
 * whether or not the group has receivers: without receivers they show in the Azure portal (Monitor > Alerts)
 * and notify no one, and the deployment says so.
 */
export class Monitoring extends pulumi.ComponentResource {
    public readonly actionGroupId: pulumi.Output<string>;
    /** ARM ids of the alert rules, in the order of `rules`. */
    public readonly alertRuleIds: pulumi.Output<string[]>;

    constructor(name: string, args: MonitoringArgs, opts?: pulumi.ComponentResourceOptions) {
        super("acs-push:azure:Monitoring", name, {}, opts);

        const group = new monitor.ActionGroup(
            `${name}-action-group`,
            {
                resourceGroupName: args.resourceGroupName,
                actionGroupName: args.actionGroupName,
                groupShortName: args.actionGroupShortName,
                location: "Global",
                enabled: true,
                emailReceivers: args.emails.map((emailAddress, i) => ({
                    name: `email-${i + 1}`,
                    emailAddress,
                    useCommonAlertSchema: true,
                })),
                webhookReceivers: args.webhookUrls.map((url, i) => ({
                    name: `webhook-${i + 1}`,
                    serviceUri: pulumi.secret(url),
                    useCommonAlertSchema: true,
                })),
                tags: args.tags,
            },
            { parent: this },
        );
        if (args.emails.length === 0 && args.webhookUrls.length === 0) {
            pulumi.log.warn(
                `The action group ${args.actionGroupName} has no receivers: the ${args.rules.length} alerts fire in the ` +
                    "Azure portal (Monitor > Alerts) but notify no one. Set acs-push:alertEmails or acs-push:alertWebhookUrls.",
                this,
            );
        }

        const alerts = args.rules.map((rule) => {
            const d = rule.definition;
            return new monitor.MetricAlert(
                `${name}-${rule.role}`,
                {
                    resourceGroupName: args.resourceGroupName,
                    ruleName: rule.ruleName,
                    location: "global",
                    description: rule.description,
                    severity: d.severity,
                    enabled: true,
                    scopes: [args.targets[rule.target]],
                    evaluationFrequency: rule.evaluationFrequency,
                    windowSize: rule.windowSize,
                    autoMitigate: true,
                    criteria: {
                        odataType: "Microsoft.Azure.Monitor.SingleResourceMultipleMetricCriteria",
                        allOf: [
                            {
                                criterionType: "StaticThresholdCriterion",
                                name: d.key,
                                metricNamespace: d.metricNamespace,
                                metricName: d.metricName,
                                timeAggregation: d.aggregation,
                                operator: "GreaterThan",
                                threshold: rule.threshold,
                                dimensions: d.splitBy ? [{ name: d.splitBy, operator: "Include", values: ["*"] }] : undefined,
                            },
                        ],
                    },
                    actions: [{ actionGroupId: group.id }],
                    tags: args.tags,
                },
                { parent: this },
            );
        });

        this.actionGroupId = group.id;
        this.alertRuleIds = pulumi.all(alerts.map((a) => a.id));

        this.registerOutputs({ actionGroupId: this.actionGroupId, alertRuleIds: this.alertRuleIds });
    }
}
