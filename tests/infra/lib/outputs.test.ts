import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import { after } from "../../../infra/lib/outputs";
import { installMocks, promiseOf } from "../../../infra/tools/preview/mocks";

class Thing extends pulumi.CustomResource {
    constructor(name: string) {
        super("test:index:Thing", name, {});
    }
}

describe("after", () => {
    it("yields the given value, known, and carries the dependency on the resource", async () => {
        await installMocks({ stack: "dev", bare: true });
        const resource = new Thing("thing");
        const name = after(resource, "st-acspush-dev");
        assert.equal(await promiseOf(name), "st-acspush-dev");
        const internals = name as unknown as { isKnown: Promise<boolean>; allResources?: () => Promise<Set<pulumi.Resource>> };
        assert.equal(await internals.isKnown, true);
        assert.ok((await internals.allResources!()).has(resource), "the output does not depend on the resource");
    });
});
