// From the answers (flags or prompts) to the configuration values to write, each checked by its key's own rule
// in infra/lib (the rule the program applies) before anything is written. The private keys are read from their
// files here and travel on only as secret entries.
import * as path from "node:path";
import { CONFIG_KEYS, ConfigKeyName } from "../../lib/configKeys";
import { readKey } from "../../lib/settings";
import { keyIdFromFileName, readApnsKey, readFirebaseServiceAccount } from "./credentials";

export interface Answers {
    bundleId?: string;
    apnsTeamId?: string;
    apnsKeyFile?: string;
    apnsKeyId?: string;
    apnsEnvironment?: string;
    firebaseServiceAccount?: string;
    location?: string;
    environment?: string;
}
export type Field = keyof Answers;

/** What the stack holds already (`pulumi config --json`, secrets not shown). */
export interface CurrentValues {
    /** Non-secret values by key. */
    plain: Partial<Record<ConfigKeyName, string>>;
    /** Keys holding a secret value. */
    secret: ReadonlySet<string>;
}

export interface Entry {
    key: ConfigKeyName;
    value: string;
    secret: boolean;
    /** Where the value came from when it is not typed in: a file. */
    from?: string;
}

export interface InputProblem {
    flag: string;
    key: ConfigKeyName;
    message: string;
    example: string;
}

interface FieldSpec {
    flag: string;
    key: ConfigKeyName;
    question: string;
    /** A file path rather than a value: its example. */
    file?: string;
}

/** In the order they are asked. */
export const FIELDS: Readonly<Record<Field, FieldSpec>> = {
    bundleId: { flag: "--bundle-id", key: "bundleId", question: "iOS bundle id" },
    apnsTeamId: { flag: "--apns-team-id", key: "apnsTeamId", question: "Apple Developer Team ID" },
    apnsKeyFile: { flag: "--apns-key-file", key: "apnsPrivateKey", question: "APNs authentication key file (.p8)", file: "~/Downloads/AuthKey_KEY1234567.p8" },
    apnsKeyId: { flag: "--apns-key-id", key: "apnsKeyId", question: "APNs Key ID" },
    apnsEnvironment: { flag: "--apns-environment", key: "apnsEnvironment", question: "APNs environment (sandbox or production)" },
    firebaseServiceAccount: {
        flag: "--firebase-service-account",
        key: "fcmPrivateKey",
        question: "Firebase service-account key file (JSON)",
        file: "~/Downloads/contoso-chat-4711-firebase-adminsdk-abc12-0a1b2c3d4e.json",
    },
    location: { flag: "--location", key: "location", question: "Azure region" },
    environment: { flag: "--environment", key: "environment", question: "Environment name" },
};

const spec = (key: ConfigKeyName) => CONFIG_KEYS.find((k) => k.key === key)!;
/** A secret comes from a file, so its example is a file; other keys show their documented example. */
const exampleOf = (key: ConfigKeyName, file: string | undefined) => (file !== undefined && spec(key).secret ? file : spec(key).example);

/** The app's identifiers: their documented examples belong to no real app, so none of them is accepted. */
const IDENTIFIERS: readonly ConfigKeyName[] = ["bundleId", "apnsTeamId", "apnsKeyId", "fcmProjectId", "fcmClientEmail"];

/** What a valid answer to the field looks like. */
export const exampleFor = (field: Field) => exampleNote(FIELDS[field].key, exampleOf(FIELDS[field].key, FIELDS[field].file));

/** How an example is shown: an identifier's example gives the form only, since the example itself is refused. */
export function exampleNote(key: ConfigKeyName, example: string): string {
    return IDENTIFIERS.includes(key) ? `the form: ${example}, with your app's own` : `valid example: ${example}`;
}

/** Problems with one value by its key's rule (as the program reads it), and the refusal of example identifiers. */
export function checkValue(key: ConfigKeyName, value: string): string[] {
    const problems: string[] = [];
    readKey(spec(key), value, (message) => problems.push(message));
    if (problems.length === 0 && IDENTIFIERS.includes(key) && value.trim() === spec(key).example) {
        problems.push(`is the documentation's example (${value.trim()}), not your app's; use your own`);
    }
    return problems;
}

export interface FieldResult {
    entries: Entry[];
    problems: InputProblem[];
}

/** The entries one answered field yields, or its problems. `answers` supplies what a field depends on. */
export function evaluateField(field: Field, value: string, answers: Answers): FieldResult {
    const { flag, file } = FIELDS[field];
    const problem = (key: ConfigKeyName, message: string): InputProblem => ({ flag, key, message, example: exampleOf(key, file) });
    const plain = (key: ConfigKeyName, text: string, from?: string): FieldResult => {
        const problems = checkValue(key, text).map((m) => problem(key, m));
        return problems.length ? { entries: [], problems } : { entries: [{ key, value: text.trim(), secret: false, ...(from ? { from } : {}) }], problems: [] };
    };
    switch (field) {
        case "apnsKeyFile": {
            const read = readApnsKey(value);
            if (!read.ok) return { entries: [], problems: read.problems.map((m) => problem("apnsPrivateKey", m)) };
            return { entries: [{ key: "apnsPrivateKey", value: read.value.pem, secret: true, from: path.basename(value) }], problems: [] };
        }
        case "apnsKeyId": {
            const fromName = answers.apnsKeyFile ? keyIdFromFileName(answers.apnsKeyFile) : undefined;
            if (fromName !== undefined && value.trim() !== fromName) {
                return { entries: [], problems: [problem("apnsKeyId", `is ${value.trim()}, but the key file is named for Key ID ${fromName} (AuthKey_${fromName}.p8)`)] };
            }
            return plain("apnsKeyId", value);
        }
        case "firebaseServiceAccount": {
            const read = readFirebaseServiceAccount(value);
            if (!read.ok) return { entries: [], problems: read.problems.map((m) => problem("fcmPrivateKey", m)) };
            const project = plain("fcmProjectId", read.value.projectId, path.basename(value));
            const email = plain("fcmClientEmail", read.value.clientEmail, path.basename(value));
            const within = (r: FieldResult) => r.problems.map((p) => ({ ...p, message: `${value}: ${p.key === "fcmProjectId" ? "project_id" : "client_email"} ${p.message}` }));
            const problems = [...within(project), ...within(email)];
            if (problems.length) return { entries: [], problems };
            return { entries: [...project.entries, ...email.entries, { key: "fcmPrivateKey", value: read.value.privateKey, secret: true, from: path.basename(value) }], problems: [] };
        }
        default:
            return plain(FIELDS[field].key, value);
    }
}

/** Why a field must be answered although it was not, or undefined when it may stay as it is. */
export function missingReason(field: Field, answers: Answers, current: CurrentValues): string | undefined {
    switch (field) {
        case "bundleId":
        case "apnsTeamId":
            return current.plain[FIELDS[field].key] === undefined ? "is required and the stack has none yet" : undefined;
        case "apnsKeyFile":
            return current.secret.has("apnsPrivateKey") ? undefined : "is required and the stack has no APNs key yet";
        case "apnsKeyId":
            if (answers.apnsKeyFile !== undefined) {
                return keyIdFromFileName(answers.apnsKeyFile) !== undefined
                    ? undefined
                    : "is required with a key file whose name is not Apple's AuthKey_<KEYID>.p8";
            }
            return current.plain.apnsKeyId === undefined ? "is required and the stack has none yet" : undefined;
        case "firebaseServiceAccount": {
            const complete = current.secret.has("fcmPrivateKey") && current.plain.fcmProjectId !== undefined && current.plain.fcmClientEmail !== undefined;
            return complete ? undefined : "is required and the stack has no complete Firebase service account yet";
        }
        default:
            return undefined;
    }
}

/** What a prompt offers when Enter is pressed: the stack's value, the Key ID in the file name, or the key's default. */
export function suggestion(field: Field, answers: Answers, current: CurrentValues): string | undefined {
    const key = FIELDS[field].key;
    if (field === "apnsKeyId" && answers.apnsKeyFile !== undefined) return keyIdFromFileName(answers.apnsKeyFile);
    if (FIELDS[field].file) return undefined;
    const value = current.plain[key] ?? spec(key).default;
    return typeof value === "string" && value !== "" ? value : undefined;
}

/** Every field's entries from the answers given, plus a problem for each required field left unanswered. */
export function evaluateAnswers(answers: Answers, current: CurrentValues): FieldResult {
    const result: FieldResult = { entries: [], problems: [] };
    for (const field of Object.keys(FIELDS) as Field[]) {
        const value = answers[field];
        let outcome: FieldResult;
        if (value !== undefined && value.trim() !== "") {
            outcome = evaluateField(field, value, answers);
        } else if (field === "apnsKeyId" && answers.apnsKeyFile !== undefined && keyIdFromFileName(answers.apnsKeyFile) !== undefined) {
            outcome = evaluateField(field, keyIdFromFileName(answers.apnsKeyFile)!, answers);
            outcome.entries.forEach((e) => (e.from = `the name of ${path.basename(answers.apnsKeyFile!)}`));
        } else {
            const reason = missingReason(field, answers, current);
            const key = FIELDS[field].key;
            outcome = { entries: [], problems: reason ? [{ flag: FIELDS[field].flag, key, message: reason, example: exampleOf(key, FIELDS[field].file) }] : [] };
        }
        result.entries.push(...outcome.entries);
        result.problems.push(...outcome.problems);
    }
    return result;
}
