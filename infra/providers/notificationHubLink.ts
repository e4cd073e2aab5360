/**
 * NotificationHubLink: links an Azure Notification Hub to a Communication Services resource, so that ACS
 * pushes incoming calls through the hub.
 *
 * The link is an ARM *action*, not a resource: `POST .../communicationServices/{name}/linkNotificationHub`.
 * No infrastructure-as-code tool models it (azure-native has no resource or invoke for it, Terraform azurerm
 * and Bicep neither), so this is a Pulumi dynamic provider:
 *
 *   create  POST linkNotificationHub (api-version 2025-09-01) with {resourceId, connectionString}
 *   read    GET the Communication Services resource; `properties.notificationHubId` becomes `linkedHubId`,
 *           so `pulumi refresh` notices a link removed or changed outside Pulumi
 *   update  POST linkNotificationHub again (hub changed, key rotated, or the link found missing)
 *   delete  nothing: ARM has no unlink operation; disconnect in the portal if needed
 *
 * State keeps a SHA-256 hash of the connection string, never the string itself; the input stays a secret.
 * The provider logic lives in ./notificationHubLinkProvider.ts.
 */
import * as pulumi from "@pulumi/pulumi";
import { createNotificationHubLinkProvider, defaultArmSession } from "./notificationHubLinkProvider";

export interface NotificationHubLinkArgs {
    /** ARM id of the Microsoft.Communication/communicationServices resource. Changing it replaces the link. */
    communicationServiceId: pulumi.Input<string>;
    /** ARM id of the Microsoft.NotificationHubs/namespaces/notificationHubs resource to link (same subscription). */
    notificationHubId: pulumi.Input<string>;
    /** Connection string of an authorization rule of that hub with rights exactly ["Send"]; always treated as secret. */
    connectionString: pulumi.Input<string>;
    /**
     * ARM endpoint; https://management.azure.com by default. Sovereign clouds: https://management.usgovcloudapi.net
     * (azure-native `environment: usgovernment`), https://management.chinacloudapi.cn (`environment: china`).
     */
    armEndpoint?: pulumi.Input<string>;
}

/** Type token of the resource in state: `pulumi-nodejs:dynamic:NotificationHubLink`. */
export const NOTIFICATION_HUB_LINK_TYPE = "pulumi-nodejs:dynamic:NotificationHubLink";

// One provider object for every instance: Pulumi caches the serialized provider per object.
const provider = createNotificationHubLinkProvider(defaultArmSession);

// Output properties are `declare`d: with ES2022 class fields a plain declaration would be emitted as a field
// initialised to undefined after super() has set it.
export class NotificationHubLink extends pulumi.dynamic.Resource {
    /** The hub ARM reports as linked; "" when a refresh found no link. */
    declare public readonly linkedHubId: pulumi.Output<string>;
    /** `sha256:<hex>` of the linked connection string; changes when the key is rotated. */
    declare public readonly connectionStringHash: pulumi.Output<string>;
    declare public readonly communicationServiceId: pulumi.Output<string>;
    declare public readonly notificationHubId: pulumi.Output<string>;

    constructor(name: string, args: NotificationHubLinkArgs, opts?: pulumi.CustomResourceOptions) {
        super(
            provider,
            name,
            {
                communicationServiceId: args.communicationServiceId,
                notificationHubId: args.notificationHubId,
                connectionString: pulumi.secret(args.connectionString),
                armEndpoint: args.armEndpoint,
                linkedHubId: undefined,
                connectionStringHash: undefined,
            },
            opts,
            undefined,
            "NotificationHubLink",
        );
    }
}
