// The `acs-push-baseline` policy pack: `pulumi preview --policy-pack infra/policy` (or `pulumi up --policy-pack …`)
// runs every policy of ./policies.ts against the stack and fails on any violation (all are mandatory).
import { PolicyPack } from "@pulumi/policy";
import { POLICIES, POLICY_PACK } from "./policies";

new PolicyPack(POLICY_PACK, { policies: [...POLICIES], enforcementLevel: "mandatory" });
