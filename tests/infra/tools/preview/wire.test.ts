import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import { flatten, maskInputs } from "../../../../infra/tools/preview/wire";

const SIG = "4dabf18193072939515e22adb298388d";
const secret = (value: unknown) => ({ [SIG]: "1b47061264138c4ac30d75fd1eb44270", value });

describe("maskInputs", () => {
    const cases: [string, unknown, unknown][] = [
        ["a plain value", { a: "x", n: 1, b: true }, { a: "x", b: true, n: 1 }],
        ["a secret string", { key: secret("p@ss") }, { key: "[secret]" }],
        ["a secret object", { cred: secret({ token: "t" }) }, { cred: "[secret]" }],
        ["a secret inside an array", { list: ["a", secret("b")] }, { list: ["a", "[secret]"] }],
        ["an unknown", { id: "04da6b54-80e4-46f7-96ec-b56ff0331ba9" }, { id: "[unknown]" }],
        ["a resource reference", { r: { [SIG]: "5cf8f73096256a8f31e491e813e4eb8e", urn: "urn:x", id: "i" } }, { r: "<resource urn:x>" }],
        ["a secret output value", { o: { [SIG]: "d0e6a833031e9bbcd3f4e8bde6ca49a4", value: "v", secret: true } }, { o: "[secret]" }],
        ["a plain output value", { o: { [SIG]: "d0e6a833031e9bbcd3f4e8bde6ca49a4", value: "v" } }, { o: "v" }],
    ];
    for (const [label, input, expected] of cases) {
        it(`masks ${label}`, () => assert.deepEqual(maskInputs(input), expected));
    }

    it("masks any string that contains a known secret, even without the secret flag", () => {
        const masked = maskInputs({ url: "https://x/api/events?code=KEY-123", other: "fine" }, ["KEY-123"]);
        assert.deepEqual(masked, { other: "fine", url: "[secret]" });
    });

    it("sorts object keys", () => {
        assert.deepEqual(Object.keys(maskInputs({ b: 1, a: 2, c: 3 }) as object), ["a", "b", "c"]);
    });
});

describe("flatten", () => {
    it("lists leaves by dotted path", () => {
        assert.deepEqual(flatten({ b: { c: [1, { d: "x" }] }, a: [], e: {} }), [
            ["a", []],
            ["b.c[0]", 1],
            ["b.c[1].d", "x"],
            ["e", {}],
        ]);
    });
});
