export interface GraphNode {
    id: string;
    /** What the node adds to a chain: 1 for a resource that is created, 0 for a component. */
    weight: number;
    /** Ids of the nodes that must be complete before this one starts. */
    after: readonly string[];
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
 * The level of every node: its weight plus the highest level among the nodes it waits for. The highest level is
 * the number of weighted nodes on the longest chain that must run one after another.
 */
export function levels(nodes: readonly GraphNode[]): { byId: Map<string, number>; count: number } {
    const byId = new Map<string, number>();
    const nodeById = new Map(nodes.map((n) => [n.id, n]));
    for (const id of topologicalOrder(nodes)) {
        const node = nodeById.get(id)!;
        byId.set(id, node.weight + Math.max(0, ...node.after.map((dep) => byId.get(dep)!)));
    }
    return { byId, count: Math.max(0, ...byId.values()) };
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
