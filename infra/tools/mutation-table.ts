// Prints the per-file table of one or more mutation reports (the mutation-testing-report-schema JSON that Stryker.NET
// and StrykerJS both write), as Markdown, with the total and the floor it is held to:
//   node build/infra/tools/mutation-table.js --title "Function app" --floor 80 --root <repo> <report.json>
// Exits 1 when the total score is under --floor, 2 on bad arguments or a report it cannot read.
import * as fs from "node:fs";
import * as path from "node:path";

/** A mutant's status as the report schema spells it. */
export type MutantStatus = "Killed" | "Survived" | "NoCoverage" | "Timeout" | "CompileError" | "RuntimeError" | "Ignored" | "Pending";

export interface MutationReport {
    files: Record<string, { mutants: { status: MutantStatus }[] }>;
}

export interface FileScore {
    file: string;
    killed: number;
    timeout: number;
    survived: number;
    noCoverage: number;
    ignored: number;
    /** Killed and timed-out mutants over every mutant that ran or had no test; null when there is none. */
    score: number | null;
}

/**
 * Counts of one file. Compile and runtime errors are invalid mutants and ignored ones are excluded on purpose; neither
 * counts. A mutant without a covering test counts as survived: nothing would notice it.
 */
export function scoreOf(file: string, statuses: readonly MutantStatus[]): FileScore {
    const count = (status: MutantStatus) => statuses.filter((s) => s === status).length;
    const [killed, timeout, survived, noCoverage, ignored] = (["Killed", "Timeout", "Survived", "NoCoverage", "Ignored"] as const).map(count);
    const valid = killed + timeout + survived + noCoverage;
    return { file, killed, timeout, survived, noCoverage, ignored, score: valid === 0 ? null : ((killed + timeout) * 100) / valid };
}

/** One row per file of the reports (paths relative to root, sorted), and the total over all of them. */
export function scoresOf(reports: readonly MutationReport[], root: string): { files: FileScore[]; total: FileScore } {
    const files: FileScore[] = [];
    const all: MutantStatus[] = [];
    for (const report of reports) {
        for (const [name, file] of Object.entries(report.files)) {
            const statuses = file.mutants.map((m) => m.status);
            all.push(...statuses);
            const relative = path.isAbsolute(name) ? path.relative(root, name) : name;
            files.push(scoreOf(relative.split(path.sep).join("/"), statuses));
        }
    }
    files.sort((a, b) => a.file.localeCompare(b.file));
    return { files, total: scoreOf("total", all) };
}

const percent = (score: number | null) => (score === null ? "n/a" : `${score.toFixed(1)} %`);

/** The Markdown table: one row per file and a bold total row. */
export function renderTable(scores: { files: FileScore[]; total: FileScore }): string {
    const row = (s: FileScore, bold: boolean) => {
        const cells = [s.file, s.killed, s.timeout, s.survived, s.noCoverage, s.ignored, percent(s.score)].map(String);
        return `| ${(bold ? cells.map((c) => `**${c}**`) : cells).join(" | ")} |`;
    };
    return [
        "| File | Killed | Timeout | Survived | No coverage | Ignored | Score |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
        ...scores.files.map((s) => row(s, false)),
        row(scores.total, true),
    ].join("\n");
}

interface Arguments {
    title: string;
    floor: number | null;
    root: string;
    reports: string[];
}

export function parseArguments(argv: readonly string[]): Arguments {
    const parsed: Arguments = { title: "Mutation score", floor: null, root: process.cwd(), reports: [] };
    for (let i = 0; i < argv.length; i++) {
        const value = () => {
            if (i + 1 >= argv.length) throw new Error(`${argv[i]} needs a value, for example ${argv[i]} 80`);
            return argv[++i];
        };
        switch (argv[i]) {
            case "--title":
                parsed.title = value();
                break;
            case "--root":
                parsed.root = value();
                break;
            case "--floor": {
                const floor = Number(value());
                if (!Number.isFinite(floor) || floor < 0 || floor > 100) throw new Error("--floor takes a score from 0 to 100, for example --floor 80");
                parsed.floor = floor;
                break;
            }
            default:
                if (argv[i].startsWith("--")) throw new Error(`unknown option ${argv[i]}; use --title, --floor, --root and report files`);
                parsed.reports.push(argv[i]);
        }
    }
    if (parsed.reports.length === 0) throw new Error("name at least one report, for example reports/mutation/infra/mutation-report.json");
    return parsed;
}

function main(argv: readonly string[]): number {
    let args: Arguments;
    let reports: MutationReport[];
    try {
        args = parseArguments(argv);
        reports = args.reports.map((file) => JSON.parse(fs.readFileSync(file, "utf8")) as MutationReport);
    } catch (error) {
        console.error(`mutation-table: ${(error as Error).message}`);
        return 2;
    }
    const scores = scoresOf(reports, args.root);
    console.log(`\n### ${args.title}\n\n${renderTable(scores)}\n`);
    if (args.floor !== null && (scores.total.score ?? 0) < args.floor) {
        console.log(`${args.title}: ${percent(scores.total.score)} is under the floor of ${args.floor} %.`);
        return 1;
    }
    if (args.floor !== null) console.log(`${args.title}: ${percent(scores.total.score)}, floor ${args.floor} %.`);
    return 0;
}

if (require.main === module) {
    process.exitCode = main(process.argv.slice(2));
}
