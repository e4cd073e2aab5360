import { flatten } from "./mask";
import { Plan, PlanResource } from "./model";
import { compare, resourceKey } from "./plan";
import { formatSeconds, formatValue } from "./render";

export interface PropertyChange {
    path: string;
    before?: unknown;
    after?: unknown;
}

export interface ResourceChange {
    key: string;
    type: string;
    name: string;
    changes: PropertyChange[];
}

export interface PlanDiff {
    base: { stack: string; criticalPathSeconds: number; resources: number };
    head: { stack: string; criticalPathSeconds: number; resources: number };
    added: { key: string; type: string; name: string }[];
    removed: { key: string; type: string; name: string }[];
    changed: ResourceChange[];
}

const MISSING = Symbol("missing");

function comparable(r: PlanResource): Map<string, unknown> {
    const props = new Map<string, unknown>(flatten(r.inputs).filter(([p]) => p !== "").map(([p, v]) => [`inputs.${p}`, v]));
    props.set("dependsOn", r.dependsOn.map(resourceKey).sort());
    props.set("parent", r.parent ? resourceKey(r.parent) : null);
    return props;
}

/** Resources matched by type and name (not by URN, which names the stack), then compared by property path. */
export function diffPlans(base: Plan, head: Plan): PlanDiff {
    const index = (plan: Plan) => new Map(plan.resources.map((r) => [resourceKey(r.urn), r]));
    const before = index(base);
    const after = index(head);
    const summary = (r: PlanResource) => ({ key: resourceKey(r.urn), type: r.type, name: r.name });
    const added = [...after.keys()].filter((k) => !before.has(k)).sort(compare).map((k) => summary(after.get(k)!));
    const removed = [...before.keys()].filter((k) => !after.has(k)).sort(compare).map((k) => summary(before.get(k)!));
    const changed: ResourceChange[] = [];
    for (const key of [...after.keys()].filter((k) => before.has(k)).sort(compare)) {
        const a = comparable(before.get(key)!);
        const b = comparable(after.get(key)!);
        const changes: PropertyChange[] = [];
        for (const path of [...new Set([...a.keys(), ...b.keys()])].sort(compare)) {
            const va = a.has(path) ? a.get(path) : MISSING;
            const vb = b.has(path) ? b.get(path) : MISSING;
            if (JSON.stringify(va) === JSON.stringify(vb) && va !== MISSING && vb !== MISSING) continue;
            if (va === MISSING && vb === MISSING) continue;
            const change: PropertyChange = { path };
            if (va !== MISSING) change.before = va;
            if (vb !== MISSING) change.after = vb;
            changes.push(change);
        }
        if (changes.length) changed.push({ ...summary(after.get(key)!), changes });
    }
    return {
        base: { stack: base.stack, criticalPathSeconds: base.criticalPath.seconds, resources: base.resources.length },
        head: { stack: head.stack, criticalPathSeconds: head.criticalPath.seconds, resources: head.resources.length },
        added,
        removed,
        changed,
    };
}

export function isEmptyDiff(diff: PlanDiff): boolean {
    return !diff.added.length && !diff.removed.length && !diff.changed.length;
}

/** Markdown for a pull-request comment or a terminal. */
export function renderDiff(diff: PlanDiff): string {
    const title =
        diff.base.stack === diff.head.stack ? `stack \`${diff.head.stack}\`` : `\`${diff.base.stack}\` → \`${diff.head.stack}\``;
    const out = [`### Offline topology diff: ${title}`, ""];
    if (isEmptyDiff(diff)) {
        out.push("No resource is added, removed or changed.");
    } else {
        out.push(`**${diff.added.length} to add, ${diff.changed.length} to change, ${diff.removed.length} to remove**`, "");
        out.push("```diff");
        for (const r of diff.added) out.push(`+ ${r.name} (${r.type})`);
        for (const r of diff.removed) out.push(`- ${r.name} (${r.type})`);
        for (const r of diff.changed) {
            out.push(`! ${r.name} (${r.type})`);
            for (const c of r.changes) {
                const from = "before" in c ? formatValue(c.before) : "(none)";
                const to = "after" in c ? formatValue(c.after) : "(none)";
                out.push(`!     ${c.path}: ${from} → ${to}`);
            }
        }
        out.push("```");
    }
    out.push("");
    if (diff.base.criticalPathSeconds !== diff.head.criticalPathSeconds) {
        out.push(
            `Critical path: about ${formatSeconds(diff.base.criticalPathSeconds)} → about ${formatSeconds(diff.head.criticalPathSeconds)}.`,
        );
    } else {
        out.push(`Critical path unchanged (about ${formatSeconds(diff.head.criticalPathSeconds)}).`);
    }
    out.push("", "_Evaluated with mocked providers and dummy secrets; secret values show as `[secret]`._");
    return `${out.join("\n")}\n`;
}
