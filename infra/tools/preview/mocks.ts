// The one mock of Azure that every test and the offline preview evaluate the program against: a single
// `setMocks` whose resources answer, per type, what the provider would report (ARM ids, host names,
// identities, endpoints), whose functions answer with keys of the right shape, and which records every
// registration (inputs as sent, secrecy, dependencies, protection) and every call.
import { createHash } from "node:crypto";
import * as pulumi from "@pulumi/pulumi";
import { PROJECT } from "../../lib/problems";
import { armIdOf, azureNameOf, MOCK_SUBSCRIPTION_ID, mockPrincipalId, stableGuid } from "./azureIds";
import { observeRegistrations } from "./sdk";
import { plainInputs, secretPaths } from "./wire";

export { MOCK_SUBSCRIPTION_ID, mockPrincipalId } from "./azureIds";
export { settle } from "./sdk";

export const MOCK_TENANT_ID = "00000000-0000-0000-0000-00000000000a";
/** Every key the mocks hand out starts with this (base64 of "mockey"): output checks can look for it. */
export const MOCK_KEY_PREFIX = "bW9ja2V5";
/** The webhook function's key: with the characters that must be URL-encoded in the webhook URL. */
export const MOCK_FUNCTION_KEY = `${MOCK_KEY_PREFIX}/function+key==`;

/** A 32-byte key like a Shared Access key, base64, stable for `seed`. */
export function mockKey(seed: string): string {
    const digest = createHash("sha256").update(seed, "utf8").digest();
    return Buffer.concat([Buffer.from("mockey"), digest.subarray(0, 26)]).toString("base64");
}

export interface CapturedResource {
    urn: string;
    type: string;
    name: string;
    /** URN of the parent, or null at the top level. */
    parent: string | null;
    /** True for provider resources; false for components. */
    custom: boolean;
    protect: boolean;
    /** Input paths whose change replaces the resource (the `replaceOnChanges` option). */
    replaceOnChanges: string[];
    /** The id the mocks answered (the ARM id for Azure resources). */
    id: string;
    /** Inputs as serialized: secret envelopes, unknowns and resource references included. */
    wire: Record<string, unknown>;
    /** Inputs as values, secrets unwrapped (`secretPaths` says which were secret). */
    inputs: Record<string, any>;
    secretPaths: string[];
    /** URNs this resource waits for: explicit dependsOn, the resources its inputs come from, its provider. */
    dependsOn: string[];
    /** The state the mocks answered. */
    outputs: Record<string, any>;
}

export interface CapturedCall {
    token: string;
    inputs: Record<string, any>;
}

export class Capture {
    readonly resources: CapturedResource[] = [];
    readonly calls: CapturedCall[] = [];
    /** Every key and connection string the mocks handed out: masked wherever it shows up. */
    readonly secretsIssued = new Set<string>();

    ofType(type: string): CapturedResource[] {
        return this.resources.filter((r) => r.type === type);
    }

    /** The single resource of `type` (whose logical name contains `nameFragment`, when given). */
    one(type: string, nameFragment = ""): CapturedResource {
        const matches = this.ofType(type).filter((r) => r.name.includes(nameFragment));
        if (matches.length !== 1) {
            throw new Error(`expected one ${type} matching '${nameFragment}', found ${matches.map((m) => m.name).join(", ") || "none"}`);
        }
        return matches[0];
    }

    /** The single resource with this logical name. */
    named(name: string): CapturedResource {
        const matches = this.resources.filter((r) => r.name === name);
        if (matches.length !== 1) throw new Error(`expected one resource named '${name}', found ${matches.length}`);
        return matches[0];
    }

    callsTo(token: string): CapturedCall[] {
        return this.calls.filter((c) => c.token === token);
    }

    /** Whether `from` waits for `to` (URNs), directly or through other registrations. */
    dependsOnTransitively(from: string, to: string): boolean {
        const byUrn = new Map(this.resources.map((r) => [r.urn, r]));
        const seen = new Set<string>();
        const queue = [from];
        while (queue.length > 0) {
            for (const dep of byUrn.get(queue.shift()!)?.dependsOn ?? []) {
                if (dep === to) return true;
                if (!seen.has(dep)) {
                    seen.add(dep);
                    queue.push(dep);
                }
            }
        }
        return false;
    }
}

/** Outputs a provider reports after creating the resource, beyond echoing its inputs. */
function outputsOf(type: string, name: string, inputs: Record<string, any>): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    if (type.startsWith("azure-native:")) {
        out.name = azureNameOf({ type, name, inputs });
        out.azureApiVersion = "mock";
    }
    if (inputs.identity) {
        out.identity = { ...inputs.identity, principalId: mockPrincipalId(name), tenantId: MOCK_TENANT_ID };
    }
    switch (type) {
        case "azure-native:communication:CommunicationService": {
            const geography = String(inputs.dataLocation ?? "global").toLowerCase().replace(/\s+/g, "");
            out.hostName = `${inputs.communicationServiceName}.${geography}.communication.azure.com`;
            out.immutableResourceId = stableGuid(`acs/${inputs.communicationServiceName}`);
            break;
        }
        case "azure-native:storage:StorageAccount":
            out.primaryEndpoints = Object.fromEntries(
                ["blob", "queue", "table"].map((service) => [service, `https://${inputs.accountName}.${service}.core.windows.net/`]),
            );
            break;
        case "azure-native:web:WebApp":
            out.defaultHostName = `${inputs.name}.azurewebsites.net`;
            break;
        case "azure-native:applicationinsights:Component": {
            const key = stableGuid(`insights/${inputs.resourceName}`);
            out.instrumentationKey = key;
            out.connectionString = `InstrumentationKey=${key};IngestionEndpoint=https://mock.in.applicationinsights.azure.com/`;
            break;
        }
        case "azure-native:operationalinsights:Workspace":
            out.customerId = stableGuid(`workspace/${inputs.workspaceName}`);
            break;
        case "pulumi-nodejs:dynamic:NotificationHubLink":
            out.linkedHubId = inputs.notificationHubId;
            break;
        case "command:local:Command":
            out.stdout = "";
            out.stderr = "";
            break;
    }
    return out;
}

/** Results of provider functions; every key is a mock key, recorded in `issued`. */
function callResult(token: string, inputs: Record<string, any>, issued: Set<string>): Record<string, unknown> {
    const key = (seed: string) => {
        const value = mockKey(seed);
        issued.add(value);
        return value;
    };
    switch (token) {
        case "azure-native:authorization:getClientConfig":
            return { clientId: stableGuid("client"), objectId: stableGuid("object"), subscriptionId: MOCK_SUBSCRIPTION_ID, tenantId: MOCK_TENANT_ID };
        case "azure-native:notificationhubs:listNotificationHubKeys": {
            const { namespaceName: ns, notificationHubName: hub, authorizationRuleName: rule } = inputs;
            const [primary, secondary] = ["primary", "secondary"].map((which) => key(`${ns}/${hub}/${rule}/${which}`));
            const connection = (k: string) => `Endpoint=sb://${ns}.servicebus.windows.net/;SharedAccessKeyName=${rule};SharedAccessKey=${k}`;
            return {
                keyName: rule,
                primaryKey: primary,
                secondaryKey: secondary,
                primaryConnectionString: connection(primary),
                secondaryConnectionString: connection(secondary),
            };
        }
        case "azure-native:web:listWebAppFunctionKeys":
            issued.add(MOCK_FUNCTION_KEY);
            return { properties: { default: MOCK_FUNCTION_KEY } };
    }
    if (/:list\w*(Keys|Secrets)$/i.test(token)) {
        // Any other key listing: the shapes the Azure key-listing functions share.
        issued.add(MOCK_FUNCTION_KEY);
        const master = key(`${token}/master`);
        return { keyName: "key1", primaryKey: master, masterKey: master, functionKeys: { default: MOCK_FUNCTION_KEY }, properties: { default: MOCK_FUNCTION_KEY } };
    }
    return {};
}

export interface MockOptions {
    stack: string;
    project?: string;
    /** Stack configuration, keys fully qualified (`acs-push:bundleId`), values as the CLI passes them (strings). */
    config?: Record<string, string>;
    secretKeys?: string[];
    /** Evaluate as `pulumi preview` does (true) or as `pulumi up` (false). */
    preview?: boolean;
    /** The least a harness may provide: resources echo their inputs, every call answers {}. */
    bare?: boolean;
}

/** Installs the mocks and the configuration, and records from then on; call before importing the program. */
export async function installMocks(options: MockOptions): Promise<Capture> {
    const capture = new Capture();
    pulumi.runtime.setAllConfig(options.config ?? {}, options.secretKeys ?? []);
    await pulumi.runtime.setMocks(
        {
            newResource: (args) => {
                if (options.bare) return { id: `${args.name}_id`, state: args.inputs };
                const inputs = plainInputs(args.inputs) as Record<string, any>;
                const id = armIdOf({ type: args.type, name: args.name, inputs }) ?? `${args.name}-id`;
                return { id, state: { ...args.inputs, ...outputsOf(args.type, args.name, inputs) } };
            },
            call: (args) => {
                const inputs = plainInputs(args.inputs) as Record<string, any>;
                capture.calls.push({ token: args.token, inputs });
                return options.bare ? {} : callResult(args.token, inputs, capture.secretsIssued);
            },
        },
        options.project ?? PROJECT,
        options.stack,
        options.preview ?? false,
    );

    // Dependencies, secrecy and protection are only visible on the wire request, not to `newResource`.
    observeRegistrations((req, resp) => {
        const wire = req.getObject()?.toJavaScript() ?? {};
        const deps = new Set(req.getDependenciesList());
        req.getPropertydependenciesMap().forEach((value) => value.getUrnsList().forEach((u) => deps.add(u)));
        const provider = req.getProvider();
        if (provider) deps.add(provider.split("::").slice(0, -1).join("::"));
        capture.resources.push({
            urn: resp.getUrn(),
            type: req.getType(),
            name: req.getName(),
            parent: req.getParent() || null,
            custom: req.getCustom(),
            protect: Boolean(req.getProtect()),
            replaceOnChanges: req.getReplaceonchangesList(),
            id: resp.getId(),
            wire,
            inputs: plainInputs(wire) as Record<string, any>,
            secretPaths: secretPaths(wire),
            dependsOn: [...deps].sort(),
            outputs: plainInputs(resp.getObject()?.toJavaScript() ?? {}) as Record<string, any>,
        });
    });
    return capture;
}

/** Resolves an output's value (undefined while unknown). */
export function promiseOf<T>(output: pulumi.Output<T>): Promise<T> {
    return new Promise((resolve) => output.apply((value) => resolve(value)));
}
