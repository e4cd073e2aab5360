// Runs the policy pack (infra/policy/policies.ts) against a stack evaluated under the mocks, the way
// `pulumi preview --policy-pack infra/policy` runs it against a real preview: each resource policy sees every
// resource's inputs (secrets unwrapped, as the engine shows them to policies), each stack policy sees all resources
// plus the root stack resource, whose properties are the stack outputs.
import type { PolicyResource, ResourceValidationArgs, StackValidationArgs } from "@pulumi/policy";
import { BaselinePolicy, POLICIES, POLICY_PACK } from "../../policy/policies";
import { PolicyVerdict } from "./model";

/** One resource as a policy sees it. */
export interface PolicySubject {
    type: string;
    name: string;
    urn: string;
    props: Record<string, any>;
}


class NotApplicable extends Error {}

const OPTIONS = {
    protect: false,
    ignoreChanges: [],
    aliases: [],
    customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
    additionalSecretOutputs: [],
};

/** The resources of an evaluated program, plus the root stack resource holding `outputs`. */
export function policySubjects(
    resources: readonly { type: string; name: string; urn: string; inputs: Record<string, any> }[],
    outputs: Record<string, unknown>,
    stack: string,
    project: string,
): PolicySubject[] {
    return [
        { type: "pulumi:pulumi:Stack", name: `${project}-${stack}`, urn: `urn:pulumi:${stack}::${project}::pulumi:pulumi:Stack::${project}-${stack}`, props: { ...outputs } },
        ...resources.map((r) => ({ type: r.type, name: r.name, urn: r.urn, props: r.inputs })),
    ];
}

function common(type: string) {
    return {
        stackTags: new Map<string, string>(),
        isType: (resourceClass: unknown) => (resourceClass as { __pulumiType?: string }).__pulumiType === type,
        asType: () => undefined,
        getConfig: <T extends object>() => ({}) as T,
        notApplicable: (reason?: string): never => {
            throw new NotApplicable(reason);
        },
    };
}

async function judge(run: () => Promise<void> | void): Promise<void> {
    try {
        await run();
    } catch (error) {
        if (!(error instanceof NotApplicable)) throw error;
    }
}

/** Every policy's outcome, in the pack's order. */
export async function runPolicies(subjects: readonly PolicySubject[], policies: readonly BaselinePolicy[] = POLICIES): Promise<PolicyVerdict[]> {
    const outcomes: PolicyVerdict[] = [];
    for (const policy of policies) {
        const violations: string[] = [];
        const report = (message: string) => violations.push(message);
        if ("validateResource" in policy && policy.validateResource) {
            const validations = Array.isArray(policy.validateResource) ? policy.validateResource : [policy.validateResource];
            for (const subject of subjects) {
                const args = { ...subject, opts: OPTIONS, ...common(subject.type) } as unknown as ResourceValidationArgs;
                for (const validate of validations) await judge(() => validate(args, report));
            }
        }
        if ("validateStack" in policy) {
            const resources = subjects.map(
                (s) => ({ ...s, opts: OPTIONS, dependencies: [], propertyDependencies: {}, ...common(s.type) }) as unknown as PolicyResource,
            );
            const args = { resources, ...common("") } as unknown as StackValidationArgs;
            await judge(() => policy.validateStack(args, report));
        }
        outcomes.push({ policy: policy.name, description: policy.description, violations });
    }
    return outcomes;
}

/** The policy results as the offline preview prints them. */
export function renderPolicies(outcomes: readonly PolicyVerdict[]): string[] {
    const failed = outcomes.filter((o) => o.violations.length > 0);
    const lines = [
        `Policies: ${POLICY_PACK} (infra/policy), ${outcomes.length} mandatory, ` +
            (failed.length === 0 ? "all passed" : `${failed.length} failed`),
    ];
    for (const outcome of outcomes) {
        lines.push(`  ${outcome.violations.length === 0 ? "pass" : "FAIL"}  ${outcome.policy}: ${outcome.description}`);
        for (const violation of outcome.violations) lines.push(`          - ${violation}`);
    }
    return lines;
}
