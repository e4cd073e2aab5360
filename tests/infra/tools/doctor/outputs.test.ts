import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { DoctorError, parseOutputs, readStackOutputs } from "../../../../infra/tools/doctor/outputs";
import { OUTPUTS } from "./fakeAzure";

describe("the doctor's stack outputs", () => {
    it("asks the Pulumi CLI for the stack's outputs, which hold no secret", async () => {
        const calls: string[][] = [];
        const outputs = await readStackOutputs("prod", async (command, args) => {
            calls.push([command, ...args]);
            return JSON.stringify(OUTPUTS);
        });
        assert.deepEqual(calls, [["pulumi", "stack", "output", "--json", "--stack", "prod"]]);
        assert.equal(outputs.webhookFunctionId, OUTPUTS.webhookFunctionId);
    });

    it("says what to do without the Pulumi CLI, and when the CLI fails", async () => {
        const missing = Object.assign(new Error("spawn pulumi ENOENT"), { code: "ENOENT" });
        await assert.rejects(
            readStackOutputs("dev", async () => Promise.reject(missing)),
            (e: Error) => e instanceof DoctorError && /not installed here.*`pulumi stack output --json -s dev > outputs\.json` and pass --outputs outputs\.json/.test(e.message),
        );
        const failed = Object.assign(new Error("Command failed"), { code: 255, stderr: "error: no stack named 'dev' found\nmore" });
        await assert.rejects(
            readStackOutputs("dev", async () => Promise.reject(failed)),
            (e: Error) => e.message === "`pulumi stack output -s dev` failed: error: no stack named 'dev' found. Log in (`pulumi login`) and check the stack name.",
        );
    });

    it("names every output that is missing or malformed", () => {
        const { webhookFunctionId, alertRuleIds, ...rest } = OUTPUTS;
        assert.ok(webhookFunctionId && alertRuleIds);
        assert.throws(
            () => parseOutputs({ ...rest, eventSubscriptions: [], apnsEndpoint: 7 }, "outputs.json"),
            (e: Error) => e.message.startsWith("outputs.json lacks or garbles the stack outputs apnsEndpoint, webhookFunctionId, alertRuleIds, eventSubscriptions. "),
        );
        assert.throws(() => parseOutputs([OUTPUTS], "x"), /x is not the JSON object `pulumi stack output --json` prints/);
    });
});
