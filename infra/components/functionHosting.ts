import * as applicationinsights from "@pulumi/azure-native/applicationinsights";
import * as authorization from "@pulumi/azure-native/authorization";
import * as operationalinsights from "@pulumi/azure-native/operationalinsights";
import * as storage from "@pulumi/azure-native/storage";
import * as web from "@pulumi/azure-native/web";
import type * as types from "@pulumi/azure-native/types";
import * as pulumi from "@pulumi/pulumi";
import { BUILT_IN_ROLES, FUNCTION_RUNTIME } from "../lib/catalog";
import type { ResourceNames } from "../lib/naming";
import { after } from "../lib/outputs";
import { timeSpanOfHours } from "../lib/retention";
import { blobContainerUrl, functionHostName, tableServiceUri } from "../lib/urls";
import { servicePrincipalRole } from "./roleAssignment";
import { lockedDownStorageAccount } from "./storageAccount";

export interface FunctionHostingArgs {
    resourceGroupName: pulumi.Input<string>;
    location: string;
    /** Subscription that holds the role definitions (for role-assignment ids). */
    subscriptionId: pulumi.Input<string>;
    names: Pick<
        ResourceNames,
        | "storageAccount"
        | "deploymentContainer"
        | "idempotencyTable"
        | "installationOwnersTable"
        | "logAnalyticsWorkspace"
        | "applicationInsights"
        | "appServicePlan"
        | "functionApp"
    >;
    logRetentionDays: number;
    maximumInstanceCount: number;
    instanceMemoryMB: number;
    notificationHubs: {
        /** Listen+Send connection string of the alerts hub; secret. */
        connectionString: pulumi.Input<string>;
        hubName: pulumi.Input<string>;
    };
    includeMessageText: boolean;
    /** How long idempotency records are kept and when the timer deletes expired ones (`Idempotency__Retention*`). */
    idempotencyRetention: { hours: number; schedule: string };
    /** Percent of successful traces the worker exports (`Telemetry__TraceSamplingPercentage`); failures always are. */
    traceSamplingPercentage: number;
    /** Who may call the installations endpoint (app settings `Installations__Authentication__*`). */
    installations: {
        tenantId: pulumi.Input<string>;
        /** Microsoft Entra authority host of the cloud, e.g. `https://login.microsoftonline.com/`. */
        authority: string;
        audiences: string[];
        allowedCallers: string[];
        allowFunctionKey: boolean;
    };
    tags: Record<string, string>;
}

/**
 * Everything the function app needs to run: a storage account reached only through managed identity (host
 * storage, the Flex deployment container, the idempotency and installation-owners tables), Log Analytics +
 * Application Insights (Entra ID ingestion only), the Flex Consumption plan and the function app with its role
 * assignments, each at the narrowest scope that works (docs/configuration.md says why each one is needed).
 *
 * Shared-key access is disabled on the storage account: the host uses `AzureWebJobsStorage__accountName`, Flex
 * pulls its package with the app's system identity, and the function reads its tables with its identity.
 * Dead letters are not here (see DeadLetterStorage). Publishing credentials (FTP and SCM basic auth) are off;
 * deployments authenticate with Microsoft Entra ID.
 */
export class FunctionHosting extends pulumi.ComponentResource {
    public readonly appName: pulumi.Output<string>;
    public readonly hostName: pulumi.Output<string>;
    public readonly baseUrl: pulumi.Output<string>;
    public readonly storageAccountName: pulumi.Output<string>;
    public readonly storageAccountId: pulumi.Output<string>;
    /** `https://<account>.blob.core.windows.net/<deployment container>`: where Flex reads the app package. */
    public readonly deploymentContainerUrl: pulumi.Output<string>;
    /** ARM id of the Application Insights component (alerts watch its failed requests). */
    public readonly insightsId: pulumi.Output<string>;
    /** The function app resource, for dependencies. */
    public readonly app: web.WebApp;
    /** The app's data-plane role assignments: code deployment and webhook validation must wait for them. */
    public readonly accessGrants: authorization.RoleAssignment[];

    constructor(name: string, args: FunctionHostingArgs, opts?: pulumi.ComponentResourceOptions) {
        super("acs-push:azure:FunctionHosting", name, {}, opts);
        const n = args.names;
        const rg = args.resourceGroupName;

        const account = lockedDownStorageAccount(
            `${name}-storage`,
            { resourceGroupName: rg, accountName: n.storageAccount, location: args.location, tags: args.tags },
            this,
        );
        const accountName = after(account, n.storageAccount);
        const endpoints = account.primaryEndpoints.apply((e) => ({ blob: e?.blob, table: e?.table }));

        const container = (role: string, containerName: string) =>
            new storage.BlobContainer(
                `${name}-${role}-container`,
                { resourceGroupName: rg, accountName, containerName, publicAccess: "None" },
                { parent: this },
            );
        const deployment = container("deployment", n.deploymentContainer);
        const table = (role: string, tableName: string) =>
            new storage.Table(`${name}-${role}-table`, { resourceGroupName: rg, accountName, tableName }, { parent: this });
        const idempotency = table("idempotency", n.idempotencyTable);
        const owners = table("installation-owners", n.installationOwnersTable);

        const workspace = new operationalinsights.Workspace(
            `${name}-logs`,
            {
                resourceGroupName: rg,
                workspaceName: n.logAnalyticsWorkspace,
                location: args.location,
                sku: { name: "PerGB2018" },
                retentionInDays: args.logRetentionDays,
                tags: args.tags,
            },
            { parent: this },
        );
        const insights = new applicationinsights.Component(
            `${name}-insights`,
            {
                resourceGroupName: rg,
                resourceName: n.applicationInsights,
                location: args.location,
                kind: "web",
                applicationType: "web",
                workspaceResourceId: workspace.id,
                ingestionMode: "LogAnalytics",
                // No instrumentation-key ingestion: telemetry must come with an Entra ID token (the app's identity).
                disableLocalAuth: true,
                tags: args.tags,
            },
            { parent: this },
        );

        const plan = new web.AppServicePlan(
            `${name}-plan`,
            {
                resourceGroupName: rg,
                name: n.appServicePlan,
                location: args.location,
                kind: "functionapp",
                reserved: true, // Linux
                sku: { name: "FC1", tier: "FlexConsumption" },
                tags: args.tags,
            },
            { parent: this },
        );

        const deploymentContainerUrl = pulumi
            .all([endpoints, accountName, after(deployment, n.deploymentContainer)])
            .apply(([e, acct, c]) => blobContainerUrl(e.blob, acct, c));
        const tableUri = pulumi.all([endpoints, accountName]).apply(([e, acct]) => tableServiceUri(e.table, acct));

        const appSettings: types.input.web.NameValuePairArgs[] = [
            // Host storage through the app's system identity (no connection string, no account key).
            { name: "AzureWebJobsStorage__accountName", value: accountName },
            {
                name: "APPLICATIONINSIGHTS_CONNECTION_STRING",
                value: pulumi.secret(insights.connectionString.apply((c) => c ?? "")),
            },
            // The host authenticates telemetry with its identity (Monitoring Metrics Publisher below).
            { name: "APPLICATIONINSIGHTS_AUTHENTICATION_STRING", value: "Authorization=AAD" },
            { name: "Telemetry__TraceSamplingPercentage", value: String(args.traceSamplingPercentage) },
            { name: "NotificationHubs__ConnectionString", value: pulumi.secret(args.notificationHubs.connectionString) },
            { name: "NotificationHubs__HubName", value: args.notificationHubs.hubName },
            { name: "Idempotency__TableServiceUri", value: tableUri },
            { name: "Idempotency__TableName", value: after(idempotency, n.idempotencyTable) },
            // The retention timer deletes expired records (Storage Table Data Contributor on the table covers it);
            // its trigger runs on the host's storage, which the app reaches as Storage Blob Data Owner below.
            { name: "Idempotency__RetentionWindow", value: timeSpanOfHours(args.idempotencyRetention.hours) },
            { name: "Idempotency__RetentionSchedule", value: args.idempotencyRetention.schedule },
            { name: "Notifications__IncludeMessageText", value: args.includeMessageText ? "true" : "false" },
            { name: "Installations__OwnersTableName", value: after(owners, n.installationOwnersTable) },
            ...installationsSettings(args.installations),
        ];

        this.app = new web.WebApp(
            `${name}-app`,
            {
                resourceGroupName: rg,
                name: n.functionApp,
                location: args.location,
                kind: "functionapp,linux",
                serverFarmId: plan.id,
                httpsOnly: true,
                clientAffinityEnabled: false,
                identity: { type: "SystemAssigned" },
                functionAppConfig: {
                    deployment: {
                        storage: {
                            type: "blobContainer",
                            value: deploymentContainerUrl,
                            authentication: { type: "SystemAssignedIdentity" },
                        },
                    },
                    // Flex runs dotnet-isolated 8.0, 9.0 and 10.0; the app targets .NET 10.
                    runtime: { name: FUNCTION_RUNTIME.name, version: FUNCTION_RUNTIME.version },
                    scaleAndConcurrency: {
                        maximumInstanceCount: args.maximumInstanceCount,
                        instanceMemoryMB: args.instanceMemoryMB,
                    },
                },
                siteConfig: {
                    appSettings,
                    minTlsVersion: "1.2",
                    scmMinTlsVersion: "1.2",
                    ftpsState: "Disabled",
                    http20Enabled: true,
                },
                tags: args.tags,
            },
            { parent: this },
        );
        const appName = after(this.app, n.functionApp);

        // Basic-auth publishing off for both FTP and SCM (Kudu); deployments use Entra ID tokens.
        new web.WebAppFtpAllowed(`${name}-ftp-basic-auth`, { resourceGroupName: rg, name: appName, allow: false }, { parent: this });
        new web.WebAppScmAllowed(`${name}-scm-basic-auth`, { resourceGroupName: rg, name: appName, allow: false }, { parent: this });

        const principalId = this.app.identity.apply((i) => i?.principalId ?? "");
        const grant = (role: string, scope: pulumi.Input<string>, roleId: string, roleName: string) =>
            servicePrincipalRole(
                `${name}-${role}`,
                { principalId, subscriptionId: args.subscriptionId, roleId, scope, description: `${n.functionApp}: ${roleName}` },
                this,
            );
        const roles = BUILT_IN_ROLES;
        const tableRole = roles.storageTableDataContributor;
        this.accessGrants = [
            grant("blob-owner", account.id, roles.storageBlobDataOwner.id, roles.storageBlobDataOwner.name),
            grant("table-contributor", idempotency.id, tableRole.id, tableRole.name),
            grant("owners-table-contributor", owners.id, tableRole.id, tableRole.name),
            grant("metrics-publisher", insights.id, roles.monitoringMetricsPublisher.id, roles.monitoringMetricsPublisher.name),
        ];

        this.appName = appName;
        this.hostName = this.app.defaultHostName.apply((h) => functionHostName(h, n.functionApp));
        this.baseUrl = this.hostName.apply((h) => `https://${h}`);
        this.storageAccountName = accountName;
        this.storageAccountId = account.id;
        this.deploymentContainerUrl = deploymentContainerUrl;
        this.insightsId = insights.id;

        this.registerOutputs({
            appName: this.appName,
            hostName: this.hostName,
            baseUrl: this.baseUrl,
            storageAccountName: this.storageAccountName,
            storageAccountId: this.storageAccountId,
            deploymentContainerUrl: this.deploymentContainerUrl,
            insightsId: this.insightsId,
        });
    }
}

/** The installations endpoint's caller settings; lists become indexed settings (`…__Audiences__0`, `…__1`). */
function installationsSettings(installations: FunctionHostingArgs["installations"]): types.input.web.NameValuePairArgs[] {
    const prefix = "Installations__Authentication__";
    const list = (name: string, values: string[]) => values.map((value, i) => ({ name: `${prefix}${name}__${i}`, value }));
    const tokenRoute = installations.audiences.length > 0;
    return [
        ...(tokenRoute
            ? [
                  { name: `${prefix}TenantId`, value: installations.tenantId },
                  { name: `${prefix}Instance`, value: installations.authority },
              ]
            : []),
        ...list("Audiences", installations.audiences),
        ...list("AllowedCallers", installations.allowedCallers),
        { name: `${prefix}AllowFunctionKey`, value: installations.allowFunctionKey ? "true" : "false" },
    ];
}
