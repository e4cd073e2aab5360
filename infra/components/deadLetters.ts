import * as storage from "@pulumi/azure-native/storage";
import * as pulumi from "@pulumi/pulumi";
import { after } from "../lib/outputs";
import { blobContainerUrl } from "../lib/urls";
import { lockedDownStorageAccount } from "./storageAccount";

export interface DeadLetterStorageArgs {
    resourceGroupName: pulumi.Input<string>;
    location: string;
    accountName: string;
    containerName: string;
    tags: Record<string, string>;
}

/**
 * Where Event Grid puts the events it could not deliver: a storage account of its own, so that the function app,
 * whose host needs Storage Blob Data Owner on its own account, holds no role here and can neither read nor delete a
 * dead letter. Shared keys and public blobs are off; only the system topic's identity writes (see AcsEvents).
 */
export class DeadLetterStorage extends pulumi.ComponentResource {
    public readonly accountId: pulumi.Output<string>;
    public readonly containerName: pulumi.Output<string>;
    /** ARM id of the container: the role-assignment scope of the writer. */
    public readonly containerId: pulumi.Output<string>;
    /** `https://<account>.blob.core.windows.net/<container>`: where operators read dead-lettered events. */
    public readonly containerUrl: pulumi.Output<string>;

    constructor(name: string, args: DeadLetterStorageArgs, opts?: pulumi.ComponentResourceOptions) {
        super("acs-push:azure:DeadLetterStorage", name, {}, opts);
        const account = lockedDownStorageAccount(
            `${name}-storage`,
            { resourceGroupName: args.resourceGroupName, accountName: args.accountName, location: args.location, tags: args.tags },
            this,
        );
        const container = new storage.BlobContainer(
            `${name}-container`,
            {
                resourceGroupName: args.resourceGroupName,
                accountName: after(account, args.accountName),
                containerName: args.containerName,
                publicAccess: "None",
            },
            { parent: this },
        );

        this.accountId = account.id;
        this.containerName = after(container, args.containerName);
        this.containerId = container.id;
        this.containerUrl = pulumi
            .all([account.primaryEndpoints, this.containerName])
            .apply(([endpoints, containerName]) => blobContainerUrl(endpoints?.blob, args.accountName, containerName));
        this.registerOutputs({
            accountId: this.accountId,
            containerName: this.containerName,
            containerId: this.containerId,
            containerUrl: this.containerUrl,
        });
    }
}
