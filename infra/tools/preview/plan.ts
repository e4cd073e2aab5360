import { GraphNode, levels } from "./graph";
import { Plan, PlanConfigEntry, PlanResource } from "./model";

/**
 * What a resource waits for before it is created: its dependencies and its parent (a child is registered
 * only once its parent is, and a component is registered only once its own dependencies exist).
 */
export function predecessors(resource: PlanResource): string[] {
    const all = new Set(resource.dependsOn);
    if (resource.parent) all.add(resource.parent);
    all.delete(resource.urn);
    return [...all].sort();
}

/** The plan's resources as a graph: created resources weigh 1, components 0. */
export function dependencyGraph(resources: readonly PlanResource[]): GraphNode[] {
    const known = new Set(resources.map((r) => r.urn));
    return resources.map((r) => ({ id: r.urn, weight: r.custom ? 1 : 0, after: predecessors(r).filter((u) => known.has(u)) }));
}

/** Assembles a plan with stable ordering; dependencies on resources the program did not register are dropped. */
export function buildPlan(input: {
    project: string;
    stack: string;
    config: readonly PlanConfigEntry[];
    resources: readonly PlanResource[];
}): Plan {
    const known = new Set(input.resources.map((r) => r.urn));
    const resources = input.resources
        .map((r) => ({
            ...r,
            parent: r.parent && known.has(r.parent) ? r.parent : null,
            dependsOn: [...new Set(r.dependsOn)].filter((u) => known.has(u) && u !== r.urn).sort(),
        }))
        .sort((a, b) => compare(a.urn, b.urn));
    return {
        project: input.project,
        stack: input.stack,
        config: [...input.config].sort((a, b) => compare(a.key, b.key)),
        resources,
        dependencyLevels: levels(dependencyGraph(resources)).count,
    };
}

export function compare(a: string, b: string): number {
    return a < b ? -1 : a > b ? 1 : 0;
}

/** `type::name` path of a URN without stack and project, so plans of two stacks can be compared. */
export function resourceKey(urn: string): string {
    const parts = urn.split("::");
    return parts.length >= 4 ? parts.slice(2).join("::") : urn;
}

/** JSON with object keys sorted at every level, two-space indented, newline-terminated. */
export function stableJson(value: unknown): string {
    const sortKeys = (v: unknown): unknown => {
        if (Array.isArray(v)) return v.map(sortKeys);
        if (v === null || typeof v !== "object") return v;
        const out: Record<string, unknown> = {};
        for (const key of Object.keys(v).sort()) out[key] = sortKeys((v as Record<string, unknown>)[key]);
        return out;
    };
    return `${JSON.stringify(sortKeys(value), null, 2)}\n`;
}
