// A stand-in for the Pulumi CLI, run as `pulumi` from a folder put first on PATH by the init-stack tests. It
// answers the few commands scripts/init-stack.sh uses the way the CLI does (exit codes, JSON shapes, a config
// value read from stdin when none is given), keeps its state in the JSON file named by STAND_IN_STATE, and
// appends every call, with its argv, its stdin and the passphrase it saw, to the JSON-lines file STAND_IN_LOG.
import * as fs from "node:fs";

export interface StandInStack {
    /** Secrets need PULUMI_CONFIG_PASSPHRASE(_FILE), as with the passphrase provider. */
    passphrase: boolean;
    config: Record<string, { value: string; secret: boolean }>;
}

export interface StandInState {
    loggedIn: boolean;
    url: string;
    stacks: Record<string, StandInStack>;
}

export interface RecordedCall {
    argv: string[];
    stdin: string;
    passphrase: string | null;
}

function parse(argv: string[]): { positionals: string[]; flags: Map<string, string | true> } {
    const positionals: string[] = [];
    const flags = new Map<string, string | true>();
    const withValue = new Set(["--stack", "--secrets-provider"]);
    for (let i = 0; i < argv.length; i++) {
        const arg = argv[i];
        if (arg === "--") {
            positionals.push(...argv.slice(i + 1));
            break;
        }
        if (withValue.has(arg)) flags.set(arg, argv[++i]);
        else if (arg.startsWith("--")) flags.set(arg, true);
        else positionals.push(arg);
    }
    return { positionals, flags };
}

function main(): number {
    const statePath = process.env.STAND_IN_STATE!;
    const state = JSON.parse(fs.readFileSync(statePath, "utf8")) as StandInState;
    const argv = process.argv.slice(2);
    const { positionals, flags } = parse(argv);
    const command = positionals.slice(0, 2).join(" ");
    const passphrase = process.env.PULUMI_CONFIG_PASSPHRASE ?? (process.env.PULUMI_CONFIG_PASSPHRASE_FILE ? "(file)" : null);
    let stdin = "";
    const out = (text: string) => process.stdout.write(text);
    const error = (text: string, code = 255) => {
        process.stderr.write(`error: ${text}\n`);
        return code;
    };
    const stackOf = (name: string | true | undefined) => (typeof name === "string" ? state.stacks[name] : undefined);
    const needsPassphrase = (stack: StandInStack) => stack.passphrase && passphrase === null;

    const status = ((): number => {
        if (positionals[0] === "version") return (out("v3.200.0\n"), 0);
        if (positionals[0] === "whoami") {
            if (!state.loggedIn) return error("PULUMI_ACCESS_TOKEN must be set for login during non-interactive CLI sessions");
            return (out(JSON.stringify({ user: "stand-in", organizations: [], url: state.url })), 0);
        }
        if (positionals[0] === "login") {
            state.loggedIn = true;
            state.url = flags.has("--local") ? "file://~" : (positionals[1] ?? "https://app.pulumi.com/stand-in");
            return (out(`Logged in to ${state.url}\n`), 0);
        }
        if (command === "stack select") return state.stacks[positionals[2]] ? 0 : error(`no stack named '${positionals[2]}' found`);
        if (command === "stack init") {
            const name = positionals[2];
            if (state.stacks[name]) return error(`stack '${name}' already exists`);
            const provider = flags.get("--secrets-provider");
            const usesPassphrase = state.url.startsWith("file://") && (provider === undefined || provider === "passphrase");
            if (usesPassphrase && passphrase === null) {
                return error("passphrase must be set with PULUMI_CONFIG_PASSPHRASE or PULUMI_CONFIG_PASSPHRASE_FILE environment variables");
            }
            state.stacks[name] = { passphrase: usesPassphrase, config: {} };
            return (out(`Created stack '${name}'\n`), 0);
        }
        if (command === "config set") {
            const stack = stackOf(flags.get("--stack"));
            if (!stack) return error("no stack selected");
            let value = positionals[3];
            if (value === undefined) {
                stdin = fs.readFileSync(0, "utf8");
                value = stdin.replace(/\r?\n$/, "");
            }
            const secret = flags.has("--secret");
            if (secret && needsPassphrase(stack)) return error("passphrase must be set with PULUMI_CONFIG_PASSPHRASE or PULUMI_CONFIG_PASSPHRASE_FILE environment variables");
            stack.config[positionals[2]] = { value, secret };
            return 0;
        }
        if (positionals[0] === "config" && positionals.length === 1 && flags.has("--json")) {
            const stack = stackOf(flags.get("--stack"));
            if (!stack) return error("no stack selected");
            const show = flags.has("--show-secrets");
            if (show && needsPassphrase(stack) && Object.values(stack.config).some((c) => c.secret)) return error("passphrase must be set");
            const json = Object.fromEntries(
                Object.entries(stack.config).map(([key, c]) => {
                    if (c.secret && !show) return [key, { secret: true }];
                    return [key, /^[[{]/.test(c.value) ? { value: c.value, objectValue: JSON.parse(c.value), secret: c.secret } : { value: c.value, secret: c.secret }];
                }),
            );
            return (out(JSON.stringify(json, null, 2)), 0);
        }
        return error(`the stand-in does not know \`pulumi ${argv.join(" ")}\``, 2);
    })();

    fs.writeFileSync(statePath, JSON.stringify(state));
    fs.appendFileSync(process.env.STAND_IN_LOG!, `${JSON.stringify({ argv, stdin, passphrase } satisfies RecordedCall)}\n`);
    return status;
}

if (require.main === module) process.exitCode = main();
