import { ARM_ENDPOINTS, ENTRA_AUTHORITIES } from "./catalog";
import { Problem, problem, shown } from "./problems";

// Endpoint URLs the program composes. Provider outputs are preferred (they are right in sovereign clouds);
// the public-cloud form is the fallback when an output is not available.

function trimSlash(url: string): string {
    return url.replace(/\/+$/, "");
}

/** `https://<account>.blob.core.windows.net/<container>` */
export function blobContainerUrl(blobEndpoint: string | undefined, accountName: string, container: string): string {
    const base = blobEndpoint ? trimSlash(blobEndpoint) : `https://${accountName}.blob.core.windows.net`;
    return `${base}/${container}`;
}

/** `https://<account>.table.core.windows.net` */
export function tableServiceUri(tableEndpoint: string | undefined, accountName: string): string {
    return tableEndpoint ? trimSlash(tableEndpoint) : `https://${accountName}.table.core.windows.net`;
}

/** The function app's default host name (`<app>.azurewebsites.net` unless the provider reports another). */
export function functionHostName(defaultHostName: string | undefined, appName: string): string {
    return defaultHostName ? defaultHostName : `${appName}.azurewebsites.net`;
}

/** The Event Grid webhook: `POST https://<host>/api/events?code=<function key>`. The result is a secret. */
export function webhookUrl(hostName: string, functionKey: string | undefined): string {
    const url = `https://${hostName}/api/events`;
    return functionKey ? `${url}?code=${encodeURIComponent(functionKey)}` : url;
}

/** The Microsoft Entra authority host of the cloud named by the azure-native provider's `environment` (public when unknown). */
export function entraAuthorityFor(environment: string | undefined): string {
    const key = cloudKey(environment);
    return Object.hasOwn(ENTRA_AUTHORITIES, key) ? ENTRA_AUTHORITIES[key] : ENTRA_AUTHORITIES.public;
}

/** The catalog key of the azure-native provider's `environment`: lower case, blank = `public`. */
function cloudKey(environment: string | undefined): string {
    const key = (environment ?? "").trim().toLowerCase();
    return key === "" ? "public" : key;
}

/**
 * The ARM endpoint for the azure-native provider's `environment` config (unset or blank = public cloud), or a
 * problem naming `azure-native:environment` when the value is not a cloud the provider knows.
 */
export function armEndpointFor(environment: string | undefined): { endpoint: string } | { problem: Problem } {
    const key = cloudKey(environment);
    // Own keys only: `constructor` or `toString` is not a cloud.
    if (Object.hasOwn(ARM_ENDPOINTS, key)) {
        return { endpoint: ARM_ENDPOINTS[key] };
    }
    return {
        problem: problem(
            "azure-native:environment",
            `must be one of ${Object.keys(ARM_ENDPOINTS).join(", ")}, got ${shown(environment)}`,
            "usgovernment",
        ),
    };
}
