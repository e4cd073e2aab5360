// Reads the committed project and stack files the way the Pulumi CLI would hand them to the program.
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { requiredKeyExamples } from "../../../infra/tools/preview/evaluate";
import { dummySecret, resolveStackConfig } from "../../../infra/tools/preview/stackConfig";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const yaml = require("js-yaml") as { load(text: string): unknown };

/** Repository root, from build/tests/infra/helpers. */
export const REPO_ROOT = path.resolve(__dirname, "../../../..");

export interface DeclaredKey {
    type: string;
    description?: string;
    default?: unknown;
    secret?: boolean;
    items?: { type: string };
}

export function readYaml(file: string): any {
    return yaml.load(readFileSync(path.join(REPO_ROOT, file), "utf8"));
}

/** Pulumi.yaml `config:` with keys qualified (`acs-push:<key>`; unqualified keys belong to the project). */
export function declaredConfig(): Record<string, DeclaredKey> {
    const project = readYaml("Pulumi.yaml");
    const out: Record<string, DeclaredKey> = {};
    for (const [key, decl] of Object.entries(project.config ?? {})) {
        out[key.includes(":") ? key : `${project.name}:${key}`] = decl as DeclaredKey;
    }
    return out;
}

/** A syntactically valid PEM private key that is not a real key. */
export const DUMMY_PEM =
    "-----BEGIN PRIVATE KEY-----\\nTUlHVEFnRUFNQk1HQnlxR1NNNDlBZ0VHQ0NxR1NNNDlBd0VIQkhrd2R3SUJBUVFn\\n-----END PRIVATE KEY-----";

/**
 * Stack configuration as the CLI passes it (strings; lists as JSON; Pulumi.yaml defaults for unset keys)
 * plus `secretValue` for every secret private key (the offline preview's dummy for the other secrets), and, as
 * in the offline preview, the documented example of every required key the stack file leaves out.
 * `asCommitted`: neither secrets nor examples, which is what a deployment from a fresh clone would see.
 */
export function stackConfig(
    stack: string,
    secretValue: string = DUMMY_PEM,
    options: { asCommitted?: boolean } = {},
): { config: Record<string, string>; secretKeys: string[] } {
    const projectYaml = readYaml("Pulumi.yaml");
    const resolved = resolveStackConfig({
        project: projectYaml.name,
        projectYaml,
        stackYaml: readYaml(`Pulumi.${stack}.yaml`),
        dummy: (key, declaration) => (options.asCommitted ? undefined : /PrivateKey$/.test(key) ? secretValue : dummySecret(key, declaration)),
        examples: options.asCommitted ? {} : requiredKeyExamples(),
    });
    return { config: resolved.values, secretKeys: resolved.secretKeys };
}
