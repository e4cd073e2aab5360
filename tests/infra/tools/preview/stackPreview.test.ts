// The offline preview run against the stack program itself, for every stack file in the repository.
import { describe, it, before } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { execFile } from "node:child_process";
import { POLICIES } from "../../../../infra/policy/policies";
import { levels } from "../../../../infra/tools/preview/graph";
import { MOCK_KEY_PREFIX } from "../../../../infra/tools/preview/mocks";
import { dependencyGraph } from "../../../../infra/tools/preview/plan";
import { Plan } from "../../../../infra/tools/preview/model";
import { REPO_ROOT } from "../../helpers/stackFiles";

const ROOT = REPO_ROOT;
const TOOL = path.join(ROOT, "build/infra/tools/preview/offline-preview.js");
const STACKS = fs.readdirSync(ROOT).map((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1]).filter((s): s is string => !!s).sort();

describe("the stack files", () => {
    it("include dev and prod, so the previews below run", () => assert.deepEqual(STACKS.filter((s) => s === "dev" || s === "prod"), ["dev", "prod"]));
});

function run(args: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
    return new Promise((resolve) => {
        execFile(process.execPath, [TOOL, ...args], { cwd: ROOT, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
            resolve({ status: error ? Number(error.code) : 0, stdout, stderr });
        });
    });
}

for (const stack of STACKS) {
    describe(`offline preview of the ${stack} stack`, () => {
        let text: Awaited<ReturnType<typeof run>>;
        let json: Awaited<ReturnType<typeof run>>;
        let plan: Plan;
        const find = (name: string) => {
            const found = plan.resources.find((r) => r.name === name);
            assert.ok(found, `no resource named ${name}`);
            return found;
        };

        before(async () => {
            [text, json] = await Promise.all([run(["--stack", stack]), run(["--stack", stack, "--json"])]);
            assert.equal(json.status, 0, json.stderr);
            plan = JSON.parse(json.stdout) as Plan;
        });

        it("evaluates the program and prints the plan", () => {
            assert.equal(text.status, 0, text.stderr);
            assert.match(text.stdout, new RegExp(`^Offline preview of stack "${stack}" \\(project acs-push\\)`));
            assert.match(text.stdout, /\n {2}▸ function-code \(acs-push:azure:FunctionCode\)\n/);
            assert.match(text.stdout, /```mermaid\ngraph TD\n/);
        });

        it("says which values are examples, since the stack file sets no app identifiers, and names the init command", () => {
            const examples = plan.config.filter((e) => e.source === "example").map((e) => e.key);
            assert.deepEqual(examples, ["acs-push:apnsKeyId", "acs-push:apnsTeamId", "acs-push:bundleId", "acs-push:fcmClientEmail", "acs-push:fcmProjectId"]);
            assert.match(text.stdout, new RegExp(`\nEXAMPLE VALUES: stack "${stack}" does not set ${examples.join(", ")}\.\n`));
            assert.match(text.stdout, new RegExp(`A deployment refuses\nto run until they are set: scripts/init-stack\.sh ${stack}\n`));
            assert.match(text.stdout, /\n {2}acs-push:bundleId: "com\.contoso\.chat" {3}\(EXAMPLE: not set for this stack\)\n/);
        });

        it("deploys the code after the function app and before the subscriptions", () => {
            const ready = find("function-code-ready");
            assert.ok(find("function-code-deploy").dependsOn.includes(find("function-code-publish").urn));
            assert.ok(ready.dependsOn.includes(find("function-code-deploy").urn));
            const subscriptions = plan.resources.filter((r) => r.type === "azure-native:eventgrid:SystemTopicEventSubscription");
            assert.ok(subscriptions.length >= 1);
            for (const subscription of subscriptions) {
                assert.ok(subscription.dependsOn.includes(ready.urn), `${subscription.name} does not wait for the readiness step`);
            }
        });

        it("creates the readiness step at a lower dependency level than every subscription", () => {
            const level = levels(dependencyGraph(plan.resources)).byId;
            const ready = level.get(find("function-code-ready").urn)!;
            for (const subscription of plan.resources.filter((r) => r.type === "azure-native:eventgrid:SystemTopicEventSubscription")) {
                assert.ok(ready < level.get(subscription.urn)!, `${subscription.name} is not above the readiness step`);
            }
            assert.equal(plan.dependencyLevels, Math.max(...level.values()));
        });

        it("lists the policy pack's results, every policy passing", () => {
            assert.match(text.stdout, /\nPolicies: acs-push-baseline \(infra\/policy\), 7 mandatory, all passed\n/);
            assert.equal((text.stdout.match(/\n {2}pass {2}[a-z0-9-]+: /g) ?? []).length, 7);
            assert.deepEqual(
                plan.policies?.map((p) => [p.policy, p.violations.length]),
                POLICIES.map((p) => [p.name, 0]),
            );
        });

        it("lists the action group and every alert with its metric, threshold and window", () => {
            const section = text.stdout.slice(text.stdout.indexOf("\nAlerts: ") + 1, text.stdout.indexOf("\nDependency graph"));
            const alerts = plan.resources.filter((r) => r.type === "azure-native:monitor:MetricAlert");
            assert.equal(alerts.length, 15);
            // The committed stacks set no receivers (they are set per deployment): the group notifies no one yet.
            assert.match(section, new RegExp(`^Alerts: 15 metric alert rules\n  action group ag-acspush-${stack} \\(acspush-${stack}\\): no receivers`));
            for (const alert of alerts) {
                const i = alert.inputs as Record<string, any>;
                const c = i.criteria.allOf[0];
                const row = section.split("\n").find((line) => line.includes(` ${i.ruleName} `));
                assert.ok(row, `no row for ${i.ruleName}`);
                const cells = row.trim().split(/\s{2,}/);
                assert.deepEqual(
                    [cells[0], cells[3].split(" ")[0], cells[4], cells[5], cells[6], cells[8]],
                    [String(i.severity), c.metricName, c.timeAggregation, `> ${c.threshold}`, "15 min", `ag-acspush-${stack}`],
                    i.ruleName,
                );
            }
        });

        it("keeps every secret masked", () => {
            const everything = text.stdout + text.stderr + json.stdout;
            for (const needle of ["PRIVATE KEY", "dummy-secret", "SharedAccessKey=", MOCK_KEY_PREFIX]) {
                assert.ok(!everything.includes(needle), `the output contains ${JSON.stringify(needle)}`);
            }
            const env = find("function-code-ready").inputs.environment as Record<string, unknown>;
            assert.equal(env.WEBHOOK_URL, "[secret]");
        });
    });
}
