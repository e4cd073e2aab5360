import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";
import { CONFIG_KEYS } from "../../../infra/lib/configKeys";
import { REPO_ROOT } from "../helpers/stackFiles";

const doc = readFileSync(path.join(REPO_ROOT, "docs/configuration.md"), "utf8");

describe("docs/configuration.md", () => {
    it("documents every configuration key in a table row", () => {
        for (const { key } of CONFIG_KEYS) {
            assert.match(doc, new RegExp(`^\\| \`${key}\` \\|`, "m"), key);
        }
    });

    it("shows the pulumi config set --secret command for every secret key", () => {
        for (const { key } of CONFIG_KEYS.filter((k) => k.secret)) {
            assert.ok(doc.includes(`pulumi config set --secret ${key}`), key);
        }
    });
});
