// Placeholder with the agreed public surface; the dynamic provider implementation replaces it.
import * as pulumi from "@pulumi/pulumi";

export interface NotificationHubLinkArgs {
    /** ARM id of the Microsoft.Communication/communicationServices resource. */
    communicationServiceId: pulumi.Input<string>;
    /** ARM id of the Microsoft.NotificationHubs/namespaces/notificationHubs resource to link. */
    notificationHubId: pulumi.Input<string>;
    /** Connection string of an authorization rule with rights exactly ["Send"]; secret. */
    connectionString: pulumi.Input<string>;
    /** ARM endpoint, e.g. https://management.usgovcloudapi.net for sovereign clouds; public cloud by default. */
    armEndpoint?: pulumi.Input<string>;
}

export class NotificationHubLink extends pulumi.dynamic.Resource {
    public readonly linkedHubId!: pulumi.Output<string>;

    constructor(name: string, args: NotificationHubLinkArgs, opts?: pulumi.CustomResourceOptions) {
        super(
            {
                async create() {
                    throw new Error("NotificationHubLink is not implemented yet");
                },
            },
            name,
            { ...args, connectionString: pulumi.secret(args.connectionString), linkedHubId: undefined },
            opts,
        );
    }
}
