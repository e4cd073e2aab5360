// Evaluates the Pulumi program under recording mocks for one committed stack file.
import * as pulumi from "@pulumi/pulumi";
import { installRecordingMocks, promiseOf, Recorder, settled } from "./recordingMocks";
import { stackConfig } from "./stackFiles";

export type StackOutputs = Record<string, pulumi.Output<unknown>>;

export interface EvaluatedStack {
    recorder: Recorder;
    outputs: StackOutputs;
    /** Resolved stack outputs. */
    values: Record<string, unknown>;
}

/** Installs mocks with `Pulumi.<stack>.yaml` (+ overrides), imports infra/index and waits for every registration. */
export async function evaluateStack(stack: string, overrides: Record<string, string> = {}): Promise<EvaluatedStack> {
    const { config, secretKeys } = stackConfig(stack);
    const recorder = await installRecordingMocks({ stack, config: { ...config, ...overrides }, secretKeys });
    const outputs = (await import("../../../infra/index")) as unknown as StackOutputs;
    await settled();
    const values: Record<string, unknown> = {};
    for (const [name, output] of Object.entries(outputs)) {
        if (pulumi.Output.isInstance(output)) {
            values[name] = await promiseOf(output);
        }
    }
    return { recorder, outputs, values };
}
