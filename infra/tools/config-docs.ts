// Writes what is generated from the configuration declaration (infra/lib/configKeys.ts):
//   Pulumi.yaml            the `config:` block (everything from the `config:` line on)
//   docs/configuration.md  one key table per section, between `<!-- generated: config-keys <section> ... -->`
//                          and `<!-- end generated -->`
//   README.md              the key table, between the same markers with the section `all`
//
//   npm run config:docs              rewrite the three files
//   npm run config:docs -- --check   exit 1 and name the files that are out of date
import * as fs from "node:fs";
import * as path from "node:path";
import { CONFIG_KEYS } from "../lib/configKeys";
import { CONFIG_SECTIONS, ConfigKey, ConfigSection } from "../lib/configSchema";

export const REGENERATE_COMMAND = "npm run config:docs";

const KEYS = CONFIG_KEYS;

/** A YAML scalar as Pulumi.yaml writes it: plain where YAML reads it back unchanged, single-quoted otherwise. */
export function yamlScalar(value: string | number | boolean): string {
    if (typeof value !== "string") return String(value);
    const plain =
        /^[A-Za-z0-9(<]/.test(value) &&
        !/: |\s#|:$|\s$/.test(value) &&
        !/^(true|false|yes|no|on|off|null|~|[-+.\d][\d._eE+-]*)$/i.test(value);
    return plain ? value : `'${value.replace(/'/g, "''")}'`;
}

/** The `config:` block of Pulumi.yaml: every key with type, description, secrecy and default, by section. */
export function projectConfigBlock(keys: readonly ConfigKey[] = KEYS): string {
    const lines = ["config:"];
    for (const [section, title] of Object.entries(CONFIG_SECTIONS) as [ConfigSection, string][]) {
        lines.push("", `  # --- ${title} ---`);
        for (const key of keys.filter((k) => k.section === section)) {
            lines.push(`  ${key.key}:`, `    type: ${key.type}`);
            if (key.type === "array") lines.push("    items:", "      type: string");
            lines.push(`    description: ${yamlScalar(key.description)}`);
            if (key.secret) lines.push("    secret: true");
            if (Array.isArray(key.default)) {
                lines.push(key.default.length === 0 ? "    default: []" : "    default:");
                for (const item of key.default) lines.push(`      - ${yamlScalar(item)}`);
            } else if (key.default !== undefined) {
                lines.push(`    default: ${yamlScalar(key.default as string | number | boolean)}`);
            }
        }
    }
    return `${lines.join("\n")}\n`;
}

const cell = (text: string) => text.replace(/\|/g, "\\|").replace(/\n/g, " ");
const code = (text: string) => `\`${text}\``;

function defaultCell(key: ConfigKey): string {
    if (key.defaultText !== undefined) return key.defaultText;
    if (key.default === undefined) return "required";
    if (Array.isArray(key.default)) return key.default.length === 0 ? "`[]`" : key.default.map(code).join(", ");
    return key.default === "" ? '`""`' : code(String(key.default));
}

/** The docs table of one section: type, default, secrecy, what the key sets, its rule and an example. */
export function sectionTable(section: ConfigSection, keys: readonly ConfigKey[] = KEYS): string {
    const rows = keys
        .filter((k) => k.section === section)
        .map((k) =>
            [code(k.key), k.type === "array" ? "list of strings" : k.type, defaultCell(k), k.secret ? "**yes**" : "no", k.description, k.rule, code(k.example)]
                .map(cell)
                .join(" | "),
        );
    return ["| Key | Type | Default | Secret | What it sets | Rule | Example |", "|---|---|---|---|---|---|---|", ...rows.map((r) => `| ${r} |`)].join("\n");
}

/** The README's table: every key, its default and what it sets. */
export function overviewTable(keys: readonly ConfigKey[] = KEYS): string {
    const rows = keys.map((k) => [code(k.key), `${defaultCell(k)}${k.secret ? ", **secret**" : ""}`, k.description].map(cell).join(" | "));
    return ["| Key | Default | What it sets |", "|---|---|---|", ...rows.map((r) => `| ${r} |`)].join("\n");
}

const BEGIN = /<!-- generated: config-keys ([a-zA-Z]+) [^>]*-->\n/g;
const END = "<!-- end generated -->";

/** `text` with the content of every marked region replaced by the table its marker names. */
export function fillRegions(file: string, text: string, table: (region: string) => string | undefined): string {
    let out = "";
    let at = 0;
    for (const match of text.matchAll(BEGIN)) {
        const start = match.index! + match[0].length;
        if (start < at) continue;
        const end = text.indexOf(END, start);
        const content = table(match[1]);
        if (end < 0 || content === undefined) {
            throw new Error(`${file}: the region "${match[1]}" ${end < 0 ? `has no closing ${END}` : "names no known table"}`);
        }
        out += text.slice(at, start) + content + "\n";
        at = end;
    }
    if (at === 0) throw new Error(`${file}: no <!-- generated: config-keys ... --> region`);
    return out + text.slice(at);
}

export interface GeneratedFile {
    file: string;
    current: string;
    expected: string;
}

/** The three files as they are under `root` and as the declaration says they should be. */
export function generatedFiles(root: string): GeneratedFile[] {
    const read = (file: string) => fs.readFileSync(path.join(root, file), "utf8");
    const project = read("Pulumi.yaml");
    const at = project.search(/^config:/m);
    if (at < 0) throw new Error("Pulumi.yaml: no top-level config: block");
    const docs = read("docs/configuration.md");
    const readme = read("README.md");
    return [
        { file: "Pulumi.yaml", current: project, expected: project.slice(0, at) + projectConfigBlock() },
        {
            file: "docs/configuration.md",
            current: docs,
            expected: fillRegions("docs/configuration.md", docs, (r) => (r in CONFIG_SECTIONS ? sectionTable(r as ConfigSection) : undefined)),
        },
        { file: "README.md", current: readme, expected: fillRegions("README.md", readme, (r) => (r === "all" ? overviewTable() : undefined)) },
    ];
}

export function main(argv: string[], root = path.resolve(__dirname, "..", "..", "..")): number {
    const files = generatedFiles(root);
    const stale = files.filter((f) => f.current !== f.expected);
    if (argv.includes("--check")) {
        for (const f of stale) process.stderr.write(`${f.file} differs from infra/lib/configKeys.ts; run \`${REGENERATE_COMMAND}\`\n`);
        return stale.length ? 1 : 0;
    }
    for (const f of stale) fs.writeFileSync(path.join(root, f.file), f.expected);
    process.stdout.write(stale.length ? `updated ${stale.map((f) => f.file).join(", ")}\n` : "up to date\n");
    return 0;
}

if (require.main === module) {
    process.exitCode = main(process.argv.slice(2));
}
