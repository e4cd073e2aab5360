import * as notificationhubs from "@pulumi/azure-native/notificationhubs";
import * as pulumi from "@pulumi/pulumi";
import { after } from "../lib/outputs";

export interface ApnsTokenCredentialArgs {
    teamId: string;
    keyId: string;
    /** The .p8 key material (PEM body); secret. */
    token: pulumi.Input<string>;
    /** APNs token endpoint, production or sandbox. */
    endpoint: string;
}

export interface FcmV1CredentialArgs {
    projectId: string;
    clientEmail: string;
    /** PEM private key; secret. */
    privateKey: pulumi.Input<string>;
}

export interface NotificationHubsArgs {
    resourceGroupName: pulumi.Input<string>;
    location: string;
    namespaceName: string;
    sku: string;
    /** The hub ACS pushes incoming calls through: `<bundleId>.voip`. */
    callsHubName: string;
    /** The hub the function sends chat alerts through: `<bundleId>`. */
    alertsHubName: string;
    callsSendRuleName: string;
    alertsFunctionRuleName: string;
    apns: ApnsTokenCredentialArgs;
    fcm: FcmV1CredentialArgs;
    tags: Record<string, string>;
}

/**
 * The Notification Hubs namespace with its two hubs.
 * - calls hub: APNs token credential for the `.voip` topic + FCM v1, and a Send-only rule whose connection
 *   string ACS receives when the hub is linked (ACS only ever sends through it);
 * - alerts hub: APNs token credential for the app topic + FCM v1, and the function's rule with Listen (manage
 *   installations) and Send (push) but no Manage.
 */
export class NotificationHubs extends pulumi.ComponentResource {
    public readonly namespaceName: pulumi.Output<string>;
    public readonly callsHubName: pulumi.Output<string>;
    public readonly callsHubId: pulumi.Output<string>;
    public readonly alertsHubName: pulumi.Output<string>;
    public readonly alertsHubId: pulumi.Output<string>;
    /** Connection string of the calls hub's Send-only rule; secret. */
    public readonly callsSendConnectionString: pulumi.Output<string>;
    /** Connection string of the alerts hub's Listen+Send rule for the function app; secret. */
    public readonly alertsFunctionConnectionString: pulumi.Output<string>;
    /** The rules, so consumers of the connection strings can depend on them. */
    public readonly callsSendRule: notificationhubs.NotificationHubAuthorizationRule;
    public readonly alertsFunctionRule: notificationhubs.NotificationHubAuthorizationRule;

    constructor(name: string, args: NotificationHubsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("acs-push:azure:NotificationHubs", name, {}, opts);

        const namespace = new notificationhubs.Namespace(
            `${name}-namespace`,
            {
                resourceGroupName: args.resourceGroupName,
                namespaceName: args.namespaceName,
                location: args.location,
                namespaceType: "NotificationHub",
                sku: { name: args.sku },
                tags: args.tags,
            },
            { parent: this },
        );
        const namespaceName = after(namespace, args.namespaceName);

        const hub = (role: string, hubName: string, appName: string) =>
            new notificationhubs.NotificationHub(
                `${name}-${role}-hub`,
                {
                    resourceGroupName: args.resourceGroupName,
                    namespaceName,
                    notificationHubName: hubName,
                    location: args.location,
                    // Token mode: ACS rejects certificate-based APNs credentials on a linked hub.
                    apnsCredential: {
                        appId: args.apns.teamId,
                        keyId: args.apns.keyId,
                        appName,
                        token: pulumi.secret(args.apns.token),
                        endpoint: args.apns.endpoint,
                    },
                    fcmV1Credential: {
                        projectId: args.fcm.projectId,
                        clientEmail: args.fcm.clientEmail,
                        privateKey: pulumi.secret(args.fcm.privateKey),
                    },
                    tags: args.tags,
                },
                { parent: this },
            );

        const rule = (role: string, hub: notificationhubs.NotificationHub, hubName: string, ruleName: string, rights: string[]) => {
            const created = new notificationhubs.NotificationHubAuthorizationRule(
                `${name}-${role}-rule`,
                {
                    resourceGroupName: args.resourceGroupName,
                    namespaceName,
                    notificationHubName: after(hub, hubName),
                    authorizationRuleName: ruleName,
                    rights,
                },
                { parent: this },
            );
            const keys = notificationhubs.listNotificationHubKeysOutput(
                {
                    resourceGroupName: args.resourceGroupName,
                    namespaceName,
                    notificationHubName: hubName,
                    authorizationRuleName: after(created, ruleName),
                },
                { parent: this, dependsOn: [created] },
            );
            return { created, connectionString: pulumi.secret(keys.apply((k) => k?.primaryConnectionString ?? "")) };
        };

        const callsHub = hub("calls", args.callsHubName, args.callsHubName);
        const alertsHub = hub("alerts", args.alertsHubName, args.alertsHubName);
        const callsSend = rule("calls-send", callsHub, args.callsHubName, args.callsSendRuleName, ["Send"]);
        const alertsFunction = rule("alerts-function", alertsHub, args.alertsHubName, args.alertsFunctionRuleName, [
            "Listen",
            "Send",
        ]);

        this.namespaceName = namespaceName;
        this.callsHubName = after(callsHub, args.callsHubName);
        this.callsHubId = callsHub.id;
        this.alertsHubName = after(alertsHub, args.alertsHubName);
        this.alertsHubId = alertsHub.id;
        this.callsSendRule = callsSend.created;
        this.alertsFunctionRule = alertsFunction.created;
        this.callsSendConnectionString = callsSend.connectionString;
        this.alertsFunctionConnectionString = alertsFunction.connectionString;

        this.registerOutputs({
            namespaceName: this.namespaceName,
            callsHubName: this.callsHubName,
            callsHubId: this.callsHubId,
            alertsHubName: this.alertsHubName,
            alertsHubId: this.alertsHubId,
        });
    }
}
