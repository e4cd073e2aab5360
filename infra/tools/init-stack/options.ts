// The command line of scripts/init-stack.sh: usage, flags, and how a stack name maps to its stack file.
import { parseArgs } from "node:util";
import type { Answers } from "./values";

export const USAGE = `Usage: scripts/init-stack.sh <stack> [options]

Sets a stack up for its first deployment: logs in to a Pulumi backend and creates the stack when needed,
writes the app's identifiers and push credentials with \`pulumi config set\` (the two private keys as secrets,
handed to pulumi on stdin), then checks the stack's whole configuration with the program's own rules.
Values not given as flags are asked for when the terminal is interactive; values the stack already has
are kept unless given again. Nothing is written while any given value is invalid.

Pulumi backend and stack:
  --backend <local|cloud|URL>       log in to this backend first: local (~/.pulumi), cloud (Pulumi Cloud), or a
                                    URL such as azblob://<container> or file://<folder>; asked for when not
                                    logged in
  --secrets-provider <provider>     for a new stack: passphrase, or e.g. azurekeyvault://<vault>.vault.azure.net/keys/<key>
                                    (the passphrase comes from PULUMI_CONFIG_PASSPHRASE(_FILE), or is asked for)
iOS (Apple Push Notification service):
  --bundle-id <id>                  the app's bundle id, e.g. com.contoso.chat (not the .voip name)
  --apns-team-id <ID>               Apple Developer Team ID (10 characters)
  --apns-key-file <path>            the APNs authentication key (.p8), stored as a secret
  --apns-key-id <ID>                its Key ID (10 characters); default: from the file name AuthKey_<KEYID>.p8
  --apns-environment <env>          sandbox (development builds) or production (TestFlight, App Store)
Android (Firebase Cloud Messaging):
  --firebase-service-account <path> the service-account key file (JSON): project id, client e-mail, and the
                                    private key, stored as a secret
Azure:
  --location <region>               Azure region (ARM name), e.g. swedencentral
  --environment <name>              environment name in resource names (1-8 lower-case letters and digits)
Other:
  --non-interactive                 never ask; name every missing value and stop
  --interactive                     ask even when input is not a terminal (answers read line by line)
  -h, --help                        this text`;

/** The stack, the backend, how to ask, and the values given as flags. */
export interface InitOptions extends Answers {
    stack: string;
    backend?: string;
    secretsProvider?: string;
    /** Ask for missing values (a terminal, or --interactive) rather than stop. */
    interactive: boolean;
    /** Project folder (Pulumi.yaml); the repository root unless --root is given. */
    root?: string;
}

export type Parsed = { help: true } | { help: false; options: InitOptions } | { help: false; error: string };

const text = { type: "string" } as const;

export function parseOptions(argv: string[], stdinIsTerminal: boolean): Parsed {
    let parsed;
    try {
        parsed = parseArgs({
            args: argv,
            allowPositionals: true,
            options: {
                backend: text,
                "secrets-provider": text,
                "bundle-id": text,
                "apns-team-id": text,
                "apns-key-file": text,
                "apns-key-id": text,
                "apns-environment": text,
                "firebase-service-account": text,
                location: text,
                environment: text,
                root: text,
                "non-interactive": { type: "boolean", default: false },
                interactive: { type: "boolean", default: false },
                help: { type: "boolean", short: "h", default: false },
            },
        });
    } catch (error) {
        return { help: false, error: (error as Error).message };
    }
    const { values, positionals } = parsed;
    if (values.help) return { help: true };
    if (positionals.length !== 1) {
        return { help: false, error: positionals.length === 0 ? "Name the stack to set up, e.g. dev." : `One stack at a time (got ${positionals.join(", ")}).` };
    }
    const stack = positionals[0];
    if (!isStackReference(stack)) {
        return { help: false, error: `"${stack}" is not a stack name: letters, digits, '-', '_' and '.', optionally as <org>/<stack> or <org>/<project>/<stack>.` };
    }
    if (values.interactive && values["non-interactive"]) {
        return { help: false, error: "--interactive and --non-interactive exclude each other." };
    }
    return {
        help: false,
        options: {
            stack,
            backend: values.backend,
            secretsProvider: values["secrets-provider"],
            bundleId: values["bundle-id"],
            apnsTeamId: values["apns-team-id"],
            apnsKeyFile: values["apns-key-file"],
            apnsKeyId: values["apns-key-id"],
            apnsEnvironment: values["apns-environment"],
            firebaseServiceAccount: values["firebase-service-account"],
            location: values.location,
            environment: values.environment,
            interactive: values.interactive || (stdinIsTerminal && !values["non-interactive"]),
            root: values.root,
        },
    };
}

/** `dev`, `acme/dev` or `acme/acs-push/dev`, each part file-name safe. */
export function isStackReference(value: string): boolean {
    return /^([A-Za-z0-9][A-Za-z0-9_.-]*\/){0,2}[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(value);
}

/** The stack's own name, as the program sees it (`pulumi.getStack()`) and its file is named: the last part. */
export function stackName(reference: string): string {
    return reference.split("/").pop()!;
}

/** The `pulumi login` arguments for a --backend value. */
export function loginArgs(backend: string): string[] | undefined {
    const value = backend.trim();
    if (value === "local") return ["login", "--local"];
    if (value === "cloud") return ["login"];
    if (/^[a-z][a-z0-9+.-]*:\/\/\S+$/i.test(value)) return ["login", value];
    return undefined;
}
