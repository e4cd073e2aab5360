import { DUMMY_MARK } from "./stackConfig";

/** Placeholder ids: recognisable, ARM-shaped, never real. */
export const DUMMY_SUBSCRIPTION = "00000000-0000-0000-0000-000000000000";
export const DUMMY_TENANT = "00000000-0000-0000-0000-00000000000a";
export const DUMMY_PRINCIPAL = "00000000-0000-0000-0000-00000000000b";

/** Stand-in for every key a `list*Keys` function returns: base64 of 32 bytes, like an Azure SAS key. */
export const DUMMY_KEY = Buffer.alloc(32, `${DUMMY_MARK}-key`).toString("base64");

interface ResourceArgs {
    type: string;
    name: string;
    inputs: Record<string, unknown>;
}

function lowerFirst(s: string): string {
    return s.charAt(0).toLowerCase() + s.slice(1);
}

/** The Azure name an azure-native resource would get: its `<type>Name`-style input, else the Pulumi name. */
export function azureName(args: ResourceArgs): string {
    const typeName = args.type.split(":").pop() ?? "";
    const candidates = [
        `${lowerFirst(typeName)}Name`,
        "name",
        "accountName",
        "resourceName",
        "containerName",
        "tableName",
        "authorizationRuleName",
        "eventSubscriptionName",
        "workspaceName",
    ];
    for (const key of candidates) {
        const value = args.inputs[key];
        if (typeof value === "string" && value) return value;
    }
    return args.name;
}

/** Outputs a provider would report after creating the resource, enough for the program to wire things. */
export function mockOutputs(args: ResourceArgs): Record<string, unknown> {
    const [pkg, module = "", typeName = ""] = args.type.split(":");
    if (pkg !== "azure-native") {
        return args.type === "command:local:Command" ? { stdout: "", stderr: "" } : {};
    }
    const name = azureName(args);
    const rg = typeof args.inputs.resourceGroupName === "string" ? args.inputs.resourceGroupName : "rg";
    const id =
        args.type === "azure-native:resources:ResourceGroup"
            ? `/subscriptions/${DUMMY_SUBSCRIPTION}/resourceGroups/${name}`
            : `/subscriptions/${DUMMY_SUBSCRIPTION}/resourceGroups/${rg}/providers/${module}/${lowerFirst(typeName)}/${name}`;
    const outputs: Record<string, unknown> = { id, name, azureApiVersion: "mock" };
    if (args.inputs.identity) {
        outputs.identity = { ...(args.inputs.identity as object), principalId: DUMMY_PRINCIPAL, tenantId: DUMMY_TENANT };
    }
    switch (args.type) {
        case "azure-native:web:WebApp":
            outputs.defaultHostName = `${name}.azurewebsites.net`;
            break;
        case "azure-native:storage:StorageAccount":
            outputs.primaryEndpoints = {
                blob: `https://${name}.blob.core.windows.net/`,
                queue: `https://${name}.queue.core.windows.net/`,
                table: `https://${name}.table.core.windows.net/`,
            };
            break;
        case "azure-native:communication:CommunicationService":
            outputs.hostName = `${name}.communication.azure.com`;
            break;
        case "azure-native:applicationinsights:Component":
            outputs.connectionString = `InstrumentationKey=${DUMMY_PRINCIPAL};IngestionEndpoint=https://mock.in.applicationinsights.azure.com/`;
            outputs.instrumentationKey = DUMMY_PRINCIPAL;
            break;
        case "azure-native:operationalinsights:Workspace":
            outputs.customerId = DUMMY_PRINCIPAL;
            break;
    }
    return outputs;
}

/** Results of provider functions (invokes); every key or connection string is a dummy. */
export function mockCall(token: string): Record<string, unknown> {
    if (token === "azure-native:authorization:getClientConfig") {
        return { clientId: DUMMY_PRINCIPAL, objectId: DUMMY_PRINCIPAL, subscriptionId: DUMMY_SUBSCRIPTION, tenantId: DUMMY_TENANT };
    }
    if (/:list\w*Keys$/i.test(token) || /:list\w*Secrets$/i.test(token)) {
        const connectionString = `Endpoint=sb://${DUMMY_MARK}.servicebus.windows.net/;SharedAccessKeyName=${DUMMY_MARK};SharedAccessKey=${DUMMY_KEY}`;
        return {
            keyName: DUMMY_MARK,
            primaryKey: DUMMY_KEY,
            secondaryKey: DUMMY_KEY,
            primaryConnectionString: connectionString,
            secondaryConnectionString: connectionString,
            keys: [
                { keyName: "key1", value: DUMMY_KEY, permissions: "FULL" },
                { keyName: "key2", value: DUMMY_KEY, permissions: "FULL" },
            ],
            masterKey: DUMMY_KEY,
            functionKeys: { default: DUMMY_KEY },
            systemKeys: { eventgrid_extension: DUMMY_KEY },
            properties: { default: DUMMY_KEY },
        };
    }
    return {};
}
