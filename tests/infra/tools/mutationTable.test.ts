import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { execFile } from "node:child_process";
import { MutantStatus, parseArguments, renderTable, scoreOf, scoresOf } from "../../../infra/tools/mutation-table";

const report = (files: Record<string, MutantStatus[]>) => ({
    files: Object.fromEntries(Object.entries(files).map(([name, statuses]) => [name, { mutants: statuses.map((status) => ({ status })) }])),
});

const TOOL = path.resolve(__dirname, "../../../infra/tools/mutation-table.js");

function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    return new Promise((resolve) =>
        execFile(process.execPath, [TOOL, ...args], (error, stdout, stderr) =>
            resolve({ code: error ? (error.code as number) : 0, stdout, stderr }),
        ),
    );
}

describe("mutation table", () => {
    it("scores killed and timed-out mutants over those that ran or had no test", () => {
        const score = scoreOf("a.cs", ["Killed", "Killed", "Timeout", "Survived", "NoCoverage", "CompileError", "RuntimeError", "Ignored"]);
        assert.deepEqual(score, { file: "a.cs", killed: 2, timeout: 1, survived: 1, noCoverage: 1, ignored: 1, score: 60 });
    });

    it("has no score for a file whose every mutant is ignored or invalid", () => {
        assert.equal(scoreOf("b.ts", ["Ignored", "CompileError"]).score, null);
    });

    it("lists files relative to the root, sorted, with a total over every report", () => {
        const root = path.resolve("/repo");
        const scores = scoresOf(
            [report({ [path.join(root, "functions-app/Z.cs")]: ["Killed", "Survived"] }), report({ "infra/lib/a.ts": ["Killed", "Killed"] })],
            root,
        );
        assert.deepEqual(scores.files.map((f) => [f.file, f.score]), [["functions-app/Z.cs", 50], ["infra/lib/a.ts", 100]]);
        assert.equal(scores.total.score, 75);
    });

    it("renders one Markdown row per file and a bold total", () => {
        const table = renderTable(scoresOf([report({ "x.ts": ["Killed", "Killed", "Survived"] })], "/"));
        const lines = table.split("\n");
        assert.equal(lines[0], "| File | Killed | Timeout | Survived | No coverage | Ignored | Score |");
        assert.equal(lines[2], "| x.ts | 2 | 0 | 1 | 0 | 0 | 66.7 % |");
        assert.equal(lines[3], "| **total** | **2** | **0** | **1** | **0** | **0** | **66.7 %** |");
    });

    it("refuses a floor outside 0-100 and an unknown option, naming a valid example", () => {
        assert.throws(() => parseArguments(["--floor", "120", "r.json"]), /--floor takes a score from 0 to 100, for example --floor 80/);
        assert.throws(() => parseArguments(["--flor", "80", "r.json"]), /unknown option --flor/);
        assert.throws(() => parseArguments(["--floor", "80"]), /name at least one report/);
    });

    it("exits 1 under the floor and 0 at it", async () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mutation-table-"));
        const file = path.join(dir, "report.json");
        fs.writeFileSync(file, JSON.stringify(report({ "a.ts": ["Killed", "Killed", "Killed", "Killed", "Survived"] })));
        try {
            const under = await run(["--title", "Infra", "--floor", "80.1", file]);
            assert.equal(under.code, 1);
            assert.match(under.stdout, /Infra: 80\.0 % is under the floor of 80\.1 %/);
            const at = await run(["--title", "Infra", "--floor", "80", file]);
            assert.equal(at.code, 0);
            assert.match(at.stdout, /### Infra/);
            assert.match(at.stdout, /\| a\.ts \| 4 \| 0 \| 1 \| 0 \| 0 \| 80\.0 % \|/);
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });
});
