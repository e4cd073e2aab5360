import assert from "node:assert/strict";
import * as fs from "node:fs";
import { after, before, describe, it } from "node:test";
import { keyIdFromFileName, readApnsKey, readFirebaseServiceAccount } from "../../../../infra/tools/init-stack/credentials";
import { maskSecrets } from "../../../../infra/tools/init-stack/pulumiCli";
import { ecKey, keyMaterial, rsaKey, sandbox, Sandbox, serviceAccountJson } from "./harness";

describe("reading the APNs key and the Firebase service account", () => {
    let box: Sandbox;
    const ec = ecKey();
    before(() => (box = sandbox()));
    after(() => box.cleanUp());

    const problemsOf = (read: { ok: boolean; problems?: string[] }) => (read.ok ? [] : read.problems!);
    const noKeyIn = (problems: string[], pem: string) => {
        for (const line of keyMaterial(pem)) assert.ok(!problems.join("\n").includes(line), "a message repeats key material");
    };

    it("reads an EC P-256 .p8 file and the Key ID in Apple's file name", () => {
        const read = readApnsKey(box.file("AuthKey_7QX2M9KD3P.p8", ec));
        assert.ok(read.ok);
        assert.equal(read.value.pem, ec);
        assert.equal(read.value.keyIdFromFileName, "7QX2M9KD3P");
    });

    it("finds a Key ID only in Apple's own file name", () => {
        assert.equal(keyIdFromFileName("/keys/AuthKey_7QX2M9KD3P.p8"), "7QX2M9KD3P");
        assert.equal(keyIdFromFileName("/keys/apns.p8"), undefined);
        assert.equal(keyIdFromFileName("/keys/AuthKey_short.p8"), undefined);
    });

    const apnsCases: [string, () => string, RegExp][] = [
        ["a missing file", () => `${box.dir}/AuthKey_NOPE123456.p8`, /AuthKey_NOPE123456\.p8 does not exist/],
        ["a folder", () => box.dir, /is a folder, not a file/],
        ["a file that is not PEM", () => box.file("notes.p8", "my apns key"), /notes\.p8 is not a PEM private key/],
        ["a PEM block whose body is damaged", () => box.file("damaged.p8", "-----BEGIN PRIVATE KEY-----\nTUlHVEFnRUFNQk1HQnlxR1NNNDlBZ0VH\n-----END PRIVATE KEY-----\n"), /not a valid private key/],
        ["an RSA key", () => box.file("rsa.p8", rsaKey()), /is a RSA key; an APNs authentication key is an EC key on the P-256 curve/],
        ["an EC key on another curve", () => box.file("p384.p8", ecKey("secp384r1")), /is an EC key on secp384r1/],
        ["a file far too large to be a key", () => box.file("big.p8", "x".repeat(70_000)), /is 70000 bytes/],
    ];
    for (const [what, file, expected] of apnsCases) {
        it(`refuses ${what} as the APNs key, naming the file`, () => {
            const problems = problemsOf(readApnsKey(file()));
            assert.equal(problems.length, 1);
            assert.match(problems[0], expected);
        });
    }

    it("refuses a .p8 file it may not read", { skip: process.getuid?.() === 0 ? "root reads every file" : false }, () => {
        const file = box.file("AuthKey_LOCKED1234.p8", ec);
        fs.chmodSync(file, 0o000);
        assert.match(problemsOf(readApnsKey(file))[0], /cannot be read \(permission denied\)/);
    });

    it("takes project_id, client_email and private_key from a service-account file", () => {
        const json = serviceAccountJson();
        const read = readFirebaseServiceAccount(box.file("sa.json", json));
        assert.ok(read.ok);
        const parsed = JSON.parse(json);
        assert.deepEqual(read.value, { projectId: "fabrikam-messenger", clientEmail: parsed.client_email, privateKey: parsed.private_key });
    });

    const firebaseCases: [string, () => string, RegExp[]][] = [
        ["a missing file", () => `${box.dir}/absent.json`, [/absent\.json does not exist/]],
        ["malformed JSON", () => box.file("broken.json", serviceAccountJson().slice(0, 200)), [/broken\.json is not valid JSON/]],
        ["a JSON list", () => box.file("list.json", "[]"), [/list\.json is JSON but not an object/]],
        ["JSON without its fields", () => box.file("partial.json", serviceAccountJson({ project_id: undefined, private_key: "" })), [/partial\.json lacks project_id, private_key/]],
        ["another kind of Google credential", () => box.file("user.json", serviceAccountJson({ type: "authorized_user" })), [/has "type" "authorized_user"; a service-account key file has "service_account"/]],
        ["a private_key that is no key", () => box.file("nokey.json", serviceAccountJson({ private_key: "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n" })), [/has a private_key that is not a valid PEM private key/]],
        ["an EC private_key", () => box.file("ec.json", serviceAccountJson({ private_key: ec })), [/private_key of type EC; Google service-account keys are RSA/]],
    ];
    for (const [what, file, expected] of firebaseCases) {
        it(`refuses ${what} as the service account, naming the file and never its content`, () => {
            const path = file();
            const problems = problemsOf(readFirebaseServiceAccount(path));
            assert.equal(problems.length, expected.length, problems.join("\n"));
            expected.forEach((pattern, i) => assert.match(problems[i], pattern));
            if (fs.existsSync(path) && fs.statSync(path).isFile()) {
                const content = fs.readFileSync(path, "utf8");
                const key = /-----BEGIN PRIVATE KEY-----[^"]*/.exec(content)?.[0].replace(/\\n/g, "\n");
                if (key) noKeyIn(problems, key);
            }
        });
    }
});

describe("masking what pulumi prints", () => {
    it("replaces a secret, and each line of a PEM key, but keeps the armour lines", () => {
        const pem = rsaKey();
        const lines = keyMaterial(pem);
        const text = `whole: ${pem}\none line: ${lines[3]}\nescaped: ${pem.replace(/\n/g, "\\n")}`;
        const masked = maskSecrets(text, [pem, "correct horse battery"]);
        for (const line of lines) assert.ok(!masked.includes(line));
        assert.match(masked, /one line: \[secret\]/);
        assert.match(maskSecrets("passphrase: correct horse battery", ["correct horse battery"]), /passphrase: \[secret\]$/);
    });

    it("leaves text without secrets alone", () => {
        assert.equal(maskSecrets("Created stack 'dev'", [rsaKey()]), "Created stack 'dev'");
    });
});
