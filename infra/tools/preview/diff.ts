// Compares two plans the way `pulumi preview` reports a deployment: each resource is created (+), deleted
// (-), updated in place (~) or replaced (+-). Replacements come from a changed ARM id, an input Azure or the
// provider cannot change (./replacements.ts), or a parent that is itself replaced; a protected resource that
// would be deleted is a stop.
import { armIdOf, mockPrincipalId } from "./azureIds";
import { levels } from "./graph";
import { Operation, Plan, PlanDiff, PlanResource, PropertyChange, ResourceChange } from "./model";
import { compare, dependencyGraph, resourceKey } from "./plan";
import { LOST_WITH, replacingRule } from "./replacements";
import { flatten } from "./wire";

const MISSING = Symbol("missing");

function inputPaths(r: PlanResource): Map<string, unknown> {
    return new Map(flatten(r.inputs).filter(([p]) => p !== "").map(([p, v]) => [`inputs.${p}`, v]));
}

function changedPaths(a: Map<string, unknown>, b: Map<string, unknown>): PropertyChange[] {
    const changes: PropertyChange[] = [];
    for (const path of [...new Set([...a.keys(), ...b.keys()])].sort(compare)) {
        const va = a.has(path) ? a.get(path) : MISSING;
        const vb = b.has(path) ? b.get(path) : MISSING;
        if (va !== MISSING && vb !== MISSING && JSON.stringify(va) === JSON.stringify(vb)) continue;
        const change: PropertyChange = { path };
        if (va !== MISSING) change.before = va;
        if (vb !== MISSING) change.after = vb;
        changes.push(change);
    }
    return changes;
}

const rawId = (r: PlanResource) => r.id ?? armIdOf(r);
/** ARM ids compare case-insensitively. */
const idOf = (r: PlanResource) => rawId(r)?.toLowerCase();
const summary = (r: PlanResource) => ({ key: resourceKey(r.urn), type: r.type, name: r.name });

/** Resources matched by type and name (not by URN, which names the stack), then compared by input path. */
export function diffPlans(base: Plan, head: Plan): PlanDiff {
    const index = (plan: Plan) => new Map(plan.resources.map((r) => [resourceKey(r.urn), r]));
    const before = index(base);
    const after = index(head);
    const changes = new Map<string, ResourceChange>();
    const reordered: PlanDiff["reordered"] = [];
    const add = (r: PlanResource, op: Operation, extra: Partial<ResourceChange> = {}) =>
        changes.set(resourceKey(r.urn), { ...summary(r), op, changes: [], reasons: [], ...extra });

    for (const [key, r] of after) if (!before.has(key)) add(r, "create");
    for (const [key, r] of before) if (!after.has(key)) add(r, "delete");
    for (const [key, b] of after) {
        const a = before.get(key);
        if (!a) continue;
        const props = changedPaths(inputPaths(a), inputPaths(b)).map((c) => {
            const rule = replacingRule(b.type, c.path, b.replaceOnChanges ?? a.replaceOnChanges);
            return rule ? { ...c, replaces: rule } : c;
        });
        const newId = a.custom && idOf(a) !== idOf(b) ? { before: rawId(a) ?? "(none)", after: rawId(b) ?? "(none)" } : undefined;
        if (props.length || newId) {
            add(b, newId || props.some((c) => c.replaces) ? "replace" : "update", { changes: props, ...(newId ? { newId } : {}) });
            continue;
        }
        const wiring = (r: PlanResource) =>
            new Map<string, unknown>([
                ["dependsOn", r.dependsOn.map(resourceKey).sort()],
                ["parent", r.parent && resourceKey(r.parent)],
            ]);
        const order = changedPaths(wiring(a), wiring(b));
        if (order.length) reordered.push({ ...summary(b), changes: order });
    }

    // Pulumi's own delete step stops at a protected resource; nothing happens to what it holds.
    const isProtected = (key: string) => before.get(key)?.protect ?? after.get(key)?.protect ?? false;
    for (const change of changes.values()) {
        if ((change.op === "replace" || change.op === "delete") && isProtected(change.key)) change.blocked = true;
    }
    cascade(before, changes);
    for (const change of changes.values()) {
        if (change.op !== "replace" && change.op !== "delete") continue;
        change.loses = LOST_WITH[change.type];
        // Azure deleting it with a parent is not stopped by its protection.
        if (!change.blocked && isProtected(change.key)) change.unprotectedLoss = true;
    }

    const resources = [...changes.values()].sort((x, y) => compare(x.key, y.key));
    const counts = { create: 0, update: 0, replace: 0, delete: 0 };
    for (const r of resources) counts[r.op]++;
    const side = (plan: Plan) => ({ stack: plan.stack, resources: plan.resources.length, dependencyLevels: levels(dependencyGraph(plan.resources)).count });
    return { base: side(base), head: side(head), resources, reordered: reordered.sort((x, y) => compare(x.key, y.key)), counts };
}

/**
 * What a replacement takes along: Azure deletes a resource's children (ids under its id, role assignments on it
 * included) with it, and a replaced resource's system identity is a new principal, so whatever names the old one
 * changes too.
 */
function cascade(before: Map<string, PlanResource>, changes: Map<string, ResourceChange>): void {
    const gone = [...changes.values()]
        .filter((c) => (c.op === "replace" || c.op === "delete") && !c.blocked)
        .map((c) => before.get(c.key)!);
    const goneIds = gone.map((r) => ({ r, id: idOf(r) })).filter((g) => g.id !== undefined);
    for (const [key, r] of before) {
        const current = changes.get(key);
        if (!r.custom || current?.op === "delete" || current?.op === "create") continue;
        // The nearest replaced ancestor (the longest id that is a prefix of this one).
        const parents = goneIds
            .filter((g) => g.r !== r && idOf(r)?.startsWith(`${g.id}/`))
            .sort((x, y) => y.id!.length - x.id!.length)
            .map((g) => g.r.name);
        const principals = gone.filter((g) => g.inputs.identity && g !== r).map((g) => ({ name: g.name, principal: mockPrincipalId(g.name) }));
        const renewed = flatten(r.inputs).flatMap(([path, value]) =>
            principals.filter((p) => value === p.principal).map((p) => ({ path: `inputs.${path}`, before: value, after: `(the new identity of ${p.name})` })),
        );
        if (!parents.length && !renewed.length) continue;
        const change = current ?? { ...summary(r), op: "update" as Operation, changes: [], reasons: [] };
        for (const c of renewed) {
            const rule = replacingRule(r.type, c.path, r.replaceOnChanges);
            change.changes.push(rule ? { ...c, replaces: rule } : c);
        }
        const replacedByPulumi = change.newId !== undefined || change.changes.some((c) => c.replaces);
        if (parents.length && !replacedByPulumi) {
            change.reasons.push(
                `Azure deletes it with ${parents[0]}; \`pulumi up\` recreates it only after a \`pulumi refresh\` finds it gone`,
            );
        }
        change.op = parents.length || change.changes.some((c) => c.replaces) ? "replace" : "update";
        changes.set(key, change);
    }
}

export function isEmptyDiff(diff: PlanDiff): boolean {
    return !diff.resources.length && !diff.reordered.length;
}
