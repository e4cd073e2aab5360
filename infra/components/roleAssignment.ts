import * as authorization from "@pulumi/azure-native/authorization";
import * as pulumi from "@pulumi/pulumi";
import { roleDefinitionId } from "../lib/catalog";

export interface ServicePrincipalRoleArgs {
    /** Object id of the managed identity that gets the role. */
    principalId: pulumi.Input<string>;
    subscriptionId: pulumi.Input<string>;
    /** GUID of the built-in role definition. */
    roleId: string;
    scope: pulumi.Input<string>;
    description: string;
}

/** A role assignment for a managed identity (a service principal) on one scope. */
export function servicePrincipalRole(
    name: string,
    args: ServicePrincipalRoleArgs,
    parent: pulumi.Resource,
): authorization.RoleAssignment {
    return new authorization.RoleAssignment(
        name,
        {
            principalId: args.principalId,
            principalType: "ServicePrincipal",
            roleDefinitionId: pulumi.output(args.subscriptionId).apply((s) => roleDefinitionId(s ?? "", args.roleId)),
            scope: args.scope,
            description: args.description,
        },
        { parent },
    );
}
