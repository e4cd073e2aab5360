// The Pulumi side of setting a stack up: the backend login, the stack itself, the passphrase its secrets may
// need, and reading its configuration back.
import * as fs from "node:fs";
import * as path from "node:path";
import { PROJECT } from "../../lib/problems";
import { ConfigKeyName } from "../../lib/configKeys";
import { loginArgs, stackName } from "./options";
import { Prompter } from "./prompt";
import { PulumiCli, PulumiResult } from "./pulumiCli";
import { CurrentValues } from "./values";

/** A step that cannot go on: the message says why and what to do. */
export class StepFailure extends Error {}

export interface Say {
    (line: string): void;
}

function failed(what: string, result: PulumiResult): StepFailure {
    const detail = (result.stderr.trim() || result.stdout.trim()).split("\n").map((l) => `  ${l}`).join("\n");
    return new StepFailure(`${what} failed (exit code ${result.status})${detail ? `:\n${detail}` : "."}`);
}

/** The backend URL pulumi is logged in to, or undefined when it is not logged in. */
async function whoami(cli: PulumiCli): Promise<string | undefined> {
    const result = await cli.run(["whoami", "--json", "--non-interactive"]);
    if (result.status !== 0) return undefined;
    try {
        return String((JSON.parse(result.stdout) as { url?: unknown }).url ?? "");
    } catch {
        return "";
    }
}

/** Logs in when not logged in, or when --backend names a backend; returns the backend URL. */
export async function ensureLogin(cli: PulumiCli, backend: string | undefined, prompter: Prompter | undefined, attached: boolean, say: Say): Promise<string> {
    const current = await whoami(cli);
    if (current !== undefined && backend === undefined) {
        say(`Pulumi backend: ${current || "(logged in)"}`);
        return current;
    }
    let target = backend;
    if (target === undefined) {
        if (prompter === undefined) {
            throw new StepFailure("Not logged in to a Pulumi backend: give --backend local, --backend cloud or --backend <URL> (e.g. azblob://<container>), or run `pulumi login` first.");
        }
        target = await prompter.ask("Pulumi backend: local (state in ~/.pulumi), cloud (Pulumi Cloud), or a URL such as azblob://<container>", { fallback: "local" });
    }
    const args = target === undefined ? undefined : loginArgs(target);
    if (args === undefined) {
        throw new StepFailure(`--backend ${target ?? "(none)"} is not local, cloud or a backend URL (valid example: azblob://pulumi-state).`);
    }
    say(`pulumi ${args.join(" ")}`);
    const result = await cli.run(args, { attached });
    if (result.status !== 0) throw failed(`pulumi ${args.join(" ")}`, result);
    const url = await whoami(cli);
    if (url === undefined) throw new StepFailure(`pulumi ${args.join(" ")} finished, but pulumi still reports no login.`);
    say(`Pulumi backend: ${url || "(logged in)"}`);
    return url;
}

/** Pulumi Cloud keeps a stack's secrets itself; a self-managed backend uses a passphrase unless told otherwise. */
const isSelfManaged = (backendUrl: string) => backendUrl !== "" && !/^https?:\/\//i.test(backendUrl);

/** A stack file written with the passphrase provider carries its salt. */
function stackFileUsesPassphrase(root: string, stack: string): boolean {
    for (const ext of ["yaml", "yml"]) {
        const file = path.join(root, `Pulumi.${stackName(stack)}.${ext}`);
        if (fs.existsSync(file)) return /^encryptionsalt:/m.test(fs.readFileSync(file, "utf8"));
    }
    return false;
}

async function ensurePassphrase(cli: PulumiCli, stack: string, isNew: boolean, prompter: Prompter | undefined, say: Say): Promise<void> {
    if (cli.hasEnv("PULUMI_CONFIG_PASSPHRASE") || cli.hasEnv("PULUMI_CONFIG_PASSPHRASE_FILE")) return;
    if (prompter === undefined) {
        throw new StepFailure(
            `Stack ${stack} keeps its secrets with a passphrase: set PULUMI_CONFIG_PASSPHRASE (or PULUMI_CONFIG_PASSPHRASE_FILE) ` +
                "and run again, or create the stack with --secrets-provider azurekeyvault://<vault>.vault.azure.net/keys/<key>.",
        );
    }
    const passphrase = await prompter.ask(`Passphrase for the secrets of stack ${stack}`, { hidden: true });
    if (passphrase === undefined || passphrase === "") throw new StepFailure("No passphrase given.");
    if (isNew && (await prompter.ask("The same passphrase again", { hidden: true })) !== passphrase) {
        throw new StepFailure("The two passphrases differ; nothing was changed.");
    }
    cli.setEnv("PULUMI_CONFIG_PASSPHRASE", passphrase);
    say("The passphrase is used for this run only: set PULUMI_CONFIG_PASSPHRASE wherever the stack is deployed.");
}

/** Selects the stack when it exists; a stack that does not is created only once every value is known to be valid. */
export async function selectStack(cli: PulumiCli, stack: string, say: Say): Promise<boolean> {
    const select = await cli.run(["stack", "select", stack, "--non-interactive"]);
    say(`Stack ${stack}: ${select.status === 0 ? "exists" : "new"}`);
    return select.status === 0;
}

/** An existing stack whose secrets use a passphrase needs it for `config set --secret` and `--show-secrets`. */
export async function unlockStack(cli: PulumiCli, options: { stack: string; root: string; secretsProvider?: string }, prompter: Prompter | undefined, say: Say): Promise<void> {
    if (options.secretsProvider !== undefined) say(`Stack ${options.stack} exists: --secrets-provider applies to new stacks only and is ignored.`);
    if (stackFileUsesPassphrase(options.root, options.stack)) await ensurePassphrase(cli, options.stack, false, prompter, say);
}

/** `pulumi stack init`, with the passphrase a self-managed backend's default secrets provider needs. */
export async function createStack(
    cli: PulumiCli,
    options: { stack: string; secretsProvider?: string; backendUrl: string },
    prompter: Prompter | undefined,
    say: Say,
): Promise<void> {
    const { stack, secretsProvider } = options;
    if (isSelfManaged(options.backendUrl) && (secretsProvider === undefined || secretsProvider === "passphrase")) {
        await ensurePassphrase(cli, stack, true, prompter, say);
    }
    const args = ["stack", "init", stack, ...(secretsProvider ? ["--secrets-provider", secretsProvider] : []), "--non-interactive"];
    const init = await cli.run(args);
    if (init.status !== 0) throw failed(`pulumi stack init ${stack}`, init);
    say(`Stack ${stack}: created${secretsProvider ? ` (secrets provider ${secretsProvider.split("://")[0]})` : ""}`);
}

interface ConfigJson {
    [key: string]: { value?: string; objectValue?: unknown; secret?: boolean };
}

async function configJson(cli: PulumiCli, stack: string, showSecrets: boolean): Promise<ConfigJson> {
    const args = ["config", "--stack", stack, "--json", ...(showSecrets ? ["--show-secrets"] : [])];
    const result = await cli.run(args, { unmasked: showSecrets });
    if (result.status !== 0) throw failed(`pulumi config --stack ${stack} --json`, result);
    try {
        return JSON.parse(result.stdout || "{}") as ConfigJson;
    } catch {
        throw new StepFailure(`pulumi config --stack ${stack} --json printed no JSON.`);
    }
}

/** What the stack holds now, secrets only as "set". */
export async function currentValues(cli: PulumiCli, stack: string): Promise<CurrentValues> {
    const json = await configJson(cli, stack, false);
    const plain: Partial<Record<ConfigKeyName, string>> = {};
    const secret = new Set<string>();
    for (const [key, entry] of Object.entries(json)) {
        if (!key.startsWith(`${PROJECT}:`)) continue;
        const name = key.slice(PROJECT.length + 1);
        if (entry.secret) secret.add(name);
        else if (typeof entry.value === "string") plain[name as ConfigKeyName] = entry.value;
    }
    return { plain, secret };
}

/** The stack's configuration as the program receives it: the project's keys by name, and the Azure cloud. */
export async function configForValidation(cli: PulumiCli, stack: string): Promise<{ raw: Record<string, unknown>; azureEnvironment?: string }> {
    const json = await configJson(cli, stack, true);
    const raw: Record<string, unknown> = {};
    for (const [key, entry] of Object.entries(json)) {
        if (key.startsWith(`${PROJECT}:`)) raw[key.slice(PROJECT.length + 1)] = entry.objectValue ?? entry.value;
    }
    return { raw, azureEnvironment: json["azure-native:environment"]?.value };
}
