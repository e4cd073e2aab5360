// The SDK internals named in infra/tools/preview/sdk.ts, checked against the installed @pulumi/pulumi: an upgrade
// that moves one fails here with the SDK version in the message.
import * as assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import * as rpc from "@pulumi/pulumi/runtime/rpc";
import { mockMonitor, observeRegistrations, SDK_VERSION, SdkInternalsChanged, settle } from "../../../../infra/tools/preview/sdk";

class Thing extends pulumi.CustomResource {
    constructor(name: string, args: pulumi.Inputs, opts?: pulumi.CustomResourceOptions) {
        super("test:index:Thing", name, args, opts);
    }
}

describe("Pulumi SDK internals used by the preview and the mock tests", () => {
    it("runs on the SDK version package.json pins", () => {
        const pinned = (require("../../../../../package.json") as { dependencies: Record<string, string> }).dependencies["@pulumi/pulumi"];
        assert.equal(SDK_VERSION, pinned, `installed @pulumi/pulumi ${SDK_VERSION}, package.json pins ${pinned}: run npm ci`);
    });

    it("finds the wire-format signatures in runtime/rpc, equal to the public pulumi.runtime ones", () => {
        for (const name of ["specialSigKey", "specialSecretSig", "specialResourceSig", "specialOutputValueSig", "specialAssetSig", "specialArchiveSig", "unknownValue"] as const) {
            const fromModule = (rpc as Record<string, unknown>)[name];
            assert.equal(typeof fromModule, "string", `@pulumi/pulumi ${SDK_VERSION}: runtime/rpc no longer exports ${name}`);
            assert.equal(fromModule, (pulumi.runtime as unknown as Record<string, unknown>)[name], `@pulumi/pulumi ${SDK_VERSION}: runtime/rpc.${name} differs from pulumi.runtime.${name}`);
        }
    });

    it("sees dependencies and secret markers on the mock monitor's register requests", async () => {
        await pulumi.runtime.setMocks({ newResource: (a) => ({ id: `${a.name}-id`, state: a.inputs }), call: () => ({}) }, "sdk-check", "dev", false);
        const seen: { name: string; deps: string[]; raw: Record<string, unknown>; protect: boolean; replaceOnChanges: string[]; id: string; state: Record<string, unknown> }[] = [];
        const urns: string[] = [];
        observeRegistrations((req, resp) => {
            seen.push({
                name: req.getName(),
                deps: req.getDependenciesList(),
                raw: req.getObject()?.toJavaScript() ?? {},
                protect: req.getProtect(),
                replaceOnChanges: req.getReplaceonchangesList(),
                id: resp.getId(),
                state: resp.getObject()?.toJavaScript() ?? {},
            });
            urns.push(resp.getUrn());
        });
        const first = new Thing("first", { value: "plain" });
        new Thing("second", { value: pulumi.secret("hidden") }, { dependsOn: [first], protect: true, replaceOnChanges: ["value"] });
        await settle();

        const second = seen.find((s) => s.name === "second");
        assert.ok(second, `@pulumi/pulumi ${SDK_VERSION}: registerResource was not called for the second resource`);
        assert.ok(second.deps.some((d) => d.endsWith("::first")), `@pulumi/pulumi ${SDK_VERSION}: getDependenciesList() lost dependsOn`);
        const value = second.raw.value as Record<string, unknown>;
        assert.equal(value?.[pulumi.runtime.specialSigKey], pulumi.runtime.specialSecretSig, `@pulumi/pulumi ${SDK_VERSION}: secret inputs no longer carry the secret signature`);
        assert.equal(second.protect, true, `@pulumi/pulumi ${SDK_VERSION}: getProtect() lost protect`);
        assert.deepEqual(second.replaceOnChanges, ["value"], `@pulumi/pulumi ${SDK_VERSION}: getReplaceonchangesList() lost replaceOnChanges`);
        assert.equal(second.id, "second-id", `@pulumi/pulumi ${SDK_VERSION}: the response no longer carries the mock's id`);
        assert.equal((second.state.value as Record<string, unknown>)?.[pulumi.runtime.specialSigKey], pulumi.runtime.specialSecretSig);
        assert.equal(urns.length, 2);
        assert.ok(urns.every((u) => u.startsWith("urn:pulumi:dev::sdk-check::")));
    });

    it("names the SDK version when an internal is missing", () => {
        const error = new SdkInternalsChanged("something moved");
        assert.match(error.message, new RegExp(`@pulumi/pulumi ${SDK_VERSION.replace(/\./g, "\\.")}: something moved`));
        assert.equal(typeof mockMonitor().registerResource, "function");
    });
});
