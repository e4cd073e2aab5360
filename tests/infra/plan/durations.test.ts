import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import { DEFAULT_CREATE_SECONDS, estimateSeconds } from "../../../infra/lib/plan/durations";

describe("estimateSeconds", () => {
    const table = { "t:m:A": 30, "command:local:Command": 20, "command:local:Command#-deploy": 120, "command:local:Command#-ready": 60 };
    const cases: [string, { type: string; name: string; custom: boolean }, number][] = [
        ["a listed type", { type: "t:m:A", name: "x", custom: true }, 30],
        ["an unlisted type", { type: "t:m:B", name: "x", custom: true }, DEFAULT_CREATE_SECONDS],
        ["a component", { type: "t:m:A", name: "x", custom: false }, 0],
        ["a command by its name suffix", { type: "command:local:Command", name: "code-deploy", custom: true }, 120],
        ["a command without a listed suffix", { type: "command:local:Command", name: "code-other", custom: true }, 20],
    ];
    for (const [label, resource, seconds] of cases) {
        it(`weighs ${label} at ${seconds} s`, () => assert.equal(estimateSeconds(resource, table), seconds));
    }
});
