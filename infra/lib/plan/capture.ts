import * as pulumi from "@pulumi/pulumi";
import { maskInputs } from "./mask";
import { PlanResource } from "./model";
import { observeRegistrations, RegisterResourceRequest } from "./sdk";

/** A call a program made to a provider function (an invoke), with its masked arguments. */
export interface CapturedInvoke {
    token: string;
    args: unknown;
}

export interface Capture {
    resources: PlanResource[];
    invokes: CapturedInvoke[];
}

export interface CaptureOptions {
    project: string;
    stack: string;
    config?: Record<string, string>;
    secretKeys?: string[];
    /** Values to mask wherever they appear, secret flag or not (the dummy secrets). */
    knownSecrets?: string[];
    /** Mock outputs for a new resource, merged over its inputs. */
    outputs?: (args: pulumi.runtime.MockResourceArgs) => Record<string, unknown>;
    /** Mock results of invokes. */
    call?: (args: pulumi.runtime.MockCallArgs) => Record<string, unknown>;
}

/**
 * Installs Pulumi mocks that record every registered resource with its parent and dependencies.
 *
 * The mocks' `newResource` hook sees neither dependencies nor secret flags, so this wraps the mock
 * monitor's `registerResource`, where the request still carries `dependencies` (explicit dependsOn,
 * expanded to the resources inside components), `propertyDependencies` (where each input came from)
 * and the serialized inputs with their secret markers.
 */
export async function installCapture(options: CaptureOptions): Promise<Capture> {
    const capture: Capture = { resources: [], invokes: [] };
    const known = options.knownSecrets ?? [];
    await pulumi.runtime.setMocks(
        {
            newResource: (args) => {
                const outputs = options.outputs?.(args) ?? {};
                const id = typeof outputs.id === "string" ? outputs.id : `${args.name}-id`;
                return { id, state: { ...args.inputs, ...outputs } };
            },
            call: (args) => {
                capture.invokes.push({ token: args.token, args: maskInputs(args.inputs, known) });
                return options.call?.(args) ?? {};
            },
        },
        options.project,
        options.stack,
        true,
    );
    pulumi.runtime.setAllConfig(options.config ?? {}, options.secretKeys ?? []);

    // Dependencies and secret markers are only visible on the wire request, before the mock answers it.
    const pending = new Map<RegisterResourceRequest, { raw: Record<string, unknown>; deps: string[] }>();
    observeRegistrations(
        (req) => {
            const raw = req.getObject()?.toJavaScript() ?? {};
            // A dynamic resource carries its provider as serialized source code: noise in a plan.
            if (typeof raw.__provider === "string") raw.__provider = `<serialized provider, ${raw.__provider.length} characters>`;
            const deps = new Set(req.getDependenciesList());
            req.getPropertydependenciesMap().forEach((value) => value.getUrnsList().forEach((u) => deps.add(u)));
            const provider = req.getProvider();
            if (provider) deps.add(provider.split("::").slice(0, -1).join("::"));
            pending.set(req, { raw, deps: [...deps].sort() });
        },
        (req, urn) => {
            const { raw, deps } = pending.get(req)!;
            pending.delete(req);
            capture.resources.push({
                urn,
                type: req.getType(),
                name: req.getName(),
                parent: req.getParent() || null,
                custom: req.getCustom(),
                inputs: maskInputs(raw, known) as Record<string, unknown>,
                dependsOn: deps,
            });
        },
    );
    return capture;
}

export { settle } from "./sdk";
