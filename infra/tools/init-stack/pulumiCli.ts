// Runs the Pulumi CLI for scripts/init-stack.sh. A value goes to `pulumi config set` on the command line only
// when it is not secret; secrets go on stdin, which pulumi reads whole when stdin is not a terminal (minus one
// trailing newline). The passphrase, when one is needed, travels in the environment. Whatever pulumi prints is
// passed through with every known secret masked.
import { spawn } from "node:child_process";

export interface PulumiResult {
    status: number;
    stdout: string;
    stderr: string;
}

export const MASK = "[secret]";

/** `text` with every occurrence of a secret, and of each of its lines, replaced by [secret]. */
export function maskSecrets(text: string, secrets: readonly string[]): string {
    const needles = new Set<string>();
    for (const secret of secrets) {
        if (secret.trim().length >= 8) needles.add(secret);
        // A PEM key could surface one line at a time; armour lines are not secret and stay readable.
        for (const line of secret.split(/\r?\n|\\n/)) if (line.trim().length >= 16 && !line.startsWith("-----")) needles.add(line.trim());
    }
    let out = text;
    for (const needle of [...needles].sort((a, b) => b.length - a.length)) out = out.split(needle).join(MASK);
    return out;
}

export class PulumiCli {
    private readonly secrets: string[] = [];
    private readonly env: NodeJS.ProcessEnv;

    constructor(
        private readonly cwd: string,
        env: NodeJS.ProcessEnv,
    ) {
        // No "a new version is available" notice in the middle of the output.
        this.env = { PULUMI_SKIP_UPDATE_CHECK: "true", ...env };
    }

    /** Registers a value never to be shown (masked in anything pulumi prints). */
    protect(secret: string): void {
        this.secrets.push(secret);
    }

    mask(text: string): string {
        return maskSecrets(text, this.secrets);
    }

    /** Sets an environment variable for every later pulumi call (the passphrase). */
    setEnv(name: string, value: string): void {
        this.env[name] = value;
        this.protect(value);
    }

    /** Set at all: pulumi accepts an empty PULUMI_CONFIG_PASSPHRASE as a passphrase. */
    hasEnv(name: string): boolean {
        return this.env[name] !== undefined;
    }

    /**
     * Runs pulumi with `args`. `input` is written to its stdin (closed otherwise). `attached`: pulumi shares
     * this terminal (for `pulumi login`, which may ask for a token or open a browser). `unmasked`: stdout as
     * printed, for a caller that reads secrets from it and never shows them.
     */
    run(args: string[], options: { input?: string; attached?: boolean; unmasked?: boolean } = {}): Promise<PulumiResult> {
        return new Promise((resolve) => {
            const child = spawn("pulumi", args, {
                cwd: this.cwd,
                env: this.env,
                stdio: options.attached ? "inherit" : ["pipe", "pipe", "pipe"],
            });
            let stdout = "";
            let stderr = "";
            child.stdout?.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
            child.stderr?.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
            child.on("error", (error: NodeJS.ErrnoException) => {
                const message =
                    error.code === "ENOENT"
                        ? "The Pulumi CLI is not on PATH. Install it (https://www.pulumi.com/docs/iac/download-install/) and run this again."
                        : `Cannot run pulumi: ${error.message}`;
                resolve({ status: 127, stdout: "", stderr: message });
            });
            child.on("close", (code) =>
                resolve({ status: code ?? 1, stdout: options.unmasked ? stdout : this.mask(stdout), stderr: this.mask(stderr) }),
            );
            if (child.stdin) {
                child.stdin.on("error", () => undefined); // pulumi may exit before reading it all
                child.stdin.end(options.input ?? "");
            }
        });
    }
}
