// scripts/init-stack.sh <stack>: sets a stack up for its first deployment (usage: ./options.ts). The steps:
// pulumi login and stack init when needed, the values from flags or questions, each checked by its key's rule
// before anything is written, `pulumi config set` (secrets on stdin), then the stack's whole configuration
// checked with the rules the program runs before it declares a resource (validateStack in infra/lib).
import * as fs from "node:fs";
import * as path from "node:path";
import { environmentFromStack } from "../../lib/naming";
import { formatProblem, PROJECT } from "../../lib/problems";
import { validateStack } from "../../lib/settings";
import { configForValidation, createStack, currentValues, ensureLogin, Say, selectStack, StepFailure, unlockStack } from "./backend";
import { parseOptions, stackName, USAGE, InitOptions } from "./options";
import { createPrompter, Prompter } from "./prompt";
import { MASK, PulumiCli } from "./pulumiCli";
import {
    Answers,
    CurrentValues,
    Entry,
    evaluateAnswers,
    evaluateField,
    exampleFor,
    exampleNote,
    Field,
    FIELDS,
    InputProblem,
    missingReason,
    suggestion,
} from "./values";

export interface Io {
    stdin: NodeJS.ReadableStream & { isTTY?: boolean };
    stdout: NodeJS.WritableStream;
    stderr: NodeJS.WritableStream;
    env: NodeJS.ProcessEnv;
}

const ATTEMPTS = 3;

const formatInputProblem = (p: InputProblem) => `  - ${p.flag} (${PROJECT}:${p.key}): ${p.message} (${exampleNote(p.key, p.example)})`;

/** Asks for every field without a flag, re-asking (up to 3 times) while an answer breaks its rule. */
async function askMissing(options: InitOptions, current: CurrentValues, prompter: Prompter, say: Say): Promise<Answers> {
    const answers: Answers = {};
    for (const field of Object.keys(FIELDS) as Field[]) {
        answers[field] = options[field];
        if (answers[field] !== undefined) continue;
        const spec = FIELDS[field];
        const required = missingReason(field, answers, current) !== undefined;
        const fallback = field === "environment" && current.plain.environment === undefined ? environmentFromStack(options.stack) : suggestion(field, answers, current);
        const keep = spec.file && !required ? " (Enter keeps the stored one)" : "";
        for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
            const answer = await prompter.ask(`${spec.question}${keep}`, { fallback });
            if (answer === undefined) return answers; // input ended: the missing values are reported below
            if (answer === "" || (!spec.file && answer === current.plain[spec.key])) {
                if (!required) break;
                say(`  ${spec.question} is required (${exampleFor(field)}).`);
                continue;
            }
            const outcome = evaluateField(field, answer, { ...answers, [field]: answer });
            if (outcome.problems.length === 0) {
                answers[field] = answer;
                break;
            }
            for (const p of outcome.problems) say(`  ${p.message} (${exampleNote(p.key, p.example)})`);
        }
    }
    return answers;
}

function describe(entry: Entry): string {
    const shown = entry.secret ? MASK : entry.value;
    return `  ${`${PROJECT}:${entry.key}`.padEnd(28)} ${shown}${entry.from ? `   (from ${entry.from})` : ""}`;
}

async function writeEntries(cli: PulumiCli, stack: string, entries: Entry[], say: Say): Promise<void> {
    for (const [index, entry] of entries.entries()) {
        const key = `${PROJECT}:${entry.key}`;
        const result = entry.secret
            ? await cli.run(["config", "set", "--stack", stack, "--secret", key], { input: entry.value })
            : await cli.run(["config", "set", "--stack", stack, key, "--", entry.value]);
        if (result.status !== 0) {
            const written = entries.slice(0, index).map((e) => e.key);
            throw new StepFailure(
                `pulumi config set ${key} failed (exit code ${result.status}): ${result.stderr.trim()}\n` +
                    `Written before it: ${written.length ? written.join(", ") : "nothing"}. Run this command again to finish.`,
            );
        }
    }
    say(`Wrote ${entries.length} value${entries.length === 1 ? "" : "s"} with pulumi config set (secrets through stdin).`);
}

async function run(options: InitOptions, io: Io, attached: boolean): Promise<number> {
    const say: Say = (line) => io.stdout.write(`${line}\n`);
    const root = path.resolve(options.root ?? path.join(__dirname, "..", "..", "..", ".."));
    if (!fs.existsSync(path.join(root, "Pulumi.yaml"))) {
        io.stderr.write(`${root} holds no Pulumi.yaml: run this from the project (scripts/init-stack.sh does).\n`);
        return 2;
    }
    const cli = new PulumiCli(root, io.env);
    const prompter = options.interactive ? createPrompter(io.stdin, io.stdout) : undefined;
    try {
        const version = await cli.run(["version"]);
        if (version.status !== 0) throw new StepFailure(version.stderr.trim() || "`pulumi version` failed.");
        say(`Pulumi CLI ${version.stdout.trim()}`);
        const backendUrl = await ensureLogin(cli, options.backend, prompter, attached, say);
        const exists = await selectStack(cli, options.stack, say);
        const current: CurrentValues = exists ? await currentValues(cli, options.stack) : { plain: {}, secret: new Set() };

        const answers: Answers = prompter ? await askMissing(options, current, prompter, say) : options;
        const { entries, problems } = evaluateAnswers(answers, current);
        for (const entry of entries.filter((e) => e.secret)) cli.protect(entry.value);
        if (problems.length > 0) {
            const noun = problems.length === 1 ? "problem" : "problems";
            const what = exists ? "Nothing was written to" : "Nothing was created or written for";
            io.stderr.write(`${what} stack ${options.stack}: ${problems.length} ${noun} with the values given.\n`);
            io.stderr.write(`${problems.map(formatInputProblem).join("\n")}\n`);
            return 2;
        }
        if (exists) await unlockStack(cli, { stack: options.stack, root, secretsProvider: options.secretsProvider }, prompter, say);
        else await createStack(cli, { stack: options.stack, secretsProvider: options.secretsProvider, backendUrl }, prompter, say);
        if (entries.length > 0) {
            say(`Values for stack ${options.stack}:`);
            entries.forEach((e) => say(describe(e)));
            await writeEntries(cli, options.stack, entries, say);
        } else {
            say(`Stack ${options.stack} already has every value; nothing to write.`);
        }

        const { raw, azureEnvironment } = await configForValidation(cli, options.stack);
        const result = validateStack(raw, stackName(options.stack), azureEnvironment ?? io.env.ARM_ENVIRONMENT);
        if (!result.ok) {
            io.stderr.write(
                `Stack ${options.stack}'s configuration breaks ${result.problems.length} of the program's rules; pulumi up would refuse it:\n` +
                    `${result.problems.map((p) => `  - ${cli.mask(formatProblem(p))}`).join("\n")}\n` +
                    "Fix them with this command's flags or `pulumi config set` and run it again.\n",
            );
            return 1;
        }
        const file = `Pulumi.${stackName(options.stack)}.yaml`;
        say(`Stack ${options.stack} is ready: its configuration passes every rule the program checks before deploying.`);
        say("Next:");
        say(`  pulumi preview --stack ${options.stack}     what a deployment will change in Azure (after az login)`);
        say(`  ./scripts/up.sh ${options.stack}             deploy`);
        say(`Commit ${file}: it holds these values, the private keys only encrypted.`);
        return 0;
    } catch (error) {
        if (!(error instanceof StepFailure)) throw error;
        io.stderr.write(`${cli.mask(error.message)}\n`);
        return 1;
    } finally {
        prompter?.close();
    }
}

export async function main(argv: string[], io: Io): Promise<number> {
    const parsed = parseOptions(argv, io.stdin.isTTY === true);
    if (parsed.help) {
        io.stdout.write(`${USAGE}\n`);
        return 0;
    }
    if ("error" in parsed) {
        io.stderr.write(`${parsed.error}\n\n${USAGE}\n`);
        return 2;
    }
    return run(parsed.options, io, io.stdin.isTTY === true);
}

if (require.main === module) {
    main(process.argv.slice(2), { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr, env: process.env }).then(
        (code) => {
            process.exitCode = code;
        },
        (error) => {
            process.stderr.write(`init-stack: ${(error as Error).stack ?? error}\n`);
            process.exitCode = 1;
        },
    );
}
