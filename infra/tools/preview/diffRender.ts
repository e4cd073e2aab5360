// The diff as Markdown for a pull-request comment or a terminal, in `pulumi preview`'s markers.
import type { Operation, PlanDiff, ResourceChange } from "./model";

const MARKERS: Record<Operation, string> = { replace: "+-", delete: "- ", create: "+ ", update: "~ " };
const ORDER: Operation[] = ["replace", "delete", "create", "update"];
const MAX_VALUE_LENGTH = 72;
/** Characters kept on each side of the part that differs. */
const CONTEXT = 20;

function text(value: unknown): string {
    return value === undefined ? "(none)" : JSON.stringify(value) ?? String(value);
}

function shorten(value: string): string {
    return value.length > MAX_VALUE_LENGTH ? `${value.slice(0, MAX_VALUE_LENGTH - 1)}…` : value;
}

/**
 * Two long values cut down to the part that differs, with a little context on each side, so
 * `"…/resourceGroups/rg-a/…"` and `"…/resourceGroups/rg-b/…"` show the group, not a shared prefix.
 */
export function shortenPair(before: string, after: string): [string, string] {
    if (before.length <= MAX_VALUE_LENGTH && after.length <= MAX_VALUE_LENGTH) return [before, after];
    let prefix = 0;
    while (prefix < before.length && prefix < after.length && before[prefix] === after[prefix]) prefix++;
    let suffix = 0;
    while (
        suffix < before.length - prefix &&
        suffix < after.length - prefix &&
        before[before.length - 1 - suffix] === after[after.length - 1 - suffix]
    ) {
        suffix++;
    }
    const cut = (value: string) => {
        const start = Math.max(0, prefix - CONTEXT);
        const end = Math.min(value.length, value.length - suffix + CONTEXT);
        let middle = value.slice(start, end);
        if (middle.length > MAX_VALUE_LENGTH) {
            const half = Math.floor(MAX_VALUE_LENGTH / 2);
            middle = `${middle.slice(0, half)}…${middle.slice(-half)}`;
        }
        return `${start > 0 ? "…" : ""}${middle}${end < value.length ? "…" : ""}`;
    };
    return [cut(before), cut(after)];
}

function changeLines(r: ResourceChange): string[] {
    const lines: string[] = [];
    const pad = "       ";
    const flags = r.blocked ? "   BLOCKED: protected" : r.unprotectedLoss ? "   protected, but deleted with its parent" : "";
    lines.push(`${MARKERS[r.op]} ${r.name} (${r.type})${flags}`);
    if (r.newId) {
        const [a, b] = shortenPair(r.newId.before, r.newId.after);
        lines.push(`${pad}ARM id: ${a} → ${b}   (a new resource)`);
    }
    for (const c of r.changes) {
        const [a, b] = "before" in c && "after" in c ? shortenPair(text(c.before), text(c.after)) : [shorten(text(c.before)), shorten(text(c.after))];
        lines.push(`${pad}${c.path.replace(/^inputs\./, "")}: ${a} → ${b}${c.replaces ? "   (forces replacement)" : ""}`);
    }
    for (const reason of r.reasons) lines.push(`${pad}${reason}`);
    if (r.loses) lines.push(`${pad}loses: ${r.loses}`);
    return lines;
}

export function renderDiff(diff: PlanDiff): string {
    const title =
        diff.base.stack === diff.head.stack ? `stack \`${diff.head.stack}\`` : `\`${diff.base.stack}\` → \`${diff.head.stack}\``;
    const out = [`### Offline topology diff: ${title}`, ""];
    const { create, update, replace, delete: remove } = diff.counts;
    if (!diff.resources.length && !diff.reordered.length) {
        out.push("No resource is created, updated, replaced or deleted.");
    } else {
        out.push(`**+ ${create} to create · ~ ${update} to update · +- ${replace} to replace · - ${remove} to delete**`, "");
        const blocked = diff.resources.filter((r) => r.blocked);
        const lost = diff.resources.filter((r) => r.unprotectedLoss);
        if (blocked.length) {
            out.push(
                `**Stop: ${blocked.map((r) => r.name).join(", ")} would be ${blocked.some((r) => r.op === "replace") ? "replaced" : "deleted"}, ` +
                    "blocked by protection.** `pulumi up` stops before deleting a protected resource. Undo the change, or " +
                    "unprotect the resource (`pulumi state unprotect`) only if losing what it holds is intended.",
                "",
            );
        }
        if (lost.length) {
            out.push(
                `**Warning: ${lost.map((r) => r.name).join(", ")} ${lost.length === 1 ? "is" : "are"} protected, but Azure deletes ` +
                    `${lost.length === 1 ? "it" : "them"} with a parent that is replaced; protection does not stop that.**`,
                "",
            );
        }
        if (diff.resources.length) {
            const sorted = [...diff.resources].sort((a, b) => Number(!!b.blocked) - Number(!!a.blocked) || ORDER.indexOf(a.op) - ORDER.indexOf(b.op));
            out.push("```diff", ...sorted.flatMap(changeLines), "```", "");
        }
        const rules = new Set(
            diff.resources.flatMap((r) => r.changes.flatMap((c) => (c.replaces ? [`- ${r.type} \`${c.replaces.path}\`: ${c.replaces.source}`] : []))),
        );
        if (rules.size) out.push("Why these changes replace:", ...[...rules].sort(), "");
        if (diff.reordered.length) {
            out.push(`Only the order changes (dependencies or parent; nothing changes in Azure): ${diff.reordered.map((r) => r.name).join(", ")}.`, "");
        }
    }
    out.push(
        diff.base.dependencyLevels === diff.head.dependencyLevels
            ? `Dependency levels unchanged (${diff.head.dependencyLevels}).`
            : `Dependency levels: ${diff.base.dependencyLevels} → ${diff.head.dependencyLevels}.`,
    );
    out.push("", "_Evaluated with mocked providers and dummy secrets; secret values show as `[secret]`._");
    return `${out.join("\n")}\n`;
}
