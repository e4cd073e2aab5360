import * as pulumi from "@pulumi/pulumi";

/**
 * A value known up front (a name the program derived) that must only be used once `resource` exists.
 * Derived from the URN, which is known even during preview, so the value stays known while the output still
 * carries the dependency. Preferred over reading `resource.name` back: the name is the program's own, and
 * the result does not depend on what a provider (or a test double) echoes.
 */
export function after<T>(resource: pulumi.Resource, value: T): pulumi.Output<T> {
    return resource.urn.apply(() => value);
}
