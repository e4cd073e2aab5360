import { initCommand } from "../../lib/problems";
import { renderAlerts } from "./alertsTable";
import { transitiveReduction } from "./graph";
import { flatten } from "./wire";
import { Plan, PlanResource } from "./model";
import { renderPolicies } from "./policies";
import { compare } from "./plan";

const MAX_LINES_PER_RESOURCE = 14;
const MAX_VALUE_LENGTH = 72;

export function formatValue(value: unknown): string {
    const text = typeof value === "string" ? JSON.stringify(value) : JSON.stringify(value) ?? String(value);
    return text.length > MAX_VALUE_LENGTH ? `${text.slice(0, MAX_VALUE_LENGTH - 1)}…` : text;
}

/** The readable plan: configuration, resources grouped under their components, alerts, graph, dependency levels. */
export function renderPlan(plan: Plan): string {
    const out: string[] = [];
    const custom = plan.resources.filter((r) => r.custom).length;
    out.push(`Offline preview of stack "${plan.stack}" (project ${plan.project}): mocked providers, nothing is deployed.`);
    out.push(...examplesNotice(plan));
    out.push("");
    out.push("Configuration");
    for (const entry of plan.config) {
        const notes = {
            dummy: "   (dummy value for the preview)",
            default: "   (default)",
            example: "   (EXAMPLE: not set for this stack)",
            override: "   (--set)",
            stack: "",
        };
        const note = notes[entry.source];
        out.push(`  ${entry.key}: ${formatValue(entry.value)}${note}`);
    }
    out.push("");
    out.push(`Resources: ${custom} to create, in ${plan.resources.length - custom} components`);
    out.push(...renderTree(plan));
    const alerts = renderAlerts(plan);
    if (alerts.length) out.push("", ...alerts);
    out.push("");
    out.push("Dependency graph");
    out.push("```mermaid");
    out.push(...renderMermaid(plan));
    out.push("```");
    out.push("");
    out.push(levelsLine(plan.dependencyLevels));
    if (plan.policies) {
        out.push("");
        out.push(...renderPolicies(plan.policies));
    }
    return `${out.join("\n")}\n`;
}

/** Says which values are documented examples, and that a deployment needs the real ones first. */
export function examplesNotice(plan: Plan): string[] {
    const examples = plan.config.filter((e) => e.source === "example").map((e) => e.key);
    if (examples.length === 0) return [];
    return [
        "",
        `EXAMPLE VALUES: stack "${plan.stack}" does not set ${examples.join(", ")}.`,
        "This preview uses their documented examples (marked EXAMPLE below) and dummy secrets. A deployment refuses",
        `to run until they are set: ${initCommand(plan.stack)}`,
    ];
}

/** Leaf properties by path; a flat `tags` map is shown on one line. */
export function propertyLines(inputs: Record<string, unknown>): [string, unknown][] {
    const { tags, ...rest } = inputs;
    const lines = flatten(rest).filter(([path]) => path !== "");
    if (tags && typeof tags === "object" && !Array.isArray(tags) && Object.values(tags).every((v) => typeof v !== "object")) {
        const text = Object.entries(tags as Record<string, unknown>).map(([k, v]) => `${k}=${v}`).join(", ");
        lines.push(["tags", text]);
        lines.sort((a, b) => compare(a[0], b[0]));
    } else if (tags !== undefined) {
        lines.push(...flatten(tags, "tags"));
        lines.sort((a, b) => compare(a[0], b[0]));
    }
    return lines;
}

function label(r: PlanResource): string {
    return `${r.name} (${r.type})`;
}

export function renderTree(plan: Plan): string[] {
    const children = new Map<string | null, PlanResource[]>();
    for (const r of plan.resources) {
        const list = children.get(r.parent) ?? [];
        list.push(r);
        children.set(r.parent, list);
    }
    const byUrn = new Map(plan.resources.map((r) => [r.urn, r]));
    const lines: string[] = [];
    const visit = (r: PlanResource, indent: string): void => {
        lines.push(`${indent}${r.custom ? "+" : "▸"} ${label(r)}`);
        const inner = `${indent}    `;
        const props = propertyLines(r.inputs);
        for (const [path, value] of props.slice(0, MAX_LINES_PER_RESOURCE)) lines.push(`${inner}${path}: ${formatValue(value)}`);
        if (props.length > MAX_LINES_PER_RESOURCE) {
            lines.push(`${inner}… ${props.length - MAX_LINES_PER_RESOURCE} more properties (see --json)`);
        }
        const deps = r.dependsOn.filter((u) => u !== r.parent);
        if (deps.length) lines.push(`${inner}depends on: ${deps.map((u) => byUrn.get(u)?.name ?? u).join(", ")}`);
        for (const child of (children.get(r.urn) ?? []).sort(byTypeThenName)) visit(child, `${indent}  `);
    };
    for (const top of (children.get(null) ?? []).sort(byTypeThenName)) visit(top, "  ");
    return lines;
}

function byTypeThenName(a: PlanResource, b: PlanResource): number {
    // Components first, then resources, each by type and name.
    if (a.custom !== b.custom) return a.custom ? 1 : -1;
    return compare(a.type, b.type) || compare(a.name, b.name);
}

function mermaidText(text: string): string {
    return text.replace(/"/g, "#quot;").replace(/</g, "#lt;").replace(/>/g, "#gt;");
}

/**
 * A Mermaid `graph TD`: components as subgraphs, an arrow from each dependency to its dependant. Arrows
 * implied by a longer chain (rg → app when rg → plan → app exists) are left out to keep it readable.
 */
export function renderMermaid(plan: Plan): string[] {
    const ids = new Map(plan.resources.map((r, i) => [r.urn, `r${i}`]));
    const children = new Map<string | null, PlanResource[]>();
    for (const r of plan.resources) children.set(r.parent, [...(children.get(r.parent) ?? []), r]);
    const lines = ["graph TD"];
    const emit = (r: PlanResource, indent: string): void => {
        const id = ids.get(r.urn)!;
        const text = `${mermaidText(r.name)}<br/>${mermaidText(r.type.split(":").slice(1).join(":"))}`;
        if (r.custom) {
            lines.push(`${indent}${id}["${text}"]`);
            // A custom resource can parent others; they are drawn beside it.
            for (const child of children.get(r.urn) ?? []) emit(child, indent);
            return;
        }
        lines.push(`${indent}subgraph ${id}["${text}"]`);
        for (const child of children.get(r.urn) ?? []) emit(child, `${indent}  `);
        lines.push(`${indent}end`);
    };
    for (const top of children.get(null) ?? []) emit(top, "  ");
    const reduced = transitiveReduction(
        plan.resources.map((r) => ({ id: r.urn, weight: 0, after: r.dependsOn.filter((d) => d !== r.parent) })),
    );
    for (const r of plan.resources) {
        for (const dep of reduced.get(r.urn) ?? []) lines.push(`  ${ids.get(dep)} --> ${ids.get(r.urn)}`);
    }
    return lines;
}

export function levelsLine(count: number): string {
    return `Dependency levels: ${count} (the longest chain of resources that must be created one after another)`;
}
