// Evaluates the Pulumi program under the mocks for one committed stack file.
import * as pulumi from "@pulumi/pulumi";
import { Capture, installMocks, promiseOf, settle } from "../../../infra/tools/preview/mocks";
import { stackConfig } from "./stackFiles";

export type StackOutputs = Record<string, pulumi.Output<unknown>>;

/**
 * Names of the outputs marked secret. None should be: no output carries a credential (the doctor reads the webhook
 * key through ARM), and a secret output would hide what it holds from every preview.
 */
export async function secretOutputs(outputs: StackOutputs): Promise<string[]> {
    const secret: string[] = [];
    for (const [name, output] of Object.entries(outputs)) {
        if (pulumi.Output.isInstance(output) && (await pulumi.isSecret(output))) secret.push(name);
    }
    return secret;
}

export interface EvaluatedStack {
    capture: Capture;
    outputs: StackOutputs;
    /** Resolved stack outputs (undefined while unknown, as in a preview). */
    values: Record<string, unknown>;
}

/** Callers of the installations endpoint as a deployment sets them (they are never committed in a stack file). */
export const CALLERS: Record<string, string> = {
    "acs-push:installationsAudiences": JSON.stringify(["api://acs-push-installations-dev"]),
    "acs-push:installationsAllowedCallers": JSON.stringify(["9a0b7c3e-2f51-4d0b-8f3a-61c7a0d2e4b1"]),
};

/** Installs the mocks with `Pulumi.<stack>.yaml` (+ overrides), imports infra/index and waits for every registration. */
export async function evaluateStack(
    stack: string,
    overrides: Record<string, string> = {},
    options: { preview?: boolean; bare?: boolean } = {},
): Promise<EvaluatedStack> {
    const { config, secretKeys } = stackConfig(stack);
    const capture = await installMocks({ stack, config: { ...config, ...overrides }, secretKeys, ...options });
    const outputs = (await import("../../../infra/index")) as unknown as StackOutputs;
    await settle();
    const values: Record<string, unknown> = {};
    for (const [name, output] of Object.entries(outputs)) {
        if (pulumi.Output.isInstance(output)) {
            values[name] = options.preview ? undefined : await promiseOf(output);
        } else if (typeof output !== "function") {
            // A plain exported value is a stack output as well.
            values[name] = output;
        }
    }
    return { capture, outputs, values };
}
