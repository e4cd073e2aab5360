import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import { installRecordingMocks, promiseOf, Recorder, settled } from "../helpers/recordingMocks";
import { stackConfig } from "../helpers/stackFiles";

type Program = Record<string, pulumi.Output<unknown>>;

describe("the dev stack", () => {
    let recorder: Recorder;
    let program: Program;

    before(async () => {
        const { config, secretKeys } = stackConfig("dev");
        recorder = await installRecordingMocks({ stack: "dev", config, secretKeys });
        program = (await import("../../../infra/index")) as unknown as Program;
        await settled();
    });

    it("registers resources", async () => {
        console.log(recorder.resources.map((r) => `${r.type} ${r.name} secret=${r.secretPaths} deps=${r.dependsOn}`).join("\n"));
        for (const [k, v] of Object.entries(program)) console.log(k, await promiseOf(v));
        assert.ok(recorder.resources.length > 10);
    });
});
