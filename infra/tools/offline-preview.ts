// Offline preview: evaluates the Pulumi program for a stack with mocked providers and prints the plan.
//
//   node build/infra/tools/offline-preview.js [--stack dev] [--json] [--set key=value ...]
//   node build/infra/tools/offline-preview.js --diff base.json head.json [--json]
//
// Nothing reaches Azure or a Pulumi backend. Config comes from Pulumi.<stack>.yaml and the defaults in
// Pulumi.yaml; every secret is replaced by a dummy value, and secret values print as [secret].
import * as fs from "node:fs";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { diffPlans, renderDiff } from "../lib/plan/diff";
import { maskText } from "../lib/plan/mask";
import { Plan } from "../lib/plan/model";
import { buildPlan, stableJson } from "../lib/plan/plan";
import { renderPlan } from "../lib/plan/render";
import { isValidStackName, resolveStackConfig } from "../lib/plan/stackConfig";

const USAGE = `Usage:
  offline-preview [--stack <name>] [--json] [--set <key>=<value> ...]   plan of one stack (default dev)
  offline-preview --diff <base.json> <head.json> [--json]                 compare two plans made with --json
Options:
  --root <dir>       project folder holding Pulumi.yaml (default: the repository root)
  --program <file>   compiled program to evaluate (default: <root>/build/infra/index.js)`;

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
    const project = String(projectYaml.name ?? "acs-push");
    const stackYaml = readYaml(stackFile(options.root, options.stack));
    const config = resolveStackConfig({
        project,
        projectYaml: projectYaml as { config?: Record<string, unknown> },
        stackYaml: stackYaml as { config?: Record<string, unknown> },
        overrides: options.overrides,
    });

    const { installCapture, settle } = await import("../lib/plan/capture");
    const { DUMMY_KEY, mockCall, mockOutputs } = await import("../lib/plan/mocks");
    const knownSecrets = [...config.secretValues, DUMMY_KEY];
    const capture = await installCapture({
        project,
        stack: options.stack,
        config: config.values,
        secretKeys: config.secretKeys,
        knownSecrets,
        outputs: (args) => mockOutputs(args),
        call: (args) => mockCall(args.token),
    });

    const failures: unknown[] = [];
    const onRejection = (reason: unknown) => failures.push(reason);
    process.on("unhandledRejection", onRejection);
    try {
        const programPath = path.resolve(options.program ?? path.join(options.root, "build/infra/index.js"));
        if (!fs.existsSync(programPath)) {
            throw new PreviewError(`The compiled program ${programPath} does not exist; run \`npx tsc -p tsconfig.json\` first.`);
        }
        try {
            const exported = require(programPath);
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
                knownSecrets,
            ),
        );
    }
    return buildPlan({ project, stack: options.stack, config: config.entries, resources: capture.resources });
}

function readPlan(file: string): Plan {
    try {
        const plan = JSON.parse(fs.readFileSync(file, "utf8")) as Plan;
        if (!Array.isArray(plan.resources) || typeof plan.stack !== "string") throw new Error("not a plan made with --json");
        return plan;
    } catch (error) {
        throw new PreviewError(`Cannot read the plan ${file}: ${(error as Error).message}`);
    }
}

export async function main(argv: string[]): Promise<number> {
    let args;
    try {
        args = parseArgs({
            args: argv,
            allowPositionals: true,
            options: {
                stack: { type: "string", short: "s", default: "dev" },
                json: { type: "boolean", default: false },
                diff: { type: "boolean", default: false },
                set: { type: "string", multiple: true },
                root: { type: "string" },
                program: { type: "string" },
                help: { type: "boolean", short: "h", default: false },
            },
        });
    } catch (error) {
        process.stderr.write(`${(error as Error).message}\n${USAGE}\n`);
        return 2;
    }
    const { values, positionals } = args;
    if (values.help) {
        process.stdout.write(`${USAGE}\n`);
        return 0;
    }
    try {
        if (values.diff) {
            if (positionals.length !== 2) throw new PreviewError(`--diff takes two plan files.\n${USAGE}`);
            const diff = diffPlans(readPlan(positionals[0]), readPlan(positionals[1]));
            process.stdout.write(values.json ? stableJson(diff) : renderDiff(diff));
            return 0;
        }
        if (positionals.length) throw new PreviewError(`Unexpected argument "${positionals[0]}".\n${USAGE}`);
        const overrides: Record<string, string> = {};
        for (const pair of values.set ?? []) {
            const at = pair.indexOf("=");
            if (at <= 0) throw new PreviewError(`--set takes key=value (got "${pair}").`);
            overrides[pair.slice(0, at)] = pair.slice(at + 1);
        }
        const root = path.resolve(values.root ?? path.join(__dirname, "..", "..", ".."));
        const plan = await previewStack({ root, stack: values.stack!, program: values.program, overrides });
        process.stdout.write(values.json ? stableJson(plan) : renderPlan(plan));
        return 0;
    } catch (error) {
        if (error instanceof PreviewError) {
            process.stderr.write(`${error.message}\n`);
            return 1;
        }
        throw error;
    }
}

if (require.main === module) {
    main(process.argv.slice(2)).then(
        (code) => {
            process.exitCode = code;
        },
        (error) => {
            process.stderr.write(`offline-preview: ${(error as Error).stack ?? error}\n`);
            process.exitCode = 1;
        },
    );
}
