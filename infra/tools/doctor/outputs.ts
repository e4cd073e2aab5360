// The stack outputs the doctor works from, read from `pulumi stack output --json` or a file
// holding that JSON, and checked before any call to Azure.
import { execFile } from "node:child_process";
import * as fs from "node:fs";

export interface EventSubscriptionOutput {
    name: string;
    id: string;
    eventTypes: string[];
}

export interface DoctorOutputs {
    armEndpoint: string;
    acsResourceName: string;
    acsResourceId: string;
    callsHubName: string;
    callsHubId: string;
    alertsHubName: string;
    alertsHubId: string;
    apnsEndpoint: string;
    fcmProjectId: string;
    eventSubscriptions: EventSubscriptionOutput[];
    /** The webhook without its key, `https://<app host>/api/events`. */
    webhookEndpoint: string;
    /** ARM id of the webhook function (`<app id>/functions/EventGridWebhook`): its key is read through it, never stored. */
    webhookFunctionId: string;
    deadLetterContainerUrl: string;
    actionGroupId: string;
    alertRuleIds: string[];
}

/** An error whose message says everything; the doctor prints it and exits with status 2. */
export class DoctorError extends Error {}

const STRINGS = [
    "armEndpoint",
    "acsResourceName",
    "acsResourceId",
    "callsHubName",
    "callsHubId",
    "alertsHubName",
    "alertsHubId",
    "apnsEndpoint",
    "fcmProjectId",
    "webhookEndpoint",
    "webhookFunctionId",
    "deadLetterContainerUrl",
    "actionGroupId",
] as const;

const isStringList = (v: unknown): v is string[] => Array.isArray(v) && v.every((s) => typeof s === "string");

/** The outputs the doctor needs, or a DoctorError naming every one that is missing or malformed. */
export function parseOutputs(value: unknown, source: string): DoctorOutputs {
    if (value === null || typeof value !== "object" || Array.isArray(value)) {
        throw new DoctorError(`${source} is not the JSON object \`pulumi stack output --json\` prints.`);
    }
    const o = value as Record<string, unknown>;
    const bad: string[] = STRINGS.filter((key) => typeof o[key] !== "string" || o[key] === "");
    if (!isStringList(o.alertRuleIds)) bad.push("alertRuleIds");
    const subscriptionsOk =
        Array.isArray(o.eventSubscriptions) &&
        o.eventSubscriptions.length > 0 &&
        o.eventSubscriptions.every((s) => s && typeof s.name === "string" && typeof s.id === "string" && isStringList(s.eventTypes));
    if (!subscriptionsOk) bad.push("eventSubscriptions");
    if (bad.length > 0) {
        throw new DoctorError(
            `${source} lacks or garbles the stack outputs ${bad.join(", ")}. They come from this version of the ` +
                "program: deploy it once (`scripts/up.sh <stack>`), then run the doctor again.",
        );
    }
    return o as unknown as DoctorOutputs;
}

export function readOutputsFile(file: string, readStdin: () => string = () => fs.readFileSync(0, "utf8")): DoctorOutputs {
    const source = file === "-" ? "standard input" : file;
    let text: string;
    try {
        text = file === "-" ? readStdin() : fs.readFileSync(file, "utf8");
    } catch (error) {
        throw new DoctorError(`Cannot read the stack outputs from ${source}: ${(error as Error).message}`);
    }
    let json: unknown;
    try {
        json = JSON.parse(text);
    } catch {
        throw new DoctorError(`${source} is not JSON; write it with \`pulumi stack output --json -s <stack>\`.`);
    }
    return parseOutputs(json, source);
}

/** Runs a command and returns its standard output; rejects with its standard error. */
export type CommandRunner = (command: string, args: string[]) => Promise<string>;

export const runCommand: CommandRunner = (command, args) =>
    new Promise((resolve, reject) => {
        execFile(command, args, { maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
            if (error) reject(Object.assign(error, { stderr: String(stderr) }));
            else resolve(String(stdout));
        });
    });

/** The outputs of a deployed stack through the Pulumi CLI. */
export async function readStackOutputs(stack: string, run: CommandRunner = runCommand): Promise<DoctorOutputs> {
    let stdout: string;
    try {
        stdout = await run("pulumi", ["stack", "output", "--json", "--stack", stack]);
    } catch (error) {
        const e = error as NodeJS.ErrnoException & { stderr?: string };
        if (e.code === "ENOENT") {
            throw new DoctorError(
                "The Pulumi CLI is not installed here. On a machine that has it, run " +
                    `\`pulumi stack output --json -s ${stack} > outputs.json\` and pass --outputs outputs.json ` +
                    "(the outputs hold no credential).",
            );
        }
        const detail = (e.stderr ?? "").trim().split("\n")[0] || e.message;
        throw new DoctorError(`\`pulumi stack output -s ${stack}\` failed: ${detail}. Log in (\`pulumi login\`) and check the stack name.`);
    }
    let json: unknown;
    try {
        json = JSON.parse(stdout);
    } catch {
        throw new DoctorError(`\`pulumi stack output --json -s ${stack}\` did not print JSON.`);
    }
    return parseOutputs(json, `the outputs of stack ${stack}`);
}
