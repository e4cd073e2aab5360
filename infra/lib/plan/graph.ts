export interface GraphNode {
    id: string;
    /** Cost of this node on a path (e.g. estimated seconds; 1 to count resources). */
    weight: number;
    /** Ids of the nodes that must be complete before this one starts. */
    after: readonly string[];
}

export interface LongestPath {
    path: string[];
    weight: number;
}

/** Nodes in an order where every node comes after everything in its `after`; ties broken by id. */
export function topologicalOrder(nodes: readonly GraphNode[]): string[] {
    const byId = new Map<string, GraphNode>();
    for (const node of nodes) {
        if (byId.has(node.id)) throw new Error(`The graph has two nodes with the id "${node.id}".`);
        byId.set(node.id, node);
    }
    for (const node of nodes) {
        for (const dep of node.after) {
            if (!byId.has(dep)) throw new Error(`"${node.id}" depends on "${dep}", which is not in the graph.`);
        }
    }
    const state = new Map<string, "visiting" | "done">();
    const order: string[] = [];
    const visit = (id: string, trail: string[]): void => {
        const seen = state.get(id);
        if (seen === "done") return;
        if (seen === "visiting") {
            const cycle = [...trail.slice(trail.indexOf(id)), id];
            throw new Error(`The dependency graph has a cycle: ${cycle.join(" -> ")}`);
        }
        state.set(id, "visiting");
        for (const dep of [...byId.get(id)!.after].sort()) visit(dep, [...trail, id]);
        state.set(id, "done");
        order.push(id);
    };
    for (const id of [...byId.keys()].sort()) visit(id, []);
    return order;
}

/**
 * The heaviest chain of nodes that must run one after another. Ties go to the chain whose nodes have
 * the smaller ids, so the answer is the same on every run.
 */
export function criticalPath(nodes: readonly GraphNode[]): LongestPath {
    if (nodes.length === 0) return { path: [], weight: 0 };
    const byId = new Map(nodes.map((n) => [n.id, n]));
    const best = new Map<string, { weight: number; via: string | null }>();
    for (const id of topologicalOrder(nodes)) {
        const node = byId.get(id)!;
        let via: string | null = null;
        let viaWeight = 0;
        for (const dep of [...new Set(node.after)].sort()) {
            const w = best.get(dep)!.weight;
            if (via === null || w > viaWeight) {
                via = dep;
                viaWeight = w;
            }
        }
        best.set(id, { weight: node.weight + viaWeight, via });
    }
    let end: string | null = null;
    for (const id of [...best.keys()].sort()) {
        if (end === null || best.get(id)!.weight > best.get(end)!.weight) end = id;
    }
    const path: string[] = [];
    for (let at: string | null = end; at !== null; at = best.get(at)!.via) path.unshift(at);
    return { path, weight: best.get(end!)!.weight };
}

/**
 * For each node, the direct predecessors that are not also reachable through another predecessor
 * (the transitive reduction of a DAG). Returned lists are sorted.
 */
export function transitiveReduction(nodes: readonly GraphNode[]): Map<string, string[]> {
    const byId = new Map(nodes.map((n) => [n.id, n]));
    const ancestors = new Map<string, Set<string>>();
    for (const id of topologicalOrder(nodes)) {
        const all = new Set<string>();
        for (const dep of byId.get(id)!.after) {
            all.add(dep);
            for (const a of ancestors.get(dep)!) all.add(a);
        }
        ancestors.set(id, all);
    }
    const result = new Map<string, string[]>();
    for (const node of nodes) {
        const direct = [...new Set(node.after)];
        const implied = new Set<string>();
        for (const dep of direct) for (const a of ancestors.get(dep)!) implied.add(a);
        result.set(node.id, direct.filter((d) => !implied.has(d)).sort());
    }
    return result;
}
