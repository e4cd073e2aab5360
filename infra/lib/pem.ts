// PEM handling for the Apple .p8 key and the Firebase service-account private key. Both arrive through
// `pulumi config set --secret`, often pasted from JSON as a single line with literal "\n" escapes.

const PEM_BLOCK = /^-----BEGIN ([A-Z0-9 ]*PRIVATE KEY)-----\s*([\s\S]*?)\s*-----END \1-----$/;

/** Turns literal `\n` escapes into newlines, unifies line endings and trims surrounding whitespace. */
export function unescapePem(value: string): string {
    return value.replace(/\\r\\n|\\n/g, "\n").replace(/\r\n/g, "\n").trim();
}

/** True when the value is one PEM private-key block (multi-line, or single-line with `\n` escapes). */
export function isPemPrivateKey(value: string): boolean {
    const match = PEM_BLOCK.exec(unescapePem(value));
    // The \s* around the body leave it empty when it holds nothing but whitespace.
    return match !== null && match[2] !== "";
}

/**
 * The PEM block rebuilt canonically (armour lines, body in 64-character lines, real newlines), as Firebase's
 * service-account JSON carries it. Returns "" when the value is not a PEM private key (an empty block is not one).
 */
export function normalizePem(value: string): string {
    const match = PEM_BLOCK.exec(unescapePem(value));
    if (match === null || match[2] === "") {
        return "";
    }
    const body = match[2].replace(/\s/g, "");
    const lines = body.match(/.{1,64}/g)!;
    return `-----BEGIN ${match[1]}-----\n${lines.join("\n")}\n-----END ${match[1]}-----\n`;
}

/**
 * The key material between the BEGIN and END lines, whitespace removed. Notification Hubs expects the APNs
 * token credential in this form (the .p8 file content without its armour lines).
 */
export function pemBody(value: string): string {
    const match = PEM_BLOCK.exec(unescapePem(value));
    return match === null ? "" : match[2].replace(/\s/g, "");
}
