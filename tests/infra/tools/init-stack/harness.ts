// Runs the init-stack tool as scripts/init-stack.sh does (node, the compiled tool), against the stand-in
// `pulumi` first on PATH, in a project folder of its own; and writes credential files of every kind.
import { execFile } from "node:child_process";
import { generateKeyPairSync } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { REPO_ROOT } from "../../helpers/stackFiles";
import { RecordedCall, StandInState } from "./standInPulumi";

const TOOL = path.join(REPO_ROOT, "build/infra/tools/init-stack/init-stack.js");
const STAND_IN = path.join(__dirname, "standInPulumi.js");

export interface Sandbox {
    dir: string;
    root: string;
    /** A file in the sandbox. */
    file(name: string, content: string): string;
    cleanUp(): void;
}

export function sandbox(): Sandbox {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "init-stack-"));
    const root = path.join(dir, "project");
    const bin = path.join(dir, "bin");
    fs.mkdirSync(root);
    fs.mkdirSync(bin);
    fs.copyFileSync(path.join(REPO_ROOT, "Pulumi.yaml"), path.join(root, "Pulumi.yaml"));
    fs.writeFileSync(path.join(bin, "pulumi"), `#!/bin/sh\nexec "${process.execPath}" "${STAND_IN}" "$@"\n`, { mode: 0o755 });
    return {
        dir,
        root,
        file(name, content) {
            const file = path.join(dir, name);
            fs.writeFileSync(file, content);
            return file;
        },
        cleanUp: () => fs.rmSync(dir, { recursive: true, force: true }),
    };
}

export interface Run {
    status: number;
    stdout: string;
    stderr: string;
    calls: RecordedCall[];
    state: StandInState;
}

export const LOGGED_OUT: StandInState = { loggedIn: false, url: "", stacks: {} };

/** Runs the tool with `args` against the stand-in in `state`; `input` is its stdin; `env` adds variables. */
export function runInit(box: Sandbox, args: string[], options: { state?: StandInState; env?: Record<string, string>; input?: string; withoutPulumi?: boolean } = {}): Promise<Run> {
    const statePath = path.join(box.dir, "state.json");
    const logPath = path.join(box.dir, "calls.jsonl");
    fs.writeFileSync(statePath, JSON.stringify(options.state ?? LOGGED_OUT));
    fs.writeFileSync(logPath, "");
    // The machine's own Pulumi settings must not leak into a run.
    const inherited = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("PULUMI_") && k !== "ARM_ENVIRONMENT"));
    const PATH = options.withoutPulumi ? path.dirname(process.execPath) : `${path.join(box.dir, "bin")}${path.delimiter}${process.env.PATH}`;
    const env = { ...inherited, PATH, STAND_IN_STATE: statePath, STAND_IN_LOG: logPath, ...options.env };
    return new Promise((resolve) => {
        const child = execFile(process.execPath, [TOOL, "--root", box.root, ...args], { env, cwd: box.dir }, (error, stdout, stderr) => {
            const lines = fs.readFileSync(logPath, "utf8").split("\n").filter(Boolean);
            resolve({
                status: error ? Number(error.code) : 0,
                stdout,
                stderr,
                calls: lines.map((l) => JSON.parse(l) as RecordedCall),
                state: JSON.parse(fs.readFileSync(statePath, "utf8")) as StandInState,
            });
        });
        child.stdin!.end(options.input ?? "");
    });
}

/** The pulumi commands of a run, each as one line (values after `--` included: they are not secret). */
export const commandLines = (run: Run) => run.calls.map((c) => c.argv.join(" "));

/** An APNs-shaped key: EC on P-256, PKCS#8 PEM (another curve on request). */
export function ecKey(curve = "prime256v1"): string {
    return generateKeyPairSync("ec", { namedCurve: curve }).privateKey.export({ type: "pkcs8", format: "pem" }).toString();
}

export function rsaKey(): string {
    return generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({ type: "pkcs8", format: "pem" }).toString();
}

export function serviceAccountJson(fields: Record<string, unknown> = {}): string {
    return JSON.stringify(
        {
            type: "service_account",
            project_id: "fabrikam-messenger",
            private_key_id: "0a1b2c3d4e5f",
            private_key: rsaKey(),
            client_email: "firebase-adminsdk-q7x2z@fabrikam-messenger.iam.gserviceaccount.com",
            client_id: "104242424242424242424",
            ...fields,
        },
        null,
        2,
    );
}

/** The base64 lines of a PEM key: what must never appear in output or on a command line. */
export function keyMaterial(pem: string): string[] {
    return pem.split("\n").filter((l) => l.length > 0 && !l.startsWith("-----"));
}
