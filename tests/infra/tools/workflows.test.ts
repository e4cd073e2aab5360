import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";

const yaml = require("js-yaml") as { load(text: string): unknown };

const ROOT = path.resolve(__dirname, "../../../..");
type Step = { uses?: string; run?: string; with?: Record<string, unknown>; if?: string };
type Job = { needs?: string | string[]; if?: string; environment?: string; permissions?: Record<string, string>; steps: Step[]; strategy?: { matrix: Record<string, unknown> } };
type Workflow = { on: Record<string, unknown>; permissions?: Record<string, string>; jobs: Record<string, Job> };

function workflow(name: string): Workflow {
    return yaml.load(fs.readFileSync(path.join(ROOT, ".github/workflows", name), "utf8")) as Workflow;
}
const uses = (job: Job, action: string) => job.steps.find((s) => s.uses?.startsWith(`${action}@`));

describe("workflows", () => {
    it("CI runs the README's test command on pushes and pull requests", () => {
        const ci = workflow("ci.yml");
        assert.ok("push" in ci.on && "pull_request" in ci.on);
        assert.ok(ci.jobs.test.steps.some((s) => s.run === "./scripts/test.sh"));
    });

    it("tests on Node.js 24 from .node-version and on Node.js 22", () => {
        const job = workflow("ci.yml").jobs.test;
        const include = job.strategy!.matrix.include as { node: string }[];
        assert.deepEqual(include.map((entry) => entry.node).sort(), ["", "22"]);
        const setup = uses(job, "actions/setup-node")!;
        assert.equal(setup.with!["node-version"], "${{ matrix.node }}");
        assert.equal(setup.with!["node-version-file"], ".node-version");
        assert.match(fs.readFileSync(path.join(ROOT, ".node-version"), "utf8").trim(), /^24(\.\d+){0,2}$/);
    });

    it("sets Node.js up from .node-version in every workflow, never from a literal version", () => {
        for (const file of fs.readdirSync(path.join(ROOT, ".github/workflows"))) {
            for (const [name, job] of Object.entries(workflow(file).jobs)) {
                for (const step of job.steps.filter((s) => s.uses?.startsWith("actions/setup-node@"))) {
                    assert.match(String(step.with!["node-version-file"]), /(^|\/)\.node-version$/, `${file} ${name}`);
                    assert.ok([undefined, "${{ matrix.node }}"].includes(step.with!["node-version"] as string | undefined), `${file} ${name}: ${step.with!["node-version"]}`);
                }
            }
        }
    });

    it("previews both stacks with diffs commented on the pull request", () => {
        const job = workflow("preview.yml").jobs.preview;
        assert.deepEqual(job.strategy!.matrix.stack, ["dev", "prod"]);
        assert.deepEqual(job.permissions, { contents: "read", "id-token": "write", "pull-requests": "write" });
        const pulumi = uses(job, "pulumi/actions")!;
        assert.equal(pulumi.with!.command, "preview");
        assert.equal(pulumi.with!.diff, true);
        assert.equal(pulumi.with!["comment-on-pr"], true);
        assert.equal(pulumi.with!["edit-pr-comment"], true);
        assert.ok(uses(job, "azure/login"), "Azure OIDC login");
    });

    it("runs the credentialed preview only for branches of this repository with credentials, the offline diff otherwise", () => {
        const jobs = workflow("preview.yml").jobs;
        assert.equal(jobs.preview.if, "needs.credentials.outputs.available == 'true'");
        assert.equal(jobs["offline-diff"].if, "needs.credentials.outputs.available != 'true'");
        assert.deepEqual(jobs["offline-diff"].permissions, { contents: "read" });
        assert.ok(uses(jobs["offline-diff"], "actions/upload-artifact"));
    });

    it("makes the offline diff with the preview tool the build produces from infra/tools/preview", () => {
        const script = workflow("preview.yml").jobs["offline-diff"].steps.map((s) => s.run ?? "").join("\n");
        const tools = [...script.matchAll(/build\/(infra\/tools\/[\w/-]+)\.js/g)].map((m) => m[1]);
        assert.ok(tools.includes("infra/tools/preview/offline-preview"), script);
        assert.ok(fs.existsSync(path.join(ROOT, "infra/tools/preview/offline-preview.ts")));
        assert.match(script, /--diff "out\/base-\$stack\.json" "out\/head-\$stack\.json"/);
    });

    it("posts the offline diff from workflow_run without checking out or running pull request code", () => {
        const comment = workflow("preview-comment.yml");
        assert.deepEqual(comment.on.workflow_run, { workflows: ["Preview"], types: ["completed"] });
        assert.deepEqual(comment.permissions, {});
        for (const job of Object.values(comment.jobs)) {
            assert.ok(!job.steps.some((s) => s.uses?.startsWith("actions/checkout@")), "no checkout");
            assert.ok(!job.steps.some((s) => s.run), "no shell steps");
        }
    });

    it("deploys dev on pushes to main, then prod behind the production environment", () => {
        const deploy = workflow("deploy.yml");
        assert.deepEqual(deploy.on.push, { branches: ["main"] });
        assert.equal(uses(deploy.jobs.dev, "pulumi/actions")!.with!.command, "up");
        assert.equal(deploy.jobs.prod.needs, "dev");
        assert.equal(deploy.jobs.prod.environment, "production");
        assert.match(String(uses(deploy.jobs.prod, "pulumi/actions")!.with!["stack-name"]), /prod/);
    });

    it("runs the mutation suites weekly and on demand, outside CI, and keeps the reports", () => {
        const mutation = workflow("mutation.yml");
        assert.deepEqual(Object.keys(mutation.on).sort(), ["schedule", "workflow_dispatch"]);
        assert.deepEqual(mutation.permissions, { contents: "read" });
        const job = mutation.jobs.mutation;
        assert.ok(job.steps.some((s) => s.run === './scripts/mutation.sh "$SUITE"'));
        const upload = uses(job, "actions/upload-artifact")!;
        assert.equal(upload.if, "always()");
        assert.equal(upload.with!.path, "reports/mutation/");
        assert.ok(!workflow("ci.yml").jobs.test.steps.some((s) => s.run?.includes("mutation")), "not part of CI");
        assert.doesNotMatch(fs.readFileSync(path.join(ROOT, "scripts/test.sh"), "utf8"), /mutation/);
    });

    it("pins every action to a major version or a commit", () => {
        for (const file of fs.readdirSync(path.join(ROOT, ".github/workflows"))) {
            for (const job of Object.values(workflow(file).jobs)) {
                for (const step of job.steps.filter((s) => s.uses)) {
                    assert.match(step.uses!, /@(v\d+|[0-9a-f]{40})$/, `${file}: ${step.uses}`);
                }
            }
        }
    });
});
