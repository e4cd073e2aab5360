// What a doctor check returns, and the wording shared by the checks: Resource Manager answers that are not
// a success become one finding naming the resource, what ARM said and what to do.
import type { DoctorClient, HttpAnswer } from "./client";
import type { DoctorOutputs } from "./outputs";

/** The runbook the findings point into (the alerts point into it too). */
export { RUNBOOK } from "../../lib/alerts";

export interface CheckResult {
    /** What was checked, e.g. "calls hub APNs credential". */
    check: string;
    ok: boolean;
    /** What the doctor found. */
    detail: string;
    /** What to do, for a finding. */
    fix?: string;
    /** Anchor of the runbook section (`doctor-...`). */
    runbook: string;
}

export interface CheckContext {
    stack: string;
    outputs: DoctorOutputs;
    client: DoctorClient;
    /** Values a check obtained that the report must mask (a check adds what it reads, e.g. a function key). */
    secrets: string[];
}

export type Check = (context: CheckContext) => Promise<CheckResult[]>;

/** A value that must never be printed, raw and URL-encoded (as it appears in a query string). */
export function secretForms(value: string): string[] {
    return [value, encodeURIComponent(value)].filter((v) => v.length >= 4);
}

export const ok = (check: string, runbook: string, detail: string): CheckResult => ({ check, ok: true, detail, runbook });

export const finding = (check: string, runbook: string, detail: string, fix: string): CheckResult => ({ check, ok: false, detail, fix, runbook });

/** The last segment of an ARM id: the resource's name. */
export function nameOf(id: string): string {
    return id.replace(/\/+$/, "").split("/").pop() ?? id;
}

export const sameId = (a: string | undefined, b: string | undefined) => !!a && !!b && a.toLowerCase() === b.toLowerCase();

/** `code: message` of an ARM error body, or the status alone. */
export function armErrorText(answer: HttpAnswer): string {
    const error = answer.json?.error;
    const code = typeof error?.code === "string" ? error.code : undefined;
    const message = typeof error?.message === "string" ? error.message.split("\n")[0] : undefined;
    return `HTTP ${answer.status}${code ? ` ${code}` : ""}${message ? `: ${message}` : ""}`;
}

/**
 * The finding for an ARM answer that is not 2xx: a missing resource, missing permission, or anything else.
 * `what` names the resource; `permission` is the role or action the caller needs for the call.
 */
export function armFinding(check: string, runbook: string, answer: HttpAnswer, what: string, permission: string, stack: string): CheckResult {
    if (answer.status === 404) {
        return finding(check, runbook, `${what} does not exist (${armErrorText(answer)}).`, `Run \`scripts/up.sh ${stack}\` to create it again.`);
    }
    if (answer.status === 401 || answer.status === 403) {
        return finding(
            check,
            runbook,
            `Azure refused to show ${what} (${armErrorText(answer)}).`,
            `Sign in as an identity with ${permission} on it (\`az login\`), or ask for that role, and run the doctor again.`,
        );
    }
    return finding(check, runbook, `Resource Manager answered ${armErrorText(answer)} for ${what}.`, "Run the doctor again; if it persists, check Azure's status page.");
}

/** GETs an ARM resource; the parsed body, or the finding that explains why there is none. */
export async function armGet(
    client: DoctorClient,
    id: string,
    apiVersion: string,
    finding: (answer: HttpAnswer) => CheckResult,
): Promise<{ body: any } | { result: CheckResult }> {
    const answer = await client.armRequest("GET", id, apiVersion);
    return answer.status >= 200 && answer.status < 300 ? { body: answer.json ?? {} } : { result: finding(answer) };
}
