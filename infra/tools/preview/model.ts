/** Shown instead of every secret value, in text and JSON alike. */
export const SECRET_MASK = "[secret]";
/** Shown for values that are only known after deployment. */
export const UNKNOWN_MASK = "[unknown]";

/** One resource as the program registered it, with secrets already masked. */
export interface PlanResource {
    urn: string;
    type: string;
    name: string;
    /** URN of the parent resource, or null at the top level. */
    parent: string | null;
    /** True for provider resources (created in Azure or by a command); false for components. */
    custom: boolean;
    inputs: Record<string, unknown>;
    /** URNs this resource waits for: explicit dependsOn plus the resources its inputs come from. */
    dependsOn: string[];
    /** The ARM id the resource gets (absent for components and commands, and in plans of older versions). */
    id?: string;
    /** Pulumi `protect`: no delete or replace while set. */
    protect?: boolean;
    /** Input paths the program marked `replaceOnChanges`. */
    replaceOnChanges?: string[];
}

export interface PlanConfigEntry {
    key: string;
    /** The value used; `[secret]` for secrets (dummy values in an offline preview). */
    value: unknown;
    /** `example`: a required key the stack does not set, shown with its documented example value. */
    source: "stack" | "default" | "dummy" | "example" | "override";
}

export interface Plan {
    project: string;
    stack: string;
    config: PlanConfigEntry[];
    resources: PlanResource[];
    /** How many resources the longest chain of resources waiting for one another holds. */
    dependencyLevels: number;
}

/** What makes a change of an input replace the resource, and where that rule comes from. */
export interface ReplacingInput {
    /** Input path (a change to it or below it replaces the resource). */
    path: string;
    /** Why: the provider schema, the Azure REST spec or the Microsoft docs that make it create-only. */
    source: string;
}

export type Operation = "create" | "update" | "replace" | "delete";

export interface PropertyChange {
    path: string;
    before?: unknown;
    after?: unknown;
    /** The rule that makes this change replace the resource (absent for an in-place change). */
    replaces?: ReplacingInput;
}

export interface ResourceChange {
    key: string;
    type: string;
    name: string;
    op: Operation;
    changes: PropertyChange[];
    /** The ARM id before and after, when it changes: the resource is a new one. */
    newId?: { before: string; after: string };
    /** Why it goes with another resource (a parent that is replaced or deleted). */
    reasons: string[];
    /** What a replacement or deletion loses. */
    loses?: string;
    /** Protected: `pulumi up` stops before deleting it. */
    blocked?: boolean;
    /** Protected, yet deleted by Azure with its parent: protection does not stop this. */
    unprotectedLoss?: boolean;
}

export interface PlanDiff {
    base: { stack: string; resources: number; dependencyLevels: number };
    head: { stack: string; resources: number; dependencyLevels: number };
    resources: ResourceChange[];
    /** Resources whose dependencies or parent changed and nothing else: no change in Azure. */
    reordered: { key: string; type: string; name: string; changes: PropertyChange[] }[];
    counts: Record<Operation, number>;
}
