import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import { criticalPath, GraphNode, topologicalOrder, transitiveReduction } from "../../../infra/lib/plan/graph";

/** `"b<a c<a,b"`-style shorthand: node ids with their predecessors; weight 1 unless given as `id=5`. */
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

describe("criticalPath", () => {
    const cases: [string, string, string[], number][] = [
        ["an empty graph", "", [], 0],
        ["a single node", "a", ["a"], 1],
        ["a chain", "a b<a c<b", ["a", "b", "c"], 3],
        ["two independent nodes (tie broken by id)", "b a", ["a"], 1],
        ["a diamond counted by resources", "a b<a c<a d<b,c", ["a", "b", "d"], 3],
        ["a diamond where the heavier branch wins", "a b<a c=5<a d<b,c", ["a", "c", "d"], 7],
        ["the longer chain against a heavier single step", "a=1 b=1<a c=1<b d=2", ["a", "b", "c"], 3],
        ["a heavy single step against a longer chain", "a=1 b=1<a c=1<b d=4", ["d"], 4],
        ["zero-weight components in the middle", "rg=5 comp=0<rg app=90<comp sub=30<app other=10<rg", ["rg", "comp", "app", "sub"], 125],
        ["a predecessor listed twice", "a b<a,a", ["a", "b"], 2],
        ["deploy before subscribe", "rg=5 app=90<rg deploy=120<app ready=60<deploy topic=30<rg sub=30<ready,topic", ["rg", "app", "deploy", "ready", "sub"], 305],
    ];
    for (const [label, spec, path, weight] of cases) {
        it(`finds ${path.join(" → ") || "nothing"} in ${label}`, () => {
            assert.deepEqual(criticalPath(graph(spec)), { path, weight });
        });
    }

    it("gives the same answer whatever the input order", () => {
        const nodes = graph("a b<a c<a d<b,c e<d f<c");
        assert.deepEqual(criticalPath([...nodes].reverse()), criticalPath(nodes));
    });

    it("names the cycle when there is one", () => {
        assert.throws(() => criticalPath(graph("a<c b<a c<b")), /cycle: a -> c -> b -> a/);
    });

    it("rejects a dependency on a node that is not in the graph", () => {
        assert.throws(() => criticalPath(graph("a b<z")), /"b" depends on "z", which is not in the graph/);
    });

    it("rejects two nodes with the same id", () => {
        assert.throws(() => criticalPath(graph("a a")), /two nodes with the id "a"/);
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
