// Offline preview: evaluates the Pulumi program for a stack with mocked providers and prints the plan, or
// the difference between two plans in `pulumi preview`'s vocabulary.
//
//   node build/infra/tools/preview/offline-preview.js [--stack dev] [--json] [--set key=value ...]
//   node build/infra/tools/preview/offline-preview.js --diff base.json head.json [--json]
//   node build/infra/tools/preview/offline-preview.js --stack prod --diff --set key=value ...
//
// Nothing reaches Azure or a Pulumi backend. Config comes from Pulumi.<stack>.yaml and the defaults in
// Pulumi.yaml; every secret is replaced by a dummy value, and secret values print as [secret].
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { diffPlans } from "./diff";
import { renderDiff } from "./diffRender";
import { PreviewError, previewStack } from "./evaluate";
import { Plan } from "./model";
import { stableJson } from "./plan";
import { renderPlan } from "./render";

const USAGE = `Usage:
  offline-preview [--stack <name>] [--json] [--set <key>=<value> ...]   plan of one stack (default dev)
  offline-preview --diff <base.json> <head.json> [--json]                 compare two plans made with --json
  offline-preview [--stack <name>] --diff --set <key>=<value> ...        the stack as committed against the
                                                                         same stack with the --set values
Options:
  --root <dir>       project folder holding Pulumi.yaml (default: the repository root)
  --program <file>   compiled program to evaluate (default: <root>/build/infra/index.js)`;

function parsePlan(text: string, source: string): Plan {
    try {
        const plan = JSON.parse(text) as Plan;
        if (!Array.isArray(plan.resources) || typeof plan.stack !== "string") throw new Error("not a plan made with --json");
        return plan;
    } catch (error) {
        throw new PreviewError(`Cannot read the plan ${source}: ${(error as Error).message}`);
    }
}

function readPlan(file: string): Plan {
    let text: string;
    try {
        text = fs.readFileSync(file, "utf8");
    } catch (error) {
        throw new PreviewError(`Cannot read the plan ${file}: ${(error as Error).message}`);
    }
    return parsePlan(text, file);
}

/** The plan of a stack made by this tool in a process of its own (a program is evaluated once per process). */
function planInChild(args: string[]): Promise<Plan> {
    return new Promise((resolve, reject) => {
        execFile(process.execPath, [__filename, ...args, "--json"], { maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
            if (error) reject(new PreviewError(stderr.trim() || error.message));
            else resolve(parsePlan(stdout, `of ${args.join(" ")}`));
        });
    });
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
        const overrides: Record<string, string> = {};
        for (const pair of values.set ?? []) {
            const at = pair.indexOf("=");
            if (at <= 0) throw new PreviewError(`--set takes key=value (got "${pair}").`);
            overrides[pair.slice(0, at)] = pair.slice(at + 1);
        }
        if (values.diff) {
            let base: Plan;
            let head: Plan;
            if (positionals.length === 2) {
                [base, head] = [readPlan(positionals[0]), readPlan(positionals[1])];
            } else if (positionals.length === 0 && values.set?.length) {
                const common = ["--stack", values.stack!, ...(values.root ? ["--root", values.root] : []), ...(values.program ? ["--program", values.program] : [])];
                [base, head] = await Promise.all([planInChild(common), planInChild([...common, ...values.set.flatMap((s) => ["--set", s])])]);
            } else {
                throw new PreviewError(`--diff takes two plan files, or --set values to try on the stack.\n${USAGE}`);
            }
            const diff = diffPlans(base, head);
            process.stdout.write(values.json ? stableJson(diff) : renderDiff(diff));
            return 0;
        }
        if (positionals.length) throw new PreviewError(`Unexpected argument "${positionals[0]}".\n${USAGE}`);
        const root = path.resolve(values.root ?? path.join(__dirname, "..", "..", "..", ".."));
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
