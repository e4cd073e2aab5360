// docs/operations.md holds the runbook every alert and every doctor finding points to.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";
import { ALERT_DEFINITIONS, runbookAnchor } from "../../../infra/lib/alerts";
import { CHECKS } from "../../../infra/tools/doctor/doctor";
import { REPO_ROOT } from "../helpers/stackFiles";

const doc = readFileSync(path.join(REPO_ROOT, "docs/operations.md"), "utf8");

/** GitHub's anchor of a heading: lower case, punctuation other than hyphens dropped, spaces to hyphens. */
function slug(heading: string): string {
    return heading.trim().toLowerCase().replace(/[^\p{L}\p{N} -]/gu, "").replace(/ /g, "-");
}

const runbookHeadings = [...doc.matchAll(/^### (.+)$/gm)].map((m) => m[1]).filter((h) => /^(Alert|Doctor): /.test(h));

describe("the runbook in docs/operations.md", () => {
    it("has a section per alert in the alerts' order, then one per doctor check in the doctor's order", () => {
        assert.deepEqual(runbookHeadings.map(slug), [...ALERT_DEFINITIONS.map(runbookAnchor), ...CHECKS.map((c) => c.runbook)]);
    });

    it("says, in every section, what it means, how to confirm it and what to do", () => {
        const sections = doc.split(/^### /m).filter((s) => /^(Alert|Doctor): /.test(s));
        for (const section of sections) {
            const title = section.split("\n")[0];
            assert.match(section, /\*\*Means\*\*: \S/, title);
            assert.match(section, /\*\*Confirm\*\*/, title);
            assert.match(section, /\*\*[Dd]o\*\*/, title);
        }
    });

    it("lists every alert with its metric in the alerts table, linked to its section", () => {
        for (const d of ALERT_DEFINITIONS) {
            assert.match(doc, new RegExp(`^\\| \\[${d.title}\\]\\(#${runbookAnchor(d)}\\) \\|[^\\n]*\`${d.metricName.replace(/[./]/g, "\\$&")}\`, ${d.aggregation.toLowerCase()} \\| \`${d.threshold}\``, "m"), d.key);
        }
    });
});
