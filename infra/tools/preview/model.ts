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
    source: "stack" | "default" | "dummy" | "override";
}

export interface Plan {
    project: string;
    stack: string;
    config: PlanConfigEntry[];
    resources: PlanResource[];
    /** How many resources the longest chain of resources waiting for one another holds. */
    dependencyLevels: number;
}
