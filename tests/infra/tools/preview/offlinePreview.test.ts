import { describe, it, before, after } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { execFile } from "node:child_process";
import { generateKeyPairSync } from "node:crypto";
import { MOCK_KEY_PREFIX } from "../../../../infra/tools/preview/mocks";
import { levels } from "../../../../infra/tools/preview/graph";
import { dependencyGraph } from "../../../../infra/tools/preview/plan";
import { Plan } from "../../../../infra/tools/preview/model";
import { REPO_ROOT } from "../../helpers/stackFiles";

const TOOL = path.join(REPO_ROOT, "build/infra/tools/preview/offline-preview.js");
const PROGRAM = path.resolve(__dirname, "fixtures/sampleProgram.js");

const PULUMI_YAML = `name: acs-push
runtime: nodejs
config:
  location:
    type: string
    default: westeurope
  hubSku:
    type: string
    default: Free
  apnsPrivateKey:
    type: string
    secret: true
    description: APNs token-auth key (.p8 contents)
`;

function run(args: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
    return new Promise((resolve) => {
        execFile(process.execPath, [TOOL, ...args], { maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
            resolve({ status: error ? Number(error.code) : 0, stdout, stderr });
        });
    });
}

/** Strings that must never reach the output: key material and the dummies' own markers. */
function assertNoSecrets(text: string, extra: string[] = []): void {
    for (const needle of ["PRIVATE KEY", "dummy-secret", "SharedAccessKey=", MOCK_KEY_PREFIX, "v1:AAAA", ...extra]) {
        assert.ok(!text.includes(needle), `the output contains ${JSON.stringify(needle)}`);
    }
}

describe("offline preview of a program", () => {
    let root: string;
    const withRoot = (...args: string[]) => ["--root", root, "--program", PROGRAM, ...args];
    let devText: Awaited<ReturnType<typeof run>>;
    let devJson: Awaited<ReturnType<typeof run>>;
    let devJsonAgain: Awaited<ReturnType<typeof run>>;
    let prodJson: Awaited<ReturnType<typeof run>>;

    before(async () => {
        root = fs.mkdtempSync(path.join(os.tmpdir(), "offline-preview-"));
        fs.writeFileSync(path.join(root, "Pulumi.yaml"), PULUMI_YAML);
        fs.writeFileSync(path.join(root, "Pulumi.dev.yaml"), "config:\n  acs-push:location: northeurope\n  acs-push:apnsPrivateKey:\n    secure: v1:AAAA\n");
        fs.writeFileSync(path.join(root, "Pulumi.prod.yaml"), "config:\n  acs-push:hubSku: Standard\n");
        [devText, devJson, devJsonAgain, prodJson] = await Promise.all([
            run(withRoot()),
            run(withRoot("--json")),
            run(withRoot("--json")),
            run(withRoot("--stack", "prod", "--json")),
        ]);
    });
    after(() => fs.rmSync(root, { recursive: true, force: true }));

    it("prints resources grouped by component, the graph and the dependency levels, without secrets", () => {
        const result = devText;
        assert.equal(result.status, 0, result.stderr);
        const text = result.stdout;
        assert.match(text, /^Offline preview of stack "dev" \(project acs-push\)/);
        assert.match(text, /\n  ▸ code \(acs-push:azure:FunctionCode\)\n    \+ code-deploy \(command:local:Command\)/);
        assert.match(text, /\n  ▸ hubs \(acs-push:azure:Hubs\)\n    \+ hubs-ns/);
        assert.match(text, /apnsCredential\.token: "\[secret\]"/);
        assert.match(text, /environment\.WEBHOOK_URL: "\[secret\]"/);
        assert.match(text, /```mermaid\ngraph TD\n/);
        assert.match(text, /Dependency levels: 6 \(the longest chain of resources that must be created one after another\)/);
        assertNoSecrets(text + result.stderr);
    });

    it("masks a key that reached an input without the secret flag", () => {
        const plan = JSON.parse(devJson.stdout) as Plan;
        const calls = plan.resources.find((r) => r.name === "calls")!;
        assert.deepEqual((calls.inputs.destination as Record<string, unknown>).endpointUrl, "[secret]");
    });

    it("prints the same plan as stable JSON", () => {
        const [a, b] = [devJson, devJsonAgain];
        assert.equal(a.status, 0, a.stderr);
        assert.equal(a.stdout, b.stdout);
        const plan = JSON.parse(a.stdout) as Plan;
        assert.equal(plan.stack, "dev");
        assert.deepEqual(plan.resources.map((r) => r.urn), plan.resources.map((r) => r.urn).sort());
        assert.deepEqual(plan.config.find((c) => c.key === "acs-push:apnsPrivateKey"), {
            key: "acs-push:apnsPrivateKey",
            source: "dummy",
            value: "[secret]",
        });
        assertNoSecrets(a.stdout);
    });

    it("makes the Event Grid subscriptions wait for the webhook readiness step", () => {
        const plan = JSON.parse(devJson.stdout) as Plan;
        const urnOf = (name: string) => plan.resources.find((r) => r.name === name)!.urn;
        for (const subscription of ["chat", "calls"]) {
            assert.ok(plan.resources.find((r) => r.name === subscription)!.dependsOn.includes(urnOf("code-ready")), subscription);
        }
        const level = levels(dependencyGraph(plan.resources)).byId;
        assert.ok(level.get(urnOf("code-ready"))! < level.get(urnOf("chat"))!);
    });

    it("uses the prod stack's file and the defaults with --stack prod", () => {
        const plan = JSON.parse(prodJson.stdout) as Plan;
        assert.equal(plan.stack, "prod");
        assert.deepEqual(plan.resources.find((r) => r.name === "hubs-ns")!.inputs.sku, { name: "Standard" });
        assert.equal(plan.resources.find((r) => r.name === "rg")!.inputs.location, "westeurope");
    });

    it("masks a secret given with --set", async () => {
        const pem = generateKeyPairSync("ec", { namedCurve: "prime256v1" }).privateKey.export({ type: "pkcs8", format: "pem" }).toString();
        const result = await run(withRoot("--set", `apnsPrivateKey=${pem}`));
        assert.equal(result.status, 0, result.stderr);
        assertNoSecrets(result.stdout, [pem.split("\n")[1]]);
    });

    it("diffs two plans: dev against prod", async () => {
        const dev = path.join(root, "dev.json");
        const prod = path.join(root, "prod.json");
        fs.writeFileSync(dev, devJson.stdout);
        fs.writeFileSync(prod, prodJson.stdout);
        const result = await run(["--diff", dev, prod]);
        assert.equal(result.status, 0, result.stderr);
        assert.match(result.stdout, /### Offline topology diff: `dev` → `prod`/);
        // The resource group's location cannot change: it is replaced, and everything in it with it.
        assert.match(result.stdout, /\*\*\+ 0 to create · ~ 0 to update · \+- 8 to replace · - 0 to delete\*\*/);
        assert.match(result.stdout, /\n\+- rg \(azure-native:resources:ResourceGroup\)\n {7}location: "northeurope" → "westeurope" {3}\(forces replacement\)\n/);
        assert.match(result.stdout, /\n\+- hubs-ns \(azure-native:notificationhubs:Namespace\)\n {7}sku\.name: "Free" → "Standard"\n {7}Azure deletes it with rg;/);
        assertNoSecrets(result.stdout);
    });

    it("names the available stacks when the stack does not exist", async () => {
        const result = await run(withRoot("--stack", "qa"));
        assert.equal(result.status, 1);
        assert.match(result.stderr, /Unknown stack "qa": there is no Pulumi\.qa\.yaml .* Available stacks: dev, prod/);
    });

    it("rejects a stack name that is not a file name", async () => {
        const result = await run(withRoot("--stack", "../dev"));
        assert.equal(result.status, 1);
        assert.match(result.stderr, /"\.\.\/dev" is not a valid stack name\. Available stacks: dev, prod/);
    });

    it("exits non-zero with the program's own message when validation fails", async () => {
        const result = await run(withRoot("--set", "hubSku=Gold"));
        assert.equal(result.status, 1);
        assert.equal(result.stdout, "");
        assert.match(result.stderr, /The program failed for stack "dev":\n {2}Invalid configuration:\n {2}acs-push:hubSku must be Free or Standard \(got "Gold"\)/);
    });

    it("rejects --diff with a file that is not a plan", async () => {
        const bogus = path.join(root, "bogus.json");
        fs.writeFileSync(bogus, "{}");
        const result = await run(["--diff", bogus, bogus]);
        assert.equal(result.status, 1);
        assert.match(result.stderr, /Cannot read the plan .*bogus\.json: not a plan made with --json/);
    });
});
