// Reads the two credential files a stack needs and checks them before anything is written: the APNs
// authentication key (.p8, an EC P-256 key in PKCS#8 PEM) and the Firebase service-account JSON (project_id,
// client_email and an RSA private_key). Every message names the file and what is wrong, never its content.
import { createPrivateKey, KeyObject } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { isPemPrivateKey, unescapePem } from "../../lib/pem";

export type FileRead<T> = { ok: true; value: T } | { ok: false; problems: string[] };

/** Far above a real .p8 (about 250 bytes) or service-account JSON (about 2.4 KB): anything larger is the wrong file. */
const MAX_BYTES = 64 * 1024;

/** A file's text, or why it cannot be read (missing, a folder, too large, no permission). */
export function readSmallTextFile(file: string): FileRead<string> {
    let stat: fs.Stats;
    try {
        stat = fs.statSync(file);
    } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        return fail(code === "ENOENT" || code === "ENOTDIR" ? `${file} does not exist` : `${file} cannot be read (${code})`);
    }
    if (stat.isDirectory()) return fail(`${file} is a folder, not a file`);
    if (stat.size > MAX_BYTES) return fail(`${file} is ${stat.size} bytes, far more than a key file; is it the right file?`);
    try {
        return { ok: true, value: fs.readFileSync(file, "utf8") };
    } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        return fail(`${file} cannot be read (${code === "EACCES" ? "permission denied" : code})`);
    }
}

function fail(problem: string): { ok: false; problems: string[] } {
    return { ok: false, problems: [problem] };
}

function parseKey(pem: string): KeyObject | undefined {
    try {
        return createPrivateKey(unescapePem(pem));
    } catch {
        return undefined;
    }
}

export interface ApnsKey {
    /** The file's content, as Apple issued it (stored as a secret). */
    pem: string;
    /** The Key ID from Apple's file name `AuthKey_<KEYID>.p8`, when the file still has that name. */
    keyIdFromFileName?: string;
}

/** The Key ID in Apple's file name for an APNs key: `AuthKey_<KEYID>.p8`. */
export function keyIdFromFileName(file: string): string | undefined {
    return /^AuthKey_([A-Z0-9]{10})\.p8$/.exec(path.basename(file))?.[1];
}

/** The APNs authentication key: a PEM private key that parses, of type EC on the P-256 curve (ES256). */
export function readApnsKey(file: string): FileRead<ApnsKey> {
    const text = readSmallTextFile(file);
    if (!text.ok) return text;
    if (!isPemPrivateKey(text.value)) {
        return fail(
            `${file} is not a PEM private key ('-----BEGIN PRIVATE KEY-----' ... '-----END PRIVATE KEY-----'); ` +
                "use the .p8 file Apple lets you download once under Certificates, Identifiers & Profiles > Keys",
        );
    }
    const key = parseKey(text.value);
    if (key === undefined) return fail(`${file} holds a PEM block that is not a valid private key (damaged or cut short?)`);
    if (key.asymmetricKeyType !== "ec" || key.asymmetricKeyDetails?.namedCurve !== "prime256v1") {
        const kind = key.asymmetricKeyType === "ec" ? `an EC key on ${key.asymmetricKeyDetails?.namedCurve}` : `a ${key.asymmetricKeyType?.toUpperCase()} key`;
        return fail(`${file} is ${kind}; an APNs authentication key is an EC key on the P-256 curve`);
    }
    const keyId = keyIdFromFileName(file);
    return { ok: true, value: { pem: text.value, ...(keyId ? { keyIdFromFileName: keyId } : {}) } };
}

export interface FirebaseServiceAccount {
    projectId: string;
    clientEmail: string;
    /** PEM, as the JSON carries it (stored as a secret). */
    privateKey: string;
}

const FIREBASE_FIELDS = ["project_id", "client_email", "private_key"] as const;

/**
 * The Firebase service-account key file (Firebase console > Project settings > Service accounts > Generate new
 * private key): a JSON object of type `service_account` with project_id, client_email and an RSA private_key.
 */
export function readFirebaseServiceAccount(file: string): FileRead<FirebaseServiceAccount> {
    const text = readSmallTextFile(file);
    if (!text.ok) return text;
    let json: unknown;
    try {
        json = JSON.parse(text.value);
    } catch {
        // The parser's message quotes the text around the error, which may be the private key: not repeated.
        return fail(`${file} is not valid JSON; use the service-account key file exactly as Firebase generated it`);
    }
    if (json === null || typeof json !== "object" || Array.isArray(json)) {
        return fail(`${file} is JSON but not an object; a service-account key file is one object with project_id, client_email and private_key`);
    }
    const fields = json as Record<string, unknown>;
    const problems: string[] = [];
    if (fields.type !== undefined && fields.type !== "service_account") {
        problems.push(`${file} has "type" ${JSON.stringify(String(fields.type)).slice(0, 40)}; a service-account key file has "service_account"`);
    }
    const missing = FIREBASE_FIELDS.filter((f) => typeof fields[f] !== "string" || (fields[f] as string).trim() === "");
    if (missing.length > 0) {
        problems.push(`${file} lacks ${missing.join(", ")} (each a non-empty string in a service-account key file)`);
    }
    if (!missing.includes("private_key")) {
        const pem = fields.private_key as string;
        const key = isPemPrivateKey(pem) ? parseKey(pem) : undefined;
        if (key === undefined) {
            problems.push(`${file} has a private_key that is not a valid PEM private key`);
        } else if (key.asymmetricKeyType !== "rsa") {
            problems.push(`${file} has a private_key of type ${key.asymmetricKeyType?.toUpperCase()}; Google service-account keys are RSA`);
        }
    }
    if (problems.length > 0) return { ok: false, problems };
    return {
        ok: true,
        value: {
            projectId: (fields.project_id as string).trim(),
            clientEmail: (fields.client_email as string).trim(),
            privateKey: fields.private_key as string,
        },
    };
}
