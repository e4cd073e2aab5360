// The doctor: checks a deployed stack's live resources and says, per check, `ok` or what is wrong and how to
// fix it. Exit status 0 when every check passed, 1 with findings, 2 when it could not run.
//
//   scripts/doctor.sh <stack>                      outputs from `pulumi stack output --json`
//   scripts/doctor.sh <stack> --outputs <file|->   outputs from a file (or standard input) holding that JSON
//
// Azure access: DefaultAzureCredential (az login, a service principal, managed identity). The webhook's
// function key is read through Resource Manager when the handshake is checked, used, and never printed.
import type { TokenCredential } from "@azure/core-auth";
import { parseArgs } from "node:util";
import { authorityHostFor } from "../../providers/armIds";
import { checkAlerts } from "./alertChecks";
import { DoctorClient, DoctorSession } from "./client";
import { checkDeadLetters, checkWebhook } from "./endpointChecks";
import { Check, CheckContext, CheckResult, finding, RUNBOOK } from "./model";
import { CommandRunner, DoctorError, DoctorOutputs, readOutputsFile, readStackOutputs, runCommand } from "./outputs";
import { checkEventSubscriptions, checkHubCredentials, checkLink } from "./resourceChecks";

/** The checks in the runbook's order, each with the name its failure is reported under. */
export const CHECKS: readonly { name: string; runbook: string; run: Check }[] = [
    { name: "ACS link", runbook: "doctor-acs-link", run: checkLink },
    { name: "hub credentials", runbook: "doctor-hub-credentials", run: checkHubCredentials },
    { name: "Event Grid subscriptions", runbook: "doctor-event-subscriptions", run: checkEventSubscriptions },
    { name: "webhook handshake", runbook: "doctor-webhook", run: checkWebhook },
    { name: "dead letters", runbook: "doctor-dead-letters", run: checkDeadLetters },
    { name: "alerts", runbook: "doctor-alerts", run: checkAlerts },
];

export function mask(text: string, secrets: readonly string[]): string {
    return [...secrets].sort((a, b) => b.length - a.length).reduce((t, s) => t.split(s).join("[secret]"), text);
}

/** Runs every check side by side; a check that throws (network, DNS, TLS) becomes a finding of its own. */
export async function runChecks(context: CheckContext, checks = CHECKS): Promise<CheckResult[]> {
    const results = await Promise.all(
        checks.map(async ({ name, runbook, run }) => {
            try {
                return await run(context);
            } catch (error) {
                const message = (error as Error).message ?? String(error);
                return [finding(name, runbook, `The check could not complete: ${message}`, "Check the network path to Azure from this machine, then run the doctor again.")];
            }
        }),
    );
    return results.flat();
}

export function renderReport(stack: string, armEndpoint: string, results: readonly CheckResult[], secrets: readonly string[]): string {
    const width = Math.max(...results.map((r) => r.check.length));
    const lines = [`Doctor of stack "${stack}": the deployed resources, checked through ${armEndpoint} and the data planes.`, ""];
    for (const r of results) {
        lines.push(`${r.ok ? "ok     " : "FINDING"}  ${r.check.padEnd(width)}  ${r.detail}`);
        if (!r.ok) {
            lines.push(`${" ".repeat(9)}fix:     ${r.fix}`, `${" ".repeat(9)}runbook: ${RUNBOOK}#${r.runbook}`);
        }
    }
    const findings = results.filter((r) => !r.ok).length;
    lines.push("", `${results.length - findings} ok, ${findings} ${findings === 1 ? "finding" : "findings"}.`);
    return mask(`${lines.join("\n")}\n`, secrets);
}

export interface DoctorDependencies {
    /** Default: DefaultAzureCredential for the stack's cloud. */
    credential?: (armEndpoint: string) => TokenCredential;
    tlsOptions?: DoctorSession["tlsOptions"];
    httpClient?: DoctorSession["httpClient"];
    maxRetries?: number;
    runCommand?: CommandRunner;
    readStdin?: () => string;
    stdout?: (text: string) => void;
    stderr?: (text: string) => void;
}

function defaultCredential(armEndpoint: string): TokenCredential {
    const { DefaultAzureCredential } = require("@azure/identity") as typeof import("@azure/identity");
    const authorityHost = process.env.AZURE_AUTHORITY_HOST || authorityHostFor(armEndpoint);
    return new DefaultAzureCredential(authorityHost ? { authorityHost } : {});
}

const USAGE = "Usage: doctor <stack> [--outputs <file.json>|-]   (outputs as `pulumi stack output --json` prints them)";

export async function main(argv: string[], deps: DoctorDependencies = {}): Promise<number> {
    const out = deps.stdout ?? ((t: string) => void process.stdout.write(t));
    const err = deps.stderr ?? ((t: string) => void process.stderr.write(t));
    let stack: string;
    let outputs: DoctorOutputs;
    try {
        const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { outputs: { type: "string" }, help: { type: "boolean", short: "h" } } });
        if (values.help) {
            out(`${USAGE}\n`);
            return 0;
        }
        if (positionals.length !== 1) throw new DoctorError(`Name one stack.\n${USAGE}`);
        stack = positionals[0];
        outputs = values.outputs ? readOutputsFile(values.outputs, deps.readStdin) : await readStackOutputs(stack, deps.runCommand ?? runCommand);
    } catch (error) {
        err(`doctor: ${error instanceof DoctorError ? error.message : `${(error as Error).message}\n${USAGE}`}\n`);
        return 2;
    }
    // Filled by the checks with what they must not print (the function key they read).
    const secrets: string[] = [];
    const credential = (deps.credential ?? defaultCredential)(outputs.armEndpoint);
    try {
        await credential.getToken(`${outputs.armEndpoint.replace(/\/+$/, "")}/.default`);
    } catch (error) {
        const first = String((error as Error).message ?? error).split("\n")[0];
        err(`doctor: no Azure sign-in to check stack "${stack}" with: ${first}\nSign in with \`az login\` (or set a service principal's AZURE_* variables) and run again.\n`);
        return 2;
    }
    const client = new DoctorClient({
        credential,
        armEndpoint: outputs.armEndpoint,
        tlsOptions: deps.tlsOptions,
        httpClient: deps.httpClient,
        maxRetries: deps.maxRetries,
    });
    const results = await runChecks({ stack, outputs, client, secrets });
    out(renderReport(stack, outputs.armEndpoint, results, secrets));
    return results.every((r) => r.ok) ? 0 : 1;
}

if (require.main === module) {
    main(process.argv.slice(2)).then(
        (code) => {
            process.exitCode = code;
        },
        (error) => {
            process.stderr.write(`doctor: ${(error as Error).stack ?? error}\n`);
            process.exitCode = 2;
        },
    );
}
