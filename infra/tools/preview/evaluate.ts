// Evaluates the compiled Pulumi program for one stack against the mocks and returns its plan. Config comes
// from Pulumi.<stack>.yaml and the defaults in Pulumi.yaml; a secret the stack stores or must set is replaced by a dummy value (an optional one left unset keeps its
// default), and a
// required key the stack does not set takes its documented example (the plan marks it `example`).
import * as fs from "node:fs";
import * as path from "node:path";
import { CONFIG_KEYS } from "../../lib/configKeys";
import { PROJECT } from "../../lib/problems";
import { armIdOf } from "./azureIds";
import { Plan, PlanResource, PolicyVerdict } from "./model";
import { policySubjects, runPolicies } from "./policies";
import { buildPlan } from "./plan";
import { isValidStackName, resolveStackConfig } from "./stackConfig";
import { maskInputs, maskText } from "./wire";

/** An error whose message is the whole story: printed without a stack trace. */
export class PreviewError extends Error {}

const yaml = require("js-yaml") as { load(text: string): unknown };

function readYaml(file: string): Record<string, unknown> {
    try {
        return (yaml.load(fs.readFileSync(file, "utf8")) ?? {}) as Record<string, unknown>;
    } catch (error) {
        throw new PreviewError(`Cannot read ${file}: ${(error as Error).message}`);
    }
}

/**
 * The documented example of every required key (one without a default). The committed stack files set
 * none of them, so the preview evaluates a fresh clone with these and says so.
 */
export function requiredKeyExamples(): Record<string, string> {
    return Object.fromEntries(CONFIG_KEYS.filter((k) => k.default === undefined).map((k) => [k.key, k.example]));
}

/** Stack names for which a Pulumi.<stack>.yaml exists in `root`. */
export function availableStacks(root: string): string[] {
    return fs
        .readdirSync(root)
        .map((f) => /^Pulumi\.(.+)\.ya?ml$/.exec(f)?.[1])
        .filter((s): s is string => !!s)
        .sort();
}

function stackFile(root: string, stack: string): string {
    const stacks = availableStacks(root);
    const list = stacks.length ? stacks.join(", ") : "(none)";
    if (!isValidStackName(stack)) throw new PreviewError(`"${stack}" is not a valid stack name. Available stacks: ${list}`);
    for (const ext of ["yaml", "yml"]) {
        const file = path.join(root, `Pulumi.${stack}.${ext}`);
        if (fs.existsSync(file)) return file;
    }
    throw new PreviewError(`Unknown stack "${stack}": there is no Pulumi.${stack}.yaml in ${root}. Available stacks: ${list}`);
}

/** Evaluates the program for one stack and returns its plan. Throws PreviewError when the program fails. */
export async function previewStack(options: {
    root: string;
    stack: string;
    program?: string;
    overrides?: Record<string, string>;
}): Promise<Plan> {
    const projectYaml = readYaml(path.join(options.root, "Pulumi.yaml"));
    const project = String(projectYaml.name ?? PROJECT);
    const config = resolveStackConfig({
        project,
        projectYaml: projectYaml as { config?: Record<string, unknown> },
        stackYaml: readYaml(stackFile(options.root, options.stack)) as { config?: Record<string, unknown> },
        overrides: options.overrides,
        examples: requiredKeyExamples(),
    });

    const { installMocks, settle } = await import("./mocks");
    const capture = await installMocks({
        project,
        stack: options.stack,
        config: config.values,
        secretKeys: config.secretKeys,
        preview: true,
    });
    const knownSecrets = () => [...config.secretValues, ...capture.secretsIssued];

    const failures: unknown[] = [];
    let exported: Record<string, unknown> = {};
    const onRejection = (reason: unknown) => failures.push(reason);
    process.on("unhandledRejection", onRejection);
    try {
        const programPath = path.resolve(options.program ?? path.join(options.root, "build/infra/index.js"));
        if (!fs.existsSync(programPath)) {
            throw new PreviewError(`The compiled program ${programPath} does not exist; run \`npx tsc -p tsconfig.json\` first.`);
        }
        try {
            exported = require(programPath);
            const main = typeof exported === "function" ? exported : exported?.default;
            if (typeof main === "function") await main();
        } catch (error) {
            failures.push(error);
        }
        await settle();
        // Let rejected promises created during registration surface.
        await new Promise((resolve) => setImmediate(resolve));
    } finally {
        process.off("unhandledRejection", onRejection);
    }
    const { log } = await import("@pulumi/pulumi");
    if (failures.length || log.hasErrors()) {
        const messages = failures.map((f) => (f instanceof Error ? f.message : String(f)));
        throw new PreviewError(
            maskText(
                `The program failed for stack "${options.stack}":\n` +
                    (messages.length ? messages.map((m) => `  ${m.split("\n").join("\n  ")}`).join("\n") : "  (see the errors above)"),
                knownSecrets(),
            ),
        );
    }
    const resources = capture.resources.map((r): PlanResource => {
        const inputs = maskInputs(r.wire, knownSecrets()) as Record<string, unknown>;
        // A dynamic resource carries its provider as serialized source code: noise in a plan.
        if (typeof r.wire.__provider === "string") inputs.__provider = `<serialized provider, ${r.wire.__provider.length} characters>`;
        const id = armIdOf(r);
        return {
            urn: r.urn,
            type: r.type,
            name: r.name,
            parent: r.parent,
            custom: r.custom,
            inputs,
            dependsOn: r.dependsOn,
            ...(id !== undefined ? { id } : {}),
            ...(r.protect ? { protect: true } : {}),
            ...(r.replaceOnChanges.length ? { replaceOnChanges: r.replaceOnChanges } : {}),
        };
    });
    const policies = await judgeStack(capture.resources, exported, options.stack, project, knownSecrets());
    return buildPlan({ project, stack: options.stack, config: config.entries, resources, policies });
}

/** The policy pack's verdicts on the evaluated stack: resource inputs and known stack outputs, unmasked as the engine shows them. */
async function judgeStack(
    resources: Parameters<typeof policySubjects>[0],
    exported: Record<string, unknown>,
    stack: string,
    project: string,
    secrets: string[],
): Promise<PolicyVerdict[]> {
    const { Output } = await import("@pulumi/pulumi");
    const { knownValue } = await import("./sdk");
    const outputs: Record<string, unknown> = {};
    for (const [name, value] of Object.entries(exported ?? {})) {
        if (Output.isInstance(value)) outputs[name] = await knownValue(value);
    }
    const verdicts = await runPolicies(policySubjects(resources, outputs, stack, project));
    return verdicts.map((v) => ({ ...v, violations: v.violations.map((m) => maskText(m, secrets)) }));
}
