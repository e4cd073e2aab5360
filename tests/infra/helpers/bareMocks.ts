// The least a test harness may provide: resources echo their inputs, every call answers {}. The program must
// still evaluate (no reliance on provider-computed outputs beyond ids) with nothing but a stack file + secrets.
import * as pulumi from "@pulumi/pulumi";
import { promiseOf, settled } from "./recordingMocks";
import { stackConfig } from "./stackFiles";

export interface BareEvaluation {
    types: string[];
    values: Record<string, unknown>;
    secretOutputs: string[];
}

export async function evaluateWithBareMocks(stack: string, preview: boolean): Promise<BareEvaluation> {
    const { config, secretKeys } = stackConfig(stack);
    const types: string[] = [];
    pulumi.runtime.setAllConfig(config, secretKeys);
    await pulumi.runtime.setMocks(
        {
            newResource: (args) => {
                types.push(args.type);
                return { id: `${args.name}_id`, state: args.inputs };
            },
            call: () => ({}),
        },
        "acs-push",
        stack,
        preview,
    );
    const outputs = (await import("../../../infra/index")) as unknown as Record<string, pulumi.Output<unknown>>;
    await settled();
    const values: Record<string, unknown> = {};
    const secretOutputs: string[] = [];
    for (const [name, output] of Object.entries(outputs)) {
        if (pulumi.Output.isInstance(output)) {
            values[name] = preview ? undefined : await promiseOf(output);
            if (await pulumi.isSecret(output)) {
                secretOutputs.push(name);
            }
        }
    }
    return { types, values, secretOutputs };
}
