// The offline diff of the prod stack against itself with one value changed (`--diff --set`), as a reviewer
// runs it: the three changes a pull request must not understate.
import { after, before, describe, it } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { execFile } from "node:child_process";
import { Operation, PlanDiff } from "../../../../infra/tools/preview/model";
import { REPO_ROOT } from "../../helpers/stackFiles";

const TOOL = path.join(REPO_ROOT, "build/infra/tools/preview/offline-preview.js");

function run(args: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
    return new Promise((resolve) => {
        execFile(process.execPath, [TOOL, ...args], { cwd: REPO_ROOT, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) =>
            resolve({ status: error ? Number(error.code) : 0, stdout, stderr }),
        );
    });
}

describe("offline diff of the prod stack", () => {
    let dir: string;
    const diffs: Record<string, PlanDiff> = {};
    let dataLocation: Awaited<ReturnType<typeof run>>;
    const opOf = (diff: PlanDiff, name: string): Operation | undefined => diff.resources.find((r) => r.name === name)?.op;
    const SETS = { location: "location=swedencentral", tags: 'tags=["owner=platform-team","cost-center=4711"]' };

    before(async () => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "stack-diff-"));
        const plan = async (file: string, args: string[]) => {
            const result = await run(["--stack", "prod", "--json", ...args]);
            assert.equal(result.status, 0, result.stderr);
            fs.writeFileSync(path.join(dir, file), result.stdout);
        };
        // The committed stack is the base; each change is one --set. dataLocation goes through `--diff --set`.
        [dataLocation] = await Promise.all([
            run(["--stack", "prod", "--diff", "--set", "dataLocation=Switzerland"]),
            plan("base.json", []),
            ...Object.entries(SETS).map(([name, set]) => plan(`${name}.json`, ["--set", set])),
        ]);
        for (const name of Object.keys(SETS)) {
            const result = await run(["--diff", path.join(dir, "base.json"), path.join(dir, `${name}.json`), "--json"]);
            assert.equal(result.status, 0, result.stderr);
            diffs[name] = JSON.parse(result.stdout) as PlanDiff;
        }
    });
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("shows a new dataLocation as a replacement of the ACS resource, blocked by protection", () => {
        assert.equal(dataLocation.status, 0, dataLocation.stderr);
        const text = dataLocation;
        assert.match(text.stdout, /\*\*\+ 0 to create · ~ 0 to update · \+- 1 to replace · - 0 to delete\*\*/);
        assert.match(text.stdout, /```diff\n\+- acs-service[^\n]*\n(?: {7}[^\n]*\n)+```/);
        assert.match(text.stdout, /\*\*Stop: acs-service would be replaced, blocked by protection\.\*\*/);
        assert.match(text.stdout, /\+- acs-service \(azure-native:communication:CommunicationService\) {3}BLOCKED: protected\n {7}dataLocation: "Germany" → "Switzerland" {3}\(forces replacement\)\n {7}loses: every ACS user identity/);
    });

    it("shows a new location as replacements of the regional resources", () => {
        const diff = diffs.location;
        for (const name of ["resource-group", "hubs-namespace", "hubs-calls-hub", "hubs-alerts-hub", "functions-storage", "functions-logs", "functions-insights", "functions-plan", "functions-app"]) {
            const resource = diff.resources.find((r) => r.name === name);
            assert.equal(resource?.op, "replace", name);
            assert.ok(resource!.changes.some((c) => c.path === "inputs.location" && c.replaces), `${name}: location does not force the replacement`);
        }
        assert.equal(diff.counts.update + diff.counts.create + diff.counts.delete, 0);
        assert.equal(diff.resources.find((r) => r.name === "acs-service")?.unprotectedLoss, true);
    });

    it("shows a tag change as updates only", () => {
        const diff = diffs.tags;
        // Every tagged resource: 12 in the topology, the action group and the 15 alert rules.
        assert.deepEqual(diff.counts, { create: 0, update: 28, replace: 0, delete: 0 });
        assert.equal(opOf(diff, "acs-service"), "update");
        for (const r of diff.resources) assert.deepEqual(r.changes.map((c) => c.path), ["inputs.tags.owner"], r.name);
    });

    it("names the --set values it needs when given neither plans nor values", async () => {
        const result = await run(["--stack", "prod", "--diff"]);
        assert.equal(result.status, 1);
        assert.match(result.stderr, /--diff takes two plan files, or --set values to try on the stack/);
    });
});
