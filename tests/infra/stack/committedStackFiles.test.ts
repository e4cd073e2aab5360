// What a deployment from a fresh clone sees: the committed stack files carry the environments' settings but
// no app identifiers or credentials, so the program refuses to run until `scripts/init-stack.sh` set them.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";
import { CONFIG_KEYS } from "../../../infra/lib/configKeys";
import { readYaml, REPO_ROOT } from "../helpers/stackFiles";

const STACKS = fs.readdirSync(REPO_ROOT).map((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1]).filter((s): s is string => !!s).sort();
const REQUIRED = CONFIG_KEYS.filter((k) => k.default === undefined).map((k) => k.key);
const HELPER = path.join(__dirname, "../helpers/committedStack.js");

interface Outcome {
    error?: { name: string; message: string };
    resources: number;
    calls: number;
}

function evaluateCommitted(stack: string): Promise<Outcome> {
    return new Promise((resolve, reject) => {
        execFile(process.execPath, [HELPER, stack], { cwd: REPO_ROOT }, (error, stdout, stderr) => {
            if (error) reject(new Error(`${error.message}\n${stderr}`));
            else resolve(JSON.parse(stdout) as Outcome);
        });
    });
}

describe("the committed stack files", () => {
    it("include dev and prod", () => assert.deepEqual(STACKS.filter((s) => s === "dev" || s === "prod"), ["dev", "prod"]));

    it("declare the app identifiers and credentials as required keys, without a default", () => {
        for (const key of ["bundleId", "apnsTeamId", "apnsKeyId", "apnsPrivateKey", "fcmProjectId", "fcmClientEmail", "fcmPrivateKey"]) {
            assert.ok(REQUIRED.includes(key), `${key} has a default`);
        }
        const declared = readYaml("Pulumi.yaml").config as Record<string, { default?: unknown }>;
        for (const key of REQUIRED) assert.equal(declared[key].default, undefined, key);
    });

    for (const stack of STACKS) {
        it(`make a deployment of ${stack} refuse to run, naming every required key and the init command`, async () => {
            const outcome = await evaluateCommitted(stack);
            assert.ok(outcome.error, "the program ran without the app's identifiers and credentials");
            assert.equal(outcome.error.name, "ConfigurationError");
            const message = outcome.error.message;
            assert.match(message, new RegExp(`^Stack '${stack}' has ${REQUIRED.length} configuration problems; nothing was deployed\\.`));
            for (const key of REQUIRED) {
                assert.match(message, new RegExp(`\\n  - acs-push:${key}: is required but not set .+\\(valid example: .+\\)`), key);
            }
            assert.match(message, new RegExp(`${REQUIRED.length} required keys are not set: .+\\n    scripts/init-stack\\.sh ${stack}$`, "s"));
            assert.equal(outcome.resources, 0);
            assert.equal(outcome.calls, 0);
        });
    }
});
