import * as pulumi from "@pulumi/pulumi";

/** One configuration problem: the key at fault, what is wrong with it, and a value that would be accepted. */
export interface Problem {
    /** Fully qualified config key, e.g. `acs-push:bundleId`. */
    key: string;
    message: string;
    example: string;
}

export const PROJECT = "acs-push";

/** `key` in the project's namespace (`acs-push:key`); a key that names its namespace is left alone. */
export function qualify(key: string, project: string = PROJECT): string {
    return key.includes(":") ? key : `${project}:${key}`;
}

export function problem(key: string, message: string, example: string): Problem {
    return { key: qualify(key), message, example };
}

export function formatProblem(p: Problem): string {
    return `${p.key}: ${p.message} (valid example: ${p.example})`;
}

/**
 * Thrown before any resource is declared when the stack configuration breaks one or more rules. A RunError,
 * so the CLI prints the message alone, without a stack trace.
 */
export class ConfigurationError extends pulumi.RunError {
    readonly problems: readonly Problem[];

    constructor(stack: string, problems: readonly Problem[]) {
        const lines = problems.map((p) => `  - ${formatProblem(p)}`);
        const noun = problems.length === 1 ? "problem" : "problems";
        super(
            `Stack '${stack}' has ${problems.length} configuration ${noun}; nothing was deployed.\n` +
                `${lines.join("\n")}\n` +
                "Fix them with `pulumi config set <key> <value>` (add `--secret` for secret keys) and run again.",
        );
        this.name = "ConfigurationError";
        this.problems = problems;
    }
}

/** Quotes a non-secret value for an error message, shortened so a pasted blob cannot flood the output. */
export function shown(value: unknown): string {
    const text = typeof value === "string" ? value : JSON.stringify(value);
    return text.length > 60 ? `'${text.slice(0, 57)}...'` : `'${text}'`;
}
