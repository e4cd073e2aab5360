// Pulumi.yaml's config block and the key tables of the docs are generated from infra/lib/configKeys.ts.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { fillRegions, generatedFiles, projectConfigBlock, REGENERATE_COMMAND, yamlScalar } from "../../../infra/tools/config-docs";
import { REPO_ROOT } from "../helpers/stackFiles";

const yaml = require("js-yaml") as { load(text: string): unknown };

describe("files generated from the configuration declaration", () => {
    for (const { file, current, expected } of generatedFiles(REPO_ROOT)) {
        it(`${file} matches infra/lib/configKeys.ts, descriptions included`, () => {
            if (current !== expected) {
                const currentLines = current.split("\n");
                const expectedLines = expected.split("\n");
                const line = expectedLines.findIndex((l, i) => l !== currentLines[i]);
                assert.fail(
                    `${file} differs from infra/lib/configKeys.ts at line ${line + 1}:\n` +
                        `  file:     ${currentLines[line]}\n  declared: ${expectedLines[line]}\n` +
                        `Run \`${REGENERATE_COMMAND}\` to regenerate it.`,
                );
            }
        });
    }
});

describe("the generator", () => {
    it("writes YAML that reads back as the declared values", () => {
        const parsed = yaml.load(projectConfigBlock()) as { config: Record<string, { description: string; default?: unknown }> };
        for (const value of ["plain text", "a: b", "`code` first", "", "true", "1440", "it's", "x #y"]) {
            assert.equal(yaml.load(`v: ${yamlScalar(value)}`) !== null && (yaml.load(`v: ${yamlScalar(value)}`) as { v: unknown }).v, value, value);
        }
        assert.equal(parsed.config.namePrefix.default, "acspush");
        assert.deepEqual(parsed.config.tags.default, []);
    });

    it("replaces only what lies between the markers", () => {
        const text = "intro\n<!-- generated: config-keys all (x) -->\nold\n<!-- end generated -->\noutro\n";
        assert.equal(fillRegions("f.md", text, () => "new"), "intro\n<!-- generated: config-keys all (x) -->\nnew\n<!-- end generated -->\noutro\n");
    });

    it("names the file and region when a marker is broken or unknown", () => {
        assert.throws(() => fillRegions("f.md", "<!-- generated: config-keys all (x) -->\nold\n", () => "t"), /f\.md: the region "all" has no closing/);
        assert.throws(() => fillRegions("f.md", "<!-- generated: config-keys nope (x) -->\n<!-- end generated -->\n", () => undefined), /names no known table/);
        assert.throws(() => fillRegions("f.md", "no markers\n", () => "t"), /f\.md: no <!-- generated: config-keys/);
    });
});
