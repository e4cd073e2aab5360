import { generateKeyPairSync, randomBytes } from "node:crypto";
import { qualify } from "../../lib/problems";
import { PlanConfigEntry, SECRET_MASK } from "./model";

/** A key as Pulumi.yaml declares it under `config:`. */
export interface ConfigDeclaration {
    type?: string;
    description?: string;
    default?: unknown;
    value?: unknown;
    secret?: boolean;
    items?: unknown;
}

export interface ResolvedConfig {
    /** Fully qualified key (`acs-push:dataLocation`) → value, as `pulumi.runtime.setAllConfig` takes it. */
    values: Record<string, string>;
    secretKeys: string[];
    /** Every secret value used (dummies and `--set` values), for masking anything derived from them. */
    secretValues: string[];
    entries: PlanConfigEntry[];
}

/** The marker every dummy secret carries where its format allows text. */
export const DUMMY_MARK = "dummy-secret";

function asDeclaration(raw: unknown): ConfigDeclaration {
    if (raw !== null && typeof raw === "object" && !Array.isArray(raw)) return raw as ConfigDeclaration;
    return { default: raw };
}

function isSecure(value: unknown): boolean {
    return value !== null && typeof value === "object" && "secure" in (value as object);
}

function pem(kind: "ec" | "rsa"): string {
    const { privateKey } =
        kind === "ec"
            ? generateKeyPairSync("ec", { namedCurve: "prime256v1" })
            : generateKeyPairSync("rsa", { modulusLength: 2048 });
    return privateKey.export({ type: "pkcs8", format: "pem" }).toString();
}

/**
 * A stand-in for a secret the preview does not have, shaped so the program's validation accepts it: a
 * freshly generated PKCS#8 key for keys that hold a private key, a connection string for connection
 * strings, an https URL for URLs, `<dummy-secret>` otherwise. Nothing here is a real credential.
 */
export function dummySecret(key: string, declaration: ConfigDeclaration): unknown {
    const name = key.split(":").pop()!;
    const hint = `${name} ${declaration.description ?? ""}`;
    switch (declaration.type) {
        case "integer":
            return 1;
        case "boolean":
            return true;
        case "array":
            return [`<${DUMMY_MARK}>`];
    }
    if (/private.?key|\.p8|pem|signing.?key|apns.?key|auth.?key/i.test(hint)) {
        return pem(/fcm|firebase|google|service.?account|rsa/i.test(hint) ? "rsa" : "ec");
    }
    if (/connection.?string/i.test(hint)) {
        const sas = randomBytes(32).toString("base64");
        return `Endpoint=sb://${DUMMY_MARK}.servicebus.windows.net/;SharedAccessKeyName=${DUMMY_MARK};SharedAccessKey=${sas}`;
    }
    if (/service.?account|credentials?.?json/i.test(hint)) {
        return JSON.stringify({
            type: "service_account",
            project_id: DUMMY_MARK,
            client_email: `${DUMMY_MARK}@${DUMMY_MARK}.iam.gserviceaccount.com`,
            private_key: pem("rsa"),
        });
    }
    if (/\burls?\b|webhook/i.test(hint)) {
        return `https://${DUMMY_MARK}.invalid/alerts`;
    }
    return `<${DUMMY_MARK}>`;
}

/**
 * The configuration `pulumi up` would see for a stack, minus the secrets: values from the stack file,
 * defaults from Pulumi.yaml, and a dummy for every secret the stack stores encrypted or must set (none
 * where `dummy` answers undefined); an optional secret left unset keeps its default. A required key the stack does not set takes its value from `examples`
 * when one is given (source `example`); without one it stays unset, as for the CLI. `overrides` (from
 * `--set`) win over all of them.
 */
export function resolveStackConfig(input: {
    project: string;
    projectYaml: { config?: Record<string, unknown> } | null | undefined;
    stackYaml: { config?: Record<string, unknown> } | null | undefined;
    overrides?: Record<string, string>;
    dummy?: (key: string, declaration: ConfigDeclaration) => unknown;
    /** Documented example values by key (`bundleId` or `acs-push:bundleId`), for required keys left unset. */
    examples?: Readonly<Record<string, string>>;
}): ResolvedConfig {
    const dummy = input.dummy ?? dummySecret;
    const examples = new Map(Object.entries(input.examples ?? {}).map(([k, v]) => [qualify(k, input.project), v]));
    const declared = new Map<string, ConfigDeclaration>();
    for (const [key, raw] of Object.entries(input.projectYaml?.config ?? {})) {
        declared.set(qualify(key, input.project), asDeclaration(raw));
    }
    const stack = new Map<string, unknown>();
    for (const [key, raw] of Object.entries(input.stackYaml?.config ?? {})) stack.set(qualify(key, input.project), raw);
    const overrides = new Map(Object.entries(input.overrides ?? {}).map(([k, v]) => [qualify(k, input.project), v]));

    const result: ResolvedConfig = { values: {}, secretKeys: [], secretValues: [], entries: [] };
    const keys = [...new Set([...declared.keys(), ...stack.keys(), ...overrides.keys()])].sort();
    for (const key of keys) {
        const declaration = declared.get(key) ?? {};
        const fromStack = stack.get(key);
        const secret = declaration.secret === true || isSecure(fromStack);
        let value: unknown;
        let source: PlanConfigEntry["source"];
        if (overrides.has(key)) {
            value = overrides.get(key);
            source = "override";
        } else if (secret && (fromStack !== undefined || (declaration.value === undefined && declaration.default === undefined))) {
            // A secret the stack stores, or one it must set: a dummy stands in. An optional secret left unset keeps
            // its default, so the preview shows no receiver, webhook or the like that a deployment would not have.
            value = dummy(key, declaration);
            source = "dummy";
            if (value === undefined) continue;
        } else if (fromStack !== undefined) {
            value = fromStack;
            source = "stack";
        } else if (declaration.value !== undefined || declaration.default !== undefined) {
            value = declaration.value ?? declaration.default;
            source = "default";
        } else if (examples.has(key)) {
            value = examples.get(key);
            source = "example";
        } else {
            continue; // declared without a default and not set: the program decides whether that is an error
        }
        const text = typeof value === "string" ? value : JSON.stringify(value);
        result.values[key] = text;
        if (secret) {
            result.secretKeys.push(key);
            result.secretValues.push(text);
        }
        result.entries.push({ key, value: secret ? SECRET_MASK : value, source });
    }
    return result;
}

/** Stack names are file-name safe; anything else is rejected before touching the file system. */
export function isValidStackName(name: string): boolean {
    return /^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(name);
}
