// Pulumi mocks that record every resource registration and every provider call, including which input
// paths arrived as secrets and which resources each registration depends on.
import * as pulumi from "@pulumi/pulumi";
import { observeRegistrations } from "../../../infra/lib/plan/sdk";

export interface RecordedResource {
    type: string;
    name: string;
    inputs: Record<string, any>;
    /** Dotted paths of inputs that were serialized as secrets (e.g. "apnsCredential", "siteConfig"). */
    secretPaths: string[];
    /** Names of the resources this registration depends on (explicit dependsOn and input dependencies). */
    dependsOn: string[];
    /** Whether the registration asked for Pulumi's `protect`. */
    protect: boolean;
}

export interface RecordedCall {
    token: string;
    inputs: Record<string, any>;
}

const { specialSecretSig: SECRET_SIG, specialSigKey: SIG_KEY } = pulumi.runtime;

function secretPathsOf(value: unknown, path: string, found: string[]): void {
    if (value === null || typeof value !== "object") {
        return;
    }
    const record = value as Record<string, unknown>;
    if (record[SIG_KEY] === SECRET_SIG) {
        found.push(path);
        return;
    }
    for (const [key, child] of Object.entries(record)) {
        secretPathsOf(child, path ? `${path}.${key}` : key, found);
    }
}

/** Replaces secret envelopes left in deserialized mock inputs by their values (secrecy is kept in secretPaths). */
function unwrapSecrets(value: any): any {
    if (value === null || typeof value !== "object") {
        return value;
    }
    if (value[SIG_KEY] === SECRET_SIG) {
        return unwrapSecrets(value.value);
    }
    if (Array.isArray(value)) {
        return value.map(unwrapSecrets);
    }
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, unwrapSecrets(v)]));
}

function nameFromUrn(urn: string): string {
    return urn.split("::").pop() ?? urn;
}

export const SUBSCRIPTION_ID = "00000000-1111-2222-3333-444444444444";
export const FUNCTION_KEY = "function-key/with+symbols";

// The input that carries a resource's own (physical) name, most specific first.
const PHYSICAL_NAME_INPUTS = [
    "containerName",
    "tableName",
    "authorizationRuleName",
    "eventSubscriptionName",
    "notificationHubName",
    "systemTopicName",
    "namespaceName",
    "communicationServiceName",
    "workspaceName",
    "resourceName",
    "accountName",
    "name",
    "resourceGroupName",
];

/** Physical ids and computed outputs a real deployment would report, so wiring assertions are meaningful. */
function outputsFor(type: string, name: string, inputs: Record<string, any>): { id: string; state: Record<string, any> } {
    const nameKey = PHYSICAL_NAME_INPUTS.find((k) => typeof inputs[k] === "string");
    const physical: string = nameKey !== undefined ? inputs[nameKey] : name;
    const id = `/subscriptions/${SUBSCRIPTION_ID}/mock/${type}/${name}`;
    const state: Record<string, any> = { ...inputs, name: physical };
    switch (type) {
        case "azure-native:communication:CommunicationService":
            state.hostName = `${inputs.communicationServiceName}.europe.communication.azure.com`;
            break;
        case "azure-native:web:WebApp":
            state.defaultHostName = `${inputs.name}.azurewebsites.net`;
            state.identity = { type: "SystemAssigned", principalId: `principal-of-${name}` };
            break;
        case "azure-native:eventgrid:SystemTopic":
            state.identity = { type: "SystemAssigned", principalId: `principal-of-${name}` };
            break;
        case "azure-native:storage:StorageAccount":
            state.primaryEndpoints = {
                blob: `https://${inputs.accountName}.blob.core.windows.net/`,
                table: `https://${inputs.accountName}.table.core.windows.net/`,
            };
            break;
        case "azure-native:applicationinsights:Component":
            state.connectionString = "InstrumentationKey=00000000-0000-0000-0000-000000000000;IngestionEndpoint=https://ingest.example/";
            break;
        case "pulumi-nodejs:dynamic:NotificationHubLink":
            state.linkedHubId = inputs.notificationHubId;
            break;
    }
    return { id, state };
}

function callResult(token: string, inputs: Record<string, any>): Record<string, any> {
    switch (token) {
        case "azure-native:authorization:getClientConfig":
            return { subscriptionId: SUBSCRIPTION_ID, tenantId: "tenant", clientId: "client", objectId: "object" };
        case "azure-native:notificationhubs:listNotificationHubKeys":
            return {
                keyName: inputs.authorizationRuleName,
                primaryConnectionString:
                    `Endpoint=sb://${inputs.namespaceName}.servicebus.windows.net/;` +
                    `SharedAccessKeyName=${inputs.authorizationRuleName};SharedAccessKey=key-of-${inputs.notificationHubName}-${inputs.authorizationRuleName}`,
            };
        case "azure-native:web:listWebAppFunctionKeys":
            return { properties: { default: FUNCTION_KEY } };
        default:
            return {};
    }
}

export class Recorder {
    readonly resources: RecordedResource[] = [];
    readonly calls: RecordedCall[] = [];

    /** Whether `from` waits for `to`, directly or through other registrations (component children included). */
    dependsOnTransitively(from: string, to: string): boolean {
        const seen = new Set<string>();
        const queue = [from];
        while (queue.length > 0) {
            const name = queue.shift()!;
            for (const dep of this.resources.filter((r) => r.name === name).flatMap((r) => r.dependsOn)) {
                if (dep === to) return true;
                if (!seen.has(dep)) {
                    seen.add(dep);
                    queue.push(dep);
                }
            }
        }
        return false;
    }

    ofType(type: string): RecordedResource[] {
        return this.resources.filter((r) => r.type === type);
    }

    /** The single resource of `type` (whose logical name contains `nameFragment`, when given). */
    one(type: string, nameFragment = ""): RecordedResource {
        const matches = this.ofType(type).filter((r) => r.name.includes(nameFragment));
        if (matches.length !== 1) {
            throw new Error(`expected one ${type} matching '${nameFragment}', found ${matches.map((m) => m.name).join(", ") || "none"}`);
        }
        return matches[0];
    }

    callsTo(token: string): RecordedCall[] {
        return this.calls.filter((c) => c.token === token);
    }
}

export interface MockOptions {
    stack: string;
    /** Stack configuration, keys fully qualified (`acs-push:bundleId`), values as the CLI passes them (strings). */
    config: Record<string, string>;
    secretKeys?: string[];
    preview?: boolean;
}

/** Installs recording mocks and the given configuration; call before importing the program. */
export async function installRecordingMocks(options: MockOptions): Promise<Recorder> {
    const recorder = new Recorder();
    const pending = new Map<string, { secretPaths: string[]; dependsOn: string[]; protect: boolean }>();

    pulumi.runtime.setAllConfig(options.config, options.secretKeys ?? []);
    await pulumi.runtime.setMocks(
        {
            newResource(args: pulumi.runtime.MockResourceArgs) {
                const extra = pending.get(`${args.type}::${args.name}`) ?? { secretPaths: [], dependsOn: [], protect: false };
                const inputs = unwrapSecrets(args.inputs);
                recorder.resources.push({ type: args.type, name: args.name, inputs, ...extra });
                return outputsFor(args.type, args.name, inputs);
            },
            call(args: pulumi.runtime.MockCallArgs) {
                const inputs = unwrapSecrets(args.inputs);
                recorder.calls.push({ token: args.token, inputs });
                return callResult(args.token, inputs);
            },
        },
        "acs-push",
        options.stack,
        options.preview ?? false,
    );

    // The mock monitor hands `newResource` plain values; look at the wire format first to see secrets and deps.
    observeRegistrations((req) => {
        const secretPaths: string[] = [];
        secretPathsOf(req.getObject()?.toJavaScript() ?? {}, "", secretPaths);
        const dependsOn = req.getDependenciesList().map(nameFromUrn);
        pending.set(`${req.getType()}::${req.getName()}`, { secretPaths, dependsOn, protect: Boolean(req.getProtect()) });
    });
    return recorder;
}

/** Resolves an output's value (undefined while unknown). */
export function promiseOf<T>(output: pulumi.Output<T>): Promise<T> {
    return new Promise((resolve) => output.apply((value) => resolve(value)));
}

/** Waits until every registration and call the program started has been answered. */
export { settle as settled } from "../../../infra/lib/plan/sdk";
