import * as pulumi from "@pulumi/pulumi";

/** One configuration problem: the key at fault, what is wrong with it, and a value that would be accepted. */
export interface Problem {
    /** Fully qualified config key, e.g. `acs-push:bundleId`. */
    key: string;
    message: string;
    example: string;
    /** The key is required and has no value: a stack that was never set up (`scripts/init-stack.sh`). */
    unset?: boolean;
}

export const PROJECT = "acs-push";

/** `key` in the project's namespace (`acs-push:key`); a key that names its namespace is left alone. */
export function qualify(key: string, project: string = PROJECT): string {
    return key.includes(":") ? key : `${project}:${key}`;
}

export function problem(key: string, message: string, example: string, unset = false): Problem {
    return { key: qualify(key), message, example, ...(unset ? { unset: true } : {}) };
}

/** The command that sets a stack's app identifiers and push credentials (none are committed). */
export function initCommand(stack: string): string {
    return `scripts/init-stack.sh ${stack}`;
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
        const unset = problems.filter((p) => p.unset).length;
        const setUp =
            unset === 0
                ? []
                : [
                      `${unset === 1 ? "1 required key is" : `${unset} required keys are`} not set: the committed stack files carry no app ` +
                          "identifiers or credentials. Set them for this stack with:",
                      `    ${initCommand(stack)}`,
                  ];
        const fix = unset === problems.length ? [] : ["Fix them with `pulumi config set <key> <value>` (add `--secret` for secret keys) and run again."];
        super([`Stack '${stack}' has ${problems.length} configuration ${noun}; nothing was deployed.`, ...lines, ...setUp, ...fix].join("\n"));
        this.name = "ConfigurationError";
        this.problems = problems;
    }
}

/** Quotes a non-secret value for an error message, shortened so a pasted blob cannot flood the output. */
export function shown(value: unknown): string {
    const text = typeof value === "string" ? value : JSON.stringify(value);
    return text.length > 60 ? `'${text.slice(0, 57)}...'` : `'${text}'`;
}
