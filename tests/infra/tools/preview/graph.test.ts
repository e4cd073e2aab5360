import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import { GraphNode, levels, topologicalOrder, transitiveReduction } from "../../../../infra/tools/preview/graph";

/** `"b<a c<a,b"`-style shorthand: node ids with their predecessors; weight 1 unless given as `id=0`. */
function graph(spec: string): GraphNode[] {
    return spec
        .split(/\s+/)
        .filter(Boolean)
        .map((part) => {
            const [head, after = ""] = part.split("<");
            const [id, weight = "1"] = head.split("=");
            return { id, weight: Number(weight), after: after ? after.split(",") : [] };
        });
}

describe("levels", () => {
    const cases: [string, string, number][] = [
        ["an empty graph", "", 0],
        ["a single node", "a", 1],
        ["a chain", "a b<a c<b", 3],
        ["two independent nodes", "b a", 1],
        ["a diamond", "a b<a c<a d<b,c", 3],
        ["a longer branch beside a shorter one", "a b<a c<b d<a e<c,d", 4],
        ["zero-weight components in the middle", "rg comp=0<rg app<comp sub<app other<rg", 3],
        ["a predecessor listed twice", "a b<a,a", 2],
        ["deploy before subscribe", "rg app<rg deploy<app ready<deploy topic<rg sub<ready,topic", 5],
    ];
    for (const [label, spec, count] of cases) {
        it(`counts ${count} in ${label}`, () => assert.equal(levels(graph(spec)).count, count));
    }

    it("puts every node one level above the highest it waits for", () => {
        const { byId } = levels(graph("a b<a comp=0<b c<comp d<a"));
        assert.deepEqual(Object.fromEntries(byId), { a: 1, b: 2, comp: 2, c: 3, d: 2 });
    });

    it("gives the same answer whatever the input order", () => {
        const nodes = graph("a b<a c<a d<b,c e<d f<c");
        assert.deepEqual(levels([...nodes].reverse()), levels(nodes));
    });

    it("names the cycle when there is one", () => {
        assert.throws(() => levels(graph("a<c b<a c<b")), /cycle: a -> c -> b -> a/);
    });

    it("rejects a dependency on a node that is not in the graph", () => {
        assert.throws(() => levels(graph("a b<z")), /"b" depends on "z", which is not in the graph/);
    });

    it("rejects two nodes with the same id", () => {
        assert.throws(() => levels(graph("a a")), /two nodes with the id "a"/);
    });
});

describe("topologicalOrder", () => {
    it("puts every node after its predecessors", () => {
        const nodes = graph("d<b,c c<a b<a a");
        const order = topologicalOrder(nodes);
        for (const node of nodes) for (const dep of node.after) assert.ok(order.indexOf(dep) < order.indexOf(node.id));
        assert.deepEqual(order, ["a", "b", "c", "d"]);
    });
});

describe("transitiveReduction", () => {
    const cases: [string, string, Record<string, string[]>][] = [
        ["drops an edge implied by a chain", "a b<a c<a,b", { a: [], b: ["a"], c: ["b"] }],
        ["keeps both branches of a diamond", "a b<a c<a d<a,b,c", { a: [], b: ["a"], c: ["a"], d: ["b", "c"] }],
        ["keeps independent edges", "a b c<a,b", { a: [], b: [], c: ["a", "b"] }],
    ];
    for (const [label, spec, expected] of cases) {
        it(label, () => assert.deepEqual(Object.fromEntries(transitiveReduction(graph(spec))), expected));
    }
});
