import * as communication from "@pulumi/azure-native/communication";
import * as pulumi from "@pulumi/pulumi";
import { after } from "../lib/outputs";

export interface CommunicationArgs {
    resourceGroupName: pulumi.Input<string>;
    /** Globally unique: it becomes `<name>.<geography>.communication.azure.com`. */
    serviceName: string;
    /** Geography of data at rest; ACS cannot move it later. */
    dataLocation: string;
    /** Pulumi `protect`: no delete or replace (identities, chat data) until unprotected. */
    protect: boolean;
    tags: Record<string, string>;
}

/** The Azure Communication Services resource (always `global`; data stays in `dataLocation`). */
export class Communication extends pulumi.ComponentResource {
    public readonly serviceId: pulumi.Output<string>;
    public readonly serviceName: pulumi.Output<string>;
    public readonly hostName: pulumi.Output<string>;
    /** The resource itself, for dependencies. */
    public readonly service: communication.CommunicationService;

    constructor(name: string, args: CommunicationArgs, opts?: pulumi.ComponentResourceOptions) {
        super("acs-push:azure:Communication", name, {}, opts);

        this.service = new communication.CommunicationService(
            `${name}-service`,
            {
                resourceGroupName: args.resourceGroupName,
                communicationServiceName: args.serviceName,
                location: "global",
                dataLocation: args.dataLocation,
                tags: args.tags,
            },
            // dataLocation is immutable in ARM; a change must be a visible replacement, not a failed update.
            // With `protect`, such a replacement (or a destroy) stops before anything is deleted.
            { parent: this, replaceOnChanges: ["dataLocation"], protect: args.protect },
        );

        this.serviceId = this.service.id;
        this.serviceName = after(this.service, args.serviceName);
        this.hostName = this.service.hostName.apply((h) => h ?? "");

        this.registerOutputs({ serviceId: this.serviceId, serviceName: this.serviceName, hostName: this.hostName });
    }
}
