// scripts/init-stack.sh's tool, run against a stand-in `pulumi` that records every call and its stdin.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import * as path from "node:path";
import { after, before, describe, it } from "node:test";
import { REPO_ROOT } from "../../helpers/stackFiles";
import { commandLines, ecKey, keyMaterial, Run, runInit, sandbox, Sandbox, serviceAccountJson } from "./harness";
import { StandInState } from "./standInPulumi";

const PASSPHRASE = "correct horse battery staple";
const BUNDLE = "com.fabrikam.messenger";
const TEAM = "F4BR1K4M00";

describe("scripts/init-stack.sh", () => {
    let box: Sandbox;
    let p8: string;
    let p8Pem: string;
    let serviceAccount: string;
    let serviceAccountKey: string;
    const secretLines = () => [...keyMaterial(p8Pem), ...keyMaterial(serviceAccountKey)];
    const allFlags = () => ["--bundle-id", BUNDLE, "--apns-team-id", TEAM, "--apns-key-file", p8, "--firebase-service-account", serviceAccount];

    /** No key material and no passphrase in the output or on any command line. */
    function assertNothingLeaked(run: Run): void {
        const shown = [run.stdout, run.stderr, ...run.calls.map((c) => c.argv.join(" "))].join("\n");
        for (const line of [...secretLines(), PASSPHRASE]) assert.ok(!shown.includes(line), `leaked: ${line.slice(0, 12)}…`);
        assert.ok(!shown.includes("PRIVATE KEY"), "a PEM armour line reached the output or a command line");
    }
    const configured = (stack = "dev"): StandInState => ({
        loggedIn: true,
        url: "https://app.pulumi.com/fabrikam",
        stacks: {
            [stack]: {
                passphrase: false,
                config: {
                    "acs-push:environment": { value: "dev", secret: false },
                    "acs-push:bundleId": { value: BUNDLE, secret: false },
                    "acs-push:apnsTeamId": { value: TEAM, secret: false },
                    "acs-push:apnsKeyId": { value: "7QX2M9KD3P", secret: false },
                    "acs-push:apnsPrivateKey": { value: p8Pem, secret: true },
                    "acs-push:fcmProjectId": { value: "fabrikam-messenger", secret: false },
                    "acs-push:fcmClientEmail": { value: "firebase-adminsdk-q7x2z@fabrikam-messenger.iam.gserviceaccount.com", secret: false },
                    "acs-push:fcmPrivateKey": { value: serviceAccountKey, secret: true },
                },
            },
        },
    });
    const existing = (): StandInState => ({ loggedIn: true, url: "https://app.pulumi.com/fabrikam", stacks: { dev: { passphrase: false, config: {} } } });

    before(() => {
        box = sandbox();
        p8Pem = ecKey();
        p8 = box.file("AuthKey_7QX2M9KD3P.p8", p8Pem);
        const json = serviceAccountJson();
        serviceAccountKey = JSON.parse(json).private_key;
        serviceAccount = box.file("fabrikam-messenger-firebase-adminsdk.json", json);
    });
    after(() => box.cleanUp());

    describe("on a fresh machine with a local backend", () => {
        let run: Run;
        before(async () => {
            run = await runInit(box, ["dev", "--backend", "local", ...allFlags(), "--location", "swedencentral"], { env: { PULUMI_CONFIG_PASSPHRASE: PASSPHRASE } });
        });

        it("logs in, creates the stack, writes every value and checks the result", () => {
            assert.equal(run.status, 0, run.stderr);
            assert.deepEqual(commandLines(run), [
                "version",
                "whoami --json --non-interactive",
                "login --local",
                "whoami --json --non-interactive",
                "stack select dev --non-interactive",
                "stack init dev --non-interactive",
                `config set --stack dev acs-push:bundleId -- ${BUNDLE}`,
                `config set --stack dev acs-push:apnsTeamId -- ${TEAM}`,
                "config set --stack dev --secret acs-push:apnsPrivateKey",
                "config set --stack dev acs-push:apnsKeyId -- 7QX2M9KD3P",
                "config set --stack dev acs-push:fcmProjectId -- fabrikam-messenger",
                "config set --stack dev acs-push:fcmClientEmail -- firebase-adminsdk-q7x2z@fabrikam-messenger.iam.gserviceaccount.com",
                "config set --stack dev --secret acs-push:fcmPrivateKey",
                "config set --stack dev acs-push:location -- swedencentral",
                "config --stack dev --json --show-secrets",
            ]);
            assert.match(run.stdout, /Stack dev is ready: its configuration passes every rule the program checks before deploying\./);
            assert.match(run.stdout, /\n {2}pulumi preview --stack dev .+\n {2}\.\/scripts\/up\.sh dev .+\n/);
        });

        it("hands the two private keys to pulumi on stdin, exactly as read, and as secrets", () => {
            const stdinOf = (key: string) => run.calls.find((c) => c.argv.includes("--secret") && c.argv.includes(key))!.stdin;
            assert.equal(stdinOf("acs-push:apnsPrivateKey"), p8Pem);
            assert.equal(stdinOf("acs-push:fcmPrivateKey"), serviceAccountKey);
            const config = run.state.stacks.dev.config;
            assert.deepEqual(config["acs-push:apnsPrivateKey"], { value: p8Pem.replace(/\n$/, ""), secret: true });
            assert.equal(config["acs-push:fcmPrivateKey"].secret, true);
            assert.deepEqual(config["acs-push:apnsKeyId"], { value: "7QX2M9KD3P", secret: false });
        });

        it("puts no secret on a command line or in its output, and the passphrase only in pulumi's environment", () => {
            assertNothingLeaked(run);
            assert.match(run.stdout, /acs-push:apnsPrivateKey +\[secret\] +\(from AuthKey_7QX2M9KD3P\.p8\)/);
            assert.ok(run.calls.every((c) => c.passphrase === PASSPHRASE));
        });
    });

    it("asks for every value on an interactive run, re-asks after a bad answer and never shows the passphrase", async () => {
        const answers = ["local", `${BUNDLE}.voip`, BUNDLE, TEAM, p8, "", "production", serviceAccount, "", "", PASSPHRASE, PASSPHRASE];
        const run = await runInit(box, ["dev", "--interactive"], { input: `${answers.join("\n")}\n` });
        assert.equal(run.status, 0, run.stderr + run.stdout);
        assert.match(run.stdout, /must be the plain app bundle id; the '\.voip' calls hub name is derived from it \(the form: com\.contoso\.chat, with your app's own\)/);
        assert.match(run.stdout, /APNs Key ID \[7QX2M9KD3P\]: /);
        const config = run.state.stacks.dev.config;
        assert.equal(config["acs-push:bundleId"].value, BUNDLE);
        assert.equal(config["acs-push:apnsKeyId"].value, "7QX2M9KD3P");
        assert.equal(config["acs-push:apnsEnvironment"].value, "production");
        assert.equal(config["acs-push:location"].value, "northeurope");
        assert.equal(config["acs-push:environment"].value, "dev");
        assert.ok(run.calls.filter((c) => c.argv[0] === "config").every((c) => c.passphrase === PASSPHRASE));
        assertNothingLeaked(run);
    });

    const badInput: [string, () => string[], RegExp][] = [
        ["a missing .p8 file", () => ["--apns-key-file", path.join(box.dir, "AuthKey_MISSING123.p8")], /--apns-key-file \(acs-push:apnsPrivateKey\): .*AuthKey_MISSING123\.p8 does not exist \(valid example: .*AuthKey_KEY1234567\.p8\)/],
        ["a folder as the .p8 file", () => ["--apns-key-file", box.dir, "--apns-key-id", "7QX2M9KD3P"], /--apns-key-file \(acs-push:apnsPrivateKey\): .* is a folder, not a file/],
        ["a malformed .p8", () => ["--apns-key-file", box.file("AuthKey_BROKEN1234.p8", "-----BEGIN PRIVATE KEY-----\nnot a key\n-----END PRIVATE KEY-----\n")], /--apns-key-file \(acs-push:apnsPrivateKey\): .*AuthKey_BROKEN1234\.p8 holds a PEM block that is not a valid private key/],
        ["malformed JSON", () => ["--firebase-service-account", box.file("broken.json", "{ \"project_id\": ")], /--firebase-service-account \(acs-push:fcmPrivateKey\): .*broken\.json is not valid JSON/],
        ["JSON missing fields", () => ["--firebase-service-account", box.file("partial.json", JSON.stringify({ type: "service_account", project_id: "fabrikam-messenger" }))], /--firebase-service-account \(acs-push:fcmPrivateKey\): .*partial\.json lacks client_email, private_key/],
        ["a service account with a bad project id", () => ["--firebase-service-account", box.file("project.json", serviceAccountJson({ project_id: "Fabrikam Messenger" }))], /--firebase-service-account \(acs-push:fcmProjectId\): .*project\.json: project_id must be a Firebase\/Google Cloud project id.*\(the form: contoso-chat-4711, with your app's own\)/],
        ["a bundle id ending in .voip", () => ["--bundle-id", `${BUNDLE}.voip`], /--bundle-id \(acs-push:bundleId\): must be the plain app bundle id; the '\.voip' calls hub name is derived from it \(the form: com\.contoso\.chat, with your app's own\)/],
        ["an invalid team id", () => ["--apns-team-id", "f4br1k"], /--apns-team-id \(acs-push:apnsTeamId\): must be the 10-character Apple Team ID \(upper-case letters and digits\) \(the form: ABCDE12345, with your app's own\)/],
        ["the documentation's example bundle id", () => ["--bundle-id", "com.contoso.chat"], /--bundle-id \(acs-push:bundleId\): is the documentation's example \(com\.contoso\.chat\), not your app's; use your own/],
        ["a Key ID that contradicts the file name", () => ["--apns-key-id", "AAAAA11111"], /--apns-key-id \(acs-push:apnsKeyId\): is AAAAA11111, but the key file is named for Key ID 7QX2M9KD3P/],
        ["an unknown region", () => ["--location", "North Europe"], /--location \(acs-push:location\): must be the ARM region name 'northeurope', not the display name/],
    ];
    for (const [what, flags, expected] of badInput) {
        it(`refuses ${what}, naming the flag, the key and an example, and writes nothing`, async () => {
            const given = flags();
            const base = allFlags().filter((_, i, all) => !given.includes(all[i - (i % 2)]));
            const run = await runInit(box, ["dev", "--non-interactive", ...base, ...given], { state: existing() });
            assert.equal(run.status, 2, run.stdout + run.stderr);
            assert.match(run.stderr, /^Nothing was written to stack dev: 1 problem with the values given\.\n/);
            assert.match(run.stderr, expected);
            assert.ok(!commandLines(run).some((c) => c.startsWith("config set")), "a value was written");
            assertNothingLeaked(run);
        });
    }

    it("creates no stack while a value is wrong", async () => {
        const run = await runInit(box, ["staging", "--non-interactive", ...allFlags(), "--apns-team-id", "team"], { state: { loggedIn: true, url: "https://app.pulumi.com/fabrikam", stacks: {} } });
        assert.equal(run.status, 2);
        assert.match(run.stderr, /^Nothing was created or written for stack staging: 1 problem with the values given\.\n/);
        assert.deepEqual(commandLines(run), ["version", "whoami --json --non-interactive", "stack select staging --non-interactive"]);
        assert.deepEqual(run.state.stacks, {});
    });

    it("reports every problem at once", async () => {
        const run = await runInit(box, ["dev", "--non-interactive", "--bundle-id", "x.voip", "--apns-team-id", "team", "--apns-key-file", path.join(box.dir, "none.p8"), "--firebase-service-account", box.file("bad.json", "[")], { state: existing() });
        assert.equal(run.status, 2);
        assert.match(run.stderr, /: 5 problems with the values given\./);
        for (const flag of ["--bundle-id", "--apns-team-id", "--apns-key-file", "--apns-key-id", "--firebase-service-account"]) assert.match(run.stderr, new RegExp(`\\n  - ${flag} \\(`), flag);
    });

    it("names every value it lacks when it may not ask", async () => {
        const run = await runInit(box, ["dev", "--non-interactive"], { state: existing() });
        assert.equal(run.status, 2);
        assert.match(run.stderr, /5 problems/);
        assert.match(run.stderr, /--bundle-id \(acs-push:bundleId\): is required and the stack has none yet \(the form: com\.contoso\.chat, with your app's own\)/);
        assert.match(run.stderr, /--apns-key-file \(acs-push:apnsPrivateKey\): is required and the stack has no APNs key yet/);
        assert.match(run.stderr, /--firebase-service-account \(acs-push:fcmPrivateKey\): is required and the stack has no complete Firebase service account yet/);
    });

    it("stops before creating a stack on a self-managed backend without a passphrase", async () => {
        const run = await runInit(box, ["staging", "--non-interactive", "--backend", "azblob://pulumi-state", ...allFlags()]);
        assert.equal(run.status, 1);
        assert.match(run.stderr, /Stack staging keeps its secrets with a passphrase: set PULUMI_CONFIG_PASSPHRASE \(or PULUMI_CONFIG_PASSPHRASE_FILE\)/);
        assert.deepEqual(commandLines(run).slice(2), ["login azblob://pulumi-state", "whoami --json --non-interactive", "stack select staging --non-interactive"]);
    });

    it("needs no passphrase on Pulumi Cloud", async () => {
        const run = await runInit(box, ["acme/prod", "--non-interactive", ...allFlags()], { state: { loggedIn: true, url: "https://app.pulumi.com/acme", stacks: {} } });
        assert.equal(run.status, 0, run.stderr);
        assert.ok(commandLines(run).includes("stack init acme/prod --non-interactive"));
        assert.ok(run.calls.every((c) => c.passphrase === null));
    });

    it("keeps what the stack has and writes only what is given", async () => {
        const run = await runInit(box, ["dev", "--non-interactive", "--location", "westeurope"], { state: configured() });
        assert.equal(run.status, 0, run.stderr);
        assert.deepEqual(commandLines(run).filter((c) => c.startsWith("config set")), ["config set --stack dev acs-push:location -- westeurope"]);
        assert.equal(run.state.stacks.dev.config["acs-push:apnsPrivateKey"].value, p8Pem);
    });

    it("checks the whole resulting configuration with the program's rules, values already on the stack included", async () => {
        const state = configured();
        state.stacks.dev.config["acs-push:notificationHubsSku"] = { value: "Premium", secret: false };
        state.stacks.dev.config["azure-native:environment"] = { value: "mars", secret: false };
        const run = await runInit(box, ["dev", "--non-interactive", "--location", "westeurope"], { state });
        assert.equal(run.status, 1);
        assert.match(run.stderr, /Stack dev's configuration breaks 2 of the program's rules; pulumi up would refuse it:/);
        assert.match(run.stderr, /acs-push:notificationHubsSku: is not a known Notification Hubs SKU; allowed: Free, Basic, Standard \(valid example: Standard\)/);
        assert.match(run.stderr, /azure-native:environment: must be one of public, usgovernment, china/);
        assertNothingLeaked(run);
    });

    it("says how to get the Pulumi CLI when it is not on PATH", async () => {
        const run = await runInit(box, ["dev", ...allFlags()], { withoutPulumi: true });
        assert.equal(run.status, 1);
        assert.match(run.stderr, /The Pulumi CLI is not on PATH\. Install it \(https:\/\/www\.pulumi\.com\/docs\/iac\/download-install\/\)/);
    });

    it("prints its usage with --help, and asks for a stack name without one", async () => {
        const help = await runInit(box, ["--help"]);
        assert.equal(help.status, 0);
        assert.match(help.stdout, /^Usage: scripts\/init-stack\.sh <stack> \[options\]/);
        const none = await runInit(box, []);
        assert.equal(none.status, 2);
        assert.match(none.stderr, /^Name the stack to set up, e\.g\. dev\./);
        assert.deepEqual(none.calls, []);
    });

    it("the script itself asks for a stack name before doing anything", async () => {
        const result = await new Promise<{ code: number; stderr: string }>((resolve) =>
            execFile("bash", [path.join(REPO_ROOT, "scripts/init-stack.sh")], (error, _stdout, stderr) => resolve({ code: error ? Number(error.code) : 0, stderr })),
        );
        assert.equal(result.code, 2);
        assert.match(result.stderr, /Name the stack to set up, e\.g\. scripts\/init-stack\.sh dev/);
    });
});
