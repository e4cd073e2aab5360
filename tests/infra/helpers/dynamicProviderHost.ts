// Loads a serialized dynamic provider the way Pulumi's dynamic provider host does: require-from-string (resolved
// from @pulumi/pulumi, whose dependency it is) on the serialized text, then `handler()`.
import { dirname } from "node:path";
import type * as pulumi from "@pulumi/pulumi";

export function loadSerializedProvider<I = any, O = any>(text: string): pulumi.dynamic.ResourceProvider<I, O> {
    const fromPulumi = require.resolve("require-from-string", { paths: [dirname(require.resolve("@pulumi/pulumi"))] });
    const requireFromString = require(fromPulumi) as (code: string) => { handler(): unknown };
    return requireFromString(text).handler() as pulumi.dynamic.ResourceProvider<I, O>;
}
