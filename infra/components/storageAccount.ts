import * as storage from "@pulumi/azure-native/storage";
import * as pulumi from "@pulumi/pulumi";

export interface LockedDownStorageAccountArgs {
    resourceGroupName: pulumi.Input<string>;
    accountName: string;
    location: string;
    tags: Record<string, string>;
}

/**
 * A StorageV2 account reached only with Microsoft Entra ID: shared-key access and public blobs off, HTTPS only,
 * TLS 1.2 at least, no cross-tenant replication. Both of the stack's accounts are of this kind.
 */
export function lockedDownStorageAccount(name: string, args: LockedDownStorageAccountArgs, parent: pulumi.Resource): storage.StorageAccount {
    return new storage.StorageAccount(
        name,
        {
            resourceGroupName: args.resourceGroupName,
            accountName: args.accountName,
            location: args.location,
            kind: "StorageV2",
            sku: { name: "Standard_LRS" },
            minimumTlsVersion: "TLS1_2",
            enableHttpsTrafficOnly: true,
            allowBlobPublicAccess: false,
            allowSharedKeyAccess: false,
            defaultToOAuthAuthentication: true,
            allowCrossTenantReplication: false,
            tags: args.tags,
        },
        { parent },
    );
}
